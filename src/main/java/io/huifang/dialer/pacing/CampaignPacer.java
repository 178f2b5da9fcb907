package io.huifang.dialer.pacing;

import io.huifang.dialer.call.AttemptOutcome;

/**
 * The pacer of one campaign, the same class in the server and in the simulator.
 *
 * <p>Predictive mode is a look-ahead controller. For moments τ over the next 22 s it adds up, from what the campaign
 * has learned, the customers expected to answer by τ (each ringing line: the chance it answers by τ given it has
 * rung so long; each new line: the live-answer rate times the ring-to-answer distribution) and the agents expected
 * to be free by τ + 2 s (free now, plus each busy agent's chance to finish talk-time and wrap-up by then, given how
 * long they have talked). Answers beyond agents are abandons; with a normal approximation of both sums it computes
 * the expected overflow, and dials the most lines that keep expected overflow / expected answers under an allowed
 * risk. The allowed risk is a set-point below the target, calibrated by a gain that follows the realized rate, and
 * scaled down as the rolling hour's abandon budget (projected a few minutes ahead) runs out: the pacer backs off to
 * progressive as the hour's rate nears the target.
 */
public final class CampaignPacer implements Pacer {
  /** Moments ahead at which answers are compared with agents; covers the 6–20 s customers ring before answering. */
  static final long[] LOOK_AHEAD_MILLIS = {1000, 3000, 5000, 7000, 9000, 11000, 13000, 16000, 19000, 22000};
  static final long SAFE_HARBOR_MILLIS = 2000;
  /** The pacer aims this share of its target, keeping the rest for bad luck within the hour. */
  static final double SET_POINT = 0.55;
  /** How far ahead the hour's budget must still hold. */
  static final long BUDGET_LOOK_AHEAD_MILLIS = 5 * 60_000;
  /** Abandons on their way from lines ringing now are an estimate; count them twice to be safe. */
  static final double COMMITTED_WEIGHT = 2.0;
  /**
   * Abandons kept back for bad luck beyond what the lines ringing now are expected to cause. A count, not a share:
   * chance moves the hour's count by about its square root, which matters most to small teams.
   */
  /**
   * Abandons kept back per square root of the answers expected from lines ringing now: the more lines are out, the
   * more a surprise in the answer rate (a shift in the day, bad luck) can cost before the pacer sees it.
   */
  static final double EXPOSURE_WEIGHT = 1.0;
  static final double RESERVE_ABANDONS = 2.0;
  /**
   * Below this share of the hour's budget left, the pacer backs off in proportion. It must sit above the set-point
   * (1 − SET_POINT of the budget is left there) so that the back-off is a safety net the gain does not fight. Half
   * the budget, not a quarter: a back-off that starts early and gently keeps agents busier than dialling hard until
   * the budget is nearly gone and then falling back to progressive (measured: 10 agents, p = 30 %, busy share
   * 75.3 % → 77.6 % with fewer abandons, and the shifting day of 25 agents back under 3 % in every hour).
   */
  static final double FULL_BUDGET_SHARE = 0.5;
  /** How often the gain compares the last half hour's realized rate with the set-point, and by how much it moves. */
  static final long GAIN_PERIOD_MILLIS = 60_000;
  static final long GAIN_WINDOW_MILLIS = 30 * 60_000;
  static final double GAIN_STEP = 0.1;
  static final double GAIN_MIN = 0.3;
  static final double GAIN_MAX = 4.0;
  /** Fewer expected free agents than this (none free, none about to be) means there is no one to dial for. */
  static final double NO_ONE_SOON_FREE = 0.05;
  /** How many standard errors above the learned rate the fresh one must be to be believed. */
  static final double FRESH_SIGNIFICANCE = 1.0;

  private volatile PacingSettings settings;
  private final OriginateThrottle throttle;
  private double gain = 1.0;
  private long lastGainUpdate = Long.MIN_VALUE;
  private final LearnedCalls learned = new LearnedCalls();
  private final AbandonStats stats = new AbandonStats();

