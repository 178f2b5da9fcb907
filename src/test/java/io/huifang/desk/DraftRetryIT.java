package io.huifang.desk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.PushSocket;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A customer bridged while the survey's table cannot be written (the database away, as in DatabaseOutageIT, made
 * certain here by renaming the table for a few seconds): the draft's insert is tried again until it lands, so the
 * agent has a survey to save and submit. Before, the one failed insert left the call with no survey at all.
 */
class DraftRetryIT {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aDraftWhoseInsertFailedAtTheBridgeIsInsertedOnceTheTableIsBack(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 1, 3);
    Http agent = f.agent("li.na");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    PushSocket socket = new PushSocket(agent, f.wsUri());

    f.rows("alter table survey_response rename to survey_response_away");
    String attempt;
    try {
      assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
          .put("campaignId", f.campaign).encode()).status());
      attempt = socket.await("call.screen", WAIT, m -> "call.screen".equals(m.getString("type")))
          .getString("attemptId");
      Thread.sleep(Screens.DRAFT_RETRY_MILLIS + 1_000); // the first insert and at least one more have failed
      assertEquals(0L, f.row("select count(*) from survey_response_away where attempt_id = $1", attempt).getLong(0),
          "no draft while the table is away");
    } finally {
      f.rows("alter table survey_response_away rename to survey_response");
    }
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(200)).until("the draft inserted once the table is back",
        () -> f.rows("select agent_id from survey_response where attempt_id = $1 and status = 'draft'", attempt),
        rows -> rows.size() == 1 && rows.get(0).getLong(0) == agentId);
    Http.Response saved = agent.send("PUT", "/api/agent/calls/" + attempt + "/answers", new JsonObject()
        .put("answers", new JsonObject().put("owner", true).put("convenient", true).put("s1", 9)).encode());
    assertEquals(200, saved.status(), saved.body());
  }
}
