package io.huifang.dialer.pacing;

import java.util.List;

/**
 * Paces the campaigns one pool of agents serves, each by its own pacer (its own target and learned rates). The
 * campaigns decide in priority order, each seeing the agents skilled for it and every line ringing and customer
 * waiting in the pool, the lines the campaigns before it place in this round included: the first campaign fills the
 * pool's room, the next ones dial only into what is left, and each one's plan holds its own hour.
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
    for (int c = 0; c < campaigns; c++) {
      lines[c] = pacers.get(c).linesToDial(new CampaignView(pool, c, placed, now), now);
      placed += lines[c];
    }
    return lines;
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
