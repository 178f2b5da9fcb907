package io.huifang.campaign.schedule;

import static io.huifang.web.Api.pathId;

import io.huifang.core.Role;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;

/** Task counts per campaign, and special-case filings (特殊情况备案) that keep a task from expiring as not called. */
public final class ScheduleRoutes {
  private final Scheduler scheduler;

  public ScheduleRoutes(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  public void register(Api api) {
    var staff = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
    api.route(HttpMethod.GET, "/campaigns/:id/tasks/summary", staff, this::summary);
    api.route(HttpMethod.GET, "/campaigns/:id/progress", staff, this::progress);
    api.route(HttpMethod.POST, "/tasks/:id/filing", staff, this::file);
  }

  private void summary(RoutingContext ctx) {
    Long id = pathId(ctx);
    if (id != null) {
      scheduler.summary(id).onFailure(ctx::fail)
          .onSuccess(s -> Api.json(ctx, 200, new JsonObject().put("campaignId", id).put("tasks", s)));
    }
  }

  private void progress(RoutingContext ctx) {
    Long id = pathId(ctx);
    if (id != null) {
      scheduler.progress(id, java.time.Instant.now()).onFailure(ctx::fail).onSuccess(p -> {
        if (p.isPresent()) {
          Api.json(ctx, 200, p.get());
        } else {
          Api.error(ctx, 404, "not_found", "no campaign " + id);
        }
      });
    }
  }

  private void file(RoutingContext ctx) {
    Long id = pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    String reason = b.getValue("reason") instanceof String s ? s.strip() : "";
    if (reason.isEmpty() || reason.length() > 500) {
      Api.invalid(ctx, "reason", "give the reason for the filing (at most 500 characters)", "请填写备案原因（最多 500 个字符）");
      return;
    }
    scheduler.fileSpecialCase(id, reason, Api.user(ctx).id()).onFailure(ctx::fail).onSuccess(found -> {
      if (found) {
        Api.json(ctx, 201, new JsonObject().put("taskId", id).put("reason", reason));
      } else {
        Api.error(ctx, 404, "not_found", "no task " + id);
      }
    });
  }
}
