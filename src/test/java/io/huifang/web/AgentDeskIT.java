package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Browser;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The agent desk in a real browser (Debian's chromium, driven by Selenium through Debian's chromedriver) against the
 * real server, dialer and PBX emulator: the agent signs in, opens the line, goes ready, receives a call, sees the
 * screen, fills the survey with the keyboard, reloads mid-survey (the answers are still there), submits with a
 * disposition and hangs up; the database holds the response, its scores and flags, and the attempt's outcome.
 */
class AgentDeskIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(40);
  /** How many scale items the agent scores 4: five makes a CSI survey "needs review". */
  private static final int LOW = 5;

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void agentTakesACallFillsTheSurveyReloadsAndSubmits(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    DeskFixture f = DeskFixture.prepare(server, 2, 3);
    try (Browser b = Browser.launch(1440, 1000)) {
      f.agent("zhao.min");
      signInAsAgent(b, f, "zhao.min");
      // The line opens by itself at sign-in (the softphone rings once), paused until the agent says ready.
      b.waitFor("document.getElementById('agent-state').dataset.state === 'paused'", WAIT);
      b.waitFor("!document.getElementById('line-ready').disabled", WAIT);
      click(b, By.id("line-ready"));

      // The dialer calls a customer; the screen pops with the bridge.
      b.waitFor("!document.getElementById('call-screen').hidden", WAIT);
      b.waitFor("document.getElementById('agent-state').dataset.state === 'on_call'", WAIT);
      String name = text(b, "#c-name");
      assertTrue(name.startsWith("张伟"), name);
      assertTrue(text(b, "#c-phone").matches("\\*{7}\\d{4}"), text(b, "#c-phone"));
      assertEquals("途观L", text(b, "#c-model"));
      assertTrue(text(b, "#survey-h").contains("CSI"), text(b, "#survey-h"));
      b.screenshot(SHOTS.resolve("agent-desk-call-zh.png"));

      // Keyboard entry: Y for yes, letters for choices and loyalty (A), digits for scores (the first five 4, then 9).
      List<String> typed = new ArrayList<>();
      b.waitFor("document.activeElement && document.activeElement.classList.contains('item')", WAIT);
      int scores = answerWithKeyboard(b, typed, 8, 0);
      b.waitFor("document.getElementById('save-status').dataset.state === 'saved'", WAIT);

      // Reload mid-survey: the answers come back from the server.
      b.driver.navigate().refresh();
      b.waitFor("!document.body.classList.contains('booting') && !document.getElementById('call-screen').hidden"
          + " && document.querySelectorAll('.opt[aria-pressed=true]').length >= 8", WAIT);
      assertEquals(8L, b.js("return document.querySelectorAll('.item.answered').length"),
          "the eight answers typed before the reload are there");
      assertEquals(name, text(b, "#c-name"));
      b.screenshot(SHOTS.resolve("agent-desk-after-reload-zh.png"));
      // Go on from the first unanswered item.
      b.js("document.querySelector('.item:not([hidden]):not(.answered)').focus()");
      answerWithKeyboard(b, typed, Integer.MAX_VALUE, scores);
      b.waitFor("document.getElementById('save-status').dataset.state === 'saved'", WAIT);

      // Disposition: success; submit while the customer is still on the line, then hang up.
      click(b, By.cssSelector("label[for='disp-success']"));
      click(b, By.id("survey-submit"));
      b.waitFor("document.getElementById('call-status').dataset.state === 'submitted'", WAIT);
      b.screenshot(SHOTS.resolve("agent-desk-submitted-zh.png"));
      b.waitFor("!document.getElementById('call-hangup').disabled", WAIT);
      click(b, By.id("call-hangup"));
      try {
        b.waitFor("document.getElementById('agent-state').dataset.state === 'wrap_up'", WAIT);
      } catch (AssertionError e) {
        throw new AssertionError("page: " + b.js("return document.getElementById('agent-state').dataset.state + ' / '"
            + " + document.getElementById('call-status').dataset.state + ' / ' + document.getElementById('line-message')"
            + ".textContent + ' / hangup disabled ' + document.getElementById('call-hangup').disabled"), e);
      }
      // Submitted during the call: the 3 s wrap-up runs out and the agent is ready (or on the next call) again.
      b.waitFor("['ready', 'reserved', 'on_call'].includes(document.getElementById('agent-state').dataset.state)",
          WAIT);

      Row r = f.row("select s.*, a.outcome, a.disposition as attempt_disposition, t.status as task_status"
          + " from survey_response s join call_attempt a on a.id = s.attempt_id join call_task t on t.id = s.task_id"
          + " where s.status = 'submitted' order by s.submitted_at limit 1");
      JsonObject answers = (JsonObject) r.getValue("answers");
      assertEquals("success", r.getString("disposition"));
      assertEquals("answered_human", r.getString("outcome"));
      assertEquals("success", r.getString("attempt_disposition"));
      assertEquals("done", r.getString("task_status"));
      assertEquals(LOW, r.getInteger("below_seven"), answers.encode());
      assertEquals(0, r.getInteger("not_surveyed"));
      assertEquals(true, r.getBoolean("needs_review"), "five CSI items below 7 need review");
      assertEquals(false, r.getBoolean("void"));
      Questionnaire q = Questionnaire.builtIn("csi-default");
      double sum = 0;
      int n = 0;
      for (Questionnaire.Item item : q.items()) {
        if (item.type() == Questionnaire.Type.SCALE10 && answers.getValue(item.id()) instanceof Number v) {
          sum += v.doubleValue();
          n++;
        }
      }
      assertEquals(sum / n, r.getBigDecimal("raw_score").doubleValue(), 0.0005);
      assertEquals((double) (LOW * 4 + (n - LOW) * 9) / n, sum / n, 1e-9, "the keyboard put in what we typed");

      // English, once.
      click(b, By.cssSelector(".lang-switch button[lang=en]"));
      b.waitFor("document.documentElement.lang === 'en'", WAIT);
      assertTrue(List.of("Ready", "On call", "Assigning call").contains(text(b, "#agent-state")), text(b, "#agent-state"));
      b.waitFor("!document.getElementById('call-screen').hidden", WAIT);
      b.screenshot(SHOTS.resolve("agent-desk-call-en.png"));
    }
  }

  /**
   * Answers the focused item and the ones after it with the keyboard until {@code max} items are answered or the
   * focus leaves the survey; returns how many scale items have been scored so far.
   */
  private static int answerWithKeyboard(Browser b, List<String> typed, int max, int scoresBefore) {
    int scores = scoresBefore;
    int answered = 0;
    while (answered < max) {
      WebElement active = b.driver.switchTo().activeElement();
      List<String> cls = List.of(String.valueOf(active.getAttribute("class")).split(" "));
      if (!cls.contains("item")) {
        if ("TEXTAREA".equalsIgnoreCase(active.getTagName())) {
          active.sendKeys("服务很好");
          typed.add("text");
          new Actions(b.driver).keyDown(org.openqa.selenium.Keys.CONTROL).sendKeys(org.openqa.selenium.Keys.ENTER)
              .keyUp(org.openqa.selenium.Keys.CONTROL).perform();
          answered++;
          continue;
        }
        break;
      }
      String key;
      if (cls.contains("item-scale10")) {
        key = scores < LOW ? "4" : "9";
        scores++;
      } else if (cls.contains("item-yesno")) {
        key = "y";
      } else if (cls.contains("item-text")) {
        active.findElement(By.tagName("textarea")).click();
        continue;
      } else {
        key = "a"; // choices and loyalty answer by letter: digits are scores only
      }
      String id = active.getAttribute("data-item");
      new Actions(b.driver).sendKeys(key).perform();
      b.waitFor("document.getElementById(" + jsString("q-" + id) + ").classList.contains('answered')",
          Duration.ofSeconds(5));
      typed.add(id + "=" + key);
      answered++;
    }
    return scores;
  }

  /**
   * An agent who is ready and leaves the desk page (navigates away) is paused once the grace has passed, and the page
   * opened again says why, in the agent's language.
   */
  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aReadyAgentWhoClosesTheDeskIsPausedAndTheReopenedPageSaysWhy(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    DeskFixture f = DeskFixture.prepare(server, 1, 3);
    try (Browser b = Browser.launch(1440, 900)) {
      // No customer to call: the agent stays ready with nobody on the line.
      assertEquals(200, f.admin.send("PUT", "/api/campaigns/" + f.campaign, "{\"active\":false}").status());
      f.server.server().desk().deskGoneGrace(Duration.ofSeconds(2));
      Http api = f.agent("zhao.min");
      signInAsAgent(b, f, "zhao.min");
      b.waitFor("!document.getElementById('line-ready').disabled", WAIT);
      click(b, By.id("line-ready"));
      b.waitFor("document.getElementById('agent-state').dataset.state === 'ready'", WAIT);

      // Leaving the page: Chromium keeps it in its back/forward cache; only the page's pagehide closes the socket.
      b.driver.get("about:blank");
      String state = Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(200)).until(
          "the agent who left the desk page paused",
          () -> api.get("/api/agent/desk").json().getJsonObject("agent").getString("state"), "paused"::equals);
      assertEquals("paused", state, "no desk page for more than the grace (2 s)");
      b.driver.get(f.server.url("/agent.html"));
      b.waitFor("document.getElementById('agent-state').dataset.state === 'paused'", WAIT);
      assertEquals("原因：页面已关闭", text(b, "#state-detail"));
      b.screenshot(SHOTS.resolve("agent-desk-closed-zh.png"));
    }
  }

  /** Signs in on the login page from a clean browser and waits for the agent desk to boot. */
  private static void signInAsAgent(Browser b, DeskFixture f, String username) {
    b.driver.get(f.server.url("/"));
    b.js("localStorage.clear()");
    b.driver.get(f.server.url("/"));
    b.waitFor("document.getElementById('username') !== null", WAIT);
    b.driver.findElement(By.id("username")).sendKeys(username);
    b.driver.findElement(By.id("password")).sendKeys(username + "-password-1");
    click(b, By.id("login-submit"));
    b.waitFor("location.pathname === '/agent.html' && !document.body.classList.contains('booting')", WAIT);
  }

  /** Clicks like a person: scrolled into the middle of the window first (the header is sticky). */
  private static void click(Browser b, By by) {
    WebElement e = b.driver.findElement(by);
    b.js("arguments[0].scrollIntoView({block: 'center'})", e);
    e.click();
  }

  private static String text(Browser b, String selector) {
    return String.valueOf(b.js("return document.querySelector(arguments[0]).textContent.trim()", selector));
  }

  private static String jsString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
