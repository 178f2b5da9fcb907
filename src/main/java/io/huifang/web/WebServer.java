package io.huifang.web;

import io.huifang.core.HealthCheck;
import io.huifang.core.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP side: pages from web/, the JSON API under /api, the push WebSocket and /health. */
public final class WebServer {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** What /health reports on, besides the database. */
  public record Probes(Supplier<Future<HealthCheck>> db, Supplier<Future<HealthCheck>> pbx,
                       Supplier<io.vertx.core.json.JsonArray> pbxes, String version) {
  }

  private final Vertx vertx;
  private final Router router;
  private final PushHub push = new PushHub();
  private final Api api;
  private HttpServer server;

  /** {@code registrars} add the API routes of each module. */
  public WebServer(Vertx vertx, Api.Factory apiFactory, Path webDir, Probes probes, List<Consumer<Api>> registrars) {
    this.vertx = vertx;
    this.router = Router.router(vertx);
    router.route().handler(WebServer::securityHeaders);
    router.get("/health").handler(ctx -> health(ctx, probes));
    this.api = apiFactory.create(router);
    registrars.forEach(r -> r.accept(api));
    push.register(api, vertx.eventBus());
    api.fallback();
    VendorFiles.register(router, vertx);
    // Page assets have no content hashes in their names: make browsers revalidate so an upgrade is seen at once.
    router.route().handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-cache");
      ctx.next();
    });
    router.get(QUESTIONNAIRE_FORMAT).handler(WebServer::questionnaireFormat);
    router.route().handler(StaticHandler.create(FileSystemAccess.ROOT, webDir.toAbsolutePath().toString())
        .setIndexPage("index.html")
        .setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8"));
    Path notFoundPage = webDir.resolve(NOT_FOUND_PAGE).toAbsolutePath();
    router.route().handler(ctx -> notFound(ctx, notFoundPage));
    router.route().failureHandler(WebServer::failure);
  }

  /** The page a browser gets, with status 404, for a path that is neither a page, an asset nor an API route. */
  static final String NOT_FOUND_PAGE = "404.html";
  /** The questionnaire format (docs/questionnaire.md, packaged in the jar), which the questionnaires page links to. */
  static final String QUESTIONNAIRE_FORMAT = "/docs/questionnaire.md";

  /**
   * Unknown paths outside /api (which answers JSON itself): a page in the product's style with a way back, for a
   * browser; other methods get a bare 404.
   */
  private void notFound(RoutingContext ctx, Path page) {
    HttpMethod m = ctx.request().method();
    if ((m != HttpMethod.GET && m != HttpMethod.HEAD) || ctx.response().ended()) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    vertx.fileSystem().exists(page.toString()).onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      ctx.response().setStatusCode(404);
      if (ar.succeeded() && ar.result()) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").sendFile(page.toString());
      } else {
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("404 not found");
      }
    });
  }

  /** The questionnaire format as Markdown text (readable as is; questionnaire-format.html renders it). */
  private static void questionnaireFormat(RoutingContext ctx) {
    ctx.vertx().executeBlocking(() -> {
      try (var in = WebServer.class.getResourceAsStream(QUESTIONNAIRE_FORMAT)) {
        return in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
    }).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("the questionnaire format is not packaged");
        return;
      }
      ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(ar.result());
    });
  }

  public Router router() {
    return router;
  }

  public PushHub push() {
    return push;
  }

  public Future<HttpServer> listen(String host, int port) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host).setPort(port)
        .setCompressionSupported(true)
        .setMaxHeaderSize(16 * 1024)
        .setMaxWebSocketFrameSize(64 * 1024)
        .setMaxWebSocketMessageSize(PushHub.MAX_MESSAGE)
        // No WebSocket extensions: pushes are small, and with none negotiated a frame with reserved bits set is a
        // protocol error that Netty reports (PushHub closes with 1002) instead of passing it on as data.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout(0);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> {
      server = s;
      log.atInfo().setMessage("web server listening").addKeyValue("host", host).addKeyValue("port", s.actualPort())
          .log();
    });
  }

  public int port() {
    return server.actualPort();
  }

  /** Stops accepting requests, closes the push sockets, lets in-flight requests finish within the grace period. */
  public Future<Void> shutdown(long graceSeconds) {
    if (server == null) {
      return Future.succeededFuture();
    }
    push.closeAll();
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'");
    ctx.next();
  }

  /**
   * Status for anyone (load balancers, the supervisors' panel); the details (database server and version, PBX
   * banner and address, Huifang's version) only for a signed-in admin: they tell an attacker what to aim at.
   */
  private void health(RoutingContext ctx, Probes probes) {
    Future<HealthCheck> db = probes.db().get();
    Future<HealthCheck> pbx = probes.pbx().get();
    Future<Boolean> admin = api.signedIn(ctx).map(u -> u.filter(x -> x.role() == Role.ADMIN).isPresent());
    Future.join(db, pbx, admin).onComplete(ar -> {
      HealthCheck d = db.succeeded() ? db.result() : HealthCheck.down(String.valueOf(db.cause().getMessage()));
      HealthCheck p = pbx.succeeded() ? pbx.result() : HealthCheck.down(String.valueOf(pbx.cause().getMessage()));
      boolean details = admin.succeeded() && admin.result();
      // Without the database nothing works; without the PBX agents can still survey and QA can still listen.
      String status = !d.up() ? "DOWN" : p.up() ? "UP" : "DEGRADED";
      JsonObject body = new JsonObject().put("status", status);
      io.vertx.core.json.JsonArray pbxes = probes.pbxes().get();
      if (details) {
        body.put("db", d.toJson()).put("pbx", p.toJson()).put("pbxes", pbxes).put("version", probes.version());
      } else {
        io.vertx.core.json.JsonArray statuses = new io.vertx.core.json.JsonArray();
        pbxes.forEach(o -> statuses.add(o instanceof JsonObject j
            ? new JsonObject().put("name", j.getValue("name")).put("status", j.getValue("status")) : null));
        body.put("db", statusOnly(d)).put("pbx", statusOnly(p)).put("pbxes", statuses);
      }
      ctx.response().setStatusCode(d.up() ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(body.encode());
    });
  }

  private static JsonObject statusOnly(HealthCheck c) {
    return new JsonObject().put("status", c.up() ? "UP" : "DOWN");
  }

  /** A body limit as people read it: 256 KiB, 64 MiB. */
  static String size(long bytes) {
    return bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB"
        : bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
  }

  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    Throwable err = ctx.failure();
    if (status >= 500 && err != null && io.huifang.db.Database.unavailable(err)) {
      // Refused visibly, not lost: the database is away and comes back by itself.
      log.atWarn().setMessage("request refused: the database is away").addKeyValue("method", ctx.request().method())
          .addKeyValue("path", ctx.request().path()).addKeyValue("error", err.getMessage()).log();
      if (!ctx.response().ended() && !ctx.response().closed()) {
        Api.databaseAway(ctx);
      }
      return;
    }
    if (status >= 500) {
      log.atError().setMessage("request failed").addKeyValue("method", ctx.request().method())
          .addKeyValue("path", ctx.request().path()).addKeyValue("status", status)
          .setCause(err).log();
    }
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (ctx.request().path().startsWith(Api.PREFIX) || ctx.request().method() != HttpMethod.GET) {
      String code = status == 413 ? "too_large" : status >= 500 ? "internal" : "bad_request";
      Long limit = ctx.get(Api.BODY_LIMIT_KEY);
      String message = status == 413 ? "request body over " + size(limit == null ? Api.BODY_LIMIT : limit)
          : status >= 500 ? "internal error; see the server log" : "bad request";
      Api.error(ctx, status, code, message);
    } else {
      ctx.response().setStatusCode(status).end();
    }
  }
}
