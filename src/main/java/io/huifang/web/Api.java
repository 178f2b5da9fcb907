package io.huifang.web;

import io.huifang.core.Role;
import io.huifang.core.User;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way to add a route under {@code /api} (and the WebSocket): each one names the roles it serves, and
 * gets authentication and the role check in front of its handler. The roles are kept as route metadata so that
 * tests can enumerate the router and prove every route is guarded.
 */
public final class Api {
  private static final Logger log = LoggerFactory.getLogger(Api.class);
  public static final String PREFIX = "/api";
  public static final String ROLES = "huifang.roles";
  public static final String PUBLIC = "public";
  public static final String SESSION_COOKIE = "hf_session";
  private static final String USER_KEY = "huifang.user";

  /** API bodies are small JSON documents; uploads (customer lists, questionnaires) get their own limits. */
  public static final long BODY_LIMIT = 256 * 1024;

  /** Where a route's body limit is kept for the 413 answer (the failure handler names it). */
  public static final String BODY_LIMIT_KEY = "huifang.bodyLimit";

  private final Router router;
  private final SessionLookup sessions;
  private final SameOrigin sameOrigin;
  private final io.vertx.ext.web.handler.BodyHandler body =
      io.vertx.ext.web.handler.BodyHandler.create(false).setBodyLimit(BODY_LIMIT);

  /** Builds the Api for a router (the web server owns the router). */
  @FunctionalInterface
  public interface Factory {
    Api create(Router router);
  }

  public Api(Router router, SessionLookup sessions) {
    this(router, sessions, java.util.List.of());
  }

  /**
   * {@code allowedOrigins}: origins besides the server's own (the Host it was reached at) whose pages may send
   * state-changing requests and open the WebSocket (http.allowed-origins, behind a proxy that rewrites Host).
   */
  public Api(Router router, SessionLookup sessions, java.util.List<String> allowedOrigins) {
    this.router = router;
    this.sessions = sessions;
    this.sameOrigin = new SameOrigin(allowedOrigins);
    // Before every route: the session cookie is SameSite=Strict, but that alone is not relied upon (older browsers,
    // same-site subdomains). A page of another site cannot change anything nor listen on the push socket.
    router.route().handler(this::refuseCrossSite);
    // (No path on these: the routes under /api are each declared with their roles, which tests enumerate.)
    router.route().handler(Api::refuseNulInQuery);
  }

