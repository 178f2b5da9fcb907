package io.huifang.dialer.pacing;

/**
 * What the pacer looks at when it decides: one campaign's agents and lines right now. The server builds it from
 * the agents' lines and the call tracker; the simulator implements it over its own state. Times are epoch millis
 * of the same clock the pacer is given.
 */
public interface PacerView {
  /** What an agent who is ready for this campaign is doing. */
  enum Activity { FREE, TALKING, WRAP_UP }

  /** Agents ready for calls (free, talking or in wrap-up); paused agents are not counted. */
  int loggedInAgents();

  /** Agent i's activity, for i in [0, loggedInAgents()). */
  Activity activity(int agent);

  /** When agent i's current activity began. */
  long activitySince(int agent);

  int freeAgents();

  /** Lines dialled and not yet answered or failed. */
  int ringingLines();

  /** When ringing line i was originated, for i in [0, ringingLines()). */
  long ringingSince(int line);

  /** Customers who answered and are waiting (at most 2 s) for an agent. */
  int answeredWaiting();

  /** Lines of the trunk in use by every campaign (ringing and answered); 0 when the trunk is not limited. */
  int trunkLinesInUse();

  /**
   * Some of these agents also take other campaigns' calls (a pool, {@link PoolPlanner}): the other campaigns' answers
   * reach them, so this campaign's abandons come in the pool's clumps. False for a campaign with agents of its own.
   */
  default boolean agentsShared() {
    return false;
  }
}
