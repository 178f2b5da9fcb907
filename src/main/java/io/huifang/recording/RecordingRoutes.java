package io.huifang.recording;

import io.huifang.auth.AuditLog;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.regex.Pattern;

/**
 * The recordings API. Listening is for QA and supervisors (and admins); an agent only for their own calls, and
 * only when the campaign allows it. Every access to a recording, refused ones included, is written to the audit
 * log (who, what, when, result) before anything is served: if the log cannot be written, nothing is served.
 */
public final class RecordingRoutes {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final EnumSet<Role> LISTENERS = EnumSet.of(Role.QA, Role.SUPERVISOR, Role.ADMIN);

  private final RecordingService service;
  private final AuditLog audit;

  public RecordingRoutes(RecordingService service, AuditLog audit) {
    this.service = service;
    this.audit = audit;
  }

  public void register(Api api) {
    // Every role reaches the handler, which decides per recording, so that refusals are logged too.
    // Requests the guard refuses before any handler (signed out: 401; a role the route does not serve or a
    // password to change first: 403) are logged too, by refused().
    api.route(HttpMethod.GET, "/recordings", Role.ALL, refused("recording.list"), this::list);
    api.route(HttpMethod.GET, "/recordings/:id", Role.ALL, refused("recording.view"),
        ctx -> access(ctx, "recording.view", this::meta));
    api.route(HttpMethod.GET, "/recordings/:id/audio", Role.ALL, refused("recording.play"),
        ctx -> access(ctx, "recording.play", this::audio));
    api.route(HttpMethod.GET, "/recordings/:id/peaks", Role.ALL, refused("recording.peaks"),
        ctx -> access(ctx, "recording.peaks", this::peaks));
    api.route(HttpMethod.POST, "/recordings/:id/pause", EnumSet.of(Role.AGENT, Role.SUPERVISOR),
        refused("recording.pause"), this::pause);
    api.route(HttpMethod.POST, "/recordings/:id/resume", EnumSet.of(Role.AGENT, Role.SUPERVISOR),
        refused("recording.resume"), this::resume);
    api.route(HttpMethod.POST, "/recordings/:id/record", EnumSet.of(Role.AGENT, Role.SUPERVISOR),
        refused("recording.request"), this::record);
    api.route(HttpMethod.POST, "/recordings/:id/retry", EnumSet.of(Role.SUPERVISOR, Role.ADMIN),
        refused("recording.retry"), this::retry);
    api.route(HttpMethod.PUT, "/recordings/:id/hold", EnumSet.of(Role.SUPERVISOR, Role.ADMIN),
        refused("recording.hold"), this::hold);
  }

  /**
   * Logs a request refused before its handler: who (null when signed out), which recording (the path's id, as
   * sent, cut to 64 characters; the list has no id), when (the row's time), the result ({@code unauthenticated},
   * {@code forbidden} or {@code password_change_required}) with the status, method and role. The refusal is sent
   * once the row is written; if it cannot be written the request is refused all the same.
   */
  Api.Refusal refused(String action) {
    return (ctx, u, status, code) -> {
      String id = ctx.pathParam("id");
      String subject = id == null ? "recordings" : "recording:" + (id.length() > 64 ? id.substring(0, 64) : id);
      JsonObject detail = new JsonObject().put("status", status).put("method", ctx.request().method().name());
      if (u != null) {
        detail.put("role", u.role().id());
      }
      return audit.record(u, u == null ? null : u.username(), action, subject, code, clientIp(ctx), detail);
    };
  }

  /** What to do once the access is allowed and logged. */
  @FunctionalInterface
  interface Serve {
    /** Returns the audit result and detail to log, then serves; null from check means go on. */
    void serve(RoutingContext ctx, JsonObject row, Audited logged);
  }

  /** Logs the access with a result, then runs {@code then} if the log was written. */
  @FunctionalInterface
  interface Audited {
    void log(String result, JsonObject detail, Runnable then);
  }

  private void access(RoutingContext ctx, String action, Serve serve) {
    User u = Api.user(ctx);
    String id = ctx.pathParam("id");
    Audited logged = (result, detail, then) -> audit.record(u, u.username(), action, "recording:" + id, result,
            clientIp(ctx), detail)
        .onSuccess(v -> then.run())
        .onFailure(e -> Api.error(ctx, 503, "unavailable", "the access log cannot be written"));
    if (id == null || !ID.matcher(id).matches()) {
      logged.log("not_found", null, () -> Api.error(ctx, 404, "not_found", "no such recording"));
      return;
    }
    service.find(id).compose(opt -> {
      if (opt.isEmpty()) {
        logged.log("not_found", null, () -> Api.error(ctx, 404, "not_found", "no such recording"));
        return Future.succeededFuture();
      }
      JsonObject row = opt.get();
      return allowed(u, row).onSuccess(refusal -> {
        if (refusal != null) {
          logged.log("denied", new JsonObject().put("why", refusal).put("role", u.role().id()),
              () -> Api.error(ctx, 403, "forbidden", refusal));
        } else {
          serve.serve(ctx, row, logged);
        }
      }).mapEmpty();
    }).onFailure(e -> Api.error(ctx, 503, "unavailable", "the catalog is not reachable"));
  }