  /** As in JSON bodies: PostgreSQL text cannot hold U+0000, so a query parameter holding one is a 400 naming it. */
  private static void refuseNulInQuery(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query == null || !(query.contains("%00") || query.indexOf(0) >= 0)
        || !ctx.request().path().startsWith(PREFIX + "/")) {
      ctx.next();
      return;
    }
    io.vertx.core.MultiMap params;
    try {
      params = ctx.queryParams();
    } catch (RuntimeException e) {
      ctx.next(); // a malformed query is the route's to refuse, as before
      return;
    }
    for (var e : params) {
      if (e.getKey().indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0) {
        invalid(ctx, e.getKey(), e.getKey() + " contains a NUL character (U+0000)",
            e.getKey() + " 含有空字符（U+0000）");
        return;
      }
    }
    ctx.next();
  }

  private void refuseCrossSite(RoutingContext ctx) {
    var req = ctx.request();
    boolean upgrade = req.method() == HttpMethod.GET && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
    if (!upgrade && !SameOrigin.changesState(req.method())) {
      ctx.next();
      return;
    }
    String origin = req.getHeader("Origin");
    // Browsers send Origin with every WebSocket and every non-GET request (fetch and forms alike); Referer is the
    // fallback for old ones. A client sending neither is not a browser, so no other site's page is behind it.
    String referer = req.getHeader("Referer");
    String claimed = origin != null ? origin : upgrade || referer == null ? null : SameOrigin.ofReferer(referer);
    if (claimed == null || sameOrigin.allows(claimed, req.authority())) {
      ctx.next();
      return;
    }
    log.atWarn().setMessage("cross-site request refused").addKeyValue("method", req.method())
        .addKeyValue("path", req.path()).addKeyValue("origin", claimed).log();
    error(ctx, 403, "cross_site", "requests from another site are refused (Origin " + claimed + ")");
  }

  /**
   * JSON bodies only as {@code application/json}: a page of another site can send {@code text/plain} without asking
   * the browser's permission (no CORS preflight), never {@code application/json}.
   */
  private static void requireJson(RoutingContext ctx) {
    if (ctx.body().length() > 0 && !SameOrigin.mediaType(ctx.request().getHeader("Content-Type"))
        .equals("application/json")) {
      error(ctx, 415, "unsupported_media_type", "send the body as Content-Type: application/json");
      return;
    }
    ctx.next();
  }

  /** A route for signed-in users holding one of {@code roles}. */
  public Route route(HttpMethod method, String path, Set<Role> roles, Handler<RoutingContext> handler) {
    return guarded(method, PREFIX + path, roles, false, null).handler(handler);
  }

  /**
   * A request refused before its handler: 401 (no valid session; {@code user} null) or 403 ({@code code}
   * {@code forbidden}: a role the route does not serve; {@code password_change_required}). The refusal is sent
   * when the returned future completes, whether it succeeded or not (so that, say, an access-log row is written
   * before the client learns of the refusal).
   */
  @FunctionalInterface
  public interface Refusal {
    io.vertx.core.Future<Void> refused(RoutingContext ctx, User user, int status, String code);
  }

  /** {@link #route}, with {@code onRefused} told of every request the guard refuses before the handler. */
  public Route route(HttpMethod method, String path, Set<Role> roles, Refusal onRefused,
                     Handler<RoutingContext> handler) {
    return guarded(method, PREFIX + path, roles, false, onRefused).handler(handler);
  }

  /**
   * The one place a guarded route is made: role metadata (tests enumerate it), then the session, then the role.
   * {@code paused}: the request is paused before the asynchronous session lookup, for routes that consume the body
   * or upgrade the connection only after it; otherwise the small JSON body is read first.
   */
  private Route guarded(HttpMethod method, String fullPath, Set<Role> roles, boolean paused, Refusal onRefused) {
    Set<Role> allowed = EnumSet.copyOf(roles);
    Route r = router.route(method, fullPath)
        .putMetadata(ROLES, allowed.stream().map(Role::id).collect(Collectors.toUnmodifiableSet()));
    if (paused) {
      r.handler(ctx -> {
        ctx.request().pause();
        ctx.next();
      });
    } else {
      r.handler(body);
    }
    r.handler(ctx -> authenticate(ctx, onRefused)).handler(ctx -> authorize(ctx, allowed, onRefused));
    return paused ? r : r.handler(Api::requireJson);
  }

  /**
   * A route for uploads (customer lists): the session and role are checked while the request is paused, so that
   * nobody signed out can make the server store a large body; then the body is streamed to {@code uploadsDir}
   * (files over {@code limit} bytes get 413) and removed once the response has been sent.
   */
  public Route upload(HttpMethod method, String path, Set<Role> roles, long limit, String uploadsDir,
                      Handler<RoutingContext> handler) {
    io.vertx.ext.web.handler.BodyHandler uploadBody = io.vertx.ext.web.handler.BodyHandler.create(uploadsDir)
        .setBodyLimit(limit).setDeleteUploadedFilesOnEnd(true).setHandleFileUploads(true);
    return guarded(method, PREFIX + path, roles, true, null)
        .handler(ctx -> {
          if (!SameOrigin.mediaType(ctx.request().getHeader("Content-Type")).equals("multipart/form-data")) {
            error(ctx, 415, "unsupported_media_type", "send the file as multipart/form-data");
            return;
          }
          ctx.put(BODY_LIMIT_KEY, limit);
          // The body handler installs its stream handlers first; only then may data flow again.
          ctx.next();
          ctx.request().resume();
        })
        // Wrapped: the router only accepts a BodyHandler as a route's first handler, and here it must come after
        // the session check.
        .handler(ctx -> uploadBody.handle(ctx))
        .handler(handler);
  }

  /** A route open to anyone; only the login itself should need this. */
  public Route publicRoute(HttpMethod method, String path, Handler<RoutingContext> handler) {
    return router.route(method, PREFIX + path).putMetadata(ROLES, PUBLIC).handler(body).handler(Api::requireJson)
        .handler(handler);
  }

  /**
   * The optional {@code ?version=} of a versioned document (questionnaires, scorecards): null when absent, else a
   * whole number from 1, or {@link io.huifang.core.Invalid} naming the parameter.
   */
  public static Integer versionParam(RoutingContext ctx) {
    String v = ctx.request().getParam("version");
    if (v == null || v.isBlank()) {
      return null;
    }
    int version;
    try {
      version = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      version = -1;
    }
    if (version < 1) {
      throw new io.huifang.core.Invalid("version", "version must be a whole number from 1", "版本必须是从 1 起的整数");
    }
    return version;
  }

  /** The WebSocket endpoint is guarded like an API route. */
  public Route webSocket(String path, Set<Role> roles, Handler<RoutingContext> handler) {
    // The upgrade happens after an asynchronous session lookup; a paused request is still upgradable.
    return guarded(HttpMethod.GET, path, roles, true, null).handler(handler);
  }

  /** Unknown /api paths: 401 when signed out (nothing to learn about the API), 404 otherwise. */
  public void fallback() {
    router.route(PREFIX + "/*").putMetadata(ROLES, Role.ALL.stream().map(Role::id)
            .collect(Collectors.toUnmodifiableSet()))
        .handler(ctx -> authenticate(ctx, null))
        .handler(ctx -> error(ctx, 404, "not_found", "no such API route: " + ctx.request().method() + " "
            + ctx.request().path()));
  }

  /** Who sent this request, if anyone signed in did (for routes open to all that tell some people more). */
  public io.vertx.core.Future<java.util.Optional<User>> signedIn(RoutingContext ctx) {
    String token = sessionToken(ctx);
    return token == null ? io.vertx.core.Future.succeededFuture(java.util.Optional.empty())
        : sessions.resolve(token).otherwise(java.util.Optional.empty());
  }

  public static User user(RoutingContext ctx) {
    return ctx.get(USER_KEY);
  }

  public static String sessionToken(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(SESSION_COOKIE);
    return c == null ? null : c.getValue();
  }

  private void authenticate(RoutingContext ctx, Refusal onRefused) {
    sessions.resolve(sessionToken(ctx)).onComplete(ar -> {
      if (ar.failed()) {
        // Every request fails so while the database is away: a warning, not an error per request.
        (io.huifang.db.Database.unavailable(ar.cause()) ? log.atWarn() : log.atError())
            .setMessage("session lookup failed").addKeyValue("error", ar.cause().getMessage()).log();
        databaseAway(ctx);
      } else if (ar.result().isEmpty()) {
        refuse(ctx, onRefused, null, 401, "unauthenticated", "sign in first");
      } else {
        ctx.put(USER_KEY, ar.result().get());
        ctx.next();
      }
    });
  }

  private static void authorize(RoutingContext ctx, Set<Role> allowed, Refusal onRefused) {
    User u = user(ctx);
    if (!allowed.contains(u.role())) {
      refuse(ctx, onRefused, u, 403, "forbidden", "role " + u.role().id() + " may not use this");
    } else if (u.mustChangePassword() && !allowedBeforePasswordChange(ctx)) {
      // A one-time or admin-reset password opens nothing but the way to replace it.
      refuse(ctx, onRefused, u, 403, "password_change_required",
          "set your own password first (PUT /api/me/password)");
    } else {
      ctx.next();
    }
  }

  /** The guard's refusal, after the route's {@link Refusal} hook (if any) has done its part, however it ended. */
  private static void refuse(RoutingContext ctx, Refusal onRefused, User u, int status, String code,
                             String message) {
    if (onRefused == null) {
      error(ctx, status, code, message);
      return;
    }
    io.vertx.core.Future<Void> f;
    try {
      f = onRefused.refused(ctx, u, status, code);
    } catch (RuntimeException e) {
      f = io.vertx.core.Future.failedFuture(e);
    }
    (f == null ? io.vertx.core.Future.<Void>succeededFuture() : f).onComplete(ar -> {
      if (ar.failed()) {
        log.atWarn().setMessage("refusal hook failed").addKeyValue("path", ctx.request().path())
            .addKeyValue("error", String.valueOf(ar.cause().getMessage())).log();
      }
      error(ctx, status, code, message);
    });
  }

  private static boolean allowedBeforePasswordChange(RoutingContext ctx) {
    String path = ctx.request().path();
    HttpMethod m = ctx.request().method();
    return path.equals(PREFIX + "/me") || path.equals(PREFIX + "/me/password")
        || (path.equals(PREFIX + "/session") && m == HttpMethod.DELETE);
  }

  /**
   * 503 for a request the database could not take because it is away (it comes back by itself): in the page's
   * language; the page keeps what the user typed and offers to try again.
   */
  public static void databaseAway(RoutingContext ctx) {
    error(ctx, 503, "unavailable", prefersChinese(ctx) ? "数据库暂时无法访问，请稍后再试；已填写的内容仍保留在本机"
        : "the database is not reachable; try again shortly (what you entered is kept on this computer)");
  }

  public static void error(RoutingContext ctx, int status, String code, String message) {
    json(ctx, status, new JsonObject().put("error", code).put("message", message));
  }

  /** Answers bad input with a 400 naming its field, in both languages. */
  public static void invalid(RoutingContext ctx, io.huifang.core.Invalid e) {
    invalid(ctx, e.field(), e.english(), e.chinese());
  }

  public static void invalid(RoutingContext ctx, String field, String message) {
    json(ctx, 400, new JsonObject().put("error", "invalid").put("field", field).put("message", message));
  }

  /** A 400 naming the field, in the language the page asked for (Accept-Language), English otherwise. */
  public static void invalid(RoutingContext ctx, String field, String english, String chinese) {
    invalid(ctx, field, prefersChinese(ctx) ? chinese : english);
  }

  public static boolean prefersChinese(RoutingContext ctx) {
    String lang = ctx.request().getHeader("Accept-Language");
    return lang != null && lang.trim().toLowerCase(java.util.Locale.ROOT).startsWith("zh");
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  /** The request body as a JSON object, or null after answering 400 when it is not one. */
  public static JsonObject body(RoutingContext ctx) {
    JsonObject o;
    try {
      o = ctx.body().asJsonObject();
      if (o == null) {
        invalid(ctx, "body", "a JSON object is required", "请求体必须是 JSON 对象");
        return null;
      }
    } catch (RuntimeException e) {
      invalid(ctx, "body", "not valid JSON", "请求体不是有效的 JSON");
      return null;
    }
    // PostgreSQL text cannot hold U+0000: refused here, naming the field, rather than failing deep in a query.
    String nul = fieldWithNul(o, "");
    if (nul != null) {
      invalid(ctx, nul, nul + " contains a NUL character (U+0000)", nul + " 含有空字符（U+0000）");
      return null;
    }
    return o;
  }

  /** The path ({@code answers.q1}, {@code items[2]}) of the first key or string holding U+0000, or null. */
  static String fieldWithNul(Object value, String path) {
    if (value instanceof String s) {
      return s.indexOf('\0') >= 0 ? (path.isEmpty() ? "body" : path) : null;
    }
    if (value instanceof JsonObject o) {
      for (var e : o) {
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().indexOf('\0') >= 0) {
          return p;
        }
        String found = fieldWithNul(e.getValue(), p);
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof io.vertx.core.json.JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        String found = fieldWithNul(a.getValue(i), (path.isEmpty() ? "body" : path) + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** The :id path parameter, or null after answering 400. */
  public static Long pathId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      invalid(ctx, "id", "id must be a number", "编号必须是数字");
      return null;
    }
  }

  /** A query parameter, trimmed; null when absent or blank. */
  public static String queryParam(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /**
   * A whole-number query parameter within [min, max], {@code dflt} when absent; anything else throws
   * {@link io.huifang.core.Invalid} naming it (answered 400 by {@link #fail}).
   */
  public static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = queryParam(ctx, name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new io.huifang.core.Invalid(name, name + " must be a whole number from " + min + " to " + max,
        name + " 须为 " + min + " 到 " + max + " 之间的整数");
  }

  /** Bad input becomes a 400 naming the field, a {@link io.huifang.core.Problem} its status; anything else a 500. */
  public static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof io.huifang.core.Invalid inv) {
      invalid(ctx, inv);
    } else if (e instanceof io.huifang.core.Problem p) {
      error(ctx, p.status(), p.code(), p.getMessage());
    } else {
      ctx.fail(e);
    }
  }

  /** The peer's address, for the audit log. */
  public static String clientIp(RoutingContext ctx) {
    var a = ctx.request().remoteAddress();
    return a == null ? null : a.hostAddress();
  }
}
