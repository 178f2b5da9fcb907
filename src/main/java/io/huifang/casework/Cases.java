package io.huifang.casework;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.desk.DeskEvents;
import io.huifang.survey.QuestionnaireStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cases (工单): opened from submitted surveys (settings autoOpen), by an agent from the desk or by staff; handled by
 * the dealer, then verified by a second callback (purpose {@code case}) whose verdict closes or reopens them;
 * flagged overdue by the minute. Every change is a case_event; red and orange cases are notified to the staff at once.
 */
public final class Cases {
  private static final Logger log = LoggerFactory.getLogger(Cases.class);
  static final String PURPOSE = "case";
  static final Set<String> KINDS = Set.of("complaint", "consultation", "rescue");
  static final Set<String> SEVERITIES = Set.of("red", "orange", "yellow");

  private final Vertx vertx;
  private final CaseStore store;
  private final CaseworkSettings settings;
  private final QuestionnaireStore questionnaires;
  private final SecondCallbacks callbacks;
  private final Notifications notifications;
  private MessageConsumer<io.vertx.core.json.JsonObject> consumer;

  Cases(Vertx vertx, CaseStore store, CaseworkSettings settings, QuestionnaireStore questionnaires,
        SecondCallbacks callbacks, Notifications notifications) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
    this.questionnaires = questionnaires;
    this.callbacks = callbacks;
    this.notifications = notifications;
    callbacks.onResult(PURPOSE, this::verdict);
  }

  void start() {
    // Once per cluster: on the node where the survey was submitted (docs/cluster.md).
    consumer = vertx.eventBus().localConsumer(DeskEvents.SURVEY_SUBMITTED, m -> {
      JsonObject e = m.body();
      if ("success".equals(e.getString("group")) && e.getString("attemptId") != null) {
        openFromSurvey(e.getString("attemptId")).onFailure(x -> log.atError()
            .setMessage("case not opened from survey").addKeyValue("attempt", e.getString("attemptId"))
            .addKeyValue("error", String.valueOf(x)).log());
      }
    });
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  CaseStore store() {
    return store;
  }

  SecondCallbacks callbacks() {
    return callbacks;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Opening

  /**
   * Opens the case a submitted survey calls for (complaint text, low configured item), once per attempt; empty when
   * it calls for none, is a second callback's, or already opened one.
   */
  Future<Optional<Long>> openFromSurvey(String attemptId) {
    return store.submittedSurvey(attemptId).compose(found -> {
      if (found.isEmpty() || "second_callback".equals(found.get().getString("purpose"))) {
        return Future.succeededFuture(Optional.<Long>empty());
      }
      Row s = found.get();
      JsonObject answers = s.getValue("answers") instanceof JsonObject a ? a : new JsonObject();
      return Future.all(questionnaires.version(s.getString("questionnaire_key"), s.getInteger("questionnaire_version")),
              settings.current())
          .compose(all -> {
            JsonObject cfg = all.resultAt(1);
            Optional<AutoOpen.Trigger> t = AutoOpen.decide(all.resultAt(0), answers, cfg);
            if (t.isEmpty()) {
              return Future.succeededFuture(Optional.<Long>empty());
            }
            AutoOpen.Trigger trigger = t.get();
            JsonObject template = new JsonObject();
            putIf(template, "region", s.getString("region"));
            putIf(template, "brand", s.getString("vehicle_model"));
            putIf(template, "dealer", s.getString("dealer_name"));
            LocalDate date = s.getLocalDate("event_date");
            putIf(template, "date", date == null ? null : date.toString());
            putIf(template, "issue", trigger.complaint() != null ? trigger.complaint()
                : String.join("；", trigger.reasons()));
            putIf(template, "vin", s.getString("vin"));
            putIf(template, "plate", s.getString("plate"));
            String summary = "回访发现：" + String.join("；", trigger.reasons());
            CaseStore.NewCase n = new CaseStore.NewCase("complaint", "yellow", trigger.department(), "survey",
                s.getLong("dealer_id"), s.getLong("customer_id"), attemptId, true, template,
                cut(summary, 2000), null, Instant.now().plus(Duration.ofDays(cfg.getInteger("dueDays"))));
            return open(n, null, new JsonObject().put("source", "survey").put("attemptId", attemptId)
                .put("reasons", new JsonArray(trigger.reasons())));
          });
    });
  }

  /**
   * A case opened by an agent from the desk (for a call of theirs: {@code attemptId} gives dealer and customer) or by
   * staff; the template of its kind checked. Fails {@link Invalid}, 403 {@code not_your_call}, 404.
   */
  Future<Long> openByHand(User u, JsonObject b) {
    String kind = b.getString("kind");
    if (kind == null || !KINDS.contains(kind)) {
      return Future.failedFuture(new Invalid("kind", "kind must be complaint, consultation or rescue",
          "类型必须是投诉、咨询或救援"));
    }
    String severity = b.getValue("severity") == null ? "yellow" : String.valueOf(b.getValue("severity"));
    if (!SEVERITIES.contains(severity)) {
      return Future.failedFuture(new Invalid("severity", "severity must be red, orange or yellow", "严重程度必须是红、橙、黄"));
    }
    Object dept = b.getValue("department");
    if (dept == null || !CaseworkSettings.DEPARTMENTS.contains(String.valueOf(dept))) {
      return Future.failedFuture(new Invalid("department", "department must be sales, service, parts or other",
          "部门必须是销售、售后服务、配件或其他"));
    }
    if (b.getValue("template") != null && !(b.getValue("template") instanceof JsonObject)) {
      return Future.failedFuture(new Invalid("template", "template must be an object", "信息记录必须是对象"));
    }
    if (b.getValue("note") != null && (!(b.getValue("note") instanceof String note) || note.length() > 4000)) {
      return Future.failedFuture(new Invalid("note", "note must be a text of at most 4000 characters",
          "备注必须是不超过 4000 字的文字"));
    }
    JsonObject template;
    try {
      template = CaseTemplates.check(kind, b.getJsonObject("template"));
    } catch (Invalid e) {
      return Future.failedFuture(e);
    }
    Object attemptValue = b.getValue("attemptId");
    Object dealerValue = b.getValue("dealerId");
    if (attemptValue != null && !(attemptValue instanceof String s && s.matches("[A-Za-z0-9._:-]{1,100}"))) {
      return Future.failedFuture(new Invalid("attemptId", "attemptId must be a call's id", "attemptId 必须是通话编号"));
    }
    if (dealerValue != null && !(dealerValue instanceof Number)) {
      return Future.failedFuture(new Invalid("dealerId", "dealerId must be a number", "经销商编号必须是数字"));
    }
    String attemptId = (String) attemptValue;
    boolean agent = u.role() == Role.AGENT;
    if (agent && attemptId == null) {
      return Future.failedFuture(new Invalid("attemptId", "an agent opens a case for a call: attemptId is required",
          "回访员登记工单需指明通话（attemptId）"));
    }
    Future<long[]> who; // {dealer, customer or -1}
    if (attemptId != null) {
      who = store.attempt(attemptId).compose(a -> {
        if (a.isEmpty()) {
          return Future.failedFuture(Problem.notFound("call " + attemptId));
        }
        if (agent && !Long.valueOf(u.id()).equals(a.get().getLong("agent_id"))) {
          return Future.failedFuture(new Problem(403, "not_your_call", "an agent opens cases for their own calls"));
        }
        Long dealer = a.get().getLong("dealer_id");
        if (dealer == null) {
          return Future.failedFuture(new Invalid("attemptId", "the call has no customer of a dealer",
              "该通话没有所属经销商的客户"));
        }
        return Future.succeededFuture(new long[] {dealer, a.get().getLong("customer_id")});
      });
    } else if (dealerValue == null) {
      return Future.failedFuture(new Invalid("dealerId", "dealerId or attemptId is required",
          "需要经销商（dealerId）或通话（attemptId）"));
    } else {
      long dealer = ((Number) dealerValue).longValue();
      who = store.dealerExists(dealer).compose(ok -> ok ? Future.succeededFuture(new long[] {dealer, -1})
          : Future.failedFuture(new Invalid("dealerId", "no dealer " + dealer, "没有该经销商")));
    }
    String summary = CaseTemplates.summary(kind, template);
    return Future.all(who, settings.current()).compose(all -> {
      long[] w = all.resultAt(0);
      JsonObject cfg = all.resultAt(1);
      CaseStore.NewCase n = new CaseStore.NewCase(kind, severity, String.valueOf(dept), agent ? "desk" : "staff",
          w[0], w[1] < 0 ? null : w[1], attemptId, false, template, summary, u.id(),
          Instant.now().plus(Duration.ofDays(cfg.getInteger("dueDays"))));
      return open(n, u, new JsonObject().put("source", n.source()).put("attemptId", attemptId)
          .put("note", b.getString("note"))).map(Optional::orElseThrow);
    });
  }

  private Future<Optional<Long>> open(CaseStore.NewCase n, User by, JsonObject detail) {
    return store.pool().withTransaction(tx -> store.insert(tx, n).compose(id -> id.isEmpty()
            ? Future.succeededFuture(id)
            : store.event(tx, id.get(), by == null ? null : by.id(), by == null ? "Huifang" : by.displayName(),
                "opened", detail.put("severity", n.severity()).put("department", n.department())).map(id)))
        .onSuccess(id -> id.ifPresent(caseId -> {
          log.atInfo().setMessage("case opened").addKeyValue("case", caseId).addKeyValue("source", n.source())
              .addKeyValue("dealer", n.dealerId()).log();
          Notifications.Note note = new Notifications.Note("case.opened",
              "新工单 #" + caseId + "：" + cut(n.summary(), 120), "New case #" + caseId + ": " + cut(n.summary(), 120),
              link(caseId, true));
          notifications.toDealer(n.dealerId(), note);
          if (!"yellow".equals(n.severity())) {
            staffAtOnce(caseId, n.severity(), n.summary());
          }
        }));
  }

  /** Red and orange are reported the same day: the staff hear of them at once. */
  private void staffAtOnce(long caseId, String severity, String summary) {
    String zh = "red".equals(severity) ? "红色" : "橙色";
    notifications.toStaff(new Notifications.Note("case.opened", zh + "工单 #" + caseId + "（当日上报）：" + cut(summary, 120),
        severity + " case #" + caseId + " (report today): " + cut(summary, 120), link(caseId, false)));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Changes

  /** Staff change severity, department, dealer or due time; each change is a history row. */
  Future<Void> update(User u, long id, JsonObject b) {
    for (String k : b.fieldNames()) {
      if (!Set.of("severity", "department", "dealerId", "dueAt").contains(k)) {
        return Future.failedFuture(new Invalid(k, k + " cannot be changed here", k + " 不能在此修改"));
      }
    }
    String severity = b.getValue("severity") == null ? null : String.valueOf(b.getValue("severity"));
    if (severity != null && !SEVERITIES.contains(severity)) {
      return Future.failedFuture(new Invalid("severity", "severity must be red, orange or yellow", "严重程度必须是红、橙、黄"));
    }
    String dept = b.getValue("department") == null ? null : String.valueOf(b.getValue("department"));
    if (dept != null && !CaseworkSettings.DEPARTMENTS.contains(dept)) {
      return Future.failedFuture(new Invalid("department", "department must be sales, service, parts or other",
          "部门必须是销售、售后服务、配件或其他"));
    }
    if (b.getValue("dealerId") != null && !(b.getValue("dealerId") instanceof Number)) {
      return Future.failedFuture(new Invalid("dealerId", "dealerId must be a number", "经销商编号必须是数字"));
    }
    Long dealer = b.getValue("dealerId") == null ? null : ((Number) b.getValue("dealerId")).longValue();
    Instant due;
    try {
      due = b.getString("dueAt") == null ? null : Instant.parse(b.getString("dueAt"));
    } catch (RuntimeException e) {
      return Future.failedFuture(new Invalid("dueAt", "dueAt must be an ISO instant like 2026-12-09T10:00:00Z",
          "dueAt 必须是 ISO 时间，如 2026-12-09T10:00:00Z"));
    }
    Future<Boolean> dealerOk = dealer == null ? Future.succeededFuture(true) : store.dealerExists(dealer);
    return dealerOk.compose(ok -> {
      if (!ok) {
        return Future.failedFuture(new Invalid("dealerId", "no dealer " + dealer, "没有该经销商"));
      }
      return store.pool().withTransaction(tx -> store.lock(tx, id).compose(found -> {
        Row r = found.orElseThrow(() -> Problem.notFound("case " + id));
        Future<Void> f = store.update(tx, id, severity, dept, dealer, due);
        if (severity != null && !severity.equals(r.getString("severity"))) {
          f = f.compose(v -> store.event(tx, id, u.id(), u.displayName(), "severity",
              new JsonObject().put("from", r.getString("severity")).put("to", severity)));
        }
        if ((dept != null && !dept.equals(r.getString("department")))
            || (dealer != null && dealer != r.getLong("dealer_id").longValue())) {
          f = f.compose(v -> store.event(tx, id, u.id(), u.displayName(), "assigned", new JsonObject()
              .put("department", dept == null ? r.getString("department") : dept)
              .put("dealerId", dealer == null ? r.getLong("dealer_id") : dealer)));
        }
        if (due != null) {
          f = f.compose(v -> store.event(tx, id, u.id(), u.displayName(), "due", new JsonObject()
              .put("dueAt", due.toString())));
        }
        return f.map(r);
      })).onSuccess(r -> {
        if (severity != null && !"yellow".equals(severity) && !severity.equals(r.getString("severity"))) {
          staffAtOnce(id, severity, r.getString("summary"));
        }
        if (dealer != null && dealer != r.getLong("dealer_id").longValue()) {
          notifications.toDealer(dealer, new Notifications.Note("case.opened", "工单 #" + id + " 已转给贵店处理",
              "Case #" + id + " was assigned to you", link(id, true)));
        }
      }).mapEmpty();
    });
  }

  /**
   * The dealer (or staff) recorded what was done: {@code handled}, and Huifang creates the second callback that
   * verifies it (when the case has a customer to call). 409 {@code stale_version} when someone changed it meanwhile.
   */
  Future<Void> handle(User u, long id, String action, int version) {
    Future<Row> moved = store.pool().withTransaction(tx -> store.lock(tx, id).compose(found -> {
      Row r = found.orElseThrow(() -> Problem.notFound("case " + id));
      if (r.getInteger("version") != version) {
        return Future.failedFuture(new Problem(409, "stale_version",
            "the case changed meanwhile (version " + r.getInteger("version") + "): reload it"));
      }
      String to = CaseStates.next(r.getString("status"), CaseStates.Step.HANDLE);
      return store.moveTo(tx, id, to, action, null, false, null)
          .compose(v -> store.event(tx, id, u.id(), u.displayName(), "handled", new JsonObject().put("action", action)))
          .map(r);
    }));
    return moved.compose(r -> {
      Long customer = r.getLong("customer_id");
      if (customer == null) {
        return store.event(store.pool(), id, null, "Huifang", "callback_skipped",
            new JsonObject().put("why", "no customer to call"));
      }
      return settings.current().compose(cfg -> {
        JsonObject context = new JsonObject()
            .put("title", new JsonObject().put("zh", "工单 #" + id + " 处理结果核实（二次回访）")
                .put("en", "Case #" + id + ": verifying how it was handled (second callback)"))
            .put("lines", new JsonArray().add("客户反映：" + cut(r.getString("summary"), 300))
                .add("经销商处理：" + cut(action, 300)).add("请核实：问题是否已解决，客户现在是否满意"));
        Instant deadline = Instant.now().plus(Duration.ofDays(cfg.getInteger("callbackDays", 2)));
        return callbacks.create(PURPOSE, id, customer, context, deadline)
            .compose(cb -> store.event(store.pool(), id, null, "Huifang", "callback_created",
                new JsonObject().put("taskId", cb.taskId()).put("deadline", cb.deadline().toString())));
      }).recover(e -> {
        // the dealer's handling stands; staff see in the history that the callback must be arranged
        log.atError().setMessage("second callback not created").addKeyValue("case", id)
            .addKeyValue("error", String.valueOf(e)).log();
        return store.event(store.pool(), id, null, "Huifang", "callback_failed",
            new JsonObject().put("error", String.valueOf(e.getMessage())));
      });
    });
  }

  /** Staff close or reopen by hand, with a reason. */
  Future<Void> closeOrReopen(User u, long id, boolean close, String reason) {
    CaseStates.Step step = close ? CaseStates.Step.CLOSE : CaseStates.Step.REOPEN;
    return settings.current().compose(cfg -> store.pool().withTransaction(tx -> store.lock(tx, id).compose(found -> {
      Row r = found.orElseThrow(() -> Problem.notFound("case " + id));
      String to = CaseStates.next(r.getString("status"), step);
      Instant due = close ? null : Instant.now().plus(Duration.ofDays(cfg.getInteger("dueDays")));
      return store.moveTo(tx, id, to, null, null, CaseStates.reopens(step), due)
          .compose(v -> store.event(tx, id, u.id(), u.displayName(), close ? "closed" : "reopened",
              new JsonObject().put("reason", reason)))
          .map(r);
    }))).onSuccess(r -> {
      if (!close) {
        notifications.toDealer(r.getLong("dealer_id"), new Notifications.Note("case.reopened",
            "工单 #" + id + " 已重新打开：" + cut(reason, 120), "Case #" + id + " reopened: " + cut(reason, 120),
            link(id, true)));
      }
    }).mapEmpty();
  }

  /**
   * The second callback's verdict: qualified or untrue close the case, unqualified reopens it (new due time, the
   * dealer and the staff notified). A case no longer waiting for it (closed by hand meanwhile) keeps its status; the
   * result is in its history either way.
   */
  Future<Void> verdict(long id, String verdict, String attemptId, JsonObject answers) {
    CaseStates.Step step = CaseStates.ofVerdict(verdict);
    JsonObject detail = new JsonObject().put("verdict", verdict).put("attemptId", attemptId)
        .put("resolved", answers.getValue("resolved")).put("satisfied", answers.getValue("satisfied"))
        .put("remark", answers.getValue("remark"));
    return settings.current().compose(cfg -> store.pool().withTransaction(tx -> store.lock(tx, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<Row>empty());
      }
      Row r = found.get();
      Future<Void> f = store.event(tx, id, null, "Huifang", "callback_result", detail);
      if (!"handled".equals(r.getString("status"))) {
        return f.map(Optional.<Row>empty());
      }
      String to = CaseStates.next(r.getString("status"), step);
      Instant due = "open".equals(to) ? Instant.now().plus(Duration.ofDays(cfg.getInteger("dueDays"))) : null;
      return f.compose(v -> store.moveTo(tx, id, to, null, verdict, CaseStates.reopens(step), due))
          .compose(v -> store.event(tx, id, null, "Huifang", "open".equals(to) ? "reopened" : "closed",
              new JsonObject().put("verdict", verdict)))
          .map(Optional.of(r));
    }))).onSuccess(moved -> moved.ifPresent(r -> {
      long dealer = r.getLong("dealer_id");
      if (CaseStates.reopens(step)) {
        Notifications.Note n = new Notifications.Note("case.reopened",
            "工单 #" + id + " 二次回访不合格，已重新打开", "Case #" + id + ": the second callback found it unresolved; reopened",
            link(id, true));
        notifications.toDealer(dealer, n);
        notifications.toStaff(new Notifications.Note(n.kind(), n.zh(), n.en(), link(id, false)));
      } else {
        notifications.toDealer(dealer, new Notifications.Note("case.callback",
            "工单 #" + id + " 二次回访结果：" + ("qualified".equals(verdict) ? "合格" : "不属实") + "，已结案",
            "Case #" + id + ": second callback " + verdict + ", closed", link(id, true)));
      }
    })).mapEmpty();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Overdue

  /** Flags cases that passed their due time undone, and second callbacks of cases that passed theirs; notifies. */
  Future<Integer> flagOverdue(Instant now) {
    Future<Integer> cases = store.pool().withTransaction(tx -> store.flagOverdue(tx).compose(rows -> {
      Future<Void> f = Future.succeededFuture();
      for (Row r : rows) {
        f = f.compose(v -> store.event(tx, r.getLong("id"), null, "Huifang", "overdue", null));
      }
      return f.map(rows);
    })).map(rows -> {
      for (Row r : rows) {
        long id = r.getLong("id");
        Notifications.Note n = new Notifications.Note("case.overdue", "工单 #" + id + " 已超期未处理",
            "Case #" + id + " is overdue", link(id, true));
        notifications.toDealer(r.getLong("dealer_id"), n);
        notifications.toStaff(new Notifications.Note(n.kind(), n.zh(), n.en(), link(id, false)));
      }
      return rows.size();
    });
    return cases;
  }

  /** A case's second callback passed its deadline unanswered: the case stays handled, flagged and notified. */
  void callbackOverdue(SecondCallbacks.Overdue o) {
    store.event(store.pool(), o.refId(), null, "Huifang", "callback_overdue", new JsonObject().put("callbackId", o.id()))
        .onSuccess(v -> notifications.toStaff(new Notifications.Note("case.overdue",
            "工单 #" + o.refId() + " 的二次回访未在期限内完成", "Case #" + o.refId() + ": second callback not reached in time",
            link(o.refId(), false))))
        .onFailure(e -> log.atWarn().setMessage("callback overdue not recorded").addKeyValue("case", o.refId())
            .addKeyValue("error", e.getMessage()).log());
  }

  // ------------------------------------------------------------------------------------------------------------

  static String link(long caseId, boolean dealer) {
    return (dealer ? "/dealer.html?case=" : "/cases.html?tab=cases&case=") + caseId;
  }

  static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static void putIf(JsonObject o, String k, String v) {
    if (v != null && !v.isBlank()) {
      o.put(k, v);
    }
  }
}
