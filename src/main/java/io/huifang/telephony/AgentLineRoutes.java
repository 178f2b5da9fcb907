package io.huifang.telephony;

import io.huifang.web.Api;

import io.huifang.core.Role;
import io.huifang.core.User;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Supplier;

/**
 * The agent's own phone line: open it (the server dials the agent's softphone into [huifang-agent] and keeps it
 * up), say ready / not ready, close it. The full agent desk (states, wrap-up, pause reasons) builds on this.
 */
public final class AgentLineRoutes {
  private final Supplier<Telephony> telephony;
  private final Pool pool;
  private final boolean emulator;

  public AgentLineRoutes(Supplier<Telephony> telephony, Pool pool, boolean emulator) {
    this.telephony = telephony;
    this.pool = pool;
    this.emulator = emulator;
  }

  public void register(Api api) {
    var agents = EnumSet.of(Role.AGENT);
    api.route(HttpMethod.GET, "/agent/line", agents, this::show);
    api.route(HttpMethod.POST, "/agent/line", agents, this::open);
    api.route(HttpMethod.PUT, "/agent/ready", agents, this::ready);
    api.route(HttpMethod.DELETE, "/agent/line", agents, this::close);
  }

  private AnsweredCalls.Pbx pbx() {
    Telephony t = telephony.get();
    return t == null || t.all().isEmpty() ? null : t.all().get(0);
  }

  private void show(RoutingContext ctx) {
    AnsweredCalls.Pbx pbx = pbx();
    AgentLines.Line line = pbx == null ? null : pbx.lines().line(Api.user(ctx).id());
    Api.json(ctx, 200, lineJson(line));
  }

  private void open(RoutingContext ctx) {
    User me = Api.user(ctx);
    AnsweredCalls.Pbx pbx = pbx();
    if (pbx == null) {
      Api.error(ctx, 503, "pbx_unavailable", "no PBX is configured");
      return;
    }
    softphone(me).compose(endpoint -> {
      if (endpoint == null) {
        Api.invalid(ctx, "softphone", "no softphone is set for you; ask an admin", "尚未为您设置软电话分机，请联系管理员");
        return Future.succeededFuture();
      }
      return pbx.lines().open(me.id(), endpoint, Duration.ofSeconds(30))
          .onSuccess(line -> Api.json(ctx, 200, lineJson(line)))
          .recover(e -> {
            Api.error(ctx, 502, "line_failed", e.getMessage());
            return Future.succeededFuture();
          });
    }).onFailure(ctx::fail);
  }

  private void ready(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("ready") instanceof Boolean ready)) {
      Api.invalid(ctx, "ready", "ready must be true or false", "ready 必须是 true 或 false");
      return;
    }
    AnsweredCalls.Pbx pbx = pbx();
    AgentLines.Line line = pbx == null ? null : pbx.lines().line(Api.user(ctx).id());
    if (line == null || line.state() == AgentLines.LineState.DOWN) {
      Api.error(ctx, 409, "no_line", "open your phone line first");
      return;
    }
    Long campaignId = b.getValue("campaignId") instanceof Number n ? n.longValue() : null;
    pbx.lines().ready(Api.user(ctx).id(), ready, campaignId);
    Api.json(ctx, 200, lineJson(line).put("ready", ready));
  }

  private void close(RoutingContext ctx) {
    AnsweredCalls.Pbx pbx = pbx();
    if (pbx == null) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    pbx.lines().close(Api.user(ctx).id()).onComplete(ar -> ctx.response().setStatusCode(204).end());
  }

  /** The agent's softphone endpoint; with the emulator every agent has one by default. */
  private Future<String> softphone(User me) {
    return pool.preparedQuery("select softphone from app_user where id = $1").execute(Tuple.of(me.id()))
        .map(rs -> {
          String s = rs.size() == 0 ? null : rs.iterator().next().getString(0);
          if ((s == null || s.isBlank()) && emulator) {
            return "PJSIP/agent-" + me.id();
          }
          return s == null || s.isBlank() ? null : s;
        });
  }

  private static JsonObject lineJson(AgentLines.Line line) {
    if (line == null) {
      return new JsonObject().put("state", "none");
    }
    return new JsonObject().put("state", line.state().name().toLowerCase()).put("channel", line.channel())
        .put("attemptId", line.attemptId());
  }
}
