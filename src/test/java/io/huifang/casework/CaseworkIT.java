package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.campaign.FollowUps;
import io.huifang.testsupport.AgentCalls;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.SurveyAnswers;
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
  void aComplaintBecomesACaseTheDealerHandlesItAndTheSecondCallbackClosesIt(TestServer server) throws Exception {
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

    // A survey with a complaint opens a case for the customer's dealer, in the service department (CSI), once.
    Http agent = f.agent("zhao.lei");
    Http agent2 = f.agent("qian.wu");
    Http sup = Http.userWithRole(server, f.admin, "sup.cw", "supervisor");
    Http qa = Http.userWithRole(server, f.admin, "qa.cw", "qa");
    long otherDealer = f.admin.send("POST", "/api/dealers", new JsonObject().put("code", "SH09").put("name", "上海另一家")
        .encode()).json().getJsonObject("dealer").getLong("id");
    Http dealer = Http.dealerUser(server, f.admin, "cw.bj07", f.dealer);
    Http stranger = Http.dealerUser(server, f.admin, "cw.sh09", otherDealer);
    // The dealer user's pages get live pushes too (the bell): the socket opens for a dealer, and carries only what is
    // addressed to that user.
    io.huifang.testsupport.PushSocket dealerPage = new io.huifang.testsupport.PushSocket(dealer, f.wsUri());
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    String complaintCall = AgentCalls.take(agent, null, "success", q -> SurveyAnswers.full(q, 0, 0)
        .put("complaint", "等了两个小时，服务顾问态度也不好"), 3000);
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());
    long auto = Await.atMost(WAIT).until("the case opened from the survey", () -> f.rows(
        "select id from case_file where attempt_id = $1 and auto_opened", complaintCall), rows -> rows.size() == 1)
        .get(0).getLong("id");
    var opened = f.row("select * from case_file where id = $1", auto);
    assertEquals(f.dealer, opened.getLong("dealer_id"));
    assertEquals("service", opened.getString("department"));
    assertEquals("yellow", opened.getString("severity"));
    assertEquals("survey", opened.getString("source"));
    assertEquals("open", opened.getString("status"));
    assertTrue(opened.getString("summary").contains("等了两个小时"), opened.getString("summary"));
    assertTrue(Math.abs(Duration.between(Instant.now().plus(Duration.ofDays(3)),
        opened.getOffsetDateTime("due_at").toInstant()).toMinutes()) < 5, "due in 3 days");
    // a redelivered event opens nothing more
    server.server().vertx().eventBus().publish(io.huifang.desk.DeskEvents.SURVEY_SUBMITTED, new JsonObject()
        .put("attemptId", complaintCall).put("campaignId", f.campaign).put("group", "success"));
    Thread.sleep(1500);
    assertEquals(1, f.row("select count(*) as n from case_file where attempt_id = $1", complaintCall).getLong("n"));
    Await.atMost(WAIT).until("the dealer's user told", () -> f.row("select count(*) as n from notification n"
        + " join app_user u on u.id = n.user_id where u.username = 'cw.bj07' and n.kind = 'case.opened'")
        .getLong("n"), n -> n == 1);
    JsonObject pushed = dealerPage.await("the dealer's bell pushed", WAIT, m -> "notification".equals(m.getString("type")));
    assertEquals("case.opened", pushed.getJsonObject("item").getString("kind"), pushed.encode());
    assertEquals(java.util.List.of(), dealerPage.frames.stream().map(m -> m.getString("type"))
        .filter(t -> !java.util.Set.of("hello", "notification").contains(t)).toList(), "nothing else reaches a dealer");
    dealerPage.close();

    // The agent opens a case from the desk for that call: the template of its kind, a missing part named.
    JsonObject template = new JsonObject().put("region", "北京").put("brand", "途观L").put("dealer", "北京东方4S店")
        .put("date", "2026-12-05").put("repair", "保养").put("issue", "服务顾问态度差").put("plate", "京A10000");
    JsonObject desk = new JsonObject().put("kind", "complaint").put("department", "service")
        .put("attemptId", complaintCall).put("template", template);
    Http.Response missing = agent.send("POST", "/api/cases", desk.encode());
    assertEquals(400, missing.status(), missing.body());
    assertEquals("template.request", missing.json().getString("field"));
    assertEquals(403, agent2.send("POST", "/api/cases", desk.copy().put("template", template.copy()
        .put("request", "道歉")).encode()).status(), "not the other agent's call");
    Http.Response byDesk = agent.send("POST", "/api/cases", desk.copy().put("severity", "orange")
        .put("template", template.copy().put("request", "店方道歉")).encode());
    assertEquals(201, byDesk.status(), byDesk.body());
    long deskCase = byDesk.json().getLong("id");
    assertEquals("desk", byDesk.json().getString("source"));
    assertEquals(f.dealer, byDesk.json().getJsonObject("dealer").getLong("id"));
    assertTrue(byDesk.json().getString("summary").contains("店方道歉"), byDesk.body());
    Await.atMost(WAIT).until("orange: the staff told at once", () -> f.row("select count(*) as n from notification n"
        + " join app_user u on u.id = n.user_id where u.username = 'sup.cw' and n.kind = 'case.opened'")
        .getLong("n"), n -> n == 1);
    JsonObject supNotes = sup.get("/api/notifications").json();
    assertTrue(supNotes.getInteger("unread") >= 1, supNotes.encode());
    assertEquals(200, sup.send("POST", "/api/notifications/read", "{\"all\":true}").status());
    assertEquals(0, sup.get("/api/notifications?unread=true").json().getInteger("unread"));

    // The dealer's user sees its own cases (phones masked, audited); another dealer's user is refused (403, audited).
    JsonObject list = dealer.get("/api/cases").json();
    assertEquals(2, list.getJsonArray("cases").size(), list.encode());
    assertEquals(2, list.getJsonObject("counts").getLong("open"));
    JsonObject seen = dealer.get("/api/cases/" + auto).json();
    assertEquals("138****0000", seen.getJsonObject("customer").getString("phone"), seen.encode());
    assertEquals(null, seen.getValue("recording"));
    assertEquals("13800130000", sup.get("/api/cases/" + auto).json().getJsonObject("customer").getString("phone"));
    assertEquals("138****0000", qa.get("/api/cases/" + auto).json().getJsonObject("customer").getString("phone"));
    assertTrue(f.row("select count(*) as n from audit_log where action = 'casework.view' and actor = 'cw.bj07'"
        + " and subject = $1", "case:" + auto).getLong("n") >= 1);
    Http.Response refused = stranger.get("/api/cases/" + auto);
    assertEquals(403, refused.status(), refused.body());
    assertEquals("other_dealer", refused.json().getString("error"));
    assertEquals(1, f.row("select count(*) as n from audit_log where action = 'casework.denied' and actor = 'cw.sh09'"
        + " and subject = $1", "case:" + auto).getLong("n"));
    assertEquals(403, stranger.send("POST", "/api/cases/" + auto + "/handle", new JsonObject().put("action", "已处理")
        .put("version", 1).encode()).status());
    assertEquals(0, stranger.get("/api/cases").json().getJsonArray("cases").size());
    assertEquals(403, stranger.get("/api/cases?dealerId=" + f.dealer).status());

    // The dealer handles it: a second callback in the second-callback campaign, with the complaint as its context.
    assertEquals(409, dealer.send("POST", "/api/cases/" + auto + "/handle", new JsonObject()
        .put("action", "已致歉，并为客户免费做一次保养").put("version", 99).encode()).status(), "stale version");
    Http.Response handled = dealer.send("POST", "/api/cases/" + auto + "/handle", new JsonObject()
        .put("action", "已致歉，并为客户免费做一次保养").put("version", seen.getInteger("version")).encode());
    assertEquals(200, handled.status(), handled.body());
    assertEquals("handled", f.row("select status from case_file where id = $1", auto).getString("status"));
    var cb1 = Await.atMost(WAIT).until("the second callback", () -> f.rows("select * from case_callback"
        + " where purpose = 'case' and ref_id = $1", auto), r -> r.size() == 1).get(0);
    assertEquals(sc, cb1.getLong("campaign_id"), "in the second-callback campaign");
    assertEquals("open", f.row("select status from call_task where id = $1", cb1.getLong("task_id"))
        .getString("status"));

    // Dialled and answered on the emulator: unqualified reopens the case.
    String first = verify(agent, sc, null, auto, "unqualified");
    Await.atMost(WAIT).until("the case reopened", () -> f.row("select status, reopened from case_file where id = $1",
        auto), r -> "open".equals(r.getString("status")) && r.getInteger("reopened") == 1);
    assertEquals("unqualified", f.row("select verdict from case_callback where id = $1", cb1.getLong("id"))
        .getString("verdict"));
    Await.atMost(WAIT).until("the dealer told", () -> f.row("select count(*) as n from notification n"
        + " join app_user u on u.id = n.user_id where u.username = 'cw.bj07' and n.kind = 'case.reopened'")
        .getLong("n"), n -> n == 1);
    JsonObject reopened = dealer.get("/api/cases/" + auto).json();
    assertEquals(1, reopened.getJsonArray("callbacks").size());

    // Handled again, called again: qualified closes it.
    assertEquals(200, dealer.send("POST", "/api/cases/" + auto + "/handle", new JsonObject()
        .put("action", "更换了服务顾问，店长亲自回电").put("version", reopened.getInteger("version")).encode()).status());
    Await.atMost(WAIT).until("the second callback again", () -> f.rows("select id from case_callback"
        + " where purpose = 'case' and ref_id = $1", auto), r -> r.size() == 2);
    verify(agent, sc, first, auto, "qualified");
    Await.atMost(WAIT).until("the case closed", () -> f.row("select status, verdict from case_file where id = $1",
        auto), r -> "closed".equals(r.getString("status")) && "qualified".equals(r.getString("verdict")));
    List<String> actions = sup.get("/api/cases/" + auto).json().getJsonArray("history").stream()
        .map(e -> ((JsonObject) e).getString("action")).toList();
    assertEquals(List.of("opened", "handled", "callback_created", "callback_result", "reopened", "handled",
        "callback_created", "callback_result", "closed"), actions);

    // Overdue: the desk case past its due time is flagged once, notified, and listed as overdue.
    f.rows("update case_file set due_at = now() - interval '1 minute' where id = $1", deskCase);
    casework.flagOverdue(Instant.now()).await();
    casework.flagOverdue(Instant.now()).await();
    assertEquals(1, f.row("select count(*) as n from case_event where case_id = $1 and action = 'overdue'", deskCase)
        .getLong("n"));
    JsonObject overdue = sup.get("/api/cases?overdue=true").json();
    assertEquals(List.of(deskCase), overdue.getJsonArray("cases").stream().map(c -> ((JsonObject) c).getLong("id"))
        .toList());
    assertEquals(1, overdue.getJsonObject("counts").getLong("overdue"));
    Await.atMost(WAIT).until("the dealer and the staff told", () -> f.row("select count(*) as n from notification"
        + " where kind = 'case.overdue'").getLong("n"), n -> n >= 2);

    // Staff may record the handling too; a second callback not reached by its deadline leaves the case handled,
    // flagged callbackOverdue (once) and the staff told.
    JsonObject deskRow = sup.get("/api/cases/" + deskCase).json();
    assertEquals(200, sup.send("POST", "/api/cases/" + deskCase + "/handle", new JsonObject()
        .put("action", "店长已电话致歉").put("version", deskRow.getInteger("version")).encode()).status());
    long cb3 = Await.atMost(WAIT).until("the desk case's callback", () -> f.rows("select id from case_callback"
        + " where purpose = 'case' and ref_id = $1", deskCase), r -> r.size() == 1).get(0).getLong("id");
    f.rows("update case_callback set deadline = now() - interval '1 minute' where id = $1", cb3);
    casework.flagOverdue(Instant.now()).await();
    casework.flagOverdue(Instant.now()).await();
    JsonObject late = sup.get("/api/cases/" + deskCase).json();
    assertEquals("handled", late.getString("status"));
    assertEquals(true, late.getBoolean("callbackOverdue"), late.encode());
    assertEquals(1, f.row("select count(*) as n from case_event where case_id = $1 and action = 'callback_overdue'",
        deskCase).getLong("n"));

    // Settings: staff change them (checked), QA reads them.
    assertEquals("dueDays", sup.send("PUT", "/api/casework/settings", "{\"dueDays\":0}").json().getString("field"));
    assertEquals(4, sup.send("PUT", "/api/casework/settings", "{\"dueDays\":4}").json().getInteger("dueDays"));
    assertEquals(4, qa.get("/api/casework/settings").json().getInteger("dueDays"));
    assertEquals(403, qa.send("PUT", "/api/casework/settings", "{\"dueDays\":5}").status());
    assertEquals(403, dealer.get("/api/casework/settings").status());

    // Left out of samples: the report's month and the QA draw do not see the second callback's survey.
    OffsetDateTime from = OffsetDateTime.now(ZoneOffset.UTC).minusDays(40);
    OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC).plusDays(1);
    assertEquals(1, f.row("select count(*) as n from survey_response where attempt_id = $1 and status = 'submitted'",
        first).getLong("n"));
    var samples = new io.huifang.report.ReportStore().samples(pool, "csi", from, to, null).await();
    assertTrue(samples.stream().noneMatch(s -> s.attemptId().equals(first)), "not a report sample");
    assertTrue(samples.stream().anyMatch(s -> s.attemptId().equals(complaintCall)), "the survey is one");
    assertTrue(new io.huifang.qa.QaStore(pool).callFacts(first).await().isEmpty(), "not a QA call");
    assertTrue(new io.huifang.qa.QaStore(pool).callFacts(complaintCall).await().isPresent());
    assertNotNull(f.row("select id from call_task where id = $1 and status = 'done'", cb1.getLong("task_id")));
  }

  /**
   * The agent takes the second callback of the case (not {@code previous}), sees what it is about, answers
   * {@code verdict}; the attempt id.
   */
  static String verify(Http agent, long campaign, String previous, long caseId, String verdict) throws Exception {
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", campaign).encode()).status());
    JsonObject call = Await.atMost(WAIT).until("the second callback on the desk", () -> agent.get("/api/agent/desk")
        .json().getJsonObject("call"), c -> c != null && c.getJsonObject("questionnaire") != null
        && !c.getString("attemptId").equals(previous));
    assertEquals("verify-default", call.getJsonObject("questionnaire").getString("key"));
    JsonObject context = call.getJsonObject("context");
    assertNotNull(context, call.encode());
    assertTrue(context.getJsonObject("title").getString("zh").contains("工单 #" + caseId), context.encode());
    assertTrue(context.getJsonArray("lines").encode().contains("等了两个小时"), context.encode());
    String attempt = call.getString("attemptId");
    Thread.sleep(2000);
    Http.Response done = agent.send("POST", "/api/agent/calls/" + attempt + "/submit", new JsonObject()
        .put("disposition", "success").put("answers", new JsonObject().put("resolved", !"unqualified".equals(verdict))
            .put("satisfied", !"unqualified".equals(verdict)).put("verdict", verdict).put("remark", "客户反馈"))
        .encode());
    assertEquals(200, done.status(), done.body());
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());
    return attempt;
  }
}
