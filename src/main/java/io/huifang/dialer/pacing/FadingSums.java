package io.huifang.dialer.pacing;

/**
 * A few sums that forget exponentially with one time constant and one clock: recent events weigh more, and memory
 * does not grow with traffic. Times must not go backwards by much; an earlier time is read as the latest one.
 */
final class FadingSums {
  private final double timeConstantMillis;
  private final double[] sums;
  private long at = Long.MIN_VALUE;

  FadingSums(long timeConstantMillis, int count) {
    this.timeConstantMillis = timeConstantMillis;
    this.sums = new double[count];
  }

  void add(long now, int which, double x) {
    fadeTo(now);
    sums[which] += x;
  }

  double get(long now, int which) {
    fadeTo(now);
    return sums[which];
  }

  private void fadeTo(long now) {
    if (at != Long.MIN_VALUE && now > at) {
      double f = Math.exp(-(now - at) / timeConstantMillis);
      for (int i = 0; i < sums.length; i++) {
        sums[i] *= f;
      }
    }
    at = Math.max(now, at);
  }
}
