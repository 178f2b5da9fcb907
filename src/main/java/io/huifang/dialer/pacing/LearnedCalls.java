package io.huifang.dialer.pacing;

/**
 * What the campaign's own calls have taught the pacer: the share of dials a person answers (and a machine), how long
 * lines ring before an answer, how long agents talk and wrap up. Recent calls only, so it follows the day.
 */
public final class LearnedCalls {
  /** Dial outcomes kept for the answer rate: long enough to be steady, short enough to follow the hour. */
  static final int OUTCOME_WINDOW = 400;
  /** A short window that notices quickly when customers start answering more. */
  static final int RECENT_WINDOW = 60;
  /** Live answers and talk samples before the pacer trusts what it learned fully. */
  static final int ANSWERS_TO_TRUST = 40;
  static final int TALKS_TO_TRUST = 20;

  private static final byte NONE = 0;
  private static final byte HUMAN = 1;
  private static final byte MACHINE = 2;

  private final byte[] outcomes = new byte[OUTCOME_WINDOW];
  private int outcomeCount;
  private int outcomeNext;
  private int humans;
  private int machines;
  private long liveAnswersSeen;

  /** Dials of the last {@link #FRESH_MILLIS} that ended: when they were placed and whether a person answered. */
  static final long FRESH_MILLIS = 40_000;
  private final java.util.ArrayDeque<long[]> freshEnded = new java.util.ArrayDeque<>();

  final EmpiricalDistribution ringToAnswer = new EmpiricalDistribution(300, 250, 60_000);
  final EmpiricalDistribution talk = new EmpiricalDistribution(500, 1000, 3_600_000);
  final EmpiricalDistribution wrapUp = new EmpiricalDistribution(200, 500, 600_000);
  /** While the campaign is young, talk time with the calls still going counted (finished calls are the short ones). */
  private final TalkSinceStart talkSinceStart = new TalkSinceStart(talk.stepMillis(), talk.gridSize(),
      talk.capacity());

  /** A line ended ringing; ringMillis counts only for answered lines (ring-to-answer). */
  public void dialEnded(boolean human, boolean machine, long ringMillis) {
    byte o = human ? HUMAN : machine ? MACHINE : NONE;
    if (outcomeCount == OUTCOME_WINDOW) {
      forget(outcomes[outcomeNext]);
    } else {
      outcomeCount++;
    }
    outcomes[outcomeNext] = o;
    outcomeNext = (outcomeNext + 1) % OUTCOME_WINDOW;
    if (o == HUMAN) {
      humans++;
      liveAnswersSeen++;
    } else if (o == MACHINE) {
      machines++;
    }
    if (human || machine) {
      ringToAnswer.add(ringMillis);
    }
  }

  private void forget(byte o) {
    if (o == HUMAN) {
      humans--;
    } else if (o == MACHINE) {
      machines--;
    }
  }

  /** Remembers a dial that ended now, for the fresh estimate. */
  void freshDialEnded(boolean human, long ringMillis, long now) {
    freshEnded.addLast(new long[] {now - ringMillis, human ? 1 : 0});
    forgetStale(now);
  }

  private void forgetStale(long now) {
    while (!freshEnded.isEmpty() && freshEnded.peekFirst()[0] < now - FRESH_MILLIS) {
      freshEnded.pollFirst();
    }
  }

  /**
   * The live-answer rate of the dials placed in the last 40 s, counting those still ringing by how much of their
   * chance to answer has passed: persons answered / Σ P(ring-to-answer ≤ age). It sees customers start answering
   * more within seconds, before those lines end. {@code ringingSince} are the origination times of lines ringing now.
   * Returns 0 when there is too little exposure to tell.
   */
  double freshLiveAnswerRate(long now, long[] ringingSince, int ringing) {
    forgetStale(now);
    double exposure = 0;
    int answered = 0;
    for (long[] d : freshEnded) {
      exposure += ringCdf(now - d[0]);
      answered += (int) d[1];
    }
    for (int i = 0; i < ringing; i++) {
      if (ringingSince[i] >= now - FRESH_MILLIS) {
        exposure += ringCdf(now - ringingSince[i]);
      }
    }
    freshExposure = exposure;
    if (exposure < FRESH_MIN_EXPOSURE || ringToAnswer.size() == 0) {
      return 0;
    }
    return answered / exposure;
  }

