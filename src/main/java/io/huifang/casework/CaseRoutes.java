package io.huifang.casework;

import io.huifang.auth.AuditLog;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import java.util.EnumSet;
import java.util.Set;

/**
 * The cases' API (docs/casework-api.md "Cases"): staff see and do everything, QA reads, agents open cases for their
 * calls, a dealer user sees and handles its own dealer's cases only (phones masked, every view audited, another
 * dealer's case 403 {@code other_dealer}, audited).
 */
final class CaseRoutes {
  private static final Set<String> STATUSES = Set.of("open", "handled", "closed");

  private final Cases cases;
  private final CaseworkSettings settings;
  private final Portal portal;
  private final AuditLog audit;

  CaseRoutes(Cases cases, CaseworkSettings settings, AuditLog audit) {
    this.cases = cases;
    this.settings = settings;
    this.portal = new Portal(audit);
    this.audit = audit;
  }

  void register(Api api) {
    var readers = EnumSet.of(Role.SUPERVISOR, Role.ADMIN, Role.QA, Role.DEALER);
    var staff = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
    api.route(HttpMethod.GET, "/cases", readers, this::list);
    api.route(HttpMethod.GET, "/cases/:id", readers, this::get);
    api.route(HttpMethod.POST, "/cases", EnumSet.of(Role.AGENT, Role.SUPERVISOR, Role.ADMIN), this::create);
    api.route(HttpMethod.PUT, "/cases/:id", staff, this::update);
    api.route(HttpMethod.POST, "/cases/:id/handle", EnumSet.of(Role.SUPERVISOR, Role.ADMIN, Role.DEALER), this::handle);
    api.route(HttpMethod.POST, "/cases/:id/close", staff, ctx -> closeOrReopen(ctx, true));
    api.route(HttpMethod.POST, "/cases/:id/reopen", staff, ctx -> closeOrReopen(ctx, false));
    api.route(HttpMethod.GET, "/casework/settings", EnumSet.of(Role.SUPERVISOR, Role.ADMIN, Role.QA), this::getSettings);
    api.route(HttpMethod.PUT, "/casework/settings", staff, this::putSettings);
  }

  private void list(RoutingContext ctx) {
    User u = Api.user(ctx);
    String status = ctx.request().getParam("status");
    String severity = ctx.request().getParam("severity");
    String overdue = ctx.request().getParam("overdue");
    String q = ctx.request().getParam("q");
    if (status != null && !status.isEmpty() && !STATUSES.contains(status)) {
      Api.invalid(ctx, "status", "status must be open, handled or closed", "状态必须是 open、handled 或 closed");
      return;
    }
    if (severity != null && !severity.isEmpty() && !Cases.SEVERITIES.contains(severity)) {
      Api.invalid(ctx, "severity", "severity must be red, orange or yellow", "严重程度必须是 red、orange 或 yellow");
      return;
    }
    if (overdue != null && !overdue.isEmpty() && !overdue.equals("true") && !overdue.equals("false")) {
      Api.invalid(ctx, "overdue", "overdue must be true or false", "overdue 必须是 true 或 false");
      return;
    }
    if (q != null && q.length() > 100) {
      Api.invalid(ctx, "q", "q must be at most 100 characters", "搜索词不能超过 100 个字");
      return;
    }
    Long dealerId = Limits.id(ctx, "dealerId");
    if (ctx.response().ended()) {
      return;
    }
    Long before = Limits.id(ctx, "before");
    if (ctx.response().ended()) {
      return;
    }
    Integer limit = Limits.param(ctx, "limit", 50, 1, 200);
    if (limit == null) {
      return;
    }
    portal.scope(u, dealerId, "cases", Api.clientIp(ctx)).compose(scope -> {
      CaseStore.Filter f = new CaseStore.Filter(blank(status), scope, blank(severity), "true".equals(overdue),
          blank(q), before, limit);
      return Future.all(cases.store().list(f), cases.store().counts(scope)).map(all -> {
        JsonArray rows = new JsonArray();
        for (Row r : all.<java.util.List<Row>>resultAt(0)) {
          rows.add(row(r));
        }
        return new JsonObject().put("cases", rows).put("counts", all.resultAt(1));
      });
    }).onFailure(e -> Api.fail(ctx, e)).onSuccess(b -> Api.json(ctx, 200, b));
  }

  private void get(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    User u = Api.user(ctx);
    boolean staff = Notifications.STAFF.contains(u.role());
    readable(ctx, u, id).compose(r -> Future.all(cases.store().history(id),
            callbacksOf(id), staff ? cases.store().recordingOf(r.getString("attempt_id"))
                : Future.succeededFuture((String) null))
        .map(all -> {
          JsonObject c = row(r).put("template", r.getValue("template")).put("resolution", r.getString("resolution"))
              .put("verdict", r.getString("verdict")).put("version", r.getInteger("version"))
              .put("attemptId", r.getString("attempt_id"))
              .put("customer", r.getValue("customer_id") == null && r.getString("customer_name") == null ? null
                  : new JsonObject().put("name", r.getString("customer_name"))
                      .put("phone", staff ? r.getString("customer_phone") : Portal.mask(r.getString("customer_phone")))
                      .put("vehicle", r.getString("vehicle_model")).put("plate", r.getString("plate"))
                      .put("vin", r.getString("vin")))
              .put("history", all.resultAt(0)).put("callbacks", all.resultAt(1));
          String rec = all.resultAt(2);
          c.put("recording", rec == null ? null : new JsonObject().put("id", rec));
          return c;
        }))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(c -> Api.json(ctx, 200, c));
  }

