package io.huifang.dialer.pacing;

import java.util.List;

/**
 * Paces the campaigns one pool of agents serves, each by its own pacer (its own target and learned rates). The pool's
 * campaigns decide together, whatever their priorities: each one's pacer decides on its own view of the pool, and what
 * it asks for is its budget; lines are handed out one at a time, each to the campaign with the fewest lines in flight
 * (the higher priority on a tie) whose line every campaign's budget still has room for, a line being charged to each
 * campaign as that campaign's view counts it. Each pacer is asked without being charged, and counts as dialled only
 * the lines handed to its campaign. Priority otherwise
 * decides who takes which answered call (the routing, outside this class), not who dials: with the higher priority
 * dialling first it filled the pool's room all day and the others were never dialled (BENCHMARKS.md, session 11: 4,475
 * live answers against 0 on a blended pool).
 *
 * <p>A campaign's view: the agents skilled for it; its own lines ringing and customers waiting; and another
 * campaign's in the share of that campaign's agents who also take this one (their answers go to those agents or to
 * agents this campaign cannot use), its lines counted by its answer rate over this campaign's (a line of customers
 * who answer three times as often counts three times). A progressive campaign counts every line whole.
 */
public final class PoolPlanner {
  /** How the group's lines are bounded. */
  public enum Bound {
    /**
     * Each campaign's ask is its budget, and every line handed out is charged to every campaign's budget as that
     * campaign's view counts it ({@link #weight}): a line goes out only while every budget has room for it. Each pacer
     * is asked without being charged ({@link Pacer#ask}) and counts as placed only the lines handed to its campaign
     * ({@link Pacer#placed}). As built, session 13.
     */
    BUDGETS,
    /**
     * Session 12, second pass (kept to measure): budgets as {@link #BUDGETS}, but each pacer charged for all it asked
     * ({@link Pacer#linesToDial}) and a budget overdrawn by up to half a line.
     */
    ASKS_CHARGED,
    /**
     * The group dials the fewest lines any campaign's pacer asks for (session 12, first pass; kept to measure; each
     * pacer charged for all it asked, half a line of slack).
     */
    FEWEST_ASK
  }

  private final Bound bound;

  public PoolPlanner() {
    this(Bound.BUDGETS);
  }

  public PoolPlanner(Bound bound) {
    this.bound = bound;
  }

  /**
   * Lines each campaign dials now (index = the view's campaign), each decided by its own pacer:
   * {@code pacers.get(c)} is campaign c's. The caller places exactly that many originates per campaign.
   */
  public int[] linesToDial(PoolView pool, List<? extends Pacer> pacers, long now) {
    int campaigns = pool.campaigns();
    if (pacers.size() != campaigns) {
      throw new IllegalArgumentException(pacers.size() + " pacers for " + campaigns + " campaigns");
    }
    int fewest = Integer.MAX_VALUE;
    double[] budget = new double[campaigns];
    int[] inFlight = new int[campaigns];
    for (int c = 0; c < campaigns; c++) {
      PacerView view = new CampaignView(pool, pacers, c);
      int ask = bound == Bound.BUDGETS ? pacers.get(c).ask(view, now) : pacers.get(c).linesToDial(view, now);
      fewest = Math.min(fewest, ask);
      budget[c] = ask;
      inFlight[c] = pool.ringingLines(c) + pool.answeredWaiting(c);
    }
    // cost[d][c]: what one more line of d takes of c's budget. The first pass charged every line whole to every
    // budget (the fewest ask), although each view counts another campaign's lines only in the share of its agents who
    // also take this one and by its answer rate: the tightest campaign held back lines that hardly reach its agents
    double[][] cost = new double[campaigns][campaigns];
    for (int d = 0; d < campaigns; d++) {
      for (int c = 0; c < campaigns; c++) {
        cost[d][c] = bound == Bound.FEWEST_ASK ? (budget[c] == fewest ? 1 : 0) : weight(pool, pacers, d, c);
      }
    }
    Integer[] order = byPriority(pool);
    double slack = bound == Bound.BUDGETS ? 0 : SECOND_PASS_SLACK;
    int[] lines = new int[campaigns];
    while (true) {
      int behind = -1;
      for (int d : order) {
        if ((behind < 0 || inFlight[d] < inFlight[behind]) && fits(cost[d], budget, slack)) {
          behind = d;
        }
      }
      if (behind < 0) {
        return bound == Bound.BUDGETS ? placed(pacers, lines, now) : lines;
      }
      for (int c = 0; c < campaigns; c++) {
        budget[c] -= cost[behind][c];
      }
      inFlight[behind]++;
      lines[behind]++;
    }
  }

