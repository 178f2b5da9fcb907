package io.huifang.dialer.pacing;

import java.util.List;

/**
 * Paces the campaigns one pool of agents serves, each by its own pacer (its own target and learned rates). The pool's
 * campaigns decide as one, whatever their priorities: each one's pacer decides on its own view of the pool, the group
 * dials the fewest lines any of them asks for (each pacer holds only its own hour, so the tightest one bounds the
 * group), and those lines are handed out one at a time, each to the campaign with the fewest lines in flight, the
 * higher priority on a tie. Priority otherwise decides who takes which answered call (the routing, outside this
 * class), not who dials: with the higher priority dialling first it filled the pool's room all day and the others were
 * never dialled (BENCHMARKS.md, session 11: 4,475 live answers against 0 on a blended pool).
 *
 * <p>A campaign's view: the agents skilled for it; its own lines ringing and customers waiting; and another
 * campaign's in the share of that campaign's agents who also take this one (their answers go to those agents or to
 * agents this campaign cannot use), its lines counted by its answer rate over this campaign's (a line of customers
 * who answer three times as often counts three times). A pacer's throttle is charged for what it asked, which may be
 * more than it is handed.
 */
public final class PoolPlanner {
  /**
   * Lines each campaign dials now (index = the view's campaign), each decided by its own pacer:
   * {@code pacers.get(c)} is campaign c's. The caller places exactly that many originates per campaign.
   */
  public int[] linesToDial(PoolView pool, List<? extends Pacer> pacers, long now) {
    int campaigns = pool.campaigns();
    if (pacers.size() != campaigns) {
      throw new IllegalArgumentException(pacers.size() + " pacers for " + campaigns + " campaigns");
    }
    int total = Integer.MAX_VALUE;
    int[] inFlight = new int[campaigns];
    for (int c = 0; c < campaigns; c++) {
      total = Math.min(total, pacers.get(c).linesToDial(new CampaignView(pool, pacers, c), now));
      inFlight[c] = pool.ringingLines(c) + pool.answeredWaiting(c);
    }
    Integer[] order = byPriority(pool);
    int[] lines = new int[campaigns];
    for (int k = 0; k < total; k++) {
      int behind = order[0];
      for (int c : order) {
        if (inFlight[c] < inFlight[behind]) {
          behind = c;
        }
      }
      inFlight[behind]++;
      lines[behind]++;
    }
    return lines;
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