  /** The case as {@code u} may see it: 404 when there is none, 403 (audited) for another dealer's. */
  private Future<Row> readable(RoutingContext ctx, User u, long id) {
    return cases.store().get(cases.store().pool(), id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(Problem.notFound("case " + id));
      }
      return portal.own(u, found.get().getLong("dealer_id"), "case:" + id, Api.clientIp(ctx)).map(found.get());
    });
  }

  private void create(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    User u = Api.user(ctx);
    cases.openByHand(u, b)
        .compose(id -> audit.record(u, u.username(), "casework.case.open", "case:" + id, "ok", Api.clientIp(ctx),
            new JsonObject().put("kind", b.getString("kind"))).map(id))
        .compose(id -> cases.store().get(cases.store().pool(), id).map(r -> row(r.orElseThrow())
            .put("template", r.get().getValue("template"))))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(c -> Api.json(ctx, 201, c));
  }

  private void update(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    User u = Api.user(ctx);
    cases.update(u, id, b)
        .compose(v -> audit.record(u, u.username(), "casework.case.update", "case:" + id, "ok", Api.clientIp(ctx), b))
        .compose(v -> cases.store().get(cases.store().pool(), id))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(r -> Api.json(ctx, 200, row(r.orElseThrow())));
  }

  private void handle(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    User u = Api.user(ctx);
    Object action = b.getValue("action");
    if (!(action instanceof String a) || a.strip().length() < 2 || a.length() > 2000) {
      Api.invalid(ctx, "action", "action (what was done) must be 2 to 2000 characters", "处理情况必须是 2 到 2000 个字");
      return;
    }
    if (!(b.getValue("version") instanceof Number v)) {
      Api.invalid(ctx, "version", "version (the case's version as read) is required", "需要工单的版本号（version）");
      return;
    }
    readable(ctx, u, id).compose(r -> cases.handle(u, id, a.strip(), v.intValue()))
        .compose(x -> audit.record(u, u.username(), "casework.case.handle", "case:" + id, "ok", Api.clientIp(ctx),
            null))
        .compose(x -> cases.store().get(cases.store().pool(), id))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(r -> Api.json(ctx, 200, row(r.orElseThrow())));
  }

  private void closeOrReopen(RoutingContext ctx, boolean close) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("reason") instanceof String reason) || reason.strip().length() < 2 || reason.length() > 2000) {
      Api.invalid(ctx, "reason", "reason must be 2 to 2000 characters", "原因必须是 2 到 2000 个字");
      return;
    }
    User u = Api.user(ctx);
    cases.closeOrReopen(u, id, close, reason.strip())
        .compose(v -> audit.record(u, u.username(), close ? "casework.case.close" : "casework.case.reopen",
            "case:" + id, "ok", Api.clientIp(ctx), new JsonObject().put("reason", reason.strip())))
        .compose(v -> cases.store().get(cases.store().pool(), id))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(r -> Api.json(ctx, 200, row(r.orElseThrow())));
  }

  private void getSettings(RoutingContext ctx) {
    settings.current().onFailure(e -> Api.fail(ctx, e)).onSuccess(s -> Api.json(ctx, 200, s));
  }

  private void putSettings(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    User u = Api.user(ctx);
    settings.update(b, u.id())
        .compose(s -> audit.record(u, u.username(), "casework.settings", "casework_settings", "ok",
            Api.clientIp(ctx), b).map(s))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(s -> Api.json(ctx, 200, s));
  }

  /** {@code <CaseRow>} of the contract. */
  static JsonObject row(Row r) {
    String cbStatus = r.getString("cb_status");
    return new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind"))
        .put("severity", r.getString("severity")).put("department", r.getString("department"))
        .put("status", r.getString("status"))
        .put("dealer", new JsonObject().put("id", r.getLong("dealer_id")).put("code", r.getString("dealer_code"))
            .put("name", r.getString("dealer_name")))
        .put("customerName", r.getString("customer_name")).put("summary", r.getString("summary"))
        .put("createdAt", CaseStore.iso(r.getOffsetDateTime("created_at")))
        .put("dueAt", CaseStore.iso(r.getOffsetDateTime("due_at")))
        .put("overdue", Boolean.TRUE.equals(r.getBoolean("is_overdue")))
        .put("handledAt", CaseStore.iso(r.getOffsetDateTime("handled_at")))
        .put("closedAt", CaseStore.iso(r.getOffsetDateTime("closed_at")))
        .put("reopened", r.getInteger("reopened")).put("source", r.getString("source"))
        .put("version", r.getInteger("version"))
        .put("callback", cbStatus == null ? null : new JsonObject().put("status", cbStatus)
            .put("taskId", r.getLong("cb_task_id")))
        .put("callbackOverdue", "overdue".equals(cbStatus));
  }

  private static String blank(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** A case's second callbacks, oldest first. */
  private Future<JsonArray> callbacksOf(long id) {
    return cases.callbacks().of(Cases.PURPOSE, id).map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(c -> out.add(c.toJson()));
      return out;
    });
  }
}
