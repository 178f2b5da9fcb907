package io.huifang.casework;

import io.huifang.core.Invalid;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.YearMonth;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The appeals' routes (docs/casework-api.md, "Appeals"). */
public final class AppealRoutes {
  private static final Pattern MONTH = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");
  private static final Pattern ATTEMPT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Set<String> STATUSES = Set.of("filed", "calling", "decided");

  private final Supplier<Appeals> appeals;

  public AppealRoutes(Supplier<Appeals> appeals) {
    this.appeals = appeals;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/appeals/calls", Portal.STAFF_AND_DEALER, this::calls);
    api.route(HttpMethod.POST, "/appeals", Portal.STAFF_AND_DEALER, this::file);
    api.route(HttpMethod.GET, "/appeals", Portal.STAFF_AND_DEALER, this::list);
    api.route(HttpMethod.GET, "/appeals/:id", Portal.STAFF_AND_DEALER, this::get);
    api.route(HttpMethod.POST, "/appeals/:id/decide", Portal.STAFF, this::decide);
  }

  private void calls(RoutingContext ctx) {
    AppealStore.CallFilter f;
    try {
      String kind = PlanRoutes.param(ctx, "kind");
      if (kind != null && !kind.equals("csi") && !kind.equals("ssi")) {
        throw new Invalid("kind", "kind must be csi or ssi", "类型应为 csi 或 ssi");
      }
      String month = PlanRoutes.param(ctx, "month");
      if (month != null && !MONTH.matcher(month).matches()) {
        throw new Invalid("month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      }
      YearMonth m = month == null ? null : YearMonth.parse(month);
      f = new AppealStore.CallFilter(PlanRoutes.longParam(ctx, "dealerId"), kind,
          m == null ? null : m.atDay(1).atStartOfDay(PlanDeadlines.ZONE).toInstant(),
          m == null ? null : m.plusMonths(1).atDay(1).atStartOfDay(PlanDeadlines.ZONE).toInstant(),
          Api.intParam(ctx, "limit", 200, 1, 1000));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    appeals.get().calls(Api.user(ctx), f, Api.clientIp(ctx))
        .onSuccess(body -> Api.json(ctx, 200, body))
        .onFailure(e -> Api.fail(ctx, e));
  }

  private void file(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    String attemptId;
    String reason;
    try {
      if (!(b.getValue("attemptId") instanceof String a) || !ATTEMPT.matcher(a).matches()) {
        throw new Invalid("attemptId", "attemptId: the call's attempt id", "attemptId 应为通话编号");
      }
      attemptId = a;
      reason = PlanRoutes.text(b.getValue("reason"), "reason", 5, 2000);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    appeals.get().file(Api.user(ctx), attemptId, reason, Api.clientIp(ctx))
        .onSuccess(a -> Api.json(ctx, 201, a))
        .onFailure(e -> {
          if (e instanceof Appeals.WindowClosed w) {
            Api.json(ctx, 409, new JsonObject().put("error", "window_closed")
                .put("message", Api.prefersChinese(ctx) ? "申诉期已过：该通话于 " + w.publishedAt + " 发布给经销商，申诉截止于 "
                    + w.closedAt : w.getMessage())
                .put("publishedAt", w.publishedAt.toString()).put("closedAt", w.closedAt.toString()));
          } else {
            Api.fail(ctx, e);
          }
        });
  }

  private void list(RoutingContext ctx) {
    AppealStore.Filter f;
    try {
      String status = PlanRoutes.param(ctx, "status");
      if (status != null && !STATUSES.contains(status)) {
        throw new Invalid("status", "status: filed, calling or decided", "状态应为 filed、calling 或 decided");
      }
      f = new AppealStore.Filter(status, PlanRoutes.longParam(ctx, "dealerId"),
          Api.intParam(ctx, "limit", 200, 1, 1000));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    appeals.get().list(Api.user(ctx), f, Api.clientIp(ctx))
        .onSuccess(rows -> Api.json(ctx, 200, new JsonObject().put("appeals", rows)))
        .onFailure(e -> Api.fail(ctx, e));
  }

  private void get(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id != null) {
      appeals.get().get(Api.user(ctx), id, Api.clientIp(ctx)).onSuccess(a -> Api.json(ctx, 200, a))
          .onFailure(e -> Api.fail(ctx, e));
    }
  }

  private void decide(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    String result;
    String note;
    try {
      if (!(b.getValue("result") instanceof String r) || !Appeals.RESULTS.contains(r)) {
        throw new Invalid("result", "result: qualified, unqualified or untrue", "结果应为合格、不合格或不属实");
      }
      result = r;
      note = PlanRoutes.text(b.getValue("note"), "note", 2, 2000);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    appeals.get().decide(Api.user(ctx), id, result, note, Api.clientIp(ctx))
        .onSuccess(a -> Api.json(ctx, 200, a)).onFailure(e -> Api.fail(ctx, e));
  }
}
