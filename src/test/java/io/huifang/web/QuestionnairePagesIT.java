package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Browser;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The questionnaires page in a real browser: list, preview, a refused save naming the path, a good save; QA reads. */
class QuestionnairePagesIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  @WithServer
  void adminPreviewsEditsAndSavesQaOnlyReads(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver");
    Files.createDirectories(SHOTS);
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    Http.userWithRole(server, admin, "qa-page", "qa");
    try (Browser b = Browser.launch()) {
      b.navigate(server.url("/"));
      b.type("#username", "admin");
      b.type("#password", TestServer.ADMIN_PASSWORD);
      b.click("#login-submit");
      b.waitFor("location.pathname === '/admin.html'", WAIT);
      b.navigate(server.url("/questionnaires.html"));
      b.waitFor("!!document.querySelector('#qn-body tr[data-key=\"csi-default\"]')"
          + " && !!document.querySelector('#qn-body tr[data-key=\"ssi-default\"]')", WAIT);
      assertTrue(b.text("#app-nav").contains("问卷"), b.text("#app-nav"));

      b.click(".qn-open[data-key=\"csi-default\"]");
      b.waitFor("document.getElementById('qn-preview').textContent.includes('服务顾问是否主动解释维修项目')"
          + " && document.getElementById('qn-json').value.includes('\"csi-default\"')", WAIT);
      String preview = b.text("#qn-preview");
      assertTrue(preview.contains("服务启动 › 接待 › 维修项目说明"), "indicator path: " + preview);
      assertTrue(preview.contains("跳题规则"), "skip rule shown");
      assertTrue(preview.contains("必答"), "required shown");
      b.screenshot(SHOTS.resolve("questionnaire-preview.png"));

      // A typo in an item type: the server's path next to the editor, nothing saved.
      JsonObject def = Questionnaire.builtIn("csi-default").toJson();
      def.remove("version");
      def.getJsonArray("sections").getJsonObject(1).getJsonArray("items").getJsonObject(3).put("type", "scal10");
      b.type("#qn-json", def.encodePrettily());
      b.click("#qn-save");
      b.waitFor("document.getElementById('qn-error').textContent.includes('sections[1].items[3].type')", WAIT);
      assertTrue(b.text("#qn-error").contains("scal10"), b.text("#qn-error"));
      b.waitFor("document.querySelector('.q-bad') !== null", WAIT);
      assertEquals("s3", b.evaluateString("document.querySelector('.q-bad').dataset.item"),
          "the refused item is marked in the preview");
      assertEquals("true", b.evaluateString("document.getElementById('qn-json').getAttribute('aria-invalid')"));
      b.screenshot(SHOTS.resolve("questionnaire-error.png"));
      assertEquals(1, admin.get("/api/questionnaires/csi-default").json().getJsonObject("questionnaire")
          .getInteger("version"), "nothing saved");

      // Not JSON at all: said before anything is sent.
      b.type("#qn-json", "{\"key\": ");
      b.click("#qn-save");
      b.waitFor("document.getElementById('qn-error').textContent.includes('JSON')", WAIT);

      // Fixed: a new version, shown in the version list.
      def.getJsonArray("sections").getJsonObject(1).getJsonArray("items").getJsonObject(3).put("type", "scale10");
      def.put("title", new JsonObject().put("zh", "售后回访（修订版）").put("en", "After-sales (revised)"));
      b.type("#qn-json", def.encodePrettily());
      b.click("#qn-save");
      b.waitFor("document.getElementById('qn-version').value === '2'"
          + " && document.getElementById('qn-preview').textContent.includes('售后回访（修订版）')"
          + " && document.getElementById('qn-error').textContent === ''", WAIT);
      assertEquals(2, admin.get("/api/questionnaires/csi-default").json().getJsonObject("questionnaire")
          .getInteger("version"));
      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.getElementById('qn-preview').textContent.includes('After-sales (revised)')"
          + " && document.getElementById('qn-preview').textContent.includes('Skip rule')", WAIT);
      b.screenshot(SHOTS.resolve("questionnaire-en.png"));
      b.click(".lang-switch button[lang=zh-CN]");
      assertEquals(java.util.List.of(), b.pageLog().stream().filter(l -> l.toLowerCase().contains("error")
          && !l.contains("400")).toList());
    }

    try (Browser b = Browser.launch()) {
      b.navigate(server.url("/"));
      b.type("#username", "qa-page");
      b.type("#password", "qa-page-password-1");
      b.click("#login-submit");
      b.waitFor("location.pathname === '/qa.html'", WAIT);
      b.navigate(server.url("/questionnaires.html"));
      b.waitFor("!!document.querySelector('.qn-open[data-key=\"ssi-default\"]')", WAIT);
      b.click(".qn-open[data-key=\"ssi-default\"]");
      b.waitFor("document.getElementById('qn-preview').textContent.includes('试乘试驾安排')", WAIT);
      assertEquals("true", b.evaluateString("String(document.getElementById('qn-editor').hidden)"),
          "QA reads, only admins edit");
      assertEquals("true", b.evaluateString("String(document.getElementById('qn-new').hidden)"));
      b.screenshot(SHOTS.resolve("questionnaire-qa.png"));
    }
  }
}
