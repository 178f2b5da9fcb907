package io.huifang.casework;

import io.huifang.core.Problem;

/**
 * A case's life: {@code open} (with the dealer) → {@code handled} (the dealer recorded what was done; a second
 * callback verifies it) → {@code closed} (verified 合格 or 不属实), or back to {@code open} as a reopen (verified
 * 不合格). Staff may close an open or handled case and reopen a handled or closed one by hand.
 */
final class CaseStates {
  enum Step {
    /** The dealer recorded what was done. */
    HANDLE,
    /** The second callback's verdict: qualified or untrue. */
    VERIFIED,
    /** The second callback's verdict: unqualified. */
    NOT_RESOLVED,
    /** Staff close by hand. */
    CLOSE,
    /** Staff reopen by hand. */
    REOPEN
  }

  private CaseStates() {
  }

  /** The status after {@code step}; 409 {@code wrong_state} when the step does not apply to {@code status}. */
  static String next(String status, Step step) {
    String to = switch (step) {
      case HANDLE -> "open".equals(status) ? "handled" : null;
      case VERIFIED -> "handled".equals(status) ? "closed" : null;
      case NOT_RESOLVED -> "handled".equals(status) ? "open" : null;
      case CLOSE -> "open".equals(status) || "handled".equals(status) ? "closed" : null;
      case REOPEN -> "handled".equals(status) || "closed".equals(status) ? "open" : null;
    };
    if (to == null) {
      throw new Problem(409, "wrong_state", "a case that is " + status + " cannot be "
          + step.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + (step == Step.HANDLE ? "d" : ""));
    }
    return to;
  }

  /** The step a second callback's verdict means. */
  static Step ofVerdict(String verdict) {
    return switch (verdict) {
      case "qualified", "untrue" -> Step.VERIFIED;
      case "unqualified" -> Step.NOT_RESOLVED;
      default -> throw new IllegalArgumentException("unknown verdict " + verdict);
    };
  }

  /** Whether the step reopens the case (counted in {@code reopened}). */
  static boolean reopens(Step step) {
    return step == Step.NOT_RESOLVED || step == Step.REOPEN;
  }
}
