package io.huifang.desk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import io.huifang.testsupport.SurveyAnswers;

/**
 * A survey submitted at the desk is published on the event bus ({@link DeskEvents#SURVEY_SUBMITTED}) for the
 * modules above the desk: the call, campaign, task and agent, the disposition and its group, and the score summary.
 */
class SurveySubmittedEventIT {

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aSubmittedSurveyIsPublished(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 1, 0);
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = f.server.server().vertx().eventBus()
        .<JsonObject>consumer(DeskEvents.SURVEY_SUBMITTED, m -> published.add(m.body()));
    consumer.completion().await();
    Http agent = f.agent("zhao.lei");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    JsonObject call = awaitCall(agent);
    String attempt = call.getString("attemptId");
    Questionnaire q = Questionnaire.parse(call.getJsonObject("questionnaire").getJsonObject("definition"));
    assertEquals(List.of(), published, "nothing is published before the submit");

    JsonObject answers = SurveyAnswers.full(q, 5, 1);
    Http.Response done = agent.send("POST", "/api/agent/calls/" + attempt + "/submit", new JsonObject()
        .put("disposition", "success").put("answers", answers).encode());
    assertEquals(200, done.status(), done.body());

    JsonObject event = awaitEvent(published);
    assertEquals(attempt, event.getString("attemptId"), event.encode());
    assertEquals(f.campaign, event.getLong("campaignId"));
    assertEquals(agentId, event.getLong("agentId"));
    assertEquals(f.row("select task_id from call_attempt where id = $1", attempt).getLong("task_id"),
        event.getLong("taskId"));
    assertEquals("success", event.getString("disposition"));
    assertEquals("success", event.getString("group"));
    JsonObject score = event.getJsonObject("score");
    assertNotNull(score, event.encode());
    assertEquals(AgentSurveyIT.expectedRaw(q, answers), score.getDouble("raw"), 0.0005);
    assertEquals(5, score.getInteger("belowSeven"));
    assertEquals(1, score.getInteger("notSurveyed"));
    assertEquals(true, score.getBoolean("needsReview"));
    assertEquals(false, score.getBoolean("void"));

    // A second submit of the same call is refused and publishes nothing more.
    assertEquals(409, agent.send("POST", "/api/agent/calls/" + attempt + "/submit",
        "{\"disposition\":\"refused\"}").status());
    Thread.sleep(300);
    assertEquals(1, published.size(), published.toString());
  }

  private static JsonObject awaitCall(Http agent) throws InterruptedException {
    long until = System.currentTimeMillis() + 40_000;
    while (System.currentTimeMillis() < until) {
      JsonObject call = agent.get("/api/agent/desk").json().getJsonObject("call");
      if (call != null && call.getJsonObject("questionnaire") != null) {
        return call;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no call reached the agent");
  }

  private static JsonObject awaitEvent(List<JsonObject> published) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < until) {
      if (!published.isEmpty()) {
        return published.get(0);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + DeskEvents.SURVEY_SUBMITTED + " event after the submit");
  }
}
