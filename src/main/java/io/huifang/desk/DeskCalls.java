package io.huifang.desk;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The calls on the agents' screens, by agent and by attempt. Confined to the telephony context. */
final class DeskCalls {
  private final Vertx vertx;
  private final Map<Long, DeskCall> byAgent = new HashMap<>();
  private final Map<String, DeskCall> byAttempt = new HashMap<>();

  DeskCalls(Vertx vertx) {
    this.vertx = vertx;
  }

  DeskCall ofAgent(long agentId) {
    return byAgent.get(agentId);
  }

  DeskCall ofAttempt(String attemptId) {
    return byAttempt.get(attemptId);
  }

  /** Whether this call is still the one kept for its attempt (not withdrawn or replaced meanwhile). */
  boolean current(DeskCall c) {
    return byAttempt.get(c.attemptId) == c;
  }

  /** A bridged call takes the agent's screen; the call it replaces is forgotten. */
  void connected(DeskCall c) {
    DeskCall previous = byAgent.put(c.agentId, c);
    if (previous != null) {
      forget(previous);
    }
    byAttempt.put(c.attemptId, c);
  }

  /** A call rebuilt from its draft; it takes the agent's screen only if nothing else is on it. */
  void restored(DeskCall c) {
    byAttempt.put(c.attemptId, c);
    byAgent.putIfAbsent(c.agentId, c);
  }

  void forget(DeskCall c) {
    byAttempt.remove(c.attemptId, c);
    byAgent.remove(c.agentId, c);
    c.cancelWrapTimer(vertx);
  }

  List<DeskCall> onScreens() {
    return new ArrayList<>(byAgent.values());
  }
}
