package io.huifang.supervisor;

import java.util.function.LongSupplier;

/**
 * When the board's changes go out: at most once per interval (a second), leading edge. A change after a quiet
 * interval goes out at once; changes within the interval after a push wait for its end and go out together. Pure,
 * with its clock given, so that the rule is tested without timers; the caller owns the timer.
 */
final class Coalescer {
  /** {@link #changed()}: push now. */
  static final long NOW = 0;
  /** {@link #changed()}: a push is already due later; nothing to do. */
  static final long ALREADY_DUE = -1;

  private final long intervalMillis;
  private final LongSupplier clock;
  private long lastPush = Long.MIN_VALUE / 2;
  private boolean due;

  Coalescer(long intervalMillis, LongSupplier clock) {
    this.intervalMillis = intervalMillis;
    this.clock = clock;
  }

  /**
   * Something changed: {@link #NOW} when it may go out at once, {@link #ALREADY_DUE} when a push is already waiting,
   * else the milliseconds to wait (the caller sets a timer and then calls {@link #dueNow()}).
   */
  long changed() {
    if (due) {
      return ALREADY_DUE;
    }
    long wait = lastPush + intervalMillis - clock.getAsLong();
    if (wait <= 0) {
      return NOW;
    }
    due = true;
    return wait;
  }

  /** The waited-for moment came: the caller pushes what changed meanwhile (if anything still differs). */
  void dueNow() {
    due = false;
  }

  /** A push went out now. */
  void pushed() {
    lastPush = clock.getAsLong();
    due = false;
  }
}
