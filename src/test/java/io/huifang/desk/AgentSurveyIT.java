package io.huifang.desk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.PushSocket;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import io.huifang.testsupport.SurveyAnswers;

/**
 * The agent desk through its API and WebSocket, against the live dialer and the emulator: the screen pushed at the
 * bridge, autosave, a dropped socket resuming the same screen, submit with validation, scores, flags and
 * dispositions reaching the scheduler, wrap-up with auto-ready, pause with a reason.
 */
class AgentSurveyIT {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void screenAutosaveReconnectSubmitScoresAndDispositions(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 3, 3);
    Http agent = f.agent("li.na");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    PushSocket socket = new PushSocket(agent, f.wsUri());
    assertEquals(400, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"nap\"}").status(),
        "unknown pause reason");
    Http.Response ready = agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode());
    assertEquals(200, ready.status(), ready.body());

    // The screen arrives with the bridge: customer, masked phone, dealer, vehicle, history, questionnaire.
    JsonObject screen = socket.await("call.screen", WAIT, m -> "call.screen".equals(m.getString("type")));
    String attempt = screen.getString("attemptId");
    JsonObject customer = screen.getJsonObject("customer");
    assertTrue(customer.getString("name").startsWith("张伟"), screen.encode());
    assertTrue(customer.getString("phoneMasked").matches("\\*{7}\\d{4}"), customer.encode());
    assertFalse(screen.encode().contains("1380013"), "the whole phone number never reaches the agent's page");
    assertEquals("北京东方4S店", customer.getJsonObject("dealer").getString("name"));
    assertEquals("途观L", customer.getString("vehicleModel"));
    assertTrue(customer.getString("plate").startsWith("京A"));
    assertTrue(customer.getString("workOrderNo").startsWith("WO-"));
    assertNotNull(customer.getString("eventDate"));
    assertNotNull(screen.getJsonArray("history"), "the attempt history is on the screen (empty at a first call)");
    assertEquals(1, screen.getJsonObject("task").getInteger("attempt"), screen.encode());
    assertEquals("csi-default", screen.getJsonObject("questionnaire").getString("key"));
    Questionnaire q = Questionnaire.parse(screen.getJsonObject("questionnaire").getJsonObject("definition"));
    assertTrue(q.items().size() > 10);
    assertTrue(screen.getLong("bridgedAtMicros") > 0);
    waitForState(agent, "on_call");

    // Autosave: good answers are kept, bad ones are refused naming the item, nothing else is lost.
    String answersPath = "/api/agent/calls/" + attempt + "/answers";
    Http.Response saved = agent.send("PUT", answersPath, new JsonObject().put("answers",
        new JsonObject().put("owner", true).put("convenient", true).put("s1", 9)).encode());
    assertEquals(200, saved.status(), saved.body());
    Http.Response bad = agent.send("PUT", answersPath, new JsonObject().put("answers",
        new JsonObject().put("s2", 11)).encode());
    assertEquals(400, bad.status(), bad.body());
    assertEquals("answers.s2", bad.json().getString("field"));
    assertEquals(400, agent.send("PUT", answersPath, new JsonObject().put("answers",
        new JsonObject().put("no-such-item", 3)).encode()).status());
    Http other = f.agent("wang.qiang");
    assertEquals(404, other.send("PUT", answersPath, new JsonObject().put("answers",
        new JsonObject().put("s1", 1)).encode()).status(), "another agent cannot touch this survey");

    // A dropped socket: the next one gets the same call's screen with the answers so far.
    socket.ws.abort();
    PushSocket again = new PushSocket(agent, f.wsUri());
    JsonObject resumed = again.await("resumed call.screen", WAIT, m -> "call.screen".equals(m.getString("type")));
    assertEquals(attempt, resumed.getString("attemptId"));
    assertEquals(9, resumed.getJsonObject("answers").getInteger("s1"));
    assertEquals(true, resumed.getJsonObject("answers").getBoolean("owner"));
    JsonObject desk = agent.get("/api/agent/desk").json();
    assertEquals(attempt, desk.getJsonObject("call").getString("attemptId"), desk.encode());
    assertEquals(9, desk.getJsonObject("call").getJsonObject("answers").getInteger("s1"));

    // Submit refuses an incomplete survey, naming a required item.
    String submitPath = "/api/agent/calls/" + attempt + "/submit";
    Http.Response incomplete = agent.send("POST", submitPath, "{\"disposition\":\"success\"}");
    assertEquals(400, incomplete.status(), incomplete.body());
    assertTrue(incomplete.json().getString("field").startsWith("answers."), incomplete.body());
    assertEquals(400, agent.send("POST", submitPath, "{\"disposition\":\"maybe\"}").status());

    // The agent hangs up: wrap-up.
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    again.await("call.ended", WAIT, m -> "call.ended".equals(m.getString("type")));
    waitForState(agent, "wrap_up");
    assertEquals(409, agent.send("PUT", "/api/agent/state", "{\"ready\":true}").status(),
        "no ready before the survey is submitted");

    // Exactly five items below 7: needs review (CSI); raw = mean of the answered items, not-surveyed left out.
    JsonObject answers = SurveyAnswers.full(q, 5, 1);
    Http.Response done = agent.send("POST", submitPath, new JsonObject().put("disposition", "success")
        .put("answers", answers).put("note", "客户对等待时间不满").encode());
    assertEquals(200, done.status(), done.body());
    Row r = f.row("select * from survey_response where attempt_id = $1", attempt);
    assertEquals("submitted", r.getString("status"));
    assertEquals("success", r.getString("disposition"));
    assertEquals(true, r.getBoolean("needs_review"));
    assertEquals(false, r.getBoolean("void"));
    assertEquals(5, r.getInteger("below_seven"));
    assertEquals(1, r.getInteger("not_surveyed"));
    assertEquals(expectedRaw(q, answers), r.getBigDecimal("raw_score").doubleValue(), 0.0005);
    assertEquals("客户对等待时间不满", r.getString("note"));
    Row att = f.row("select outcome, disposition, agent_id, task_id from call_attempt where id = $1", attempt);
    assertEquals("answered_human", att.getString("outcome"));
    assertEquals("success", att.getString("disposition"));
    assertEquals(agentId, att.getLong("agent_id"));
    assertEquals("done", f.row("select status from call_task where id = $1", att.getLong("task_id"))
        .getString("status"));
    assertEquals(409, agent.send("POST", submitPath, "{\"disposition\":\"success\"}").status(), "submitted once");
    // Submitted after the hang-up: the agent is ready at once, and the progressive dialer brings the next call.
    JsonObject second = again.await("second call.screen", WAIT, m -> "call.screen".equals(m.getString("type"))
        && !attempt.equals(m.getString("attemptId")));
    String attempt2 = second.getString("attemptId");

    // Submitted during the call (a callback for me), the wrap-up runs its 3 s after the hang-up, then auto-ready.
    Instant at = Instant.now().plus(Duration.ofHours(3));
    Http.Response cb = agent.send("POST", "/api/agent/calls/" + attempt2 + "/submit", new JsonObject()
        .put("disposition", "callback").put("callbackAt", at.toString()).put("callbackMine", true).encode());
    assertEquals(200, cb.status(), cb.body());
    Row task2 = f.row("select t.status, t.callback_at, t.callback_agent_id from call_task t join call_attempt a"
        + " on a.task_id = t.id where a.id = $1", attempt2);
    assertEquals("callback", task2.getString("status"));
    assertEquals(agentId, task2.getLong("callback_agent_id"));
    assertEquals(at.getEpochSecond(), task2.getOffsetDateTime("callback_at").toEpochSecond());
    // Pause after this call, for a meal.
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());
    assertEquals("on_call", agent.get("/api/agent/desk").json().getJsonObject("agent").getString("state"));
    long hungUp = System.currentTimeMillis();
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    waitForState(agent, "wrap_up");
    JsonObject paused = waitForState(agent, "paused");
    long wrap = System.currentTimeMillis() - hungUp;
    assertTrue(wrap >= 2500, "the wrap-up ran its 3 s: " + wrap + " ms");
    assertEquals("meal", paused.getString("pauseReason"));
    // The state log is written after the state changes (its insert does not hold the agent up): wait for its rows.
    Await.atMost(Duration.ofSeconds(10)).until("two wrap-ups in the agent's state log", () -> f.rows(
        "select 1 from agent_state_log where agent_id = $1 and state = 'wrap_up'", agentId).size(), n -> n >= 2);
    Await.atMost(Duration.ofSeconds(10)).until("the meal pause in the agent's state log", () -> f.rows(
        "select 1 from agent_state_log where agent_id = $1 and state = 'paused' and reason = 'meal'", agentId).size(),
        n -> n >= 1);
    assertNotEquals(0, f.rows("select 1 from task_event where kind = 'callback'").size());
    again.close();
  }

  private static JsonObject waitForState(Http agent, String state) {
    return Await.atMost(WAIT).until("the agent " + state, () -> agent.get("/api/agent/desk").json()
        .getJsonObject("agent"), last -> state.equals(last.getString("state")));
  }

  /** The mean of the scored scale items, computed here independently of the server. */
  static double expectedRaw(Questionnaire q, JsonObject answers) {
    double sum = 0;
    int n = 0;
    for (Questionnaire.Item item : q.items()) {
      if (item.type() == Questionnaire.Type.SCALE10 && answers.getValue(item.id()) instanceof Number v) {
        sum += v.doubleValue();
        n++;
      }
    }
    return sum / n;
  }
}
