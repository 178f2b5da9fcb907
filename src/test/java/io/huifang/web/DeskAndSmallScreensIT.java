package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Browser;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Issue 21 in a real browser against the real server, dialer and PBX emulator (one server for all cases): the desk
 * keeps everything the agent typed — the note autosaved and back after a reload, the form locked after a submit
 * with the callback's time and note shown, keys that mean one thing only (a key that does not fit records nothing
 * and says so; 0 is 10 on a score and nothing on a yes/no), the recording paused for sensitive information — and
 * the small-screen polish: a 404 page with a way back, every page within a 390 px phone, one icon per page, the
 * questionnaire format readable, the editor's preview flagging what saving would refuse.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer(scenario = DeskFixture.SCENARIO)
class DeskAndSmallScreensIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String NOTE = "客户希望周末回电";

  @Injected
  TestServer server;
  private DeskFixture f;

  @BeforeAll
  void prepare() throws Exception {
    f = DeskFixture.prepare(server, 2, 3);
  }

  @Test
  void theDeskKeepsTheNoteLocksAfterSubmitAndTakesOnlyKeysThatFit() throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    Http api = f.agent("desk.keys");
    long agentId = f.row("select id from app_user where username = 'desk.keys'").getLong("id");
    try (Browser b = Browser.launch(1440, 900)) {
      signIn(b, "desk.keys");
      b.waitFor("!document.getElementById('line-ready').disabled", WAIT);
      b.click("#line-ready");
      b.waitFor("!document.getElementById('call-screen').hidden", WAIT);
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('conn-panel').hidden"),
          "the raw connection panel is for admins, not agents");
      String attempt = Await.atMost(WAIT).until("the survey draft", () -> f.rows(
          "select attempt_id from survey_response where agent_id = $1 and status = 'draft'", agentId), r -> !r.isEmpty())
          .get(0).getString("attempt_id");

      // A yes/no item: 0 and 5 do not fit; nothing is recorded, the item says which keys do.
      b.evaluate("document.getElementById('q-owner').focus()");
      press(b, "0");
      b.waitFor("document.getElementById('q-owner').dataset.refusedKey === '0'", WAIT);
      assertTrue(b.text("#q-owner-error").contains("Y"), b.text("#q-owner-error"));
      press(b, "5");
      b.waitFor("document.getElementById('q-owner').dataset.refusedKey === '5'", WAIT);
      assertEquals(Boolean.FALSE, b.evaluate("document.getElementById('q-owner').classList.contains('answered')"));
      assertEquals(Boolean.FALSE, b.evaluate("document.querySelector('#q-owner .opt[aria-pressed=true]') !== null"));
      Thread.sleep(800); // longer than the autosave's delay: a recorded key would have been saved by now
      assertFalse(answers(attempt).containsKey("owner"), "a key that does not fit saves nothing: " + answers(attempt));
      b.screenshot(SHOTS.resolve("desk-key-refused-1440.png"));

      press(b, "y");
      b.waitFor("document.getElementById('q-owner').classList.contains('answered')"
          + " && document.activeElement.id === 'q-convenient'", WAIT);
      press(b, "Y");
      // A choice: digits are for scores only, letters pick the options.
      b.waitFor("document.activeElement.id === 'q-visit-reason'", WAIT);
      press(b, "1");
      b.waitFor("document.getElementById('q-visit-reason').dataset.refusedKey === '1'", WAIT);
      press(b, "b");
      // A score: N is not "no" here (nothing recorded), 0 is 10.
      b.waitFor("document.activeElement.id === 'q-s1'", WAIT);
      press(b, "n");
      b.waitFor("document.getElementById('q-s1').dataset.refusedKey === 'n'", WAIT);
      assertEquals(Boolean.FALSE, b.evaluate("document.getElementById('q-s1').classList.contains('answered')"));
      press(b, "0");
      b.waitFor("document.activeElement.id === 'q-s2'", WAIT);
      press(b, "-");
      b.waitFor("document.getElementById('save-status').dataset.state === 'saved'", WAIT);
      String secondOption = Questionnaire.builtIn("csi-default").items().stream()
          .filter(i -> i.id().equals("visit-reason")).findFirst().orElseThrow().options().get(1).id();
      JsonObject saved = Await.atMost(WAIT).until("the keyed answers saved", () -> answers(attempt),
          a -> a.containsKey("s2"));
      assertEquals(new JsonObject().put("owner", true).put("convenient", true).put("visit-reason", secondOption)
          .put("s1", 10).put("s2", "not_surveyed"), saved, "exactly what the keys that fit meant");
      String status = b.text("#save-status");
      assertTrue(status.matches("已自动保存 \\d{2}:\\d{2}:\\d{2}"), status);

      // The note is saved with the answers as it is typed, and is there after a reload.
      WebElement note = b.driver.findElement(By.id("call-note"));
      b.js("arguments[0].scrollIntoView({block: 'center'})", note);
      note.sendKeys(NOTE);
      Await.atMost(WAIT).until("the note saved", () -> f.row("select coalesce(note, '') as note from survey_response"
          + " where attempt_id = $1", attempt).getString("note"), NOTE::equals);
      b.driver.navigate().refresh();
      b.waitFor("!document.body.classList.contains('booting') && !document.getElementById('call-screen').hidden"
          + " && document.querySelectorAll('.item.answered').length === 5", WAIT);
      assertEquals(NOTE, b.evaluate("document.getElementById('call-note').value"), "the note after a reload");
      String afterReload = b.text("#save-status");
      assertTrue(afterReload.startsWith("已自动保存") && !afterReload.contains("{"), afterReload);

      // The note through the API: text only, bounded; refused notes change nothing.
      String answersPath = "/api/agent/calls/" + attempt + "/answers";
      Http.Response notText = api.send("PUT", answersPath, "{\"answers\":{},\"note\":12}");
      assertEquals(400, notText.status(), notText.body());
      assertEquals("note", notText.json().getString("field"));
      Http.Response tooLong = api.send("PUT", answersPath, new JsonObject().put("answers", new JsonObject())
          .put("note", "长".repeat(4001)).encode());
      assertEquals(400, tooLong.status(), tooLong.body());
      assertEquals(NOTE, f.row("select note from survey_response where attempt_id = $1", attempt).getString("note"));

      // Recording paused for sensitive information, visibly, and resumed.
      b.click("#rec-toggle");
      b.waitFor("document.getElementById('rec-control').dataset.state === 'paused'", WAIT);
      assertTrue(b.text("#rec-state").contains("自动恢复"), b.text("#rec-state"));
      assertEquals(1, f.rows("select 1 from audit_log where action = 'recording.pause' and result = 'ok'"
          + " and subject = $1", "recording:" + attempt).size());
      b.screenshot(SHOTS.resolve("desk-recording-paused-1440.png"));
      b.click("#rec-toggle");
      b.waitFor("document.getElementById('rec-control').dataset.state === 'recording'", WAIT);
      assertEquals(1, f.rows("select 1 from audit_log where action = 'recording.resume' and result = 'ok'"
          + " and subject = $1", "recording:" + attempt).size());

      // A callback, submitted while the customer is on the line: the form locks and shows what was stored.
      LocalDateTime at = LocalDateTime.now().plusDays(1).truncatedTo(ChronoUnit.HOURS).withHour(10);
      b.click("label[for='disp-callback']");
      b.waitFor("!document.getElementById('callback-fields').hidden", WAIT);
      b.type("#callback-at", at.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")));
      b.click("#survey-submit");
      b.waitFor("document.getElementById('call-status').dataset.state === 'submitted'", WAIT);
      assertLocked(b);
      String locked = b.text("#submit-message");
      assertTrue(locked.contains("预约回访") && locked.contains("由我回访") && locked.contains("10:00"), locked);
      Row r = f.row("select status, disposition, note, callback_at from survey_response where attempt_id = $1",
          attempt);
      assertEquals("submitted", r.getString("status"));
      assertEquals("callback", r.getString("disposition"));
      assertEquals(NOTE, r.getString("note"));
      assertEquals(at.atZone(ZoneId.systemDefault()).toInstant(), r.getOffsetDateTime("callback_at").toInstant());
      b.screenshot(SHOTS.resolve("desk-submitted-locked-1440.png"));
      // Still locked, showing the same, after a reload during the call.
      b.driver.navigate().refresh();
      b.waitFor("!document.body.classList.contains('booting') && document.getElementById('call-status').dataset.state"
          + " === 'submitted'", WAIT);
      assertLocked(b);
      assertEquals(locked, b.text("#submit-message"));

      phone(b);
      assertFits(b, "the desk");
      b.screenshot(SHOTS.resolve("desk-submitted-390.png"));
    }
  }

  @Test
  void unknownPathsGetA404PageAndEveryPageFitsAPhone() throws Exception {
    Http anyone = new Http(server);
    Http.Response missing = anyone.get("/no-such/page");
    assertEquals(404, missing.status());
    assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), missing.toString());
    assertTrue(missing.body().contains("nf-home"), "the product's 404 page, not a bare one");
    assertEquals(404, anyone.send("POST", "/no-such/page", "{}").status());
    assertTrue(anyone.get("/api/no-such-route").body().startsWith("{"), "the API still answers JSON");
    Http.Response format = anyone.get("/docs/questionnaire.md");
    assertEquals(200, format.status());
    assertTrue(format.body().startsWith("# Questionnaires"), format.body().substring(0, 40));
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    try (Browser b = Browser.launch(1440, 900)) {
      b.navigate(server.url("/no-such/page"));
      b.waitFor("document.getElementById('nf-path').textContent === '/no-such/page'", WAIT);
      assertEquals("找不到这个页面", b.text("#nf-h"));
      b.screenshot(SHOTS.resolve("not-found-1440.png"));
      phone(b);
      assertFits(b, "the 404 page");
      b.screenshot(SHOTS.resolve("not-found-390.png"));
      b.click("#nf-home");
      b.waitFor("location.pathname === '/' && document.getElementById('username') !== null", WAIT);
      desktop(b);

      // Signed in as admin: one icon per page in the navigation.
      signIn(b, "admin", TestServer.ADMIN_PASSWORD);
      b.navigate(server.url("/admin.html"));
      b.waitFor("!document.body.classList.contains('booting')", WAIT);
      JsonArray icons = (JsonArray) b.evaluate("Array.from(document.querySelectorAll('#app-nav a svg'))"
          + ".map((s) => s.innerHTML)");
      assertTrue(icons.size() >= 8, icons.encode());
      assertEquals(icons.size(), new HashSet<>(icons.getList()).size(), "every navigation entry its own icon");
      b.screenshot(SHOTS.resolve("admin-1440.png"));

      // The questionnaire editor: the preview asks the server what saving would refuse, nothing is stored.
      b.navigate(server.url("/questionnaires.html"));
      b.waitFor("!document.body.classList.contains('booting') && !document.getElementById('qn-new').hidden", WAIT);
      assertEquals("/questionnaire-format.html", b.evaluate("document.getElementById('qn-format-link')"
          + ".getAttribute('href')"));
      b.click("#qn-new");
      b.type("#qn-key", "preview-only");
      String bad = String.valueOf(b.evaluate("document.getElementById('qn-json').value")).replace("\"yesno\"",
          "\"yes-no\"");
      b.type("#qn-json", bad);
      b.click("#qn-try");
      b.waitFor("document.getElementById('qn-check').dataset.state === 'refused'", WAIT);
      assertTrue(b.text("#qn-check").contains("sections[0].items[0].type"), b.text("#qn-check"));
      assertTrue(b.text("#qn-error").startsWith("sections[0].items[0].type"), "no 'null' before: "
          + b.text("#qn-error"));
      assertEquals(Boolean.TRUE, b.evaluate("document.querySelector('#qn-preview .q-item.q-bad') !== null"));
      assertFalse(b.text("#qn-preview").contains("null"), "a questionnaire without indicators: " + b.text("#qn-preview"));
      b.screenshot(SHOTS.resolve("questionnaires-refused-1440.png"));
      b.type("#qn-json", bad.replace("\"yes-no\"", "\"yesno\""));
      b.click("#qn-try");
      b.waitFor("document.getElementById('qn-check').dataset.state === 'ok'", WAIT);
      assertEquals(0, f.rows("select 1 from questionnaire where key = 'preview-only'").size(),
          "a preview stores nothing");
      b.type("#qn-json", "{\"kind\": ");
      b.click("#qn-try");
      b.waitFor("document.getElementById('qn-error').textContent !== ''", WAIT);
      assertTrue(b.text("#qn-error").startsWith("不是有效的 JSON"), b.text("#qn-error"));
      b.navigate(server.url("/questionnaire-format.html"));
      b.waitFor("document.querySelector('#doc h1') !== null", WAIT);
      assertEquals("Questionnaires (问卷)", b.text("#doc h1"));
      assertTrue(((Number) b.evaluate("document.querySelectorAll('#doc pre').length")).intValue() >= 1);

      // A phone: the header and every page within 390 px; the navigation folds behind the menu button.
      b.navigate(server.url("/admin.html"));
      b.waitFor("!document.body.classList.contains('booting')", WAIT);
      // Every page the admin's navigation lists (pages added later are checked too), the agent desk last.
      List<String> pages = new java.util.ArrayList<>(((JsonArray) b.evaluate("Array.from(document.querySelectorAll("
          + "'#app-nav a')).map((a) => a.getAttribute('href')).filter((h) => h !== '/agent.html')")).getList()
          .stream().map(String::valueOf).toList());
      pages.add("/agent.html");
      assertTrue(pages.size() >= 8, pages.toString());
      phone(b);
      for (String page : pages) {
        b.navigate(server.url(page));
        b.waitFor("!document.body.classList.contains('booting')", WAIT);
        Thread.sleep(300); // the page's first data in its tables
        assertFits(b, page);
        if (page.equals("/campaigns.html") || page.equals("/supervisor.html")) {
          b.screenshot(SHOTS.resolve(page.substring(1).replace(".html", "") + "-390.png"));
        }
      }
      assertEquals(Boolean.FALSE, b.evaluate("document.getElementById('app-nav').offsetHeight > 0"),
          "the navigation is folded away");
      b.click("#nav-toggle");
      b.waitFor("document.getElementById('app-nav').offsetHeight > 0", WAIT);
      assertEquals("true", b.evaluate("document.getElementById('nav-toggle').getAttribute('aria-expanded')"));
      assertEquals("坐席工作台", b.text("#nav-toggle-label"));
      assertFits(b, "the open navigation");
      b.screenshot(SHOTS.resolve("nav-open-390.png"));
    }
  }

  private static void assertLocked(Browser b) {
    assertEquals(Boolean.TRUE, b.evaluate("Array.from(document.querySelectorAll('.disposition-panel input,"
        + " .disposition-panel textarea')).every((e) => e.disabled)"), "the disposition, time and note are locked");
    assertEquals(NOTE, b.evaluate("document.getElementById('call-note').value"));
    assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('survey-submit').disabled"));
  }

  /** The document is no wider than the window: nothing runs off the right edge. */
  private static void assertFits(Browser b, String what) {
    JsonArray w = (JsonArray) b.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        + " window.innerWidth]");
    assertEquals(390, w.getInteger(2), "the window is a phone's");
    assertTrue(w.getInteger(0) <= w.getInteger(1), what + " overflows: scrollWidth " + w.getInteger(0)
        + " > clientWidth " + w.getInteger(1));
  }

  private static void phone(Browser b) {
    b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  private static void desktop(Browser b) {
    b.cdp("Emulation.clearDeviceMetricsOverride", new JsonObject());
  }

  /** One real keystroke to the focused element. */
  private static void press(Browser b, String key) {
    new Actions(b.driver).sendKeys(key).perform();
  }

  private JsonObject answers(String attempt) {
    return (JsonObject) f.row("select answers from survey_response where attempt_id = $1", attempt).getValue("answers");
  }

  private void signIn(Browser b, String username) {
    signIn(b, username, username + "-password-1");
  }

  private void signIn(Browser b, String username, String password) {
    b.driver.get(server.url("/"));
    b.js("localStorage.clear(); sessionStorage.clear()");
    b.driver.get(server.url("/"));
    b.waitFor("document.getElementById('username') !== null", WAIT);
    b.driver.findElement(By.id("username")).sendKeys(username);
    b.driver.findElement(By.id("password")).sendKeys(password, Keys.ENTER);
    b.waitFor("location.pathname !== '/' && !document.body.classList.contains('booting')", WAIT);
  }
}
