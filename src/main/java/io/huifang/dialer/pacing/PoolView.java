package io.huifang.dialer.pacing;

/**
 * One pool of agents (one PBX's logged-in, unpaused agents) and the campaigns they serve, at one moment: what
 * {@link PoolPlanner} looks at. The server builds it from the agents' lines and the call tracker; the simulator over
 * its own state. Times are epoch millis of the clock the planner is given.
 */
public interface PoolView {
  /**
   * Campaigns in priority order: campaign 0's answered customers are served first, and it is handed the pool's next
   * line first when campaigns have as many lines in flight ({@link PoolPlanner}).
   */
  int campaigns();

  /**
   * The campaign's priority, lower first: it breaks the planner's hand-out ties ({@link PoolPlanner}). By default
   * every campaign has its own, in the view's order.
   */
  default int priority(int campaign) {
    return campaign;
  }

  /** Agents of the pool, whatever their skills. */
  int agents();

  /** Whether the agent takes the campaign's calls. */
  boolean skilled(int agent, int campaign);

  PacerView.Activity activity(int agent);

  /** When the agent's current activity began. */
  long activitySince(int agent);

  /** The campaign's lines dialled (or asked of the scheduler) and not yet answered or ended. */
  int ringingLines(int campaign);

  /** When the campaign's ringing line i was originated, for i in [0, ringingLines(campaign)). */
  long ringingSince(int campaign, int line);

  /** The campaign's customers who answered and have no agent yet. */
  int answeredWaiting(int campaign);

  /** Lines of the trunk in use by every campaign (ringing and answered); 0 when the trunk is not limited. */
  default int trunkLinesInUse() {
    return 0;
  }
}
