package io.huifang.casework;

import io.huifang.auth.AuditLog;
import io.huifang.core.Problem;
import io.huifang.core.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appeals (申诉, docs/casework-api.md): a dealer disputes a judged call of its own once, within the window from its
 * publication; a second callback (purpose {@code appeal}) verifies it and its verdict decides the appeal, or the staff
 * decide with a note; the result is final. {@link #upheld} is report's {@code Appeals} seam: the calls whose appeal
 * was qualified or untrue leave the dealer's samples (an approved month changes only through reopen + recompute).
 */
public final class Appeals {
  private static final Logger log = LoggerFactory.getLogger(Appeals.class);
  public static final String PURPOSE = "appeal";
  public static final Set<String> RESULTS = Set.of("qualified", "unqualified", "untrue");

  /** Makes the appeal's second callback (casework.SecondCallbacks); answers its task id. */
  @FunctionalInterface
  public interface Callbacks {
    Future<Long> call(long appealId, long customerId, JsonObject context, Instant deadline);
  }

  /** The window closed: 409 with when the call was published and when its window closed. */
  public static final class WindowClosed extends RuntimeException {
    public final Instant publishedAt;
    public final Instant closedAt;

    WindowClosed(Instant publishedAt, Instant closedAt, int days) {
      super("the appeal window closed at " + closedAt + ": the call was published to the dealer at " + publishedAt
          + " and may be appealed within " + days + " days of that", null, false, false);
      this.publishedAt = publishedAt;
      this.closedAt = closedAt;
    }
  }

  private final Pool pool;
  private final AuditLog audit;
  private final Portal portal;
  private final Clock clock;
  private final java.util.function.Supplier<Future<AppealRules>> rules;
  private final Callbacks callbacks;
  private final Notices notices;
  private final AppealStore store = new AppealStore();

  public Appeals(Pool pool, AuditLog audit, Clock clock, java.util.function.Supplier<Future<AppealRules>> rules,
                 Callbacks callbacks, Notices notices) {
    this.pool = pool;
    this.audit = audit;
    this.portal = new Portal(audit);
    this.clock = clock;
    this.rules = rules;
    this.callbacks = callbacks;
    this.notices = notices;
  }

  // ---- report's seam ----------------------------------------------------------------------------------------------

  /** The attempt ids of {@code kind} submitted in [from, to) appealed away (qualified or untrue). */
  public Future<Set<String>> upheld(String kind, OffsetDateTime from, OffsetDateTime to) {
    return store.upheld(pool, kind, from, to);
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  /** {"calls": the judged calls of the dealer in scope with appealable, appealUntil, refusal; "appealDays"}. */
  public Future<JsonObject> calls(User u, AppealStore.CallFilter f, String ip) {
    return portal.scope(u, f.dealerId(), "appeals.calls:dealer:" + (f.dealerId() == null ? u.dealerId()
            : f.dealerId()), ip)
        .compose(dealer -> rules.get().compose(r -> store.judgedCalls(pool, new AppealStore.CallFilter(dealer,
                f.kind(), f.from(), f.to(), f.limit()), r, clock.instant(), Portal.dealer(u))
            .map(calls -> new JsonObject().put("calls", calls).put("appealDays", r.appealDays()))));
  }

  public Future<JsonArray> list(User u, AppealStore.Filter f, String ip) {
    return portal.scope(u, f.dealerId(), "appeals:dealer:" + (f.dealerId() == null ? u.dealerId() : f.dealerId()), ip)
        .compose(dealer -> store.list(pool, new AppealStore.Filter(f.status(), dealer, f.limit()), Portal.dealer(u)));
  }

  public Future<JsonObject> get(User u, long id, String ip) {
    return pool.withConnection(c -> store.get(c, id, false, Portal.dealer(u)).compose(a -> {
      if (a == null) {
        return Future.failedFuture(Problem.notFound("appeal " + id));
      }
      return portal.own(u, a.getJsonObject("dealer").getLong("id"), "appeal:" + id, ip)
          .compose(v -> store.events(c, id)).map(ev -> a.put("events", ev))
          .compose(v -> store.callbacks(c, id)).map(cbs -> a.put("callbacks", cbs));
    }));
  }

  // ---- filing -----------------------------------------------------------------------------------------------------

  /**
   * Files the dealer's appeal of {@code attemptId}: 404 no such call, 403 another dealer's, 409 not_judged /
   * already_appealed / {@link WindowClosed}. Then asks for the second callback; the appeal is {@code calling} once it
   * has one (if that fails it stays {@code filed} for the staff to decide, the trail says why).
   */
  public Future<JsonObject> file(User u, String attemptId, String reason, String ip) {
    Instant now = clock.instant();
    return rules.get().compose(r -> pool.withTransaction(c -> store.call(c, attemptId).compose(call -> {
      if (call == null) {
        return Future.failedFuture(Problem.notFound("submitted call " + attemptId));
      }
      return portal.own(u, call.dealerId(), "call:" + attemptId, ip).compose(v -> {
        String judged = r.judged(call.group(), call.rawScore(), call.complaint());
        String refusal = r.refusal(judged, call.appealed(), call.submittedAt(), now);
        if ("not_judged".equals(refusal)) {
          return Future.failedFuture(Problem.conflict("not_judged", "call " + attemptId + " is not a judged call"
              + " (an error sample or a low survey): there is nothing to appeal"));
        }
        if ("window_closed".equals(refusal)) {
          return Future.failedFuture(new WindowClosed(call.submittedAt(), r.closesAt(call.submittedAt()),
              r.appealDays()));
        }
        // already appealed: told so here, or by the unique attempt when two filings race
        return (refusal == null ? store.file(c, call, judged, reason, u.id()) : Future.<Long>succeededFuture(null))
            .compose(id -> {
              if (id == null) {
                return Future.failedFuture(Problem.conflict("already_appealed", "call " + attemptId
                    + " was appealed already: a call is appealed once"));
              }
              return store.event(c, id, u.id(), Plans.name(u), "filed", new JsonObject().put("reason", reason)
                  .put("judged", judged)).map(x -> new Filed(id, call, judged, r));
            });
      });
    }))).compose(f -> audit.record(u, u.username(), "casework.appeal.filed", "appeal:" + f.id, "ok", ip,
            new JsonObject().put("attemptId", attemptId)).map(f))
        .compose(f -> notices.send("appeal.filed", f.id, f.call.dealerId(), attemptId)
            .otherwise(v -> null).compose(v -> secondCallback(f, reason)).map(f.id))
        .compose(id -> get(u, id, ip));
  }

  private record Filed(long id, AppealStore.Call call, String judged, AppealRules rules) {
  }

  private Future<Void> secondCallback(Filed f, String reason) {
    JsonObject context = new JsonObject()
        .put("title", new JsonObject().put("zh", "申诉核实").put("en", "Appeal verification"))
        .put("lines", new JsonArray()
            .add((AppealRules.ERROR_SAMPLE.equals(f.judged) ? "原判定：错误样本（" + f.call.disposition() + "）"
                : "原判定：低分问卷" + (f.call.rawScore() == null ? "" : "（" + f.call.rawScore() + " 分）")))
            .add("经销商申诉理由：" + reason)
            .add("原回访时间：" + f.call.submittedAt().atZone(PlanDeadlines.ZONE).toLocalDateTime().withNano(0)));
    Instant deadline = f.rules.closesAt(clock.instant());
    return callbacks.call(f.id, f.call.customerId(), context, deadline)
        .compose(taskId -> pool.withTransaction(c -> store.calling(c, f.id, taskId)
            .compose(v -> store.event(c, f.id, null, "Huifang", "callback_created",
                new JsonObject().put("taskId", taskId).put("deadline", deadline.toString())))))
        .recover(e -> {
          log.atWarn().setMessage("appeal's second callback not created").addKeyValue("appeal", f.id)
              .addKeyValue("error", String.valueOf(e)).log();
          return pool.withConnection(c -> store.event(c, f.id, null, "Huifang", "callback_failed",
              new JsonObject().put("error", String.valueOf(e.getMessage()))));
        });
  }

  // ---- deciding ---------------------------------------------------------------------------------------------------

  /** The second callback's verdict decides the appeal (SecondCallbacks' handler of purpose "appeal"). */
  public Future<Void> verdict(long appealId, String verdict, String attemptId, JsonObject answers) {
    String remark = answers == null ? null : answers.getString("remark");
    return decideIn(appealId, verdict, null, "二次回访", remark, new JsonObject().put("attemptId", attemptId)
        .put("resolved", answers == null ? null : answers.getValue("resolved"))
        .put("satisfied", answers == null ? null : answers.getValue("satisfied")), "callback_result")
        .<Void>mapEmpty()
        .recover(e -> {
          if (e instanceof Problem p && "already_decided".equals(p.code())) {
            // the staff decided before the customer was reached: their decision stands, the call is in the trail
            return pool.withConnection(c -> store.event(c, appealId, null, "二次回访", "callback_result_late",
                new JsonObject().put("attemptId", attemptId).put("result", verdict)));
          }
          return Future.failedFuture(e);
        });
  }

  /** The staff decide when the callback could not settle it; 409 already_decided. */
  public Future<JsonObject> decide(User u, long id, String result, String note, String ip) {
    return decideIn(id, result, u.id(), Plans.name(u), note, new JsonObject(), "decided")
        .compose(dealer -> audit.record(u, u.username(), "casework.appeal.decided", "appeal:" + id, "ok", ip,
            new JsonObject().put("result", result).put("note", note)))
        .compose(v -> get(u, id, ip));
  }

  /** Decides in one transaction with its event; answers the dealer; the dealer is notified. */
  private Future<Long> decideIn(long id, String result, Long userId, String byName, String note, JsonObject detail,
                                String action) {
    return pool.withTransaction(c -> store.get(c, id, true, false).compose(a -> {
      if (a == null) {
        return Future.failedFuture(Problem.notFound("appeal " + id));
      }
      return store.decide(c, id, result, userId, note).compose(done -> {
        if (!done) {
          return Future.failedFuture(Problem.conflict("already_decided", "appeal " + id + " was decided already ("
              + a.getString("result") + "): the result is final"));
        }
        return store.event(c, id, userId, byName, action, detail.put("result", result).put("note", note))
            .map(a.getJsonObject("dealer").getLong("id"));
      });
    })).compose(dealer -> notices.send("appeal.decided", id, dealer, result).otherwise(v -> null).map(dealer));
  }
}
