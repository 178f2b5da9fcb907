package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.campaign.CampaignStore;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.WithDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DbFigures on a hand-made database: rows on both sides of every boundary (ended 14m59s vs 15m01s ago, 59m59s vs
 * 60m01s, just after vs just before local midnight in Shanghai and in Tokyo, the month's first second vs the last of
 * the month before, a machine vs a person, every task status, dealers with 9 / 10 successes and rates 0.89 / 0.90,
 * evaluations that stand or not). The expected numbers are worked out by hand below, and the same figures are also
 * compared with count(*) queries written here, independent of FiguresStore's SQL.
 */
@WithDatabase
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FiguresIT {
  /** Monday 2026-12-07 14:00 in Shanghai, 15:00 in Tokyo. */
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  /** Shanghai's local midnight and month start; Tokyo's midnight. */
  static final Instant SH_DAY = Instant.parse("2026-12-06T16:00:00Z");
  static final Instant SH_MONTH = Instant.parse("2026-11-30T16:00:00Z");
  static final Instant TK_DAY = Instant.parse("2026-12-06T15:00:00Z");

  @Injected
  Pool pool;
  long a;
  long b;
  long inactive;
  long agent1;
  long agent2;
  long qaUser;
  long dealerX;
  long dealerY;
  long dealerZ;
  long dealerW;
  JsonObject figures;
  int seq;

  @BeforeAll
  void fixture(Pool pool) {
    this.pool = pool;
    agent1 = id("insert into app_user (username, display_name, role, password_hash) values ('a1', '王芳', 'agent', 'x')"
        + " returning id");
    agent2 = id("insert into app_user (username, display_name, role, password_hash) values ('a2', '李雷', 'agent', 'x')"
        + " returning id");
    qaUser = id("insert into app_user (username, display_name, role, password_hash) values ('q1', '质检', 'qa', 'x')"
        + " returning id");
    // A: Shanghai, dialling now (09:00-20:00 every day). B: Tokyo, 18:00-20:00 only: idle at 15:00 Tokyo time.
    a = campaign("A", "Asia/Shanghai", "09:00-20:00", true);
    b = campaign("B", "Asia/Tokyo", "18:00-20:00", true);
    inactive = campaign("C", "Asia/Shanghai", "09:00-20:00", false);
    dealerX = id("insert into dealer (code, name) values ('X', '甲店') returning id");
    dealerY = id("insert into dealer (code, name) values ('Y', '乙店') returning id");
    dealerZ = id("insert into dealer (code, name) values ('Z', '丙店') returning id");
    dealerW = id("insert into dealer (code, name) values ('W', '丁店') returning id");
    for (long d : new long[] {dealerX, dealerY, dealerZ, dealerW}) {
      exec("insert into campaign_dealer (campaign_id, dealer_id) values ($1, $2)", a, d);
    }

    // Campaign A's attempts (agent1 takes #1, #2 and #10)
    attempt("a1", a, "answered_human", ago(20 * 60), ago(14 * 60 + 59), agent1);  // min15, hour, today; answered
    attempt("a2", a, "answered_human", ago(17 * 60 + 1), ago(15 * 60 + 1), agent1); // hour, today; answered
    attempt("a3", a, "answered_machine", ago(11 * 60), ago(10 * 60), null);      // min15: dialled, a machine
    attempt("a4", a, "abandoned", ago(6 * 60), ago(5 * 60), null);                // min15; answered
    attempt("a5", a, "no_answer", null, ago(5 * 60), null);                        // min15
    attempt("a6", a, "busy", null, ago(60), null);                                  // min15
    attempt("a7", a, "congestion", null, ago(59 * 60 + 59), null);                  // hour
    attempt("a8", a, "invalid_number", null, ago(60 * 60 + 1), null);              // today only
    attempt("a9", a, "failed", null, SH_DAY.plusSeconds(1), null);                  // today only
    attempt("a10", a, "answered_human", SH_DAY.minusSeconds(200), SH_DAY.minusSeconds(1), agent1); // yesterday
    attempt("a11", a, "no_answer", null, NOW, null);                                // ends at now: not yet in
    attempt("a13", a, "ring_cut", null, ago(4 * 60), null);                         // min15: a dial, not answered
    exec("insert into call_attempt (id, pbx, campaign_id, dial_string, state, originated_at)"
        + " values ('a12', 'pbx-1', $1, 'x', 'ringing', $2)", a, odt(ago(30)));     // still ringing: not ended
    // Campaign B (Tokyo): 00:30 Tokyo is today there and yesterday in Shanghai (agent2's call: not in their day)
    attempt("b1", b, "answered_human", TK_DAY.plusSeconds(29 * 60), TK_DAY.plusSeconds(30 * 60), agent2);
    attempt("b2", b, "no_answer", null, TK_DAY.minusSeconds(60), null);             // yesterday in Tokyo
    attempt("b3", b, "no_answer", null, ago(3 * 60), null);                         // min15
    attempt("c1", inactive, "answered_human", ago(120), ago(60), agent2);           // an inactive campaign: not shown
    // agent1's surveys: #1 a success submitted 59 s after the call (handle 301 + 59 = 360 s); #2 a draft (120 s)
    survey("a1", a, agent1, dealerX, "submitted", "success", "success", ago(14 * 60), false);
    survey("a2", a, agent1, dealerX, "draft", null, null, null, false);

    // Campaign A's tasks, one per status (and the statuses that count twice); one created after now.
    task(a, "open", 0, null, ago(3600));
    task(a, "open", 2, null, ago(3600));
    task(a, "callback", 1, ago(60), ago(3600));           // due for its callback
    task(a, "callback", 1, NOW.plusSeconds(3600), ago(3600)); // not yet
    task(a, "done", 2, null, ago(3600));
    task(a, "wrong_number", 1, null, ago(3600));
    task(a, "invalid_number", 1, null, ago(3600));
    task(a, "refused", 1, null, ago(3600));
    task(a, "unreached", 3, null, ago(3600));
    task(a, "error_sample", 1, null, ago(3600));
    task(a, "expired", 0, null, ago(3600));
    task(a, "filed", 0, null, ago(3600));
    task(a, "filed", 2, null, ago(3600));
    task(a, "open", 0, null, NOW.plusSeconds(60));         // created after now

    // Dealers (campaign A, Shanghai's month). X: agent1's a1 above and 8 more successes (3 of the 9 today), 1 error
    // from yesterday: rate 9 / 10 = 0.90, not below.
    for (int i = 0; i < 2; i++) {
      survey(null, a, agent2, dealerX, "submitted", "success", "success", ago(3600), false);
    }
    for (int i = 0; i < 6; i++) {
      survey(null, a, agent2, dealerX, "submitted", "success", "success", Instant.parse("2026-12-02T03:00:00Z"), false);
    }
    survey(null, a, agent2, dealerX, "submitted", "error_sample", "wrong_number", SH_DAY.minusSeconds(1), false);
    // Y: 89 successes and 11 errors (7 not the owner, 4 refused): rate 0.89, below; 1 error today
    for (int i = 0; i < 89; i++) {
      survey(null, a, agent2, dealerY, "submitted", "success", "success", Instant.parse("2026-12-03T03:00:00Z"), false);
    }
    for (int i = 0; i < 7; i++) {
      survey(null, a, agent2, dealerY, "submitted", "error_sample", "not_owner", Instant.parse("2026-12-03T03:00:00Z"),
          false);
    }
    for (int i = 0; i < 3; i++) {
      survey(null, a, agent2, dealerY, "submitted", "error_sample", "refused", Instant.parse("2026-12-03T03:00:00Z"),
          false);
    }
    survey(null, a, agent2, dealerY, "submitted", "error_sample", "refused", SH_DAY.plusSeconds(1), false);
    // Z: 10 successes, the first at the month's first second; none of the rest count
    survey(null, a, agent2, dealerZ, "submitted", "success", "success", SH_MONTH.plusSeconds(1), false);
    for (int i = 0; i < 9; i++) {
      survey(null, a, agent2, dealerZ, "submitted", "success", "success", Instant.parse("2026-12-04T03:00:00Z"), false);
    }
    survey(null, a, agent2, dealerZ, "submitted", "success", "success", SH_MONTH.minusSeconds(1), false); // last month
    survey(null, a, agent2, dealerZ, "submitted", "success", "success", ago(60), true);                   // void
    String voidedByQa = survey(null, a, agent2, dealerZ, "submitted", "success", "success", ago(60), false);
    survey(null, a, agent2, dealerZ, "draft", "success", "success", ago(60), false);                       // a draft
    survey(null, a, agent2, dealerZ, "submitted", "not_reached", "no_answer", ago(60), false);            // not a sample
    survey(null, a, agent2, dealerZ, "submitted", "success", "success", NOW.plusSeconds(1), false);        // after now

    // QA: agent2's month 2026-12 has a standard 90.0 and a rescore 80.0 that superseded a 70.0; a draft 50, a
    // calibration 10 and last month's 60 do not count: 85.0 over 2 evaluations.
    exec("insert into qa_scorecard (key, version, name_zh, definition) values ('qa-default', 1, '默认', '{}')");
    long s1 = sample("q1", "2026-12");
    long s2 = sample("q2", "2026-12");
    long s3 = sample("q3", "2026-12");
    long s4 = sample("q4", "2026-12");
    long s5 = sample("q5", "2026-11");
    evaluation(s1, "standard", "submitted", 90.0, null);
    long superseded = evaluation(s2, "standard", "superseded", 70.0, null);
    evaluation(s2, "rescore", "submitted", 80.0, superseded);
    evaluation(s3, "standard", "draft", 50.0, null);
    evaluation(s4, "calibration", "submitted", 10.0, null);
    long voiding = evaluation(s5, "standard", "submitted", 60.0, null);
    exec("insert into qa_finding (attempt_id, kind, evaluation_id, sample_id, agent_id, campaign_id)"
        + " values ($1, 'void', $2, $3, $4, $5)", voidedByQa, voiding, s5, agent2, a);

    figures = new DbFigures(pool, new CampaignStore(pool), SHANGHAI).read(NOW).await();
  }

  @Test
  void connectionWindowsMachinesAndHangupCausesByHand() {
    JsonObject ca = campaign(a);
    // min15: a1 a3 a4 a5 a6 a13 (6), answered a1 a4 (a13's ring cut is a dial, not an answer); hour: + a2 a7 (8),
    // answered + a2; today: + a8 a9 (10)
    assertWindow(ca, "min15", 6, 2, 0.3333);
    assertWindow(ca, "hour", 8, 3, 0.375);
    assertWindow(ca, "today", 10, 3, 0.3);
    assertEquals(new JsonObject().put("min15", 1L).put("today", 1L), ca.getJsonObject("machines"));
    assertEquals(List.of(1L, 1L, 1L, 1L, 1L, 0L, 0L, 0L, 1L), causes(ca),
        "answered abandoned machine no_answer busy … ring_cut");
    JsonObject cb = campaign(b);
    assertWindow(cb, "min15", 1, 0, 0.0);
    assertWindow(cb, "hour", 1, 0, 0.0);
    assertWindow(cb, "today", 2, 1, 0.5); // b1 at 00:30 Tokyo
    assertEquals(List.of(0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L), causes(cb));
    assertFalse(figures.getJsonObject("campaigns").containsKey(String.valueOf(inactive)), "inactive: not on the board");
    JsonObject totals = figures.getJsonObject("totals");
    assertWindow(totals, "min15", 7, 2, 0.2857);
    assertWindow(totals, "hour", 9, 3, 0.3333);
    assertWindow(totals, "today", 12, 4, 0.3333);
    assertEquals(List.of(1L, 1L, 1L, 2L, 1L, 0L, 0L, 0L, 1L), causes(totals));
  }

  @Test
  void connectionWindowsMatchTheDatabasesOwnCounts() {
    for (long c : new long[] {a, b}) {
      ZoneId zone = c == a ? SHANGHAI : TOKYO;
      Instant midnight = NOW.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
      JsonObject conn = campaign(c).getJsonObject("connection");
      for (var w : List.of(List.of("min15", NOW.minus(Duration.ofMinutes(15))),
          List.of("hour", NOW.minus(Duration.ofHours(1))), List.of("today", midnight))) {
        Instant from = (Instant) w.get(1);
        String where = " from call_attempt where campaign_id = $1 and ended_at >= $2 and ended_at < $3";
        JsonObject got = conn.getJsonObject((String) w.get(0));
        assertEquals(count("select count(*)" + where, c, odt(from), odt(NOW)), got.getLong("dialled"),
            c + " " + w.get(0));
        assertEquals(count("select count(*)" + where + " and answered_at is not null"
            + " and outcome in ('answered_human', 'abandoned')", c, odt(from), odt(NOW)), got.getLong("answered"));
      }
      JsonArray causes = campaign(c).getJsonArray("hangupCauses");
      for (int i = 0; i < causes.size(); i++) {
        String cls = causes.getJsonObject(i).getString("class");
        String outcome = switch (cls) {
          case "answered" -> "answered_human";
          case "machine" -> "answered_machine";
          default -> cls;
        };
        assertEquals(count("select count(*) from call_attempt where campaign_id = $1 and outcome = $2"
                + " and ended_at >= $3 and ended_at < $4", c, outcome, odt(NOW.minus(Duration.ofMinutes(15))),
            odt(NOW)), causes.getJsonObject(i).getLong("count"), cls);
      }
    }
  }

  @Test
  void listProgressAndCallbackRateByHandAndByCount() {
    JsonObject list = campaign(a).getJsonObject("list");
    // 13 tasks created by now; due: all but the 2 filed = 11; done: done wrong invalid refused unreached error = 6;
    // remaining: 2 open + 2 callbacks; called: attempts > 0 and not filed = 9
    assertEquals(11, list.getLong("due"));
    assertEquals(6, list.getLong("done"));
    assertEquals(1, list.getLong("callbacksDue"));
    assertEquals(4, list.getLong("remaining"));
    assertEquals(1, list.getLong("expired"));
    assertNull(list.getString("idleReason"), "A dials at 14:00");
    JsonObject rate = campaign(a).getJsonObject("callbackRate");
    assertEquals(new JsonObject().put("called", 9L).put("due", 11L).put("rate", 0.8182).put("target", 0.95)
        .put("good", 0.97), rate);

    String of = " from call_task where campaign_id = $1 and created_at <= $2";
    assertEquals(count("select count(*)" + of + " and status <> 'filed'", a, odt(NOW)), list.getLong("due"));
    assertEquals(count("select count(*)" + of + " and status in ('done', 'wrong_number', 'invalid_number',"
        + " 'refused', 'unreached', 'error_sample')", a, odt(NOW)), list.getLong("done"));
    assertEquals(count("select count(*)" + of + " and status = 'callback' and callback_at <= $2", a, odt(NOW)),
        list.getLong("callbacksDue"));
    assertEquals(count("select count(*)" + of + " and status in ('open', 'callback')", a, odt(NOW)),
        list.getLong("remaining"));
    assertEquals(count("select count(*)" + of + " and status = 'expired'", a, odt(NOW)), list.getLong("expired"));
    assertEquals(count("select count(*)" + of + " and status <> 'filed' and attempts > 0", a, odt(NOW)),
        rate.getLong("called"));

    JsonObject idle = campaign(b).getJsonObject("list");
    assertEquals("outside_hours", idle.getString("idleReason"));
    assertEquals("2026-12-07T18:00:00+09:00", idle.getString("nextDialAt"), "today 18:00 in Tokyo");
    assertEquals(0, idle.getLong("due"));
    assertNull(campaign(b).getJsonObject("callbackRate").getDouble("rate"), "nothing due: no rate");
  }

  @Test
  void dealersSamplesByHandAndByCount() {
    JsonObject x = dealer(dealerX);
    assertEquals(new JsonObject().put("success", 3L).put("error", 0L), x.getJsonObject("today")); // a1 + 2
    JsonObject xm = x.getJsonObject("month");
    assertEquals(9, xm.getLong("success"));
    assertEquals(1, xm.getLong("error"));
    assertEquals(10, xm.getInteger("need"));
    assertEquals(0.9, xm.getDouble("successRate"));
    assertFalse(xm.getBoolean("belowRate"), "0.90 is not below 90 %");
    assertEquals(new JsonObject().put("wrong_number", 1L), xm.getJsonObject("errorsByKind"));
    JsonObject y = dealer(dealerY);
    assertEquals(new JsonObject().put("success", 0L).put("error", 1L), y.getJsonObject("today"));
    JsonObject ym = y.getJsonObject("month");
    assertEquals(89, ym.getLong("success"));
    assertEquals(11, ym.getLong("error"));
    assertEquals(0.89, ym.getDouble("successRate"));
    assertTrue(ym.getBoolean("belowRate"));
    assertEquals(new JsonObject().put("not_owner", 7L).put("refused", 4L), ym.getJsonObject("errorsByKind"));
    JsonObject zm = dealer(dealerZ).getJsonObject("month");
    assertEquals(10, zm.getLong("success"), "the month's first second counts; last month, void, QA-void, draft,"
        + " not reached and after now do not");
    assertEquals(1.0, zm.getDouble("successRate"));
    JsonObject wm = dealer(dealerW).getJsonObject("month");
    assertEquals(0, wm.getLong("success"));
    assertNull(wm.getDouble("successRate"));
    assertFalse(wm.getBoolean("belowRate"), "no sample: not below");
    assertEquals(4, figures.getJsonArray("dealers").size());

    String base = "select count(*) from survey_response sr join customer cu on cu.id = sr.customer_id"
        + " where sr.campaign_id = $1 and cu.dealer_id = $2 and sr.status = 'submitted' and sr.disposition_group = $3"
        + " and sr.submitted_at >= $4 and sr.submitted_at < $5 and not coalesce(sr.void, false)"
        + " and sr.attempt_id not in (select attempt_id from qa_finding where kind = 'void')";
    for (long d : new long[] {dealerX, dealerY, dealerZ, dealerW}) {
      JsonObject row = dealer(d);
      assertEquals(count(base, a, d, "success", odt(SH_MONTH), odt(NOW)), row.getJsonObject("month").getLong("success"));
      assertEquals(count(base, a, d, "error_sample", odt(SH_MONTH), odt(NOW)),
          row.getJsonObject("month").getLong("error"));
      assertEquals(count(base, a, d, "success", odt(SH_DAY), odt(NOW)), row.getJsonObject("today").getLong("success"));
      assertEquals(count(base, a, d, "error_sample", odt(SH_DAY), odt(NOW)),
          row.getJsonObject("today").getLong("error"));
    }
  }

  @Test
  void agentsDayAndQaMonth() {
    JsonObject agents = figures.getJsonObject("agents");
    JsonObject one = agents.getJsonObject(String.valueOf(agent1));
    // a1 (talk 301 s, handle 360 s with the survey submitted 59 s after) and a2 (talk = handle = 120 s); a10 was
    // yesterday
    assertEquals(new JsonObject().put("calls", 2L).put("successes", 1L).put("meanHandleSeconds", 240L)
        .put("talkSeconds", 421L), one.getJsonObject("today"));
    assertNull(one.getValue("qaMonth"));
    JsonObject two = agents.getJsonObject(String.valueOf(agent2));
    // b1 ended before Shanghai's midnight; c1 counts (the agent's day, whatever campaign): talk = handle = 60 s
    assertEquals(new JsonObject().put("calls", 1L).put("successes", 0L).put("meanHandleSeconds", 60L)
        .put("talkSeconds", 60L), two.getJsonObject("today"));
    assertEquals(new JsonObject().put("score", 85.0).put("evaluations", 2L), two.getJsonObject("qaMonth"));
    assertEquals(count("select count(*) from call_attempt where agent_id = $1 and ended_at >= $2 and ended_at < $3",
        agent1, odt(SH_DAY), odt(NOW)), one.getJsonObject("today").getLong("calls"));
    assertEquals(2, agents.size(), "only agents with a call today or a QA score");
  }

  @Test
  void theSettledPartIsReadOncePerStepAndALateRowShowsAtTheNextStep() {
    long d = campaign("D", "Asia/Shanghai", "09:00-20:00", true);
    DbFigures reader = new DbFigures(pool, new CampaignStore(pool), SHANGHAI);
    assertEquals(0, today(reader.read(NOW).await(), d));
    // one attempt ends now-ish (live), one is written late with a time before the settled mark (04:55Z)
    attempt("d1", d, "no_answer", null, ago(30 * 60), null);
    attempt("d2", d, "no_answer", null, SH_DAY.plusSeconds(10), null);
    assertEquals(1, today(reader.read(NOW.plusSeconds(60)).await(), d), "the live part at once, not the late row");
    Instant step = NOW.plus(DbFigures.SETTLED_STEP);
    assertEquals(2, today(reader.read(step).await(), d), "the next step reads the settled part again");
    assertEquals(count("select count(*) from call_attempt where campaign_id = $1 and ended_at >= $2 and ended_at < $3",
        d, odt(SH_DAY), odt(step)), today(reader.read(step).await(), d));
    assertEquals(2, today(new DbFigures(pool, new CampaignStore(pool), SHANGHAI).read(NOW).await(), d),
        "a new reader reads everything");
  }

  private static long today(JsonObject figures, long campaign) {
    return figures.getJsonObject("campaigns").getJsonObject(String.valueOf(campaign)).getJsonObject("connection")
        .getJsonObject("today").getLong("dialled");
  }

  // --- the fixture's helpers

  private JsonObject campaign(long id) {
    return figures.getJsonObject("campaigns").getJsonObject(String.valueOf(id));
  }

  private JsonObject dealer(long id) {
    for (Object o : figures.getJsonArray("dealers")) {
      JsonObject d = (JsonObject) o;
      if (d.getLong("dealerId") == id) {
        assertEquals(a, d.getLong("campaignId"));
        return d;
      }
    }
    throw new AssertionError("no dealer " + id + " in " + figures.getJsonArray("dealers"));
  }

  private static void assertWindow(JsonObject c, String window, long dialled, long answered, double rate) {
    JsonObject w = c.getJsonObject("connection").getJsonObject(window);
    assertEquals(dialled, w.getLong("dialled"), window + " dialled " + w);
    assertEquals(answered, w.getLong("answered"), window + " answered " + w);
    assertEquals(rate, w.getDouble("rate"), 1e-9, window + " rate " + w);
  }

  private static List<Long> causes(JsonObject c) {
    List<Long> out = new ArrayList<>();
    JsonArray a = c.getJsonArray("hangupCauses");
    assertEquals(DbFigures.CLASSES, a.stream().map(o -> ((JsonObject) o).getString("class")).toList());
    a.forEach(o -> out.add(((JsonObject) o).getLong("count")));
    return out;
  }

  static Instant ago(long seconds) {
    return NOW.minusSeconds(seconds);
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private long campaign(String name, String zone, String hours, boolean active) {
    JsonObject h = new JsonObject().put("mon", new JsonArray().add(hours)).put("tue", new JsonArray().add(hours))
        .put("wed", new JsonArray().add(hours)).put("thu", new JsonArray().add(hours))
        .put("fri", new JsonArray().add(hours)).put("sat", new JsonArray().add(hours))
        .put("sun", new JsonArray().add(hours));
    return id("insert into campaign (name, kind, time_zone, calling_hours, deadline_basis, deadline_hours,"
        + " max_attempts, day_parts, dial_mode, recording_policy, active) values ($1, 'csi', $2, $3,"
        + " 'service_date', 72, 5, '[]'::jsonb, 'predictive', 'all', $4) returning id", name, zone, h, active);
  }

  private void attempt(String id, long campaign, String outcome, Instant answered, Instant ended, Long agent) {
    Instant bridged = agent == null ? null : answered;
    exec("insert into call_attempt (id, pbx, campaign_id, dial_string, state, outcome, originated_at, answered_at,"
            + " bridged_at, ended_at, agent_id) values ($1, 'pbx-1', $2, 'x', 'ended', $3, $4, $5, $6, $7, $8)",
        id, campaign, outcome, odt(ended.minusSeconds(1800)), odt(answered), odt(bridged), odt(ended), agent);
  }

  /** A customer of {@code dealer} in {@code campaign}, with its import batch. */
  private long customer(long campaign, long dealer) {
    long batch = id("insert into import_batch (campaign_id, dealer_id, file_name, file_sha256, status)"
        + " values ($1, $2, 'f.xlsx', $3, 'validated') returning id", campaign, dealer, "sha" + (++seq));
    return id("insert into customer (campaign_id, dealer_id, import_batch_id, row_no, row_key, name, phone)"
        + " values ($1, $2, $3, 1, $4, '张三', '13800138000') returning id", campaign, dealer, batch, "row" + seq);
  }

  private String survey(String attemptId, long campaign, long agent, long dealer, String status, String group,
                        String disposition, Instant submitted, boolean voided) {
    String id = attemptId != null ? attemptId : "s" + (++seq);
    exec("insert into survey_response (attempt_id, campaign_id, customer_id, agent_id, questionnaire_key,"
            + " questionnaire_version, status, disposition_group, disposition, submitted_at, void)"
            + " values ($1, $2, $3, $4, 'csi', 1, $5, $6, $7, $8, $9)",
        id, campaign, customer(campaign, dealer), agent, status, group, disposition,
        "submitted".equals(status) ? odt(submitted) : null, voided);
    return id;
  }

  private void task(long campaign, String status, int attempts, Instant callbackAt, Instant created) {
    exec("insert into call_task (campaign_id, customer_id, phone, status, deadline, next_try_at, attempts,"
            + " callback_at, created_at) values ($1, $2, '13800138000', $3, $4, $4, $5, $6, $7)",
        campaign, customer(campaign, dealerW), status, odt(NOW.plusSeconds(86400)), attempts, odt(callbackAt),
        odt(created));
  }

  private long sample(String attemptId, String month) {
    return id("insert into qa_sample (month, attempt_id, campaign_id, agent_id, reason, reasons)"
        + " values ($1, $2, $3, $4, 'quota', '{quota}') returning id", month, attemptId, a, agent2);
  }

  private long evaluation(long sample, String kind, String status, double score, Long supersedes) {
    return id("insert into qa_evaluation (sample_id, attempt_id, agent_id, evaluator_id, kind, status, scorecard_key,"
            + " scorecard_version, score, supersedes_id, submitted_at) values ($1, 'x', $2, $3, $4, $5, 'qa-default', 1,"
            + " $6, $7, $8) returning id",
        sample, agent2, qaUser, kind, status, score, supersedes, "draft".equals(status) ? null : odt(ago(600)));
  }

  private void exec(String sql, Object... args) {
    pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await();
  }

  private long id(String sql, Object... args) {
    return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().iterator().next().getLong(0);
  }

  private long count(String sql, Object... args) {
    Row r = pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().iterator().next();
    return r.getLong(0);
  }
}
