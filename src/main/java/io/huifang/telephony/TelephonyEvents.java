package io.huifang.telephony;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Telephony's domain events on the Vert.x event bus, for other modules and, later, other nodes (the in-process
 * {@link CallEvent} stream stays for subscribers on the telephony context, which need the live {@link Attempt}).
 * Published from the telephony context, as the calls and lines change; the bodies are plain JSON.
 */
public final class TelephonyEvents {
  /**
   * An attempt ended and its end was written: {@code {"attemptId", "campaignId", "taskId", "pbx", "outcome",
   * "agentId"}} (campaign, task and agent null when there are none; outcome as stored, e.g. "answered_human").
   */
  public static final String ATTEMPT_ENDED = "huifang.telephony.attempt.ended";
  /**
   * An agent's line changed state: {@code {"agentId", "pbx", "state", "reason"}} (state as in
   * {@link AgentLines.LineState}, lower case; reason the pause reason, null unless paused or pausing).
   */
  public static final String AGENT_STATE = "huifang.telephony.agent.state";

  private TelephonyEvents() {
  }

  static void attemptEnded(EventBus bus, String pbx, Attempt a) {
    bus.publish(ATTEMPT_ENDED, new JsonObject().put("attemptId", a.id())
        .put("campaignId", a.request().campaignId()).put("taskId", a.request().taskId()).put("pbx", pbx)
        .put("outcome", a.outcome() == null ? null : a.outcome().code()).put("agentId", a.agentId()));
  }

  static void agentState(EventBus bus, String pbx, AgentLines.Line line) {
    bus.publish(AGENT_STATE, new JsonObject().put("agentId", line.agentId()).put("pbx", pbx)
        .put("state", line.state().name().toLowerCase(java.util.Locale.ROOT)).put("reason", line.pauseReason()));
  }
}
