package io.huifang.telephony;

import io.huifang.web.Api;

import io.huifang.core.Role;
import io.huifang.core.User;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Supplier;

/**
 * The agent's own phone line: open it (the server dials the agent's softphone into [huifang-agent] on the PBX the
 * softphone lives on, and keeps it up), say ready / not ready, close it. The full agent desk (states, wrap-up,
 * pause reasons) builds on this. The softphone comes with the signed-in user (read with the session), so these
 * routes touch no table of auth's.
 */
public final class AgentLineRoutes {
  private final Supplier<Telephony> telephony;
  private final boolean emulator;

  public AgentLineRoutes(Supplier<Telephony> telephony, boolean emulator) {
    this.telephony = telephony;
    this.emulator = emulator;
  }

  public void register(Api api) {
    var agents = EnumSet.of(Role.AGENT);
    api.route(HttpMethod.GET, "/agent/line", agents, this::show);
    api.route(HttpMethod.POST, "/agent/line", agents, this::open);
    api.route(HttpMethod.PUT, "/agent/ready", agents, this::ready);
    api.route(HttpMethod.DELETE, "/agent/line", agents, this::close);
  }

  /** The PBX holding the agent's line, or null (no PBX, or no line). */
  private AnsweredCalls.Pbx pbxOfLine(long agentId) {
    Telephony t = telephony.get();
    return t == null ? null : t.pbxOfAgent(agentId);
  }

  private AgentLines.Line lineOf(long agentId) {
    Telephony t = telephony.get();
    return t == null ? null : t.lineOf(agentId);
  }

  private void show(RoutingContext ctx) {
    Api.json(ctx, 200, lineJson(lineOf(Api.user(ctx).id())));
  }

  private void open(RoutingContext ctx) {
    User me = Api.user(ctx);
    Telephony t = telephony.get();
    if (t == null || t.all().isEmpty()) {
      Api.error(ctx, 503, "pbx_unavailable", "no PBX is configured");
      return;
    }
    Softphone softphone = softphone(me);
    if (softphone == null) {
      Api.invalid(ctx, "softphone", "no softphone is set for you; ask an admin", "尚未为您设置软电话分机，请联系管理员");
      return;
    }
    AnsweredCalls.Pbx pbx = lineStillOpen(t, me.id());
    if (pbx == null) {
      pbx = t.pbxOf(softphone);
    }
    if (pbx == null) {
      Api.invalid(ctx, "softphone", "your softphone is on PBX " + softphone.pbx() + ", which is not configured;"
          + " ask an admin", "您的软电话所在的交换机 " + softphone.pbx() + " 未配置，请联系管理员");
      return;
    }
    pbx.lines().open(me.id(), softphone.endpoint(), Duration.ofSeconds(30))
        .onSuccess(line -> Api.json(ctx, 200, lineJson(line)))
        .onFailure(e -> Api.error(ctx, 502, "line_failed", e.getMessage()));
  }

  /**
   * The PBX where the agent's line is up or opening: opening again returns that line (as it always did), even if an
   * admin has since moved the softphone to another PBX; the move applies once the line is closed.
   */
  private static AnsweredCalls.Pbx lineStillOpen(Telephony t, long agentId) {
    AnsweredCalls.Pbx p = t.pbxOfAgent(agentId);
    return p != null && p.lines().line(agentId).state() != AgentLines.LineState.DOWN ? p : null;
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
    long me = Api.user(ctx).id();
    AnsweredCalls.Pbx pbx = pbxOfLine(me);
    AgentLines.Line line = pbx == null ? null : pbx.lines().line(me);
    if (line == null || line.state() == AgentLines.LineState.DOWN) {
      Api.error(ctx, 409, "no_line", "open your phone line first");
      return;
    }
    Long campaignId = b.getValue("campaignId") instanceof Number n ? n.longValue() : null;
    pbx.lines().ready(me, ready, campaignId);
    Api.json(ctx, 200, lineJson(line).put("ready", ready));
  }

  private void close(RoutingContext ctx) {
    AnsweredCalls.Pbx pbx = pbxOfLine(Api.user(ctx).id());
    if (pbx == null) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    pbx.lines().close(Api.user(ctx).id()).onComplete(ar -> ctx.response().setStatusCode(204).end());
  }

  /** The agent's softphone; with the emulator every agent has one on the first PBX by default. */
  private Softphone softphone(User me) {
    Softphone set = Softphone.parse(me.softphone());
    if (set == null && emulator) {
      return new Softphone(null, "PJSIP/agent-" + me.id());
    }
    return set;
  }

  private static JsonObject lineJson(AgentLines.Line line) {
    if (line == null) {
      return new JsonObject().put("state", "none");
    }
    return new JsonObject().put("state", line.state().name().toLowerCase()).put("channel", line.channel())
        .put("attemptId", line.attemptId());
  }
}
