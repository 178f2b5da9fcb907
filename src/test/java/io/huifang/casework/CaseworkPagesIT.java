package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Browser;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.SurveyAnswers;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Casework end to end, in the browser where people do it (issue 20): a survey with a complaint submitted on the
 * emulator opens a case for the customer's dealer and the right department; the dealer user signs in, lands on its
 * portal and records what was done; the second callback is dialled by the ordinary dialer and answered on the
 * emulator with the verdict 合格, and the case shows closed (staff page and database). The dealer appeals one judged
 * call within the window (accepted) and one after it (refused, the reason on the page). The desk's 登记工单 form
 * opens a case for the call on screen. Screenshots of every page at 1440 × 900 and 390 × 844 in
 * target/screenshots/casework.
 */
class CaseworkPagesIT {
  static final Duration WAIT = Duration.ofSeconds(40);
  static final Path SHOTS = Path.of("target", "screenshots", "casework");
  static final String COMPLAINT = "等待时间太长，没人解释，要求经销商道歉";

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aComplaintIsHandledByTheDealerVerifiedByASecondCallbackAndClosed(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    DeskFixture f = DeskFixture.prepare(server, 3, 0);
    Http created = f.admin;
    assertEquals(201, created.send("POST", "/api/users", new JsonObject().put("username", "bj07.dealer")
        .put("displayName", "北京东方4S店").put("role", "dealer").put("password", "bj07.dealer-password-1")
        .put("dealerId", f.dealer).encode()).status());
    assertEquals(200, new Http(server).firstLogin("bj07.dealer", "bj07.dealer-password-1").status());
    Http sup = Http.userWithRole(server, f.admin, "li.na", "supervisor");
    Http sup2 = Http.userWithRole(server, f.admin, "wang.qiang", "supervisor");

    // The first callbacks: a complaint (a case opens by itself) and an error sample (a judged call).
    Http agent = f.agent("zhao.min");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    String complained = take(agent, null, "success", q -> {
      JsonObject a = SurveyAnswers.full(q, 2, 0);
      a.put("complaint", COMPLAINT);
      return a;
    });
    String errorSample = take(agent, complained, "not_owner", q -> null);
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());

