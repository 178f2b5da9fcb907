package io.huifang.dialer.pacing.sim;

/**
 * What one simulated day measured, over the hours after the warm-up.
 *
 * @param hoursOver rolling 1-hour windows (ending every 10 s) above 3 %
 * @param hourWindows rolling 1-hour windows measured
 * @param ringCuts lines the pacer ended unanswered (ring cut)
 * @param ringCutAnswers of those, the ones a person (or, without AMD, a machine) would have answered
 */
public record SimResult(double busyShare, double talkMinutesPerAgentHour, double abandonRate, double worstHourRate,
                        double dialsPerAgentHour, double meanWaitSeconds, long liveAnswers, long abandons,
                        long hoursOver, long hourWindows, long ringCuts, long ringCutAnswers) {
}
