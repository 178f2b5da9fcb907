package io.huifang.desk;

import io.huifang.campaign.schedule.Scheduler;
import io.huifang.survey.SurveyResponses;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.Telephony;
import io.huifang.web.Push;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wrap-up after every call. It ends when the call has a disposition and either the agent says ready or the
 * campaign's wrap-up time has run out; a survey not submitted when the time runs out keeps the agent in wrap-up
 * (shown as overdue) rather than let a new call replace an unfinished screen. Confined to the telephony context.
 */
final class WrapUp {
  private static final Logger log = LoggerFactory.getLogger(WrapUp.class);
  /** A reached customer's task is not dialled again while the agent writes the call up, for at most this long. */
  static final Duration DISPOSITION_HOLD = Duration.ofHours(12);

  private final Vertx vertx;
  private final Telephony telephony;
  private final SurveyResponses responses;
  private final Scheduler scheduler;
  private final Clock clock;
  private final DeskCalls calls;
  private final Screens screens;
  private final DeskContext context;
  private final List<BiConsumer<Long, String>> listeners = new CopyOnWriteArrayList<>();

  WrapUp(Vertx vertx, Telephony telephony, SurveyResponses responses, Scheduler scheduler, Clock clock,
         DeskCalls calls, Screens screens, DeskContext context) {
    this.vertx = vertx;
    this.telephony = telephony;
    this.responses = responses;
    this.scheduler = scheduler;
    this.clock = clock;
    this.calls = calls;
    this.screens = screens;
    this.context = context;
  }

  /** Told (agent id, attempt id) when an agent's call ends and the wrap-up begins. */
  void onWrapUp(BiConsumer<Long, String> listener) {
    listeners.add(listener);
  }

  /** The bridge failed: the agent never had this customer, and the screen is withdrawn. */
  void bridgeFailed(Attempt a) {
    DeskCall c = calls.ofAttempt(a.id());
    if (c != null) {
      screens.withdraw(c);
    }
  }

  /**
   * The customer's call ended: the agent's wrap-up begins (the task is held meanwhile). A call cut under the agent
   * (the PBX lost, or the agent's own line gone, so the line is not in wrap-up for it) is still the agent's: the
   * screen and the answers stay to be finished and submitted, marked as cut, and the line reopened after a PBX loss
   * comes back in wrap-up for it (AgentLines).
   */
  void callEnded(AgentLines.Line line, Attempt a) {
    DeskCall c = calls.ofAttempt(a.id());
    if (c == null) {
      return;
    }
    Instant now = clock.instant();
    if (line.state() != AgentLines.LineState.WRAP_UP || !a.id().equals(line.wrapUpAttemptId())) {
      c.cut = a.cutByPbxLoss() ? DeskCall.CUT_PBX_LOST : DeskCall.CUT_LINE_DOWN;
      log.atWarn().setMessage("call cut under the agent; the screen stays for the disposition")
          .addKeyValue("attempt", a.id()).addKeyValue("agent", c.agentId).addKeyValue("cut", c.cut).log();
    }
    c.callUp = false;
    c.endedAt = now;
    c.wrapUpEndsAt = now.plusSeconds(c.wrapUpSeconds);
    responses.callEnded(c.attemptId, now);
    if (c.taskId != null && !c.submitted) {
      // Kept in the write journal while the database is away: the customer must not be dialled again meanwhile.
      scheduler.keepHold(c.taskId, Instant.parse(a.snapshot().getString("originatedAt")), now.plus(DISPOSITION_HOLD))
          .onFailure(e -> log.atWarn().setMessage("task not held for the disposition").addKeyValue("task", c.taskId)
              .addKeyValue("error", e.getMessage()).log());
    }
    Push.toUser(vertx.eventBus(), c.agentId, new JsonObject().put("type", "call.ended")
        .put("attemptId", c.attemptId).put("endedAt", now.toString()).put("wrapUpEndsAt", c.wrapUpEndsAt.toString())
        .put("submitted", c.submitted).put("cut", c.cut));
    for (BiConsumer<Long, String> l : listeners) {
      l.accept(c.agentId, c.attemptId);
    }
    if (c.submitted && c.wrapUpSeconds == 0) {
      finish(c);
    } else {
      c.wrapTimer = vertx.setTimer(Math.max(1, c.wrapUpSeconds * 1000L), t -> context.run(() -> timeUp(c)));
    }
  }

  private void timeUp(DeskCall c) {
    c.wrapTimer = -1;
    if (!calls.current(c)) {
      return;
    }
    if (c.submitted || !c.hasDraft) {
      finish(c); // auto-ready (nothing to submit without a draft)
    } else {
      Push.toUser(vertx.eventBus(), c.agentId, new JsonObject().put("type", "wrapup.overdue")
          .put("attemptId", c.attemptId));
    }
  }

  /** The agent is done with the call: the screen is cleared and the line leaves wrap-up. */
  void finish(DeskCall c) {
    calls.forget(c);
    if (c.pbx != null) {
      c.pbx.lines().endWrapUp(c.agentId);
    } else {
      for (AnsweredCalls.Pbx p : telephony.all()) {
        p.lines().endWrapUp(c.agentId);
      }
    }
  }
}
