package io.huifang.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The static pages in {@code web/} against a fake of the API contract (not the real backend):
 * login, role landing pages, "no permission", WebSocket indicator, users table, health panel,
 * language switch. Screenshots go to {@code target/screenshots/}.
 */
class WebShellIT {

  private static final Path WEB = Path.of("web").toAbsolutePath().normalize();
  private static final String PASSWORD = "correct-horse-battery";
  private static final Map<String, JsonObject> USERS = Map.of(
      "zhang.wei", user(2, "zhang.wei", "张伟", "agent"),
      "admin", user(1, "admin", "王丽", "admin"));

  private static Vertx vertx;
  private static String base;

  private static JsonObject user(int id, String username, String name, String role) {
    return new JsonObject().put("id", id).put("username", username).put("displayName", name).put("role", role);
  }

  @BeforeAll
  static void serve() throws Exception {
    Assumptions.assumeTrue(Chromium.binary().isPresent(), "no Chromium binary");
    Assumptions.assumeTrue(Files.isRegularFile(WEB.resolve("index.html")), "no web/ folder at " + WEB);
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer()
        .requestHandler(WebShellIT::handle)
        .listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject sessionUser(String cookieHeader) {
    if (cookieHeader == null) {
      return null;
    }
    for (String part : cookieHeader.split(";\\s*")) {
      if (part.startsWith("sid=")) {
        return USERS.get(part.substring(4));
      }
    }
    return null;
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private static void handle(HttpServerRequest req) {
    JsonObject me = sessionUser(req.getHeader("cookie"));
    String path = req.path();
    switch (req.method().name() + " " + path) {
      case "POST /api/session" -> req.body().onSuccess(buf -> {
        JsonObject b = buf.toJsonObject();
        JsonObject u = USERS.get(b.getString("username"));
        if (u != null && PASSWORD.equals(b.getString("password"))) {
          req.response().putHeader("set-cookie", "sid=" + u.getString("username") + "; HttpOnly; SameSite=Strict; Path=/");
          json(req, 200, new JsonObject().put("user", u));
        } else {
          json(req, 401, new JsonObject().put("error", "invalid_credentials").put("message", "wrong"));
        }
      });
      case "DELETE /api/session" ->
          req.response().setStatusCode(204).putHeader("set-cookie", "sid=; Max-Age=0; Path=/").end();
      case "GET /api/me" -> {
        if (me == null) {
          json(req, 401, new JsonObject().put("error", "unauthenticated"));
        } else {
          json(req, 200, new JsonObject().put("user", me));
        }
      }
      case "GET /api/users" -> {
        JsonArray list = new JsonArray();
        USERS.values().forEach(u -> list.add(u.copy().put("active", true).put("createdAt", "2025-03-18T06:20:00Z")));
        json(req, 200, new JsonObject().put("users", list));
      }
      case "GET /ws" -> {
        if (me == null) {
          json(req, 401, new JsonObject().put("error", "unauthenticated"));
        } else {
          req.toWebSocket().onSuccess(ws -> webSocket(ws, me));
        }
      }
      case "GET /health" -> json(req, 200, new JsonObject().put("status", "DEGRADED")
          .put("db", new JsonObject().put("status", "UP").put("detail", "ok"))
          .put("pbx", new JsonObject().put("status", "DOWN").put("detail", "AMI connection refused"))
          .put("version", "test"));
      default -> {
        Path file = WEB.resolve(path.equals("/") ? "index.html" : path.substring(1)).normalize();
        if (req.method().name().equals("GET") && file.startsWith(WEB) && Files.isRegularFile(file)) {
          req.response().putHeader("cache-control", "no-cache").sendFile(file.toString());
        } else {
          req.response().setStatusCode(404).end();
        }
      }
    }
  }

  private static void webSocket(ServerWebSocket ws, JsonObject me) {
    ws.writeTextMessage(new JsonObject().put("type", "hello").put("user", me).encode());
    ws.textMessageHandler(text -> {
      if ("ping".equals(new JsonObject(text).getString("type"))) {
        ws.writeTextMessage(new JsonObject().put("type", "pong").encode());
      }
    });
  }

  private static void login(Chromium b, String username, String password) {
    b.type("#username", username);
    b.type("#password", password);
    b.click("#login-submit");
  }

  private static void waitBooted(Chromium b, String path) {
    b.waitFor("location.pathname === '" + path + "' && document.body && !document.body.classList.contains('booting')",
        Duration.ofSeconds(10));
  }

  @Test
  void loginRolesPermissionsAndLanguages() {
    Path shots = Path.of("target", "screenshots");
    try (Chromium b = Chromium.launch()) {
      // Login page, default language Chinese.
      b.navigate(base + "/index.html");
      b.evaluate("localStorage.clear()");
      b.navigate(base + "/index.html");
      assertEquals("zh-CN", b.evaluate("document.documentElement.lang"));
      assertEquals("登录", b.text("#login-h"));

      login(b, "zhang.wei", "wrong-password");
      b.waitFor("document.getElementById('login-message').textContent !== ''", Duration.ofSeconds(5));
      assertEquals("用户名或密码不正确。", b.text("#login-message"));

      // Language switch re-translates in place and is remembered.
      b.click(".lang-switch button[lang=en]");
      assertEquals("en", b.evaluate("document.documentElement.lang"));
      assertEquals("Sign in", b.text("#login-h"));
      assertEquals("Wrong username or password.", b.text("#login-message"));
      assertEquals("en", b.evaluate("localStorage.getItem('hf.lang')"));
      b.click(".lang-switch button[lang='zh-CN']");

      // Not signed in: a protected page sends us to the login page.
      b.navigate(base + "/admin.html");
      b.waitFor("location.pathname === '/'", Duration.ofSeconds(5));

      // Agent lands on the agent desk; the WebSocket says hello.
      login(b, "zhang.wei", PASSWORD);
      waitBooted(b, "/agent.html");
      b.waitFor("document.getElementById('ws-indicator').dataset.state === 'connected'", Duration.ofSeconds(10));
      assertEquals("已连接", b.text("#ws-indicator .conn-text"));
      assertEquals("等待来电", b.text("#waiting h3"));
      assertEquals("未就绪", b.text("#agent-state"));
      assertEquals(1L, ((Number) b.evaluate("document.querySelectorAll('#app-nav a').length")).longValue());
      b.screenshot(shots.resolve("agent.png"));

      // Signed in: the login page forwards to the landing page.
      b.navigate(base + "/index.html");
      waitBooted(b, "/agent.html");

      // Agent may not open the admin page.
      b.navigate(base + "/admin.html");
      waitBooted(b, "/admin.html");
      assertEquals("没有访问权限", b.text("#denied-h"));
      assertEquals("/agent.html", b.evaluate("new URL(document.querySelector('.denied a').href).pathname"));

      b.click("#logout");
      b.waitFor("location.pathname === '/' && document.getElementById('login-message').textContent !== ''",
          Duration.ofSeconds(5));

      // Admin: users table, health panel, every page in the nav.
      login(b, "admin", PASSWORD);
      waitBooted(b, "/admin.html");
      b.waitFor("document.querySelectorAll('#users-body tr[data-username]').length === 2", Duration.ofSeconds(5));
      b.waitFor("document.getElementById('health-overall').dataset.status === 'DEGRADED'", Duration.ofSeconds(10));
      assertEquals("降级", b.text("#health-overall"));
      // Six pages: agent, QA, supervisor, administration, campaigns & lists, data quality.
      assertEquals(6L, ((Number) b.evaluate("document.querySelectorAll('#app-nav a').length")).longValue());

      // Client-side check of the password length.
      b.type("#new-username", "li.na");
      b.type("#new-displayName", "李娜");
      b.type("#new-password", "short");
      b.click("#create-submit");
      assertTrue(b.text("#new-password-error").contains("10"), b.text("#new-password-error"));
      b.screenshot(shots.resolve("admin.png"));

      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
  }
}
