package io.huifang.auth;

import io.huifang.web.Api;

import io.huifang.core.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;

/** The audit trail for supervisors (who signed in, when) and admins. */
public final class AuditRoutes {
  private final AuditLog audit;

  public AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/audit", EnumSet.of(Role.SUPERVISOR, Role.ADMIN), this::recent);
  }

  private void recent(RoutingContext ctx) {
    int limit;
    Long before;
    try {
      limit = Integer.parseInt(ctx.request().params().get("limit") == null ? "100"
          : ctx.request().params().get("limit"));
      String b = ctx.request().params().get("before");
      before = b == null ? null : Long.parseLong(b);
    } catch (NumberFormatException e) {
      Api.invalid(ctx, "limit", "limit and before must be whole numbers", "limit 和 before 必须是整数");
      return;
    }
    if (limit < 1 || limit > 500) {
      Api.invalid(ctx, "limit", "limit must be from 1 to 500", "limit 必须在 1 到 500 之间");
      return;
    }
    String action = ctx.request().params().get("action");
    if (action != null && action.length() > 64) {
      Api.invalid(ctx, "action", "action filter too long", "操作筛选条件过长");
      return;
    }
    audit.recent(limit, action, before).onFailure(ctx::fail)
        .onSuccess(rows -> Api.json(ctx, 200, new JsonObject().put("entries", rows)));
  }
}
