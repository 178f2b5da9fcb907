package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Chromium;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The campaigns and data-quality pages in a real browser against the real server; screenshots for review. */
class CampaignPagesIT {
  private static final Path SHOTS = Path.of("target", "screenshots");

  @Test
  void campaignsAndDataQualityPagesShowServerData(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Chromium.binary().isPresent(), "no Chromium binary");
    Files.createDirectories(SHOTS);
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      Http admin = new Http(server);
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      long dealer = admin.send("POST", "/api/dealers", new JsonObject().put("code", "BJ01").put("name", "北京东方4S店")
          .encode()).json().getJsonObject("dealer").getLong("id");
      assertEquals(201, admin.send("POST", "/api/campaigns", new JsonObject().put("name", "2025年3月售后回访")
          .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).encode()).status());
      try (Chromium b = Chromium.launch()) {
        b.navigate(server.url("/"));
        b.type("#username", "admin");
        b.type("#password", TestServer.ADMIN_PASSWORD);
        b.click("#login-submit");
        b.waitFor("location.pathname === '/admin.html'", Duration.ofSeconds(15));
        b.navigate(server.url("/campaigns.html"));
        b.waitFor("document.querySelectorAll('#camp-body tr').length === 1"
            + " && document.getElementById('camp-body').textContent.includes('2025年3月售后回访')", Duration.ofSeconds(15));
        assertTrue(b.text("#camp-body").contains("出厂后 72 小时内"), b.text("#camp-body"));
        assertTrue(b.text("#imp-dealer").contains("BJ01"), "the import form offers the campaign's dealers");
        b.screenshot(SHOTS.resolve("campaigns-zh.png"));
        b.click(".lang-switch button[lang=en]");
        b.waitFor("document.getElementById('camp-body').textContent.includes('within 72 h of the workshop visit')",
            Duration.ofSeconds(15));
        b.screenshot(SHOTS.resolve("campaigns-en.png"));
        b.navigate(server.url("/data-quality.html"));
        b.waitFor("document.querySelectorAll('#dq-body tr').length === 1"
            + " && document.getElementById('dq-body').textContent.includes('BJ01')", Duration.ofSeconds(15));
        b.screenshot(SHOTS.resolve("data-quality.png"));
        assertEquals(java.util.List.of(), b.pageLog().stream().filter(l -> l.toLowerCase().contains("error")).toList());
      }
    }
  }
}
