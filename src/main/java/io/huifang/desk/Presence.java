package io.huifang.desk;

import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.web.Push;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an agent takes calls: ready (for a campaign) or paused with a reason, as the agent asks; paused by the desk
 * when no desk page has been open for a while, or at sign-out during a call. Every change of the agent's state is
 * pushed to the agent's page and logged. Confined to the telephony context.
 */
final class Presence {
  private static final Logger log = LoggerFactory.getLogger(Presence.class);
  /**
   * An agent who is ready with no desk page open (the browser closed, crashed, or the laptop went to sleep) would be
   * sent customers with no screen and perhaps no one at the headset: after this long without a page the agent is
   * paused. Long enough for a reload and for the page's own reconnects (1, 2, 4, 8 s …) through a network blip.
   */
  static final Duration DESK_GONE_GRACE = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final DeskStore store;
  private final DeskCalls calls;
  private final Lines lines;
  private final WrapUp wrapUp;
  private final DeskContext context;
  /** Agents whose last desk page closed, with the timer that pauses them if no page comes back. */
  private final Map<Long, Long> deskGoneTimers = new HashMap<>();
  /** Agents a supervisor signed out during a call: their lines close as soon as the call has ended. */
  private final java.util.Set<Long> closeAfterCall = new java.util.HashSet<>();
  private Duration deskGoneGrace = DESK_GONE_GRACE;

  Presence(Vertx vertx, DeskStore store, DeskCalls calls, Lines lines, WrapUp wrapUp, DeskContext context) {
    this.vertx = vertx;
    this.store = store;
    this.calls = calls;
    this.lines = lines;
    this.wrapUp = wrapUp;
    this.context = context;
  }

  /** The agent's line changed state: the page is told, and the change is logged. */
  void stateChanged(AgentLines.Line line) {
    closeIfSignedOut(line);
    DeskCall c = calls.ofAgent(line.agentId());
    Push.toUser(vertx.eventBus(), line.agentId(), stateJson(line, c).put("type", "agent.state"));
    String state = line.state().name().toLowerCase(Locale.ROOT);
    store.logState(line.agentId(), state, line.state() == AgentLines.LineState.PAUSED ? line.pauseReason() : null,
            line.attemptId() != null ? line.attemptId() : line.wrapUpAttemptId())
        .onFailure(e -> log.atWarn().setMessage("agent state not logged").addKeyValue("agent", line.agentId())
            .addKeyValue("error", e.getMessage()).log());
  }

  static JsonObject stateJson(AgentLines.Line line, DeskCall c) {
    if (line == null) {
      return new JsonObject().put("state", "logged_out");
    }
    JsonObject s = new JsonObject().put("state", line.state().name().toLowerCase(Locale.ROOT))
        .put("since", line.since() == null ? null : line.since().toString())
        .put("pauseReason", line.pauseReason()).put("wantsReady", line.wantsReady())
        .put("campaignId", line.campaignId()).put("channel", line.channel())
        .put("attemptId", line.attemptId() != null ? line.attemptId() : line.wrapUpAttemptId());
    if (c != null && c.wrapUpEndsAt != null) {
      s.put("wrapUpEndsAt", c.wrapUpEndsAt.toString()).put("submitted", c.submitted);
    }
    return s;
  }

  /** The agent's state (GET /api/agent/line keeps its own shape). */
  Future<JsonObject> state(long agentId) {
    return context.call(() -> Future.succeededFuture(stateJson(lines.line(agentId), calls.ofAgent(agentId))));
  }

  /**
   * Ready (for a campaign) or paused with a reason. In wrap-up, ready ends the wrap-up once the survey is
   * submitted; during a call, pausing applies after it.
   */
  Future<JsonObject> ready(long agentId, boolean ready, Long campaignId, String reason) {
    return context.call(() -> {
      AgentLines.Line line = lines.line(agentId);
      if (line == null || line.state() == AgentLines.LineState.DOWN) {
        return Future.failedFuture(new NoSuchElementException("open your phone line first"));
      }
      if (ready && !line.skilledFor(campaignId)) {
        // the agent's choice narrows within their skills: a campaign outside them would bring no calls at all
        return Future.failedFuture(new io.huifang.core.Invalid("campaignId",
            "you are not skilled for campaign " + campaignId, "您未被分配到活动 " + campaignId));
      }
      DeskCall c = calls.ofAgent(agentId);
      // A call with a survey is finished by its disposition; one without (no questionnaire could be loaded) is not.
      if (ready && line.state() == AgentLines.LineState.WRAP_UP && c != null && !c.submitted && c.hasDraft) {
        return Future.failedFuture(new IllegalStateException("submit the survey first"));
      }
      AnsweredCalls.Pbx pbx = lines.pbxOf(agentId);
      return pbx.lines().ready(agentId, ready, campaignId, reason).compose(l -> context.call(() -> {
        if (ready && l.state() == AgentLines.LineState.WRAP_UP && (c == null || c.submitted || !c.hasDraft)) {
          if (c != null) {
            wrapUp.finish(c);
          } else {
            pbx.lines().endWrapUp(agentId);
          }
        }
        return Future.succeededFuture(stateJson(l, calls.ofAgent(agentId)));
      }));
    });
  }

