package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The supervisors' live board over the real server (embedded PostgreSQL, PBX emulator whose customers answer in 1–2 s
 * and talk ten minutes): the snapshot a supervisor's page gets, the updates as agents change, steering (a campaign
 * paused and resumed, an agent paused after the call, an agent signed out), and that agents and QA see none of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithServer(scenario = DeskFixture.SCENARIO)
class SupervisorBoardIT {
  @Injected
  TestServer server;
  DeskFixture f;
  Http supervisor;

  @BeforeAll
  void prepare() throws Exception {
    f = DeskFixture.prepare(server, 40, 0);
    supervisor = Http.userWithRole(server, f.admin, "zhu.guan", "supervisor");
    // A campaign created a moment ago reaches the board with its next read of the campaigns (every few seconds).
    Await.atMost(Duration.ofSeconds(15)).until("the campaign on the board",
        () -> supervisor.get("/api/supervisor/board").json().getJsonArray("campaigns"),
        a -> a.stream().anyMatch(o -> ((JsonObject) o).getLong("campaignId") == f.campaign));
  }

  /** A page's socket: every text message, and how it closed. */
  static final class Page {
    final List<JsonObject> messages = new CopyOnWriteArrayList<>();
    volatile Integer closedWith;
    WebSocket socket;

    List<JsonObject> ofType(String prefix) {
      return messages.stream().filter(m -> m.getString("type", "").startsWith(prefix)).toList();
    }

    JsonObject await(String what, Duration within, Predicate<JsonObject> match) {
      return Await.atMost(within).until(what, () -> messages.stream().filter(match).findFirst().orElse(null),
          m -> m != null);
    }
  }