  // the look-ahead of the current decision, reused to spare the garbage collector
  private final int horizons = LOOK_AHEAD_MILLIS.length;
  private final double[] knownMean = new double[horizons];
  private final double[] knownVar = new double[horizons];
  private final double[] newLineAnswers = new double[horizons];
  private double knownAnswers;
  /** Abandons expected from the lines ringing now, whatever is dialled next. */
  private double committed;
  /** Answers expected from the lines ringing now. */
  private double inFlightAnswers;
  private double soonFree;
  private long[] ringingScratch = new long[64];

  public CampaignPacer(PacingSettings settings, OriginateThrottle throttle) {
    this.settings = settings;
    this.throttle = throttle;
  }

  public PacingSettings settings() {
    return settings;
  }

  /** A supervisor changed the mode or the target: takes effect at the next decision. */
  public void settings(PacingSettings s) {
    this.settings = s;
  }

  public AbandonStats abandonStats() {
    return stats;
  }

  public LearnedCalls learned() {
    return learned;
  }

  @Override
  public String name() {
    return settings.mode().name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public int linesToDial(PacerView view, long now) {
    int wanted = switch (settings.mode()) {
      case PREVIEW -> 0;
      case PROGRESSIVE -> progressiveLines(view);
      case PREDICTIVE -> predictiveLines(view, now);
    };
    return withinCaps(view, wanted, now);
  }

  /** One line per free agent not yet covered by a ringing line or a waiting customer. */
  static int progressiveLines(PacerView view) {
    return Math.max(0, view.freeAgents() - view.ringingLines() - view.answeredWaiting());
  }

  private int predictiveLines(PacerView view, long now) {
    int progressive = progressiveLines(view);
    lookAhead(view, now);
    committed = overflow(0);
    inFlightAnswers = knownAnswers - view.answeredWaiting();
    updateGain(now);
    double allowed = allowedRisk(now);
    if (view.freeAgents() == 0 && soonFree < NO_ONE_SOON_FREE) {
      return 0;
    }
    if (allowed <= 0 || risk(0) > allowed) {
      return progressive;
    }
    int lo = 0;
    int hi = Math.max(0, lineCap(view));
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (risk(mid) <= allowed) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return Math.max(progressive, lo);
  }

  /**
   * The share of answers expected to find no agent if n more lines are dialled now: the worst moment's expected
   * overflow over the answers expected within the look-ahead.
   */
  double risk(int n) {
    double worst = 0;
    for (int k = 0; k < horizons; k++) {
      double c = newLineAnswers[k];
      double overflow = expectedPositive(knownMean[k] + n * c, knownVar[k] + n * c * (1 - c));
      worst = Math.max(worst, overflow);
    }
    double answers = knownAnswers + n * newLineAnswers[horizons - 1];
    return worst / Math.max(1.0, answers);
  }

  /** Expected answers beyond agents at the worst moment ahead with n new lines. */
  private double overflow(int n) {
    double worst = 0;
    for (int k = 0; k < horizons; k++) {
      double c = newLineAnswers[k];
      worst = Math.max(worst, expectedPositive(knownMean[k] + n * c, knownVar[k] + n * c * (1 - c)));
    }
    return worst;
  }

  /**
   * The live-answer rate to plan with: the learned high estimate, or the fresh one of the last 40 s of dials when
   * that is clearly higher (customers started answering more, e.g. the evening).
   */
  private double plannedLiveAnswerRate(PacerView view, long now) {
    double high = learned.liveAnswerRateHigh();
    int n = view.ringingLines();
    if (ringingScratch.length < n) {
      ringingScratch = new long[Math.max(n, 2 * ringingScratch.length)];
    }
    for (int j = 0; j < n; j++) {
      ringingScratch[j] = view.ringingSince(j);
    }
    double fresh = learned.freshLiveAnswerRate(now, ringingScratch, n);
    double exposureSe = Math.sqrt(Math.max(high * (1 - high), 0.01) / Math.max(1, learned.freshExposure()));
    return fresh > high + FRESH_SIGNIFICANCE * exposureSe ? Math.min(1, fresh) : high;
  }

  /** Fills the look-ahead: answers minus agents at each moment, from lines already ringing and agents now. */
  private void lookAhead(PacerView view, long now) {
    double p = plannedLiveAnswerRate(view, now);
    double answerRate = Math.min(1.0, p + learned.machineRate());
    int waiting = view.answeredWaiting();
    int free = view.freeAgents();
    for (int k = 0; k < horizons; k++) {
      knownMean[k] = waiting - free;
      knownVar[k] = 0;
      newLineAnswers[k] = p * learned.ringCdf(LOOK_AHEAD_MILLIS[k]);
    }
    knownAnswers = waiting;
    addRingingLines(view, now, p, answerRate);
    soonFree = free;
    addBusyAgents(view, now);
  }

  private void addRingingLines(PacerView view, long now, double p, double answerRate) {
    for (int j = 0, n = view.ringingLines(); j < n; j++) {
      long rang = Math.max(0, now - view.ringingSince(j));
      double answeredBefore = learned.ringCdf(rang);
      double stillRinging = 1 - answerRate * answeredBefore;
      if (stillRinging <= 1e-9) {
        continue;
      }
      for (int k = 0; k < horizons; k++) {
        double a = p * (learned.ringCdf(rang + LOOK_AHEAD_MILLIS[k]) - answeredBefore) / stillRinging;
        a = Math.min(1, Math.max(0, a));
        knownMean[k] += a;
        knownVar[k] += a * (1 - a);
        if (k == horizons - 1) {
          knownAnswers += a;
        }
      }
    }
  }

  private void addBusyAgents(PacerView view, long now) {
    double wrapMean = learned.wrapMeanMillis();
    for (int i = 0, n = view.loggedInAgents(); i < n; i++) {
      PacerView.Activity activity = view.activity(i);
      if (activity == PacerView.Activity.FREE) {
        continue;
      }
      long elapsed = Math.max(0, now - view.activitySince(i));
      for (int k = 0; k < horizons; k++) {
        long until = LOOK_AHEAD_MILLIS[k] + SAFE_HARBOR_MILLIS;
        double q = activity == PacerView.Activity.TALKING
            ? freeAfterTalkBy(elapsed, until, wrapMean)
            : freeAfterWrapUpBy(elapsed, until);
        knownMean[k] -= q;
        knownVar[k] += q * (1 - q);
        if (k == horizons - 1) {
          soonFree += q;
        }
      }
    }
  }

  /** P(an agent who has talked {@code talked} ms is free within {@code within} ms: rest of the talk + wrap-up). */
  private double freeAfterTalkBy(long talked, long within, double wrapMean) {
    double talkLeftAllowed = within - wrapMean;
    if (talkLeftAllowed <= 0) {
      return 0;
    }
    double before = learned.talkCdf(talked);
    double surviving = 1 - before;
    if (surviving <= 1e-9) {
      return 0;
    }
    return Math.max(0, (learned.talkCdf(talked + talkLeftAllowed) - before) / surviving);
  }

  private double freeAfterWrapUpBy(long wrapped, long within) {
    double before = learned.wrapCdf(wrapped);
    double surviving = 1 - before;
    if (surviving <= 1e-9) {
      return 0;
    }
    return Math.max(0, Math.min(1, (learned.wrapCdf(wrapped + within) - before) / surviving));
  }

  /** E[max(X, 0)] for X normal with this mean and variance. */
  static double expectedPositive(double mean, double variance) {
    if (variance < 1e-12) {
      return Math.max(0, mean);
    }
    double sd = Math.sqrt(variance);
    double z = mean / sd;
    return mean * normalCdf(z) + sd * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }

  static double normalCdf(double z) {
    // Abramowitz & Stegun 7.1.26 through erf, error below 1.5e-7
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
        * t * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
  }

  /**
   * The expected-abandon share the pacer may accept now: its set-point, times a gain learned from the realized rate
   * (the model's risk is an estimate; the gain calibrates it), times how much of the rolling hour's budget is left,
   * times the confidence in what was learned (0 at the start: it then dials like progressive).
   */
  double allowedRisk(long now) {
    double target = settings.pacerTarget();
    if (target <= 0) {
      return 0;
    }
    return gain * SET_POINT * target * hourBudgetLeft(now, target) * learned.confidence();
  }

  /**
   * 1 while plenty of the rolling hour's abandon budget is left, falling to 0 when none is. The budget is the target
   * times the answers that will still be in the window {@link #BUDGET_LOOK_AHEAD_MILLIS} from now (so it holds for
   * the window now and then), less the hour's abandons, those already on their way from lines ringing now, and a
   * small reserve for bad luck.
   */
  double hourBudgetLeft(long now, double target) {
    // answers that will still be in the window then: the budget they allow holds for the window now and then
    AbandonStats.Figure staying = stats.lastMillis(now, AbandonStats.HOUR - BUDGET_LOOK_AHEAD_MILLIS);
    AbandonStats.Figure hour = stats.hour(now);
    double budget = target * staying.liveAnswered();
    double left = budget - hour.abandoned() - COMMITTED_WEIGHT * committed - RESERVE_ABANDONS
        - EXPOSURE_WEIGHT * Math.sqrt(inFlightAnswers);
    if (left <= 0) {
      return 0;
    }
    return Math.min(1, left / Math.max(1e-9, FULL_BUDGET_SHARE * budget));
  }

  /** Every minute, nudge the gain toward the set-point by the last half hour's realized rate; small steps, because a
   * few abandons more or less in half an hour are mostly chance. */
  private void updateGain(long now) {
    if (lastGainUpdate != Long.MIN_VALUE && now - lastGainUpdate < GAIN_PERIOD_MILLIS) {
      return;
    }
    lastGainUpdate = now;
    AbandonStats.Figure recent = stats.lastMillis(now, GAIN_WINDOW_MILLIS);
    double setPoint = SET_POINT * settings.pacerTarget();
    if (recent.liveAnswered() < 20 || setPoint <= 0 || learned.confidence() < 1) {
      return;
    }
    double error = Math.max(-2, Math.min(1, (setPoint - recent.rate()) / setPoint));
    if (error > 0 && hourBudgetLeft(now, settings.pacerTarget()) < 1) {
      // the hour's budget is what holds the pacer back now: raising the gain would only wind it up
      return;
    }
    gain = Math.max(GAIN_MIN, Math.min(GAIN_MAX, gain * Math.exp(GAIN_STEP * error)));
  }

  double gain() {
    return gain;
  }

  /** Ringing lines allowed by lines-per-agent, beyond those ringing and customers waiting. */
  private int lineCap(PacerView view) {
    int max = (int) Math.floor(settings.maxLinesPerAgent() * view.loggedInAgents());
    return max - view.ringingLines() - view.answeredWaiting();
  }

  private int withinCaps(PacerView view, int wanted, long now) {
    int n = Math.min(wanted, lineCap(view));
    if (settings.maxTrunkLines() != PacingSettings.UNLIMITED_TRUNK) {
      n = Math.min(n, settings.maxTrunkLines() - view.trunkLinesInUse());
    }
    if (n <= 0) {
      return 0;
    }
    return throttle.take(n, now);
  }

  @Override
  public void onOriginateResult(AttemptOutcome outcome, long ringMillis, long now) {
    boolean human = outcome == AttemptOutcome.ANSWERED_HUMAN || outcome == AttemptOutcome.ABANDONED;
    boolean machine = outcome == AttemptOutcome.ANSWERED_MACHINE;
    learned.dialEnded(human, machine, ringMillis);
    learned.freshDialEnded(human, ringMillis, now);
    if (human) {
      stats.liveAnswered(now);
    }
    if (outcome == AttemptOutcome.ABANDONED) {
      // a server that reports only the final outcome: the answer and the abandon at once
      stats.abandoned(now);
    }
  }

  @Override
  public void onAbandoned(long now) {
    stats.abandoned(now);
  }

  /** A call the answering-machine detection hung up on turned out to be a person: regulators count an abandon. */
  public void onMachineWasPerson(long now) {
    stats.liveAnswered(now);
    stats.abandoned(now);
  }

  @Override
  public void onHangup(long talkMillis, long now) {
    learned.talked(talkMillis);
  }

  @Override
  public void onAgentFree(long wrapMillis, long now) {
    learned.wrappedUp(wrapMillis);
  }
}
