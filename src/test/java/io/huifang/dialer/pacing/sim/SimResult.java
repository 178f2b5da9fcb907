package io.huifang.dialer.pacing.sim;

/** What one simulated day measured, over the hours after the warm-up. */
public record SimResult(double busyShare, double talkMinutesPerAgentHour, double abandonRate, double worstHourRate,
                        double dialsPerAgentHour, double meanWaitSeconds, long liveAnswers, long abandons) {
}
