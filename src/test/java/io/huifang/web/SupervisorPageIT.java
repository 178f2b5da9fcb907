package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Browser;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.SurveyAnswers;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The supervisors' dashboard in a real browser against the real server, dialer and PBX emulator: the supervisor
 * opens it; an agent goes ready and takes a call from the emulator, and the agent's row in the grid follows within
 * 2 s of each change (pushed, never polled); the supervisor pauses the campaign through the dialog that names it, and
 * no new call_attempt row is written for it while the agent sits ready; resumes it, and the agent is called again;
 * listens in from the grid (the emulator runs ChanSpy on the supervisor's softphone) and stops. Labels in Chinese
 * and English, at 1440 × 900 and as a 390 px phone.
 */
class SupervisorPageIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** The push budget: a change on the server is on the page within this. */
  private static final Duration PUSH = Duration.ofSeconds(2);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void theSupervisorWatchesAnAgentListensInAndPausesTheCampaign(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    DeskFixture f = DeskFixture.prepare(server, 6, 2);
    String campaign = f.row("select name from campaign where id = $1", f.campaign).getString("name");
    Http.userWithRole(server, f.admin, "chen.jing", "supervisor");
    Http agent = f.agent("zhao.min");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    String card = ".camp-card[data-id='" + f.campaign + "']";
    String row = "tr.agent-row[data-id='" + agentId + "']";

    try (Browser b = Browser.launch(1440, 900)) {
      // The wall screen: a 1440 × 900 page (the window would leave less for it).
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 1440).put("height", 900)
          .put("deviceScaleFactor", 1).put("mobile", false));
      QaWorkspaceIT.signIn(b, server, "chen.jing", "/supervisor.html");
      b.waitFor("!!document.querySelector(" + Browser.jsString(card) + ")", WAIT);
      assertEquals(campaign, b.text(card + " .camp-name"));
      assertEquals("运行监控", b.text(".sup-head h1"));
      assertEquals("接通率", b.text("#strip-conn-h"));
      assertEquals("坐席实时状态", b.text("#agents-h"));

      // The agent opens the line and goes ready: the row shows it within the push budget.
      assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
      long readyAt = System.nanoTime();
      assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
          .put("campaignId", f.campaign).encode()).status());
      b.waitFor(rowState(row, "ready", "reserved", "on_call"), PUSH);

      // The progressive dialer calls a customer; the emulator answers; the row turns "on call" within 2 s.
      JsonObject call = awaitCall(agent);
      long firstCallMillis = (System.nanoTime() - readyAt) / 1_000_000;
      b.waitFor(rowState(row, "on_call"), PUSH);
      assertEquals("通话中", b.text(row + " .state-label"));
      String customer = b.text(row + " .customer-cell");
      assertTrue(customer.contains("*") && !customer.contains("13800130"), "masked: " + customer);
      String clock = b.text(row + " .state-clock");
      b.waitFor("document.querySelector(" + Browser.jsString(row + " .state-clock") + ").textContent !== "
          + Browser.jsString(clock), Duration.ofMillis(2500));
      b.screenshot(SHOTS.resolve("supervisor-1440-zh.png"));

      // Pause through the dialog that names the campaign.
      b.click(card + " .camp-pause");
      b.waitFor("document.getElementById('camp-confirm') && document.getElementById('camp-confirm').open", WAIT);
      assertTrue(b.text("#camp-confirm h2").contains(campaign), b.text("#camp-confirm h2"));
      assertTrue(b.text("#camp-confirm-ok").contains(campaign), b.text("#camp-confirm-ok"));
      b.screenshot(SHOTS.resolve("supervisor-pause-dialog-zh.png"));
      b.click("#camp-confirm-ok");
      b.waitFor("document.querySelector(" + Browser.jsString(card) + ").classList.contains('camp-paused')", PUSH
          .plusSeconds(3));
      assertEquals("恢复外呼", b.text(card + " .camp-pause"));

      // The agent finishes the call and is ready again: with the campaign paused nobody is dialled for it.
      finishCall(agent, call);
      Await.atMost(WAIT).until("the agent ready again after wrap-up",
          () -> agent.get("/api/agent/desk").json().getJsonObject("agent").getString("state"), "ready"::equals);
      long attempts = attempts(f);
      b.waitFor(rowState(row, "ready"), PUSH);
      // Twice as long as the first call took to come (at least 4 s): long enough to see the dialer hold back.
      Thread.sleep(Math.max(4000, 2 * firstCallMillis));
      assertEquals(attempts, attempts(f), "no new call_attempt for the paused campaign");
      assertEquals("ready", agent.get("/api/agent/desk").json().getJsonObject("agent").getString("state"));
      assertEquals("ready", b.evaluateString("document.querySelector(" + Browser.jsString(row) + ").dataset.state"));

      // Resumed, the dialer calls the waiting agent again: it was the pause that held it.
      b.click(card + " .camp-pause");
      b.waitFor("document.getElementById('camp-confirm') && document.getElementById('camp-confirm').open", WAIT);
      b.click("#camp-confirm-ok");
      awaitCall(agent);
      assertTrue(attempts(f) > attempts, "dialling resumed");
      b.waitFor(rowState(row, "on_call"), PUSH);
      b.waitFor("!document.querySelector(" + Browser.jsString(card) + ").classList.contains('camp-paused')", PUSH);

      // Listening in from the grid: the supervisor's softphone rings and ChanSpy joins the agent's call.
      b.click(row + " .agent-listen");
      b.waitFor("!document.getElementById('sup-listen').hidden && !!document.getElementById('sup-listen').dataset.spyId",
          WAIT);
      long spyId = Long.parseLong(b.evaluateString("document.getElementById('sup-listen').dataset.spyId"));
      AmiMessage spy = Await.atMost(WAIT).until("ChanSpy on the supervisor's softphone",
          () -> channel(server, "listen-" + spyId), c -> c != null && "ChanSpy".equals(c.get("Application")));
      assertTrue(String.valueOf(spy.get("ApplicationData")).endsWith(",q"), "listen = ChanSpy option q: " + spy);
      b.waitFor("document.getElementById('sup-listen').dataset.state === 'listening'", WAIT);
      assertTrue(b.text("#sup-listen").contains("监听"), b.text("#sup-listen"));
      b.screenshot(SHOTS.resolve("supervisor-listening-zh.png"));
      b.click("#listen-stop");
      b.waitFor("document.getElementById('sup-listen').dataset.state === 'ended'", WAIT);
      Await.atMost(WAIT).until("the spy channel hung up", () -> channel(server, "listen-" + spyId),
          c -> c == null);

      // English.
      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.documentElement.lang === 'en'", WAIT);
      assertEquals("Monitoring", b.text(".sup-head h1"));
      assertEquals("Connection rate", b.text("#strip-conn-h"));
      assertEquals("On call", b.text(row + " .state-label"));
      assertEquals("Pause dialling", b.text(card + " .camp-pause"));
      b.screenshot(SHOTS.resolve("supervisor-1440-en.png"));

      // The day's charts, drawn by ECharts from our own server, and the day's report with its XLSX link.
      b.click("#tab-charts");
      b.waitFor("!!document.querySelector('#chart-rates canvas') && !!document.querySelector('#chart-agents canvas')"
          + " && !!document.querySelector('#chart-busy canvas')", WAIT);
      b.screenshot(SHOTS.resolve("supervisor-charts-1440-en.png"));
      b.click("#tab-reports");
      b.waitFor("document.getElementById('report-body').textContent.includes('zhao.min')", WAIT);
      String xlsx = b.evaluateString("document.getElementById('reports-xlsx').getAttribute('href')");
      assertTrue(xlsx.startsWith("/api/supervisor/reports.xlsx?") && xlsx.contains("lang=en") && xlsx.contains("by=agent"),
          xlsx);
      b.screenshot(SHOTS.resolve("supervisor-reports-1440-en.png"));

      // The campaigns page opens for a supervisor, read-only.
      b.navigate(server.url("/campaigns.html"));
      b.waitFor("!document.body.classList.contains('booting') && !!document.querySelector(\"#camp-body tr[data-id='"
          + f.campaign + "']\")", WAIT);
      assertEquals(0L, ((Number) b.evaluate("document.querySelectorAll('.camp-edit, .camp-toggle').length")).longValue());
      assertEquals(true, b.evaluate("document.getElementById('camp-form').closest('section').hidden"));
      assertEquals(false, b.evaluate("document.getElementById('camp-readonly').hidden"));
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }

    // A phone: cards stack, the grid scrolls inside its panel, nothing wider than the screen; in both languages.
    try (Browser b = Browser.launch(500, 844)) {
      // Headless chromium keeps windows at least 500 px wide: the page is shown as a 390 × 844 phone.
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
      QaWorkspaceIT.signIn(b, server, "chen.jing", "/supervisor.html");
      for (String lang : List.of("zh", "en")) {
        if (lang.equals("en")) {
          b.click(".lang-switch button[lang=en]");
          b.waitFor("document.documentElement.lang === 'en'", WAIT);
        }
        b.waitFor("!!document.querySelector(" + Browser.jsString(row) + ")", WAIT);
        b.screenshot(SHOTS.resolve("supervisor-390-" + lang + ".png"));
        assertEquals(390L, ((Number) b.evaluate("window.innerWidth")).longValue());
        assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
            "nothing wider than the phone: " + b.evaluate("document.documentElement.scrollWidth"));
      }
    }
  }

  private static String rowState(String row, String... states) {
    StringBuilder list = new StringBuilder("[");
    for (String s : states) {
      list.append(list.length() > 1 ? "," : "").append(Browser.jsString(s));
    }
    return "(() => { const r = document.querySelector(" + Browser.jsString(row) + "); return !!r && "
        + list + "].includes(r.dataset.state); })()";
  }

  private static JsonObject awaitCall(Http agent) {
    return Await.atMost(WAIT).until("a call on the agent's desk",
        () -> agent.get("/api/agent/desk").json().getJsonObject("call"),
        c -> c != null && c.getJsonObject("questionnaire") != null && c.getString("attemptId") != null);
  }

  /** The survey submitted while the customer is on the line, then the agent hangs up: wrap-up, then ready. */
  private static void finishCall(Http agent, JsonObject call) {
    Questionnaire q = Questionnaire.parse(call.getJsonObject("questionnaire").getJsonObject("definition"));
    Http.Response done = agent.send("POST", "/api/agent/calls/" + call.getString("attemptId") + "/submit",
        new JsonObject().put("disposition", "success").put("answers", SurveyAnswers.full(q, 0, 0)).encode());
    assertEquals(200, done.status(), done.body());
    Http.Response hung = agent.send("POST", "/api/agent/call/hangup", null);
    assertTrue(hung.status() == 200 || hung.status() == 204, hung.toString());
  }

  private static long attempts(DeskFixture f) {
    return f.row("select count(*) from call_attempt where campaign_id = $1", f.campaign).getLong(0);
  }

  /** The channel with this Uniqueid in the PBX's own CoreShowChannels, or null. */
  private static AmiMessage channel(TestServer server, String uniqueid) {
    List<AmiMessage> channels = server.server().telephony().all().get(0).tracker().ami()
        .sendList(AmiMessage.action("CoreShowChannels")).toCompletionStage().toCompletableFuture().join();
    return channels.stream().filter(c -> uniqueid.equals(c.get("Uniqueid"))).findFirst().orElse(null);
  }
}