  /** Null when {@code u} may listen to the recording, else why not. */
  private Future<String> allowed(User u, JsonObject row) {
    if (LISTENERS.contains(u.role())) {
      return Future.succeededFuture(null);
    }
    Long agent = row.getLong("agentId");
    if (u.role() != Role.AGENT || agent == null || agent != u.id()) {
      return Future.succeededFuture("agents may only listen to their own calls");
    }
    return service.policies().rules(row.getLong("campaignId"))
        .map(r -> r.agentsMayListen() ? null : "this campaign does not let agents listen to recordings");
  }

  private void list(RoutingContext ctx) {
    User u = Api.user(ctx);
    int limit;
    try {
      String l = ctx.request().getParam("limit");
      limit = l == null ? 50 : Integer.parseInt(l);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 500) {
      Api.invalid(ctx, "limit", "limit must be from 1 to 500", "limit 必须在 1 到 500 之间");
      return;
    }
    Long only = LISTENERS.contains(u.role()) ? null : u.id();
    service.list(only, limit).onSuccess(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(publicView(r)));
      Api.json(ctx, 200, new JsonObject().put("recordings", out));
    }).onFailure(e -> Api.error(ctx, 503, "unavailable", "the catalog is not reachable"));
  }

  private void meta(RoutingContext ctx, JsonObject row, Audited logged) {
    logged.log("ok", null, () -> Api.json(ctx, 200, publicView(row)
        .put("livePauses", service.spans(row.getString("recordingId")))));
  }

  static JsonObject publicView(JsonObject row) {
    JsonObject v = RecordingStore.toSidecar(row);
    v.remove("schemaVersion");
    v.put("audio", "/api/recordings/" + row.getString("recordingId") + "/audio");
    return v;
  }

  private void audio(RoutingContext ctx, JsonObject row, Audited logged) {
    JsonObject playback = Sidecar.fileByRole(row, "playback");
    if (!"ready".equals(row.getString("status")) || playback == null) {
      logged.log("not_ready", new JsonObject().put("status", row.getString("status")),
          () -> Api.error(ctx, 409, "not_ready", "the recording is " + row.getString("status")));
      return;
    }
    Path file = service.archived(row, playback.getString("path"));
    ctx.vertx().fileSystem().props(file.toString()).onComplete(ar -> {
      if (ar.failed()) {
        missing(ctx, row, logged, "the audio file is missing");
        return;
      }
      long size = ar.result().size();
      String header = ctx.request().getHeader("Range");
      ByteRange range;
      try {
        range = ByteRange.parse(header, size);
      } catch (ByteRange.Unsatisfiable e) {
        logged.log("bad_range", new JsonObject().put("range", header.length() > 100 ? header.substring(0, 100)
            : header).put("why", e.getMessage()), () -> ctx.response().setStatusCode(416)
            .putHeader("Content-Range", "bytes */" + size)
            .putHeader("Content-Type", "application/json; charset=utf-8")
            .end(new JsonObject().put("error", "range_not_satisfiable").put("message", e.getMessage()).encode()));
        return;
      }
      JsonObject detail = new JsonObject().put("bytes", range == null ? size : range.length());
      if (range != null) {
        detail.put("range", range.start() + "-" + range.end());
      }
      logged.log("ok", detail, () -> {
        HttpServerResponse resp = ctx.response()
            .putHeader("Accept-Ranges", "bytes")
            .putHeader("Content-Type", "ogg".equals(playback.getString("container")) ? "audio/ogg" : "audio/mpeg")
            .putHeader("Cache-Control", "private, no-store")
            .putHeader("ETag", "\"" + playback.getString("sha256") + "\"")
            .putHeader("X-Content-Type-Options", "nosniff");
        if (range == null) {
          resp.setStatusCode(200).sendFile(file.toString());
        } else {
          resp.setStatusCode(206).putHeader("Content-Range", range.contentRange(size))
              .sendFile(file.toString(), range.start(), range.length());
        }
      });
    });
  }

  private void peaks(RoutingContext ctx, JsonObject row, Audited logged) {
    if (!"ready".equals(row.getString("status")) || row.getString("peaks") == null) {
      logged.log("not_ready", null, () -> Api.error(ctx, 409, "not_ready", "the recording is "
          + row.getString("status")));
      return;
    }
    Path file = service.archived(row, row.getString("peaks"));
    if (service.archivedElsewhere(row) && !Files.isRegularFile(file)) {
      missing(ctx, row, logged, "the peaks file is missing");
      return;
    }
    logged.log("ok", null, () -> {
      if (!Files.isRegularFile(file)) {
        Api.error(ctx, 410, "gone", "the peaks file is missing");
        return;
      }
      ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "private, no-store").sendFile(file.toString());
    });
  }

  /**
   * A file of a ready recording this node cannot find. Archived by another node whose archive this node does not
   * see (the nodes' archives not shared): 503 naming that node and this node's archive, since the recording is not
   * lost and the fix is the configuration (docs/cluster.md, "Recordings in a cluster"). Else 410: it is gone.
   */
  private void missing(RoutingContext ctx, JsonObject row, Audited logged, String gone) {
    if (service.archivedElsewhere(row)) {
      logged.log("not_on_this_node", new JsonObject().put("archivedBy", row.getString("archivedBy"))
              .put("node", service.node()),
          () -> Api.error(ctx, 503, "archive_not_shared", service.notOnThisNode(row)));
    } else {
      logged.log("missing_file", null, () -> Api.error(ctx, 410, "gone", gone));
    }
  }

  private void pause(RoutingContext ctx) {
    User u = Api.user(ctx);
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      Api.error(ctx, 404, "not_found", "no such call");
      return;
    }
    JsonObject b = ctx.body().length() == 0 ? new JsonObject() : Api.body(ctx);
    if (b == null) {
      return;
    }
    int seconds;
    String reason;
    try {
      seconds = b.getInteger("seconds", 60);
      reason = b.getString("reason");
    } catch (ClassCastException e) {
      Api.invalid(ctx, "seconds", "seconds must be a whole number and reason a string", "seconds 必须是整数");
      return;
    }
    if (reason != null && reason.length() > 200) {
      Api.invalid(ctx, "reason", "reason is at most 200 characters", "原因最多 200 个字符");
      return;
    }
    reply(ctx, u, "recording.pause", id, service.pause(id, u, seconds, reason));
  }

  private void resume(RoutingContext ctx) {
    User u = Api.user(ctx);
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      Api.error(ctx, 404, "not_found", "no such call");
      return;
    }
    reply(ctx, u, "recording.resume", id, service.resume(id, u));
  }

  private void record(RoutingContext ctx) {
    User u = Api.user(ctx);
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      Api.error(ctx, 404, "not_found", "no such call");
      return;
    }
    reply(ctx, u, "recording.request", id, service.requestRecording(id, u).map(v -> new JsonObject()
        .put("attemptId", id).put("requested", true)));
  }

  private void reply(RoutingContext ctx, User u, String action, String id, Future<JsonObject> f) {
    f.onComplete(ar -> {
      String result = ar.succeeded() ? "ok" : ar.cause() instanceof Problem r ? r.code() : "error";
      audit.record(u, u.username(), action, "recording:" + id, result, clientIp(ctx),
          ar.succeeded() ? ar.result() : null);
      if (ar.succeeded()) {
        Api.json(ctx, 200, ar.result());
      } else if (ar.cause() instanceof Problem r) {
        Api.error(ctx, r.status(), r.code(), r.getMessage());
      } else {
        Api.error(ctx, 503, "unavailable", String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  private void retry(RoutingContext ctx) {
    User u = Api.user(ctx);
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      Api.error(ctx, 404, "not_found", "no such recording");
      return;
    }
    service.find(id).onComplete(ar -> {
      if (ar.failed()) {
        Api.error(ctx, 503, "unavailable", "the catalog is not reachable");
      } else if (ar.result().isEmpty()) {
        Api.error(ctx, 404, "not_found", "no such recording");
      } else if (!"failed".equals(ar.result().get().getString("status"))) {
        Api.error(ctx, 409, "not_failed", "only a failed recording is retried");
      } else {
        audit.record(u, u.username(), "recording.retry", "recording:" + id, "ok", clientIp(ctx), null);
        service.process(id).onComplete(done -> {
          if (done.failed()) {
            Api.error(ctx, 503, "unavailable", String.valueOf(done.cause().getMessage()));
          } else {
            Api.json(ctx, 200, publicView(done.result()));
          }
        });
      }
    });
  }

  private void hold(RoutingContext ctx) {
    User u = Api.user(ctx);
    String id = ctx.pathParam("id");
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("legalHold") instanceof Boolean hold)) {
      Api.invalid(ctx, "legalHold", "legalHold must be true or false", "legalHold 必须是 true 或 false");
      return;
    }
    if (!ID.matcher(id).matches()) {
      Api.error(ctx, 404, "not_found", "no such recording");
      return;
    }
    service.setLegalHold(id, hold).compose(changed -> {
      if (changed.isEmpty()) {
        Api.error(ctx, 404, "not_found", "no such recording");
        return Future.succeededFuture();
      }
      return audit.record(u, u.username(), "recording.hold", "recording:" + id, hold ? "hold" : "release",
              clientIp(ctx), null).map(changed.get())
          .onSuccess(row -> Api.json(ctx, 200, publicView(row)));
    }).onFailure(e -> Api.error(ctx, 503, "unavailable", String.valueOf(e.getMessage())));
  }

  static String clientIp(RoutingContext ctx) {
    var a = ctx.request().remoteAddress();
    return a == null ? null : a.hostAddress();
  }
}
