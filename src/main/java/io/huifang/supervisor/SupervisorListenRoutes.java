package io.huifang.supervisor;

import io.huifang.core.Role;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.function.Supplier;

/** Listening in on agents' calls (docs/supervisor-api.md, "Listening in"): start, hang up, the log. */
public final class SupervisorListenRoutes {
  private static final EnumSet<Role> SUPERVISORS = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);

  private final Supplier<Listening> listening;

  public SupervisorListenRoutes(Supplier<Listening> listening) {
    this.listening = listening;
  }

  public void register(Api api) {
    api.route(HttpMethod.POST, "/supervisor/listen", SUPERVISORS, this::start);
    api.route(HttpMethod.DELETE, "/supervisor/listen/:spyId", SUPERVISORS, this::stop);
    api.route(HttpMethod.GET, "/supervisor/listen", SUPERVISORS, this::log);
  }

  private void start(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("agentId") instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() <= 0) {
      Api.invalid(ctx, "agentId", "agentId must be an agent's id", "agentId 必须是回访员的编号");
      return;
    }
    if (!(b.getValue("mode") instanceof String mode)) {
      Api.invalid(ctx, "mode", "mode must be listen, whisper or barge", "mode 应为 listen（监听）、whisper（耳语）或 barge（强插）");
      return;
    }
    Listening l = listening.get();
    if (l == null) {
      Api.error(ctx, 503, "unavailable", "starting up");
      return;
    }
    l.listen(Api.user(ctx), n.longValue(), mode, Api.clientIp(ctx))
        .onSuccess(id -> Api.json(ctx, 200, new JsonObject().put("spyId", id)))
        .onFailure(e -> Api.fail(ctx, e));
  }

  private void stop(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("spyId"));
    } catch (NumberFormatException e) {
      Api.invalid(ctx, "spyId", "spyId must be a number", "spyId 必须是数字");
      return;
    }
    Listening l = listening.get();
    if (l == null) {
      Api.error(ctx, 503, "unavailable", "starting up");
      return;
    }
    l.stop(id, Api.user(ctx)).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> Api.fail(ctx, e));
  }

  private void log(RoutingContext ctx) {
    String v = ctx.request().getParam("limit");
    int limit = 50;
    if (v != null && !v.isBlank()) {
      try {
        limit = Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 500) {
        Api.invalid(ctx, "limit", "limit must be 1 to 500", "limit 应为 1 到 500");
        return;
      }
    }
    Listening l = listening.get();
    if (l == null) {
      Api.error(ctx, 503, "unavailable", "starting up");
      return;
    }
    l.log(limit).onSuccess(rows -> Api.json(ctx, 200, new JsonObject().put("calls", rows)))
        .onFailure(e -> Api.fail(ctx, e));
  }
}
