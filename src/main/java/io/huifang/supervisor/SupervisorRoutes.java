package io.huifang.supervisor;

import io.huifang.auth.AuditLog;
import io.huifang.auth.SessionStore;
import io.huifang.auth.UserStore;
import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.core.Invalid;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.desk.AgentDeskRoutes;
import io.huifang.telephony.LineHolders;
import io.huifang.dialer.DialerService;
import io.huifang.web.Api;
import io.huifang.web.Push;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The supervisors' board and steering (docs/supervisor-api.md, "Routes"): the board, pausing and resuming a campaign
 * (confirmed by its name), pausing an agent after the call, signing an agent out, the board's thresholds. Supervisors
 * and admins only; every action goes to the audit log.
 */
public final class SupervisorRoutes {
  static final Set<Role> SUPERVISORS = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
  /** A supervisor's pause reasons: the agents' own, and "supervisor" (the default). */
  static final String SUPERVISOR_REASON = "supervisor";

  private final Supplier<LiveBoard> board;
  private final CampaignStore campaigns;
  private final Supplier<DialerService> dialer;
  /** The agents' lines' holders: a supervisor's action on an agent runs on the node holding the agent's line. */
  private final LineHolders lines;
  private final UserStore users;
  private final SessionStore sessions;
  private final SupervisorStore store;
  private final AuditLog audit;

  public SupervisorRoutes(Supplier<LiveBoard> board, CampaignStore campaigns, Supplier<DialerService> dialer,
                          LineHolders lines, UserStore users, SessionStore sessions, SupervisorStore store,
                          AuditLog audit) {
    this.board = board;
    this.campaigns = campaigns;
    this.dialer = dialer;
    this.lines = lines;
    this.users = users;
    this.sessions = sessions;
    this.store = store;
    this.audit = audit;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/supervisor/board", SUPERVISORS, this::board);
    api.route(HttpMethod.POST, "/supervisor/campaigns/:id/pause", SUPERVISORS, ctx -> pauseCampaign(ctx, true));
    api.route(HttpMethod.POST, "/supervisor/campaigns/:id/resume", SUPERVISORS, ctx -> pauseCampaign(ctx, false));
    api.route(HttpMethod.POST, "/supervisor/agents/:id/pause", SUPERVISORS, this::pauseAgent);
    api.route(HttpMethod.POST, "/supervisor/agents/:id/sign-out", SUPERVISORS, this::signOutAgent);
    api.route(HttpMethod.GET, "/supervisor/thresholds", SUPERVISORS, this::thresholds);
    api.route(HttpMethod.PUT, "/supervisor/thresholds", SUPERVISORS, this::putThresholds);
  }

  private void board(RoutingContext ctx) {
    LiveBoard b = board.get();
    if (b == null) {
      Api.error(ctx, 503, "starting", "the board is starting");
      return;
    }
    b.board().onFailure(ctx::fail).onSuccess(json -> Api.json(ctx, 200, json));
  }

  // ---- campaigns ----------------------------------------------------------------------------------------------

  /**
   * Pause or resume, confirmed by the campaign's name (as typed on the page): the pause is stored (it survives a
   * restart), the dialer re-reads the campaigns at once so that no new call goes out, and the board shows it.
   */
  private void pauseCampaign(RoutingContext ctx, boolean pause) {
    Long id = Api.pathId(ctx);
    JsonObject body = id == null ? null : Api.body(ctx);
    if (body == null) {
      return;
    }
    Object confirm = body.getValue("confirm");
    if (!(confirm instanceof String)) {
      Api.invalid(ctx, "confirm", "confirm: type the campaign's name", "confirm：请输入活动名称以确认");
      return;
    }
    User me = Api.user(ctx);
    String action = pause ? "supervisor.campaign.pause" : "supervisor.campaign.resume";
    campaigns.get(id).compose(found -> {
      if (found.isEmpty()) {
        Api.error(ctx, 404, "not_found", "no campaign " + id);
        return Future.succeededFuture();
      }
      Campaign c = found.get();
      if (!c.name().equals(confirm)) {
        Api.json(ctx, 409, new JsonObject().put("error", "confirm_mismatch")
            .put("message", "confirm must be the campaign's name").put("name", c.name()));
        return audit.record(me, me.username(), action, "campaign:" + id, "confirm_mismatch", Api.clientIp(ctx), null);
      }
      Future<Boolean> stored = pause ? campaigns.pause(id, me.username()) : campaigns.resume(id);
      return stored.compose(ok -> dialerReread())
          .compose(v -> boardReread())
          .compose(v -> audit.record(me, me.username(), action, "campaign:" + id, "ok", Api.clientIp(ctx),
              new JsonObject().put("name", c.name())))
          .compose(v -> campaigns.pauses())
          .onSuccess(pauses -> {
            CampaignStore.Pause p = pauses.get(id);
            Api.json(ctx, 200, new JsonObject().put("campaign", new JsonObject().put("campaignId", id)
                .put("name", c.name()).put("paused", p != null).put("pausedBy", p == null ? null : p.by())
                .put("pausedAt", p == null ? null : p.at().toEpochMilli())));
          }).mapEmpty();
    }).onFailure(e -> Api.fail(ctx, e));
  }

