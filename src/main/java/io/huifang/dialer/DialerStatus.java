package io.huifang.dialer;

import io.huifang.campaign.Campaign;
import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
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
public final class DialerStatus {
  private DialerStatus() {
  }

  /** What the dialer does now, for the supervisors' live board: per dialled campaign, and per PBX. */
  public record Live(Map<Long, CampaignLive> campaigns, List<PbxLive> pbxes) {
  }

  /**
   * One dialled campaign now: lines per working agent and the pacer's reason; calls being placed (asked of the
   * scheduler or originated, not yet ringing), ringing, answered and waiting for an agent, talking to one; its
   * abandonment figures (the campaign's, every PBX); and its share on each PBX.
   */
  public record CampaignLive(long campaignId, double linesPerAgent, String why, String whyCode, int placing,
                             int ringing, int answeredWaiting, int talking, AbandonStats.Figures abandon,
                             List<PbxShare> pbxes) {
  }

  /** The code of the reason a run dials progressively for its first hour (its abandonment history was not read). */
  public static final String HISTORY_NOT_READ = "history_not_read";

  /** A campaign's share of one PBX. */
  public record PbxShare(String pbx, boolean up, int ringing, long dialled, int agentsWorking) {
  }

  /** One PBX, every campaign: up, lines ringing, agents talking, dialled since start, agents working. */
  public record PbxLive(String pbx, boolean up, int ringing, int talking, long dialled, int agentsWorking) {
  }

  /** Read on the telephony context. */
  static Live live(List<CampaignRun> runs, List<AnsweredCalls.Pbx> pbxes, long now) {
    Map<String, Map<Long, Integer>> talkingByPbx = new LinkedHashMap<>();
    for (AnsweredCalls.Pbx p : pbxes) {
      talkingByPbx.put(p.name(), talkingByCampaign(p));
    }
    Map<Long, CampaignLive> campaigns = new LinkedHashMap<>();
    Map<String, int[]> ringingByPbx = new LinkedHashMap<>();
    Map<String, long[]> dialledByPbx = new LinkedHashMap<>();
    for (CampaignRun r : runs) {
      int placing = 0;
      int ringing = 0;
      int waiting = 0;
      int talking = 0;
      int working = 0;
      int mostWorking = -1;
      String why = null;
      String whyCode = null;
      List<PbxShare> shares = new java.util.ArrayList<>();
      for (PbxRun p : r.pbxRuns()) {
        int pbxPlacing = p.requesting;
        int pbxRinging = 0;
        for (String id : p.ringing.keySet()) {
          Attempt a = p.pbx.tracker().live(id);
          if (a == null || a.state() == Attempt.State.DIALING) {
            pbxPlacing++;
          } else {
            pbxRinging++;
          }
        }
        int agents = workingAgents(p.pbx, p.campaignId());
        placing += pbxPlacing;
        ringing += pbxRinging;
        for (String id : p.answered) {
          Attempt a = p.pbx.tracker().live(id);
          if (a != null && a.agentId() == null) {
            waiting++;
          }
        }
        talking += talkingByPbx.getOrDefault(p.pbx.name(), Map.of()).getOrDefault(r.id(), 0);
        working += agents;
        if (agents > mostWorking) {
          mostWorking = agents;
          why = p.pacer.reason();
          whyCode = p.pacer.reasonCode().code();
        }
        shares.add(new PbxShare(p.pbx.name(), p.pbxConnected(), p.ringing.size(), p.dialled, agents));
        ringingByPbx.computeIfAbsent(p.pbx.name(), k -> new int[1])[0] += p.ringing.size();
        dialledByPbx.computeIfAbsent(p.pbx.name(), k -> new long[1])[0] += p.dialled;
      }
      if (now < r.progressiveUntil) {
        why = "progressive for an hour: the abandonment history could not be read";
        whyCode = HISTORY_NOT_READ;
      }
      int lines = placing + ringing + waiting + talking;
      campaigns.put(r.id(), new CampaignLive(r.id(), working == 0 ? 0 : Math.round(100.0 * lines / working) / 100.0,
          why, whyCode, placing, ringing, waiting, talking, r.abandons.figures(now), List.copyOf(shares)));
    }
    List<PbxLive> out = new java.util.ArrayList<>();
    for (AnsweredCalls.Pbx p : pbxes) {
      int talking = 0;
      for (int n : talkingByPbx.get(p.name()).values()) {
        talking += n;
      }
      out.add(new PbxLive(p.name(), p.tracker().ami().state() == io.huifang.pbx.ami.AmiClient.State.CONNECTED,
          ringingByPbx.getOrDefault(p.name(), new int[1])[0], talking,
          dialledByPbx.getOrDefault(p.name(), new long[1])[0], workingAgents(p, null)));
    }
    return new Live(campaigns, List.copyOf(out));
  }

  /** Agents on a call on this PBX, by the campaign of the call (0L: a call of no campaign). */
  private static Map<Long, Integer> talkingByCampaign(AnsweredCalls.Pbx pbx) {
    Map<Long, Integer> out = new java.util.HashMap<>();
    for (AgentLines.Line l : pbx.lines().lines()) {
      if (l.state() == AgentLines.LineState.ON_CALL && l.attemptId() != null) {
        Attempt a = pbx.tracker().live(l.attemptId());
        Long c = a == null ? null : a.request().campaignId();
        out.merge(c == null ? 0L : c, 1, Integer::sum);
      }
    }
    return out;
  }

