package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.junit.jupiter.api.Test;

/**
 * Charts and reports on a small hand-made day (Tuesday 2026-11-10 in Shanghai): two agents' state changes and four
 * attempts, the expected minutes worked out by hand and the pause minutes also by an independent lead() query; the
 * workbook read back; 400 naming the bad parameter; agents and QA refused.
 */
class SupervisorReportsIT {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final String DAY = "2026-11-10";

  static OffsetDateTime at(String hhmmss) {
    return LocalDateTime.parse(DAY + "T" + hhmmss).atZone(SHANGHAI).toOffsetDateTime()
        .withOffsetSameInstant(ZoneOffset.UTC);
  }

  @Test
  @WithServer
  void chartsAndReportsOfAHandMadeDay(TestServer server) throws Exception {
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    Http supervisor = Http.userWithRole(server, admin, "sup.he", "supervisor");
    Http agent = Http.userWithRole(server, admin, "wang.fang", "agent");
    Http qa = Http.userWithRole(server, admin, "qa.li", "qa");
    Http.userWithRole(server, admin, "li.lei", "agent");
    Pool pool = server.server().database().pool();
    long a1 = id(pool, "select id from app_user where username = 'wang.fang'");
    long a2 = id(pool, "select id from app_user where username = 'li.lei'");
    long campaign = id(pool, "insert into campaign (name, kind, time_zone, calling_hours, deadline_basis,"
        + " deadline_hours, max_attempts, day_parts, dial_mode, recording_policy, abandon_target) values ('报表活动',"
        + " 'csi', 'Asia/Shanghai', '{\"mon\": [\"09:00-20:00\"]}', 'service_date', 72, 5, '[]', 'predictive', 'all',"
        + " 3.00) returning id");

    for (String path : List.of("/api/supervisor/charts?day=" + DAY, "/api/supervisor/reports?date=" + DAY,
        "/api/supervisor/reports.xlsx?date=" + DAY)) {
      assertEquals(403, agent.get(path).status(), "agent: " + path);
      assertEquals(403, qa.get(path).status(), "qa: " + path);
      assertEquals(401, new Http(server).get(path).status(), "signed out: " + path);
    }

    // wang.fang: ready 09:00, a call 09:10, wrap-up 09:20, ready 09:22, a break 09:30, ready 09:45, a meal 10:00,
    // signed out 11:00. li.lei: ready 09:05, training 09:15, signed out 09:35. The day before: li.lei in a meeting.
    state(pool, a2, "paused", "meeting", "2026-11-09T01:00:00Z");
    state(pool, a2, "down", null, "2026-11-09T01:30:00Z");
    String[][] log = {{"ready", null, "09:00:00"}, {"on_call", null, "09:10:00"}, {"wrap_up", null, "09:20:00"},
        {"ready", null, "09:22:00"}, {"paused", "break", "09:30:00"}, {"ready", null, "09:45:00"},
        {"paused", "meal", "10:00:00"}, {"down", null, "11:00:00"}};
    for (String[] s : log) {
      state(pool, a1, s[0], s[1], at(s[2]).toInstant().toString());
    }
    state(pool, a2, "ready", null, at("09:05:00").toInstant().toString());
    state(pool, a2, "paused", "training", at("09:15:00").toInstant().toString());
    state(pool, a2, "down", null, at("09:35:00").toInstant().toString());
    // attempts: a machine at 09:05, then at 09:19 wang.fang's call (bridged 09:10:00, 599 s), a no answer and an
    // abandon
    attempt(pool, "r1", campaign, "answered_machine", at("09:04:50"), at("09:05:00"), null, null);
    attempt(pool, "r2", campaign, "answered_human", at("09:10:00"), at("09:19:59"), a1, at("09:10:00"));
    attempt(pool, "r3", campaign, "no_answer", null, at("09:19:10"), null, null);
    attempt(pool, "r4", campaign, "abandoned", at("09:19:20"), at("09:19:30"), null, null);
    exec(pool, "insert into survey_response (attempt_id, campaign_id, agent_id, questionnaire_key,"
        + " questionnaire_version, status, disposition_group, disposition, submitted_at) values ('r2', $1, $2, 'csi',"
        + " 1, 'submitted', 'success', 'success', $3)", campaign, a1, at("09:21:00"));
    exec(pool, "insert into qa_scorecard (key, version, name_zh, definition) values ('qa-default', 1, '默认', '{}')"
        + " on conflict do nothing");
    long sample = id(pool, "insert into qa_sample (month, attempt_id, campaign_id, agent_id, reason, reasons)"
        + " values ('2026-11', 'r2', $1, $2, 'quota', '{quota}') returning id", campaign, a1);
    exec(pool, "insert into qa_evaluation (sample_id, attempt_id, agent_id, evaluator_id, kind, status,"
        + " scorecard_key, scorecard_version, score, submitted_at) values ($1, 'r2', $2, $2, 'standard', 'submitted',"
        + " 'qa-default', 1, 88.5, now())", sample, a1);

    // --- charts: from the first activity (09:00) to the day's end
    JsonObject c = supervisor.get("/api/supervisor/charts?day=" + DAY + "&campaignId=" + campaign).json();
    JsonArray minutes = c.getJsonArray("minutes");
    assertEquals("09:00", minutes.getString(0));
    assertEquals("23:59", minutes.getString(minutes.size() - 1));
    assertEquals(15 * 60, minutes.size());
    assertEquals(0.03, c.getDouble("abandonLimit"));
    JsonArray conn = c.getJsonArray("connectionRate");
    assertEquals(0.0, conn.getDouble(5), "09:05: a machine, no connection");
    assertNull(conn.getValue(6), "09:06: nothing dialled");
    assertEquals(0.6667, conn.getDouble(19), "09:19: 2 connections of 3");
    JsonArray abandon = c.getJsonArray("abandonRate");
    assertNull(abandon.getValue(18));
    assertEquals(0.5, abandon.getDouble(19), "1 abandoned of 2 live answers in the hour to 09:19");
    assertEquals(0.5, abandon.getDouble(78), "10:18: 09:19 is still in the hour");
    assertNull(abandon.getValue(79), "10:19: out of it");
    JsonObject agents = c.getJsonObject("agents");
    // 09:05 both ready; 09:12 one on a call, one ready; 09:21 wrap-up and training; 09:40 a break, li.lei gone
    assertState(agents, 5, 2, 0, 0, 0);
    assertState(agents, 12, 1, 1, 0, 0);
    assertState(agents, 21, 0, 0, 1, 1);
    assertState(agents, 40, 0, 0, 0, 1);
    assertState(agents, 150, 0, 0, 0, 0);
    JsonArray busy = c.getJsonArray("busyShare");
    assertEquals(0.0, busy.getDouble(5));
    assertEquals(0.5, busy.getDouble(12));
    assertEquals(0.5, busy.getDouble(21));
    assertNull(busy.getValue(150), "nobody logged in");

    // --- the report by agent
    JsonObject r = supervisor.get("/api/supervisor/reports?period=day&date=" + DAY + "&by=agent").json();
    assertEquals(List.of("break", "meal", "training"), r.getJsonArray("pauseReasons").getList(),
        "the meeting was the day before");
    JsonObject w = row(r, "agentId", a1);
    assertEquals(1, w.getLong("calls"));
    assertEquals(10.0, w.getDouble("talkMinutes"));
    assertEquals(120.0, w.getDouble("loggedInMinutes"));
    assertEquals(5.0, w.getDouble("talkMinutesPerLoggedInHour"));
    assertEquals(1, w.getLong("successes"));
    assertEquals(1.0, w.getDouble("successRate"));
    assertEquals(88.5, w.getDouble("qaScore"));
    assertEquals(new JsonObject().put("break", 15.0).put("meal", 60.0).put("training", 0.0),
        w.getJsonObject("pauseMinutes"));
    JsonObject l = row(r, "agentId", a2);
    assertEquals(0, l.getLong("calls"));
    assertEquals(30.0, l.getDouble("loggedInMinutes"));
    assertEquals(new JsonObject().put("break", 0.0).put("meal", 0.0).put("training", 20.0),
        l.getJsonObject("pauseMinutes"));
    // the same pause minutes by the database alone
    for (long agentId : new long[] {a1, a2}) {
      for (String reason : List.of("break", "meal", "training")) {
        double byDb = pool.preparedQuery("with s as (select state, reason, at,"
                + " lead(at) over (order by at, id) as next from agent_state_log where agent_id = $1)"
                + " select coalesce(sum(extract(epoch from least(coalesce(next, $3), $3) - greatest(at, $2))), 0)"
                + "::float8 / 60 from s where state = 'paused' and reason = $4 and at < $3"
                + " and coalesce(next, $3) > $2")
            .execute(Tuple.of(agentId, at("00:00:00"), at("00:00:00").plusDays(1), reason)).await()
            .iterator().next().getDouble(0);
        assertEquals(byDb, row(r, "agentId", agentId).getJsonObject("pauseMinutes").getDouble(reason), 0.05,
            agentId + " " + reason);
      }
    }
    JsonObject week = supervisor.get("/api/supervisor/reports?period=week&date=" + DAY + "&by=agent").json();
    assertEquals("2026-11-09", week.getString("from"));
    assertEquals("2026-11-15", week.getString("to"));
    assertEquals(List.of("break", "meal", "meeting", "training"), week.getJsonArray("pauseReasons").getList());
    assertEquals(30.0, row(week, "agentId", a2).getJsonObject("pauseMinutes").getDouble("meeting"),
        "Monday 09:00-09:30 in Shanghai");

    // --- by campaign, against count(*)
    JsonObject byCampaign = supervisor.get("/api/supervisor/reports?date=" + DAY + "&by=campaign").json();
    JsonObject cr = row(byCampaign, "campaignId", campaign);
    assertEquals("报表活动", cr.getString("name"));
    assertEquals(4, cr.getLong("dialled"));
    assertEquals(2, cr.getLong("answered"));
    assertEquals(0.5, cr.getDouble("connectionRate"));
    assertEquals(1, cr.getLong("calls"));
    assertEquals(10.0, cr.getDouble("talkMinutes"));
    assertEquals(88.5, cr.getDouble("qaScore"));
    assertNull(cr.getValue("pauseMinutes"));
    assertEquals(count(pool, "select count(*) from call_attempt where campaign_id = $1 and ended_at >= $2"
        + " and ended_at < $3", campaign, at("00:00:00"), at("00:00:00").plusDays(1)), cr.getLong("dialled"));
    assertEquals(count(pool, "select count(*) from call_attempt where campaign_id = $1 and ended_at >= $2"
        + " and ended_at < $3 and answered_at is not null and outcome in ('answered_human', 'abandoned')", campaign,
        at("00:00:00"), at("00:00:00").plusDays(1)), cr.getLong("answered"));

    // --- the workbook, Chinese by default, English on request
    List<org.dhatim.fastexcel.reader.Row> zh = sheet(supervisor, "/api/supervisor/reports.xlsx?date=" + DAY, "回访员");
    assertEquals("回访员", zh.get(0).getCellText(0));
    assertEquals("每登录小时通话分钟", zh.get(0).getCellText(5));
    assertEquals("暂停·休息（分钟）", zh.get(0).getCellText(9));
    assertEquals("暂停·培训（分钟）", zh.get(0).getCellText(11));
    org.dhatim.fastexcel.reader.Row wang = zh.stream().filter(x -> "wang.fang".equals(x.getCellText(1))).findFirst()
        .orElseThrow();
    assertEquals("1", wang.getCellText(2));
    assertEquals("10", wang.getCellText(3).replace(".0", ""));
    assertEquals("120", wang.getCellText(4).replace(".0", ""));
    assertEquals("88.5", wang.getCellText(8));
    assertEquals("15", wang.getCellText(9).replace(".0", ""));
    assertEquals("60", wang.getCellText(10).replace(".0", ""));
    assertEquals(3, zh.size(), "a header and two agents");
    List<org.dhatim.fastexcel.reader.Row> en = sheet(supervisor,
        "/api/supervisor/reports.xlsx?date=" + DAY + "&by=campaign&lang=en", "Campaigns");
    assertEquals("Campaign", en.get(0).getCellText(0));
    assertEquals("Connection rate", en.get(0).getCellText(3));
    assertEquals("报表活动", en.get(1).getCellText(0));
    assertEquals("4", en.get(1).getCellText(1));
    assertEquals("0.5", en.get(1).getCellText(3));

    // --- 400 naming the bad parameter
    for (String[] bad : new String[][] {{"/api/supervisor/reports?period=month", "period"},
        {"/api/supervisor/reports?date=2026-13-01", "date"}, {"/api/supervisor/reports?by=dealer", "by"},
        {"/api/supervisor/reports.xlsx?lang=fr", "lang"}, {"/api/supervisor/charts?day=yesterday", "day"},
        {"/api/supervisor/charts?campaignId=abc", "campaignId"}}) {
      Http.Response resp = supervisor.get(bad[0]);
      assertEquals(400, resp.status(), bad[0]);
      assertEquals(bad[1], resp.json().getString("field"), bad[0]);
    }
    // admins read them too; a day with nothing is empty
    JsonObject none = admin.get("/api/supervisor/charts?day=2026-10-01").json();
    assertEquals(new JsonArray(), none.getJsonArray("minutes"));
    assertTrue(admin.get("/api/supervisor/reports?date=2026-10-01").json().getJsonArray("rows").isEmpty());
  }

