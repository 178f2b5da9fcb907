package io.huifang.dialer.pacing;

import io.huifang.telephony.AttemptOutcome;

/**
 * Decides how many customers to dial now. Pure and deterministic: no threads, no wall clock; the caller passes the
 * time. The server calls {@link #linesToDial} after every event below and on a timer of at most {@link #TICK_MILLIS},
 * and places exactly that many originates (the pacer counts them as placed).
 */
public interface Pacer {
  /** The longest the server may wait between two decisions when nothing happens. */
  long TICK_MILLIS = 1000;

  /** New originates to place now. */
  int linesToDial(PacerView view, long now);

  /**
   * The lines this pacer would dial now, without counting them as placed: a pool's planner asks every campaign's
   * pacer, hands out fewer lines than were asked, and reports what it placed through {@link #placed}. A pacer that
   * cannot be asked without being charged counts the ask as placed (the default).
   */
  default int ask(PacerView view, long now) {
    return linesToDial(view, now);
  }

  /**
   * Of the lines last {@linkplain #ask asked} for, {@code lines} are to be placed now: returns how many of them may be
   * (the originate throttle may grant fewer); those are counted as placed.
   */
  default int placed(int lines, long now) {
    return lines;
  }

  /** A dialled line ended ringing: answered (human or machine, as AMD said) or not, after ringMillis. */
  default void onOriginateResult(AttemptOutcome outcome, long ringMillis, long now) {
  }

  /** A customer who answered got no agent within 2 s and heard the safe-harbor message. */
  default void onAbandoned(long now) {
  }

  /** A customer was joined to an agent after waiting waitMillis since the answer. */
  default void onConnected(long waitMillis, long now) {
  }

  /** The agent and customer hung up after talking talkMillis; the agent goes to wrap-up. */
  default void onHangup(long talkMillis, long now) {
  }

  /** An agent finished wrap-up (after wrapMillis) and is free. */
  default void onAgentFree(long wrapMillis, long now) {
  }

  /** Short name for tables. */
  String name();
}
