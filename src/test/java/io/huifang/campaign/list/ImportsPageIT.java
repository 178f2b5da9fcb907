package io.huifang.campaign.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Browser;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The imports page in a real browser against the real server: a file whose header is not recognised (进厂日期 where
 * the CSI campaign needs 出厂日期) is mapped on the page and loaded; the dealer's next file (an XLSX in the 1904 date
 * system) loads with the remembered mapping without asking; the report lists the duplicate phones with their rows and
 * names; the history lists both imports and links to their reports. Screenshots at 1440×900 and 390×844 in
 * target/screenshots/imports.
 */
class ImportsPageIT {
  static final Path SHOTS = Path.of("target", "screenshots", "imports");
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  @WithServer
  void anUnknownHeaderIsMappedOnThePageAndTheNextFileLoadsWithoutAsking(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver");
    Files.createDirectories(SHOTS);
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    long dealer = admin.send("POST", "/api/dealers", new JsonObject().put("code", "BJ01").put("name", "北京东方4S店")
        .encode()).json().getJsonObject("dealer").getLong("id");
    long campaign = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "2025年3月售后回访")
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).encode())
        .json().getJsonObject("campaign").getLong("id");

    // The dealer's DMS: a title row, 进厂日期 for the visit date, an extension, one phone under two names.
    Path march = Files.writeString(dir.resolve("北京东方-3月进厂.csv"), "北京东方4S店 3月进厂明细\n"
        + "姓名,手机号码,进厂日期,车型\n"
        + "张三,13812345678,2025-03-18,速腾\n"
        + "李四,010-12345678转8001,2025/3/19,迈腾\n"
        + "张三丰,13812345678,2025-03-20,宝来\n", StandardCharsets.UTF_8);
    // Its next export: the same names, as an XLSX saved in the 1904 date system (serial 44276 = 2025-03-22).
    Path april = new RawXlsx().date1904().row("姓名", "手机号码", "进厂日期", "车型")
        .row("王五", "13712345678", "n:44276", "探岳").row("赵六", "13612345678", "n:44277", "途观")
        .write(dir.resolve("北京东方-3月下旬.xlsx"));
    String adminName = db(server, "select display_name from app_user where username = 'admin'", Tuple.tuple())
        .getString(0);

    long firstId;
    try (Browser b = Browser.launch(1440, 900)) {
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 1440).put("height", 900)
          .put("deviceScaleFactor", 1).put("mobile", false));
      signIn(b, server);
      b.navigate(server.url("/imports.html"));
      b.waitFor("!document.body.classList.contains('booting') && document.getElementById('imp-dealer').options.length"
          + " === 1 && document.getElementById('hist-body').textContent.includes('还没有导入记录')", WAIT);
      assertTrue(b.text(".sidenav").contains("导入名单"), "the page is in the admin's navigation");

      // 1. The header is not recognised: the mapping screen, by the fields' names.
      chooseFile(b, march);
      b.click("#imp-submit");
      b.waitFor("!document.getElementById('map-panel').hidden", WAIT);
      String intro = b.text("#map-intro");
      assertTrue(intro.contains("出厂日期") && intro.contains("第 2 行"), intro);
      assertFalse(b.text("#map-panel").contains("service_date"), "no internal names on the page");
      assertEquals("true", b.evaluateString("document.getElementById('map-f-service_date').getAttribute('aria-invalid')"));
      assertEquals("进厂日期", selectedColumnHeader(b, "order_date"), "the usual meaning of 进厂日期 is proposed first");
      assertEquals("手机号码", selectedColumnHeader(b, "phone"));
      assertEquals(0L, db(server, "select count(*) from import_batch", Tuple.tuple()).getLong(0),
          "the preview writes nothing, not even a batch");
      b.screenshot(SHOTS.resolve("mapping-1440-zh.png"));

      // Importing without a date column is refused on the page, naming the field.
      b.click("#map-submit");
      b.waitFor("document.getElementById('map-message').textContent.includes('出厂日期')", WAIT);

      // 2. 进厂日期 is this dealer's service date: picked, it leaves 开单日期, and the preview shows the rows mapped.
      b.js("const s = document.getElementById('map-f-service_date');"
          + " s.value = [...s.options].find((o) => o.textContent.includes('进厂日期')).value;"
          + " s.dispatchEvent(new Event('change'))");
      b.waitFor("!!document.querySelector('#map-preview th[data-field=service_date]')", WAIT);
      assertEquals("", b.evaluateString("document.getElementById('map-f-order_date').value"));
      assertTrue(b.text("#map-preview").contains("出厂日期") && b.text("#map-preview").contains("2025/3/19")
          && b.text("#map-preview").contains("010-12345678转8001"), b.text("#map-preview"));
      b.screenshot(SHOTS.resolve("mapping-preview-1440-zh.png"));
      b.click("#map-submit");
      b.waitFor("document.querySelector('#report-summary') !== null"
          + " && document.getElementById('report-summary').textContent.includes('已导入')", WAIT);
      assertTrue(b.evaluate("document.getElementById('map-panel').hidden").equals(Boolean.TRUE));
      assertTrue(b.text("#report-mapping").contains("保存"), b.text("#report-mapping"));
      assertEquals(3L, count(server, "select count(*) from customer where campaign_id = $1", campaign));
      assertEquals("进厂日期", db(server, "select mapping ->> 'service_date' from dealer_column_mapping"
          + " where dealer_id = $1", Tuple.of(dealer)).getString(0), "the mapping is kept for the dealer");
      Row ext = db(server, "select c.phone, c.phone_ext, t.phone from customer c join call_task t on t.customer_id = c.id"
          + " where c.name = '李四'", Tuple.tuple());
      assertEquals(List.of("01012345678", "8001", "01012345678"), List.of(ext.getString(0), ext.getString(1),
          ext.getString(2)), "the extension is kept apart; the task dials the number");
      // What the agent's screen gets for that customer: the number masked, the extension to ask for.
      long liSi = db(server, "select id from customer where name = '李四'", Tuple.tuple()).getLong(0);
      JsonObject screen = new io.huifang.desk.DeskStore(server.server().database().pool()).screenData(liSi, null)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
      assertEquals("8001", screen.getString("phoneExt"), screen.encode());
      assertEquals("*******5678", screen.getString("phoneMasked"), screen.encode());

      // 3. The duplicate phone with its rows and names.
      b.waitFor("!!document.querySelector('#report-dups tr[data-phone=\"13812345678\"]')", WAIT);
      String dup = b.text("#report-dups tr[data-phone=\"13812345678\"]");
      assertTrue(dup.contains("3、5") && dup.contains("张三、张三丰"), dup);
      b.screenshot(SHOTS.resolve("report-1440-zh.png"));
      firstId = db(server, "select id from import_batch where status = 'loaded'", Tuple.tuple()).getLong(0);

      // 4. The next file from that dealer: no question asked, the remembered mapping reads it, 1904 dates right.
      b.js("window.__asked = false; new MutationObserver(() => { if (!document.getElementById('map-panel').hidden)"
          + " window.__asked = true; }).observe(document.getElementById('map-panel'), { attributes: true })");
      chooseFile(b, april);
      b.click("#imp-submit");
      b.waitFor("document.getElementById('report-what').textContent.includes('3月下旬')"
          + " && document.getElementById('report-summary').textContent.includes('已导入')", WAIT);
      assertEquals(Boolean.FALSE, b.evaluate("window.__asked"), "the mapping screen never opened");
      assertTrue(b.text("#report-mapping").contains("上次保存"), b.text("#report-mapping"));
      assertTrue(b.text("#report-summary").contains("1904"), b.text("#report-summary"));
      assertEquals(LocalDate.of(2025, 3, 22), db(server, "select event_date from customer where name = '王五'",
          Tuple.tuple()).getLocalDate(0));
      assertEquals(5L, count(server, "select count(*) from customer where campaign_id = $1", campaign));

      // 5. The history lists both, newest first, with who and the counts, and links to each report.
      b.waitFor("document.querySelectorAll('#hist-body tr[data-import-id]').length === 2", WAIT);
      String hist = b.text("#hist-body");
      assertTrue(hist.contains("北京东方-3月进厂.csv") && hist.contains("北京东方-3月下旬.xlsx") && hist.contains(adminName)
          && hist.contains("BJ01"), hist);
      assertEquals(String.valueOf(firstId), b.evaluateString(
          "document.querySelectorAll('#hist-body tr[data-import-id]')[1].dataset.importId"));
      assertEquals("1", b.evaluateString("document.querySelector('#hist-body tr[data-import-id=\"" + firstId
          + "\"]').cells[9].textContent"), "one duplicate phone in the first file");
      b.js("document.getElementById('hist-h').scrollIntoView()");
      b.screenshot(SHOTS.resolve("history-1440-zh.png"));
      b.click("#hist-body a.report-link[data-import-id=\"" + firstId + "\"]");
      b.waitFor("location.search === '?id=" + firstId + "' && !!document.querySelector('#report-dups')", WAIT);
      assertTrue(b.text("#report-what").contains("3月进厂"), b.text("#report-what"));

      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.getElementById('report-h').textContent === 'Import report'", WAIT);
      assertTrue(b.text("#report-dups").contains("Customer names"), b.text("#report-dups"));
      b.screenshot(SHOTS.resolve("report-1440-en.png"));
      b.click(".lang-switch button[lang=zh-CN]");
      b.waitFor("document.getElementById('report-h').textContent === '导入报告'", WAIT);

      // A phone (the same browser, shown as 390 × 844): the report and the history fit, and a file with nothing
      // recognised asks for all three fields.
      Path odd = Files.writeString(dir.resolve("odd.csv"), "甲,乙,丙\n孙七,13512345678,2025-03-21\n",
          StandardCharsets.UTF_8);
      b.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
      b.navigate(server.url("/imports.html?id=" + firstId));
      b.waitFor("!!document.querySelector('#report-dups') && document.querySelectorAll('#hist-body tr').length === 2",
          WAIT);
      assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
          "nothing wider than the phone: " + b.evaluate("document.documentElement.scrollWidth"));
      b.screenshot(SHOTS.resolve("report-390-zh.png"));
      b.js("document.getElementById('hist-h').scrollIntoView()");
      b.screenshot(SHOTS.resolve("history-390-zh.png"));
      b.js("window.scrollTo(0, 0)");
      chooseFile(b, odd);
      b.click("#imp-submit");
      b.waitFor("!document.getElementById('map-panel').hidden", WAIT);
      String askedFor = b.text("#map-intro");
      assertTrue(askedFor.contains("客户姓名") && askedFor.contains("联系电话") && askedFor.contains("出厂日期"), askedFor);
      assertFalse((Boolean) b.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"),
          "the mapping screen fits the phone");
      b.screenshot(SHOTS.resolve("mapping-390-zh.png"));
      b.click("#map-cancel");
      b.waitFor("document.getElementById('map-panel').hidden", WAIT);
      assertEquals(2L, db(server, "select count(*) from import_batch", Tuple.tuple()).getLong(0),
          "a cancelled mapping imports nothing");
      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
  }

  private static void signIn(Browser b, TestServer server) {
    b.driver.get(server.url("/"));
    b.waitFor("document.getElementById('username') !== null", WAIT);
    b.driver.findElement(By.id("username")).sendKeys("admin");
    b.driver.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD);
    b.driver.findElement(By.id("login-submit")).click();
    b.waitFor("location.pathname === '/admin.html'", WAIT);
  }

  private static void chooseFile(Browser b, Path file) {
    b.js("document.getElementById('imp-file').value = ''");
    b.driver.findElement(By.id("imp-file")).sendKeys(file.toAbsolutePath().toString());
  }

  /** The header of the column chosen for a field on the mapping screen ("" when none). */
  private static String selectedColumnHeader(Browser b, String field) {
    return b.evaluateString("(() => { const s = document.getElementById('map-f-" + field + "');"
        + " const o = s.options[s.selectedIndex]; return s.value === '' ? '' : o.textContent.split(' · ')[1]; })()");
  }

  private static Row db(TestServer server, String sql, Tuple args) throws Exception {
    return server.server().database().pool().preparedQuery(sql).execute(args).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next();
  }

  private static long count(TestServer server, String sql, long id) throws Exception {
    return db(server, sql, Tuple.of(id)).getLong(0);
  }
}
