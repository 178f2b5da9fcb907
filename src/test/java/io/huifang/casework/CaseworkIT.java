package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.campaign.FollowUps;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Casework end to end against the embedded server and the PBX emulator: second callbacks (二次回访) in their own
 * campaign, dialled by the ordinary dialer, shown with their context on the desk and answered with a verdict that
 * reaches the owner of the callback's purpose; left out of report and QA samples.
 */
class CaseworkIT {
  static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void secondCallbacksAreDialledShownAndAnswered(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 3, 0);
    Pool pool = server.server().database().pool();
    Casework casework = server.server().casework();
    long source = f.row("select id from customer where campaign_id = $1 order by id limit 1", f.campaign)
        .getLong("id");
    long other = f.row("select id from customer where campaign_id = $1 order by id offset 1 limit 1", f.campaign)
        .getLong("id");

    // First uses at once: one second-callback campaign of the kind, each follow-up its own customer and task.
    FollowUps followUps = new FollowUps(pool);
    Instant later = Instant.now().plus(Duration.ofDays(5));
    List<Future<FollowUps.FollowUp>> adds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      adds.add(followUps.add(i % 2 == 0 ? source : other, "probe", new JsonObject().put("n", i), later));
    }
    Future.all(adds).await();
    assertEquals(1, f.row("select count(*) as n from campaign where purpose = 'second_callback'").getLong("n"));
    long sc = adds.get(0).result().campaignId();
    adds.forEach(a -> assertEquals(sc, a.result().campaignId()));
    assertEquals("二次回访（售后）", f.row("select name from campaign where id = $1", sc).getString("name"));
    assertEquals(FollowUps.QUESTIONNAIRE, f.row("select questionnaire from campaign where id = $1", sc)
        .getString("questionnaire"));
    assertEquals(List.of("followup:probe:" + source + ":1", "followup:probe:" + source + ":2"),
        f.rows("select row_key from customer where campaign_id = $1 and row_key like $2 order by row_key", sc,
            "followup:probe:" + source + ":%").stream().map(r -> r.getString("row_key")).toList());
    assertEquals(4, f.row("select count(*) as n from call_task where campaign_id = $1 and status = 'open'", sc)
        .getLong("n"));
    assertEquals(1, f.row("select count(*) as n from import_batch where campaign_id = $1", sc).getLong("n"));
    assertEquals(f.dealer, f.row("select dealer_id from campaign_dealer where campaign_id = $1", sc)
        .getLong("dealer_id"));
    JsonObject listed = f.admin.get("/api/campaigns/" + sc).json().getJsonObject("campaign");
    assertEquals("second_callback", listed.getString("purpose"), listed.encode());
    assertEquals("survey", f.admin.get("/api/campaigns/" + f.campaign).json().getJsonObject("campaign")
        .getString("purpose"));
    // the probes are not to be called
    f.rows("update call_task set status = 'done', closed_at = now() where campaign_id = $1", sc);

    // A callback of purpose "test": dialled, its context on the screen, its verdict handed to the owner.
    List<Object[]> heard = new CopyOnWriteArrayList<>();
    casework.secondCallbacks().onResult("test", (ref, verdict, attempt, answers) -> {
      heard.add(new Object[] {ref, verdict, attempt, answers});
      return Future.succeededFuture();
    });
    JsonObject context = new JsonObject().put("title", new JsonObject().put("zh", "投诉处理核实").put("en", "Verify"))
        .put("lines", new JsonArray().add("客户投诉：等待时间太长").add("经销商处理：已致歉并赠送保养"));
    SecondCallbacks.Callback cb = casework.secondCallbacks().create("test", 77, source, context,
        Instant.now().plus(Duration.ofDays(2))).await();
    assertEquals(sc, cb.campaignId());
    assertEquals("calling", cb.status());

    Http agent = f.agent("zhao.lei");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", sc).encode()).status());
    JsonObject call = Await.atMost(WAIT).until("the second callback on the desk", () -> agent.get("/api/agent/desk")
        .json().getJsonObject("call"), c -> c != null && c.getJsonObject("questionnaire") != null);
    assertEquals(context, call.getJsonObject("context"), call.encode());
    assertEquals("verify-default", call.getJsonObject("questionnaire").getString("key"));
    assertEquals(sc, call.getJsonObject("campaign").getLong("id"));
    String attempt = call.getString("attemptId");
    Thread.sleep(3000);
    Http.Response done = agent.send("POST", "/api/agent/calls/" + attempt + "/submit", new JsonObject()
        .put("disposition", "success").put("answers", new JsonObject().put("resolved", false).put("satisfied", false)
            .put("verdict", "unqualified").put("remark", "还是没修好")).encode());
    assertEquals(200, done.status(), done.body());
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());

    Await.atMost(WAIT).until("the verdict heard", () -> heard.size(), n -> n == 1);
    assertEquals(77L, heard.get(0)[0]);
    assertEquals("unqualified", heard.get(0)[1]);
    assertEquals(attempt, heard.get(0)[2]);
    assertEquals("还是没修好", ((JsonObject) heard.get(0)[3]).getString("remark"));
    var row = f.row("select status, verdict, attempt_id from case_callback where id = $1", cb.id());
    assertEquals("answered", row.getString("status"));
    assertEquals("unqualified", row.getString("verdict"));
    assertEquals(attempt, row.getString("attempt_id"));
    // a redelivered event does not hand it over twice
    casework.secondCallbacks().answer(cb.taskId(), attempt).await();
    assertEquals(1, heard.size());

    // Left out of samples: the report's month and the QA draw do not see the second callback's survey.
    OffsetDateTime from = OffsetDateTime.now(ZoneOffset.UTC).minusDays(40);
    OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC).plusDays(1);
    assertEquals(1, f.row("select count(*) as n from survey_response where attempt_id = $1 and status = 'submitted'",
        attempt).getLong("n"));
    var samples = new io.huifang.report.ReportStore().samples(pool, "csi", from, to, null).await();
    assertTrue(samples.stream().noneMatch(s -> s.attemptId().equals(attempt)), "not a report sample");
    assertTrue(new io.huifang.qa.QaStore(pool).callFacts(attempt).await().isEmpty(), "not a QA call");
    assertNotNull(f.row("select id from call_task where id = $1 and status = 'done'", cb.taskId()));
  }
}
