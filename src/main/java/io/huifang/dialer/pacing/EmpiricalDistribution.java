package io.huifang.dialer.pacing;

import java.util.Arrays;

/**
 * The last {@code capacity} observed durations, as a cumulative distribution tabulated on a fixed grid so that the
 * pacer can ask it hundreds of times per decision cheaply. Old samples fall out, so it follows a campaign whose
 * customers change during the day.
 */
final class EmpiricalDistribution {
  private final long[] ring;
  private int size;
  private int next;
  private long count;
  private final long stepMillis;
  private final double[] cdf;
  private boolean dirty = true;
  private double mean;

  EmpiricalDistribution(int capacity, long stepMillis, long maxMillis) {
    this.ring = new long[capacity];
    this.stepMillis = stepMillis;
    this.cdf = new double[(int) (maxMillis / stepMillis) + 2];
  }

  void add(long millis) {
    ring[next] = Math.max(0, millis);
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
    count++;
    dirty = true;
  }

  /** Samples seen since the start (not only those kept). */
  long count() {
    return count;
  }

  int size() {
    return size;
  }

  double mean() {
    rebuild();
    return mean;
  }

  /** P(X <= millis), linear between grid points; 0 with no samples. */
  double cdf(double millis) {
    if (size == 0) {
      return 0;
    }
    rebuild();
    return interpolate(cdf, millis);
  }

  /** A table of {@link #gridSize()} points on this distribution's grid, read like its own CDF. */
  double interpolate(double[] table, double millis) {
    if (millis <= 0) {
      return table[0];
    }
    double x = millis / stepMillis;
    int i = (int) x;
    if (i >= table.length - 1) {
      return table[table.length - 1];
    }
    double f = x - i;
    return table[i] + f * (table[i + 1] - table[i]);
  }

  int capacity() {
    return ring.length;
  }

  int gridSize() {
    return cdf.length;
  }

  long stepMillis() {
    return stepMillis;
  }

  private void rebuild() {
    if (!dirty) {
      return;
    }
    long[] sorted = Arrays.copyOf(ring, size);
    Arrays.sort(sorted);
    long sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    mean = size == 0 ? 0 : (double) sum / size;
    int j = 0;
    for (int i = 0; i < cdf.length; i++) {
      long x = i * stepMillis;
      while (j < size && sorted[j] <= x) {
        j++;
      }
      cdf[i] = size == 0 ? 0 : (double) j / size;
    }
    // beyond the grid everything has happened
    cdf[cdf.length - 1] = size == 0 ? 0 : 1.0;
    dirty = false;
  }
}
