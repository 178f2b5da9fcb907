package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.dialer.DialerStatus;
import io.huifang.dialer.pacing.AbandonStats;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every node's part of the board merged (docs/cluster.md, "The board across nodes"), with the time given. */
class BoardPartsTest {
  private static LiveAgent agent(long id, String pbx, String state) {
    return new LiveAgent(id, pbx, state, 1_000L, null, 7L, null, null);
  }

  private static DialerStatus.CampaignLive campaign(String pbx, int ringing, int agents, long answered) {
    AbandonStats.Figure f = new AbandonStats.Figure(answered, 1);
    return new DialerStatus.CampaignLive(7, 1.0, "why " + pbx, "code", 1, ringing, 0, agents,
        new AbandonStats.Figures(f, f, f), List.of(new DialerStatus.PbxShare(pbx, true, ringing, 10, agents)));
  }

  private static DialerStatus.Live live(String pbx, int ringing, int agents, long answered) {
    return new DialerStatus.Live(Map.of(7L, campaign(pbx, ringing, agents, answered)),
        List.of(new DialerStatus.PbxLive(pbx, true, ringing, agents, 10, agents)));
  }

  @Test
  void aPartSurvivesTheWireAndMergesWithTheOwnPart() {
    BoardParts onB = new BoardParts("b");
    onB.own(List.of(agent(2, "pbx2", "ready")), live("pbx2", 1, 1, 50), 0);
    assertTrue(onB.received(BoardParts.toJson("a", 5, List.of(agent(1, "pbx1", "paused")), live("pbx1", 3, 2, 80))
        .copy(), 10));
    assertEquals(Set.of("a", "b"), onB.nodes());
    assertEquals(List.of(1L, 2L), onB.agents().stream().map(LiveAgent::agentId).sorted().toList());
    assertEquals(agent(1, "pbx1", "paused"), onB.agents().stream().filter(x -> x.agentId() == 1).findFirst()
        .orElseThrow(), "every field of a row crosses");
    DialerStatus.Live merged = onB.live();
    assertEquals(List.of("pbx1", "pbx2"), merged.pbxes().stream().map(DialerStatus.PbxLive::pbx).toList());
    DialerStatus.CampaignLive c = merged.campaigns().get(7L);
    assertEquals(4, c.ringing(), "calls summed over the nodes");
    assertEquals(2, c.pbxes().size(), "each node's PBX share");
    assertEquals("why pbx1", c.why(), "the reason of the share with the most working agents");
    assertEquals(80, c.abandon().hour().liveAnswered(), "the node with the most answered calls, not a sum");
    assertEquals(Math.round(100.0 * (2 + 4 + 3) / 3) / 100.0, c.linesPerAgent());
  }

  @Test
  void anOlderPartIsIgnoredAndASilentNodeDropsOut() {
    BoardParts onB = new BoardParts("b");
    onB.own(List.of(), null, 0);
    assertTrue(onB.received(BoardParts.toJson("a", 5, List.of(agent(1, "pbx1", "ready")), null), 0));
    assertFalse(onB.received(BoardParts.toJson("a", 4, List.of(), null), 100), "an older part of a");
    assertFalse(onB.received(BoardParts.toJson("b", 9, List.of(), null), 100), "its own part, heard back");
    assertEquals(1, onB.agents().size());
    assertFalse(onB.dropStale(BoardParts.STALE_MS - 1));
    assertTrue(onB.dropStale(BoardParts.STALE_MS), "a not heard from for 5 s");
    assertEquals(List.of(), onB.agents(), "its agents leave the board");
    assertEquals(Set.of("b"), onB.nodes(), "the node's own part stays");
  }

  @Test
  void anAgentWithAnOpenLineOnOneNodeWinsOverALineLeftClosedOnAnother() {
    BoardParts onA = new BoardParts("a");
    onA.own(List.of(agent(1, "pbx1", "logged_out")), null, 0);
    onA.received(BoardParts.toJson("b", 1, List.of(agent(1, "pbx2", "on_call")), null), 0);
    assertEquals("on_call", onA.agents().get(0).state());
  }

  @Test
  void aNodeKeepsOnlyThePbxesItOwns() {
    DialerStatus.Live both = new DialerStatus.Live(Map.of(7L, new DialerStatus.CampaignLive(7, 1, "w", "c", 0, 0, 0,
        0, null, List.of(new DialerStatus.PbxShare("pbx1", true, 0, 0, 0),
        new DialerStatus.PbxShare("pbx2", true, 0, 0, 0))), 8L, campaign("pbx2", 0, 0, 0)),
        List.of(new DialerStatus.PbxLive("pbx1", true, 0, 0, 0, 0), new DialerStatus.PbxLive("pbx2", true, 0, 0, 0, 0)));
    DialerStatus.Live mine = BoardParts.owned(both, Set.of("pbx1"));
    assertEquals(Set.of(7L), mine.campaigns().keySet(), "a campaign with no share on an owned PBX is not this node's");
    assertEquals(1, mine.campaigns().get(7L).pbxes().size());
    assertEquals(List.of("pbx1"), mine.pbxes().stream().map(DialerStatus.PbxLive::pbx).toList());
    assertEquals(List.of(1L), BoardParts.owned(List.of(agent(1, "pbx1", "ready"), agent(2, "pbx2", "ready")),
        Set.of("pbx1")).stream().map(LiveAgent::agentId).toList());
  }

  @Test
  void theFirstNodeByNameRecordsTheAlerts() {
    BoardParts onB = new BoardParts("b");
    onB.own(List.of(), null, 0);
    assertTrue(onB.recordsForAll(), "alone");
    onB.received(BoardParts.toJson("a", 1, List.of(), null), 0);
    assertFalse(onB.recordsForAll(), "a records them");
    onB.dropStale(BoardParts.STALE_MS);
    assertTrue(onB.recordsForAll(), "a gone: b records them");
  }
}
