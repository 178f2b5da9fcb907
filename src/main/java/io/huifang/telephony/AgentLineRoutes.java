package io.huifang.telephony;

import io.huifang.web.Api;

import io.huifang.core.Role;
import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.vertx.core.Future;
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
  private final LineHolders holders;

  /** With the node's {@link LineHolders}: on a cluster each request runs on the node holding the agent's line. */
  public AgentLineRoutes(Supplier<Telephony> telephony, LineHolders holders) {
    this.telephony = telephony;
    this.holders = holders;
  }

  public void register(Api api) {
    var agents = EnumSet.of(Role.AGENT);
    holders.op("line.show", (me, args) -> Future.succeededFuture(lineJson(lineOf(me))));
    holders.op("line.open", this::open);
    holders.op("line.ready", this::ready);
    holders.op("line.close", this::close);
    api.route(HttpMethod.GET, "/agent/line", agents, ctx -> holders.run(ctx, "line.show", new JsonObject()));
    api.route(HttpMethod.POST, "/agent/line", agents, ctx -> holders.run(ctx, "line.open",
        new JsonObject().put("softphone", Api.user(ctx).softphone())));
    api.route(HttpMethod.PUT, "/agent/ready", agents, this::ready);
    api.route(HttpMethod.DELETE, "/agent/line", agents, ctx -> holders.run(ctx, "line.close", new JsonObject()));
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

  private Future<JsonObject> open(long me, JsonObject args) {
    Telephony t = telephony.get();
    if (t == null || t.all().isEmpty()) {
      return Future.failedFuture(new Problem(503, "pbx_unavailable", "no PBX is configured"));
    }
    Softphone softphone = holders.softphone(me, args.getString("softphone"));
    if (softphone == null) {
      return Future.failedFuture(new Invalid("softphone", "no softphone is set for you; ask an admin",
          "尚未为您设置软电话分机，请联系管理员"));
    }
    AnsweredCalls.Pbx pbx = lineStillOpen(t, me);
    if (pbx == null) {
      pbx = t.pbxOf(softphone);
    }
    if (pbx == null) {
      return Future.failedFuture(new Invalid("softphone", "your softphone is on PBX " + softphone.pbx()
          + ", which is not configured; ask an admin", "您的软电话所在的交换机 " + softphone.pbx() + " 未配置，请联系管理员"));
    }
    return pbx.lines().open(me, softphone.endpoint(), Duration.ofSeconds(30))
        .map(AgentLineRoutes::lineJson)
        .recover(e -> Future.failedFuture(e instanceof AgentLines.NotOwner
            // Another node owns the PBX (several nodes, docs/cluster.md): the line is opened there.
            ? new Problem(409, "pbx_not_owned", e.getMessage())
            : new Problem(502, "line_failed", e.getMessage())));
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
    holders.run(ctx, "line.ready", new JsonObject().put("ready", ready)
        .put("campaignId", b.getValue("campaignId") instanceof Number n ? n.longValue() : null));
  }

  private Future<JsonObject> ready(long me, JsonObject args) {
    AnsweredCalls.Pbx pbx = pbxOfLine(me);
    AgentLines.Line line = pbx == null ? null : pbx.lines().line(me);
    if (line == null || line.state() == AgentLines.LineState.DOWN) {
      return Future.failedFuture(Problem.conflict("no_line", "open your phone line first"));
    }
    boolean ready = args.getBoolean("ready");
    Long campaignId = args.getLong("campaignId");
    if (ready && !line.skilledFor(campaignId)) {
      return Future.failedFuture(new Invalid("campaignId", "you are not skilled for campaign " + campaignId,
          "您未被分配到活动 " + campaignId));
    }
    pbx.lines().ready(me, ready, campaignId);
    return Future.succeededFuture(lineJson(line).put("ready", ready));
  }

  private Future<JsonObject> close(long me, JsonObject args) {
    AnsweredCalls.Pbx pbx = pbxOfLine(me);
    if (pbx == null) {
      return Future.succeededFuture(null);
    }
    return pbx.lines().close(me).<JsonObject>map(v -> null).recover(e -> Future.succeededFuture(null));
  }

  private static JsonObject lineJson(AgentLines.Line line) {
    if (line == null) {
      return new JsonObject().put("state", "none");
    }
    return new JsonObject().put("state", line.state().name().toLowerCase()).put("channel", line.channel())
        .put("attemptId", line.attemptId());
  }
}