  static JsonObject of(List<CampaignRun> runs, List<AnsweredCalls.Pbx> pbxes, long now) {
    JsonArray campaigns = new JsonArray();
    Map<String, JsonObject> byPbx = new LinkedHashMap<>();
    for (AnsweredCalls.Pbx p : pbxes) {
      byPbx.put(p.name(), new JsonObject().put("pbx", p.name()).put("connected", p.tracker().ami().state()
          == io.huifang.pbx.ami.AmiClient.State.CONNECTED).put("ringing", 0).put("dialled", 0L)
          .put("agentsWorking", workingAgents(p, null))
          // issue 22: does this node hold the PBX's lease, and how many originates the fence refused since start
          .put("owned", p.tracker().owned()).put("fencedOriginates", p.tracker().fencedOriginates())
          // answered calls whose FastAGI script the dialplan's timeout cut (their node frozen or cut off)
          .put("agiTimeouts", p.tracker().agiTimeouts()));
    }
    for (CampaignRun r : runs) {
      campaigns.add(campaign(r, now).put("priority", r.campaign.priority()).put("pool", pool(r, runs)));
      for (PbxRun p : r.pbxRuns()) {
        JsonObject total = byPbx.get(p.pbx.name());
        if (total != null) {
          total.put("ringing", total.getInteger("ringing") + p.ringing.size())
              .put("dialled", total.getLong("dialled") + p.dialled);
        }
      }
    }
    for (AnsweredCalls.Pbx p : pbxes) {
      byPbx.get(p.name()).put("pool", pool(p, runs, now));
    }
    return new JsonObject().put("campaigns", campaigns).put("pbxes", new JsonArray(List.copyOf(byPbx.values())));
  }

  /**
   * The campaign's share of the agent pool, every PBX: the working agents skilled for it (their skills, narrowed by
   * the campaign they chose) and of those the ones who serve another dialled campaign too.
   */
  private static JsonObject pool(CampaignRun r, List<CampaignRun> runs) {
    int skilled = 0;
    int shared = 0;
    for (PbxRun p : r.pbxRuns()) {
      for (AgentLines.Line l : p.pbx.lines().lines()) {
        if (LiveView.working(l) && l.serves(r.id())) {
          skilled++;
          if (servesOther(l, r, runs)) {
            shared++;
          }
        }
      }
    }
    return new JsonObject().put("agentsSkilled", skilled).put("agentsShared", shared);
  }

  private static boolean servesOther(AgentLines.Line l, CampaignRun r, List<CampaignRun> runs) {
    for (CampaignRun other : runs) {
      if (other != r && l.serves(other.id())) {
        return true;
      }
    }
    return false;
  }

  /**
   * One PBX's pool: the dialled campaigns in the order they plan (priority), its working agents serving at least one
   * of them, and of those the ones serving several (the campaigns sharing them decide together).
   */
  private static JsonObject pool(AnsweredCalls.Pbx pbx, List<CampaignRun> runs, long now) {
    JsonArray order = new JsonArray();
    List<PbxRun> here = new java.util.ArrayList<>();
    for (CampaignRun r : runs) {
      order.add(r.id());
      PbxRun p = r.on(pbx.name());
      if (p != null) {
        here.add(p);
      }
    }
    LivePoolView pool = new LivePoolView(pbx.lines().lines(), here, now);
    return new JsonObject().put("campaigns", order).put("agents", pool.agents())
        .put("agentsShared", pool.sharedAgents());
  }

  /** One campaign: the figures supervisors are held to, and the lines on each PBX. */
  private static JsonObject campaign(CampaignRun r, long now) {
    AbandonStats.Figures f = r.abandons.figures(now);
    JsonArray perPbx = new JsonArray();
    int ringing = 0;
    long dialled = 0;
    long agiTimeouts = 0;
    CampaignPacer.Plan cautious = null;
    for (PbxRun p : r.pbxRuns()) {
      CampaignPacer.Plan plan = p.pacer.plan(now);
      perPbx.add(pbx(p, plan));
      ringing += p.ringing.size();
      dialled += p.dialled;
      agiTimeouts += p.pbx.tracker().agiTimeouts(r.id());
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
        // ring cut: whether the campaign may end long-ringing lines, and the lines it ended in the last hour
        .put("ringCut", r.campaign.ringCut()).put("ringCutsHour", r.ringCutsHour(now))
        // its answered calls whose FastAGI script the dialplan's timeout cut, since this node's start (the node
        // following each call counts it): customers sent to the safe-harbor message because a node stopped answering
        .put("agiTimeouts", agiTimeouts)
        // the most cautious PBX's plan: the one the campaign's budget holds back most
        .put("plannedAbandonRate", cautious == null ? 0.0 : cautious.plannedAbandonRate())
        .put("calibration", cautious == null ? null : cautious.calibration())
        // false: the figures count only since the campaign started dialling (its history could not be read)
        .put("abandonHistoryRestored", r.historyRestored)
        .put("why", why(r))
        .put("pbxes", perPbx);
  }

  /** The pacer's reason on the PBX with the most agents working for the campaign. */
  private static String why(CampaignRun r) {
    String why = null;
    int most = -1;
    for (PbxRun p : r.pbxRuns()) {
      int agents = workingAgents(p.pbx, p.campaignId());
      if (agents > most) {
        most = agents;
        why = p.pacer.reason();
      }
    }
    return why;
  }

  private static JsonObject pbx(PbxRun p, CampaignPacer.Plan plan) {
    return new JsonObject().put("pbx", p.pbx.name()).put("ringing", p.ringing.size()).put("dialled", p.dialled)
        .put("agentsWorking", workingAgents(p.pbx, p.campaignId()))
        .put("agiTimeouts", p.pbx.tracker().agiTimeouts(p.campaignId()))
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
