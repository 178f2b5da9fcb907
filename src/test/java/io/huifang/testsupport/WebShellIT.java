package io.huifang.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
      "admin", user(1, "admin", "王丽", "admin"),
      // Signs in with a one-time password: the shell must make her change it first.
      "li.na", user(3, "li.na", "李娜", "agent").put("mustChangePassword", true));
  /** Current password per username (all start with PASSWORD). */
  private static final Map<String, String> PASSWORDS = new ConcurrentHashMap<>();
  /** Bodies of PATCH /api/users/{id}, with the id added as "_id". */
  private static final List<JsonObject> PATCHES = new CopyOnWriteArrayList<>();
  /** Agent line state per username (the fake of /api/agent/line). */
  private static final Map<String, String> LINES = new ConcurrentHashMap<>();

  private static Vertx vertx;
  private static String base;

  private static JsonObject user(int id, String username, String name, String role) {
    return new JsonObject().put("id", id).put("username", username).put("displayName", name).put("role", role)
        .put("active", true).put("mustChangePassword", false).put("createdAt", "2025-03-18T06:20:00Z");
  }

  private static String passwordOf(String username) {
    return PASSWORDS.getOrDefault(username, PASSWORD);
  }

  @BeforeAll
  static void serve() throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver");
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
    if (req.method().name().equals("PATCH") && path.startsWith("/api/users/")) {
      patchUser(req, me, Integer.parseInt(path.substring("/api/users/".length())));
      return;
    }
    if (path.startsWith("/api/agent/") && me == null) {
      json(req, 401, new JsonObject().put("error", "unauthenticated"));
      return;
    }
    switch (req.method().name() + " " + path) {
      case "POST /api/session" -> req.body().onSuccess(buf -> {
        JsonObject b = buf.toJsonObject();
        JsonObject u = USERS.get(b.getString("username"));
        if (u != null && passwordOf(u.getString("username")).equals(b.getString("password"))) {
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
        USERS.values().forEach(u -> list.add(u.copy()));
        json(req, 200, new JsonObject().put("users", list));
      }
      case "PUT /api/me/password" -> req.body().onSuccess(buf -> {
        if (me == null) {
          json(req, 401, new JsonObject().put("error", "unauthenticated"));
          return;
        }
        JsonObject b = buf.toJsonObject();
        String next = b.getString("newPassword");
        if (!passwordOf(me.getString("username")).equals(b.getString("currentPassword"))) {
          json(req, 400, invalid("currentPassword", "current password is wrong"));
        } else if (next == null || next.length() < 10) {
          json(req, 400, invalid("newPassword", "new password must be at least 10 characters"));
        } else {
          PASSWORDS.put(me.getString("username"), next);
          me.put("mustChangePassword", false);
          req.response().setStatusCode(204).end();
        }
      });
      case "GET /ws" -> {
        if (me == null) {
          json(req, 401, new JsonObject().put("error", "unauthenticated"));
        } else {
          req.toWebSocket().onSuccess(ws -> webSocket(ws, me));
        }
      }
      case "GET /api/agent/line" -> json(req, 200, lineOf(me));
      case "POST /api/agent/line" -> {
        LINES.put(me.getString("username"), "paused");
        json(req, 200, lineOf(me));
      }
      case "DELETE /api/agent/line" -> {
        LINES.remove(me.getString("username"));
        req.response().setStatusCode(204).end();
      }
      case "GET /api/agent/desk" -> json(req, 200, new JsonObject().put("agent", lineOf(me)).putNull("call"));
      case "PUT /api/agent/state", "PUT /api/agent/ready" -> req.body().onSuccess(buf -> {
        if (!LINES.containsKey(me.getString("username"))) {
          json(req, 409, new JsonObject().put("error", "no_line").put("message", "open your phone line first"));
        } else {
          LINES.put(me.getString("username"), buf.toJsonObject().getBoolean("ready") ? "ready" : "paused");
          json(req, 200, lineOf(me));
        }
      });
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

  /** The fake agent line: state per username, none when not open. */
  private static JsonObject lineOf(JsonObject me) {
    String state = LINES.get(me.getString("username"));
    return state == null ? new JsonObject().put("state", "none")
        : new JsonObject().put("state", state).put("channel", "PJSIP/agent-" + me.getInteger("id") + "-0001")
            .putNull("attemptId");
  }

  private static JsonObject invalid(String field, String message) {
    return new JsonObject().put("error", "invalid").put("field", field).put("message", message);
  }

  private static void patchUser(HttpServerRequest req, JsonObject me, int id) {
    req.body().onSuccess(buf -> {
      if (me == null || !"admin".equals(me.getString("role"))) {
        json(req, me == null ? 401 : 403, new JsonObject().put("error", "forbidden"));
        return;
      }
      JsonObject b = buf.toJsonObject();
      PATCHES.add(b.copy().put("_id", id));
      JsonObject u = USERS.values().stream().filter(x -> x.getInteger("id") == id).findFirst().orElse(null);
      if (u == null) {
        json(req, 404, new JsonObject().put("error", "not_found"));
      } else if (b.containsKey("password") && b.getString("password", "").length() < 10) {
        json(req, 400, invalid("password", "password must be at least 10 characters"));
      } else {
        if (b.containsKey("password")) {
          PASSWORDS.put(u.getString("username"), b.getString("password"));
          u.put("mustChangePassword", true);
        }
        json(req, 200, new JsonObject().put("user", u.copy()));
      }
    });
  }

  private static void webSocket(ServerWebSocket ws, JsonObject me) {
    ws.writeTextMessage(new JsonObject().put("type", "hello").put("user", me).encode());
    ws.textMessageHandler(text -> {
      if ("ping".equals(new JsonObject(text).getString("type"))) {
        ws.writeTextMessage(new JsonObject().put("type", "pong").encode());
      }
    });
  }

  private static void login(Browser b, String username, String password) {
    // After a redirect to the login page, login.js may not have run yet: a click would submit the form natively.
    // It adds the language switch and the submit handler in one synchronous evaluation.
    b.waitFor("document.querySelector('#lang-slot .lang-switch') !== null",
        Duration.ofSeconds(15));
    b.type("#username", username);
    b.type("#password", password);
    b.click("#login-submit");
  }

  private static void waitBooted(Browser b, String path) {
    b.waitFor("location.pathname === '" + path + "' && document.body && !document.body.classList.contains('booting')",
        Duration.ofSeconds(20));
  }

  @Test
  void loginRolesPermissionsAndLanguages() {
    Path shots = Path.of("target", "screenshots");
    try (Browser b = Browser.launch()) {
      // Login page, default language Chinese.
      b.navigate(base + "/index.html");
      b.evaluate("localStorage.clear()");
      b.navigate(base + "/index.html");
      assertEquals("zh-CN", b.evaluate("document.documentElement.lang"));
      assertEquals("登录", b.text("#login-h"));

      login(b, "zhang.wei", "wrong-password");
      b.waitFor("document.getElementById('login-message').textContent !== ''", Duration.ofSeconds(15));
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
      b.waitFor("location.pathname === '/'", Duration.ofSeconds(15));

      // Agent lands on the agent desk; the WebSocket says hello.
      login(b, "zhang.wei", PASSWORD);
      waitBooted(b, "/agent.html");
      b.waitFor("document.getElementById('ws-indicator').dataset.state === 'connected'", Duration.ofSeconds(20));
      assertEquals("已连接", b.text("#ws-indicator .conn-text"));
      assertEquals("等待来电", b.text("#waiting h2"));
      // The line opens by itself at sign-in; closed on purpose, it stays closed for this sign-in.
      b.waitFor("document.getElementById('agent-state').dataset.state === 'paused'", Duration.ofSeconds(20));
      assertEquals("暂停", b.text("#agent-state"));
      b.waitFor("document.getElementById('line-close').disabled === false", Duration.ofSeconds(20));
      b.click("#line-close");
      b.waitFor("document.getElementById('agent-state').dataset.state === 'none'", Duration.ofSeconds(20));
      assertEquals("未登录线路", b.text("#agent-state"));
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('line-ready').disabled"));
      b.navigate(base + "/agent.html");
      waitBooted(b, "/agent.html");
      b.waitFor("document.getElementById('line-open').disabled === false", Duration.ofSeconds(20));
      assertEquals("none", b.evaluate("document.getElementById('agent-state').dataset.state"));
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
          Duration.ofSeconds(15));

      // Admin: users table, health panel, every page in the nav.
      login(b, "admin", PASSWORD);
      waitBooted(b, "/admin.html");
      b.waitFor("document.querySelectorAll('#users-body tr[data-username]').length === 3", Duration.ofSeconds(15));
      b.waitFor("document.getElementById('health-overall').dataset.status === 'DEGRADED'", Duration.ofSeconds(20));
      assertEquals("降级", b.text("#health-overall"));
      // Twelve pages: agent, QA, supervisor, administration, campaigns & lists, data quality, questionnaires, dealer
      // scores, imports, cases (not the dealer portal: a dealer user's own), lists & filings, audit log.
      assertEquals(12L, ((Number) b.evaluate("document.querySelectorAll('#app-nav a').length")).longValue());

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

  private static void pressEscape(Browser b) {
    for (String type : List.of("rawKeyDown", "keyUp")) {
      b.cdp("Input.dispatchKeyEvent", new JsonObject().put("type", type).put("key", "Escape").put("code", "Escape")
          .put("windowsVirtualKeyCode", 27).put("nativeVirtualKeyCode", 27));
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final String DIALOG_OPEN =
      "(() => { const d = document.getElementById('password-dialog'); return !!d && d.open; })()";

  @Test
  void changePasswordForcedAndAdminReset() {
    Path shots = Path.of("target", "screenshots");
    try (Browser b = Browser.launch()) {
      b.navigate(base + "/index.html");
      b.evaluate("localStorage.clear()");
      b.navigate(base + "/index.html");

      // One-time password: the dialog opens by itself, explains why, and has no way out but a new password.
      login(b, "li.na", PASSWORD);
      waitBooted(b, "/agent.html");
      b.waitFor(DIALOG_OPEN, Duration.ofSeconds(15));
      assertEquals("您正在使用一次性密码，请先设置新密码。", b.text("#password-forced"));
      assertEquals(Boolean.FALSE, b.evaluate("document.getElementById('password-forced').hidden"));
      assertEquals(Boolean.TRUE, b.evaluate("document.querySelector('#password-dialog .modal-x').hidden"));
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('pw-cancel').hidden"));
      assertEquals(Boolean.FALSE, b.evaluate("document.getElementById('pw-logout').hidden"));
      assertEquals("pw-current", b.evaluate("document.activeElement.id"), "initial focus on the first field");
      assertEquals("当前密码", b.evaluate("document.querySelector('label[for=pw-current]').textContent"));

      // Escape (twice: Chrome lets the second one close a modal dialog regardless) does not dismiss it.
      pressEscape(b);
      pause(200);
      pressEscape(b);
      pause(300);
      assertEquals(Boolean.TRUE, b.evaluate(DIALOG_OPEN), "the forced dialog survives Escape");

      // Client-side checks.
      b.click("#pw-submit");
      assertEquals("请输入当前密码。", b.text("#pw-current-error"));
      b.type("#pw-current", "wrong-password-1");
      b.type("#pw-new", "short");
      b.click("#pw-submit");
      assertTrue(b.text("#pw-new-error").contains("10"), b.text("#pw-new-error"));
      assertEquals("pw-new", b.evaluate("document.activeElement.id"));
      b.type("#pw-new", "li.na-own-password");
      b.type("#pw-confirm", "li.na-own-passwort");
      b.click("#pw-submit");
      assertEquals("两次输入的新密码不一致。", b.text("#pw-confirm-error"));

      // Wrong current password: the server's 400 lands under that field.
      b.type("#pw-confirm", "li.na-own-password");
      b.click("#pw-submit");
      b.waitFor("document.getElementById('pw-current-error').textContent !== ''", Duration.ofSeconds(15));
      assertEquals("当前密码不正确。", b.text("#pw-current-error"));
      assertEquals("true", b.evaluate("document.getElementById('pw-current').getAttribute('aria-invalid')"));
      assertEquals(Boolean.TRUE, b.evaluate(DIALOG_OPEN));
      b.screenshot(shots.resolve("password-forced-zh.png"));

      // The language switch re-translates the open dialog, error included.
      b.evaluate("import('/assets/i18n.js').then((m) => m.setLang('en'))");
      assertEquals("You signed in with a one-time password; set your own password to continue.",
          b.text("#password-forced"));
      assertEquals("The current password is wrong.", b.text("#pw-current-error"));
      assertEquals("Change password", b.text("#password-dialog-title"));
      b.screenshot(shots.resolve("password-forced-en.png"));
      b.evaluate("import('/assets/i18n.js').then((m) => m.setLang('zh-CN'))");

      // The right current password: dialog closes, toast, the desk is usable.
      b.type("#pw-current", PASSWORD);
      b.click("#pw-submit");
      b.waitFor("document.getElementById('password-dialog') === null", Duration.ofSeconds(15));
      b.waitFor("[...document.querySelectorAll('.toast')].some((x) => x.textContent === '密码已修改。')",
          Duration.ofSeconds(15));
      assertEquals("li.na-own-password", PASSWORDS.get("li.na"));
      assertFalse(USERS.get("li.na").getBoolean("mustChangePassword"));
      b.waitFor("document.getElementById('ws-indicator').dataset.state === 'connected'", Duration.ofSeconds(20));

      // Next page load: no forced dialog any more.
      b.navigate(base + "/agent.html");
      waitBooted(b, "/agent.html");
      pause(300);
      assertNull(b.evaluate("document.getElementById('password-dialog')"));

      // Opened from the header it is optional: Cancel/close are there, Escape closes it, focus goes back.
      b.evaluate("document.getElementById('change-password').focus()");
      b.click("#change-password");
      b.waitFor(DIALOG_OPEN, Duration.ofSeconds(15));
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('password-forced').hidden"));
      assertEquals(Boolean.FALSE, b.evaluate("document.getElementById('pw-cancel').hidden"));
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('pw-logout').hidden"));
      b.screenshot(shots.resolve("password-optional-zh.png"));
      pressEscape(b);
      b.waitFor("document.getElementById('password-dialog') === null", Duration.ofSeconds(15));
      assertEquals("change-password", b.evaluate("document.activeElement.id"));

      b.click("#logout");
      b.waitFor("location.pathname === '/' && document.getElementById('login-message').textContent !== ''",
          Duration.ofSeconds(15));

      // Admin resets li.na's password: not offered for the admin's own row.
      login(b, "admin", PASSWORD);
      waitBooted(b, "/admin.html");
      b.waitFor("document.querySelectorAll('#users-body tr[data-username]').length === 3", Duration.ofSeconds(15));
      assertNull(b.evaluate("document.querySelector('tr[data-username=admin] .reset-password')"));
      assertEquals("修改密码", b.text("tr[data-username=admin] .own-password"));
      assertNull(b.evaluate("document.querySelector('tr[data-username=\"li.na\"] .must-change')"));
      b.click("tr[data-username=\"li.na\"] .reset-password");
      b.waitFor("(() => { const d = document.getElementById('reset-dialog'); return !!d && d.open; })()",
          Duration.ofSeconds(15));
      assertEquals("重置 李娜 的密码", b.text("#reset-dialog-title"));
      assertEquals("reset-password", b.evaluate("document.activeElement.id"));
      b.type("#reset-password", "temp");
      b.click("#reset-submit");
      assertTrue(b.text("#reset-password-error").contains("10"), b.text("#reset-password-error"));
      assertTrue(PATCHES.isEmpty(), "no request for a short password");
      b.type("#reset-password", "temp-password-42");
      b.screenshot(shots.resolve("password-reset-zh.png"));
      b.click("#reset-submit");
      b.waitFor("document.getElementById('reset-dialog') === null", Duration.ofSeconds(15));
      assertEquals(1, PATCHES.size());
      assertEquals(new JsonObject().put("password", "temp-password-42").put("_id", 3), PATCHES.get(0));
      b.waitFor("document.querySelector('tr[data-username=\"li.na\"] .must-change') !== null", Duration.ofSeconds(15));
      assertEquals("待改密码", b.text("tr[data-username=\"li.na\"] .must-change"));
      assertTrue(b.text("#users-message").contains("下次登录时必须修改密码"), b.text("#users-message"));
      assertEquals(Boolean.TRUE, b.evaluate("document.activeElement.matches('tr[data-username=\"li.na\"] .reset-password')"),
          "focus back on the row's button");
      b.evaluate("import('/assets/i18n.js').then((m) => m.setLang('en'))");
      b.click("tr[data-username=\"li.na\"] .reset-password");
      b.waitFor("(() => { const d = document.getElementById('reset-dialog'); return !!d && d.open; })()",
          Duration.ofSeconds(15));
      b.screenshot(shots.resolve("password-reset-en.png"));
      pressEscape(b);
      b.waitFor("document.getElementById('reset-dialog') === null", Duration.ofSeconds(15));
      b.screenshot(shots.resolve("admin-after-reset-en.png"));

      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
  }
}
