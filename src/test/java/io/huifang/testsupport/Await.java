package io.huifang.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way the tests wait for something to happen: poll a value until it is what we wait for, or fail after a
 * timeout with a message naming what was awaited and the last value seen.
 *
 * <pre>{@code
 * String state = Await.atMost(Duration.ofSeconds(10))
 *     .until("the agent's line in wrap-up", () -> line.json().getString("state"), "wrap_up"::equals);
 * Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(200)).until("three AGI sessions", () -> seen.size() >= 3);
 * }</pre>
 *
 * <p>Exceptions thrown while polling are not swallowed: a value that cannot be read is a failure, not a "not yet".
 * Call it from a test thread, never from an event loop.
 */
public final class Await {
  /** How often the value is read unless {@link #every} says otherwise. */
  public static final Duration DEFAULT_POLL = Duration.ofMillis(50);

  private final Duration timeout;
  private final Duration poll;

  private Await(Duration timeout, Duration poll) {
    this.timeout = timeout;
    this.poll = poll;
  }

  /** Waits at most {@code timeout}. */
  public static Await atMost(Duration timeout) {
    return new Await(timeout, DEFAULT_POLL);
  }

  /** Reads the value every {@code interval} (e.g. to spare a busy server an HTTP request each 50 ms). */
  public Await every(Duration interval) {
    return new Await(timeout, interval);
  }

  /**
   * Reads {@code value} until {@code done} accepts it and returns that value; after the timeout, fails with
   * {@code what} and the last value read.
   */
  public <T> T until(String what, Supplier<T> value, Predicate<? super T> done) {
    return until(() -> what, value, done);
  }

  /** Like {@link #until(String, Supplier, Predicate)}; {@code what} is only built on failure (it may query). */
  public <T> T until(Supplier<String> what, Supplier<T> value, Predicate<? super T> done) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    int reads = 0;
    while (true) {
      T last = value.get();
      reads++;
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + millis(System.nanoTime() - start) + " ms waiting for "
            + what.get() + "; last value seen (read " + reads + " times): " + last);
      }
      sleep();
    }
  }

  /** Waits until {@code condition} holds; after the timeout, fails with {@code what}. */
  public void until(String what, BooleanSupplier condition) {
    until(() -> what, condition::getAsBoolean, Boolean.TRUE::equals);
  }

  private void sleep() {
    try {
      Thread.sleep(Math.max(1, poll.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
