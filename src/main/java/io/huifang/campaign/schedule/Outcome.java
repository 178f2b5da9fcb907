package io.huifang.campaign.schedule;

import java.time.Instant;
import java.util.Objects;

/** What one call attempt came to, as the dialer reports it to {@link Scheduler#recordOutcome}. */
public record Outcome(Kind kind, Instant callbackAt, Long agentId) {

  public enum Kind {
    /** Answered, survey done: a valid sample or an error sample decided by the agent; the task is finished. */
    SUCCESS,
    /** Not reached: retried in a day part not yet tried, then rotating, within the deadline and max attempts. */
    NO_ANSWER, BUSY, CONGESTION, MACHINE, ABANDONED,
    /** Someone else answered and knows nothing of the visit: call the customer on another day. */
    NOT_OWNER,
    WRONG_NUMBER, INVALID_NUMBER,
    /**
     * An error sample decided by the agent (not the owner, duplicate, PDI / stock / company vehicle…): finished,
     * counted against the dealer's sample success rate, not retried.
     */
    ERROR_SAMPLE,
    /** The customer refused: finished, and the number goes on the do-not-call list. */
    REFUSED,
    /** The customer asked to be called back at {@code callbackAt}, by {@code agentId} or by anyone (null). */
    CALLBACK,
    /**
     * The dialer ended the line unanswered after 15 s or more of ringing (ring cut): the customer was never given the
     * full ring, so it is no try of theirs. Retried soon ({@link RetryPlanner#afterRingCut}), not counted in the
     * attempts nor marking the day part tried; after {@link RetryPlanner#RING_CUTS_MAX} cuts the dialer lets the
     * task's line ring in full.
     */
    RING_CUT;

    boolean notReached() {
      return this == NO_ANSWER || this == BUSY || this == CONGESTION || this == MACHINE || this == ABANDONED;
    }
  }

  public Outcome {
    Objects.requireNonNull(kind);
    if (kind == Kind.CALLBACK && callbackAt == null) {
      throw new IllegalArgumentException("a callback needs a time");
    }
  }

  static String id(Kind k) {
    return k.name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Outcome of(Kind kind) {
    return new Outcome(kind, null, null);
  }

  public static Outcome callback(Instant at, Long agentId) {
    return new Outcome(Kind.CALLBACK, at, agentId);
  }
}
