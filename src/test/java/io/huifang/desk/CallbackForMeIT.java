package io.huifang.desk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A callback the agent books "for me" comes back to that agent when it is due, even when another agent has been
 * idle longer.
 */
class CallbackForMeIT {

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aCallbackBookedForMeReachesMe(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 1, 0);
    Http a = f.agent("chen.jing");
    Http b = f.agent("liu.yang");
    Map<Http, Long> ids = Map.of(a, id(a), b, id(b));
    for (Http h : new Http[] {a, b}) {
      assertEquals(200, h.send("POST", "/api/agent/line", null).status());
      assertEquals(200, h.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
          .put("campaignId", f.campaign).encode()).status());
    }
    // The only customer reaches one of them, who books a callback for themself.
    Reached reached = Await.atMost(Duration.ofSeconds(40)).every(Duration.ofMillis(100)).until(
        "a call to reach either agent", () -> {
          Reached seen = null;
          for (Http h : new Http[] {a, b}) {
            JsonObject d = h.get("/api/agent/desk").json();
            if (d.getJsonObject("call") != null) {
              seen = new Reached(h, d.getJsonObject("call"));
            }
          }
          return seen;
        }, r -> r != null);
    Http first = reached.agent();
    JsonObject call = reached.call();
    Http other = first == a ? b : a;
    String attempt = call.getString("attemptId");
    assertEquals(200, first.send("POST", "/api/agent/calls/" + attempt + "/submit", new JsonObject()
        .put("disposition", "callback").put("callbackMine", true)
        .put("callbackAt", Instant.now().plus(Duration.ofHours(1)).toString()).encode()).status());
    assertEquals(200, first.send("POST", "/api/agent/call/hangup", null).status());
    waitState(first, "ready");
    // An hour passes (in the database): the callback is due, and the other agent has been idle the longest.
    long task = f.row("select task_id from call_attempt where id = $1", attempt).getLong("task_id");
    f.rows("update call_task set callback_at = now() - interval '1 second' where id = $1", task);

    JsonObject again = Await.atMost(Duration.ofSeconds(40)).every(Duration.ofMillis(100)).until(
        "the callback to come back to the agent who booked it", () -> {
          JsonObject d = first.get("/api/agent/desk").json();
          JsonObject next = d.getJsonObject("call") != null
              && !attempt.equals(d.getJsonObject("call").getString("attemptId")) ? d.getJsonObject("call") : null;
          assertEquals(null, other.get("/api/agent/desk").json().getValue("call"), "the booked callback is not theirs");
          return next;
        }, next -> next != null);
    assertEquals(task, again.getJsonObject("task").getLong("id"));
    assertNotEquals(ids.get(first), ids.get(other));
    // The screen is pushed before the bridge milestone is written (the push does not wait for the database),
    // so the row may lag the desk by a moment.
    assertEquals(ids.get(first), agentOf(f, again.getString("attemptId")));
  }

  /** Who took a call, as one of them reached the desk. */
  private record Reached(Http agent, JsonObject call) {
  }

  private static Long agentOf(DeskFixture f, String attempt) {
    return Await.atMost(Duration.ofSeconds(10)).until("the agent of " + attempt + " in the database",
        () -> f.row("select agent_id from call_attempt where id = $1", attempt).getLong("agent_id"), a -> a != null);
  }

  private static long id(Http h) {
    return h.get("/api/me").json().getJsonObject("user").getLong("id");
  }

  private static void waitState(Http h, String state) {
    Await.atMost(Duration.ofSeconds(20)).until("the agent " + state,
        () -> h.get("/api/agent/desk").json().getJsonObject("agent").getString("state"), state::equals);
  }
}