    // The month approved: the dealer's report is published and its improvement plan opens.
    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
    String base = "/api/reports/months/csi/" + month;
    assertEquals(200, sup.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi").put("month", month)
        .encode()).status());
    assertEquals(200, sup2.send("POST", base + "/review", "{}").status());
    assertEquals(200, sup.send("POST", base + "/approve", "{}").status());
    long planId = Await.atMost(WAIT).until("the dealer's improvement plan", () -> f.rows(
        "select id from improvement_plan where dealer_id = $1", f.dealer), rows -> rows.size() == 1).get(0).getLong(0);

    Row opened = Await.atMost(WAIT).until("a case for the complaint", () -> f.rows(
        "select id, dealer_id, department, status, source, summary from case_file where attempt_id = $1", complained),
        rows -> rows.size() == 1).get(0);
    long caseId = opened.getLong("id");
    assertEquals(f.dealer, opened.getLong("dealer_id"), "the customer's dealer");
    assertEquals("service", opened.getString("department"), "a CSI complaint goes to the service department");
    assertEquals("open", opened.getString("status"));
    assertEquals("survey", opened.getString("source"));

    // The dealer user lands on its portal and records what was done.
    try (Browser b = Browser.launch(1440, 900)) {
      desktop(b);
      signIn(b, server, "bj07.dealer", "/dealer.html");
      String card = "#cases-list [data-case-id='" + caseId + "']";
      try {
        b.waitFor("!!document.querySelector(" + Browser.jsString(card) + ")", WAIT);
      } catch (AssertionError e) {
        b.screenshot(SHOTS.resolve("failed-dealer.png"));
        throw new AssertionError("the page says: " + b.text("#main"), e);
      }
      assertEquals(List.of("/dealer.html", "/reports.html"), b.driver.findElements(By.cssSelector(".sidenav a"))
          .stream().map(a -> a.getAttribute("pathname")).toList(), "the portal first, the reports reachable");
      // The new case and the new improvement plan, as the database holds them for this user.
      long unread = f.row("select count(*) from notification n join app_user u on u.id = n.user_id"
          + " where u.username = 'bj07.dealer' and n.read_at is null").getLong(0);
      assertTrue(unread >= 2, "the case and the plan notified: " + unread);
      b.waitFor("document.getElementById('bell-count').textContent === '" + unread + "'", WAIT);
      b.screenshot(SHOTS.resolve("dealer-cases-1440-zh.png"));

      b.click(card + " [data-action='view']");
      b.waitFor("!!document.querySelector('#case-view .cw-phone')", WAIT);
      String phone = b.text("#case-view .cw-phone");
      assertTrue(phone.matches("\\d{3}\\*{4}\\d{4}"), "a masked phone for the dealer: " + phone);
      assertTrue(b.text("#case-view").contains(COMPLAINT), "the complaint in the case: " + b.text("#case-view"));
      b.screenshot(SHOTS.resolve("dealer-case-detail-1440-zh.png"));
      b.click("#case-view .modal-x");

      b.click("#bell-btn");
      b.waitFor("!document.getElementById('bell-panel').hidden && !!document.querySelector('#bell-list .bell-item')",
          WAIT);
      b.screenshot(SHOTS.resolve("bell-1440-zh.png"));
      b.click("#bell-read-all");
      b.waitFor("document.getElementById('bell-count').hidden", WAIT);
      assertEquals(0L, f.row("select count(*) from notification n join app_user u on u.id = n.user_id"
          + " where u.username = 'bj07.dealer' and n.read_at is null").getLong(0), "all read in the database");
      b.click("main");

      b.click(card + " [data-action='handle']");
      b.waitFor("!!document.getElementById('case-handle-text')", WAIT);
      b.type("#case-handle-text", "已向客户致歉，安排专人跟进，缩短等待时间并说明原因");
      b.click("#case-handle-submit");
      Await.atMost(WAIT).until("the case handled", () -> f.row("select status from case_file where id = $1", caseId)
          .getString(0), "handled"::equals);
      b.waitFor("!document.querySelector(" + Browser.jsString(card) + ")", WAIT);

      b.click("#tab-reports");
      String report = "#reports-list [data-month='csi-" + month + "']";
      b.waitFor("!!document.querySelector(" + Browser.jsString(report + " a[data-pdf='zh']") + ")", WAIT);
      String pdf = b.evaluateString("document.querySelector(" + Browser.jsString(report + " a[data-pdf='zh']")
          + ").getAttribute('href')");
      Http.Response pdfGot = dealerHttp(server).get(pdf);
      assertEquals(200, pdfGot.status(), pdf);
      b.screenshot(SHOTS.resolve("dealer-reports-1440-zh.png"));

      // The improvement plan: the meeting, then the signed minutes.
      b.click("#tab-plans");
      String plan = "#plans-list [data-plan-id='" + planId + "']";
      b.waitFor("!!document.querySelector(" + Browser.jsString(plan + " [data-action='meeting']") + ")", WAIT);
      b.click(plan + " [data-action='meeting']");
      b.waitFor("!!document.getElementById('pm-attendees')", WAIT);
      b.type("#pm-attendees", "总经理、服务经理、客服主管");
      b.type(".pm-indicator", "等待时间");
      b.type(".pm-action", "增加接待人员，超过 15 分钟主动说明原因");
      b.type(".pm-owner", "服务经理");
      b.type("#pm-period", LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(20).toString());
      b.screenshot(SHOTS.resolve("dealer-plan-meeting-1440-zh.png"));
      b.click("#plan-meeting-submit");
      Await.atMost(WAIT).until("the meeting recorded", () -> f.row("select status from improvement_plan where id = $1",
          planId).getString(0), "meeting_held"::equals);
      b.waitFor("!!document.querySelector(" + Browser.jsString(plan + " [data-action='minutes']") + ")", WAIT);
      b.click(plan + " [data-action='minutes']");
      b.waitFor("!!document.getElementById('pm-file')", WAIT);
      Path signed = server.dataDir().resolveSibling("minutes.png");
      java.nio.file.Files.write(signed, PNG);
      b.driver.findElement(By.id("pm-file")).sendKeys(signed.toAbsolutePath().toString());
      b.type("#pm-signed", "王总");
      b.click("#plan-minutes-submit");
      Await.atMost(WAIT).until("the minutes returned", () -> f.row("select status from improvement_plan where id = $1",
          planId).getString(0), "minutes_returned"::equals);
      b.waitFor("!!document.querySelector(" + Browser.jsString(plan + " [data-action='result']") + ")", WAIT);
      b.screenshot(SHOTS.resolve("dealer-plans-1440-zh.png"));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }

    // The second callbacks (the case's and the appeal's) go to an agent on the desk, who also opens a case there.
    long followUps = Await.atMost(WAIT).until("the second-callback campaign", () -> f.rows(
        "select campaign_id from case_callback where purpose = 'case' and ref_id = $1", caseId),
        rows -> !rows.isEmpty()).get(0).getLong(0);
    Http desk = f.agent("qian.li");
    try (Browser b = Browser.launch(1440, 900)) {
      desktop(b);
      signIn(b, server, "qian.li", "/agent.html");
      b.waitFor("!document.getElementById('line-ready').disabled", WAIT);
      assertEquals(200, desk.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
          .put("campaignId", followUps).encode()).status());
      b.waitFor("!document.getElementById('call-screen').hidden", WAIT);
      b.waitFor("!document.getElementById('desk-case-open').disabled", WAIT);
      b.click("#desk-case-open");
      b.waitFor("!!document.getElementById('dc-part-region')", WAIT);
      b.screenshot(SHOTS.resolve("desk-case-form-1440-zh.png"));
      b.click("#dc-submit");
      b.waitFor("document.getElementById('dc-message').textContent.includes('请填写')", WAIT);
      b.type("#dc-kind", "consultation");
      for (String[] part : new String[][] {{"region", "北京"}, {"brand", "途观L"}, {"date", "2025-03-01"},
          {"mileage", "12000"}, {"part", "变速箱"}, {"policy", "三年或十万公里保修"}}) {
        b.type("#dc-part-" + part[0], part[1]);
      }
      b.click("#dc-submit");
      b.waitFor("!document.getElementById('desk-case')", WAIT);
      Row deskCase = Await.atMost(WAIT).until("the desk's case", () -> f.rows(
          "select kind, source, dealer_id, template from case_file where source = 'desk'"), r -> r.size() == 1).get(0);
      assertEquals("consultation", deskCase.getString("kind"));
      assertEquals(f.dealer, deskCase.getLong("dealer_id"), "the call's dealer");

      // The case's second callback answered 合格 (qualified) on the emulator.
      assertEquals(1L, f.row("select count(*) from case_callback where campaign_id = $1", followUps).getLong(0));
      take(desk, null, "success", q -> SurveyAnswers.full(q, 0, 0));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
    Await.atMost(WAIT).until("the case closed", () -> f.row("select status from case_file where id = $1", caseId)
        .getString(0), "closed"::equals);
    assertEquals("qualified", f.row("select verdict from case_callback where purpose = 'case' and ref_id = $1",
        caseId).getString(0));

    // Appeals: the error sample within the window (accepted); the complaint's call after it (refused, why shown).
    try (Browser b = Browser.launch(1440, 900)) {
      desktop(b);
      signIn(b, server, "bj07.dealer", "/dealer.html");
      b.click("#tab-calls");
      String sample = "#calls-list [data-attempt-id='" + errorSample + "']";
      String low = "#calls-list [data-attempt-id='" + complained + "']";
      b.waitFor("!!document.querySelector(" + Browser.jsString(sample + " [data-action='appeal']") + ")"
          + " && !!document.querySelector(" + Browser.jsString(low + " [data-action='appeal']") + ")", WAIT);
      assertTrue(b.text(sample).contains("可申诉至"), b.text(sample));
      b.click(sample + " [data-action='appeal']");
      b.waitFor("!!document.getElementById('appeal-file-text')", WAIT);
      b.type("#appeal-file-text", "客户确为车主本人，登记信息有误，请核实");
      b.click("#appeal-file-submit");
      b.waitFor("!!document.querySelector(" + Browser.jsString(sample + " .cw-appeal-state") + ")", WAIT);
      assertEquals(1L, f.row("select count(*) from appeal where attempt_id = $1", errorSample).getLong(0));

      // The complaint's result was published four days ago: the 3-day window has closed while the page was open.
      f.rows("update survey_response set submitted_at = now() - interval '4 days' where attempt_id = $1", complained);
      b.click(low + " [data-action='appeal']");
      b.waitFor("!!document.getElementById('appeal-file-text')", WAIT);
      b.type("#appeal-file-text", "客户的投诉与本店无关，请核实");
      b.click("#appeal-file-submit");
      b.waitFor("document.querySelector('#appeal-file .form-message.error') !== null", WAIT);
      String refused = b.text("#appeal-file .form-message.error");
      assertTrue(refused.contains("申诉期已过"), "the refusal names the window: " + refused);
      b.screenshot(SHOTS.resolve("dealer-appeal-refused-1440-zh.png"));
      b.click("#appeal-file .modal-x");
      b.waitFor("!!document.querySelector(" + Browser.jsString(low + " .cw-refusal") + ")", WAIT);
      assertTrue(b.text(low + " .cw-refusal").contains("申诉期已过"), b.text(low));
      assertEquals(0L, f.row("select count(*) from appeal where attempt_id = $1", complained).getLong(0));
      Http.Response late = dealerHttp(server).send("POST", "/api/appeals", new JsonObject()
          .put("attemptId", complained).put("reason", "再次提交，应被拒绝").encode());
      assertEquals(409, late.status(), late.body());
      assertEquals("window_closed", late.json().getString("error"));
      b.screenshot(SHOTS.resolve("dealer-calls-1440-zh.png"));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }

    // The staff's page shows it closed, with its history.
    try (Browser b = Browser.launch(1440, 900)) {
      desktop(b);
      signIn(b, server, "li.na", "/supervisor.html");
      b.navigate(server.url("/cases.html?tab=cases&case=" + caseId));
      b.waitFor("!document.getElementById('detail').hidden && !!document.querySelector('#detail .cw-status')", WAIT);
      assertEquals("closed", b.evaluateString("document.querySelector('#detail .cw-detail-pills .cw-status')"
          + ".dataset.status"));
      assertTrue(b.text("#detail .cw-timeline").contains("已关闭") || b.text("#detail .cw-timeline").contains("关闭"),
          b.text("#detail .cw-timeline"));
      b.waitFor("!!document.querySelector(\"#cases-body tr[data-case-id='" + caseId + "']\")", WAIT);
      assertNotNull(b.text("#cases-body tr[data-case-id='" + caseId + "'] .cw-status"));
      b.screenshot(SHOTS.resolve("cases-1440-zh.png"));
      b.click("#tab-appeals");
      b.waitFor("!!document.querySelector('#appeals-body tr[data-appeal-id]')", WAIT);
      b.click("#appeals-body tr[data-appeal-id] a");
      b.waitFor("!document.getElementById('detail').hidden && !!document.querySelector('#detail .cw-timeline')", WAIT);
      b.screenshot(SHOTS.resolve("cases-appeal-1440-zh.png"));
      b.click("#tab-settings");
      b.waitFor("document.getElementById('s-due').value !== ''", WAIT);
      b.screenshot(SHOTS.resolve("cases-settings-1440-zh.png"));
      b.click(".lang-switch button[lang=en]");
      b.click("#tab-cases");
      b.navigate(server.url("/cases.html?tab=cases&case=" + caseId));
      b.waitFor("!document.getElementById('detail').hidden", WAIT);
      b.screenshot(SHOTS.resolve("cases-1440-en.png"));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }

    // A phone: the portal, the bell, the staff's page.
    try (Browser b = Browser.launch(500, 844)) {
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
      signIn(b, server, "bj07.dealer", "/dealer.html");
      b.type("#f-status", "");
      b.waitFor("!!document.querySelector(\"#cases-list [data-case-id='" + caseId + "']\")", WAIT);
      b.screenshot(SHOTS.resolve("dealer-390-zh.png"));
      // Every tab in view, the last one included, in English too (the longer labels).
      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.getElementById('tab-plans').textContent.includes('Improvement plans')", WAIT);
      b.screenshot(SHOTS.resolve("dealer-390-en.png"));
      assertEquals(Boolean.TRUE, b.evaluate("[...document.querySelectorAll('#cw-tabs .cw-tab')].every(t =>"
          + " t.getBoundingClientRect().right <= document.getElementById('cw-tabs').getBoundingClientRect().right + 1)"),
          "a tab out of view: " + b.evaluate("[...document.querySelectorAll('#cw-tabs .cw-tab')].map(t =>"
          + " Math.round(t.getBoundingClientRect().right)).join(',') + ' / '"
          + " + Math.round(document.getElementById('cw-tabs').getBoundingClientRect().right)"));
      b.click(".lang-switch button[lang=zh-CN]");
      b.waitFor("document.getElementById('tab-plans').textContent.includes('整改')", WAIT);
      assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
          "nothing wider than the phone: " + b.evaluate("document.documentElement.scrollWidth"));
      b.click("#bell-btn");
      b.waitFor("!document.getElementById('bell-panel').hidden", WAIT);
      b.screenshot(SHOTS.resolve("bell-390-zh.png"));
      b.click("main");
      b.click("#tab-calls");
      b.screenshot(SHOTS.resolve("dealer-calls-390-zh.png"));

      signIn(b, server, "li.na", "/supervisor.html");
      b.navigate(server.url("/cases.html"));
      b.waitFor("!!document.querySelector(\"#cases-body tr[data-case-id='" + caseId + "']\")", WAIT);
      b.screenshot(SHOTS.resolve("cases-390-zh.png"));
      assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
          "nothing wider than the phone: " + b.evaluate("document.documentElement.scrollWidth"));
      b.click("#cases-body tr[data-case-id='" + caseId + "'] a");
      b.waitFor("!document.getElementById('detail').hidden", WAIT);
      b.screenshot(SHOTS.resolve("cases-detail-390-zh.png"));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
  }

  /** A 1 × 1 PNG: the signed minutes as the dealer scanned them. */
  static final byte[] PNG = java.util.Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  /** The agent's next call (not {@code previous}) submitted as {@code disposition} with these answers, hung up. */
  private static String take(Http agent, String previous, String disposition,
                             java.util.function.Function<Questionnaire, JsonObject> answers) throws Exception {
    return io.huifang.testsupport.AgentCalls.take(agent, previous, disposition, answers, 0);
  }

  private static Http dealerHttp(TestServer server) {
    Http h = new Http(server);
    assertEquals(200, h.login("bj07.dealer", "bj07.dealer-password-1").status());
    return h;
  }

  private static void desktop(Browser b) {
    b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 1440).put("height", 900)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  static void signIn(Browser b, TestServer server, String username, String landing) {
    b.driver.get(server.url("/"));
    b.driver.manage().deleteAllCookies();
    b.js("localStorage.clear()");
    b.driver.get(server.url("/"));
    b.waitFor("document.getElementById('username') !== null", WAIT);
    b.driver.findElement(By.id("username")).sendKeys(username);
    b.driver.findElement(By.id("password")).sendKeys(username + "-password-1");
    b.driver.findElement(By.id("login-submit")).click();
    b.waitFor("location.pathname === " + Browser.jsString(landing)
        + " && !document.body.classList.contains('booting')", WAIT);
  }
}
