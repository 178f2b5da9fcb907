package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Browser;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dealer scores page in a real browser: a month with surveys (one with low items and a complaint) computed,
 * reviewed and approved; the supervisor's ranking and one dealer's report (ECharts bars, gauge, pies, trend, weak
 * items, verbatims) in Chinese and English at 1440 × 900 and on a 390 × 844 phone; a dealer user sees only its own
 * report. Screenshots in target/screenshots/report.
 */
class ReportsPageIT {
  static final Duration WAIT = Duration.ofSeconds(40);
  static final Path SHOTS = Path.of("target", "screenshots", "report");

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void theRankingAndADealersReportRenderInBothLanguages(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    DeskFixture f = DeskFixture.prepare(server, 6, 0);
    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
    String base = "/api/reports/months/csi/" + month;
    assertEquals(200, f.admin.send("PUT", "/api/dealers/" + f.dealer + "/placement",
        new JsonObject().put("region", "华北").put("group", "东方集团").encode()).status());
    Http agent = f.agent("rp.agent");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    String a1 = ReportMonthIT.takeCall(agent, null, "success", 0, a -> a.put("suggestion", "希望周末也能预约"));
    String a2 = ReportMonthIT.takeCall(agent, a1, "success", 3, a -> a.put("complaint", "等待时间太长，没人解释"));
    String a3 = ReportMonthIT.takeCall(agent, a2, "success", 1, a -> { });
    ReportMonthIT.takeCall(agent, a3, "not_owner", 0, a -> { });
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());

