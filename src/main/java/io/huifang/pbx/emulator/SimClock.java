package io.huifang.pbx.emulator;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;

/**
 * The one source of time for the simulated world. Every delay is given in simulated seconds and
 * divided by {@code speed} before it becomes a Vert.x timer, so 20.0 runs the world 20 times faster.
 * Simulated wall-clock time (for uniqueids, hour-of-day answer rates) starts at {@code startEpochMillis}
 * and advances {@code speed} times faster than real time.
 */
public final class SimClock {
  private final Vertx vertx;
  private final double speed;
  private final long startNanos = System.nanoTime();
  private final long startEpochMillis;

  public SimClock(Vertx vertx, double speed, long startEpochMillis) {
    this.vertx = vertx;
    this.speed = speed;
    this.startEpochMillis = startEpochMillis;
  }

  public double speed() {
    return speed;
  }

  /**
   * Simulated time of the timer being run, or NaN outside timer callbacks. Inside a callback, "now" is
   * the instant the timer was due, not when the event loop got to it: at 20x a few milliseconds of
   * real lateness would otherwise turn into tenths of simulated seconds in every call duration.
   */
  private double currentDue = Double.NaN;

  /** Schedules {@code h} after {@code simSeconds} simulated seconds; returns the timer id. */
  public long after(double simSeconds, Handler<Long> h) {
    double due = elapsed() + Math.max(0, simSeconds);
    long ms = Math.max(1L, Math.round((due - realElapsed()) * 1000.0 / speed));
    return vertx.setTimer(ms, id -> {
      double saved = currentDue;
      currentDue = due;
      try {
        h.handle(id);
      } finally {
        currentDue = saved;
      }
    });
  }

  public void cancel(long timerId) {
    vertx.cancelTimer(timerId);
  }

  /** Simulated seconds since start (the due time of the running timer, inside a timer callback). */
  public double elapsed() {
    return Double.isNaN(currentDue) ? realElapsed() : currentDue;
  }

  private double realElapsed() {
    return (System.nanoTime() - startNanos) / 1e9 * speed;
  }

  /** Simulated epoch milliseconds. */
  public long nowMillis() {
    return startEpochMillis + Math.round(elapsed() * 1000.0);
  }

  /** Real seconds corresponding to a simulated duration. */
  public double realSeconds(double simSeconds) {
    return simSeconds / speed;
  }
}