  /** The exposure behind the last fresh estimate: its standard error is about sqrt(p(1 − p) / exposure). */
  double freshExposure() {
    return freshExposure;
  }

  private double freshExposure;

  static final double FRESH_MIN_EXPOSURE = 10;

  /** A call finished at {@code now} after {@code millis} of talk. */
  public void talked(long millis, long now) {
    talk.add(millis);
    talkSinceStart.finished(millis, now);
  }

  /** Whether the pacer should tell {@link #talkingNow} how long agents have talked: only while the campaign is young. */
  boolean wantsTalkingNow() {
    return talkSinceStart.active();
  }

  /** Before a decision while the campaign is young: how long each agent talking now has talked so far. */
  void talkingNow(long now, long[] talkedMillis, int n) {
    talkSinceStart.talkingNow(now, talkedMillis, n);
  }

  public void wrappedUp(long millis) {
    wrapUp.add(millis);
  }

  /**
   * The share of dials a person answers, on the high side: more answers than expected is what abandons customers,
   * so the pacer plans with the long window's estimate plus one standard error, or the recent window's if higher.
   * With no data it assumes everyone answers, which makes it dial like progressive.
   */
  public double liveAnswerRateHigh() {
    if (outcomeCount == 0) {
      return 1.0;
    }
    double p = (double) humans / outcomeCount;
    double high = p + Math.sqrt(Math.max(p * (1 - p), 0.25 / outcomeCount) / outcomeCount);
    double recent = recentLiveAnswerRate();
    return Math.min(1.0, Math.max(high, recent));
  }

  public double liveAnswerRate() {
    return outcomeCount == 0 ? 0 : (double) humans / outcomeCount;
  }

  public double machineRate() {
    return outcomeCount == 0 ? 0 : (double) machines / outcomeCount;
  }

  private double recentLiveAnswerRate() {
    int n = Math.min(RECENT_WINDOW, outcomeCount);
    if (n < RECENT_WINDOW / 2) {
      return 0;
    }
    int h = 0;
    for (int k = 1; k <= n; k++) {
      if (outcomes[Math.floorMod(outcomeNext - k, OUTCOME_WINDOW)] == HUMAN) {
        h++;
      }
    }
    return (double) h / n;
  }

  /**
   * P(ring-to-answer <= millis) among answered lines. Before any answer it is 1: a line may answer at once, which is
   * the cautious assumption.
   */
  double ringCdf(double millis) {
    return ringToAnswer.size() == 0 ? 1.0 : ringToAnswer.cdf(millis);
  }

  /** P(talk <= millis); 0 before any call (no agent is expected to come free). */
  double talkCdf(double millis) {
    if (talk.size() > 0 && talkSinceStart.usable()) {
      return talk.interpolate(talkSinceStart.cdf(), millis);
    }
    return talk.cdf(millis);
  }

  double wrapCdf(double millis) {
    return wrapUp.cdf(millis);
  }

  /** Mean wrap-up; before any sample a long one (cautious: agents come back late). */
  double wrapMeanMillis() {
    return wrapUp.size() == 0 ? 60_000 : wrapUp.mean();
  }

  public long liveAnswersSeen() {
    return liveAnswersSeen;
  }

  /** 0 with no data, 1 once there are enough live answers and finished calls to trust the model. */
  public double confidence() {
    double a = Math.min(1.0, (double) liveAnswersSeen / ANSWERS_TO_TRUST);
    double t = Math.min(1.0, (double) talk.count() / TALKS_TO_TRUST);
    return a * t;
  }
}
