package io.huifang.campaign.schedule;

import java.time.Instant;

/**
 * A task the dialer may call now. {@code attempt} is the number this call will be (1 for the first);
 * {@code dayPart} the index of the campaign's day part "now" falls in (null outside all parts); a scheduled callback
 * carries {@code callback} and, when the customer asked for one agent, {@code callbackAgentId}; {@code ringCuts} is
 * how often the task's line was ended unanswered by ring cut.
 */
public record DueTask(long taskId, long customerId, long campaignId, String phone, Instant deadline, int attempt,
                      Integer dayPart, boolean callback, Long callbackAgentId, int ringCuts) {

  /** A task whose line was never cut. */
  public DueTask(long taskId, long customerId, long campaignId, String phone, Instant deadline, int attempt,
                 Integer dayPart, boolean callback, Long callbackAgentId) {
    this(taskId, customerId, campaignId, phone, deadline, attempt, dayPart, callback, callbackAgentId, 0);
  }

  /**
   * Whether the dialer may end this call's line unanswered (ring cut): never a callback the customer asked for (they
   * expect the call), nor a task cut {@link RetryPlanner#RING_CUTS_MAX} times already (its line then rings in full).
   */
  public boolean mayRingCut() {
    return !callback && ringCuts < RetryPlanner.RING_CUTS_MAX;
  }
}
