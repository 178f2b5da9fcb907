package io.huifang.dialer.pacing;

import io.huifang.telephony.AttemptOutcome;

/**
 * The pacer of one campaign, the same class in the server and in the simulator.
 *
 * <p>Predictive mode is a look-ahead controller. For moments τ over the next 22 s it adds up, from what the campaign
 * has learned, the customers expected to answer by τ (each ringing line: the chance it answers by τ given it has
 * rung so long; each new line: the live-answer rate times the ring-to-answer distribution) and the agents expected
 * to be free by τ + 2 s (free now, plus each busy agent's chance to finish talk-time and wrap-up by then, given how
 * long they have talked). Answers beyond agents are abandons; with a normal approximation of both sums it computes
 * the expected overflow, and dials the most lines that keep expected overflow / expected answers under an allowed
 * risk.
 *
 * <p>The allowed risk comes from a plan in whole abandons: the highest abandon rate per answer that keeps every
 * rolling hour ending within the next hour under the target, counting the abandons already in those windows, those on
 * their way from lines ringing now, and a margin for bad luck (standard deviations of what is still to come). A
 * calibration learned from the realized abandons turns that rate into the model's risk. A steady rate keeps agents
 * busiest for a given number of abandons, so the plan spends the hour's budget evenly instead of dialling hard and
 * then falling back; after a burst it stays cautious for as long as the burst stays in the windows ahead.
 */
