package io.huifang.desk;

import io.huifang.campaign.Campaign;
import io.huifang.survey.Questionnaire;
import io.huifang.telephony.AnsweredCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The call on an agent's screen: its screen, the survey answers so far and where its wrap-up stands. */
final class DeskCall {
  final String attemptId;
  final long agentId;
  final long campaignId;
  final Long taskId;
  final Long customerId;
  AnsweredCalls.Pbx pbx;
  JsonObject screen;
  Questionnaire questionnaire;
  JsonObject answers = new JsonObject();
  int saves;
  /** The agent's note, autosaved with the answers; null when none. */
  String note;
  /** When the draft was last saved (answers or note); null before the first save. */
  Instant savedAt;
  /**
   * What the agent submitted (disposition, callback time and whose, note), shown on the locked form after a submit
   * while the call is still on screen; null before.
   */
  JsonObject submittedAs;
  boolean callUp = true;
  boolean submitted;
  /** A draft row exists: the call is finished by submitting it (without one there is nothing to submit). */
  boolean hasDraft;
  /** The bridge failed and the screen was withdrawn: no draft is (re)tried for it. */
  boolean withdrawn;
  /**
   * The draft's insert, started just after the screen is pushed (the screen must not wait for the database). A save
   * or a submit waits for it: an agent who answers within milliseconds of the screen, on a loaded database, would
   * otherwise find no draft row and be told the survey was already submitted.
   */
  Future<Void> draftCreated = Future.succeededFuture();
  /**
   * The attempt's row naming the agent (CallTracker.markBridged): the draft is created only once it is stored, so
   * that no survey exists for a call whose row, read after a crash, says nobody took the customer.
   */
  Future<?> agentStored = Future.succeededFuture();
  int wrapUpSeconds = Campaign.DEFAULT_WRAP_UP_SECONDS;
  /** Why the call ended under the agent, if it did: the PBX was lost, or the agent's own line went down. */
  static final String CUT_PBX_LOST = "pbx_lost";
  static final String CUT_LINE_DOWN = "line_down";
  /** {@link #CUT_PBX_LOST}, {@link #CUT_LINE_DOWN} or null (hung up by the customer or the agent). */
  String cut;
  Instant endedAt;
  Instant wrapUpEndsAt;
  long wrapTimer = -1;
  long bridgedAtMicros;

  DeskCall(String attemptId, long agentId, long campaignId, Long taskId, Long customerId) {
    this.attemptId = attemptId;
    this.agentId = agentId;
    this.campaignId = campaignId;
    this.taskId = taskId;
    this.customerId = customerId;
  }

  void cancelWrapTimer(Vertx vertx) {
    if (wrapTimer >= 0) {
      vertx.cancelTimer(wrapTimer);
      wrapTimer = -1;
    }
  }
}
