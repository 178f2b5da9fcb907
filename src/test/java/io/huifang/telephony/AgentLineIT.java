package io.huifang.telephony;

import io.huifang.desk.AgentDesk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An agent opens their line from the API, says ready, and the next answered customer is joined to them with the
 * screen pushed over the WebSocket as the bridge is made.
 */
class AgentLineIT {

  @Test
  @WithServer(flags = "--emulator.speed=4")
  void agentOpensLineGoesReadyAndGetsTheCallWithItsScreen(TestServer server) throws Exception {
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    Http agent = Http.userWithRole(server, admin, "wang.fang", "agent");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");

    assertEquals(409, agent.send("PUT", "/api/agent/ready", "{\"ready\":true}").status(), "no line yet");
    Http.Response opened = agent.send("POST", "/api/agent/line", null);
    assertEquals(200, opened.status(), opened.body());
    assertEquals("paused", opened.json().getString("state"));
    assertTrue(opened.json().getString("channel").startsWith("PJSIP/agent-" + agentId), opened.body());

    List<String> pushed = new CopyOnWriteArrayList<>();
    URI ws = URI.create(server.url("/ws").replace("http://", "ws://"));
    WebSocket socket = agent.client().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        pushed.add(data.toString());
        w.request(1);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);

    assertEquals(200, agent.send("PUT", "/api/agent/ready", "{\"ready\":true}").status());
    AnsweredCalls.Pbx pbx = server.server().telephony().pbx("emulator");
    String attempt = "line-it-1";
    pbx.tracker().originate(new CallTracker.OriginateRequest(attempt, 7L, 70L, 700L, "PJSIP/6500@huifang-trunk",
        "huifang-answered", "s", null, Duration.ofSeconds(30), false, Map.of())).await();
    Await.atMost(Duration.ofSeconds(15)).until("the call's screen pushed", () -> List.copyOf(pushed),
        p -> p.stream().anyMatch(s -> s.contains("call.screen")));
    JsonObject screen = pushed.stream().filter(s -> s.contains("call.screen")).map(JsonObject::new)
        .findFirst().orElseThrow(() -> new AssertionError("no screen pushed: " + pushed));
    assertEquals(attempt, screen.getString("attemptId"));
    assertEquals(7L, screen.getJsonObject("campaign").getLong("id"), "no such campaign: the screen says so");
    Http.Response line = Await.atMost(Duration.ofSeconds(5)).until("the agent's line on the call",
        () -> agent.get("/api/agent/line"), l -> "on_call".equals(l.json().getString("state")));
    assertEquals("on_call", line.json().getString("state"), line.body());
    assertEquals(attempt, line.json().getString("attemptId"));

    pbx.tracker().hangup(attempt, true).await(5, TimeUnit.SECONDS);
    Await.atMost(Duration.ofSeconds(10)).until("the agent's line in wrap-up",
        () -> agent.get("/api/agent/line").json().getString("state"), "wrap_up"::equals);
    assertEquals("wrap_up", agent.get("/api/agent/line").json().getString("state"), "after the call: wrap-up");
    // Nothing to submit for a call without a survey: ready ends the wrap-up.
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":true}").status());
    Await.atMost(Duration.ofSeconds(10)).until("the agent's line ready again",
        () -> agent.get("/api/agent/line").json().getString("state"), "ready"::equals);
    assertEquals("ready", agent.get("/api/agent/line").json().getString("state"), "line kept open, ready again");
    assertEquals(204, agent.send("DELETE", "/api/agent/line", null).status());
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }

  @Test
  @WithServer
  void aReadyAgentWhoseDeskPageClosesIsPausedUnlessThePageComesBack(TestServer server) throws Exception {
    server.server().desk().deskGoneGrace(Duration.ofSeconds(2));
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    Http agent = Http.userWithRole(server, admin, "li.na", "agent");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    URI ws = URI.create(server.url("/ws").replace("http://", "ws://"));
    WebSocket first = openPage(agent, ws);
    assertEquals(200, agent.send("PUT", "/api/agent/ready", "{\"ready\":true}").status());
    awaitState(agent, "ready");

    // A reload: the page closes and a new one opens within the grace. The agent stays ready.
    first.sendClose(WebSocket.NORMAL_CLOSURE, "reload").get(5, TimeUnit.SECONDS);
    Thread.sleep(300);
    WebSocket second = openPage(agent, ws);
    Thread.sleep(3_000);
    assertEquals("ready", agent.get("/api/agent/line").json().getString("state"), "a reload keeps the agent ready");

    // The browser closes for good: paused, with the reason the pages show.
    second.sendClose(WebSocket.NORMAL_CLOSURE, "closed").get(5, TimeUnit.SECONDS);
    awaitState(agent, "paused");
    JsonObject desk = agent.get("/api/agent/desk").json().getJsonObject("agent");
    assertEquals(AgentDesk.DESK_CLOSED, desk.getString("pauseReason"), desk.encode());
    assertEquals(false, desk.getBoolean("wantsReady"), desk.encode());
  }

  private static WebSocket openPage(Http agent, URI ws) throws Exception {
    return agent.client().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
    }).get(10, TimeUnit.SECONDS);
  }

  private static void awaitState(Http agent, String state) {
    JsonObject line = Await.atMost(Duration.ofSeconds(10)).until("the agent's line " + state,
        () -> agent.get("/api/agent/line").json(), l -> state.equals(l.getString("state")));
    assertEquals(state, line.getString("state"), line.encode());
  }

  @Test
  @WithServer
  void adminSetsASoftphoneAndBadOnesAreRefused(TestServer server) throws Exception {
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    Http agent = Http.userWithRole(server, admin, "li.lei", "agent");
    long id = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    Http.Response bad = admin.send("PATCH", "/api/users/" + id, "{\"softphone\":\"PJSIP/8001,,Dial(evil)\"}");
    assertEquals(400, bad.status());
    assertEquals("softphone", bad.json().getString("field"));
    Http.Response ok = admin.send("PATCH", "/api/users/" + id, "{\"softphone\":\"PJSIP/agent-8001\"}");
    assertEquals(200, ok.status(), ok.body());
    assertEquals("PJSIP/agent-8001", ok.json().getJsonObject("user").getString("softphone"));
    Http.Response opened = agent.send("POST", "/api/agent/line", null);
    assertEquals(200, opened.status(), opened.body());
    assertTrue(opened.json().getString("channel").startsWith("PJSIP/agent-8001"), opened.body());
    assertEquals(403, admin.send("POST", "/api/agent/line", null).status(), "only agents have lines");
  }
}