public final class CampaignPacer implements Pacer {
  /** Moments ahead at which answers are compared with agents; covers the 6–20 s customers ring before answering. */
  static final long[] LOOK_AHEAD_MILLIS = {1000, 3000, 5000, 7000, 9000, 11000, 13000, 16000, 19000, 22000};
  static final long SAFE_HARBOR_MILLIS = 2000;
  /** Ends of the rolling hours the plan keeps under the target, in minutes from now. */
  static final int[] WINDOW_ENDS_MINUTES = {0, 5, 10, 15, 20, 30, 40, 50, 60};
  /**
   * The plan's safety margins. Each keeps back part of the hour's abandon budget against one way the model can be
   * wrong; {@link #DEFAULT} is what the server dials with. A record so that tests can show each margin changes a
   * decision (the same state with it and with it zeroed) and the benchmark can tune them on its tuning seeds.
   *
   * @param budgetZ standard deviations of the abandons still to come that the plan keeps back. Abandons are nearly
   *     a Poisson count, so the margin grows with the square root of what is planned: a larger share of a small
   *     team's hour. 1.75 since session 16 (1.5 before): at 10 agents with AMD on, 2 of 180 held-out days went over
   *     (6001, 7005: 4 safe-harbor abandons and 2 AMD mistakes the pacer cannot see, on ~193 answers); with 1.75, none,
   *     and paired day by day the worst hour is lower on 106 days, higher on 68. It costs 10 agents 0.3–0.4 point of
   *     busy share and larger teams at most 0.2 (docs/pacing.md, "Small teams"). The plan's z of a campaign in a pool
   *     and of one with ring cut are their own ({@link #sharedBudgetZ}, {@link #ringCutBudgetZ})
   * @param budgetShareKept the share of each hour's budget kept back for errors of the calibration, which a large
   *     team's budget (dozens of abandons, a small relative margin) would otherwise overrun
   * @param reserveAbandons abandons always kept back: the last one of an hour is what breaks the target
   * @param answerPaceShare the plan counts the next hour's answers at this share of the last half hour's pace: a
   *     cautious pacer answers fewer customers, and fewer answers make the same abandons a larger share
   * @param surgeSeconds a jump in the answer rate is seen only after the lines dialled at the old rate answer: the
   *     plan keeps back the abandons of this many seconds of dialling had the rate jumped to
   *     {@code surgeAnswerRate}. It matters when few answer (many lines per agent) and costs little otherwise
   * @param surgeAnswerRate the share of dials answered after that jump, people and machines alike (45 % people and
   *     4 % machines, the simulator's customers at their best hour). What of it is live depends on the campaign: with
   *     AMD on the pacer learns its machines' share and they are hung up on; with AMD off they reach agents
   * @param surgeCountsBursts a decision places no more lines than a jump of the answer rate to
   *     {@code surgeAnswerRate} now could bear: the look-ahead is redone with every line still ringing and the
   *     decision's own answering at the jumped rate (free and soon-free agents counted as usual),
   *     and its expected overflow, with a Poisson margin, must stay within what the hours ahead have left before the
   *     target itself. The
   *     reserve above covers {@code surgeSeconds} at the recent (20 s) pace, but the pacer dials in bursts far above it
   *     (lines dialled together end unanswered together 25 s later, and the risk of the lines still ringing holds it
   *     back until they do). Without it, at 100 agents and 10 % answering, 133 lines went out in the 10 s after the
   *     rate jumped to 45 %, 61 of them in one second, against a reserve for about 50 (held-out day 3019, AMD on:
   *     51 abandons in a minute, the hour at 3.08 %). The stressed overflow keeps the plan's Poisson margin
   *     ({@code budgetZ}). On by default since session 14: 30 held-out days of every scenario, AMD on
   *     and off, hold the hour with it; of 30 days no run had seen, one goes over (4029, 100 agents, AMD off,
   *     shifting: 3.40 %; two others, over without the rule, hold). docs/pacing.md, BENCHMARKS.md
   * @param surgeDeficitZ the burst rule also holds the stressed deficit (answers beyond agents) this many standard
   *     deviations up within the room: many lines answering at once are a binomial count, wider than the Poisson
   *     margin of a small expected overflow ({@link #surgeBound}, day 4029). 1.5, the plan's z when it was chosen: 1.0
   *     did not bind on 4029, 1.5 and 2.0 held it and cost the tuning days at most 0.4 point (session 15). 0 leaves
   *     the Poisson margin alone
   * @param sharedBudgetZ the plan's z ({@link #budgetZ}'s place) for a campaign whose agents also take other
   *     campaigns' calls ({@link PacerView#agentsShared}): its budget is its own answers' but its abandons come from
   *     the pool's lines, in clumps a team of its own size would not make. 2.0 since session 17: the blended pool of
   *     2 × 10 went over on 2 of 180 held-out days with 1.75 (3020: 6 abandons in 8 s, 4 of them one campaign's,
   *     from 14 answers out of ~20 lines where 7 were expected) and on none with 2.0, at 0.2 point of busy share;
   *     the other pools of 10 per campaign pay up to 0.7, those of 25 nothing, and no pool lost a day of 3001–3030
   *     or 9001–9030 with it (docs/pacing.md, "Pools: their own z; ring cut its own")
   * @param ringCutBudgetZ the plan's z for a campaign that ends unanswered rings early
   *     ({@link PacingSettings#ringCut}) and shares no agents: the lines whose answer would find no agent are ended
   *     before they answer, which thins the tail the margin is for. 1.5 since session 17: at 10 agents 1.75 cost
   *     0.5–0.6 point against it, and with 1.5 none of 180 held-out days (3001–8030) went over, AMD on or off
   *     (docs/pacing.md, "Pools: their own z; ring cut its own")
   */
  public record Margins(double budgetZ, double budgetShareKept, double reserveAbandons, double answerPaceShare,
                        double surgeSeconds, double surgeAnswerRate, boolean surgeCountsBursts,
                        double surgeDeficitZ, double sharedBudgetZ, double ringCutBudgetZ) {
    public static final Margins DEFAULT = new Margins(1.75, 0.1, 1.0, 0.8, 10, 0.49, true, 1.5, 2.0, 1.5);

    public Margins {
      if (!(budgetZ >= 0 && budgetShareKept >= 0 && budgetShareKept < 1 && reserveAbandons >= 0
          && answerPaceShare > 0 && answerPaceShare <= 1 && surgeSeconds >= 0 && surgeAnswerRate >= 0
          && surgeAnswerRate <= 1 && surgeDeficitZ >= 0 && sharedBudgetZ >= 0 && ringCutBudgetZ >= 0)) {
        throw new IllegalArgumentException("pacing margins out of range: " + this);
      }
    }

    public Margins withSharedBudgetZ(double v) {
      return new Margins(budgetZ, budgetShareKept, reserveAbandons, answerPaceShare, surgeSeconds, surgeAnswerRate,
          surgeCountsBursts, surgeDeficitZ, v, ringCutBudgetZ);
    }

    public Margins withRingCutBudgetZ(double v) {
      return new Margins(budgetZ, budgetShareKept, reserveAbandons, answerPaceShare, surgeSeconds, surgeAnswerRate,
          surgeCountsBursts, surgeDeficitZ, sharedBudgetZ, v);
    }

    public Margins withBudgetZ(double v) {
      return new Margins(v, budgetShareKept, reserveAbandons, answerPaceShare, surgeSeconds, surgeAnswerRate,
          surgeCountsBursts, surgeDeficitZ, sharedBudgetZ, ringCutBudgetZ);
    }

    public Margins withBudgetShareKept(double v) {
      return new Margins(budgetZ, v, reserveAbandons, answerPaceShare, surgeSeconds, surgeAnswerRate,
          surgeCountsBursts, surgeDeficitZ, sharedBudgetZ, ringCutBudgetZ);
    }

    public Margins withReserveAbandons(double v) {
      return new Margins(budgetZ, budgetShareKept, v, answerPaceShare, surgeSeconds, surgeAnswerRate,
          surgeCountsBursts, surgeDeficitZ, sharedBudgetZ, ringCutBudgetZ);
    }

    public Margins withAnswerPaceShare(double v) {
      return new Margins(budgetZ, budgetShareKept, reserveAbandons, v, surgeSeconds, surgeAnswerRate,
          surgeCountsBursts, surgeDeficitZ, sharedBudgetZ, ringCutBudgetZ);
    }

    public Margins withSurgeSeconds(double v) {
      return new Margins(budgetZ, budgetShareKept, reserveAbandons, answerPaceShare, v, surgeAnswerRate,
          surgeCountsBursts, surgeDeficitZ, sharedBudgetZ, ringCutBudgetZ);
    }

    public Margins withSurgeDeficitZ(double v) {
      return new Margins(budgetZ, budgetShareKept, reserveAbandons, answerPaceShare, surgeSeconds, surgeAnswerRate,
          surgeCountsBursts, v, sharedBudgetZ, ringCutBudgetZ);
    }

    public Margins withSurgeCountsBursts(boolean on) {
      return new Margins(budgetZ, budgetShareKept, reserveAbandons, answerPaceShare, surgeSeconds, surgeAnswerRate,
          on, surgeDeficitZ, sharedBudgetZ, ringCutBudgetZ);
    }
  }

