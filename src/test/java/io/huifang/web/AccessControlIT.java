package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every API route is guarded. The routes are enumerated from the live router, so a route added later is
 * checked without anyone remembering to add it here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer
class AccessControlIT {
  @Injected
  TestServer server;
  Http admin;

  /** A route as the router holds it. */
  record ApiRoute(HttpMethod method, String path, Object roles) {
    String concretePath() {
      return path.replaceAll(":[A-Za-z]+", "1");
    }
  }

  @BeforeAll
  void signInAsAdmin() {
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
  }

  List<ApiRoute> apiRoutes() {
    List<ApiRoute> out = new ArrayList<>();
    for (Route r : server.server().web().router().getRoutes()) {
      String path = r.getPath();
      if (path == null || !(path.startsWith(Api.PREFIX + "/") || path.equals(PushHub.PATH))) {
        continue;
      }
      Set<HttpMethod> methods = r.methods() == null || r.methods().isEmpty() ? Set.of(HttpMethod.GET) : r.methods();
      Object roles = r.getMetadata(Api.ROLES);
      for (HttpMethod m : methods) {
        out.add(new ApiRoute(m, path, roles));
      }
    }
    return out;
  }

  @Test
  void everyApiRouteDeclaresItsRoles() {
    List<ApiRoute> routes = apiRoutes();
    assertTrue(routes.size() >= 7, "expected the API routes, got " + routes);
    for (ApiRoute r : routes) {
      assertNotNull(r.roles(), "route without role metadata (added without Api?): " + r);
    }
    // Only signing in is public.
    assertEquals(List.of("POST /api/session"), routes.stream().filter(r -> Api.PUBLIC.equals(r.roles()))
        .map(r -> r.method() + " " + r.path()).toList());
  }

  @Test
  void signedOutGets401OnEveryGuardedRoute() {
    Http anon = new Http(server);
    for (ApiRoute r : apiRoutes()) {
      if (Api.PUBLIC.equals(r.roles())) {
        continue;
      }
      Http.Response resp = anon.send(r.method().name(), r.concretePath().replace("/*", "/anything"),
          r.method() == HttpMethod.GET || r.method() == HttpMethod.DELETE ? null : "{}");
      assertEquals(401, resp.status(), r + " answered " + resp.status() + " " + resp.body());
      assertEquals("unauthenticated", resp.json().getString("error"));
    }
  }

  @Test
  void agentGets403OnEveryRouteNotMeantForAgents() {
    Http agent = Http.userWithRole(server, admin, "agent403", "agent");
    int checked = 0;
    for (ApiRoute r : apiRoutes()) {
      if (!(r.roles() instanceof Set<?> roles) || roles.contains("agent")) {
        continue;
      }
      Http.Response resp = agent.send(r.method().name(), r.concretePath(),
          r.method() == HttpMethod.GET || r.method() == HttpMethod.DELETE ? null : "{}");
      assertEquals(403, resp.status(), r + " answered " + resp.status() + " " + resp.body());
      checked++;
    }
    assertTrue(checked >= 4, "admin and supervisor routes were checked: " + checked);
    // The supervisor's audit view, named explicitly: a supervisor may, an agent may not.
    assertEquals(403, agent.get("/api/audit").status());
    Http supervisor = Http.userWithRole(server, admin, "sup1", "supervisor");
    Http.Response audit = supervisor.get("/api/audit?action=login");
    assertEquals(200, audit.status(), audit.body());
    assertTrue(audit.json().getJsonArray("entries").size() >= 1);
    assertEquals(403, supervisor.get("/api/users").status(), "supervisors do not administer users");
  }

  @Test
  void wrongPasswordGets401AndNoSession() {
    Http h = new Http(server);
    Http.Response r = h.login("admin", "not-the-password");
    assertEquals(401, r.status());
    assertEquals("invalid_credentials", r.json().getString("error"));
    assertTrue(r.headers().allValues("set-cookie").isEmpty(), "no cookie on a failed sign-in");
    assertTrue(h.cookies().getCookieStore().getCookies().isEmpty());
    assertEquals(401, h.get("/api/me").status());
    // Unknown users get the same answer, so usernames cannot be probed.
    Http.Response unknown = h.login("nobody-here", "whatever-password");
    assertEquals(401, unknown.status());
    assertEquals(r.json().getString("message"), unknown.json().getString("message"));
  }

