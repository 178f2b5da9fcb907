package io.huifang.testsupport;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A browser-like HTTP client for tests: keeps cookies, speaks JSON, blocks. */
public final class Http {
  private final HttpClient client;
  private final CookieManager cookies;
  private final TestServer server;
  /** With no TestServer: the server's address, e.g. {@code http://127.0.0.1:8080} (a server in a child process). */
  private final String base;

  public Http(TestServer server) {
    this(server, new CookieManager());
  }

  /** A client of the server at {@code baseUrl} ({@code http://host:port}), one not started by a TestServer. */
  public Http(String baseUrl) {
    this.server = null;
    this.base = baseUrl;
    this.cookies = new CookieManager();
    this.client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A client that presents the cookies of an earlier one, e.g. after the server restarted on another port. */
  public Http(TestServer server, CookieManager earlier) {
    this.server = server;
    this.base = null;
    this.cookies = new CookieManager();
    earlier.getCookieStore().getCookies().forEach(c -> {
      java.net.HttpCookie copy = (java.net.HttpCookie) c.clone();
      copy.setPortlist(null);
      cookies.getCookieStore().add(URI.create(server.url("/")), copy);
    });
    this.client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  }

  public record Response(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** The absolute URL of {@code path} on the server. */
  public String url(String path) {
    return server != null ? server.url(path) : base + path;
  }

  public CookieManager cookies() {
    return cookies;
  }

  public HttpClient client() {
    return client;
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response send(String method, String path, String jsonBody) {
    return sendWithLanguage(method, path, jsonBody, null);
  }

  /** Like {@link #send}, with an Accept-Language header (null for none). */
  public Response sendWithLanguage(String method, String path, String jsonBody, String language) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    if (language != null) {
      b.header("Accept-Language", language);
    }
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      b.header("Origin", origin()); // as a browser sends with every such request from our pages
    }
    b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(jsonBody));
    return send(b);
  }

  /** The server's origin, as its pages' requests carry it: {@code http://127.0.0.1:port}. */
  public String origin() {
    URI u = URI.create(url("/"));
    return u.getScheme() + "://" + u.getRawAuthority();
  }

  /** Sends a request built by the caller (e.g. a file upload); a state-changing one carries our Origin, if none. */
  public Response send(HttpRequest.Builder b) {
    try {
      HttpRequest req = b.build();
      if (!req.method().equals("GET") && !req.method().equals("HEAD") && req.headers().firstValue("Origin").isEmpty()) {
        req = HttpRequest.newBuilder(req, (n, v) -> true).header("Origin", origin()).build();
      }
      HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response login(String username, String password) {
    return send("POST", "/api/session", new JsonObject().put("username", username).put("password", password)
        .encode());
  }

  /**
   * The first sign-in of a user an admin created (or whose password an admin reset): signs in, then sets the same
   * password as the user's own, which lifts must_change_password; the answer is the sign-in's.
   */
  public Response firstLogin(String username, String password) {
    Response r = login(username, password);
    if (r.status() == 200 && r.json().getJsonObject("user").getBoolean("mustChangePassword", false)) {
      Response changed = send("PUT", "/api/me/password", new JsonObject().put("currentPassword", password)
          .put("newPassword", password).encode());
      if (changed.status() != 204) {
        throw new AssertionError("cannot set " + username + "'s own password: " + changed);
      }
    }
    return r;
  }

  /** Signs in as the test admin and creates {@code username} with {@code role}; returns a client signed in as them. */
  public static Http userWithRole(TestServer server, Http admin, String username, String role) {
    String password = username + "-password-1";
    Response created = admin.send("POST", "/api/users", new JsonObject().put("username", username)
        .put("displayName", username).put("role", role).put("password", password).encode());
    if (created.status() != 201 && created.status() != 409) {
      throw new AssertionError("cannot create " + username + ": " + created);
    }
    Http h = new Http(server);
    Response r = h.firstLogin(username, password);
    if (r.status() != 200) {
      throw new AssertionError("cannot sign in as " + username + ": " + r);
    }
    return h;
  }

  /** A dealer user (网点) of {@code dealerId}, created by the admin and signed in, its first password changed. */
  public static Http dealerUser(TestServer server, Http admin, String username, long dealerId) {
    String password = username + "-password-1";
    Response created = admin.send("POST", "/api/users", new JsonObject().put("username", username)
        .put("displayName", username).put("role", "dealer").put("password", password).put("dealerId", dealerId)
        .encode());
    if (created.status() != 201) {
      throw new AssertionError("cannot create dealer user " + username + ": " + created);
    }
    Http h = new Http(server);
    Response r = h.firstLogin(username, password);
    if (r.status() != 200) {
      throw new AssertionError("cannot sign in as " + username + ": " + r);
    }
    return h;
  }

  /** POST /api/imports as the page does: multipart with campaignId, dealerId, extra fields and the file. */
  public Response uploadDmsFile(long campaignId, long dealerId, java.nio.file.Path file,
      java.util.Map<String, String> extra) throws Exception {
    Http h = this;
    String boundary = "----hf" + System.nanoTime();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    java.util.Map<String, String> fields = new java.util.LinkedHashMap<>(java.util.Map.of("campaignId", String.valueOf(campaignId),
        "dealerId", String.valueOf(dealerId)));
    fields.putAll(extra);
    for (var e : fields.entrySet()) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
          + e.getValue() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
        + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.write(java.nio.file.Files.readAllBytes(file));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return h.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(h.url("/api/imports"))).timeout(java.time.Duration.ofSeconds(60))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

}
