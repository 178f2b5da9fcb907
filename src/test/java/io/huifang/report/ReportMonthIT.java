package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.qa.Scorecard;
import io.huifang.survey.Questionnaire;
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
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.junit.jupiter.api.Test;

/**
 * A month of dealer scores end to end on a real server and the PBX emulator: a DMS list imported, the customers
 * dialled, an agent's surveys submitted (successes with low items and a complaint, an error sample), QA finds one
 * survey falsified; uncalled tasks expire, one covered by a special-case filing inside its period, one filed after
 * its deadline, one not filed. Then the month is computed, reviewed (not by its drafter), approved, refused a
 * recompute (frozen) and reopened; the ranking's numbers equal those computed here from the database's rows, and so
 * do the XLSX's, the checks' and the voice-of-the-customer report's.
 */
class ReportMonthIT {
  static final Duration WAIT = Duration.ofSeconds(40);
  static final Set<String> NONE = Set.of();

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aMonthIsComputedReviewedApprovedFrozenAndReopened(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 8, 0);
    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
    Http sup1 = Http.userWithRole(server, f.admin, "rep.sup1", "supervisor");
    Http sup2 = Http.userWithRole(server, f.admin, "rep.sup2", "supervisor");
    Http agent = f.agent("rep.agent");
    Http qa = Http.userWithRole(server, f.admin, "rep.qa", "qa");
    assertEquals(200, f.admin.send("PUT", "/api/dealers/" + f.dealer + "/placement",
        new JsonObject().put("region", "华北").put("group", "东方集团").encode()).status());
    assertEquals("region", f.admin.send("PUT", "/api/dealers/" + f.dealer + "/placement",
        new JsonObject().put("region", 7).encode()).json().getString("field"));
    assertEquals(403, agent.get("/api/reports/months").status(), "agents do not see dealer scores");

