package io.huifang.dialer.pacing;

import java.util.List;

/**
 * Paces the campaigns one pool of agents serves, each by its own pacer (its own target and learned rates). The
 * campaigns decide in priority order, each seeing the agents skilled for it and every line ringing and customer
 * waiting in the pool, the lines the campaigns before it place in this round included: the first campaign fills the
 * pool's room, the next ones dial only into what is left, and each one's plan holds its own hour. Campaigns of equal
 * priority share the pool: they decide as one (the fewest lines any of their pacers asks for, each line handed to the
 * one with the fewest lines in flight), so that their dials stay even instead of the first one filling the pool all
 * day. A pacer's throttle is charged for what it asked, which may be more than it is handed.
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
    int[] lines = new int[campaigns];
    int placed = 0;
    Integer[] order = decidingOrder(pool);
    for (int from = 0; from < campaigns; ) {
      int to = from + 1;
      while (to < campaigns && pool.priority(order[to]) == pool.priority(order[from])) {
        to++;
      }
      if (to - from == 1) {
        int c = order[from];
        lines[c] = pacers.get(c).linesToDial(new CampaignView(pool, c, placed, now), now);
        placed += lines[c];
      } else {
        placed += shareAmongEquals(pool, pacers, order, from, to, placed, now, lines);
      }
      from = to;
    }
    return lines;
  }

  /**
   * Campaigns of equal priority: each one's pacer decides on the same view (the lines placed before them), the most
   * careful one's lines are dialled, and they are handed out one by one, each to the campaign with the fewest lines
   * in flight. A campaign that is behind would otherwise find no room (seeing the others' lines against the same
   * agents) while the others fill the pool; and since each pacer holds only its own hour, the group dials no more
   * than the one whose hour is tightest allows. Returns the lines placed.
   */
  private static int shareAmongEquals(PoolView pool, List<? extends Pacer> pacers, Integer[] order, int from, int to,
      int placed, long now, int[] lines) {
    int total = Integer.MAX_VALUE;
    int[] inFlight = new int[to - from];
    for (int i = from; i < to; i++) {
      int c = order[i];
      total = Math.min(total, pacers.get(c).linesToDial(new CampaignView(pool, c, placed, now), now));
      inFlight[i - from] = pool.ringingLines(c) + pool.answeredWaiting(c);
    }
    for (int k = 0; k < total; k++) {
      int behind = 0;
      for (int i = 1; i < inFlight.length; i++) {
        if (inFlight[i] < inFlight[behind]) {
          behind = i;
        }
      }
      inFlight[behind]++;
      lines[order[from + behind]]++;
    }
    return total;
  }

  /**
   * The order the campaigns decide in this round: by priority; among equals, the one with the fewest lines in flight
   * first (the view's order among equals on a tie), which is also who is handed a line first on a tie. Without the
   * sharing the first of equals fills the room every round and the others are never dialled (BENCHMARKS.md, session
   * 11: 4,475 live answers against 0 on a blended pool).
   */
  static Integer[] decidingOrder(PoolView pool) {
    int campaigns = pool.campaigns();
    Integer[] order = new Integer[campaigns];
    int[] priority = new int[campaigns];
    int[] inFlight = new int[campaigns];
    for (int c = 0; c < campaigns; c++) {
      order[c] = c;
      priority[c] = pool.priority(c);
      inFlight[c] = pool.ringingLines(c) + pool.answeredWaiting(c);
    }
    // a stable sort: the view's order stays among campaigns of equal priority and equal lines in flight
    java.util.Arrays.sort(order, (x, y) -> priority[x] != priority[y] ? Integer.compare(priority[x], priority[y])
        : Integer.compare(inFlight[x], inFlight[y]));
    return order;
  }

  /**
   * What campaign c's pacer sees: the agents skilled for it, every line ringing in the pool (then the lines placed
   * in this round, ringing since now) and every customer waiting.
   */
  private static final class CampaignView implements PacerView {
    private final PoolView pool;
    private final int[] agents;
    private final int free;
    private final int[] ringingBefore;
    private final int ringing;
    private final int placed;
    private final int waiting;
    private final long now;

    CampaignView(PoolView pool, int campaign, int placed, long now) {
      this.pool = pool;
      this.placed = placed;
      this.now = now;
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
      int w = 0;
      for (int c = 0; c < pool.campaigns(); c++) {
        ringingBefore[c + 1] = ringingBefore[c] + pool.ringingLines(c);
        w += pool.answeredWaiting(c);
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
      return ringing + placed;
    }

    @Override
    public long ringingSince(int line) {
      if (line >= ringing) {
        return now;
      }
      int c = 0;
      while (ringingBefore[c + 1] <= line) {
        c++;
      }
      return pool.ringingSince(c, line - ringingBefore[c]);
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
