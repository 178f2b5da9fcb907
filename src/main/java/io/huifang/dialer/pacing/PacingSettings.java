package io.huifang.dialer.pacing;

/**
 * What a supervisor sets per campaign.
 *
 * @param mode preview, progressive or predictive
 * @param targetAbandonRate abandoned / live-answered held in every rolling hour (regulators: 3 %)
 * @param maxLinesPerAgent ringing lines per logged-in agent, at most
 * @param maxTrunkLines lines of the trunk (ringing and answered, all campaigns on it), at most
 * @param amdFalsePositiveAllowance share of live answers the answering-machine detection is expected to hang up on
 *     wrongly; regulators count those as abandoned but the server cannot see them, so the pacer keeps this much of
 *     the target free for them
 * @param ringCut end a line that has rung {@link CampaignPacer#RING_CUT_AFTER_MILLIS} or more, unanswered, when its
 *     answer would likely find no agent (off by default; predictive mode only). The customer is called again later
 */
public record PacingSettings(DialMode mode, double targetAbandonRate, double maxLinesPerAgent, int maxTrunkLines,
                             double amdFalsePositiveAllowance, boolean ringCut) {
  public static final double DEFAULT_TARGET = 0.03;
  public static final double DEFAULT_LINES_PER_AGENT = 3.0;
  public static final int UNLIMITED_TRUNK = Integer.MAX_VALUE;

  public PacingSettings {
    if (mode == null) {
      throw new IllegalArgumentException("mode is required");
    }
    if (!(targetAbandonRate >= 0 && targetAbandonRate <= 0.2)) {
      throw new IllegalArgumentException("target abandon rate must be within 0..20 %: " + targetAbandonRate);
    }
    if (!(maxLinesPerAgent >= 1 && maxLinesPerAgent <= 10)) {
      throw new IllegalArgumentException("lines per agent must be within 1..10: " + maxLinesPerAgent);
    }
    if (maxTrunkLines < 1) {
      throw new IllegalArgumentException("trunk lines must be at least 1: " + maxTrunkLines);
    }
    if (!(amdFalsePositiveAllowance >= 0 && amdFalsePositiveAllowance <= targetAbandonRate)) {
      throw new IllegalArgumentException("AMD allowance must be below the target: " + amdFalsePositiveAllowance);
    }
  }

  /**
   * The allowance a campaign with answering-machine detection keeps for its mistakes: twice the 0.2 % of persons
   * app_amd is measured to hang up on as machines, since the server cannot count them.
   */
  public static final double AMD_ALLOWANCE = 0.004;

  /**
   * What a campaign's settings dial with: the server's {@code CampaignRun} and the benchmark both build the pacer's
   * settings here, so that the benchmark measures what the server does.
   *
   * @param targetAbandonRate the campaign's target (0.03 for 3 %)
   * @param amd whether the campaign runs answering-machine detection: then {@link #AMD_ALLOWANCE} of the target is
   *     kept for its mistakes; without it machines reach agents and count as live answers, and nothing is kept
   */
  public static PacingSettings forCampaign(DialMode mode, double targetAbandonRate, boolean amd) {
    return defaults(mode).withTarget(targetAbandonRate)
        .withAmdAllowance(amd ? Math.min(AMD_ALLOWANCE, targetAbandonRate) : 0);
  }

  /**
   * As {@link #forCampaign(DialMode, double, boolean)}, with the campaign's ring cut switch
   * ({@code campaign.ring_cut}): on, the pacer names long-ringing lines to end ({@link CampaignPacer#ringingToEnd}).
   */
  public static PacingSettings forCampaign(DialMode mode, double targetAbandonRate, boolean amd, boolean ringCut) {
    return forCampaign(mode, targetAbandonRate, amd).withRingCut(ringCut);
  }

  public static PacingSettings defaults(DialMode mode) {
    return new PacingSettings(mode, DEFAULT_TARGET, DEFAULT_LINES_PER_AGENT, UNLIMITED_TRUNK, 0, false);
  }

  public PacingSettings withMode(DialMode m) {
    return new PacingSettings(m, targetAbandonRate, maxLinesPerAgent, maxTrunkLines, amdFalsePositiveAllowance,
        ringCut);
  }

  public PacingSettings withTarget(double t) {
    return new PacingSettings(mode, t, maxLinesPerAgent, maxTrunkLines, amdFalsePositiveAllowance, ringCut);
  }

  public PacingSettings withLinesPerAgent(double l) {
    return new PacingSettings(mode, targetAbandonRate, l, maxTrunkLines, amdFalsePositiveAllowance, ringCut);
  }

  public PacingSettings withTrunkLines(int lines) {
    return new PacingSettings(mode, targetAbandonRate, maxLinesPerAgent, lines, amdFalsePositiveAllowance, ringCut);
  }

  public PacingSettings withAmdAllowance(double a) {
    return new PacingSettings(mode, targetAbandonRate, maxLinesPerAgent, maxTrunkLines, a, ringCut);
  }

  public PacingSettings withRingCut(boolean on) {
    return new PacingSettings(mode, targetAbandonRate, maxLinesPerAgent, maxTrunkLines, amdFalsePositiveAllowance,
        on);
  }

  /** The share of live answers the pacer itself may abandon. */
  double pacerTarget() {
    return Math.max(0, targetAbandonRate - amdFalsePositiveAllowance);
  }
}
