package io.huifang.campaign.schedule;

import java.time.Instant;

/**
 * A task the dialer may call now. {@code attempt} is the number this call will be (1 for the first);
 * {@code dayPart} the index of the campaign's day part "now" falls in (null outside all parts); a scheduled callback
 * carries {@code callback} and, when the customer asked for one agent, {@code callbackAgentId}.
 */
public record DueTask(long taskId, long customerId, long campaignId, String phone, Instant deadline, int attempt,
                      Integer dayPart, boolean callback, Long callbackAgentId) {
}
