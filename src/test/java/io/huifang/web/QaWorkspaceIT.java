package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Browser;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import io.huifang.testsupport.SurveyAnswers;

/**
 * The QA loop in real browsers (Debian's chromium through chromedriver) against the real server, dialer, emulator
 * and recording pipeline: an agent's real call with a submitted survey is recorded and sampled; QA opens the queue,
 * claims the sample with the keyboard, opens it, plays, seeks by clicking the waveform, comments at a time, marks a
 * survey item as wrong information, scores the scorecard with the keyboard (the live score is the contract's
 * arithmetic, computed here independently) and submits; the agent sees the result on the desk, signs it off and
 * disputes it; another QA user re-scores it and the re-score stands.
 */
class QaWorkspaceIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** How long the recorded call lasts: enough to seek in, and a waveform with two legs to look at. */
  private static final Duration CALL = Duration.ofSeconds(14);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void qaScoresASampleTheAgentSignsOffAndDisputesAnotherQaUserReScores(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    DeskFixture f = DeskFixture.prepare(server, 1, 1);
    Http agent = f.agent("zhao.min");
    Http qa = Http.userWithRole(server, f.admin, "qa.chen", "qa");
    Http qa2 = Http.userWithRole(server, f.admin, "qa.liu", "qa");
    long qaId = qa.get("/api/me").json().getJsonObject("user").getLong("id");
    long qa2Id = qa2.get("/api/me").json().getJsonObject("user").getLong("id");
    String attempt = recordedCall(f, agent);

    Await.atMost(Duration.ofSeconds(120)).until("the call's recording ready", () -> qa.get("/api/recordings/"
        + attempt).json().getString("status"), "ready"::equals);
    // The sampler draws the call (a campaign's first two days: every call) once its recording is ready.
    JsonObject sample = Await.atMost(WAIT).until("the call sampled", () -> {
      JsonArray list = qa.get("/api/qa/samples?month=" + month()).json().getJsonArray("samples", new JsonArray());
      return list.stream().map(JsonObject.class::cast).filter(s -> attempt.equals(s.getString("attemptId")))
          .findFirst().orElse(null);
    }, s -> s != null);
    long sampleId = sample.getLong("id");
    String recordingId = sample.getString("recordingId");
    assertNotNull(recordingId, sample.encode());

    long evaluationId;
    JsonObject form;
    double expected;
    String markedItem;
    String commentText = "未报工号，开场白不完整";
    try (Browser b = Browser.launch(1440, 900)) {
      signIn(b, server, "qa.chen", "/qa.html");
      String row = "#queue-body tr[data-id='" + sampleId + "']";
      b.waitFor("!!document.querySelector(" + Browser.jsString(row) + ")", WAIT);
      b.screenshot(SHOTS.resolve("qa-queue-1440-zh.png"));
      assertTrue(b.text(row).contains("zhao.min"), b.text(row));
      assertTrue(b.text(row).contains("*"), "the customer is masked: " + b.text(row));

      // Keyboard first: j/k to the row, c claims, Enter opens.
      int index = ((Number) b.evaluate("Array.from(document.querySelectorAll('#queue-body tr')).findIndex(r => r"
          + ".dataset.id === '" + sampleId + "')")).intValue();
      b.js("document.activeElement && document.activeElement.blur()");
      for (int i = 0; i < index; i++) {
        keys(b, "j");
      }
      b.waitFor("document.querySelector(" + Browser.jsString(row) + ").getAttribute('aria-selected') === 'true'");
      keys(b, "?");
      b.waitFor("!!document.querySelector('dialog#qa-keys[open]')");
      keys(b, Keys.ESCAPE);
      b.waitFor("!document.querySelector('dialog#qa-keys')");
      keys(b, "c");
      Await.atMost(WAIT).until("claimed", () -> qa.get("/api/qa/samples/" + sampleId).json(),
          s -> "claimed".equals(s.getString("status")) && s.getJsonObject("claimedBy") != null
              && s.getJsonObject("claimedBy").getLong("id") == qaId);
      b.waitFor("!!document.querySelector(" + Browser.jsString(row + " .qa-release") + ")", WAIT);
      keys(b, Keys.ENTER);

      // The workspace: the waveform on screen, the survey as entered, the scorecard as a draft.
      b.waitFor("location.hash === '#sample=" + sampleId + "'", WAIT);
      b.waitFor("document.querySelector('.qa-player') && document.querySelector('.qa-player').dataset.waveform"
          + " === 'drawn'", WAIT);
      b.waitFor("!!document.querySelector('.qa-sc-item')", WAIT);
      assertTrue(((Number) b.evaluate("window.__qaTimings.opens.at(-1).ms")).doubleValue() > 0,
          "the page measured the open");
      assertTrue(((Number) b.evaluate("(() => { const c = document.querySelector('.qa-wave-canvas');"
          + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
          + " for (let i = 0; i < d.length; i += 4) if (d[i] < 120 && d[i + 2] > 120) n++; return n; })()"))
          .longValue() > 100, "the customer lane is drawn in blue on the canvas");
      b.waitFor("document.querySelectorAll('.qa-survey-item').length > 10", WAIT);
      evaluationId = f.row("select id from qa_evaluation where sample_id = $1 and evaluator_id = $2 and status ="
          + " 'draft'", sampleId, qaId).getLong("id");
      form = qa.get("/api/qa/evaluations/" + evaluationId).json().getJsonObject("scorecard");
      b.screenshot(SHOTS.resolve("qa-workspace-open-1440-zh.png"));

      // Play, then seek by clicking the waveform at 60 %: the audio plays from there.
      b.waitFor("document.querySelector('.qa-audio').readyState >= 1", WAIT);
      double duration = ((Number) b.evaluate("document.querySelector('.qa-audio').duration")).doubleValue();
      assertTrue(duration > CALL.toSeconds() / 2.0, "the recording lasts about the call: " + duration);
      click(b, By.id("qa-play"));
      b.waitFor("document.querySelector('.qa-audio').currentTime > 0.3", WAIT);
      WebElement wave = b.driver.findElement(By.cssSelector(".qa-wave"));
      int width = wave.getRect().getWidth();
      new Actions(b.driver).moveToElement(wave, (int) (width * 0.1), 0).click().perform();
      b.waitFor("window.__qaTimings.seeks.length > 0 && window.__qaTimings.seeks.at(-1).playingAt !== null", WAIT);
      double seekMs = ((Number) b.evaluate("window.__qaTimings.seeks.at(-1).ms")).doubleValue();
      double target = ((Number) b.evaluate("window.__qaTimings.seeks.at(-1).targetMs")).doubleValue();
      assertEquals(duration * 600, target, duration * 1000 * 0.02, "the click at 60 % of the width seeks to 60 %");
      assertTrue(seekMs > 0 && seekMs < 5000, "a seek plays: " + seekMs + " ms");
      // Keys: space pauses, → 5 s on, shift+← 1 s back, ] faster.
      keys(b, " ");
      b.waitFor("document.querySelector('.qa-audio').paused");
      double before = ((Number) b.evaluate("document.querySelector('.qa-audio').currentTime")).doubleValue();
      new Actions(b.driver).keyDown(Keys.SHIFT).sendKeys(Keys.ARROW_LEFT).keyUp(Keys.SHIFT).perform();
      b.waitFor("Math.abs(document.querySelector('.qa-audio').currentTime - " + (before - 1) + ") < 0.05");
      // n: the start of the next speech on either leg, from the recording's speech spans.
      double now = ((Number) b.evaluate("document.querySelector('.qa-audio').currentTime")).doubleValue();
      JsonObject activity = qa.get("/api/qa/samples/" + sampleId).json().getJsonObject("recording")
          .getJsonObject("activity");
      assertNotNull(activity, "the recording's activity is in the sample's detail");
      long next = Long.MAX_VALUE;
      for (String leg : List.of("customer", "agent")) {
        for (Object span : activity.getJsonObject(leg).getJsonArray("spans")) {
          long from = ((JsonArray) span).getLong(0);
          if (from > now * 1000 + 200) {
            next = Math.min(next, from);
          }
        }
      }
      assertTrue(next != Long.MAX_VALUE, "someone speaks after " + now + " s: " + activity.encode());
      keys(b, "n");
      b.waitFor("Math.abs(document.querySelector('.qa-audio').currentTime * 1000 - " + next + ") < 60");
      keys(b, "]");
      assertEquals("1.25", b.evaluate("String(document.querySelector('.qa-audio').playbackRate)"));
      keys(b, "[");

      // A comment at the current time (m), as the player stands.
      long at = Math.round(((Number) b.evaluate("document.querySelector('.qa-audio').currentTime")).doubleValue()
          * 1000);
      keys(b, "m");
      b.waitFor("document.activeElement && document.activeElement.id === 'qa-comment-text'");
      new Actions(b.driver).sendKeys(commentText).sendKeys(Keys.ENTER).perform();
      b.waitFor("document.querySelectorAll('.qa-marker').length === 1 && document.querySelectorAll('.qa-comment')"
          + ".length === 1", WAIT);
      JsonArray comments = qa.get("/api/qa/evaluations/" + evaluationId).json().getJsonArray("comments");
      assertEquals(1, comments.size(), comments.encode());
      assertEquals(commentText, comments.getJsonObject(0).getString("text"));
      assertEquals(at, comments.getJsonObject(0).getLong("atMs"), 1, "the comment is at the player's time");
      double markerLeft = ((Number) b.evaluate("parseFloat(document.querySelector('.qa-marker').style.left)"))
          .doubleValue();
      assertEquals(100.0 * at / (duration * 1000), markerLeft, 1.0, "the comment's marker sits at its time");
      // The comment jumps the player: to the start, then back to the comment.
      b.js("document.querySelector('.qa-audio').currentTime = 0");
      click(b, By.cssSelector(".qa-comment-jump"));
      b.waitFor("Math.abs(document.querySelector('.qa-audio').currentTime * 1000 - " + at + ") < 400", WAIT);
      b.js("document.querySelector('.qa-audio').pause()");

      // The survey as entered: the first answered item marked as wrong information.
      markedItem = (String) b.evaluate("document.querySelector('.qa-mark-wrongInfo').dataset.item");
      click(b, By.cssSelector(".qa-mark-wrongInfo"));
      b.waitFor("document.querySelector('.qa-mark-wrongInfo').getAttribute('aria-pressed') === 'true'");

      // The scorecard with the keyboard: the first non-fatal item fails, the first N/A-able other one is N/A,
      // the rest pass. The live score is the contract's arithmetic.
      List<String> plan = plan(form);
      b.js("document.querySelector('.qa-sc-item').focus()");
      for (String k : plan) {
        keys(b, k);
      }
      expected = score(form, plan);
      b.waitFor("document.getElementById('qa-live-score').textContent === " + Browser.jsString(
          String.format(java.util.Locale.ROOT, "%.1f", expected)), WAIT);
      b.js("window.scrollTo(0, 0)");
      b.screenshot(SHOTS.resolve("qa-workspace-1440-zh.png"));
      click(b, By.cssSelector(".lang-switch button[lang=en]"));
      b.waitFor("document.documentElement.lang === 'en' && !!document.getElementById('qa-submit')", WAIT);
      b.waitFor("document.querySelector('.qa-player').dataset.waveform === 'drawn'", WAIT);
      b.js("window.scrollTo(0, 0)");
      b.screenshot(SHOTS.resolve("qa-workspace-1440-en.png"));
      click(b, By.cssSelector(".lang-switch button[lang=zh-CN]"));
      b.waitFor("document.documentElement.lang === 'zh-CN' && !!document.getElementById('qa-submit')", WAIT);
      click(b, By.id("qa-submit"));
      b.waitFor("!document.getElementById('qa-submit') && document.querySelector('.qa-ev-meta')"
          + " && document.querySelector('.qa-ev-meta').textContent.includes('已提交')", WAIT);
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
    JsonObject submitted = qa.get("/api/qa/evaluations/" + evaluationId).json();
    assertEquals("submitted", submitted.getString("status"), submitted.encode());
    assertEquals(expected, submitted.getDouble("score"), 0.05, "the server's score is the page's");
    assertEquals(new JsonArray().add(markedItem), submitted.getJsonObject("findings").getJsonArray("wrongInfo"));
    assertEquals("evaluated", qa.get("/api/qa/samples/" + sampleId).json().getString("status"));

    // The agent: the result on the desk, signed off, then disputed with a reason.
    String reason = "客户当时确实给了 9 分，并非诱导";
    try (Browser b = Browser.launch(1440, 900)) {
      signIn(b, server, "zhao.min", "/agent.html");
      String row = "#qa-mine tr[data-id='" + evaluationId + "']";
      b.waitFor("!!document.querySelector(" + Browser.jsString(row) + ")", WAIT);
      assertTrue(b.text(row).contains(String.format(java.util.Locale.ROOT, "%.1f", expected)), b.text(row));
      b.screenshot(SHOTS.resolve("qa-agent-desk-1440-zh.png"));
      click(b, By.cssSelector(row + " .qa-mine-open"));
      b.waitFor("!!document.querySelector('dialog#qa-mine-dialog[open]')", WAIT);
      assertTrue(b.text("#qa-mine-dialog").contains(commentText), b.text("#qa-mine-dialog"));
      b.screenshot(SHOTS.resolve("qa-agent-result-1440-zh.png"));
      click(b, By.id("qa-mine-ack"));
      b.waitFor("!document.querySelector('dialog#qa-mine-dialog') && !!document.querySelector("
          + Browser.jsString(row + " .qa-mine-acknowledged") + ")", WAIT);
      click(b, By.cssSelector(row + " .qa-mine-open"));
      b.waitFor("!!document.querySelector('dialog#qa-mine-dialog[open]')", WAIT);
      click(b, By.id("qa-mine-dispute"));
      b.type("#qa-dispute-reason", reason);
      click(b, By.id("qa-mine-dispute-send"));
      b.waitFor("!document.querySelector('dialog#qa-mine-dialog') && !!document.querySelector("
          + Browser.jsString(row + " .qa-mine-disputed") + ")", WAIT);
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
    JsonObject mine = agent.get("/api/qa/evaluations/" + evaluationId).json();
    assertNotNull(mine.getString("acknowledgedAt"), mine.encode());
    JsonObject dispute = qa2.get("/api/qa/disputes").json().getJsonArray("disputes").getJsonObject(0);
    assertEquals(reason, dispute.getString("reason"));
    assertEquals(qa2Id, dispute.getJsonObject("assignee").getLong("id"), "another QA user than the evaluator");
    assertNotEquals(qaId, dispute.getJsonObject("assignee").getLong("id"));

    // Another QA user re-scores it from the disputes tab: everything passes this time.
    double rescore;
    try (Browser b = Browser.launch(1440, 900)) {
      signIn(b, server, "qa.liu", "/qa.html");
      b.navigate(server.url("/qa.html#tab=disputes"));
      b.waitFor("!!document.querySelector('#disputes-body .qa-rescore')", WAIT);
      assertTrue(b.text("#disputes-body").contains(reason), b.text("#disputes-body"));
      b.screenshot(SHOTS.resolve("qa-disputes-1440-zh.png"));
      click(b, By.cssSelector("#disputes-body .qa-rescore"));
      b.waitFor("location.hash.startsWith('#sample=" + sampleId + "&evaluation=')", WAIT);
      b.waitFor("!!document.querySelector('.qa-sc-item') && !!document.getElementById('qa-submit')", WAIT);
      assertTrue(b.text(".qa-ev-meta").contains("申诉复评"), b.text(".qa-ev-meta"));
      b.js("document.querySelector('.qa-sc-item').focus()");
      List<String> allPass = new ArrayList<>();
      for (int i = 0; i < items(form).size(); i++) {
        allPass.add("1");
      }
      for (String k : allPass) {
        keys(b, k);
      }
      rescore = score(form, allPass);
      b.waitFor("document.getElementById('qa-live-score').textContent === " + Browser.jsString(
          String.format(java.util.Locale.ROOT, "%.1f", rescore)), WAIT);
      click(b, By.id("qa-submit"));
      b.waitFor("!document.getElementById('qa-submit')", WAIT);
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
    JsonObject resolved = qa2.get("/api/qa/disputes").json().getJsonArray("disputes").getJsonObject(0);
    assertEquals("resolved", resolved.getString("status"), resolved.encode());
    assertEquals(rescore, resolved.getDouble("rescoreScore"), 0.05);
    assertEquals("superseded", qa.get("/api/qa/evaluations/" + evaluationId).json().getString("status"));
    JsonArray agentSees = agent.get("/api/qa/mine").json().getJsonArray("evaluations");
    assertTrue(agentSees.stream().map(JsonObject.class::cast).anyMatch(e -> "rescore".equals(e.getString("kind"))
        && Math.abs(e.getDouble("score") - rescore) < 0.05), agentSees.encode());

    // Phones and English: the queue and the scored sample at 390 px; a supervisor looks on, read-only.
    Http.userWithRole(server, f.admin, "sup.wang", "supervisor");
    for (String lang : List.of("zh", "en")) {
      try (Browser b = Browser.launch(500, 844)) {
        // Headless chromium keeps windows at least 500 px wide: the page is shown as a 390 × 844 phone.
        b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
            .put("deviceScaleFactor", 1).put("mobile", true));
        signIn(b, server, "qa.chen", "/qa.html");
        if (lang.equals("en")) {
          click(b, By.cssSelector(".lang-switch button[lang=en]"));
        }
        b.waitFor("!!document.querySelector(\"#queue-body tr[data-id='" + sampleId + "']\")", WAIT);
        b.screenshot(SHOTS.resolve("qa-queue-390-" + lang + ".png"));
        b.navigate(server.url("/qa.html#sample=" + sampleId));
        b.waitFor("document.querySelector('.qa-player') && document.querySelector('.qa-player').dataset.waveform"
            + " === 'drawn' && !!document.querySelector('#qa-score-panel .panel-head')", WAIT);
        b.screenshot(SHOTS.resolve("qa-workspace-390-" + lang + ".png"));
        assertEquals(390L, ((Number) b.evaluate("window.innerWidth")).longValue());
        assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
            "nothing wider than the phone: " + b.evaluate("document.documentElement.scrollWidth"));
      }
    }
    try (Browser b = Browser.launch(1440, 900)) {
      signIn(b, server, "sup.wang", "/supervisor.html");
      b.navigate(server.url("/qa.html#tab=month"));
      b.waitFor("!!document.querySelector('#qa-month-agents tbody tr') && !!document.getElementById('qa-xlsx')", WAIT);
      assertTrue(b.text("#qa-month-agents").contains("zhao.min"), b.text("#qa-month-agents"));
      b.screenshot(SHOTS.resolve("qa-month-1440-zh.png"));
      b.navigate(server.url("/qa.html"));
      b.waitFor("!!document.querySelector(\"#queue-body tr[data-id='" + sampleId + "']\")", WAIT);
      assertEquals(0L, ((Number) b.evaluate("document.querySelectorAll('.qa-claim').length")).longValue(),
          "a supervisor cannot claim");
    }
  }

  // ---------------------------------------------------------------------------------------------------- the call

  /** A real call: the agent takes it, submits the survey while the customer is on the line, hangs up. */
  static String recordedCall(DeskFixture f, Http agent) throws Exception {
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    Http.Response ready = agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode());
    assertEquals(200, ready.status(), ready.body());
    JsonObject call = Await.atMost(WAIT).until("a call on the desk", () -> agent.get("/api/agent/desk").json()
        .getJsonObject("call"), c -> c != null && c.getString("attemptId") != null);
    Instant bridged = Instant.now();
    String attempt = call.getString("attemptId");
    Questionnaire q = Questionnaire.parse(call.getJsonObject("questionnaire").getJsonObject("definition"));
    Http.Response done = agent.send("POST", "/api/agent/calls/" + attempt + "/submit", new JsonObject()
        .put("disposition", "success").put("answers", SurveyAnswers.full(q, 0, 0, 8)).put("note", "客户对洗车不满意").encode());
    assertEquals(200, done.status(), done.body());
    // The call must last long enough to leave something to seek in: the customer stays on the line until then.
    long left = Duration.between(Instant.now(), bridged.plus(CALL)).toMillis();
    if (left > 0) {
      Thread.sleep(left);
    }
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"break\"}").status());
    return attempt;
  }

  // ---------------------------------------------------------------------------------------------------- scoring

  private static List<JsonObject> items(JsonObject form) {
    List<JsonObject> out = new ArrayList<>();
    for (Object s : form.getJsonArray("sections")) {
      for (Object i : ((JsonObject) s).getJsonArray("items")) {
        out.add((JsonObject) i);
      }
    }
    return out;
  }

  /** The keys QA presses, item by item: the first non-fatal item fails (2), the next N/A-able one is N/A (3). */
  private static List<String> plan(JsonObject form) {
    List<String> keys = new ArrayList<>();
    boolean failed = false;
    boolean na = false;
    for (JsonObject item : items(form)) {
      if (!failed && !item.getBoolean("fatal", false)) {
        keys.add("2");
        failed = true;
      } else if (!na && item.getBoolean("na", true)) {
        keys.add("3");
        na = true;
      } else {
        keys.add("1");
      }
    }
    return keys;
  }

  /**
   * docs/qa-api.md's arithmetic, written again here: section ratio = earned / applicable points; score = Σ weight ×
   * ratio / Σ weight of the sections with an applicable item × 100, rounded to 0.1; a failed fatal item: 0.
   */
  static double score(JsonObject form, List<String> keys) {
    double weights = 0;
    double sum = 0;
    int k = 0;
    boolean fatal = false;
    for (Object o : form.getJsonArray("sections")) {
      JsonObject s = (JsonObject) o;
      double earned = 0;
      double applicable = 0;
      for (Object i : s.getJsonArray("items")) {
        JsonObject item = (JsonObject) i;
        String key = keys.get(k++);
        double points = item.getDouble("points");
        if (key.equals("3")) {
          continue;
        }
        applicable += points;
        if (key.equals("1")) {
          earned += points;
        } else if (item.getBoolean("fatal", false)) {
          fatal = true;
        }
      }
      if (applicable > 0) {
        weights += s.getDouble("weight");
        sum += s.getDouble("weight") * earned / applicable;
      }
    }
    return fatal ? 0 : Math.round(sum / weights * 1000) / 10.0;
  }

  // ---------------------------------------------------------------------------------------------------- browser

  static void signIn(Browser b, TestServer server, String username, String landing) {
    b.driver.get(server.url("/"));
    b.js("localStorage.clear()");
    b.driver.get(server.url("/"));
    b.waitFor("document.getElementById('username') !== null", WAIT);
    b.driver.findElement(By.id("username")).sendKeys(username);
    b.driver.findElement(By.id("password")).sendKeys(username + "-password-1");
    click(b, By.id("login-submit"));
    b.waitFor("location.pathname === " + Browser.jsString(landing)
        + " && !document.body.classList.contains('booting')", WAIT);
  }

  private static void keys(Browser b, CharSequence k) {
    new Actions(b.driver).sendKeys(k).perform();
  }

  private static void click(Browser b, By by) {
    WebElement e = b.driver.findElement(by);
    b.js("arguments[0].scrollIntoView({block: 'center'})", e);
    e.click();
  }

  static String month() {
    return DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneId.of("Asia/Shanghai")).format(Instant.now());
  }
}
