package io.huifang.dialer;

import static io.huifang.telephony.AgentLines.LineState.ON_CALL;
import static io.huifang.telephony.AgentLines.LineState.PAUSED;
import static io.huifang.telephony.AgentLines.LineState.READY;
import static io.huifang.telephony.AgentLines.LineState.WRAP_UP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.campaign.Campaign;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.PacerView;
import io.huifang.dialer.pacing.PoolPlanner;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.TestLines;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live dialer's view of one PBX's pool (issue 23, agents shared across campaigns): which working agents serve
 * which campaign, each campaign's own ringing lines and asked-for tasks, and which campaigns share agents.
 */
class LivePoolViewTest {
  private static final long NOW = 1_765_000_000_000L;
  private static final Instant T = Instant.ofEpochMilli(NOW);
  private static final long CSI = 11;
  private static final long SSI = 22;
  private static final long OTHER = 33;

  @Test
  void agentsServeTheCampaignsOfTheirSkillsNarrowedByTheirChoice() {
    PbxRun csi = run(CSI, 2);
    PbxRun ssi = run(SSI, 5);
    List<AgentLines.Line> lines = List.of(
        TestLines.line(1, READY, T.minusSeconds(30), CSI),
        TestLines.line(2, ON_CALL, T.minusSeconds(20), CSI, SSI),
        TestLines.line(3, WRAP_UP, T.minusSeconds(10)),
        TestLines.line(4, PAUSED, T.minusSeconds(5)),
        TestLines.line(5, READY, T.minusSeconds(5), OTHER),
        TestLines.choosing(TestLines.line(6, READY, T.minusSeconds(3), CSI, SSI), SSI));
    LivePoolView v = new LivePoolView(lines, List.of(csi, ssi), NOW);
    assertEquals(2, v.campaigns());
    assertEquals(4, v.agents(), "working agents serving one of the campaigns: not the paused one, not campaign 33's");
    boolean[][] skilled = new boolean[4][2];
    for (int a = 0; a < 4; a++) {
      for (int c = 0; c < 2; c++) {
        skilled[a][c] = v.skilled(a, c);
      }
    }
    assertArrayEquals(new boolean[] {true, false}, skilled[0], "CSI only");
    assertArrayEquals(new boolean[] {true, true}, skilled[1], "both");
    assertArrayEquals(new boolean[] {true, true}, skilled[2], "no skills listed: every campaign");
    assertArrayEquals(new boolean[] {false, true}, skilled[3], "skilled for both, chose SSI");
    assertEquals(PacerView.Activity.FREE, v.activity(0));
    assertEquals(PacerView.Activity.TALKING, v.activity(1));
    assertEquals(PacerView.Activity.WRAP_UP, v.activity(2));
    assertEquals(NOW - 20_000, v.activitySince(1));
    assertEquals(2, v.sharedAgents(), "agents 2 and 3; agent 6 chose SSI");
  }

  @Test
  void eachCampaignCountsItsOwnRingingLinesAndTheTasksItAskedFor() {
    PbxRun csi = run(CSI, 2);
    PbxRun ssi = run(SSI, 5);
    csi.ringing.put("a", NOW - 4000);
    csi.ringing.put("b", NOW - 1000);
    csi.requesting = 1;
    ssi.requesting = 2;
    LivePoolView v = new LivePoolView(List.of(TestLines.line(1, READY, T)), List.of(csi, ssi), NOW);
    assertEquals(3, v.ringingLines(0));
    assertEquals(NOW - 4000, v.ringingSince(0, 0));
    assertEquals(NOW - 1000, v.ringingSince(0, 1));
    assertEquals(NOW, v.ringingSince(0, 2), "asked of the scheduler: ringing from now");
    assertEquals(2, v.ringingLines(1));
    assertEquals(0, v.answeredWaiting(0));
  }

  @Test
  void campaignsDecideTogetherOnlyWhenAgentsServeThemBoth() {
    PbxRun csi = run(CSI, 1);
    PbxRun ssi = run(SSI, 2);
    PbxRun other = run(OTHER, 3);
    List<AgentLines.Line> apart = List.of(TestLines.line(1, READY, T, CSI), TestLines.line(2, READY, T, SSI),
        TestLines.line(3, READY, T, OTHER));
    assertEquals(List.of(List.of(csi), List.of(ssi), List.of(other)),
        LivePoolView.sharingAgents(apart, List.of(csi, ssi, other)));
    List<AgentLines.Line> chained = List.of(TestLines.line(1, READY, T, CSI, OTHER),
        TestLines.line(2, ON_CALL, T, SSI), TestLines.line(3, PAUSED, T, SSI, OTHER));
    assertEquals(List.of(List.of(csi, other), List.of(ssi)),
        LivePoolView.sharingAgents(chained, List.of(csi, ssi, other)),
        "CSI and 33 share agent 1, in priority order; a paused agent joins nobody");
    List<AgentLines.Line> anyone = List.of(TestLines.line(1, WRAP_UP, T));
    assertEquals(List.of(List.of(csi, ssi, other)), LivePoolView.sharingAgents(anyone, List.of(csi, ssi, other)));
  }

  /**
   * Progressive: two campaigns sharing three free agents dial three lines together, not three each, handed out in
   * turn, the one of higher priority first. Each pacer planning alone over the same agents (as before the pool) would
   * dial six; with strict priority the first would dial all three and the second none.
   */
  @Test
  void twoProgressiveCampaignsSharingFreeAgentsDialOneLinePerFreeAgentTogether() {
    PbxRun first = run(CSI, 1);
    PbxRun second = run(SSI, 5);
    List<AgentLines.Line> lines = List.of(TestLines.line(1, READY, T, CSI, SSI), TestLines.line(2, READY, T),
        TestLines.line(3, READY, T, CSI, SSI));
    int[] n = new PoolPlanner().linesToDial(new LivePoolView(lines, List.of(first, second), NOW),
        List.of(first.pacer, second.pacer), NOW);
    assertArrayEquals(new int[] {2, 1}, n);
    first.requesting = 2; // asked of the scheduler: the next decision counts them
    second.requesting = 1;
    int[] next = new PoolPlanner().linesToDial(new LivePoolView(lines, List.of(first, second), NOW + 10),
        List.of(first.pacer, second.pacer), NOW + 10);
    assertArrayEquals(new int[] {0, 0}, next, "nothing more while the three lines ring");
  }

  static PbxRun run(long campaignId, int priority) {
    Campaign c = campaign(campaignId, priority);
    CampaignRun r = new CampaignRun(c, true, NOW);
    return new PbxRun(r, null, new CampaignPacer(r.pacing(NOW), new OriginateThrottle(100), r.abandons));
  }

  /** A progressive campaign with that id and priority. */
  static Campaign campaign(long id, int priority) {
    Campaign c = Campaign.fromJson(new JsonObject().put("name", "campaign " + id).put("kind", "csi")
        .put("dealerIds", new JsonArray().add(1)).put("dialMode", "progressive").put("priority", priority), null);
    return new Campaign(id, c.name(), c.kind(), c.questionnaire(), c.dealerIds(), c.rules(), c.deadlineBasis(),
        c.deadlineHours(), c.maxAttempts(), c.dialMode(), c.abandonTarget(), c.callerId(), c.recordingPolicy(),
        c.active(), c.wrapUpSeconds(), c.amd(), c.ringCut(), c.priority());
  }
}