  @Test
  void sessionCookieIsHttpOnlyAndStrictAndLogoutEndsIt() {
    Http h = Http.userWithRole(server, admin, "cookiecheck", "qa");
    Http fresh = new Http(server);
    Http.Response r = fresh.login("cookiecheck", "cookiecheck-password-1");
    String cookie = r.headers().firstValue("set-cookie").orElseThrow();
    assertTrue(cookie.startsWith(Api.SESSION_COOKIE + "="), cookie);
    assertTrue(cookie.toLowerCase().contains("httponly"), cookie);
    assertTrue(cookie.contains("SameSite=Strict"), cookie);
    assertEquals(200, fresh.get("/api/me").status());
    assertEquals(204, fresh.send("DELETE", "/api/session", null).status());
    assertEquals(401, fresh.get("/api/me").status());
    assertEquals(200, h.get("/api/me").status(), "other sessions of the user are untouched");
  }

  @Test
  void repeatedWrongPasswordsAreThrottled() {
    Http h = new Http(server);
    Http.userWithRole(server, admin, "throttled", "agent");
    for (int i = 0; i < 5; i++) {
      assertEquals(401, h.login("throttled", "wrong-" + i).status());
    }
    Http.Response r = h.login("throttled", "throttled-password-1");
    assertEquals(429, r.status(), "even the right password waits once the limit is hit");
    assertTrue(r.json().getLong("retryAfterSeconds") > 0);
    assertEquals(r.json().getLong("retryAfterSeconds"), Long.parseLong(r.headers().firstValue("Retry-After")
        .orElseThrow()));
  }

