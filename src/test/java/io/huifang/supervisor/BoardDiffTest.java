package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoardDiffTest {

  private static JsonObject row(long id, String state, long since) {
    return new JsonObject().put("agentId", id).put("state", state).put("since", since).put("customer", null);
  }

  private static BoardState board(long at, JsonArray campaigns, Map<Long, JsonObject> rows) {
    Map<String, Object> sections = new LinkedHashMap<>();
    sections.put("campaigns", campaigns);
    sections.put("pbxes", new JsonArray().add(new JsonObject().put("pbx", "pbx-1").put("up", true)));
    return new BoardState(at, sections, rows);
  }

  private static JsonArray campaigns(int ringing) {
    return new JsonArray().add(new JsonObject().put("campaignId", 1)
        .put("calls", new JsonObject().put("ringing", ringing)));
  }

  @Test
  void nothingChangedIsNull() {
    Map<Long, JsonObject> rows = Map.of(17L, row(17, "on_call", 1000));
    BoardState a = board(5000, campaigns(3), rows);
    BoardState b = board(9000, campaigns(3), Map.of(17L, row(17, "on_call", 1000)));
    assertNull(BoardDiff.changed(a, b), "talk time ticking on is no change");
  }

  @Test
  void onlyChangedSectionsAndRows() {
    Map<Long, JsonObject> before = new LinkedHashMap<>();
    Map<Long, JsonObject> after = new LinkedHashMap<>();
    for (long id = 1; id <= 500; id++) {
      before.put(id, row(id, "ready", 1000));
      after.put(id, row(id, "ready", 1000));
    }
    after.put(42L, row(42, "on_call", 4000));
    after.remove(7L);
    after.put(501L, row(501, "paused", 4500));
    JsonObject changed = BoardDiff.changed(board(1000, campaigns(3), before), board(5000, campaigns(4), after));
    assertEquals(java.util.Set.of("campaigns", "agents"), changed.fieldNames(), changed.encode());
    JsonObject rows = changed.getJsonObject("agents").getJsonObject("rows");
    assertEquals(java.util.Set.of("42", "7", "501"), rows.fieldNames());
    assertTrue(rows.containsKey("7") && rows.getValue("7") == null, "a row gone is null");
    assertEquals("on_call", rows.getJsonObject("42").getString("state"));
    assertEquals(1, rows.getJsonObject("42").getLong("talkSeconds"), "talk seconds at the update's time");
    assertNull(rows.getJsonObject("501").getValue("talkSeconds"), "not on a call: no talk time");
  }

  @Test
  void theSnapshotCarriesEverythingWithSeq() {
    BoardState s = board(61_000, campaigns(2), Map.of(9L, row(9, "on_call", 1000)));
    JsonObject json = s.toJson(41);
    assertEquals(41, json.getLong("seq"));
    assertEquals(61_000, json.getLong("at"));
    assertEquals(60, json.getJsonObject("agents").getJsonObject("rows").getJsonObject("9").getLong("talkSeconds"));
    assertEquals(2, json.getJsonArray("campaigns").getJsonObject(0).getJsonObject("calls").getInteger("ringing"));
  }

  private static BoardState built(BoardBuilder.Rows rows, java.util.List<LiveAgent> agents, JsonObject figures,
                                  Map<Long, io.huifang.core.User> users) {
    return BoardBuilder.build(new BoardBuilder.Inputs(5000, java.util.List.of(), Map.of(), null, agents, figures,
        users, THRESHOLDS), rows);
  }

  private static final JsonObject THRESHOLDS = Thresholds.defaults();

  private static LiveAgent agent(long id, String state) {
    return new LiveAgent(id, "pbx1", state, 1000L, null, null, null, null);
  }

  @Test
  void rowsOfAgentsWhoseLineDidNotChangeAreKeptAndTheDiffFindsTheRest() {
    BoardBuilder.Rows rows = new BoardBuilder.Rows();
    Map<Long, io.huifang.core.User> users = new java.util.HashMap<>();
    JsonObject figures = new JsonObject();
    BoardState first = built(rows, java.util.List.of(agent(1, "ready"), agent(2, "ready"), agent(3, "ready")),
        figures, users);
    BoardState second = built(rows, java.util.List.of(agent(1, "ready"), agent(2, "paused"), agent(4, "ready")),
        figures, users);
    assertTrue(first.rows().get(1L) == second.rows().get(1L), "agent 1 unchanged: the same row, not built again");
    assertTrue(first.rows().get(2L) != second.rows().get(2L));
    assertEquals("paused", second.rows().get(2L).getString("state"));
    assertEquals(Map.of(1L, "ready", 2L, "ready", 3L, "ready"), states(first), "the first board kept as it was");
    JsonObject rowsChanged = BoardDiff.changed(first, second).getJsonObject("agents").getJsonObject("rows");
    assertEquals(java.util.Set.of("2", "3", "4"), rowsChanged.fieldNames());
    assertNull(rowsChanged.getValue("3"), "agent 3 gone");

    users.put(1L, new io.huifang.core.User(1, "li", "李", io.huifang.core.Role.AGENT, true, false, null, null));
    rows.namesChanged();
    BoardState named = built(rows, java.util.List.of(agent(1, "ready"), agent(2, "paused"), agent(4, "ready")),
        figures, users);
    assertEquals("李", named.rows().get(1L).getString("name"), "a name learnt: every row built again");
    BoardState figured = built(rows, java.util.List.of(agent(1, "ready"), agent(2, "paused"), agent(4, "ready")),
        new JsonObject().put("agents", new JsonObject().put("4", new JsonObject().put("today", 7))), users);
    assertEquals(7, figured.rows().get(4L).getInteger("today"), "new figures: every row built again");
    assertEquals(java.util.Set.of("4"), BoardDiff.changed(named, figured).getJsonObject("agents")
        .getJsonObject("rows").fieldNames());
  }

  private static Map<Long, String> states(BoardState b) {
    Map<Long, String> out = new java.util.TreeMap<>();
    b.rows().forEach((id, r) -> out.put(id, r.getString("state")));
    return out;
  }
}