  static final long DIAL_PACE_MILLIS = 20_000;
  /** Below this many answers in the last hour (or twice the last half hour) there is nothing to plan with. */
  static final double MIN_ANSWERS_PER_HOUR = 10;
  /**
   * The calibration (realized abandons per abandon of allowed risk) starts from this value, worth
   * {@link #CALIBRATION_PRIOR_ABANDONS} abandons, and forgets with a time constant of two hours: the model's risk is
   * an estimate whose scale depends on the team and the customers (measured from about 0.7 to 6 over the grid).
   */
  static final double CALIBRATION_PRIOR = 2.0;
  static final double CALIBRATION_PRIOR_ABANDONS = 3.0;
  static final long CALIBRATION_MEMORY_MILLIS = 2 * 3_600_000L;
  /** Fewer expected free agents than this (none free, none about to be) means there is no one to dial for. */
  static final double NO_ONE_SOON_FREE = 0.05;
  /** How many standard errors above the learned rate the fresh one must be to be believed. */
  static final double FRESH_SIGNIFICANCE = 1.0;

  private volatile PacingSettings settings;
  private final OriginateThrottle throttle;
  private final Margins margins;
  /** For the calibration: the allowed risk in force at each live answer, and the abandons. */
  private final FadingSums calibrationSums = new FadingSums(CALIBRATION_MEMORY_MILLIS, 2);
  private static final int ALLOWED_AT_ANSWERS = 0;
  private static final int ABANDONS = 1;
  private double allowedNow;
  /** The plan's z for the current decision: {@link Margins#budgetZ} or its pool's or ring cut's ({@link #zFor}). */
  private double decisionZ;
  /** Why a decision dialled what it did: a code for pages to translate, and its English words. */
  public enum Reason {
    NO_DECISION("no decision yet"),
    PREVIEW("preview: agents dial"),
    PROGRESSIVE_NO_AGENT("progressive: no agent working"),
    PROGRESSIVE("progressive: one line per free agent"),
    PREDICTIVE_NO_AGENT("predictive: no agent working"),
    PREDICTIVE_NO_AGENT_SOON("predictive: no agent free soon"),
    PREDICTIVE_BUDGET_SPENT("predictive: abandon budget spent, dialling progressively"),
    PREDICTIVE_RINGING_RISK("predictive: lines ringing already risk the budget, dialling progressively"),
    PREDICTIVE("predictive: within the abandon budget");

    private final String words;

    Reason(String words) {
      this.words = words;
    }

    public String words() {
      return words;
    }

