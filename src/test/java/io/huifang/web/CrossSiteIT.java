package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A page of another site cannot act with the user's cookie: state-changing requests and the push WebSocket check
 * Origin (Referer when there is none), JSON bodies must say application/json, and the socket's protocol errors close
 * it with the RFC 6455 codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer(flags = "--http.allowed-origins=https://huifang.example.com")
class CrossSiteIT {
  static final String EVIL = "https://evil.example";

  @Injected
  TestServer server;
  Http admin;

  @BeforeAll
  void signIn() {
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
  }

  Http.Response postUser(String name, String header, String value, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin.url("/api/users")))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", name).put("displayName", name)
            .put("role", "qa").put("password", name + "-password-1").encode()));
    if (header != null) {
      b.header(header, value);
    }
    return raw(admin, b);
  }

  /** Sends exactly what the builder says (Http.send would add our Origin). */
  static Http.Response raw(Http h, HttpRequest.Builder b) {
    try {
      var r = h.client().send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      return new Http.Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void stateChangingRequestsFromAnotherSiteAreRefused() {
    for (String[] h : new String[][] {{"Origin", EVIL}, {"Origin", "null"}, {"Origin", "http://127.0.0.1.evil.example"},
        {"Referer", EVIL + "/page.html"}}) {
      Http.Response r = postUser("xsite" + h[1].length(), h[0], h[1], "application/json");
      assertEquals(403, r.status(), h[0] + ": " + h[1] + " → " + r.body());
      assertEquals("cross_site", r.json().getString("error"));
    }
    assertEquals(403, raw(admin, HttpRequest.newBuilder(URI.create(admin.url("/api/session")))
        .header("Origin", EVIL).DELETE()).status(), "nor sign the user out");
    assertEquals(200, admin.get("/api/me").status(), "a GET is not state-changing: served");
    assertTrue(admin.get("/api/users").body().contains("\"admin\""));
    assertTrue(admin.get("/api/users").body().indexOf("xsite") < 0, "no user was created");

    // The pages' own requests (Origin: this server), a proxy's public origin from the configuration, a same-origin
    // Referer, and clients that are no browser (neither header) are served.
    assertEquals(201, postUser("own1", "Origin", admin.origin(), "application/json").status());
    assertEquals(201, postUser("proxied1", "Origin", "https://huifang.example.com", "application/json").status());
    assertEquals(201, postUser("referred1", "Referer", admin.origin() + "/admin.html", "application/json").status());
    assertEquals(201, postUser("script1", null, null, "application/json").status());
  }

  @Test
  void jsonBodiesMustSayApplicationJson() {
    Http.Response plain = postUser("plain1", "Origin", admin.origin(), "text/plain");
    assertEquals(415, plain.status(), plain.body());
    assertEquals("unsupported_media_type", plain.json().getString("error"));
    assertEquals(415, postUser("form1", "Origin", admin.origin(), "application/x-www-form-urlencoded").status());
    assertEquals(201, postUser("charset1", "Origin", admin.origin(), "application/json; charset=utf-8").status());
    // Signing in too (a login CSRF would sign the victim into the attacker's account).
    Http.Response login = raw(new Http(server), HttpRequest.newBuilder(URI.create(admin.url("/api/session")))
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"x\"}")));
    assertEquals(415, login.status(), login.body());
    // The upload route keeps multipart, and nothing else.
    Http.Response upload = admin.send("POST", "/api/imports", "{}");
    assertEquals(415, upload.status(), upload.body());
  }

  @Test
  void aNulCharacterInAJsonStringIsA400NamingTheField() {
    Http.Response r = admin.send("POST", "/api/users", new JsonObject().put("username", "nulname")
        .put("displayName", "X\u0000Y").put("role", "qa").put("password", "nulname-password-1").encode());
    assertEquals(400, r.status(), r.body());
    assertEquals("displayName", r.json().getString("field"));
    assertTrue(r.json().getString("message").contains("NUL"), r.body());
    Http.Response q = admin.get("/api/audit?action=login%00x");
    assertEquals(400, q.status(), q.body());
    assertEquals("action", q.json().getString("field"));
  }

  @Test
  void anUploadOverItsLimitIsToldItsOwnLimit() throws Exception {
    String cookie = cookie(admin);
    URI base = URI.create(server.url("/"));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
      s.setSoTimeout(15_000);
      s.getOutputStream().write(("POST /api/imports HTTP/1.1\r\nHost: " + base.getRawAuthority()
          + "\r\nOrigin: " + admin.origin() + "\r\nCookie: " + cookie
          + "\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: " + (65L * 1024 * 1024)
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = readHttp(s.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      assertTrue(answer.contains("64 MiB"), answer);
    }
  }

  @Test
  void thePushSocketRefusesOtherSitesAndNull() throws Exception {
    for (String origin : new String[] {EVIL, "null"}) {
      try (Socket s = webSocket(origin)) {
        String head = readHead(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 403"), origin + ": " + head);
      }
    }
    try (Socket s = webSocket(admin.origin())) {
      assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 101"));
    }
    try (Socket s = webSocket("https://huifang.example.com")) {
      assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 101"), "the configured proxy origin");
    }
  }

  @Test
  void invalidUtf8InATextFrameClosesWith1007() throws Exception {
    assertEquals(1007, closeCodeAfter(0x81, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
  }

  @Test
  void reservedBitsCloseWith1002() throws Exception {
    assertEquals(1002, closeCodeAfter(0x81 | 0x20, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8)));
  }

  /** Opens the push socket, sends one masked frame (first byte as given) and returns the server's close code. */
  int closeCodeAfter(int firstByte, byte[] payload) throws Exception {
    try (Socket s = webSocket(admin.origin())) {
      InputStream in = s.getInputStream();
      assertTrue(readHead(in).startsWith("HTTP/1.1 101"));
      OutputStream out = s.getOutputStream();
      byte[] mask = {1, 2, 3, 4};
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(firstByte);
      frame.write(0x80 | payload.length);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      out.write(frame.toByteArray());
      out.flush();
      while (true) { // the hello, maybe pushes, then the close frame
        int b0 = in.read();
        if (b0 < 0) {
          return -1; // closed without a close frame
        }
        int len = in.read() & 0x7f;
        if (len == 126) {
          len = (in.read() << 8) | in.read();
        } else if (len == 127) {
          throw new IOException("unexpected 64-bit frame length");
        }
        byte[] body = in.readNBytes(len);
        if ((b0 & 0x0f) == 0x8) {
          return len >= 2 ? ((body[0] & 0xff) << 8) | (body[1] & 0xff) : 1005;
        }
      }
    }
  }

  Socket webSocket(String origin) throws IOException {
    URI base = URI.create(server.url("/"));
    Socket s = new Socket();
    s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
    s.setSoTimeout(15_000);
    s.getOutputStream().write(("GET " + PushHub.PATH + " HTTP/1.1\r\nHost: " + base.getRawAuthority()
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\nCookie: " + cookie(admin) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  static String cookie(Http h) {
    return h.cookies().getCookieStore().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
        .reduce((a, b) -> a + "; " + b).orElseThrow();
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** The status line, headers and (Content-Length) body of one HTTP/1.1 answer. */
  static String readHttp(InputStream in) throws IOException {
    String head = readHead(in);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
