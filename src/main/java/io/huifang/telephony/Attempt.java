package io.huifang.telephony;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One dial attempt as the tracker sees it. Confined to the PBX connection's context: only the {@link CallTracker}
 * mutates it; others read it there or take {@link #snapshot()}.
 */
public final class Attempt {
  /** Where the call is in its life. */
  public enum State {
    DIALING, RINGING, ANSWERED, BRIDGED, ENDED
  }

  final String id;
  final String pbx;
  final CallTracker.OriginateRequest request;
  String actionId;
  String channel;
  State state = State.DIALING;
  final Instant originatedAt;
  Instant ringingAt;
  Instant answeredAt;
  Instant bridgedAt;
  Instant endedAt;
  Integer originateReason;
  boolean originateResponseSeen;
  boolean originateRefused;
  Integer hangupCause;
  String hangupCauseTxt;
  String hangupBy;
  boolean dialBegan;
  String amdStatus;
  String amdCause;
  boolean abandoned;
  /** Answered in the name of a PBX lease grant that was no longer current (issue 22): no agent was given. */
  boolean fenced;
  /**
   * FastAGI scripts of its answer that gave no decision within the dialplan's absolute timeout (their node frozen or cut
   * off with the connection open): the dialplan's T extension reported each (UserEvent HuifangAgiTimeout).
   */
  int agiTimeouts;
  /** The PBX lease epoch it was dialled under (issue 22); 0 when unfenced or adopted from the database. */
  long epoch;
  boolean hangupRequestedByAgent;
  /** The dialer hung the line up while it rang (ring cut): it ends as RING_CUT unless it was answered first. */
  boolean ringCut;
  Long agentId;
  String agentChannel;
  String detail;
  /**
   * The call was up when the AMI connection dropped and gone when it came back: the PBX crashed or restarted under
   * it (or it ended unseen meanwhile). Not a failed bridge: an agent may have been talking to the customer.
   */
  boolean cutByPbxLoss;
  AttemptOutcome outcome;
  /** Channels of this attempt still up, by Uniqueid. */
  final Map<String, String> live = new LinkedHashMap<>();
  boolean everHadChannel;
  /**
   * The AMI connection the Originate went out on (the client's connect count then); {@link CallTracker#NOT_SENT}
   * before it is sent, 0 for an attempt adopted from the database after a restart.
   */
  long sentOnConnection = CallTracker.NOT_SENT;
  /** The Originate's number in this tracker's {@link GrantConfirmations}; 0: not sent by this process. */
  long originateSeq;
  /**
   * The attempt's latest write to the database: the next one starts when it is done (see CallTracker#writeProgress).
   */
  io.vertx.core.Future<?> lastWrite = io.vertx.core.Future.succeededFuture();

  Attempt(String id, String pbx, CallTracker.OriginateRequest request, Instant now) {
    this.id = id;
    this.pbx = pbx;
    this.request = request;
    this.originatedAt = now;
  }

  public String id() {
    return id;
  }

  public State state() {
    return state;
  }

  public String channel() {
    return channel;
  }

  public AttemptOutcome outcome() {
    return outcome;
  }

  public CallTracker.OriginateRequest request() {
    return request;
  }

  public Instant answeredAt() {
    return answeredAt;
  }

  /** When the attempt ended (null while it is live). */
  public Instant endedAt() {
    return endedAt;
  }

  public Long agentId() {
    return agentId;
  }

  /** Completes when the attempt's writes begun so far are in the database (read on the tracker's context). */
  public io.vertx.core.Future<?> written() {
    return lastWrite;
  }

  /** The dialer asked for this line to be hung up while it rang (see {@link AttemptOutcome#RING_CUT}). */
  public boolean ringCut() {
    return ringCut;
  }

  /** See the field: the call was lost with the PBX, not ended by anyone on it. */
  public boolean cutByPbxLoss() {
    return cutByPbxLoss;
  }

  /** Seconds of ringing: from the first ring (or the originate) to answer or failure. */
  public Double ringSeconds() {
    Instant start = ringingAt != null ? ringingAt : originatedAt;
    Instant end = answeredAt != null ? answeredAt : endedAt;
    return end == null ? null : Duration.between(start, end).toMillis() / 1000.0;
  }

  /** An immutable copy for other contexts (API, tests, listeners). */
  public JsonObject snapshot() {
    return new JsonObject()
        .put("id", id).put("pbx", pbx).put("state", state.name().toLowerCase())
        .put("outcome", outcome == null ? null : outcome.code())
        .put("campaignId", request.campaignId()).put("taskId", request.taskId())
        .put("channel", channel)
        .put("originateReason", originateReason).put("hangupCause", hangupCause)
        .put("hangupCauseTxt", hangupCauseTxt).put("hangupBy", hangupBy)
        .put("amdStatus", amdStatus).put("agentId", agentId)
        .put("originatedAt", str(originatedAt)).put("ringingAt", str(ringingAt))
        .put("answeredAt", str(answeredAt)).put("bridgedAt", str(bridgedAt)).put("endedAt", str(endedAt))
        .put("ringSeconds", ringSeconds()).put("detail", detail).put("cutByPbxLoss", cutByPbxLoss);
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
