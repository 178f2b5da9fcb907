package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Browser;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 21's lists and rules and its safer admin actions, in a real browser against the real server: the do-not-call
 * list, special-case filings with their period, declared volumes, the audit log, campaign progress; the product's
 * confirmation dialogs (Cancel changes nothing, confirming does it, rows stay in place); the forced change of an
 * admin-set password, after which the page's data loads. Every change is checked in the database.
 */
@WithServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListsPagesIT {
  private static final Path SHOTS = Path.of("/work/wt/shots-lists").toFile().isDirectory()
      ? Path.of("/work/wt/shots-lists") : Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Injected
  TestServer server;
  DeskFixture f;
  Http supervisor;
  /** One browser for the class (each launch costs a second or two); each test signs in afresh. */
  Browser browser;

  @BeforeAll
  void prepare() throws Exception {
    Files.createDirectories(SHOTS);
    f = DeskFixture.prepare(server, 4, 15);
    supervisor = Http.userWithRole(server, f.admin, "lists.sup", "supervisor");
    browser = Browser.available() ? Browser.launch(1440, 900) : null;
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void doNotCallListIsSearchedAddedToAndRemovedFromWithAudit() {
    Http.Response badPhone = f.admin.send("POST", "/api/dnc", new JsonObject().put("phone", "12345")
        .put("reason", "x").encode());
    assertEquals(400, badPhone.status(), badPhone.body());
    assertEquals("phone", badPhone.json().getString("field"));
    Http.Response noReason = f.admin.send("POST", "/api/dnc", new JsonObject().put("phone", "13900000001")
        .put("reason", "  ").encode());
    assertEquals("reason", noReason.json().getString("field"));
    assertEquals(403, supervisor.send("POST", "/api/dnc", new JsonObject().put("phone", "13900000001")
        .put("reason", "x").encode()).status(), "supervisors read the list, admins change it");
    assertEquals(200, supervisor.get("/api/dnc").status());
    assertEquals(0L, count("select count(*) from dnc"), "nothing refused was written");
    assertEquals(201, f.admin.send("POST", "/api/dnc", new JsonObject().put("phone", "13900000002")
        .put("reason", "投诉后要求不再来电").encode()).status());

    Assumptions.assumeTrue(browser != null, "no chromium/chromedriver");
    {
      Browser b = browser;
      signIn(b, "admin", TestServer.ADMIN_PASSWORD, "/admin.html");
      b.navigate(server.url("/lists.html#dnc"));
      b.waitFor("document.querySelector('#dnc-body tr[data-phone=\"13900000002\"]') !== null", WAIT);
      b.type("#dnc-phone", "+86 139-0000-0003");
      b.type("#dnc-reason", "客户来电要求不再回访");
      b.click("#dnc-submit");
      b.waitFor("document.querySelector('#dnc-body tr[data-phone=\"13900000003\"]') !== null", WAIT);
      Row added = f.row("select d.reason, d.note, u.username from dnc d join app_user u on u.id = d.added_by"
          + " where d.phone = '13900000003'");
      assertEquals("manual", added.getString(0));
      assertEquals("客户来电要求不再回访", added.getString(1));
      assertEquals("admin", added.getString(2));
      assertEquals(1L, count("select count(*) from audit_log where action = 'dnc.add' and subject = '13900000003'"));
      // the same number again: refused, named under the field
      b.type("#dnc-phone", "13900000003");
      b.type("#dnc-reason", "again");
      b.click("#dnc-submit");
      b.waitFor("document.getElementById('dnc-phone-error').textContent !== ''", WAIT);
      assertEquals(1L, count("select count(*) from dnc where phone = '13900000003'"));

      List<String> before = rows(b, "#dnc-body tr", "phone");
      // Remove: Cancel leaves the number on the list.
      b.click(".dnc-remove[data-phone=\"13900000003\"]");
      waitOpen(b, "dnc-confirm");
      assertTrue(b.text("#dnc-confirm").contains("13900000003"), b.text("#dnc-confirm"));
      b.screenshot(SHOTS.resolve("dnc-confirm-1440.png"));
      b.click("#dnc-confirm .confirm-cancel");
      b.waitFor("document.getElementById('dnc-confirm') === null", WAIT);
      assertEquals(1L, count("select count(*) from dnc where phone = '13900000003'"), "cancel changes nothing");
      // Confirm removes it; the row stays where it was, struck through.
      b.click(".dnc-remove[data-phone=\"13900000003\"]");
      waitOpen(b, "dnc-confirm");
      b.click("#dnc-confirm .confirm-ok");
      b.waitFor("document.querySelector('#dnc-body tr[data-phone=\"13900000003\"]').classList.contains('removed')", WAIT);
      assertEquals(0L, count("select count(*) from dnc where phone = '13900000003'"));
      assertEquals(before, rows(b, "#dnc-body tr", "phone"), "no row moved");
      JsonObject detail = new JsonObject(f.row("select detail::text from audit_log where action = 'dnc.remove'"
          + " and subject = '13900000003'").getString(0));
      assertEquals("客户来电要求不再回访", detail.getString("note"), "the audit log keeps what was removed");
      // search by digits
      b.type("#dnc-q", "0002");
      b.click("#dnc-search button[type=submit]");
      b.waitFor("document.querySelectorAll('#dnc-body tr').length === 1"
          + " && document.querySelector('#dnc-body tr[data-phone=\"13900000002\"]') !== null", WAIT);
      b.screenshot(SHOTS.resolve("dnc-1440.png"));
      phone(b);
      b.screenshot(SHOTS.resolve("dnc-390.png"));
      assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
          "nothing wider than the phone: " + b.evaluate("document.documentElement.scrollWidth"));
      assertNoPageErrors(b);

      // A supervisor reads the list, without the admin's controls.
      signIn(b, "lists.sup", "lists.sup-password-1", "/supervisor.html");
      b.navigate(server.url("/lists.html#dnc"));
      b.waitFor("document.querySelector('#dnc-body tr[data-phone=\"13900000002\"]') !== null", WAIT);
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('dnc-form').closest('section').hidden"
          + " && document.querySelectorAll('.dnc-remove').length === 0"));
      b.click("#tab-volumes");
      b.waitFor("document.querySelectorAll('#vol-body tr').length === 1", WAIT);
      assertEquals(0L, ((Number) b.evaluate("document.querySelectorAll('#vol-body input').length")).longValue(),
          "supervisors read the declared volumes");
    }
  }

  @Test
  void specialCaseFilingsWithTheirPeriodCoverExpiredTasks() {
    List<Row> tasks = f.rows("select t.id, c.name from call_task t join customer c on c.id = t.customer_id"
        + " where t.campaign_id = $1 order by t.id", f.campaign);
    long covered = tasks.get(0).getLong(0);
    String coveredName = tasks.get(0).getString(1);
    long outside = tasks.get(1).getLong(0);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);

    // Validation names the field; a second filing for a task is a conflict; a missing task is 404.
    JsonObject ok = new JsonObject().put("taskId", outside).put("reason", "客户出国").put("from", today.minusDays(30)
        .toString()).put("to", today.minusDays(20).toString());
    assertEquals("to", f.admin.send("POST", "/api/filings", ok.copy().put("to", today.minusDays(40).toString()).encode())
        .json().getString("field"));
    assertEquals("from", f.admin.send("POST", "/api/filings", ok.copy().put("from", "3月1日").encode())
        .json().getString("field"));
    assertEquals("taskId", f.admin.send("POST", "/api/filings", ok.copy().put("taskId", "x").encode())
        .json().getString("field"));
    assertEquals(404, f.admin.send("POST", "/api/filings", ok.copy().put("taskId", 999_999).encode()).status());
    assertEquals(201, supervisor.send("POST", "/api/filings", ok.encode()).status(), "supervisors file too");
    assertEquals(409, f.admin.send("POST", "/api/filings", ok.encode()).status());
    assertEquals(1L, count("select count(*) from special_filing"));

    Assumptions.assumeTrue(browser != null, "no chromium/chromedriver");
    {
      Browser b = browser;
      signIn(b, "admin", TestServer.ADMIN_PASSWORD, "/admin.html");
      b.navigate(server.url("/lists.html#filings"));
      b.waitFor("document.querySelectorAll('#fil-body tr[data-filing-id]').length === 1", WAIT);
      b.type("#fil-find-q", coveredName);
      b.click("#fil-find-submit");
      b.waitFor("document.querySelector('#fil-candidates input[value=\"" + covered + "\"]') !== null", WAIT);
      b.click("#fil-candidates input[value=\"" + covered + "\"]");
      setValue(b, "#fil-from", today.minusDays(3).toString());
      setValue(b, "#fil-to", today.plusDays(3).toString());
      b.type("#fil-reason", "车辆事故，客户住院");
      b.screenshot(SHOTS.resolve("filing-form-1440.png"));
      b.click("#fil-submit");
      b.waitFor("document.querySelectorAll('#fil-body tr[data-filing-id]').length === 2", WAIT);
      Row filed = f.row("select reason, period_from, period_to from special_filing where task_id = $1", covered);
      assertEquals("车辆事故，客户住院", filed.getString(0));
      assertEquals(today.minusDays(3), filed.getLocalDate(1));
      assertEquals(today.plusDays(3), filed.getLocalDate(2));
      assertEquals(2L, count("select count(*) from audit_log where action = 'filing.add'"));

      // Both deadlines pass: the one inside its filing's period closes as filed, the other one expires.
      f.rows("update call_task set deadline = now() - interval '1 hour' where id in ($1, $2)", covered, outside);
      server.server().scheduler().expireOverdue(Instant.now()).await();
      assertEquals("filed", status(covered));
      assertEquals("expired", status(outside), "its filing's period ended weeks before the deadline");

      // Removing the filing (after a Cancel that keeps it) makes the task expired, not called.
      b.navigate(server.url("/lists.html?again=1#filings")); // a new document: the task's status as it is now
      long filingId = f.row("select id from special_filing where task_id = $1", covered).getLong(0);
      String remove = ".fil-remove[data-filing-id=\"" + filingId + "\"]";
      b.waitFor("document.querySelector('" + remove.replace("\"", "\\\"") + "') !== null", WAIT);
      List<String> before = rows(b, "#fil-body tr", "filingId");
      b.click(remove);
      waitOpen(b, "fil-confirm");
      assertTrue(b.text("#fil-confirm").contains(coveredName), b.text("#fil-confirm"));
      b.click("#fil-confirm .confirm-cancel");
      b.waitFor("document.getElementById('fil-confirm') === null", WAIT);
      assertEquals(1L, count("select count(*) from special_filing where task_id = " + covered));
      b.click(remove);
      waitOpen(b, "fil-confirm");
      b.click("#fil-confirm .confirm-ok");
      b.waitFor("document.querySelector('#fil-body tr[data-filing-id=\"" + filingId + "\"]').classList.contains('removed')",
          WAIT);
      assertEquals(0L, count("select count(*) from special_filing where task_id = " + covered));
      assertEquals("expired", status(covered));
      assertEquals(1L, count("select count(*) from task_event where task_id = " + covered + " and kind = 'filing_removed'"));
      assertEquals(1L, count("select count(*) from audit_log where action = 'filing.remove'"));
      assertEquals(before, rows(b, "#fil-body tr", "filingId"), "no row moved");
      b.screenshot(SHOTS.resolve("filings-1440.png"));
      phone(b);
      b.screenshot(SHOTS.resolve("filings-390.png"));
      assertNoPageErrors(b);
    }
  }

  @Test
  void pausingACampaignAndChangingARoleAskFirstAndRowsStayInPlace() {
    long second = f.admin.send("POST", "/api/campaigns", new JsonObject().put("name", "二月销售回访").put("kind", "ssi")
        .put("dealerIds", new JsonArray().add(f.dealer)).encode()).json().getJsonObject("campaign").getLong("id");
    Http.userWithRole(server, f.admin, "aa.agent", "agent");
    Http.userWithRole(server, f.admin, "zz.agent", "agent");
    long agentId = f.row("select id from app_user where username = 'aa.agent'").getLong(0);
    Assumptions.assumeTrue(browser != null, "no chromium/chromedriver");
    {
      Browser b = browser;
      signIn(b, "admin", TestServer.ADMIN_PASSWORD, "/admin.html");
      b.waitFor("document.querySelector('#users-body tr[data-username=\"aa.agent\"]') !== null", WAIT);
      List<String> users = rows(b, "#users-body tr", "username");
      String select = "#users-body tr[data-username=\"aa.agent\"] .role-select";
      pick(b, select, "supervisor");
      waitOpen(b, "role-confirm");
      assertTrue(b.text("#role-confirm").contains("aa.agent") && b.text("#role-confirm").contains("主管"),
          b.text("#role-confirm"));
      b.screenshot(SHOTS.resolve("role-confirm-1440.png"));
      b.click("#role-confirm .confirm-cancel");
      b.waitFor("document.getElementById('role-confirm') === null", WAIT);
      assertEquals("agent", b.evaluateString("document.querySelector('" + select.replace("\"", "\\\"") + "').value"));
      assertEquals("agent", f.row("select role from app_user where id = $1", agentId).getString(0), "cancel: unchanged");
      pick(b, select, "supervisor");
      waitOpen(b, "role-confirm");
      b.click("#role-confirm .confirm-ok");
      b.waitFor("document.getElementById('users-message').textContent.includes('aa.agent')", WAIT);
      assertEquals("supervisor", f.row("select role from app_user where id = $1", agentId).getString(0));
      assertEquals(users, rows(b, "#users-body tr", "username"), "no row moved");

      // The softphone: which extension on which PBX.
      b.click("#users-body tr[data-username=\"zz.agent\"] .softphone-edit");
      waitOpen(b, "softphone-dialog");
      b.type("#softphone-endpoint", "PJSIP/8123");
      b.click("#softphone-submit");
      b.waitFor("document.getElementById('softphone-dialog') === null", WAIT);
      assertEquals("PJSIP/8123", f.row("select softphone from app_user where username = 'zz.agent'").getString(0));

      // Pausing: Cancel leaves the campaign running; confirming pauses it, and it keeps its row.
      b.navigate(server.url("/campaigns.html"));
      String toggle = ".camp-toggle[data-id=\"" + f.campaign + "\"]";
      b.waitFor("document.querySelectorAll('#camp-body tr[data-id]').length === 2", WAIT);
      List<String> campaigns = rows(b, "#camp-body tr", "id");
      b.click(toggle);
      waitOpen(b, "pause-confirm");
      assertTrue(b.text("#pause-confirm").contains("售后回访 desk"), b.text("#pause-confirm"));
      b.screenshot(SHOTS.resolve("pause-confirm-1440.png"));
      b.click("#pause-confirm .confirm-cancel");
      b.waitFor("document.getElementById('pause-confirm') === null", WAIT);
      assertEquals(Boolean.TRUE, f.row("select active from campaign where id = $1", f.campaign).getBoolean(0));
      b.click(toggle);
      waitOpen(b, "pause-confirm");
      b.click("#pause-confirm .confirm-ok");
      b.waitFor("document.querySelector('" + toggle.replace("\"", "\\\"") + "').textContent === '恢复'", WAIT);
      assertEquals(Boolean.FALSE, f.row("select active from campaign where id = $1", f.campaign).getBoolean(0));
      assertEquals(campaigns, rows(b, "#camp-body tr", "id"), "the paused campaign keeps its row");
      assertTrue(campaigns.contains(String.valueOf(second)), campaigns.toString());

      // Progress per dealer, as the database counts it; the questionnaire is picked from the existing ones.
      JsonObject progress = f.admin.get("/api/campaigns/" + f.campaign + "/progress").json();
      JsonObject dealer = progress.getJsonArray("dealers").getJsonObject(0);
      assertEquals(count("select count(*) from call_task where campaign_id = " + f.campaign), dealer.getLong("due"));
      assertEquals(count("select count(*) from call_task where campaign_id = " + f.campaign + " and status = 'open'"),
          dealer.getLong("remaining"));
      assertEquals(dealer.getLong("due"), dealer.getLong("done") + dealer.getLong("callbacks") + dealer.getLong("expired")
          + dealer.getLong("remaining") + dealer.getLong("filed") + dealer.getLong("closedOther"));
      b.click(".camp-progress[data-id=\"" + f.campaign + "\"]");
      b.waitFor("document.getElementById('prog-campaign').value === '" + f.campaign + "'"
          + " && document.querySelector('#prog-body td[data-col=\"due\"]') !== null"
          + " && document.querySelector('#prog-body td[data-col=\"due\"]').textContent === '" + dealer.getLong("due") + "'",
          WAIT);
      b.waitFor("[...document.querySelectorAll('#c-q option')].some((o) => o.value === 'csi-default')", WAIT);
      b.screenshot(SHOTS.resolve("campaigns-1440.png"));
      assertEquals(404, f.admin.get("/api/campaigns/999999/progress").status());
      Http.Response unknown = f.admin.send("PUT", "/api/campaigns/" + second,
          new JsonObject().put("questionnaire", "csi-2019-typo").encode());
      assertEquals(400, unknown.status(), unknown.body());
      assertEquals("questionnaire", unknown.json().getString("field"));
      assertNull(f.row("select questionnaire from campaign where id = $1", second).getString(0), "nothing saved");
      assertNoPageErrors(b);
    }
  }

  @Test
  void anAdminSetPasswordIsChangedFirstThenTheUserListLoads() {
    String pw = "admin2-initial-pw";
    assertEquals(201, f.admin.send("POST", "/api/users", new JsonObject().put("username", "admin2")
        .put("displayName", "第二管理员").put("role", "admin").put("password", pw).encode()).status());
    Http api = new Http(server);
    assertEquals(200, api.login("admin2", pw).status());
    Http.Response refused = api.get("/api/users");
    assertEquals(403, refused.status(), "server-enforced, not only the page");
    assertEquals("password_change_required", refused.json().getString("error"));
    Assumptions.assumeTrue(browser != null, "no chromium/chromedriver");
    {
      Browser b = browser;
      signIn(b, "admin2", pw, "/admin.html");
      b.waitFor("document.getElementById('password-dialog') !== null && document.getElementById('password-dialog').open",
          WAIT);
      b.screenshot(SHOTS.resolve("forced-password-1440.png"));
      b.type("#pw-current", pw);
      b.type("#pw-new", "admin2-own-password");
      b.type("#pw-confirm", "admin2-own-password");
      b.click("#pw-submit");
      // No reload: the users table fills in, and no "no permission" was shown.
      b.waitFor("document.querySelector('#users-body tr[data-username=\"admin2\"]') !== null", WAIT);
      assertEquals(Boolean.FALSE, b.evaluate("!!document.querySelector('.toast-error')"), "no error toast");
      assertFalse(b.text("#users-body").contains("没有权限"), b.text("#users-body"));
      assertEquals(Boolean.FALSE, f.row("select must_change_password from app_user where username = 'admin2'")
          .getBoolean(0));
      b.screenshot(SHOTS.resolve("admin-after-change-1440.png"));
      phone(b);
      b.screenshot(SHOTS.resolve("admin-390.png"));
      assertNoPageErrors(b);
    }
  }

  @Test
  void declaredVolumesFeedTheDataQualityCheckAndTheAuditLogFilters() {
    String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
    assertEquals("month", f.admin.get("/api/dealers/volumes?month=2026-13").json().getString("field"));
    assertEquals(200, supervisor.get("/api/dealers/volumes?month=" + month).status());
    assertEquals(403, supervisor.send("PUT", "/api/dealers/" + f.dealer + "/volume", new JsonObject().put("month", month)
        .put("volume", 3).encode()).status());
    Assumptions.assumeTrue(browser != null, "no chromium/chromedriver");
    {
      Browser b = browser;
      signIn(b, "admin", TestServer.ADMIN_PASSWORD, "/admin.html");
      b.navigate(server.url("/lists.html?month=" + month + "#volumes"));
      String input = "#vol-" + f.dealer;
      b.waitFor("document.querySelector('" + input + "') !== null", WAIT);
      b.type(input, "-2");
      b.click(".vol-save[data-dealer-id=\"" + f.dealer + "\"]");
      b.waitFor("document.getElementById('vol-" + f.dealer + "-error').textContent !== ''", WAIT);
      b.type(input, "4");
      b.click(".vol-save[data-dealer-id=\"" + f.dealer + "\"]");
      b.waitFor("document.querySelector('#vol-body .saved-note') !== null", WAIT);
      assertEquals(4, f.row("select volume from dealer_volume where dealer_id = $1", f.dealer).getInteger(0));
      b.screenshot(SHOTS.resolve("volumes-1440.png"));
      JsonObject dq = f.admin.get("/api/data-quality?campaignId=" + f.campaign + "&month=" + month).json()
          .getJsonArray("dealers").getJsonObject(0);
      assertEquals(4, dq.getInteger("declaredVolume"));
      assertFalse(dq.getJsonArray("problems").contains("volume_not_declared"));
      b.click("#vol-quality");
      b.waitFor("location.pathname === '/data-quality.html' && document.getElementById('dq-body').textContent.includes('4 / ')",
          WAIT);

      // The audit log: the volume was recorded; filter by action family, user and day.
      b.navigate(server.url("/audit.html"));
      b.waitFor("document.querySelectorAll('#audit-body tr[data-id]').length > 0"
          + " && [...document.querySelectorAll('#audit-action option')].some((o) => o.value === 'dealer.volume')", WAIT);
      pick(b, "#audit-action", "dealer.");
      b.type("#audit-user", "admin");
      setValue(b, "#audit-from", LocalDate.now().toString());
      setValue(b, "#audit-to", LocalDate.now().toString());
      b.click("#audit-form button[type=submit]");
      long expected = count("select count(*) from audit_log where action like 'dealer.%' and actor = 'admin'");
      b.waitFor("document.querySelectorAll('#audit-body tr[data-id]').length === " + expected
          + " && [...document.querySelectorAll('#audit-body tr[data-id]')].every((r) => r.textContent.includes('dealer.'))",
          WAIT);
      assertEquals(1L, expected);
      b.screenshot(SHOTS.resolve("audit-1440.png"));
      phone(b);
      b.screenshot(SHOTS.resolve("audit-390.png"));
      assertNoPageErrors(b);
    }
    JsonObject page = f.admin.get("/api/audit?limit=2").json();
    long next = page.getLong("next");
    JsonArray older = f.admin.get("/api/audit?limit=2&before=" + next).json().getJsonArray("entries");
    assertTrue(older.getJsonObject(0).getLong("id") < next, "paged back");
    assertEquals("to", f.admin.get("/api/audit?from=2026-12-02T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00")
        .json().getString("field"));
  }

  // ------------------------------------------------------------------ helpers

  private void signIn(Browser b, String username, String password, String landing) {
    b.cdp("Emulation.clearDeviceMetricsOverride", new JsonObject());
    b.navigate(server.url("/"));
    b.driver.manage().deleteAllCookies(); // whoever was signed in before
    b.js("localStorage.clear(); sessionStorage.clear()");
    b.navigate(server.url("/"));
    b.waitFor("document.querySelector('#lang-slot .lang-switch') !== null", WAIT);
    b.type("#username", username);
    b.type("#password", password);
    b.click("#login-submit");
    b.waitFor("location.pathname === " + Browser.jsString(landing) + " && !document.body.classList.contains('booting')",
        WAIT);
  }

  private static void waitOpen(Browser b, String id) {
    b.waitFor("document.getElementById('" + id + "') !== null && document.getElementById('" + id + "').open", WAIT);
  }

  private static void pick(Browser b, String selector, String value) {
    b.js("const s = document.querySelector(arguments[0]); s.value = arguments[1];"
        + " s.dispatchEvent(new Event('change', { bubbles: true }));", selector, value);
  }

  private static void setValue(Browser b, String selector, String value) {
    b.js("const i = document.querySelector(arguments[0]); i.value = arguments[1];"
        + " i.dispatchEvent(new Event('input', { bubbles: true }));", selector, value);
  }

  /** The rows' data-* values in page order. */
  private static List<String> rows(Browser b, String selector, String data) {
    Object v = b.evaluate("JSON.stringify([...document.querySelectorAll(" + Browser.jsString(selector) + ")]"
        + ".map((r) => r.dataset." + data + ").filter(Boolean))");
    return new JsonArray(String.valueOf(v)).stream().map(String::valueOf).toList();
  }

  /** The same page as a 390 × 844 phone (headless chromium keeps windows at least 500 px wide). */
  private static void phone(Browser b) {
    b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
        .put("deviceScaleFactor", 1).put("mobile", true));
  }

  private static void assertNoPageErrors(Browser b) {
    assertEquals(List.of(), b.pageLog().stream().filter(l -> l.startsWith("exception")
        || (l.toLowerCase().contains("error") && !l.contains("403") && !l.contains("409") && !l.contains("400")))
        .toList());
  }

  private String status(long taskId) {
    return f.row("select status from call_task where id = $1", taskId).getString(0);
  }

  private long count(String sql) {
    return f.row(sql).getLong(0);
  }
}
