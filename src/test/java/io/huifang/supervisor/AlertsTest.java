package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsTest {
  private final List<String> told = new ArrayList<>();
  private final Alerts alerts = new Alerts((what, a) -> told.add(what + " " + a.getString("id") + " "
      + a.getString("severity")));

  private static JsonObject campaign(double hourRate, long liveAnswered, Long remaining, long due, int ready,
                                     boolean paused) {
    return new JsonObject().put("campaignId", 1).put("mode", "predictive").put("paused", paused)
        .put("abandon", new JsonObject().put("limit", 0.03).put("hour", new JsonObject().put("rate", hourRate)
            .put("abandoned", 1).put("liveAnswered", liveAnswered)))
        .put("list", remaining == null ? null : new JsonObject().put("due", due).put("remaining", remaining)
            .putNull("idleReason"))
        .put("agents", new JsonObject().put("ready", ready).put("reserved", 0).put("onCall", 0));
  }

  private static BoardState board(JsonObject campaign, boolean pbxUp, Map<Long, JsonObject> rows) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("thresholds", Thresholds.defaults());
    s.put("campaigns", new JsonArray().add(campaign));
    s.put("pbxes", new JsonArray().add(new JsonObject().put("pbx", "pbx-1").put("up", pbxUp)));
    return new BoardState(0, s, rows);
  }

  private List<String> ids(JsonArray open) {
    return open.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  void abandonmentNearTheLimitWarnsAndOverItIsCritical() {
    assertEquals(List.of(), ids(alerts.update(board(campaign(0.020, 100, null, 0, 1, false), true, Map.of()), 0)));
    JsonArray open = alerts.update(board(campaign(0.025, 100, null, 0, 1, false), true, Map.of()), 1000);
    assertEquals(List.of("abandon-1"), ids(open));
    assertEquals("warn", open.getJsonObject(0).getString("severity"));
    open = alerts.update(board(campaign(0.031, 100, null, 0, 1, false), true, Map.of()), 2000);
    assertEquals("critical", open.getJsonObject(0).getString("severity"));
    assertEquals(1000, open.getJsonObject(0).getLong("since"), "the same alert, still open since it was raised");
    alerts.update(board(campaign(0.01, 100, null, 0, 1, false), true, Map.of()), 3000);
    assertEquals(List.of("raised abandon-1 warn", "cleared abandon-1 critical"), told);
  }

  @Test
  void aListNearlyExhaustedAndNobodyReadyForAMinute() {
    JsonObject c = campaign(0, 0, 10L, 1000, 0, false);
    assertEquals(List.of("list-1"), ids(alerts.update(board(c, true, Map.of()), 0)));
    assertEquals(List.of("list-1"), ids(alerts.update(board(c, true, Map.of()), 59_000)));
    assertEquals(List.of("list-1", "noready-1"), ids(alerts.update(board(c, true, Map.of()), 60_000)));
    JsonObject someoneReady = campaign(0, 0, 10L, 1000, 1, false);
    assertEquals(List.of("list-1"), ids(alerts.update(board(someoneReady, true, Map.of()), 61_000)));
    assertEquals(List.of(), ids(alerts.update(board(campaign(0, 0, 10L, 1000, 0, true), true, Map.of()), 62_000)),
        "a paused campaign is not dialling: neither alert");
    assertEquals(List.of(), ids(alerts.update(board(campaign(0, 0, null, 0, 0, false), true, Map.of()), 63_000)),
        "no figures: no list alert, never a guess");
  }

  @Test
  void aPbxDownAndAnAgentPausedTooLong() {
    JsonObject row = new JsonObject().put("agentId", 17).put("state", "paused").put("since", 0)
        .put("pauseReason", "break").put("pauseLimitSeconds", 900).put("campaignId", 1);
    JsonObject c = campaign(0, 0, null, 0, 1, false);
    assertEquals(List.of("pbx-pbx-1"), ids(alerts.update(board(c, false, Map.of(17L, row)), 900_000)));
    assertEquals(List.of("pbx-pbx-1", "paused-17"), ids(alerts.update(board(c, false, Map.of(17L, row)), 900_001)));
    assertEquals(List.of("paused-17"), ids(alerts.update(board(c, true, Map.of(17L, row)), 900_002)));
    assertEquals(List.of(), ids(alerts.update(board(c, true, Map.of()), 900_003)));
    assertEquals(List.of("raised pbx-pbx-1 critical", "raised paused-17 warn", "cleared pbx-pbx-1 critical",
        "cleared paused-17 warn"), told);
  }
}
