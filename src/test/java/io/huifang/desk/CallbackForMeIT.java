package io.huifang.desk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A callback the agent books "for me" comes back to that agent when it is due, even when another agent has been
 * idle longer.
 */
class CallbackForMeIT {

  @Test
  void aCallbackBookedForMeReachesMe(@TempDir Path dir) throws Exception {
    try (DeskFixture f = DeskFixture.start(dir, 1, 0)) {
      Http a = f.agent("chen.jing");
      Http b = f.agent("liu.yang");
      Map<Http, Long> ids = Map.of(a, id(a), b, id(b));
      for (Http h : new Http[] {a, b}) {
        assertEquals(200, h.send("POST", "/api/agent/line", null).status());
        assertEquals(200, h.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
            .put("campaignId", f.campaign).encode()).status());
      }
      // The only customer reaches one of them, who books a callback for themself.
      Http first = null;
      JsonObject call = null;
      long until = System.currentTimeMillis() + 40_000;
      while (first == null && System.currentTimeMillis() < until) {
        for (Http h : new Http[] {a, b}) {
          JsonObject d = h.get("/api/agent/desk").json();
          if (d.getJsonObject("call") != null) {
            first = h;
            call = d.getJsonObject("call");
          }
        }
        Thread.sleep(100);
      }
      if (first == null) {
        throw new AssertionError("no call reached either agent");
      }
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

      until = System.currentTimeMillis() + 40_000;
      JsonObject again = null;
      while (again == null && System.currentTimeMillis() < until) {
        JsonObject d = first.get("/api/agent/desk").json();
        if (d.getJsonObject("call") != null && !attempt.equals(d.getJsonObject("call").getString("attemptId"))) {
          again = d.getJsonObject("call");
        }
        assertEquals(null, other.get("/api/agent/desk").json().getValue("call"), "the booked callback is not theirs");
        Thread.sleep(100);
      }
      if (again == null) {
        throw new AssertionError("the callback never came back to the agent who booked it");
      }
      assertEquals(task, again.getJsonObject("task").getLong("id"));
      assertNotEquals(ids.get(first), ids.get(other));
      // The screen is pushed before the bridge milestone is written (the push does not wait for the database),
      // so the row may lag the desk by a moment.
      assertEquals(ids.get(first), agentOf(f, again.getString("attemptId")));
    }
  }

  private static Long agentOf(DeskFixture f, String attempt) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    Long agent = null;
    while (agent == null && System.currentTimeMillis() < until) {
      agent = f.row("select agent_id from call_attempt where id = $1", attempt).getLong("agent_id");
      if (agent == null) {
        Thread.sleep(50);
      }
    }
    return agent;
  }

  private static long id(Http h) {
    return h.get("/api/me").json().getJsonObject("user").getLong("id");
  }

  private static void waitState(Http h, String state) throws InterruptedException {
    long until = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < until) {
      if (state.equals(h.get("/api/agent/desk").json().getJsonObject("agent").getString("state"))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never " + state);
  }
}
