package io.huifang.dialer;

import io.huifang.campaign.Campaign;
import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.DialMode;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.PacingSettings;
import io.huifang.telephony.AnsweredCalls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One campaign being dialled, on every PBX: one {@link PbxRun} per PBX, each with its own pacer (its own agents,
 * lines and learned ring and talk times), all counting into the campaign's one {@link AbandonStats}. Regulators and
 * supervisors hold the campaign, not a PBX, to its abandon target: each pacer plans with the answers and abandons
 * of the whole campaign's rolling hour, so an abandon on one PBX makes every PBX of the campaign more careful.
 */
final class CampaignRun {
  Campaign campaign;
  /** The campaign's answers and abandons, on every PBX, with the history read back at the start. */
  final AbandonStats abandons = new AbandonStats();
  /** The campaign's answers and abandons from before this run were read back into {@link #abandons}. */
  final boolean historyRestored;
  /** Until then the campaign dials progressively: its rolling hour lacks the abandons from before (history lost). */
  final long progressiveUntil;
  /**
   * The moment the history read back into {@link #abandons} runs to (its answers and abandons at or before it are in
   * it); an answer or abandon this run did not dial itself counts into the figures only if later
   * ({@link CampaignReload#heard}). {@link Long#MIN_VALUE} when no history was read.
   */
  long historyAsOf = Long.MIN_VALUE;
  private final Map<String, PbxRun> byPbx = new LinkedHashMap<>();
  /** When the campaign's lines ended by ring cut ended, the last hour's (for supervisors). */
  private final java.util.ArrayDeque<Long> ringCuts = new java.util.ArrayDeque<>();

  CampaignRun(Campaign campaign, boolean historyRestored, long now) {
    this.campaign = campaign;
    this.historyRestored = historyRestored;
    this.progressiveUntil = historyRestored ? Long.MIN_VALUE : now + AbandonStats.HOUR;
  }

  /** Dials the campaign on this PBX too, through the PBX's originate throttle (shared by its campaigns). */
  void addPbx(AnsweredCalls.Pbx pbx, OriginateThrottle throttle, long now) {
    byPbx.put(pbx.name(), new PbxRun(this, pbx, new CampaignPacer(pacing(now), throttle, abandons)));
  }

  List<PbxRun> pbxRuns() {
    return new ArrayList<>(byPbx.values());
  }

  /** The run on the named PBX, or null. */
  PbxRun on(String pbx) {
    return byPbx.get(pbx);
  }

  long id() {
    return campaign.id();
  }

  /** A line of the campaign ended by ring cut at {@code now}. */
  void ringCutEnded(long now) {
    ringCuts.addLast(now);
    ringCutsHour(now);
  }

  /** Lines ended by ring cut in the last hour (since this run began: the count is not read back after a restart). */
  int ringCutsHour(long now) {
    while (!ringCuts.isEmpty() && ringCuts.peekFirst() <= now - AbandonStats.HOUR) {
      ringCuts.removeFirst();
    }
    return ringCuts.size();
  }

  /** Supervisors change mode and target while it runs: every PBX's pacer dials with the latest. */
  void update(Campaign latest, long now) {
    campaign = latest;
    for (PbxRun r : byPbx.values()) {
      r.pacer.settings(pacing(now));
    }
  }

  /** What the pacers dial with now. */
  PacingSettings pacing(long now) {
    return pacing(campaign, progressiveUntil, now);
  }

  /** The campaign's pacing, progressive before {@code progressiveUntil} (see {@link CampaignReload}). */
  static PacingSettings pacing(Campaign c, long progressiveUntil, long now) {
    PacingSettings s = settings(c);
    return now < progressiveUntil && s.mode() == DialMode.PREDICTIVE ? s.withMode(DialMode.PROGRESSIVE) : s;
  }

  static PacingSettings settings(Campaign c) {
    DialMode mode = c.dialMode() == Campaign.DialMode.PREDICTIVE ? DialMode.PREDICTIVE
        : c.dialMode() == Campaign.DialMode.PROGRESSIVE ? DialMode.PROGRESSIVE : DialMode.PREVIEW;
    return PacingSettings.forCampaign(mode, c.abandonTarget().doubleValue() / 100.0, c.amd(), c.ringCut());
  }
}
