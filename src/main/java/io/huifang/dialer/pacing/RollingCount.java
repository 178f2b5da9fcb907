package io.huifang.dialer.pacing;

/**
 * Live answers and abandons over a sliding window, kept in time buckets so memory does not grow with traffic.
 * The window is exact to one bucket.
 */
final class RollingCount {
  private final long bucketMillis;
  private final long[] bucketIndex;
  private final long[] answered;
  private final long[] abandoned;

  RollingCount(long windowMillis, long bucketMillis) {
    this.bucketMillis = bucketMillis;
    int n = (int) (windowMillis / bucketMillis);
    bucketIndex = new long[n];
    java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
    answered = new long[n];
    abandoned = new long[n];
  }

  void add(long now, long liveAnswers, long abandons) {
    long idx = Math.floorDiv(now, bucketMillis);
    int slot = (int) Math.floorMod(idx, (long) bucketIndex.length);
    if (bucketIndex[slot] != idx) {
      bucketIndex[slot] = idx;
      answered[slot] = 0;
      abandoned[slot] = 0;
    }
    answered[slot] += liveAnswers;
    abandoned[slot] += abandons;
  }

  /** {liveAnswers, abandons} over the last windowMillis (at most the whole window) ending now. */
  long[] sum(long now, long windowMillis) {
    long idx = Math.floorDiv(now, bucketMillis);
    long oldest = idx - Math.min(bucketIndex.length, Math.max(1, windowMillis / bucketMillis)) + 1;
    long a = 0;
    long d = 0;
    for (int i = 0; i < bucketIndex.length; i++) {
      if (bucketIndex[i] >= oldest && bucketIndex[i] <= idx) {
        a += answered[i];
        d += abandoned[i];
      }
    }
    return new long[] {a, d};
  }

  long windowMillis() {
    return bucketMillis * bucketIndex.length;
  }
}
