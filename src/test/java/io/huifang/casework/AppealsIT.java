package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.AgentCalls;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.SurveyAnswers;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Casework's appeals and improvement plans end to end on a real server and the PBX emulator: a month approved opens
 * the dealer's plan with its deadlines; the dealer records its meeting and uploads the signed minutes (PDF/JPEG/PNG
 * by their bytes), a step past its due time is flagged late once. The dealer appeals a judged call within its window
 * (one after it, a good survey and another dealer's user are refused with the reason); the appeal's second callback
 * is dialled and answered qualified on the emulator; the approved month does not change until it is reopened and
 * recomputed, which leaves the appealed call out of the dealer's samples and deducts the late plan once.
 */
class AppealsIT {
  static final Duration WAIT = Duration.ofSeconds(40);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void plansAppealsAndTheDealersScore(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 4, 0);
    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
    Http sup1 = Http.userWithRole(server, f.admin, "cw.sup1", "supervisor");
    Http sup2 = Http.userWithRole(server, f.admin, "cw.sup2", "supervisor");
    long other = f.admin.send("POST", "/api/dealers", new JsonObject().put("code", "SH09").put("name", "上海另一家")
        .encode()).json().getJsonObject("dealer").getLong("id");
    Http dealer = Http.dealerUser(server, f.admin, "cw.dealer", f.dealer);
    Http otherDealer = Http.dealerUser(server, f.admin, "cw.other", other);

    // Three calls: two error samples (not the owner), one good survey.
    Http agent = f.agent("cw.agent");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    String a1 = AgentCalls.take(agent, null, "not_owner", q -> null, 0);
    String a2 = AgentCalls.take(agent, a1, "not_owner", q -> null, 0);
    String a3 = AgentCalls.take(agent, a2, "success", q -> SurveyAnswers.full(q, 0, 0, 10), 0);
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());

    // ---- improvement plans ----------------------------------------------------------------------------------------
    approve(sup1, sup2, month);
    JsonObject approvedLine = dealerLine(sup1.get("/api/reports/months/csi/" + month).json(), f.dealer);
    assertEquals(2, approvedLine.getInteger("errorSamples"), approvedLine.encode());
    assertEquals(1, approvedLine.getInteger("successful"));
    assertEquals(0, approvedLine.getInteger("appealedAway"));
    Row plan = Await.atMost(WAIT).until("the plan opened on approval", () -> {
      List<Row> r = f.rows("select p.id, p.meeting_due, p.minutes_due, m.approved_at from improvement_plan p"
          + " join report_month m on m.kind = p.kind and m.month = p.month where p.dealer_id = $1", f.dealer);
      return r.isEmpty() ? null : r.get(0);
    }, r -> r != null);
    long planId = plan.getLong("id");
    Instant approvedAt = plan.getOffsetDateTime("approved_at").toInstant();
    assertEquals(approvedAt.plus(Duration.ofDays(3)), plan.getOffsetDateTime("meeting_due").toInstant());
    assertEquals(approvedAt.plus(Duration.ofDays(5)), plan.getOffsetDateTime("minutes_due").toInstant());
    assertEquals(1, f.row("select count(*) from improvement_plan where kind = 'csi' and month = $1",
        YearMonth.parse(month).atDay(1)).getLong(0), "one plan per dealer of the month");
    assertEquals(1, f.row("select count(*) from plan_event where plan_id = $1 and action = 'opened'", planId)
        .getLong(0));

    // the dealer sees its own plan (audited), another dealer's user is refused it (audited)
    JsonArray own = dealer.get("/api/plans").json().getJsonArray("plans");
    assertEquals(1, own.size(), own.encode());
    assertEquals(planId, own.getJsonObject(0).getLong("id"));
    assertEquals("open", own.getJsonObject(0).getString("status"));
    assertEquals(0, otherDealer.get("/api/plans").json().getJsonArray("plans").size());
    Http.Response denied = otherDealer.get("/api/plans/" + planId);
    assertEquals(403, denied.status(), denied.body());
    assertEquals("other_dealer", denied.json().getString("error"));
    assertEquals(1, f.row("select count(*) from audit_log where action = 'casework.denied' and subject = $1"
        + " and actor = 'cw.other'", "plan:" + planId).getLong(0));
    assertEquals(200, dealer.get("/api/plans/" + planId).status());
    assertTrue(f.row("select count(*) from audit_log where action = 'casework.view' and subject = $1"
        + " and actor = 'cw.dealer'", "plan:" + planId).getLong(0) >= 1);
    assertEquals(403, sup1.send("POST", "/api/plans/" + planId + "/meeting", "{}").status(),
        "the dealer records its own meeting");

    // the meeting: the period at most one month
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
    JsonObject meeting = new JsonObject().put("heldOn", today.toString()).put("attendees", "总经理、服务经理")
        .put("items", new JsonArray().add(new JsonObject().put("indicator", "服务接待").put("action", "晨会培训")
            .put("owner", "服务经理"))).put("periodEnd", today.plusMonths(1).plusDays(1).toString());
    Http.Response tooLong = dealer.send("POST", "/api/plans/" + planId + "/meeting", meeting.encode());
    assertEquals(400, tooLong.status(), tooLong.body());
    assertEquals("periodEnd", tooLong.json().getString("field"));
    meeting.put("periodEnd", today.plusMonths(1).toString());
    Http.Response held = dealer.send("POST", "/api/plans/" + planId + "/meeting", meeting.encode());
    assertEquals(200, held.status(), held.body());
    assertEquals("meeting_held", held.json().getString("status"));
    assertEquals(409, dealer.send("POST", "/api/plans/" + planId + "/meeting", meeting.encode()).status());
    Row steps = f.row("select minutes_due, result_due, period_end from improvement_plan where id = $1", planId);
    assertEquals(PlanDeadlines.minutesDue(today), steps.getOffsetDateTime("minutes_due").toInstant());
    assertEquals(PlanDeadlines.resultDue(today.plusMonths(1)), steps.getOffsetDateTime("result_due").toInstant());

    // the signed minutes: a GIF is refused by its bytes whatever its name, a PNG is kept and downloaded (audited)
    Http.Response gif = upload(dealer, "/api/plans/" + planId + "/minutes", "minutes.png",
        "GIF89a-not-a-png".getBytes(StandardCharsets.US_ASCII), "张总");
    assertEquals(400, gif.status(), gif.body());
    assertEquals("file", gif.json().getString("field"));
    byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4};
    Http.Response kept = upload(dealer, "/api/plans/" + planId + "/minutes", "纪要.png", png, "张总");
    assertEquals(200, kept.status(), kept.body());
    assertEquals("image/png", kept.json().getJsonObject("minutes").getString("type"));
    Row minutes = f.row("select status, minutes_file, minutes_bytes, signed_by from improvement_plan where id = $1",
        planId);
    assertEquals("minutes_returned", minutes.getString("status"));
    assertEquals(png.length, minutes.getLong("minutes_bytes"));
    assertEquals("张总", minutes.getString("signed_by"));
    assertTrue(java.nio.file.Files.size(server.dataDir().resolve("plans").resolve(minutes.getString("minutes_file")))
        == png.length);
    Http.Response file = sup1.get("/api/plans/" + planId + "/minutes");
    assertEquals(200, file.status());
    assertEquals("image/png", file.headers().firstValue("Content-Type").orElse(""));
    assertEquals(1, f.row("select count(*) from audit_log where action = 'casework.minutes.download'"
        + " and subject = $1", "plan:" + planId).getLong(0));
    assertEquals(403, otherDealer.get("/api/plans/" + planId + "/minutes").status());

    // a missed step is flagged late once after its due time: the meeting held late (moved in the database) and the
    // result report's due time passed without one
    f.rows("update improvement_plan set meeting_due = meeting_at - interval '1 hour',"
        + " result_due = now() - interval '1 minute' where id = $1", planId);
    assertEquals(1, server.server().plans().flagLate().toCompletionStage().toCompletableFuture().get());
    assertEquals(0, server.server().plans().flagLate().toCompletionStage().toCompletableFuture().get(),
        "flagged once");
    assertEquals(List.of("result"), List.of(f.row("select flagged from improvement_plan where id = $1", planId)
        .getArrayOfStrings(0)));
    assertEquals(1, f.row("select count(*) from plan_event where plan_id = $1 and action = 'late'"
        + " and detail ->> 'step' = 'result'", planId).getLong(0));
    JsonObject late = sup1.get("/api/plans?late=true").json().getJsonArray("plans").getJsonObject(0);
    assertEquals(new JsonArray().add("meeting").add("result"), late.getJsonArray("late"));
    assertEquals(new JsonArray().add("result"), late.getJsonArray("missing"));
    assertEquals(0, sup1.get("/api/plans?late=false").json().getJsonArray("plans").size());

    // ---- appeals --------------------------------------------------------------------------------------------------
    JsonObject calls = dealer.get("/api/appeals/calls?kind=csi&month=" + month).json();
    assertEquals(3, calls.getInteger("appealDays"));
    List<String> judged = calls.getJsonArray("calls").stream().map(o -> ((JsonObject) o).getString("attemptId"))
        .sorted().toList();
    assertEquals(java.util.stream.Stream.of(a1, a2).sorted().toList(), judged, calls.encode());
    JsonObject c1 = calls.getJsonArray("calls").stream().map(JsonObject.class::cast)
        .filter(c -> a1.equals(c.getString("attemptId"))).findFirst().orElseThrow();
    Instant published1 = f.row("select submitted_at from survey_response where attempt_id = $1", a1)
        .getOffsetDateTime(0).toInstant();
    assertEquals(true, c1.getBoolean("appealable"));
    assertEquals("error_sample", c1.getString("judged"));
    assertEquals(published1.plus(Duration.ofDays(3)), Instant.parse(c1.getString("appealUntil")));
    assertTrue(c1.getString("phone").matches("\\d{3}\\*{4}\\d{4}"), "masked for the dealer: " + c1.getString("phone"));
    assertTrue(f.row("select count(*) from audit_log where action = 'casework.view' and actor = 'cw.dealer'"
        + " and subject like 'appeals.calls:%'").getLong(0) >= 1);
    Http.Response others = otherDealer.get("/api/appeals/calls?dealerId=" + f.dealer);
    assertEquals(403, others.status());
    assertEquals("other_dealer", others.json().getString("error"));

    // not judged, another dealer's, after the window: refused with the reason
    Http.Response good = dealer.send("POST", "/api/appeals", appeal(a3));
    assertEquals(409, good.status(), good.body());
    assertEquals("not_judged", good.json().getString("error"));
    Http.Response notOwn = otherDealer.send("POST", "/api/appeals", appeal(a1));
    assertEquals(403, notOwn.status(), notOwn.body());
    assertEquals("other_dealer", notOwn.json().getString("error"));
    assertEquals(1, f.row("select count(*) from audit_log where action = 'casework.denied' and actor = 'cw.other'"
        + " and subject = $1", "call:" + a1).getLong(0));
    Row old2 = f.row("select submitted_at from survey_response where attempt_id = $1", a2);
    f.rows("update survey_response set submitted_at = now() - interval '3 days 1 minute' where attempt_id = $1", a2);
    Instant published2 = f.row("select submitted_at from survey_response where attempt_id = $1", a2)
        .getOffsetDateTime(0).toInstant();
    Http.Response late2 = dealer.send("POST", "/api/appeals", appeal(a2));
    assertEquals(409, late2.status(), late2.body());
    assertEquals("window_closed", late2.json().getString("error"));
    assertEquals(published2, Instant.parse(late2.json().getString("publishedAt")));
    assertEquals(published2.plus(Duration.ofDays(3)), Instant.parse(late2.json().getString("closedAt")));
    assertTrue(late2.json().getString("message").contains(published2.toString())
        && late2.json().getString("message").contains(published2.plus(Duration.ofDays(3)).toString()),
        late2.json().getString("message"));
    assertEquals(0, f.row("select count(*) from appeal where attempt_id = $1", a2).getLong(0));
    f.rows("update survey_response set submitted_at = $2 where attempt_id = $1", a2,
        old2.getOffsetDateTime(0));

    // within the window: filed, the second callback made; once only
    Http.Response filed = dealer.send("POST", "/api/appeals", appeal(a1));
    assertEquals(201, filed.status(), filed.body());
    long appealId = filed.json().getLong("id");
    assertEquals("calling", filed.json().getString("status"));
    Http.Response again = dealer.send("POST", "/api/appeals", appeal(a1));
    assertEquals(409, again.status());
    assertEquals("already_appealed", again.json().getString("error"));
    assertEquals(1, f.row("select count(*) from appeal where attempt_id = $1", a1).getLong(0));
    Row cb = f.row("select campaign_id, task_id, status from case_callback where purpose = 'appeal' and ref_id = $1",
        appealId);
    assertEquals("calling", cb.getString("status"));
    assertEquals(cb.getLong("task_id"), f.row("select task_id from appeal where id = $1", appealId).getLong(0));
    assertEquals(1, f.row("select count(*) from notification n join app_user u on u.id = n.user_id"
        + " where n.kind = 'appeal.filed' and u.username = 'cw.sup1'").getLong(0));

    // the second callback dialled and answered on the emulator: qualified decides the appeal
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", cb.getLong("campaign_id")).encode()).status());
    JsonObject call = Await.atMost(WAIT).until("the appeal's callback on the desk", () -> agent.get("/api/agent/desk")
        .json().getJsonObject("call"), c -> c != null && c.getJsonObject("questionnaire") != null
        && !a3.equals(c.getString("attemptId")));
    assertEquals("申诉核实", call.getJsonObject("context").getJsonObject("title").getString("zh"), call.encode());
    Http.Response verified = agent.send("POST", "/api/agent/calls/" + call.getString("attemptId") + "/submit",
        new JsonObject().put("disposition", "success").put("answers", new JsonObject().put("resolved", true)
            .put("satisfied", true).put("verdict", "qualified").put("remark", "客户确认车辆已卖出，非本人")).encode());
    assertEquals(200, verified.status(), verified.body());
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());
    Row decided = Await.atMost(WAIT).until("the appeal decided", () -> f.row("select status, result, decision_note"
        + " from appeal where id = $1", appealId), r -> "decided".equals(r.getString("status")));
    assertEquals("qualified", decided.getString("result"));
    assertEquals("客户确认车辆已卖出，非本人", decided.getString("decision_note"));
    JsonObject trail = dealer.get("/api/appeals/" + appealId).json();
    assertEquals(List.of("filed", "callback_created", "callback_result"), trail.getJsonArray("events").stream()
        .map(o -> ((JsonObject) o).getString("action")).toList(), trail.encode());
    assertEquals(1, trail.getJsonArray("callbacks").size());
    assertEquals("qualified", trail.getJsonArray("callbacks").getJsonObject(0).getString("verdict"));
    assertEquals("qualified", trail.getString("result"));
    assertTrue(trail.getJsonObject("customer").getString("phone").contains("****"), trail.encode());
    assertEquals(403, otherDealer.get("/api/appeals/" + appealId).status());
    Http.Response twice = sup1.send("POST", "/api/appeals/" + appealId + "/decide",
        new JsonObject().put("result", "unqualified").put("note", "改判").encode());
    assertEquals(409, twice.status());
    assertEquals("already_decided", twice.json().getString("error"));
    assertEquals(1, f.row("select count(*) from notification n join app_user u on u.id = n.user_id"
        + " where n.kind = 'appeal.decided' and u.username = 'cw.dealer'").getLong(0));

    // the approved month stays as it was: frozen, the stored line unchanged
    Row stored = f.row("select error_samples, appealed_away, assessment from report_dealer_score where kind = 'csi'"
        + " and month = $1 and dealer_id = $2", YearMonth.parse(month).atDay(1), f.dealer);
    assertEquals(2, stored.getInteger("error_samples"));
    assertEquals(0, stored.getInteger("appealed_away"));
    assertEquals(approvedLine.getDouble("assessment"), stored.getBigDecimal("assessment").doubleValue());
    assertEquals(409, sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi")
        .put("month", month).encode()).status(), "frozen");

    // reopen + recompute: the appealed call is out of the dealer's samples, and the late plan (once) is deducted
    assertEquals(200, sup1.send("POST", "/api/reports/months/csi/" + month + "/reopen", "{}").status());
    JsonObject line = dealerLine(sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi")
        .put("month", month).encode()).json(), f.dealer);
    assertEquals(1, line.getInteger("errorSamples"), line.encode());
    assertEquals(1, line.getInteger("appealedAway"));
    assertEquals(1, line.getInteger("successful"));
    Row recomputed = f.row("select error_samples, appealed_away from report_dealer_score where kind = 'csi'"
        + " and month = $1 and dealer_id = $2", YearMonth.parse(month).atDay(1), f.dealer);
    assertEquals(1, recomputed.getInteger("error_samples"));
    assertEquals(1, recomputed.getInteger("appealed_away"));
    assertEquals(f.row("select count(*) from appeal a join survey_response r on r.attempt_id = a.attempt_id"
        + " join customer c on c.id = r.customer_id where c.dealer_id = $1 and a.result in ('qualified', 'untrue')",
        f.dealer).getLong(0).intValue(), recomputed.getInteger("appealed_away"));
    JsonObject deduction = line.getJsonArray("deductions").stream().map(JsonObject.class::cast)
        .filter(d -> "plan_late".equals(d.getString("rule"))).findFirst().orElseThrow(() -> new AssertionError(line));
    assertEquals(new JsonArray().add("plan-" + planId), deduction.getJsonObject("inputs").getJsonArray("plans"));
    assertEquals(20.0, deduction.getDouble("points"));
    assertEquals(1, f.row("select count(*) from report_deduction where dealer_id = $1 and rule = 'plan_late'"
        + " and points = 20", f.dealer).getLong(0));

    // the supervisor board's casework counts, as the database has them
    var pool = server.server().database().pool();
    JsonObject cw = new io.huifang.supervisor.DbFigures(pool, new io.huifang.campaign.CampaignStore(pool),
        ZoneId.of("Asia/Shanghai")).read(Instant.now()).toCompletionStage().toCompletableFuture().get()
        .getJsonObject("casework");
    assertEquals(f.row("select count(*) from appeal where status <> 'decided'").getLong(0), cw.getLong("appealsOpen"));
    assertEquals(0L, cw.getLong("appealsOpen"));
    assertEquals(1L, cw.getLong("plansLate"), cw.encode());
    assertEquals(f.row("select count(*) from case_callback where status = 'calling' and deadline >= now()")
        .getLong(0), cw.getLong("secondCallbacksDue"));
    assertEquals(f.row("select count(*) from case_file where status <> 'closed'").getLong(0), cw.getLong("openCases"));
    f.rows("update improvement_plan set status = 'accepted' where id = $1", planId);
    assertEquals(0L, new io.huifang.supervisor.DbFigures(pool, new io.huifang.campaign.CampaignStore(pool),
        ZoneId.of("Asia/Shanghai")).read(Instant.now()).toCompletionStage().toCompletableFuture().get()
        .getJsonObject("casework").getLong("plansLate"), "an accepted plan is done with");
    JsonObject board = Await.atMost(WAIT).until("the board's casework", () -> sup1.get("/api/supervisor/board").json()
        .getJsonObject("casework"), c -> c != null);
    assertEquals(Set.of("overdueCases", "openCases", "secondCallbacksDue", "secondCallbacksOverdue", "appealsOpen",
        "plansLate"), board.fieldNames());
  }

  static String appeal(String attemptId) {
    return new JsonObject().put("attemptId", attemptId).put("reason", "客户已将车辆转卖，非车主，判为错误样本不属实").encode();
  }


  /** Computes the month (sup1), reviews (sup2), approves (sup1). */
  static void approve(Http sup1, Http sup2, String month) {
    Http.Response c = sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi").put("month", month)
        .encode());
    assertEquals(200, c.status(), c.body());
    assertEquals(200, sup2.send("POST", "/api/reports/months/csi/" + month + "/review", "{}").status());
    Http.Response a = sup1.send("POST", "/api/reports/months/csi/" + month + "/approve", "{}");
    assertEquals(200, a.status(), a.body());
  }

  static JsonObject dealerLine(JsonObject ranking, long dealerId) {
    JsonObject line = ranking.getJsonArray("dealers").stream().map(JsonObject.class::cast)
        .filter(d -> d.getLong("dealerId") == dealerId).findFirst().orElse(null);
    assertNotNull(line, ranking.encode());
    return line;
  }

  static Http.Response upload(Http h, String path, String name, byte[] content, String signedBy) throws Exception {
    String boundary = "----hf" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"signedBy\"\r\n\r\n" + signedBy + "\r\n")
        .getBytes(StandardCharsets.UTF_8));
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(content);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return h.send(java.net.http.HttpRequest.newBuilder(URI.create(h.url(path)))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

}
