package io.huifang.survey;

import io.huifang.auth.AuditLog;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.NoSuchElementException;

/**
 * Questionnaires over HTTP: admins, supervisors and QA list them; everyone who works with surveys (agents too:
 * they read the script) reads one; only admins save a new version.
 */
public final class QuestionnaireRoutes {
  private final QuestionnaireStore store;
  private final AuditLog audit;

  public QuestionnaireRoutes(QuestionnaireStore store, AuditLog audit) {
    this.store = store;
    this.audit = audit;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/questionnaires", EnumSet.of(Role.ADMIN, Role.SUPERVISOR, Role.QA), this::list);
    api.route(HttpMethod.GET, "/questionnaires/:key", EnumSet.of(Role.ADMIN, Role.SUPERVISOR, Role.QA, Role.AGENT),
        this::get);
    api.route(HttpMethod.PUT, "/questionnaires/:key", EnumSet.of(Role.ADMIN), this::save);
  }

  private void list(RoutingContext ctx) {
    store.list().onFailure(ctx::fail).onSuccess(list -> {
      JsonArray arr = new JsonArray();
      list.forEach(s -> arr.add(s.toJson()));
      Api.json(ctx, 200, new JsonObject().put("questionnaires", arr));
    });
  }

  /** {@code {"questionnaire": {...definition with version...}, "versions": [{version, created, createdBy}, ...]}}. */
  private void get(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    Integer version;
    try {
      version = Api.versionParam(ctx);
    } catch (io.huifang.core.Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    (version == null ? store.current(key) : store.version(key, version))
        .compose(q -> store.history(key).map(h -> {
          JsonArray versions = new JsonArray();
          h.forEach(i -> versions.add(i.toJson()));
          return new JsonObject().put("questionnaire", q.toJson()).put("versions", versions);
        }))
        .onSuccess(body -> Api.json(ctx, 200, body))
        .onFailure(e -> {
          if (e instanceof NoSuchElementException) {
            Api.error(ctx, 404, "not_found", e.getMessage());
          } else {
            ctx.fail(e);
          }
        });
  }

  private void save(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    String key = ctx.pathParam("key");
    User u = Api.user(ctx);
    if ("true".equals(ctx.request().getParam("dryRun"))) {
      // The editor's preview: what saving would refuse, nothing stored.
      try {
        Questionnaire q = QuestionnaireStore.check(key, b);
        Api.json(ctx, 200, new JsonObject().put("questionnaire", q.toJson()).put("dryRun", true));
      } catch (QuestionnaireException qe) {
        Api.invalid(ctx, qe.path().isEmpty() ? "body" : qe.path(), qe.getMessage(), qe.chinese());
      }
      return;
    }
    store.save(key, b, u.id())
        .onSuccess(q -> {
          audit.record(u, u.username(), "questionnaire.save", "questionnaire " + q.key(), "ok",
              Api.clientIp(ctx), new JsonObject().put("version", q.version()));
          Api.json(ctx, 200, new JsonObject().put("questionnaire", q.toJson()));
        })
        .onFailure(e -> {
          if (e instanceof QuestionnaireException qe) {
            Api.invalid(ctx, qe.path().isEmpty() ? "body" : qe.path(), qe.getMessage(), qe.chinese());
          } else {
            ctx.fail(e);
          }
        });
  }
}
