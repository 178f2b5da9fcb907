package io.huifang.dialer;

import io.huifang.campaign.Campaign;
import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dialer is doing, for supervisors ({@code GET /api/dialer}): per campaign its abandonment figures (the
 * campaign's, over every PBX), its lines summed over the PBXes and each PBX's share; and per PBX its lines summed
 * over the campaigns. Built on the telephony context.
 */
final class DialerStatus {
  private DialerStatus() {
  }

  static JsonObject of(List<CampaignRun> runs, List<AnsweredCalls.Pbx> pbxes, long now) {
    JsonArray campaigns = new JsonArray();
    Map<String, JsonObject> byPbx = new LinkedHashMap<>();
    for (AnsweredCalls.Pbx p : pbxes) {
      byPbx.put(p.name(), new JsonObject().put("pbx", p.name()).put("connected", p.tracker().ami().state()
          == io.huifang.pbx.ami.AmiClient.State.CONNECTED).put("ringing", 0).put("dialled", 0L)
          .put("agentsWorking", workingAgents(p, null)));
    }
    for (CampaignRun r : runs) {
      campaigns.add(campaign(r, now));
      for (PbxRun p : r.pbxRuns()) {
        JsonObject total = byPbx.get(p.pbx.name());
        if (total != null) {
          total.put("ringing", total.getInteger("ringing") + p.ringing.size())
              .put("dialled", total.getLong("dialled") + p.dialled);
        }
      }
    }
    return new JsonObject().put("campaigns", campaigns).put("pbxes", new JsonArray(List.copyOf(byPbx.values())));
  }

  /** One campaign: the figures supervisors are held to, and the lines on each PBX. */
  private static JsonObject campaign(CampaignRun r, long now) {
    AbandonStats.Figures f = r.abandons.figures(now);
    JsonArray perPbx = new JsonArray();
    int ringing = 0;
    long dialled = 0;
    CampaignPacer.Plan cautious = null;
    for (PbxRun p : r.pbxRuns()) {
      CampaignPacer.Plan plan = p.pacer.plan(now);
      perPbx.add(pbx(p, plan));
      ringing += p.ringing.size();
      dialled += p.dialled;
      if (cautious == null || plan.plannedAbandonRate() < cautious.plannedAbandonRate()) {
        cautious = plan;
      }
    }
    return new JsonObject().put("campaignId", r.id()).put("mode", Campaign.id(r.campaign.dialMode()))
        .put("ringing", ringing).put("dialled", dialled)
        .put("abandonRateHour", f.hour().rate())
        .put("abandonRate24h", f.day().rate())
        .put("abandonRate30d", f.month().rate())
        // the counts behind the hour's rate: how close the next abandon brings it to the target
        .put("liveAnsweredHour", f.hour().liveAnswered())
        .put("abandonedHour", f.hour().abandoned())
        // the most cautious PBX's plan: the one the campaign's budget holds back most
        .put("plannedAbandonRate", cautious == null ? 0.0 : cautious.plannedAbandonRate())
        .put("calibration", cautious == null ? null : cautious.calibration())
        // false: the figures count only since the campaign started dialling (its history could not be read)
        .put("abandonHistoryRestored", r.historyRestored)
        .put("pbxes", perPbx);
  }

  private static JsonObject pbx(PbxRun p, CampaignPacer.Plan plan) {
    return new JsonObject().put("pbx", p.pbx.name()).put("ringing", p.ringing.size()).put("dialled", p.dialled)
        .put("agentsWorking", workingAgents(p.pbx, p.campaignId()))
        .put("plannedAbandonRate", plan.plannedAbandonRate()).put("calibration", plan.calibration());
  }

  /** Agents on this PBX working (ready, on a call or in wrap-up) for the campaign, or for any when null. */
  private static int workingAgents(AnsweredCalls.Pbx pbx, Long campaignId) {
    int n = 0;
    for (AgentLines.Line l : pbx.lines().lines()) {
      if (LiveView.working(l) && (campaignId == null || l.serves(campaignId))) {
        n++;
      }
    }
    return n;
  }
}