  /**
   * The agent signed out: the line closes (logged out). A customer on the line is never cut off: during a call or
   * its wrap-up the agent is paused instead, and the line stays until a supervisor or the agent closes it.
   */
  void signedOut(long agentId) {
    AgentLines.Line line = lines.line(agentId);
    if (line == null) {
      return;
    }
    AnsweredCalls.Pbx pbx = lines.pbxOf(agentId);
    switch (line.state()) {
      case ON_CALL, RESERVED, WRAP_UP -> pbx.lines().ready(agentId, false, line.campaignId(), "other");
      default -> pbx.lines().close(agentId);
    }
  }

  /**
   * A supervisor pauses the agent: at once when ready (or already paused), else when the call and its wrap-up are
   * over, exactly as when the agent asks to pause after the call. Fails when the agent has no open line.
   */
  Future<JsonObject> pauseAfterCall(long agentId, String reason) {
    return context.call(() -> {
      AgentLines.Line line = lines.line(agentId);
      if (line == null || line.state() == AgentLines.LineState.DOWN) {
        return Future.failedFuture(new NoSuchElementException("the agent has no open line"));
      }
      log.atInfo().setMessage("agent paused by a supervisor").addKeyValue("agent", agentId)
          .addKeyValue("state", line.state()).addKeyValue("reason", reason).log();
      return lines.pbxOf(agentId).lines().ready(agentId, false, line.campaignId(), reason)
          .compose(l -> context.call(() -> Future.succeededFuture(stateJson(l, calls.ofAgent(agentId)))));
    });
  }

  /**
   * A supervisor signed the agent out: the line closes now, or, with a customer on it, paused at once and closed
   * the moment the call ends (the customer is never cut off; the draft stays for the agent's next sign-in).
   */
  Future<Void> closeAfterCall(long agentId, String reason) {
    return context.call(() -> {
      AgentLines.Line line = lines.line(agentId);
      if (line == null) {
        return Future.succeededFuture();
      }
      AnsweredCalls.Pbx pbx = lines.pbxOf(agentId);
      if (line.state() == AgentLines.LineState.ON_CALL || line.state() == AgentLines.LineState.RESERVED) {
        closeAfterCall.add(agentId);
        return pbx.lines().ready(agentId, false, line.campaignId(), reason).mapEmpty();
      }
      return pbx.lines().close(agentId);
    });
  }

  private void closeIfSignedOut(AgentLines.Line line) {
    AgentLines.LineState s = line.state();
    if (closeAfterCall.contains(line.agentId()) && s != AgentLines.LineState.ON_CALL
        && s != AgentLines.LineState.RESERVED && s != AgentLines.LineState.OPENING) {
      closeAfterCall.remove(line.agentId());
      if (s != AgentLines.LineState.DOWN) {
        lines.pbxOf(line.agentId()).lines().close(line.agentId());
      }
    }
  }

  /** For tests: a shorter grace before an agent with no desk page is paused. */
  void deskGoneGrace(Duration grace) {
    this.deskGoneGrace = grace;
  }

  /** The agent's last desk page closed: paused after the grace unless a page comes back. */
  void deskGone(long agentId) {
    deskBack(agentId);
    long timer = vertx.setTimer(Math.max(1, deskGoneGrace.toMillis()), id -> context.run(() -> {
      if (deskGoneTimers.remove(agentId, id)) {
        pauseWithoutDesk(agentId);
      }
    }));
    deskGoneTimers.put(agentId, timer);
  }

  /** A desk page of the agent's opened. */
  void deskBack(long agentId) {
    Long timer = deskGoneTimers.remove(agentId);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * No page came back: a ready agent is paused now; one on a call or in its wrap-up is paused after it (the call is
   * never cut). Ready again takes the agent's own click once a page is open.
   */
  private void pauseWithoutDesk(long agentId) {
    AgentLines.Line line = lines.line(agentId);
    if (line == null || line.state() == AgentLines.LineState.DOWN || !line.wantsReady()) {
      return;
    }
    log.atInfo().setMessage("agent paused: no desk page open").addKeyValue("agent", agentId)
        .addKeyValue("state", line.state()).addKeyValue("afterSeconds", deskGoneGrace.toSeconds()).log();
    lines.pbxOf(agentId).lines().ready(agentId, false, line.campaignId(), AgentDesk.DESK_CLOSED);
  }
}
