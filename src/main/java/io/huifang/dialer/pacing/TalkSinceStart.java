package io.huifang.dialer.pacing;

import java.util.Arrays;

/**
 * Talk time as it should be believed while a campaign is young.
 *
 * <p>In the first minutes the only calls that have finished are the short ones: a campaign 60 s old has finished
 * no call longer than 60 s. A distribution of finished calls then says agents come free far sooner than they do,
 * and the pacer dials for agents who are still talking (with 100 agents, 8 abandons in the second minute of a
 * simulated campaign). Here every call since the pacer began counts: a finished one with its talk time, one still
 * going as lasting at least as long as it has so far (a censored observation), and the distribution is the
 * Kaplan–Meier estimate over both, cut where fewer than {@link #MIN_AT_RISK} calls were still at risk: with only a
 * few calls known to have lasted that long, the estimate there is noise, and its usual failure is to say that every
 * call ends by the longest one finished so far (with 2 calls finished, "all calls end by 50 s"; the pacer then dials
 * for 90 agents who are still talking). Past the cut it stays flat, so agents who have talked longer are not expected
 * to come free: the cautious error. Once even the oldest call in the pacer's window of recent finished calls finished
 * later after the start than nearly any call lasts, that window is a fair sample again, and this retires for good:
 * the pacer goes back to it, as it follows the day.
 */
final class TalkSinceStart {
  /** Talk times longer than this share of calls are "nearly every call's length". */
  static final double NEARLY_NONE_LONGER = 0.002;
  /** Fewer calls at risk than this and the estimate stops: beyond, it knows too little to say calls end. */
  static final int MIN_AT_RISK = 10;
  /** Rebuild no more often than this unless a call finished: the censored times grow slowly. */
  static final long REBUILD_MILLIS = 500;
  /** Beyond this many finished calls the start is long past, whatever the estimates say. */
  static final int MAX_FINISHED = 50_000;

  private final long stepMillis;
  private final double[] cdf;
  /** When the calls of the pacer's window of recent finished calls finished (a ring as long as the window). */
  private final long[] finishedAt;
  private int finishedAtNext;
  private long firstTalkBegan = Long.MAX_VALUE;
  private long[] finished = new long[256];
  private int finishedCount;
  private long[] talking = new long[64];
  private boolean retired;
  private boolean built;
  private boolean changed;
  private long builtAt = Long.MIN_VALUE;

  /**
   * @param windowCalls how many recent finished calls the pacer's own distribution keeps: this retires once none of
   *     them can have been cut short by the start
   */
  TalkSinceStart(long stepMillis, int gridSize, int windowCalls) {
    this.stepMillis = stepMillis;
    this.cdf = new double[gridSize];
    this.finishedAt = new long[windowCalls];
    Arrays.fill(finishedAt, Long.MIN_VALUE);
  }

  boolean active() {
    return !retired;
  }

  /** Whether {@link #cdf()} holds an estimate to use instead of the finished calls' distribution. */
  boolean usable() {
    return !retired && built;
  }

  double[] cdf() {
    return cdf;
  }

  /** A call finished now after this much talk. */
  void finished(long millis, long now) {
    if (retired) {
      return;
    }
    finishedAt[finishedAtNext] = now;
    finishedAtNext = (finishedAtNext + 1) % finishedAt.length;
    firstTalkBegan = Math.min(firstTalkBegan, now - millis);
    if (finishedCount == MAX_FINISHED) {
      retire();
      return;
    }
    long v = Math.max(0, millis);
    int at = Arrays.binarySearch(finished, 0, finishedCount, v);
    at = at < 0 ? -at - 1 : at;
    if (finishedCount == finished.length) {
      finished = Arrays.copyOf(finished, finished.length * 2);
    }
    System.arraycopy(finished, at, finished, at + 1, finishedCount - at);
    finished[at] = v;
    finishedCount++;
    changed = true;
  }

  /**
   * Before a decision: how long each agent talking now has talked. Rebuilds the estimate when a call finished since
   * the last one or time has moved on, and retires once the start can no longer bias the pacer's window.
   */
  void talkingNow(long now, long[] talkedMillis, int n) {
    if (retired || (built && !changed && now - builtAt < REBUILD_MILLIS)) {
      return;
    }
    if (talking.length < n) {
      talking = new long[Math.max(n, 2 * talking.length)];
    }
    System.arraycopy(talkedMillis, 0, talking, 0, n);
    Arrays.sort(talking, 0, n);
    if (n > 0) {
      firstTalkBegan = Math.min(firstTalkBegan, now - talking[n - 1]);
    }
    long known = build(n);
    built = true;
    changed = false;
    builtAt = now;
    // The window's oldest call finished this long after the first call began: had any call lasted longer than
    // nearly every call does (as far as this estimate can tell), it would not have been cut short by the start.
    long oldestInWindow = finishedAt[finishedAtNext];
    if (oldestInWindow != Long.MIN_VALUE && oldestInWindow - firstTalkBegan >= known) {
      retire();
    }
  }

  /**
   * Kaplan–Meier on the grid: S(x) = Π over finish times t ≤ x of (1 − finished at t / still talking at t). Returns
   * the talk time beyond which it cannot tell (too few at risk) or nearly no call lasts.
   */
  private long build(int censored) {
    double survival = 1;
    boolean stopped = false;
    long known = -1;
    int i = 0;
    int j = 0;
    for (int g = 0; g < cdf.length - 1; g++) {
      long x = g * stepMillis;
      while (i < finishedCount && finished[i] <= x) {
        long t = finished[i];
        int first = i;
        while (i < finishedCount && finished[i] == t) {
          i++;
        }
        while (j < censored && talking[j] < t) {
          j++;
        }
        int atRisk = (finishedCount - first) + (censored - j);
        // fewer at risk at every later time too: the estimate stops here
        stopped |= atRisk < MIN_AT_RISK;
        if (!stopped) {
          survival *= 1 - (double) (i - first) / atRisk;
        }
      }
      cdf[g] = 1 - survival;
      if (known < 0 && (stopped || survival < NEARLY_NONE_LONGER)) {
        known = x;
      }
    }
    // beyond the grid everything has happened, as in the finished calls' distribution
    cdf[cdf.length - 1] = 1;
    return known < 0 ? (cdf.length - 1) * stepMillis : known;
  }

  private void retire() {
    retired = true;
    finished = null;
    talking = null;
  }
}