  /**
   * Each pacer counts as placed only the lines handed to its campaign (the throttle, shared on a PBX, may grant fewer:
   * those are the lines to place). Each pacer was only asked ({@link Pacer#ask}): were every ask counted as dialled,
   * a campaign handed a fraction of its ask would see a dialling pace many times its own and keep back a surge
   * reserve for it, and the shared throttle would lose the originates asked for and not placed.
   */
  private static int[] placed(List<? extends Pacer> pacers, int[] lines, long now) {
    for (int c = 0; c < lines.length; c++) {
      lines[c] = pacers.get(c).placed(lines[c], now);
    }
    return lines;
  }

  /**
   * How far a budget could be overdrawn in the second pass of session 12 (to the nearest whole line, as the views
   * count lines whole). It made up for the asks' phantom dialling pace (a pacer charged for lines it was not handed
   * kept a surge reserve for them); with pacers asked without being charged, it let a campaign's budget of one line
   * admit two lines of a campaign whose line counts two thirds in its view, and the three-campaign pool went over on
   * 2 of 10 tuning days (A 3.76 %, B 2.40 % against its 2 %; none without it). Session 13: no slack.
   */
  static final double SECOND_PASS_SLACK = 0.5;

  private static boolean fits(double[] cost, double[] budget, double slack) {
    for (int c = 0; c < cost.length; c++) {
      if (cost[c] > 0 && budget[c] < cost[c] - slack - 1e-9) {
        return false;
      }
    }
    return true;
  }

  /**
   * How much one line of campaign d counts in campaign c's view: whole for c's own and for a progressive c
   * ({@link #promisesNoAbandon}), otherwise in the share of d's agents who also take c, by d's answer rate over c's.
   */
  static double weight(PoolView pool, List<? extends Pacer> pacers, int d, int c) {
    if (d == c || promisesNoAbandon(pacers.get(c))) {
      return 1;
    }
    return shareOn(pool, d, c) * answerRatio(pacers, d, c);
  }

  /** The campaigns by priority, the view's order among equals: who is handed a line first on a tie. */
  static Integer[] byPriority(PoolView pool) {
    Integer[] order = new Integer[pool.campaigns()];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    // a stable sort: the view's order stays among campaigns of equal priority
    java.util.Arrays.sort(order, (x, y) -> Integer.compare(pool.priority(x), pool.priority(y)));
    return order;
  }

  /**
   * The share of campaign d's agents who also take campaign c: how much of d's load reaches c's agents (1 for c
   * itself, and for a campaign without agents, whose answers could go anywhere).
   */
  static double shareOn(PoolView pool, int d, int c) {
    if (d == c) {
      return 1;
    }
    int agents = 0;
    int both = 0;
    for (int a = 0, all = pool.agents(); a < all; a++) {
      if (pool.skilled(a, d)) {
        agents++;
        if (pool.skilled(a, c)) {
          both++;
        }
      }
    }
    return agents == 0 ? 1 : (double) both / agents;
  }

  /**
   * A progressive campaign counts every other campaign's line and customer waiting whole: it promises no abandon, and
   * an answer of another campaign may take any agent who also serves it (when only shared agents are free).
   */
  static boolean promisesNoAbandon(Pacer pacer) {
    return pacer instanceof CampaignPacer p && p.settings().mode() != DialMode.PREDICTIVE;
  }

