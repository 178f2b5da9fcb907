package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Browser;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The campaigns and data-quality pages in a real browser against the real server; screenshots for review. */
class CampaignPagesIT {
  private static final Path SHOTS = Path.of("target", "screenshots");

  @Test
  @WithServer
  void campaignsAndDataQualityPagesShowServerData(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver");
    Files.createDirectories(SHOTS);
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    long dealer = admin.send("POST", "/api/dealers", new JsonObject().put("code", "BJ01").put("name", "北京东方4S店")
        .encode()).json().getJsonObject("dealer").getLong("id");
    assertEquals(201, admin.send("POST", "/api/campaigns", new JsonObject().put("name", "2025年3月售后回访")
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).encode()).status());
    long followUps = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "投诉二次回访")
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).encode()).json().getJsonObject("campaign").getLong("id");
    // Only casework's FollowUps makes a 二次回访 campaign; mark this one as it would.
    server.server().database().pool().preparedQuery("update campaign set purpose = 'second_callback' where id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(followUps)).toCompletionStage().toCompletableFuture().get();
    try (Browser b = Browser.launch()) {
      b.navigate(server.url("/"));
      b.type("#username", "admin");
      b.type("#password", TestServer.ADMIN_PASSWORD);
      b.click("#login-submit");
      b.waitFor("location.pathname === '/admin.html'", Duration.ofSeconds(15));
      b.navigate(server.url("/campaigns.html"));
      b.waitFor("document.querySelectorAll('#camp-body tr').length === 2"
          + " && document.getElementById('camp-body').textContent.includes('2025年3月售后回访')", Duration.ofSeconds(15));
      assertTrue(b.text("#camp-body").contains("出厂后 72 小时内"), b.text("#camp-body"));
      // The purpose pill: on the 二次回访 campaign's row only.
      assertEquals("二次回访", b.text("#camp-body tr[data-id='" + followUps + "'] .camp-purpose"));
      assertEquals(1L, ((Number) b.evaluate("document.querySelectorAll('#camp-body .camp-purpose').length")).longValue());
      b.screenshot(SHOTS.resolve("campaigns-zh.png"));
      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.getElementById('camp-body').textContent.includes('within 72 h of the workshop visit')",
          Duration.ofSeconds(15));
      assertEquals("second callback", b.text("#camp-body tr[data-id='" + followUps + "'] .camp-purpose"));
      b.screenshot(SHOTS.resolve("campaigns-en.png"));
      b.navigate(server.url("/data-quality.html"));
      b.waitFor("document.querySelectorAll('#dq-body tr').length === 1"
          + " && document.getElementById('dq-body').textContent.includes('BJ01')", Duration.ofSeconds(15));
      b.screenshot(SHOTS.resolve("data-quality.png"));
      assertEquals(java.util.List.of(), b.pageLog().stream().filter(l -> l.toLowerCase().contains("error")).toList());
    }
  }

  /** Edit a campaign in the form (name, Tuesday's hours), a bad value shown under its field, pause from the list. */
  @Test
  @WithServer
  void campaignIsEditedAndPausedThroughThePage(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver");
    Files.createDirectories(SHOTS);
    Duration wait = Duration.ofSeconds(20);
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    long dealer = admin.send("POST", "/api/dealers", new JsonObject().put("code", "SH02").put("name", "上海浦东4S店")
        .encode()).json().getJsonObject("dealer").getLong("id");
    long id = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "2025年4月售后回访")
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).encode())
        .json().getJsonObject("campaign").getLong("id");
    String path = "/api/campaigns/" + id;
    String edit = ".camp-edit[data-id=\"" + id + "\"]";
    try (Browser b = Browser.launch()) {
      b.navigate(server.url("/"));
      b.type("#username", "admin");
      b.type("#password", TestServer.ADMIN_PASSWORD);
      b.click("#login-submit");
      b.waitFor("location.pathname === '/admin.html'", wait);
      b.navigate(server.url("/campaigns.html"));
      b.waitFor("!!document.querySelector('" + edit.replace("\"", "\\\"") + "')", wait);

      // load the campaign into the form
      b.click(edit);
      b.waitFor("document.getElementById('new-camp-h').textContent === '编辑活动'"
          + " && document.getElementById('c-name').value === '2025年4月售后回访'"
          + " && document.getElementById('c-h-tue').value === '09:00-20:00'"
          + " && !document.getElementById('c-cancel').hidden"
          + " && document.activeElement === document.getElementById('c-name')", wait);
      assertEquals("保存修改", b.text("#c-submit"));
      assertEquals("true", b.evaluateString("String(document.querySelector('#c-dealers input[value=\"" + dealer
          + "\"]').checked)"), "the campaign's dealer is ticked");
      b.type("#c-name", "2025年4月售后回访（复访）");
      b.type("#c-h-tue", "10:00-12:00, 14:00-18:00");
      assertEquals("false", b.evaluateString("String(document.getElementById('c-amd').checked)"), "AMD off");
      b.click("#c-amd");
      assertEquals("false", b.evaluateString("String(document.getElementById('c-ringcut').checked)"),
          "ring cut off");
      b.click("#c-ringcut");
      b.screenshot(SHOTS.resolve("campaign-edit-form.png"));
      b.click("#c-submit");
      b.waitFor("document.getElementById('camp-message').textContent.includes('已保存')"
          + " && document.getElementById('camp-body').textContent.includes('2025年4月售后回访（复访）')"
          + " && document.getElementById('new-camp-h').textContent === '新建活动'", wait);
      JsonObject saved = admin.get(path).json().getJsonObject("campaign");
      assertEquals("2025年4月售后回访（复访）", saved.getString("name"));
      assertEquals(new JsonArray().add("10:00-12:00").add("14:00-18:00"),
          saved.getJsonObject("callingHours").getJsonArray("tue"));
      assertEquals(new JsonArray().add("09:00-20:00"), saved.getJsonObject("callingHours").getJsonArray("mon"));
      assertEquals(new JsonArray().add(dealer), saved.getJsonArray("dealerIds"));
      assertTrue(saved.getBoolean("active"));
      assertTrue(saved.getBoolean("amd"), "answering-machine detection switched on through the page");
      assertTrue(saved.getBoolean("ringCut"), "ring cut switched on through the page");

      // a bad Tuesday: the server's message under the calling hours, nothing saved
      b.click(edit);
      b.waitFor("document.getElementById('c-h-tue').value === '10:00-12:00, 14:00-18:00'", wait);
      b.type("#c-h-tue", "25:00-26:00");
      b.click("#c-submit");
      b.waitFor("document.getElementById('c-hours-error').textContent.includes('25:00-26:00')"
          + " && document.getElementById('c-h-tue').getAttribute('aria-invalid') === 'true'", wait);
      assertEquals("编辑活动", b.text("#new-camp-h"), "the form stays in edit mode");
      assertEquals("c-h-tue", b.evaluateString("document.activeElement.id"), "focus goes to the bad day");
      assertEquals(null, b.evaluate("document.getElementById('c-h-mon').getAttribute('aria-invalid')"));
      b.screenshot(SHOTS.resolve("campaign-edit-error.png"));
      assertEquals(saved, admin.get(path).json().getJsonObject("campaign"), "a refused edit changes nothing");
      b.click("#c-cancel");
      b.waitFor("document.getElementById('new-camp-h').textContent === '新建活动'"
          + " && document.getElementById('c-cancel').hidden && document.getElementById('c-name').value === ''"
          + " && document.getElementById('c-hours-error').textContent === ''", wait);

      // "same for every day" fills all seven
      b.type("#c-hours-all", "08:30-12:00, 13:00-19:00");
      b.click("#c-hours-fill");
      assertEquals("7", b.evaluateString("String([...document.querySelectorAll('.day-grid input')]"
          + ".filter((i) => i.value === '08:30-12:00, 13:00-19:00').length)"));

      // pause from the list, then resume
      String toggle = ".camp-toggle[data-id=\"" + id + "\"]";
      b.click(toggle);
      // Pausing asks first, naming the campaign (ListsPagesIT checks that Cancel leaves it running).
      b.waitFor("document.getElementById('pause-confirm') !== null && document.getElementById('pause-confirm').open",
          wait);
      assertTrue(b.text("#pause-confirm .confirm-ok").contains("2025年4月售后回访（复访）"), b.text("#pause-confirm"));
      b.click("#pause-confirm .confirm-ok");
      b.waitFor("document.getElementById('camp-body').textContent.includes('已暂停')"
          + " && document.querySelector('" + toggle.replace("\"", "\\\"") + "').textContent === '恢复'", wait);
      assertEquals(false, admin.get(path).json().getJsonObject("campaign").getBoolean("active"));
      b.screenshot(SHOTS.resolve("campaign-edit-paused.png"));
      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.getElementById('camp-body').textContent.includes('Paused')", wait);
      b.click(edit);
      b.waitFor("document.getElementById('new-camp-h').textContent === 'Edit campaign'", wait);
      b.screenshot(SHOTS.resolve("campaign-edit-en.png"));
      b.click("#c-cancel");
      b.click(toggle);
      b.waitFor("document.querySelector('" + toggle.replace("\"", "\\\"") + "').textContent === 'Pause'", wait);
      assertEquals(true, admin.get(path).json().getJsonObject("campaign").getBoolean("active"));
      assertEquals(java.util.List.of(), b.pageLog().stream().filter(l -> l.toLowerCase().contains("error")).toList());
    }
  }
}
