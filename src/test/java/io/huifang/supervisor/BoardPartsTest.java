package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.dialer.DialerStatus;
import io.huifang.dialer.pacing.AbandonStats;
import io.vertx.core.json.JsonObject;
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
    assertEquals(BoardParts.Heard.CHANGED, onB.received(BoardParts.toJson("a", 5, List.of(agent(1, "pbx1",
        "paused")), live("pbx1", 3, 2, 80)).copy(), 10));
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
    assertEquals(BoardParts.Heard.CHANGED, onB.received(BoardParts.toJson("a", 5, List.of(agent(1, "pbx1",
        "ready")), null), 0));
    assertEquals(BoardParts.Heard.IGNORED, onB.received(BoardParts.toJson("a", 4, List.of(), null), 100),
        "an older part of a");
    assertEquals(BoardParts.Heard.IGNORED, onB.received(BoardParts.toJson("b", 9, List.of(), null), 100),
        "its own part, heard back");
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

  // ---- what travels: the rows that changed, numbered ------------------------------------------------------------

  private static Map<Long, String> states(BoardParts parts) {
    Map<Long, String> out = new java.util.TreeMap<>();
    parts.agents().forEach(a -> out.put(a.agentId(), a.state()));
    return out;
  }

  @Test
  void afterTheWholePartOnlyTheChangedAndGoneRowsTravel() {
    BoardParts onA = new BoardParts("a");
    BoardParts onB = new BoardParts("b");
    onB.own(List.of(), null, 0);
    onA.own(List.of(agent(1, "pbx1", "ready"), agent(2, "pbx1", "ready"), agent(3, "pbx1", "ready")), null, 0);
    JsonObject first = onA.outgoing(10);
    assertTrue(first.getBoolean("whole"), "the first message carries the whole part");
    assertEquals(3, first.getJsonArray("agents").size());
    assertEquals(BoardParts.Heard.CHANGED, onB.received(first.copy(), 0));

    onA.own(List.of(agent(1, "pbx1", "ready"), agent(2, "pbx1", "paused"), agent(4, "pbx1", "on_call")), null, 100);
    assertTrue(onA.ownChanged());
    JsonObject second = onA.outgoing(11);
    assertFalse(second.getBoolean("whole"));
    assertEquals(List.of(2L, 4L), second.getJsonArray("agents").stream()
        .map(r -> ((io.vertx.core.json.JsonArray) r).getLong(0)).toList(), "only the changed and new rows");
    assertEquals(List.of(3L), second.getJsonArray("gone").getList(), "the row gone, by id");
    assertFalse(second.containsKey("live"), "the dialer's part did not change: not sent");
    assertEquals(BoardParts.Heard.CHANGED, onB.received(second.copy(), 100));
    assertEquals(Map.of(1L, "ready", 2L, "paused", 4L, "on_call"), states(onB));

    assertFalse(onA.ownChanged(), "nothing changed since");
    onA.own(List.of(agent(1, "pbx1", "ready"), agent(2, "pbx1", "paused"), agent(4, "pbx1", "on_call")), null, 200);
    assertFalse(onA.ownChanged(), "the same rows read again are no change");
    JsonObject alive = onA.outgoing(12);
    assertEquals(0, alive.getJsonArray("agents").size());
    assertEquals(BoardParts.Heard.SAME, onB.received(alive.copy(), 2_100), "alive, nothing changed");
    assertFalse(onB.dropStale(2_100 + BoardParts.STALE_MS - 1), "the message that changed nothing kept it alive");
  }

  @Test
  void aMissedMessageIsNotPatchedOverTheWholePartIsAskedFor() {
    BoardParts onA = new BoardParts("a");
    BoardParts onB = new BoardParts("b");
    onA.own(List.of(agent(1, "pbx1", "ready"), agent(2, "pbx1", "ready")), null, 0);
    assertEquals(BoardParts.Heard.CHANGED, onB.received(onA.outgoing(1), 0));
    onA.own(List.of(agent(1, "pbx1", "paused"), agent(2, "pbx1", "ready")), null, 100);
    onA.outgoing(2); // lost on the way to b
    onA.own(List.of(agent(1, "pbx1", "paused"), agent(2, "pbx1", "on_call")), null, 200);
    assertEquals(BoardParts.Heard.GAP, onB.received(onA.outgoing(3), 200), "2 was missed");
    assertEquals(Map.of(1L, "ready", 2L, "ready"), states(onB), "nothing of a taken after the gap");
    assertEquals(BoardParts.Heard.GAP, onB.received(onA.outgoing(4), 300), "still missing: asks again");

    onA.wholeWanted(); // b's ask (LiveBoard.BOARD_RESEND)
    assertTrue(onA.ownChanged());
    JsonObject whole = onA.outgoing(5);
    assertTrue(whole.getBoolean("whole"));
    assertEquals(BoardParts.Heard.CHANGED, onB.received(whole, 400));
    assertEquals(Map.of(1L, "paused", 2L, "on_call"), states(onB), "the whole part: a's rows as they are now");
    onA.own(List.of(agent(1, "pbx1", "ready"), agent(2, "pbx1", "on_call")), null, 500);
    assertEquals(BoardParts.Heard.CHANGED, onB.received(onA.outgoing(6), 500), "numbered on from the whole part");
    assertEquals(Map.of(1L, "ready", 2L, "on_call"), states(onB));
    assertEquals(BoardParts.Heard.IGNORED, onB.received(onA.outgoing(6), 600), "a number heard twice");
  }

  @Test
  void aNodeJoiningLateTakesNothingBeforeTheWholePartAndGetsRowsGoneMeanwhile() {
    BoardParts onA = new BoardParts("a");
    onA.own(List.of(agent(1, "pbx1", "ready"), agent(2, "pbx1", "ready")), null, 0);
    onA.outgoing(1);
    onA.own(List.of(agent(1, "pbx1", "paused")), null, 100);
    BoardParts onC = new BoardParts("c");
    onC.own(List.of(agent(9, "pbx3", "ready")), null, 100);
    assertEquals(BoardParts.Heard.GAP, onC.received(onA.outgoing(2), 100), "a is new to c: a part of a delta");
    assertEquals(Set.of("c"), onC.nodes(), "nothing of a yet");
    assertEquals(Map.of(9L, "ready"), states(onC));

    // c's ask (LiveBoard.BOARD_RESEND): the whole part brings every row a has now.
    onA.wholeWanted();
    assertEquals(BoardParts.Heard.CHANGED, onC.received(onA.outgoing(3), 200));
    assertEquals(Map.of(1L, "paused", 9L, "ready"), states(onC), "agent 2 left before c joined: not shown");

    // A whole part also removes what a receiver held of that node and the node no longer has.
    BoardParts onD = new BoardParts("d");
    onD.received(BoardParts.toJson("a", 1, List.of(agent(1, "pbx1", "ready"), agent(2, "pbx1", "ready")), null), 0);
    assertEquals(BoardParts.Heard.CHANGED, onD.received(BoardParts.toJson("a", 9, List.of(agent(1, "pbx1",
        "paused")), null), 300));
    assertEquals(Map.of(1L, "paused"), states(onD), "agent 2, gone from a's whole part, gone here");
  }

  @Test
  void aNodeLeavingTakesItsRowsAndItsDialerWithItAndAnotherNodesLineShowsAgain() {
    BoardParts onB = new BoardParts("b");
    onB.own(List.of(agent(5, "pbx2", "ready"), agent(1, "pbx2", "logged_out")), live("pbx2", 1, 1, 10), 0);
    BoardParts onA = new BoardParts("a");
    onA.own(List.of(agent(1, "pbx1", "on_call"), agent(2, "pbx1", "ready")), live("pbx1", 3, 2, 80), 0);
    assertEquals(BoardParts.Heard.CHANGED, onB.received(onA.outgoing(1), 0));
    assertEquals(Map.of(1L, "on_call", 2L, "ready", 5L, "ready"), states(onB), "a's open line wins");
    assertEquals(2, onB.live().pbxes().size());

    onB.own(List.of(agent(5, "pbx2", "ready"), agent(1, "pbx2", "logged_out")), live("pbx2", 1, 1, 10), 4_000);
    assertFalse(onB.dropStale(BoardParts.STALE_MS - 1));
    assertTrue(onB.dropStale(BoardParts.STALE_MS), "a not heard from for 5 s");
    assertEquals(Map.of(1L, "logged_out", 5L, "ready"), states(onB),
        "a's agents gone; agent 1 shows b's own line, left closed");
    assertEquals(List.of("pbx2"), onB.live().pbxes().stream().map(DialerStatus.PbxLive::pbx).toList(),
        "a's PBX gone from the board");
    assertEquals(BoardParts.Heard.GAP, onB.received(onA.outgoing(2), 6_000),
        "a heard again after it dropped out: its whole part is asked for");
  }

  @Test
  void theDialersPartTravelsWhenItChangesAndStaysWhenItDoesNot() {
    BoardParts onA = new BoardParts("a");
    BoardParts onB = new BoardParts("b");
    onA.own(List.of(), live("pbx1", 3, 2, 80), 0);
    onB.received(onA.outgoing(1), 0);
    assertEquals(3, onB.live().campaigns().get(7L).ringing());
    onA.own(List.of(agent(1, "pbx1", "ready")), live("pbx1", 3, 2, 80), 100);
    onB.received(onA.outgoing(2), 100);
    assertEquals(3, onB.live().campaigns().get(7L).ringing(), "not sent, kept");
    onA.own(List.of(agent(1, "pbx1", "ready")), live("pbx1", 6, 2, 80), 200);
    JsonObject m = onA.outgoing(3);
    assertTrue(m.containsKey("live"));
    assertEquals(BoardParts.Heard.CHANGED, onB.received(m, 200));
    assertEquals(6, onB.live().campaigns().get(7L).ringing());
  }
}