  /** Campaign c's view of the pool, as its pacer is given it. */
  static PacerView viewOf(PoolView pool, List<? extends Pacer> pacers, int c) {
    return new CampaignView(pool, pacers, c);
  }

  /**
   * How many of campaign c's lines one of d's lines is worth: d's live-answer rate over c's, both on the high side
   * (as each pacer plans); 1 for pacers that learn no rates (test baselines).
   */
  static double answerRatio(List<? extends Pacer> pacers, int d, int c) {
    if (d == c || !(pacers.get(d) instanceof CampaignPacer pd) || !(pacers.get(c) instanceof CampaignPacer pc)) {
      return 1;
    }
    return pd.learned().liveAnswerRateHigh() / Math.max(0.01, pc.learned().liveAnswerRateHigh());
  }

  /**
   * What campaign c's pacer sees: the agents skilled for it, and the lines ringing and customers waiting of every
   * campaign, another campaign's in the share of its agents who also take c ({@link #shareOn}; whole for a progressive
   * c), its lines by their worth in c's answers ({@link #answerRatio}). Counted lines of another campaign are taken
   * evenly from its ringing lines, so their ages stay representative.
   */
  private static final class CampaignView implements PacerView {
    private final PoolView pool;
    private final int[] agents;
    private final int free;
    private final int[] ringingBefore;
    private final int[] ringingOf;
    private final int ringing;
    private final int waiting;
    private final boolean shared;

    CampaignView(PoolView pool, List<? extends Pacer> pacers, int campaign) {
      this.pool = pool;
      int n = 0;
      for (int a = 0, all = pool.agents(); a < all; a++) {
        if (pool.skilled(a, campaign)) {
          n++;
        }
      }
      agents = new int[n];
      int i = 0;
      int f = 0;
      for (int a = 0, all = pool.agents(); a < all; a++) {
        if (pool.skilled(a, campaign)) {
          agents[i++] = a;
          if (pool.activity(a) == Activity.FREE) {
            f++;
          }
        }
      }
      free = f;
      ringingBefore = new int[pool.campaigns() + 1];
      ringingOf = new int[pool.campaigns()];
      int w = 0;
      for (int c = 0; c < pool.campaigns(); c++) {
        double share = promisesNoAbandon(pacers.get(campaign)) ? 1 : shareOn(pool, c, campaign);
        double worth = share * answerRatio(pacers, c, campaign);
        ringingOf[c] = pool.ringingLines(c);
        ringingBefore[c + 1] = ringingBefore[c] + (int) Math.ceil(worth * ringingOf[c] - 1e-9);
        w += (int) Math.ceil(share * pool.answeredWaiting(c) - 1e-9);
      }
      ringing = ringingBefore[pool.campaigns()];
      waiting = w;
      shared = takesOthers(pool, agents, campaign);
    }

    /** Whether any of these agents (the campaign's) is skilled for another campaign of the pool. */
    private static boolean takesOthers(PoolView pool, int[] agents, int campaign) {
      for (int a : agents) {
        for (int d = 0; d < pool.campaigns(); d++) {
          if (d != campaign && pool.skilled(a, d)) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public boolean agentsShared() {
      return shared;
    }

    @Override
    public int loggedInAgents() {
      return agents.length;
    }

    @Override
    public Activity activity(int agent) {
      return pool.activity(agents[agent]);
    }

    @Override
    public long activitySince(int agent) {
      return pool.activitySince(agents[agent]);
    }

    @Override
    public int freeAgents() {
      return free;
    }

    @Override
    public int ringingLines() {
      return ringing;
    }

    @Override
    public long ringingSince(int line) {
      int c = 0;
      while (ringingBefore[c + 1] <= line) {
        c++;
      }
      int counted = ringingBefore[c + 1] - ringingBefore[c];
      return pool.ringingSince(c, (int) ((long) (line - ringingBefore[c]) * ringingOf[c] / counted));
    }

    @Override
    public int answeredWaiting() {
      return waiting;
    }

    @Override
    public int trunkLinesInUse() {
      return pool.trunkLinesInUse();
    }
  }
}
