package io.huifang.telephony;

import java.util.Arrays;

/** Keeps the last N latency samples (microseconds) for percentiles; single-context use. */
public final class LatencyRecorder {
  private final long[] samples;
  private int next;
  private long count;

  public LatencyRecorder(int capacity) {
    this.samples = new long[capacity];
  }

  public synchronized void record(long micros) {
    samples[next] = micros;
    next = (next + 1) % samples.length;
    count++;
  }

  public synchronized long count() {
    return count;
  }

  public synchronized void reset() {
    next = 0;
    count = 0;
  }

  /** The p-th percentile (0–100) of the kept samples, or -1 when there are none. */
  public synchronized long percentile(double p) {
    int n = (int) Math.min(count, samples.length);
    if (n == 0) {
      return -1;
    }
    long[] copy = Arrays.copyOf(samples, n);
    Arrays.sort(copy);
    int idx = (int) Math.ceil(p / 100.0 * n) - 1;
    return copy[Math.max(0, Math.min(n - 1, idx))];
  }
}