    Http sup = Http.userWithRole(server, f.admin, "li.na", "supervisor");
    Http sup2 = Http.userWithRole(server, f.admin, "wang.qiang", "supervisor");
    assertEquals(200, sup.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi").put("month", month)
        .encode()).status());
    assertEquals(200, sup2.send("POST", base + "/review", "{}").status());
    JsonObject line = sup.get(base).json().getJsonArray("dealers").stream().map(JsonObject.class::cast)
        .filter(d -> d.getLong("dealerId") == f.dealer).findFirst().orElseThrow();
    JsonObject voc = sup.get(base + "/dealers/" + f.dealer).json();
    String dealerRow = "#rep-ranking-body tr[data-dealer-id='" + f.dealer + "']";

    try (Browser b = Browser.launch(1440, 900)) {
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 1440).put("height", 900)
          .put("deviceScaleFactor", 1).put("mobile", false));
      signIn(b, server, "li.na", "/supervisor.html");
      b.navigate(server.url("/reports.html?kind=csi&month=" + month));
      b.waitFor("!!document.querySelector(" + Browser.jsString(dealerRow) + ")", WAIT);
      assertEquals("网点得分与客户之声", b.text(".rep-head h1"));
      assertEquals(String.format(Locale.ROOT, "%.2f", line.getDouble("assessment")),
          b.text(dealerRow + " td:nth-child(5)"), "the ranking shows the stored assessment score");
      assertTrue(b.text("#rep-flow-steps").contains("li.na"), "who drafted: " + b.text("#rep-flow-steps"));
      assertTrue(b.text("#rep-flow-steps").contains("wang.qiang"), "who reviewed");
      assertEquals(false, b.evaluate("document.getElementById('rep-approve').hidden"), "a reviewed month is approved next");
      b.screenshot(SHOTS.resolve("ranking-1440-zh.png"));

      b.click(dealerRow + " td:nth-child(2) a");
      waitForReport(b);
      assertTrue(b.text("#voc-name").contains("北京东方4S店"), b.text("#voc-name"));
      assertTrue(b.text("#voc-verbatims").contains("等待时间太长，没人解释"), b.text("#voc-verbatims"));
      assertEquals(voc.getJsonArray("weakItems").size(),
          ((Number) b.evaluate("document.querySelectorAll('#voc-weak tbody tr').length")).intValue());
      assertTrue(b.evaluateString("document.getElementById('dl-pdf-en').getAttribute('href')")
          .endsWith("/dealers/" + f.dealer + "/report.pdf?lang=en"));
      tall(b, 1440, 3000);
      b.screenshot(SHOTS.resolve("report-1440-zh.png"));

      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.documentElement.lang === 'en'", WAIT);
      assertEquals("Dealer scores and voice of the customer", b.text(".rep-head h1"));
      assertEquals("Level-3 indicator scores", b.text("#voc-ind-h"));
      b.waitFor("!!document.querySelector('#chart-recommend canvas')", WAIT);
      b.screenshot(SHOTS.resolve("report-1440-en.png"));
      tall(b, 1440, 900);
      b.click("#tab-ranking");
      b.screenshot(SHOTS.resolve("ranking-1440-en.png"));
      b.click("#tab-checks");
      b.waitFor("!!document.querySelector(\"#rep-checks details[data-check='validVolume'] td\")", WAIT);
      b.screenshot(SHOTS.resolve("checks-1440-en.png"));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }

    // Approved, the dealer's own user sees its report and nothing of the staff's.
    assertEquals(200, f.admin.send("POST", base + "/approve", "{}").status());
    Http.Response created = f.admin.send("POST", "/api/users", new JsonObject().put("username", "bj07.dealer")
        .put("displayName", "北京东方4S店").put("role", "dealer").put("password", "bj07.dealer-password-1")
        .put("dealerId", f.dealer).encode());
    assertEquals(201, created.status(), created.body());
    assertEquals(200, new Http(server).firstLogin("bj07.dealer", "bj07.dealer-password-1").status());

    try (Browser b = Browser.launch(500, 844)) {
      // Headless chromium keeps windows at least 500 px wide: the page is shown as a 390 × 844 phone.
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
      signIn(b, server, "li.na", "/supervisor.html");
      b.navigate(server.url("/reports.html?kind=csi&month=" + month + "&dealer=" + f.dealer));
      waitForReport(b);
      for (String lang : List.of("zh", "en")) {
        if (lang.equals("en")) {
          b.click(".lang-switch button[lang=en]");
          b.waitFor("document.documentElement.lang === 'en'", WAIT);
        }
        b.screenshot(SHOTS.resolve("report-390-" + lang + ".png"));
        assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
            "nothing wider than the phone: " + b.evaluate("document.documentElement.scrollWidth"));
        b.click("#tab-ranking");
        b.screenshot(SHOTS.resolve("ranking-390-" + lang + ".png"));
        b.click("#tab-report");
      }

      signIn(b, server, "bj07.dealer", "/dealer.html");
      b.navigate(server.url("/reports.html?kind=csi&month=" + month));
      waitForReport(b);
      assertTrue(b.text("#voc-name").contains("北京东方4S店"));
      assertEquals(true, b.evaluate("document.getElementById('rep-months-panel').hidden"));
      assertEquals(true, b.evaluate("document.getElementById('rep-tabs').hidden"));
      assertEquals(List.of("/dealer.html", "/reports.html"), b.driver.findElements(By.cssSelector(".sidenav a")).stream()
          .map(a -> a.getAttribute("pathname")).toList(), "a dealer's pages: its portal, then its reports");
      b.screenshot(SHOTS.resolve("dealer-390-zh.png"));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }

    // The admin page shows the dealer user's dealer, and changes it.
    try (Browser b = Browser.launch(1440, 900)) {
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 1440).put("height", 900)
          .put("deviceScaleFactor", 1).put("mobile", false));
      b.driver.get(server.url("/"));
      b.waitFor("document.getElementById('username') !== null", WAIT);
      b.driver.findElement(By.id("username")).sendKeys("admin");
      b.driver.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD);
      b.driver.findElement(By.id("login-submit")).click();
      String select = "tr[data-username='bj07.dealer'] select.dealer-select";
      b.waitFor("location.pathname === '/admin.html' && !!document.querySelector(" + Browser.jsString(select) + ")",
          WAIT);
      assertEquals(String.valueOf(f.dealer), b.evaluateString("document.querySelector(" + Browser.jsString(select)
          + ").value"));
      b.screenshot(SHOTS.resolve("admin-dealer-user-1440-zh.png"));
      b.js("const s = document.querySelector(arguments[0]); s.value = ''; s.dispatchEvent(new Event('change'))", select);
      io.huifang.testsupport.Await.atMost(WAIT).until("the dealer cleared", () -> f.row(
          "select dealer_id from app_user where username = 'bj07.dealer'").getValue(0), v -> v == null);
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
  }

  private static void waitForReport(Browser b) {
    b.waitFor("!document.getElementById('rep-voc').hidden && !!document.querySelector('#chart-indicators canvas')"
        + " && !!document.querySelector('#chart-recommend canvas') && !!document.querySelector('#chart-trend canvas')",
        WAIT);
  }

  /** A taller viewport, for a screenshot of the whole report. */
  private static void tall(Browser b, int width, int height) {
    b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", false));
    b.js("window.dispatchEvent(new Event('resize'))");
  }

  static void signIn(Browser b, TestServer server, String username, String landing) {
    b.driver.get(server.url("/"));
    b.driver.manage().deleteAllCookies(); // whoever was signed in before
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
