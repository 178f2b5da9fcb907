package io.huifang.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the local headless Chromium (Selenium, Debian's chromedriver) against a tiny page served by Vert.x. */
class BrowserIT {

  private static final String PAGE = """
      <!doctype html>
      <html lang="zh-CN"><head><meta charset="utf-8"><title>驱动测试</title></head>
      <body style="font-family: sans-serif; padding: 2rem; background: #f4f6f9">
        <h1>回访 Huifang</h1>
        <label for="name">姓名</label> <input id="name" autocomplete="off">
        <button id="go" type="button">问候</button>
        <p id="out"></p>
        <script>
          document.getElementById('go').addEventListener('click', () => {
            const name = document.getElementById('name').value;
            setTimeout(() => {
              document.getElementById('out').textContent = '你好，' + name + '！';
            }, 100);
          });
        </script>
      </body></html>
      """;

  private static Vertx vertx;
  private static HttpServer server;
  private static int port;

  @BeforeAll
  static void serve() throws Exception {
    Assumptions.assumeTrue(Browser.available(),
        "no Chromium binary (set " + Browser.ENV_BINARY + " or install /usr/bin/chromium) or no chromedriver");
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .requestHandler(req -> {
          if (req.path().equals("/")) {
            req.response().putHeader("content-type", "text/html; charset=utf-8").end(PAGE);
          } else if (req.path().equals("/api/ping")) {
            req.response().putHeader("content-type", "application/json")
                .end(new JsonObject().put("pong", true).encode());
          } else {
            req.response().setStatusCode(404).end();
          }
        })
        .listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fillsClicksReadsAndScreenshots(@TempDir Path tmp) throws Exception {
    Path profile;
    try (Browser browser = Browser.launch()) {
      browser.navigate("http://127.0.0.1:" + port + "/");
      assertEquals("驱动测试", browser.evaluate("document.title"));

      browser.type("#name", "小王");
      browser.click("#go");
      browser.waitFor("document.getElementById('out').textContent.length > 0", Duration.ofSeconds(5));
      assertEquals("你好，小王！", browser.text("#out"));

      // evaluate awaits promises and returns JSON values.
      Object fetched = browser.evaluate("fetch('/api/ping').then(r => r.json())");
      assertEquals(new JsonObject().put("pong", true), fetched);
      assertEquals(42, ((Number) browser.evaluate("Promise.resolve(6 * 7)")).intValue());
      assertEquals(null, browser.evaluate("undefined"));

      Browser.PageException jsError =
          assertThrows(Browser.PageException.class, () -> browser.evaluate("nope.nothing"));
      assertTrue(jsError.getMessage().contains("nope"), jsError.getMessage());
      assertThrows(Browser.PageException.class, () -> browser.click("#missing"));
      assertThrows(AssertionError.class,
          () -> browser.waitFor("false", Duration.ofMillis(300)));

      // The page's console errors and uncaught exceptions are kept; its failed requests are not.
      browser.evaluate("console.error('坏了')");
      browser.evaluate("setTimeout(() => { throw new Error('boom'); }, 0)");
      browser.evaluate("fetch('/no-such-file')");
      browser.waitFor("new Promise((ok) => setTimeout(() => ok(true), 100))", Duration.ofSeconds(5));
      assertTrue(browser.pageLog().stream().anyMatch(l -> l.startsWith("console.error:") && l.contains("坏了")),
          browser.pageLog().toString());
      assertTrue(browser.pageLog().stream().anyMatch(l -> l.startsWith("exception:") && l.contains("boom")),
          browser.pageLog().toString());
      assertTrue(browser.pageLog().stream().noneMatch(l -> l.contains("no-such-file")), browser.pageLog().toString());

      Path png = browser.screenshot(tmp.resolve("shots/page.png"));
      byte[] bytes = Files.readAllBytes(png);
      assertTrue(bytes.length > 2_000, "screenshot too small: " + bytes.length + " bytes");
      byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
      assertArrayEquals(magic, Arrays.copyOf(bytes, 8), "not a PNG");

      profile = browser.userDataDir();
      assertTrue(Files.isDirectory(profile));
    }
    assertFalse(Files.exists(profile), "temp profile not deleted: " + profile);
  }
}