    // Four calls: two successes (the second with two low items and a complaint), one to be found falsified, an
    // error sample (not the owner).
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    String a1 = takeCall(agent, null, "success", 0, a -> { });
    String a2 = takeCall(agent, a1, "success", 2, a -> a.put("complaint", "等待时间太长"));
    String a4 = takeCall(agent, a2, "success", 1, a -> { });
    String a5 = takeCall(agent, a4, "not_owner", 0, a -> { });
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());

    // QA finds a4 falsified (its item s1), through the QA workspace.
    JsonObject sample = Await.atMost(WAIT).until("a4 sampled", () -> qa.get("/api/qa/samples?limit=50").json()
        .getJsonArray("samples").stream().map(JsonObject.class::cast)
        .filter(s -> a4.equals(s.getString("attemptId"))).findFirst().orElse(null), s -> s != null);
    long sampleId = sample.getLong("id");
    assertEquals(200, qa.send("POST", "/api/qa/samples/" + sampleId + "/claim", "{}").status());
    Http.Response ev = qa.send("POST", "/api/qa/samples/" + sampleId + "/evaluations", "{}");
    assertEquals(200, ev.status(), ev.body());
    long evId = ev.json().getLong("id");
    JsonObject marks = new JsonObject();
    Scorecard.builtIn(Scorecard.DEFAULT).items().keySet()
        .forEach(id -> marks.put(id, new JsonObject().put("result", "pass")));
    Http.Response saved = qa.send("PUT", "/api/qa/evaluations/" + evId, new JsonObject().put("items", marks)
        .put("findings", new JsonObject().put("falsified", new JsonArray().add("s1"))).encode());
    assertEquals(200, saved.status(), saved.body());
    Http.Response submitted = qa.send("POST", "/api/qa/evaluations/" + evId + "/submit", "{}");
    assertEquals(200, submitted.status(), submitted.body());
    assertEquals(1, f.row("select count(*) from qa_finding where attempt_id = $1 and kind = 'falsified'", a4)
        .getLong(0));

    // The three tasks never called expire: one covered by a filing inside its period, one filed the day after its
    // deadline, one not filed.
    List<Long> open = new ArrayList<>();
    f.rows("select t.id from call_task t where t.campaign_id = $1 and t.attempts = 0 and t.status = 'open'"
        + " order by t.id", f.campaign).forEach(r -> open.add(r.getLong(0)));
    assertTrue(open.size() >= 3, "uncalled tasks: " + open);
    List<Long> expired = open.subList(0, 3);
    for (long t : expired) {
      f.rows("update call_task set created_at = now() - interval '3 days', deadline = now() - interval '2 hours'"
          + " where id = $1", t);
    }
    f.rows("insert into special_filing (task_id, reason, filed_at) values ($1, '客户出国', now() - interval '1 day')",
        expired.get(0));
    f.rows("insert into special_filing (task_id, reason, filed_at) values ($1, '补报', now() - interval '1 hour')",
        expired.get(1));
    server.server().scheduler().expireOverdue(java.time.Instant.now()).toCompletionStage().toCompletableFuture()
        .get();
    // Whatever was not expired is now closed as the dialer left it; the remaining open ones are closed here so the
    // list counts as exhausted (the sample floor's deduction applies).
    f.rows("update call_task set status = 'unreached', closed_at = now() where campaign_id = $1"
        + " and status in ('open', 'callback') and attempts = 0", f.campaign);

    // Last month as stored before (an approved month with this dealer at 100.00): the trends read it.
    String last = YearMonth.parse(month).minusMonths(1).toString();
    f.rows("insert into report_month (kind, month, state, questionnaire_key, questionnaire_version, drafted_at)"
        + " values ('csi', $1, 'approved', 'csi-default', 1, now())", YearMonth.parse(last).atDay(1));
    f.rows("insert into report_dealer_score (kind, month, dealer_id, assessment, samples, successful, error_samples,"
        + " voided, falsified, appealed_away, rank, score, ranking) values ('csi', $1, $2, 100.00, 0, 0, 0, 0, 0,"
        + " 0, 1, '{}', '{}')", YearMonth.parse(last).atDay(1), f.dealer);

    // Compute as sup1.
    assertEquals("kind", sup1.send("POST", "/api/reports/months", "{\"kind\":\"nps\",\"month\":\"" + month + "\"}")
        .json().getString("field"));
    assertEquals("month", sup1.send("POST", "/api/reports/months", "{\"kind\":\"csi\",\"month\":\"2026-13\"}")
        .json().getString("field"));
    assertEquals(404, sup1.get("/api/reports/months/csi/2001-01").status());
    Http.Response computed = sup1.send("POST", "/api/reports/months",
        new JsonObject().put("kind", "csi").put("month", month).encode());
    assertEquals(200, computed.status(), computed.body());
    JsonObject ranking = computed.json();
    assertEquals("draft", ranking.getString("state"));
    assertEquals("rep.sup1", ranking.getJsonObject("steps").getJsonObject("drafted").getString("byName"));
    JsonObject line = dealerLine(ranking, f.dealer);

    // The numbers from the database's rows, computed here.
    Questionnaire q = Questionnaire.builtIn(Questionnaire.CSI_DEFAULT);
    double meanSum = 0;
    int scored = 0;
    int successful = 0;
    int errors = 0;
    for (Row r : f.rows("select r.answers, r.disposition_group, coalesce(r.void, false) as void,"
        + " exists (select 1 from qa_finding x where x.attempt_id = r.attempt_id and x.kind in ('falsified', 'void'))"
        + " as found from survey_response r join customer c on c.id = r.customer_id where c.dealer_id = $1"
        + " and r.status = 'submitted' and r.disposition_group in ('success', 'error_sample')", f.dealer)) {
      if (r.getBoolean("void") || r.getBoolean("found")) {
        continue;
      }
      if (!"success".equals(r.getString("disposition_group"))) {
        errors++;
        continue;
      }
      successful++;
      JsonObject answers = (JsonObject) r.getValue("answers");
      int sum = 0;
      int n = 0;
      for (Questionnaire.Item it : q.items()) {
        if (it.type() == Questionnaire.Type.SCALE10 && answers.getValue(it.id()) instanceof Number v) {
          sum += v.intValue();
          n++;
        }
      }
      if (n > 0) {
        meanSum += (double) sum / n;
        scored++;
      }
    }
    assertEquals(2, successful, "a1, a2 (a4 falsified)");
    assertEquals(1, errors);
    double raw = meanSum / scored;
    double rate = (double) successful / (successful + errors);
    // below 90 %: 5 points per percentage point short, pro rata (2 of 3: 5 × 23.33… = 116.67); the list exhausted
    // with 2 successful: 8 × 100 points
    BigDecimal ratePoints = BigDecimal.valueOf(5 * (90L * (successful + errors) - 100L * successful))
        .divide(BigDecimal.valueOf(successful + errors), 2, RoundingMode.HALF_UP);
    BigDecimal deducted = ratePoints.add(BigDecimal.valueOf(100L * (10 - successful)));
    BigDecimal expectedAssessment = BigDecimal.valueOf(raw).movePointRight(2).subtract(deducted)
        .setScale(2, RoundingMode.HALF_UP);
    assertEquals(raw, line.getDouble("raw"), 1e-9);
    assertEquals(rate, line.getDouble("successRate"), 1e-9);
    assertEquals(expectedAssessment.doubleValue(), line.getDouble("assessment"), 1e-9, line.encode());
    assertEquals(2, line.getInteger("successful"));
    assertEquals(1, line.getInteger("errorSamples"));
    assertEquals(1, line.getInteger("falsified"));
    assertEquals(1, line.getInteger("rank"));
    assertEquals(1, line.getInteger("regionRank"));
    assertEquals("华北", line.getString("region"));
    assertEquals(List.of("success_rate", "too_few_samples"), line.getJsonArray("deductions").stream()
        .map(o -> ((JsonObject) o).getString("rule")).toList());
    assertEquals(ratePoints.doubleValue(), line.getJsonArray("deductions").getJsonObject(0).getDouble("points"));
    assertEquals(800.0, line.getJsonArray("deductions").getJsonObject(1).getDouble("points"));
    assertEquals(line.getDouble("assessment"), ranking.getJsonObject("averages").getJsonObject("regions")
        .getDouble("华北"));
    assertEquals(f.row("select count(*) from report_deduction where dealer_id = $1", f.dealer).getLong(0), 2L);
    assertEquals(expectedAssessment.doubleValue() - 100, line.getDouble("monthOnMonth"), 1e-9);
    JsonObject trend3 = line.getJsonObject("trend3");
    assertEquals(new JsonArray().add(YearMonth.parse(month).minusMonths(2).toString()).add(last).add(month),
        trend3.getJsonArray("months"));
    assertEquals(Arrays.asList(null, 100.0, line.getDouble("assessment")), trend3.getJsonArray("scores").getList());

    // The ranking XLSX read back: the same numbers.
    HttpResponse<byte[]> xlsx = bytes(sup1, "/api/reports/months/csi/" + month + "/ranking.xlsx");
    assertEquals(200, xlsx.statusCode());
    try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(xlsx.body()))) {
      try (Stream<org.dhatim.fastexcel.reader.Row> rows = wb.getFirstSheet().openStream()) {
        org.dhatim.fastexcel.reader.Row row = rows.filter(r -> "BJ07".equals(r.getCellText(2))).findFirst()
            .orElseThrow();
        assertEquals(raw, Double.parseDouble(row.getCellText(6)), 1e-9);
        assertEquals(expectedAssessment.doubleValue(), Double.parseDouble(row.getCellText(7)), 1e-9);
        assertEquals(rate, Double.parseDouble(row.getCellText(8)), 1e-9);
        assertEquals(deducted.doubleValue(), Double.parseDouble(row.getCellText(15)), 1e-9);
      }
    }
    HttpResponse<byte[]> samplesXlsx = bytes(sup1, "/api/reports/months/csi/" + month + "/samples.xlsx");
    assertEquals(200, samplesXlsx.statusCode());
    try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(samplesXlsx.body()))) {
      try (Stream<org.dhatim.fastexcel.reader.Row> rows = wb.getFirstSheet().openStream()) {
        List<org.dhatim.fastexcel.reader.Row> list = rows.toList();
        assertEquals(5, list.size(), "a header and the four samples");
        assertEquals("是", list.stream().filter(r -> a4.equals(r.getCellText(0))).findFirst().orElseThrow()
            .getCellText(10), "a4 falsified");
      }
    }

    // The checks.
    JsonObject checks = sup1.get("/api/reports/months/csi/" + month + "/checks").json();
    JsonObject volumeRow = checks.getJsonObject("validVolume").getJsonArray("rows").getJsonObject(0);
    assertEquals(successful, volumeRow.getInteger("valid"));
    assertEquals(4, volumeRow.getInteger("samples"));
    assertEquals(1, checks.getJsonObject("falsified").getInteger("count"));
    assertEquals(a4, checks.getJsonObject("falsified").getJsonArray("rows").getJsonObject(0).getString("attemptId"));
    assertEquals(0, checks.getJsonObject("wrongInformation").getInteger("count"));
    JsonObject exp = checks.getJsonObject("expiredNotCalled");
    assertEquals(3, exp.getJsonArray("rows").size(), exp.encode());
    assertEquals(2, exp.getInteger("count"), "the filing inside its period removes one; the late one does not");
    for (Object o : exp.getJsonArray("rows")) {
      JsonObject r = (JsonObject) o;
      assertEquals(r.getLong("taskId").equals(expired.get(0)), !r.getBoolean("counted"), r.encode());
    }

    // The voice of the customer.
    JsonObject voc = sup1.get("/api/reports/months/csi/" + month + "/dealers/" + f.dealer).json();
    assertEquals("BJ07", voc.getJsonObject("dealer").getString("code"));
    assertEquals(raw, voc.getJsonObject("score").getDouble("raw"), 1e-9);
    assertEquals(1, voc.getJsonObject("score").getInteger("of"));
    long due = f.row("select count(*) from call_task t join customer c on c.id = t.customer_id"
        + " where c.dealer_id = $1 and t.deadline >= $2 and t.deadline < $3", f.dealer,
        MonthService.start(YearMonth.parse(month)), MonthService.end(YearMonth.parse(month))).getLong(0);
    assertEquals(due, voc.getJsonObject("execution").getLong("due"));
    assertEquals(4, voc.getJsonObject("execution").getInteger("called"));
    JsonArray weak = voc.getJsonArray("weakItems");
    assertEquals("s1", weak.getJsonObject(0).getString("itemId"), weak.encode());
    assertTrue(weak.size() >= 5);
    assertEquals(1, voc.getJsonArray("verbatims").size(), voc.getJsonArray("verbatims").encode());
    assertEquals("等待时间太长", voc.getJsonArray("verbatims").getJsonObject(0).getString("text"));
    assertEquals("complaint", voc.getJsonArray("verbatims").getJsonObject(0).getString("kind"));
    assertEquals(1.0, voc.getJsonObject("loyalty").getDouble("loyalShare"));
    Http.Response sug = sup1.send("PUT", "/api/reports/months/csi/" + month + "/dealers/" + f.dealer
        + "/suggestions/s1", new JsonObject().put("text", "预约电话专人接听").encode());
    assertEquals(200, sug.status(), sug.body());
    assertEquals("预约电话专人接听", sup1.get("/api/reports/months/csi/" + month + "/dealers/" + f.dealer).json()
        .getJsonArray("weakItems").getJsonObject(0).getString("suggestion"));

    // Deduction inputs: the volume check not shown costs 50 points at the next compute.
    assertEquals("volume", sup1.send("PUT", "/api/reports/months/csi/" + month + "/inputs/" + f.dealer,
        "{\"volume\":\"maybe\"}").json().getString("field"));
    assertEquals(200, sup1.send("PUT", "/api/reports/months/csi/" + month + "/inputs/" + f.dealer,
        "{\"volume\":\"not_shown\"}").status());
    assertEquals(404, sup1.send("PUT", "/api/reports/months/csi/" + month + "/inputs/999999", "{}").status());
    JsonObject again = sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi")
        .put("month", month).encode()).json();
    assertEquals(expectedAssessment.doubleValue() - 50, dealerLine(again, f.dealer).getDouble("assessment"), 1e-9);

    // The workflow: the drafter cannot review; another supervisor reviews, the admin approves; frozen; reopened.
    String base = "/api/reports/months/csi/" + month;
    Http.Response same = sup1.send("POST", base + "/review", "{}");
    assertEquals(403, same.status(), same.body());
    assertEquals("same_user", same.json().getString("error"));
    assertEquals(409, sup2.send("POST", base + "/approve", "{}").status(), "a draft is reviewed first");
    Http.Response reviewed = sup2.send("POST", base + "/review", "{}");
    assertEquals(200, reviewed.status(), reviewed.body());
    assertEquals("reviewed", reviewed.json().getString("state"));
    Http.Response approved = f.admin.send("POST", base + "/approve", "{}");
    assertEquals(200, approved.status(), approved.body());
    assertEquals("approved", approved.json().getString("state"));
    assertEquals("rep.sup2", approved.json().getJsonObject("steps").getJsonObject("reviewed").getString("byName"));

    // The approved dealer's PDF, read back: its name and both scores exactly as the ranking gives them, printed as
    // the PDF prints them (two decimals).
    JsonObject approvedLine = dealerLine(sup1.get(base).json(), f.dealer);
    HttpResponse<byte[]> pdf = bytes(sup1, base + "/dealers/" + f.dealer + "/report.pdf?lang=zh");
    assertEquals(200, pdf.statusCode());
    String pdfText;
    try (PDDocument doc = Loader.loadPDF(pdf.body())) {
      pdfText = new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
    }
    assertTrue(pdfText.contains(approvedLine.getString("name").replaceAll("\\s+", "")), pdfText);
    assertTrue(pdfText.contains(String.format(Locale.ROOT, "%.2f", approvedLine.getDouble("assessment"))),
        "assessment " + approvedLine.getDouble("assessment") + " in " + pdfText);
    assertTrue(pdfText.contains(String.format(Locale.ROOT, "%.2f", approvedLine.getDouble("raw"))),
        "raw " + approvedLine.getDouble("raw") + " in " + pdfText);
    Http.Response frozen = sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi")
        .put("month", month).encode());
    assertEquals(409, frozen.status(), frozen.body());
    assertEquals("frozen", frozen.json().getString("error"));
    assertEquals(409, sup1.send("PUT", base + "/inputs/" + f.dealer, "{}").status());
    Http.Response reopened = sup1.send("POST", base + "/reopen", "{}");
    assertEquals(200, reopened.status(), reopened.body());
    assertEquals("draft", reopened.json().getString("state"));
    assertEquals(200, sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi")
        .put("month", month).encode()).status());
    assertEquals("draft", sup1.get("/api/reports/months?kind=csi").json().getJsonArray("months").getJsonObject(0)
        .getString("state"));
    for (String action : new String[] {"compute", "review", "approve", "reopen"}) {
      assertTrue(f.row("select count(*) from audit_log where action = $1 and subject = $2",
          "report.month." + action, "csi:" + month).getLong(0) >= 1, action);
    }
    assertEquals(3L, f.row("select count(*) from audit_log where action = 'report.month.compute'").getLong(0));
    assertFalse(voc.encode().contains("1380013"), "no phone numbers in the report");
    assertNotNull(a5);
  }

  static JsonObject dealerLine(JsonObject ranking, long dealer) {
    return ranking.getJsonArray("dealers").stream().map(JsonObject.class::cast)
        .filter(d -> d.getLong("dealerId") == dealer).findFirst().orElseThrow(() -> new AssertionError(ranking));
  }

  static HttpResponse<byte[]> bytes(Http h, String path) throws Exception {
    return h.client().send(HttpRequest.newBuilder(URI.create(h.url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Waits for the next call, submits it as {@code disposition} ({@code low} scale items 4), hangs up. */
  static String takeCall(Http agent, String previous, String disposition, int low, Consumer<JsonObject> edit)
      throws InterruptedException {
    return AgentCalls.take(agent, previous, disposition, q -> {
      JsonObject answers = SurveyAnswers.full(q, low, 0);
      edit.accept(answers);
      return answers;
    }, 0);
  }
}
