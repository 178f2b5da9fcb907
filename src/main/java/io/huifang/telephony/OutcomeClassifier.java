package io.huifang.telephony;

/**
 * Turns what Asterisk reported into an {@link AttemptOutcome}. The OriginateResponse Reason is decisive where it
 * is specific (traces 03a–03e: 4 answered, 5 busy, 8 congestion, 3 originate timeout); Reason 0 covers both a
 * callee that rang out (cause 19) and a number that does not exist, so the Hangup cause decides then (Q.850:
 * 1/3/22/28 the number is wrong, 17 busy, 18/19 no answer, 27/34/38/41/42/44 the network).
 */
public final class OutcomeClassifier {
  private OutcomeClassifier() {
  }

  /** What was seen of one attempt. Nulls mean "not seen". */
  public record Evidence(Integer originateReason, Integer hangupCause, boolean answered, boolean dialBegan,
                         String amdStatus, boolean abandoned, boolean originateRefused) {
  }

  /**
   * The outcome of an attempt the dialer hung up while it rang (ring cut): {@link AttemptOutcome#RING_CUT}, which the
   * PBX reports as a failed originate (Reason 0, cause 16), unless the customer answered first; then what was seen
   * (an answered call, an abandon when no agent took it): a customer who answered is never a ring cut.
   */
  public static AttemptOutcome ringCut(Evidence e) {
    AttemptOutcome seen = classify(e);
    return seen.answered() ? seen : AttemptOutcome.RING_CUT;
  }

  public static AttemptOutcome classify(Evidence e) {
    if (e.originateRefused()) {
      return AttemptOutcome.FAILED;
    }
    boolean answered = e.answered() || Integer.valueOf(4).equals(e.originateReason());
    if (answered) {
      if ("MACHINE".equalsIgnoreCase(e.amdStatus())) {
        return AttemptOutcome.ANSWERED_MACHINE;
      }
      return e.abandoned() ? AttemptOutcome.ABANDONED : AttemptOutcome.ANSWERED_HUMAN;
    }
    Integer reason = e.originateReason();
    if (reason != null) {
      switch (reason) {
        case 5:
          return AttemptOutcome.BUSY;
        case 8:
          return AttemptOutcome.CONGESTION;
        case 3:
          return AttemptOutcome.NO_ANSWER;
        default:
          break;
      }
    }
    Integer cause = e.hangupCause();
    if (cause != null) {
      switch (cause) {
        case 18, 19, 21:
          return AttemptOutcome.NO_ANSWER;
        case 17:
          return AttemptOutcome.BUSY;
        case 27, 34, 38, 41, 42, 44:
          return AttemptOutcome.CONGESTION;
        case 1, 3, 22, 28:
          return AttemptOutcome.INVALID_NUMBER;
        case 0:
          // A Local or PJSIP channel that never began dialling: the destination does not exist (trace 03e).
          if (!e.dialBegan()) {
            return AttemptOutcome.INVALID_NUMBER;
          }
          break;
        default:
          break;
      }
    }
    return AttemptOutcome.FAILED;
  }
}