  Page open(Http user) throws Exception {
    Page p = new Page();
    p.socket = user.client().newWebSocketBuilder().buildAsync(f.wsUri(), new WebSocket.Listener() {
      final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          p.messages.add(new JsonObject(partial.toString()));
          partial.setLength(0);
        }
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
        p.closedWith = code;
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    return p;
  }

  static long id(Http user) {
    return user.get("/api/me").json().getJsonObject("user").getLong("id");
  }

  static JsonObject campaignOf(JsonObject board, long campaignId) {
    for (Object o : board.getJsonArray("campaigns")) {
      if (((JsonObject) o).getLong("campaignId") == campaignId) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("campaign " + campaignId + " not on the board: " + board.getJsonArray("campaigns"));
  }

  /** The row of the agent in an update, or null when the update does not carry it. */
  static JsonObject rowIn(JsonObject update, long agentId) {
    JsonObject agents = update.getJsonObject("changed").getJsonObject("agents");
    return agents == null ? null : agents.getJsonObject("rows").getJsonObject(Long.toString(agentId));
  }

  @Test
  @Order(1)
  void aSupervisorsPageGetsTheBoardThenTheChangesAsAgentsMove() throws Exception {
    Page page = open(supervisor);
    JsonObject snapshot = page.await("the snapshot", Duration.ofSeconds(5), m -> "sup.snapshot".equals(m.getString("type")));
    JsonObject board = snapshot.getJsonObject("board");
    JsonObject c = campaignOf(board, f.campaign);
    assertEquals("售后回访 desk", c.getString("name"));
    assertEquals("progressive", c.getString("mode"));
    assertEquals(false, c.getBoolean("paused"));
    assertEquals(0.03, c.getJsonObject("abandon").getDouble("limit"), 1e-9);
    assertNotNull(board.getJsonObject("thresholds").getJsonObject("stateSeconds"), board.encode());
    assertEquals(1, board.getJsonArray("pbxes").size(), board.encode());
    assertEquals(true, board.getJsonArray("pbxes").getJsonObject(0).getBoolean("up"));
    assertEquals(board.getLong("seq"), supervisor.get("/api/supervisor/board").json().getLong("seq") + 0,
        "GET gives the same board while nothing changes");

    Http agent = f.agent("wang.fang");
    long agentId = id(agent);
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    JsonObject opened = page.await("the agent's line on the board", Duration.ofSeconds(3),
        m -> "sup.update".equals(m.getString("type")) && rowIn(m, agentId) != null);
    assertEquals("paused", rowIn(opened, agentId).getString("state"), opened.encode());
    // a user new to the board is looked up by id: the name follows within the next update
    page.await("the agent's name on the board", Duration.ofSeconds(3), m -> "sup.update".equals(m.getString("type"))
        && rowIn(m, agentId) != null && "wang.fang".equals(rowIn(m, agentId).getString("username")));
    Thread.sleep(1100);

    int before = page.messages.size();
    long asked = System.currentTimeMillis();
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    JsonObject ready = page.await("an update with the agent no longer paused", Duration.ofSeconds(2),
        m -> page.messages.indexOf(m) >= before && "sup.update".equals(m.getString("type"))
            && rowIn(m, agentId) != null && !"paused".equals(rowIn(m, agentId).getString("state")));
    long took = System.currentTimeMillis() - asked;
    assertTrue(took <= 2000, "pushed " + took + " ms after the agent went ready");
    assertTrue(List.of("ready", "reserved", "on_call").contains(rowIn(ready, agentId).getString("state")),
        ready.encode());

    // The dialer calls a customer for the agent: the row shows the call, the customer masked.
    JsonObject onCall = page.await("the agent on a call", Duration.ofSeconds(15),
        m -> "sup.update".equals(m.getString("type")) && rowIn(m, agentId) != null
            && "on_call".equals(rowIn(m, agentId).getString("state")));
    JsonObject row = rowIn(onCall, agentId);
    assertTrue(row.getString("customer").matches("138\\*\\*\\*\\*\\d{4}"), row.encode());
    assertEquals(f.campaign, row.getLong("campaignId"));

    // Updates are numbered one by one, and never two within a second.
    List<JsonObject> updates = page.ofType("sup.update");
    for (int i = 1; i < updates.size(); i++) {
      assertEquals(updates.get(i - 1).getLong("seq") + 1, updates.get(i).getLong("seq"), updates.toString());
      assertTrue(updates.get(i).getLong("at") - updates.get(i - 1).getLong("at") >= 1000 - 20,
          "two updates within a second: " + updates.get(i - 1).getLong("at") + ", " + updates.get(i).getLong("at"));
    }
    assertEquals(snapshot.getJsonObject("board").getLong("seq") + 1, updates.get(0).getLong("seq"));
    page.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }

  @Test
  @Order(9)
  void agentsAndQaAreRefusedEveryRouteAndGetNoPush() throws Exception {
    Http agent = f.agent("li.refused");
    Http qa = Http.userWithRole(server, f.admin, "qa.refused", "qa");
    long someone = id(agent);
    String[][] routes = {
        {"GET", "/api/supervisor/board", null},
        {"POST", "/api/supervisor/campaigns/" + f.campaign + "/pause", "{\"confirm\":\"售后回访 desk\"}"},
        {"POST", "/api/supervisor/campaigns/" + f.campaign + "/resume", "{\"confirm\":\"售后回访 desk\"}"},
        {"POST", "/api/supervisor/agents/" + someone + "/pause", "{\"reason\":\"supervisor\"}"},
        {"POST", "/api/supervisor/agents/" + someone + "/sign-out", null},
        {"GET", "/api/supervisor/thresholds", null},
        {"PUT", "/api/supervisor/thresholds", Thresholds.defaults().encode()}};
    Page agentPage = open(agent);
    Page qaPage = open(qa);
    Page supPage = open(supervisor);
    for (Http who : List.of(agent, qa)) {
      for (String[] r : routes) {
        assertEquals(403, who.send(r[0], r[1], r[2]).status(), r[0] + " " + r[1]);
      }
    }
    // Something changes on the board (the thresholds): the supervisor's page hears of it, the others do not.
    JsonObject t = Thresholds.defaults();
    t.getJsonObject("pauseLimits").put("break", 1234);
    assertEquals(200, supervisor.send("PUT", "/api/supervisor/thresholds", t.encode()).status());
    supPage.await("the thresholds' update", Duration.ofSeconds(3), m -> "sup.update".equals(m.getString("type"))
        && m.getJsonObject("changed").containsKey("thresholds"));
    Thread.sleep(1500);
    assertEquals(List.of(), agentPage.ofType("sup."), "an agent's page gets no sup.* push");
    assertEquals(List.of(), qaPage.ofType("sup."), "a QA page gets no sup.* push");
    assertTrue(!supPage.ofType("sup.snapshot").isEmpty());
    assertEquals(200, supervisor.send("PUT", "/api/supervisor/thresholds", Thresholds.defaults().encode()).status());
  }
}