  private static void assertState(JsonObject agents, int m, double ready, double onCall, double wrapUp,
                                   double paused) {
    assertEquals(ready, agents.getJsonArray("ready").getDouble(m), "ready at " + m);
    assertEquals(onCall, agents.getJsonArray("onCall").getDouble(m), "on call at " + m);
    assertEquals(wrapUp, agents.getJsonArray("wrapUp").getDouble(m), "wrap-up at " + m);
    assertEquals(paused, agents.getJsonArray("paused").getDouble(m), "paused at " + m);
  }

  private static JsonObject row(JsonObject report, String key, long id) {
    return report.getJsonArray("rows").stream().map(JsonObject.class::cast).filter(o -> o.getLong(key) == id)
        .findFirst().orElseThrow(() -> new AssertionError("no row " + id + " in " + report));
  }

  private static List<org.dhatim.fastexcel.reader.Row> sheet(Http h, String path, String name) throws Exception {
    HttpResponse<byte[]> x = h.client().send(HttpRequest.newBuilder(URI.create(h.url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, x.statusCode());
    assertTrue(x.headers().firstValue("content-type").orElse("").contains("spreadsheetml"));
    try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(x.body()))) {
      var sheet = wb.getFirstSheet();
      assertEquals(name, sheet.getName());
      try (Stream<org.dhatim.fastexcel.reader.Row> rows = sheet.openStream()) {
        return rows.toList();
      }
    }
  }

  private static void state(Pool pool, long agent, String state, String reason, String at) {
    exec(pool, "insert into agent_state_log (agent_id, state, reason, at) values ($1, $2, $3, $4)", agent, state,
        reason, Instant.parse(at).atOffset(ZoneOffset.UTC));
  }

  private static void attempt(Pool pool, String id, long campaign, String outcome, OffsetDateTime answered,
                              OffsetDateTime ended, Long agent, OffsetDateTime bridged) {
    exec(pool, "insert into call_attempt (id, pbx, campaign_id, dial_string, state, outcome, originated_at,"
            + " answered_at, bridged_at, ended_at, agent_id) values ($1, 'pbx-1', $2, 'x', 'ended', $3, $4, $5, $6, $7,"
            + " $8)", id, campaign, outcome, ended.minusMinutes(1), answered, bridged, ended, agent);
  }

  private static void exec(Pool pool, String sql, Object... args) {
    pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await();
  }

  private static long id(Pool pool, String sql, Object... args) {
    return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().iterator().next().getLong(0);
  }

  private static long count(Pool pool, String sql, Object... args) {
    return id(pool, sql, args);
  }
}