  @Test
  void parallelGuessesAreCountedBeforeTheirPasswordsAreChecked() throws Exception {
    Http.userWithRole(server, admin, "parallel", "agent");
    Http h = new Http(server);
    List<CompletableFuture<java.net.http.HttpResponse<String>>> guesses = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      guesses.add(h.client().sendAsync(java.net.http.HttpRequest.newBuilder(URI.create(h.url("/api/session")))
          .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("Origin", h.origin())
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "parallel")
              .put("password", "guess-" + i).encode())).build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
    }
    int checked = 0;
    int refused = 0;
    for (var g : guesses) {
      int status = g.get(60, TimeUnit.SECONDS).statusCode();
      checked += status == 401 ? 1 : 0;
      refused += status == 429 ? 1 : 0;
    }
    assertEquals(5, checked, "only the free attempts had their password checked");
    assertEquals(55, refused);
  }

  @Test
  void sprayingUsernamesFromOneAddressIsSlowedDownButOtherAddressesAreNot() throws Exception {
    // From 127.0.0.2, so that the other tests' sign-ins from 127.0.0.1 are not held back.
    int refused = 0;
    for (int i = 0; i < 35; i++) {
      int status = rawLoginFrom("127.0.0.2", "sprayed" + i, "summer-2026!");
      assertTrue(status == 401 || status == 429, "answered " + status);
      refused += status == 429 ? 1 : 0;
    }
    // 30 free attempts per address, then waits (the exact count is LoginThrottleTest's; here the free attempts
    // also trickle back while the slow hash checks run, one every 30 s).
    assertTrue(refused >= 3, "the spray past the free attempts waits: " + refused + " of 35 refused");
    // The same username from another address: not held back by the spray.
    assertEquals(401, rawLoginFrom("127.0.0.3", "sprayed1", "summer-2026!"));
    assertEquals(200, rawLoginFrom("127.0.0.3", "admin", TestServer.ADMIN_PASSWORD));
  }

  /** POST /api/session over a socket bound to {@code local}, as a client at that address; the status. */
  int rawLoginFrom(String local, String username, String password) throws Exception {
    URI base = URI.create(server.url("/"));
    byte[] body = new JsonObject().put("username", username).put("password", password).encode()
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (java.net.Socket s = new java.net.Socket()) {
      s.bind(new java.net.InetSocketAddress(local, 0));
      s.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("POST /api/session HTTP/1.1\r\nHost: " + base.getRawAuthority()
          + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + body.length
          + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().write(body);
      String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  @Test
  void changingOnesPasswordSignsOutTheOtherSessionsButNotThisOne() throws Exception {
    Http laptop = Http.userWithRole(server, admin, "twodevices", "qa");
    Http phone = new Http(server);
    assertEquals(200, phone.login("twodevices", "twodevices-password-1").status());
    URI ws = URI.create(server.url(PushHub.PATH).replace("http://", "ws://"));
    CompletableFuture<Integer> phoneClosed = new CompletableFuture<>();
    CompletableFuture<Integer> laptopClosed = new CompletableFuture<>();
    WebSocket phoneSocket = phone.client().newWebSocketBuilder().buildAsync(ws, closes(phoneClosed))
        .get(10, TimeUnit.SECONDS);
    WebSocket laptopSocket = laptop.client().newWebSocketBuilder().buildAsync(ws, closes(laptopClosed))
        .get(10, TimeUnit.SECONDS);

    assertEquals(204, laptop.send("PUT", "/api/me/password", new JsonObject()
        .put("currentPassword", "twodevices-password-1").put("newPassword", "a-new-password-2").encode()).status());
    assertEquals(200, laptop.get("/api/me").status(), "the session that changed it stays signed in");
    assertEquals(401, phone.get("/api/me").status(), "the other session is signed out");
    assertEquals(PushHub.SIGNED_OUT, phoneClosed.get(10, TimeUnit.SECONDS), "and its page stops receiving pushes");
    assertFalse(laptopClosed.isDone(), "this page's socket stays open");
    assertFalse(laptopSocket.isOutputClosed());
    assertEquals(200, new Http(server).login("twodevices", "a-new-password-2").status());
    laptopSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    phoneSocket.abort();
  }

  static WebSocket.Listener closes(CompletableFuture<Integer> closed) {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
      }
    };
  }

  @Test
  void adminCreatesUsersWithValidation() {
    Http.Response bad = admin.send("POST", "/api/users", new JsonObject().put("username", "x y")
        .put("displayName", "X").put("role", "agent").put("password", "long-enough-pw").encode());
    assertEquals(400, bad.status());
    assertEquals("username", bad.json().getString("field"));
    Http.Response shortPw = admin.send("POST", "/api/users", new JsonObject().put("username", "shortpw")
        .put("displayName", "X").put("role", "agent").put("password", "short").encode());
    assertEquals("password", shortPw.json().getString("field"));
    assertTrue(shortPw.json().getString("message").contains("at least 10"), shortPw.body());
    Http.Response badRole = admin.send("POST", "/api/users", new JsonObject().put("username", "badrole")
        .put("displayName", "X").put("role", "boss").put("password", "long-enough-pw").encode());
    assertEquals("role", badRole.json().getString("field"));
    Http.Response ok = admin.send("POST", "/api/users", new JsonObject().put("username", "Wang.Wu")
        .put("displayName", "王五").put("role", "supervisor").put("password", "long-enough-pw").encode());
    assertEquals(201, ok.status(), ok.body());
    Http.Response dup = admin.send("POST", "/api/users", new JsonObject().put("username", "wang.wu")
        .put("displayName", "X").put("role", "agent").put("password", "long-enough-pw").encode());
    assertEquals(409, dup.status(), "usernames are unique regardless of case");
    long id = ok.json().getJsonObject("user").getLong("id");

    assertTrue(ok.json().getJsonObject("user").getBoolean("mustChangePassword"), "the admin chose this password");
    Http wang = new Http(server);
    Http.Response first = wang.login("wang.wu", "long-enough-pw");
    assertEquals(200, first.status());
    assertTrue(first.json().getJsonObject("user").getBoolean("mustChangePassword"));
    Http.Response blocked = wang.get("/api/audit");
    assertEquals(403, blocked.status(), "a supervisor's page, but not before the user's own password is set");
    assertEquals("password_change_required", blocked.json().getString("error"));
    assertEquals(Boolean.TRUE, server.server().database().pool()
        .query("select must_change_password from app_user where lower(username) = 'wang.wu'").execute().await()
        .iterator().next().getValue(0));
    Http.Response off = admin.send("PATCH", "/api/users/" + id, new JsonObject().put("active", false).encode());
    assertEquals(200, off.status(), off.body());
    assertFalse(off.json().getJsonObject("user").getBoolean("active"));
    assertEquals(401, wang.get("/api/me").status(), "deactivating a user ends their sessions");
    assertEquals(401, new Http(server).login("wang.wu", "long-enough-pw").status());
    assertFalse(admin.get("/api/users").body().contains("argon2"), "hashes never leave the server");
  }

  @Test
  void aResetPasswordOpensNothingButItsOwnReplacement() {
    Http user = Http.userWithRole(server, admin, "resetme", "supervisor");
    long id = user.get("/api/me").json().getJsonObject("user").getLong("id");
    assertEquals(200, admin.send("PATCH", "/api/users/" + id,
        new JsonObject().put("password", "temporary-pw-1").encode()).status());
    assertEquals(401, user.get("/api/me").status(), "a reset ends the user's sessions");
    Http again = new Http(server);
    assertEquals(200, again.login("resetme", "temporary-pw-1").status());
    assertTrue(again.get("/api/me").json().getJsonObject("user").getBoolean("mustChangePassword"));
    Http.Response blocked = again.get("/api/audit");
    assertEquals(403, blocked.status());
    assertEquals("password_change_required", blocked.json().getString("error"));
    assertEquals(400, again.send("PUT", "/api/me/password", new JsonObject().put("currentPassword", "wrong-one-1")
        .put("newPassword", "my-own-password-1").encode()).status());
    assertEquals(204, again.send("PUT", "/api/me/password", new JsonObject().put("currentPassword",
        "temporary-pw-1").put("newPassword", "my-own-password-1").encode()).status());
    assertEquals(200, again.get("/api/audit").status(), "open again after the change");
  }

  @Test
  void malformedAndOversizedBodiesAreRejectedCleanly() {
    Http.Response notJson = admin.send("POST", "/api/users", "{not json");
    assertEquals(400, notJson.status());
    assertEquals("body", notJson.json().getString("field"));
    String big = "{\"username\":\"" + "a".repeat(300_000) + "\"}";
    Http.Response tooBig = admin.send("POST", "/api/users", big);
    assertEquals(413, tooBig.status());
    assertEquals(200, admin.get("/api/me").status(), "the server keeps serving");
  }

  @Test
  void webSocketNeedsASessionAndGreetsTheUser() throws Exception {
    URI ws = URI.create(server.url(PushHub.PATH).replace("http://", "ws://"));
    Http anon = new Http(server);
    try {
      anon.client().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
      }).get(10, TimeUnit.SECONDS);
      fail("a WebSocket without a session must be refused");
    } catch (java.util.concurrent.ExecutionException e) {
      assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, e.toString());
      HttpResponse<?> resp = ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse();
      assertEquals(401, resp.statusCode());
    }

    Http agent = Http.userWithRole(server, admin, "wsagent", "agent");
    List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> gotPong = new CompletableFuture<>();
    WebSocket socket = agent.client().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        received.add(data.toString());
        if (data.toString().contains("pong")) {
          gotPong.complete(null);
        }
        webSocket.request(1);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    socket.sendText("{\"type\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
    try {
      gotPong.get(10, TimeUnit.SECONDS);
    } catch (CompletionException e) {
      fail(e);
    }
    JsonObject hello = new JsonObject(received.get(0));
    assertEquals("hello", hello.getString("type"));
    assertEquals("wsagent", hello.getJsonObject("user").getString("username"));

    // A push addressed to the user over the event bus reaches the open page.
    CompletableFuture<String> pushed = new CompletableFuture<>();
    received.clear();
    long userId = hello.getJsonObject("user").getLong("id");
    server.server().vertx().eventBus().send(Push.TO_USER, new JsonObject().put("userId", userId)
        .put("message", new JsonObject().put("type", "test.push").put("n", 42)));
    Await.atMost(Duration.ofSeconds(10)).until("the push on the page's socket", () -> List.copyOf(received),
        r -> r.stream().anyMatch(s -> s.contains("test.push")));
    assertTrue(received.stream().anyMatch(s -> s.contains("\"n\":42")), received.toString());
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    pushed.complete("done");
  }

  @Test
  void aPageThatStopsReadingIsClosedInsteadOfPilingUpPushes() throws Exception {
    Http agent = Http.userWithRole(server, admin, "stalledagent", "agent");
    String cookie = agent.cookies().getCookieStore().getCookies().stream()
        .map(c -> c.getName() + "=" + c.getValue()).reduce((a, b) -> a + "; " + b).orElseThrow();
    URI base = URI.create(server.url("/"));
    PushHub hub = server.server().web().push();
    long closedBefore = hub.closedForNotReading();
    try (java.net.Socket raw = new java.net.Socket()) {
      raw.setReceiveBufferSize(4096); // a small window, so the stall reaches the server soon
      raw.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5000);
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write(("GET " + PushHub.PATH + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nCookie: " + cookie + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      java.io.InputStream in = raw.getInputStream();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        assertTrue(b >= 0, "the server closed before answering the upgrade: " + head);
        head.append((char) b);
      }
      assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
      long userId = new JsonObject(agent.get("/api/me").body()).getJsonObject("user").getLong("id");
      // From here on the page reads nothing: pushes of 16 KB each, 8 MB in all, must not all wait in memory.
      String filler = "x".repeat(16 * 1024);
      long deadline = System.currentTimeMillis() + 30_000;
      int sent = 0;
      while (hub.closedForNotReading() == closedBefore && System.currentTimeMillis() < deadline) {
        if (sent < 512) {
          server.server().vertx().eventBus().send(Push.TO_USER, new JsonObject().put("userId", userId)
              .put("message", new JsonObject().put("type", "test.fill").put("n", sent).put("filler", filler)));
          sent++;
        } else {
          Thread.sleep(20);
        }
      }
      assertEquals(closedBefore + 1, hub.closedForNotReading(), "the stalled page's socket is closed");
    }
    assertEquals(200, admin.get("/api/me").status(), "the server keeps serving");
  }
}