    /** For JSON: {@code predictive_budget_spent}. */
    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Why the last decision dialled what it did ({@link #reason()}). */
  private Reason reason = Reason.NO_DECISION;
  private boolean capped;
  private final FadingSums recentDials = new FadingSums(DIAL_PACE_MILLIS, 1);
  private final LearnedCalls learned = new LearnedCalls();
  private final AbandonStats stats;

  // the look-ahead of the current decision, reused to spare the garbage collector
  private final int horizons = LOOK_AHEAD_MILLIS.length;
  private final double[] knownMean = new double[horizons];
  private final double[] knownVar = new double[horizons];
  private final double[] newLineAnswers = new double[horizons];
  /** The look-ahead had the answer rate jumped ({@link #surgeStress}). */
  private final double[] surgeMean = new double[horizons];
  private final double[] surgeVar = new double[horizons];
  private final double[] surgeNewLine = new double[horizons];
  private double lastSurgeRoom = Double.POSITIVE_INFINITY;
  private double knownAnswers;
  /** Abandons expected from the lines ringing now, whatever is dialled next. */
  private double committed;
  /** The plan of the current decision: the rolling hours ahead ({@link #planWindows}) and its rate. */
  private final double[] windowRoom = new double[WINDOW_ENDS_MINUTES.length];
  private final double[] windowFuture = new double[WINDOW_ENDS_MINUTES.length];
  /** Each one's abandons left before the target itself, with no margin kept (for {@link #surgeStress}). */
  private final double[] windowLimit = new double[WINDOW_ENDS_MINUTES.length];
  private int windowsPlanned;
  private double soonFree;
  private long[] ringingScratch = new long[64];
  private long[] talkingScratch = new long[64];

  public CampaignPacer(PacingSettings settings, OriginateThrottle throttle) {
    this(settings, throttle, new AbandonStats());
  }

  /**
   * A pacer counting its answers and abandons into {@code campaignAbandons}, shared with the campaign's pacers on
   * other PBXes: the abandon target is the campaign's, so each plans with the campaign's hour (every PBX's answers
   * and abandons) and, planning abandons per answer, keeps its own share of the budget.
   */
  public CampaignPacer(PacingSettings settings, OriginateThrottle throttle, AbandonStats campaignAbandons) {
    this(settings, throttle, campaignAbandons, Margins.DEFAULT);
  }

  /** A pacer with other safety margins: for the tests and the benchmark's tuning; the server uses the default. */
  public CampaignPacer(PacingSettings settings, OriginateThrottle throttle, AbandonStats campaignAbandons,
                       Margins margins) {
    this.settings = settings;
    this.throttle = throttle;
    this.stats = campaignAbandons;
    this.margins = margins;
    this.decisionZ = margins.budgetZ();
  }

  public Margins margins() {
    return margins;
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

  /**
   * What the predictive plan stands at, for supervisors: the abandons per live answer it allows from now on (0 means
   * it dials like progressive until abandons leave the hour) and its calibration (realized abandons per abandon of
   * the model's risk).
   */
  public record Plan(double plannedAbandonRate, double calibration) {
  }

  public Plan plan(long now) {
    double target = settings.pacerTarget();
    return new Plan(target <= 0 ? 0 : plannedAbandonRate(now, target), calibration(now));
  }

  @Override
  public String name() {
    return settings.mode().name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Why the last decision dialled what it did, e.g. "predictive: within the abandon budget" or "progressive: one line
   * per free agent": what the supervisors' board shows beside the lines per agent.
   */
  public String reason() {
    return capped ? reason.words() + " (held back by the line cap or the originate throttle)" : reason.words();
  }

  /** The last decision's reason as a code. */
  public Reason reasonCode() {
    return reason;
  }

  /** The last decision placed fewer lines than it wanted: the line cap or the originate throttle held it back. */
  public boolean heldBack() {
    return capped;
  }

  @Override
  public int linesToDial(PacerView view, long now) {
    return placed(ask(view, now), now);
  }

  /**
   * What {@link #linesToDial} decides, within the line caps and the originates the throttle has now, without taking
   * them from the throttle or counting them in the recent dialling pace (the surge reserve's): a pool's planner may
   * place fewer ({@link PoolPlanner}), and lines asked for but not placed would otherwise count as dialled.
   */
  @Override
  public int ask(PacerView view, long now) {
    allowedNow = 0;
    decisionZ = zFor(view);
    int wanted = switch (settings.mode()) {
      case PREVIEW -> {
        reason = Reason.PREVIEW;
        yield 0;
      }
      case PROGRESSIVE -> {
        reason = view.loggedInAgents() == 0 ? Reason.PROGRESSIVE_NO_AGENT : Reason.PROGRESSIVE;
        yield progressiveLines(view);
      }
      case PREDICTIVE -> predictiveLines(view, now);
    };
    int asked = withinCaps(view, wanted, now);
    capped = asked < wanted;
    return asked;
  }

  /**
   * The plan's z for a decision on this view: a campaign sharing its agents with other campaigns plans with
   * {@link Margins#sharedBudgetZ} (the pool's clumps), one that ends rings early with {@link Margins#ringCutBudgetZ},
   * any other with {@link Margins#budgetZ}.
   */
  double zFor(PacerView view) {
    if (view.agentsShared()) {
      return margins.sharedBudgetZ();
    }
    return settings.ringCut() ? margins.ringCutBudgetZ() : margins.budgetZ();
  }

  /** Takes the lines placed from the throttle (which may grant fewer) and counts them in the dialling pace. */
  @Override
  public int placed(int lines, long now) {
    int placed = lines <= 0 ? 0 : throttle.take(lines, now);
    capped |= placed < lines;
    recentDials.add(now, 0, placed);
    return placed;
  }

  /** One line per free agent not yet covered by a ringing line or a waiting customer. */
  static int progressiveLines(PacerView view) {
    return Math.max(0, view.freeAgents() - view.ringingLines() - view.answeredWaiting());
  }

  private int predictiveLines(PacerView view, long now) {
    int progressive = progressiveLines(view);
    lookAhead(view, now);
    committed = overflow(0);
    double allowed = allowedRisk(now);
    allowedNow = allowed;
    if (view.freeAgents() == 0 && soonFree < NO_ONE_SOON_FREE) {
      reason = view.loggedInAgents() == 0 ? Reason.PREDICTIVE_NO_AGENT : Reason.PREDICTIVE_NO_AGENT_SOON;
      return 0;
    }
    if (allowed <= 0 || risk(0) > allowed) {
      reason = allowed <= 0 ? Reason.PREDICTIVE_BUDGET_SPENT : Reason.PREDICTIVE_RINGING_RISK;
      return progressive;
    }
    reason = Reason.PREDICTIVE;
    int lo = 0;
    int hi = Math.max(0, lineCap(view));
    double surgeRoom = surgeStress(view, now);
    lastSurgeRoom = surgeRoom;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (risk(mid) <= allowed && surgeBound(mid) <= surgeRoom) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return Math.max(progressive, lo);
  }

  /** A line may be ended unanswered once it has rung this long (ring cut, {@link PacingSettings#ringCut}). */
  public static final long RING_CUT_AFTER_MILLIS = 15_000;
  /** It is ended when its answer would find no agent with at least this chance. */
  static final double RING_CUT_NO_AGENT = 0.5;

  /**
   * Ring cut: the ringing lines to end now, unanswered, as indexes into the view's ringing lines (oldest first),
   * when the campaign's {@link PacingSettings#ringCut} is on. A line that has rung 15 s or more answers, if at all,
   * within the next few seconds; if at that moment the other answers expected would already take every agent free
   * by then, its answer would be abandoned. It is ended when that chance is at least one half: the customer is
   * called again later, which costs a dial, where an abandon costs the hour's budget. Call after
   * {@link #linesToDial} with the same view and time. An ended line is not reported back as an outcome: it says
   * nothing of whether the customer would have answered, so the learned answer rate leaves it out.
   */
  public int[] ringingToEnd(PacerView view, long now) {
    if (!settings.ringCut() || settings.mode() != DialMode.PREDICTIVE || learned.confidence() < 1) {
      return new int[0];
    }
    int n = view.ringingLines();
    int old = 0;
    for (int j = 0; j < n; j++) {
      if (now - view.ringingSince(j) >= RING_CUT_AFTER_MILLIS) {
        old++;
      }
    }
    if (old == 0) {
      return new int[0];
    }
    lookAhead(view, now);
    double p = plannedLiveAnswerRate(view, now);
    double answerRate = Math.min(1.0, p + learned.machineRate());
    int[] ended = new int[old];
    int count = 0;
    double[] a = new double[horizons];
    for (int j = 0; j < n; j++) {
      long rang = Math.max(0, now - view.ringingSince(j));
      if (rang < RING_CUT_AFTER_MILLIS) {
        continue;
      }
      double answeredBefore = learned.ringCdf(rang);
      double stillRinging = 1 - answerRate * answeredBefore;
      if (stillRinging <= 1e-9) {
        continue;
      }
      for (int k = 0; k < horizons; k++) {
        a[k] = Math.min(1, Math.max(0, p * (learned.ringCdf(rang + LOOK_AHEAD_MILLIS[k]) - answeredBefore)
            / stillRinging));
      }
      double total = a[horizons - 1];
      if (total <= 1e-9) {
        continue;
      }
      // when it answers (the share of its chance in each step ahead), the chance the others leave no agent
      double noAgent = 0;
      double prev = 0;
      for (int k = 0; k < horizons; k++) {
        double others = knownMean[k] - a[k];
        double sd = Math.sqrt(Math.max(1e-9, knownVar[k] - a[k] * (1 - a[k])));
        noAgent += (a[k] - prev) / total * normalCdf((others + 0.5) / sd);
        prev = a[k];
      }
      if (noAgent >= RING_CUT_NO_AGENT) {
        ended[count++] = j;
        for (int k = 0; k < horizons; k++) {
          knownMean[k] -= a[k];
          knownVar[k] -= a[k] * (1 - a[k]);
        }
      }
    }
    return java.util.Arrays.copyOf(ended, count);
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
    if (learned.wantsTalkingNow()) {
      tellTalkingNow(view, now);
    }
    double wrapMean = learned.wrapMeanMillis();
    for (int i = 0, n = view.loggedInAgents(); i < n; i++) {
      PacerView.Activity activity = view.activity(i);
      if (activity == PacerView.Activity.FREE) {
        continue;
      }
      long elapsed = Math.max(0, now - view.activitySince(i));
      boolean talking = activity == PacerView.Activity.TALKING;
      // the share of talks (or wrap-ups) over by now, the same at every moment ahead: looked up once per agent
      double before = talking ? learned.talkCdf(elapsed) : learned.wrapCdf(elapsed);
      for (int k = 0; k < horizons; k++) {
        long until = LOOK_AHEAD_MILLIS[k] + SAFE_HARBOR_MILLIS;
        double q = talking
            ? freeAfterTalkBy(elapsed, before, until, wrapMean)
            : freeAfterWrapUpBy(elapsed, before, until);
        knownMean[k] -= q;
        knownVar[k] += q * (1 - q);
        if (k == horizons - 1) {
          soonFree += q;
        }
      }
    }
  }

  private void tellTalkingNow(PacerView view, long now) {
    int n = view.loggedInAgents();
    if (talkingScratch.length < n) {
      talkingScratch = new long[Math.max(n, 2 * talkingScratch.length)];
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (view.activity(i) == PacerView.Activity.TALKING) {
        talkingScratch[m++] = Math.max(0, now - view.activitySince(i));
      }
    }
    learned.talkingNow(now, talkingScratch, m);
  }

  /** P(an agent who has talked {@code talked} ms is free within {@code within} ms: rest of the talk + wrap-up). */
  private double freeAfterTalkBy(long talked, double before, long within, double wrapMean) {
    double talkLeftAllowed = within - wrapMean;
    if (talkLeftAllowed <= 0) {
      return 0;
    }
    double surviving = 1 - before;
    if (surviving <= 1e-9) {
      return 0;
    }
    return Math.max(0, (learned.talkCdf(talked + talkLeftAllowed) - before) / surviving);
  }

  private double freeAfterWrapUpBy(long wrapped, double before, long within) {
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
   * The expected-abandon share the pacer may accept now: the planned abandon rate divided by the calibration (the
   * model's risk is an estimate; the calibration scales it to realized abandons), times the confidence in what was
   * learned (0 at the start: it then dials like progressive).
   */
  double allowedRisk(long now) {
    double target = settings.pacerTarget();
    windowsPlanned = 0;
    if (target <= 0) {
      return 0;
    }
    return plannedAbandonRate(now, target) / calibration(now) * learned.confidence();
  }

  /**
   * The highest abandons per live answer from now on that keeps every rolling hour ending within the next hour at or
   * under the target. For the hour ending h minutes from now, the budget is the target times the answers it will hold
   * (those of the last 60 − h minutes, and h minutes more at {@link Margins#answerPaceShare} of the recent pace);
   * against it count the abandons of the last 60 − h minutes, those on their way from lines ringing now, what a jump in the
   * answer rate would bring, reserves, and the plan's z ({@link Margins#budgetZ}, or its pool's or ring cut's: {@link
   * #zFor}) standard deviations of the abandons still to come.
   * 0 when some hour has no room left: the pacer then dials like progressive.
   */
  double plannedAbandonRate(long now, double target) {
    planWindows(now, target);
    return plannedRate();
  }

  /**
   * Fills the rolling hours ahead for {@link #plannedRate}: each one's room (its budget less the abandons it holds
   * and the reserves) and the answers it will add; none when there is nothing to plan with.
   */
  private void planWindows(long now, double target) {
    windowsPlanned = 0;
    AbandonStats.Figure hour = stats.hour(now);
    double recentPerMinute = stats.lastMillis(now, 30 * 60_000L).liveAnswered() / 30.0;
    if (Math.max(60 * recentPerMinute, hour.liveAnswered()) < MIN_ANSWERS_PER_HOUR) {
      return;
    }
    double perMinute = margins.answerPaceShare() * recentPerMinute;
    double kept = margins.reserveAbandons() + surgeReserve(now);
    for (int h : WINDOW_ENDS_MINUTES) {
      long stayingMillis = AbandonStats.HOUR - h * 60_000L;
      AbandonStats.Figure staying = stayingMillis > 0 ? stats.lastMillis(now, stayingMillis)
          : new AbandonStats.Figure(0, 0);
      double futureAnswers = perMinute * h;
      double budget = (1 - margins.budgetShareKept()) * target * (staying.liveAnswered() + futureAnswers);
      windowRoom[windowsPlanned] = budget - staying.abandoned() - kept;
      windowLimit[windowsPlanned] = target * (staying.liveAnswered() + futureAnswers) - staying.abandoned();
      windowFuture[windowsPlanned] = h == 0 ? 0 : futureAnswers;
      windowsPlanned++;
    }
  }

  /**
   * The planned rate over the windows {@link #planWindows} filled: the lowest over the hours ahead of the abandons
   * still to come x (the committed ones included, with x + z·√x ≤ room) per answer to come; 0 when some hour has no
   * room left.
   */
  private double plannedRate() {
    if (windowsPlanned == 0) {
      return 0;
    }
    double rate = Double.MAX_VALUE;
    double z = decisionZ;
    for (int i = 0; i < windowsPlanned; i++) {
      double room = windowRoom[i];
      if (room <= committed) {
        return 0;
      }
      if (windowFuture[i] <= 0) {
        continue;
      }
      double root = (-z + Math.sqrt(z * z + 4 * room)) / 2;
      rate = Math.min(rate, Math.max(0, root * root - committed) / windowFuture[i]);
    }
    return rate == Double.MAX_VALUE ? 0 : rate;
  }

  /**
   * Abandons a jump of the answer rate to {@link Margins#surgeAnswerRate} would bring before the pacer notices it: the
   * extra answers of {@link Margins#surgeSeconds} of dialling at the recent pace.
   */
  double surgeReserve(long now) {
    return margins.surgeSeconds() * recentDials.get(now, 0) / (DIAL_PACE_MILLIS / 1000.0) * surgeJump();
  }

  /**
   * Fills the look-ahead as it would be had the answer rate jumped to {@link Margins#surgeAnswerRate} now
   * ({@link Margins#surgeCountsBursts}): every line still ringing would answer at the new rate from here on, and so
   * would the lines of this decision, all before the jump could be seen. Every ringing line, not only the last
   * {@link Margins#surgeSeconds}' burst: on held-out day 3009 (100 agents, AMD off) ~200 lines rang at 10 % when the
   * rate jumped, and they alone brought 42 safe-harbor abandons in a minute (docs/pacing.md). Returns the abandons
   * the hours ahead have left before the target itself (the plan's budget margins not kept): the expected overflow
   * of that stressed look-ahead, with its Poisson margin, and its deficit {@link Margins#surgeDeficitZ} standard
   * deviations up ({@link #surgeBound}), must stay within it. Infinite when the rule is off or there is no jump to
   * fear. Call after {@link #allowedRisk} has planned the windows.
   */
  private double surgeStress(PacerView view, long now) {
    double p = plannedLiveAnswerRate(view, now);
    double surged = surgeLiveRate();
    if (!margins.surgeCountsBursts() || surged <= p || windowsPlanned == 0) {
      return Double.POSITIVE_INFINITY;
    }
    System.arraycopy(knownMean, 0, surgeMean, 0, horizons);
    System.arraycopy(knownVar, 0, surgeVar, 0, horizons);
    double machines = learned.machineRate();
    for (int j = 0, n = view.ringingLines(); j < n; j++) {
      long rang = Math.max(0, now - view.ringingSince(j));
      double answeredBefore = learned.ringCdf(rang);
      double still = 1 - Math.min(1.0, p + machines) * answeredBefore;
      double stillSurged = 1 - Math.min(1.0, surged + machines) * answeredBefore;
      if (still <= 1e-9 || stillSurged <= 1e-9) {
        continue;
      }
      for (int k = 0; k < horizons; k++) {
        double more = learned.ringCdf(rang + LOOK_AHEAD_MILLIS[k]) - answeredBefore;
        double a = Math.min(1, Math.max(0, p * more / still));
        double b = Math.min(1, Math.max(0, surged * more / stillSurged));
        surgeMean[k] += b - a;
        surgeVar[k] += b * (1 - b) - a * (1 - a);
      }
    }
    for (int k = 0; k < horizons; k++) {
      surgeNewLine[k] = surged * learned.ringCdf(LOOK_AHEAD_MILLIS[k]);
    }
    double room = Double.POSITIVE_INFINITY;
    for (int i = 0; i < windowsPlanned; i++) {
      if (windowFuture[i] > 0) {
        // the hours ending from 5 minutes on: the surge's abandons would be in each of them
        room = Math.min(room, windowLimit[i]);
      }
    }
    return room;
  }

  /**
   * What the stressed look-ahead with n new lines must keep within the room ({@link #surgeStress}): at each moment
   * ahead, the larger of two bounds on the answers beyond agents. First the expected overflow x with the plan's own
   * Poisson margin, x + z·√x (the plan's z, {@link #zFor}): an expected count just inside the room breaks it half the
   * time (held-out day 3003, 25 agents, AMD on, shifting: 15 abandons in the minute of the jump, its expected
   * overflow just within the 16 left, the hour at 3.02 %). Then the deficit itself held
   * {@link Margins#surgeDeficitZ} standard deviations up: when a hundred lines ring at once their answers are a
   * binomial count whose spread the Poisson margin of a small expected overflow does not cover (day 4029, 100 agents,
   * AMD off, shifting: 103 lines at 350:54, 18 abandons expected against a room of 24.8, 30 came; the deficit's
   * standard deviation was about 6, the Poisson margin 4.2). 0 with no new line: the rule limits a decision's lines
   * and never asks for fewer than none.
   */
  double surgeBound(int n) {
    return surgeWorst(n, true);
  }

  /** The room the last predictive decision's stressed look-ahead had (infinite with the burst rule off). */
  double lastSurgeRoom() {
    return lastSurgeRoom;
  }

  /** Expected answers beyond agents at the worst moment ahead with n new lines, had the rate jumped. */
  double surgeOverflow(int n) {
    return surgeWorst(n, false);
  }

  /** The worst moment ahead of the stressed look-ahead with n new lines: its bound, or its expected overflow. */
  private double surgeWorst(int n, boolean bound) {
    if (n == 0) {
      return 0;
    }
    double worst = 0;
    for (int k = 0; k < horizons; k++) {
      double c = surgeNewLine[k];
      double mean = surgeMean[k] + n * c;
      double variance = Math.max(0, surgeVar[k]) + n * c * (1 - c);
      // at 0 from below: far below the agents the normal formula cancels to -1e-16, and its square root is NaN
      double x = Math.max(0, expectedPositive(mean, variance));
      worst = Math.max(worst, !bound ? x
          : Math.max(x + decisionZ * Math.sqrt(x), mean + margins.surgeDeficitZ() * Math.sqrt(variance)));
    }
    return worst;
  }

  /** The extra live answers per line dialled had the answer rate jumped to {@link Margins#surgeAnswerRate} now. */
  private double surgeJump() {
    return Math.max(0, surgeLiveRate() - learned.liveAnswerRate());
  }

  /**
   * The live answer rate after the jump: {@link Margins#surgeAnswerRate} is of every answer, people and machines
   * alike. With AMD on the pacer learns the machines' share and they are hung up on, not live; with AMD off they
   * reach agents and the pacer cannot tell them from people (its machine share is 0), so the whole jump is live.
   */
  private double surgeLiveRate() {
    return Math.max(0, margins.surgeAnswerRate() - learned.machineRate());
  }

  /**
   * Realized abandons per abandon that the allowed risk stood for, over the last hours: the abandons divided by the
   * sum, over live answers, of the allowed risk in force when they answered; with a prior.
   */
  double calibration(long now) {
    return (calibrationSums.get(now, ABANDONS) + CALIBRATION_PRIOR_ABANDONS)
        / (calibrationSums.get(now, ALLOWED_AT_ANSWERS) + CALIBRATION_PRIOR_ABANDONS / CALIBRATION_PRIOR);
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
    return throttle.available(n, now);
  }

  @Override
  public void onOriginateResult(AttemptOutcome outcome, long ringMillis, long now) {
    boolean human = outcome == AttemptOutcome.ANSWERED_HUMAN || outcome == AttemptOutcome.ABANDONED;
    boolean machine = outcome == AttemptOutcome.ANSWERED_MACHINE;
    learned.dialEnded(human, machine, ringMillis);
    learned.freshDialEnded(human, ringMillis, now);
    if (human) {
      stats.liveAnswered(now);
      calibrationSums.add(now, ALLOWED_AT_ANSWERS, allowedNow);
    }
    if (outcome == AttemptOutcome.ABANDONED) {
      // a server that reports only the final outcome: the answer and the abandon at once
      abandoned(now);
    }
  }

  @Override
  public void onAbandoned(long now) {
    abandoned(now);
  }

  private void abandoned(long now) {
    stats.abandoned(now);
    calibrationSums.add(now, ABANDONS, 1);
  }

  /** A call the answering-machine detection hung up on turned out to be a person: regulators count an abandon. */
  public void onMachineWasPerson(long now) {
    stats.liveAnswered(now);
    abandoned(now);
  }

  @Override
  public void onHangup(long talkMillis, long now) {
    learned.talked(talkMillis, now);
  }

  @Override
  public void onAgentFree(long wrapMillis, long now) {
    learned.wrappedUp(wrapMillis);
  }
}
