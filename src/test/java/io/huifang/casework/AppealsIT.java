package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
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
import org.junit.jupiter.api.Test;

/**
 * Casework's appeals and improvement plans end to end on a real server and the PBX emulator: a month approved opens
 * the dealer's plan with its deadlines; the dealer records its meeting and uploads the signed minutes (PDF/JPEG/PNG
 * by their bytes), a step past its due time is flagged late once, and the next compute counts the late plan into
 * the plan-late deduction; another dealer's user is refused (403, audited).
 */
class AppealsIT {
  static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void plansAppealsAndTheDealersScore(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 4, 0);
    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
    Http sup1 = Http.userWithRole(server, f.admin, "cw.sup1", "supervisor");
    Http sup2 = Http.userWithRole(server, f.admin, "cw.sup2", "supervisor");
    long other = f.admin.send("POST", "/api/dealers", new JsonObject().put("code", "SH09").put("name", "上海另一家")
        .encode()).json().getJsonObject("dealer").getLong("id");
    Http dealer = dealerUser(server, f, "cw.dealer", f.dealer);
    Http otherDealer = dealerUser(server, f, "cw.other", other);

    // ---- improvement plans ----------------------------------------------------------------------------------------
    approve(sup1, sup2, month);
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

    // the next compute of the month its steps fell due in counts the late plan (once) into the deduction
    assertEquals(200, sup1.send("POST", "/api/reports/months/csi/" + month + "/reopen", "{}").status());
    JsonObject line = dealerLine(sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi")
        .put("month", month).encode()).json(), f.dealer);
    JsonObject deduction = line.getJsonArray("deductions").stream().map(JsonObject.class::cast)
        .filter(d -> "plan_late".equals(d.getString("rule"))).findFirst().orElseThrow(() -> new AssertionError(line));
    assertEquals(new JsonArray().add("plan-" + planId), deduction.getJsonObject("inputs").getJsonArray("plans"));
    assertEquals(20.0, deduction.getDouble("points"));
    assertEquals(1, f.row("select count(*) from report_deduction where dealer_id = $1 and rule = 'plan_late'"
        + " and points = 20", f.dealer).getLong(0));
  }

  static Http dealerUser(TestServer server, DeskFixture f, String username, long dealerId) {
    Http.Response created = f.admin.send("POST", "/api/users", new JsonObject().put("username", username)
        .put("displayName", username).put("role", "dealer").put("password", username + "-password-1")
        .put("dealerId", dealerId).encode());
    assertEquals(201, created.status(), created.body());
    Http h = new Http(server);
    assertEquals(200, h.login(username, username + "-password-1").status());
    return h;
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
