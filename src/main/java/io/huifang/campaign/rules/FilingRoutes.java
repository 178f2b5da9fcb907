package io.huifang.campaign.rules;

import io.huifang.auth.AuditLog;
import io.huifang.core.Invalid;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;

/**
 * Special-case filings (特殊情况备案) with their period: listed, found by customer, added for a task, removed. Supervisors
 * and admins (who could already file with POST /api/tasks/:id/filing); every addition and removal is audited.
 */
public final class FilingRoutes {
  static final int MAX_REASON = 500;
  /** A filing longer than a year is not a special case. */
  static final int MAX_DAYS = 366;

  private final FilingStore store;
  private final AuditLog audit;

  public FilingRoutes(FilingStore store, AuditLog audit) {
    this.store = store;
    this.audit = audit;
  }

  public void register(Api api) {
    var staff = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
    api.route(HttpMethod.GET, "/filings", staff, this::list);
    api.route(HttpMethod.GET, "/filings/candidates", staff, this::candidates);
    api.route(HttpMethod.POST, "/filings", staff, this::add);
    api.route(HttpMethod.DELETE, "/filings/:id", staff, this::remove);
  }

  private void list(RoutingContext ctx) {
    Paging p = Paging.of(ctx);
    if (p == null) {
      return;
    }
    try {
      Long campaignId = campaignId(ctx);
      store.list(campaignId, query(ctx), p.limit(), p.offset()).onFailure(ctx::fail)
          .onSuccess(page -> Api.json(ctx, 200, page.put("limit", p.limit()).put("offset", p.offset())));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
    }
  }

  private void candidates(RoutingContext ctx) {
    try {
      Long campaignId = campaignId(ctx);
      String q = query(ctx);
      if (q.length() < 2) {
        throw new Invalid("q", "type at least 2 characters of the customer's name or number",
            "请输入客户姓名或号码的至少 2 个字符");
      }
      store.candidates(campaignId, q).onFailure(ctx::fail)
          .onSuccess(arr -> Api.json(ctx, 200, new JsonObject().put("tasks", arr)));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
    }
  }

  private void add(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    long taskId;
    String reason;
    LocalDate from;
    LocalDate to;
    try {
      if (!(b.getValue("taskId") instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
          || n.longValue() < 1) {
        throw new Invalid("taskId", "choose the customer's task (taskId)", "请选择客户的回访任务");
      }
      taskId = n.longValue();
      reason = b.getValue("reason") instanceof String s ? s.strip() : "";
      if (reason.isEmpty() || reason.length() > MAX_REASON) {
        throw new Invalid("reason", "give the reason for the filing (at most " + MAX_REASON + " characters)",
            "请填写备案原因（最多 " + MAX_REASON + " 个字符）");
      }
      from = date(b, "from");
      to = date(b, "to");
      if (to.isBefore(from)) {
        throw new Invalid("to", "the period ends before it starts", "备案期结束日期早于开始日期");
      }
      if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
        throw new Invalid("to", "a filing covers at most " + MAX_DAYS + " days", "备案期最长 " + MAX_DAYS + " 天");
      }
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    User u = Api.user(ctx);
    store.add(taskId, reason, from, to, u.id()).onFailure(ctx::fail).onSuccess(r -> {
      switch (r.outcome()) {
        case NO_TASK -> Api.error(ctx, 404, "not_found", "no task " + taskId);
        case ALREADY_FILED -> Api.json(ctx, 409, new JsonObject().put("error", "already_filed").put("field", "taskId")
            .put("message", Api.prefersChinese(ctx) ? "该任务已有备案；如需修改请先删除原备案"
                : "the task has a filing already; remove it first to change it"));
        case ADDED -> audit.record(u, u.username(), "filing.add", "task " + taskId, "ok", Api.clientIp(ctx),
                new JsonObject().put("filingId", r.filing().getLong("id")).put("reason", reason)
                    .put("from", from.toString()).put("to", to.toString()))
            .onFailure(ctx::fail).onSuccess(v -> Api.json(ctx, 201, new JsonObject().put("filing", r.filing())));
        default -> throw new IllegalStateException(r.outcome().name());
      }
    });
  }

  private void remove(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    User u = Api.user(ctx);
    store.remove(id).onFailure(ctx::fail).onSuccess(gone -> {
      if (gone.isEmpty()) {
        Api.error(ctx, 404, "not_found", "no filing " + id);
        return;
      }
      JsonObject f = gone.get();
      audit.record(u, u.username(), "filing.remove", "task " + f.getLong("taskId"), "ok", Api.clientIp(ctx), f)
          .onFailure(ctx::fail).onSuccess(v -> ctx.response().setStatusCode(204).end());
    });
  }

  private static Long campaignId(RoutingContext ctx) {
    String c = ctx.request().getParam("campaignId");
    if (c == null || c.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(c.trim());
    } catch (NumberFormatException e) {
      throw new Invalid("campaignId", "campaignId must be a number", "活动编号必须是数字");
    }
  }

  private static String query(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    q = q == null ? "" : q.strip();
    if (q.length() > 40) {
      throw new Invalid("q", "search text too long (at most 40 characters)", "查找内容过长（最多 40 个字符）");
    }
    // LIKE's own wildcards are taken literally.
    return q.replace("\\", "").replace("%", "").replace("_", "");
  }

  private static LocalDate date(JsonObject b, String field) {
    try {
      return LocalDate.parse(b.getValue(field) instanceof String s ? s.strip() : "");
    } catch (DateTimeParseException e) {
      throw new Invalid(field, field + " must be a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD");
    }
  }
}
