package io.huifang.telephony;

import java.util.Locale;

/** What a dial attempt came to, in the classes the dialer and the scheduler act on. */
public enum AttemptOutcome {
  /** A person answered and was joined to an agent. */
  ANSWERED_HUMAN,
  /** Answering-machine detection said MACHINE. */
  ANSWERED_MACHINE,
  /** A person answered and no agent took the call within 2 s: safe-harbor message, hang up. */
  ABANDONED,
  NO_ANSWER,
  BUSY,
  /** Circuit or network congestion: the carrier, not the customer. */
  CONGESTION,
  /** The number does not exist (unallocated, bad format, no route). */
  INVALID_NUMBER,
  /** Anything else, e.g. the PBX refused the Originate; the raw codes are kept with the attempt. */
  FAILED,
  /**
   * The dialer ended the line unanswered after 15 s or more of ringing, because its answer would likely have found no
   * agent (ring cut, a campaign option): a dial, not the customer's no-answer. A line that answered first is an
   * answered call, never this.
   */
  RING_CUT;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean answered() {
    return this == ANSWERED_HUMAN || this == ANSWERED_MACHINE || this == ABANDONED;
  }
}