  /** The dialer dials (or stops) now; without a dialer (no PBX) there is nothing to stop. */
  private Future<Void> dialerReread() {
    DialerService d = dialer.get();
    return d == null ? Future.succeededFuture() : d.reloadNow();
  }

  private Future<Void> boardReread() {
    LiveBoard b = board.get();
    return b == null ? Future.succeededFuture() : b.campaignsChanged();
  }

  // ---- agents -------------------------------------------------------------------------------------------------

  /** Paused at once when not on a call, else the moment the call's wrap-up ends; the agent's page is told. */
  private void pauseAgent(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject body = id == null ? null : ctx.body().length() == 0 ? new JsonObject() : Api.body(ctx);
    if (body == null) {
      return;
    }
    Object r = body.getValue("reason", SUPERVISOR_REASON);
    if (!(r instanceof String reason)
        || !(SUPERVISOR_REASON.equals(reason) || AgentDeskRoutes.PAUSE_REASONS.contains(reason))) {
      Api.invalid(ctx, "reason", "reason: supervisor or one of " + new java.util.TreeSet<>(AgentDeskRoutes.PAUSE_REASONS),
          "暂停原因无效");
      return;
    }
    User me = Api.user(ctx);
    agent(ctx, id).compose(agent -> {
      if (agent.isEmpty()) {
        return Future.succeededFuture();
      }
      return lines.call(agent.get(), AgentDeskRoutes.PAUSE_AFTER_CALL, new JsonObject().put("reason", reason))
          .compose(state -> audit.record(me, me.username(), "supervisor.agent.pause", agent.get().username(), "ok",
              Api.clientIp(ctx), new JsonObject().put("reason", reason).put("stateThen", state.getString("state")))
              .onSuccess(v -> Api.json(ctx, 200, new JsonObject().put("agent", state.put("agentId", id)))))
          .recover(e -> e instanceof io.huifang.core.Problem p && p.status() == 404
              ? audit.record(me, me.username(), "supervisor.agent.pause", agent.get().username(), "not_logged_in",
                  Api.clientIp(ctx), null).onSuccess(v -> Api.error(ctx, 409, "agent_not_logged_in",
                  "the agent has no open phone line"))
              : Future.failedFuture(e));
    }).onFailure(e -> Api.fail(ctx, e));
  }

  /**
   * Every session of the agent ends (their pages close with 4002) and the line closes, after the call when there is
   * one (the customer is never cut off).
   */
  private void signOutAgent(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    User me = Api.user(ctx);
    agent(ctx, id).compose(agent -> {
      if (agent.isEmpty()) {
        return Future.succeededFuture();
      }
      return sessions.deleteAllOf(id)
          .onSuccess(v -> Push.sessionsEnded(ctx.vertx().eventBus(), id, null))
          .compose(v -> lines.call(agent.get(), AgentDeskRoutes.CLOSE_LINE_AFTER_CALL,
              new JsonObject().put("reason", "signed_out")))
          .compose(v -> audit.record(me, me.username(), "supervisor.agent.sign-out", agent.get().username(), "ok",
              Api.clientIp(ctx), null))
          .onSuccess(v -> Api.json(ctx, 200, new JsonObject().put("agentId", id).put("signedOut", true)));
    }).onFailure(e -> Api.fail(ctx, e));
  }

  /** The agent by id; empty after answering 404 when there is no such agent. */
  private Future<Optional<User>> agent(RoutingContext ctx, long id) {
    return users.byId(id).map(u -> {
      if (u.isEmpty() || u.get().role() != Role.AGENT) {
        Api.error(ctx, 404, "not_found", "no agent " + id);
        return Optional.empty();
      }
      return u;
    });
  }

  // ---- thresholds ---------------------------------------------------------------------------------------------

  private void thresholds(RoutingContext ctx) {
    store.thresholds().onFailure(ctx::fail).onSuccess(t -> Api.json(ctx, 200, t));
  }

  private void putThresholds(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    if (body == null) {
      return;
    }
    JsonObject t;
    try {
      t = Thresholds.validate(body);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    User me = Api.user(ctx);
    store.saveThresholds(t, me.id())
        .compose(v -> board.get() == null ? Future.succeededFuture() : board.get().thresholdsChanged(t))
        .compose(v -> audit.record(me, me.username(), "supervisor.thresholds", "thresholds", "ok", Api.clientIp(ctx),
            t))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(v -> Api.json(ctx, 200, t));
  }
}
