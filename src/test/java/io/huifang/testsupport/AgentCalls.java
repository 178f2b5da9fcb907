package io.huifang.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.survey.Questionnaire;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Function;

/** An agent taking calls through the desk's API, as the ITs that need real submitted surveys do. */
public final class AgentCalls {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private AgentCalls() {
  }

  /**
   * Waits for the agent's next call (not {@code previous}), keeps it {@code talkMs} (the emulator's conversation runs
   * in real time: a call has to last for the agent's turn to be recorded), submits it as {@code disposition} with
   * {@code answers} of its questionnaire when a success, hangs up; the attempt id.
   */
  public static String take(Http agent, String previous, String disposition,
                            Function<Questionnaire, JsonObject> answers, long talkMs) throws InterruptedException {
    JsonObject call = Await.atMost(WAIT).until("a call", () -> agent.get("/api/agent/desk").json()
        .getJsonObject("call"), c -> c != null && c.getJsonObject("questionnaire") != null
        && !c.getString("attemptId").equals(previous));
    String attempt = call.getString("attemptId");
    JsonObject body = new JsonObject().put("disposition", disposition);
    if ("success".equals(disposition)) {
      body.put("answers", answers.apply(
          Questionnaire.parse(call.getJsonObject("questionnaire").getJsonObject("definition"))));
    }
    Thread.sleep(talkMs);
    Http.Response done = agent.send("POST", "/api/agent/calls/" + attempt + "/submit", body.encode());
    assertEquals(200, done.status(), done.body());
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    return attempt;
  }
}
