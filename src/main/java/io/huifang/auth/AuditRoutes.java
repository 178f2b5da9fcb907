package io.huifang.auth;

import io.huifang.web.Api;

import io.huifang.core.Invalid;
import io.huifang.core.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;

/**
 * The audit trail for supervisors (who signed in, when) and admins: filtered by user, action and time, newest first,
 * paged back with {@code before} (the {@code next} of the previous page).
 */
public final class AuditRoutes {
  private final AuditLog audit;

  public AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  public void register(Api api) {
    var staff = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
    api.route(HttpMethod.GET, "/audit", staff, this::search);
    api.route(HttpMethod.GET, "/audit/actions", staff, this::actions);
  }

  private void search(RoutingContext ctx) {
    AuditLog.Filter f;
    try {
      f = filter(ctx);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    audit.search(f).onFailure(ctx::fail).onSuccess(rows -> {
      JsonObject out = new JsonObject().put("entries", rows);
      // A full page may have more behind it: the id to ask before.
      if (rows.size() == f.limit()) {
        out.put("next", rows.getJsonObject(rows.size() - 1).getLong("id"));
      }
      Api.json(ctx, 200, out);
    });
  }

  private void actions(RoutingContext ctx) {
    audit.actions().onFailure(ctx::fail)
        .onSuccess(arr -> Api.json(ctx, 200, new JsonObject().put("actions", arr)));
  }

  private static AuditLog.Filter filter(RoutingContext ctx) {
    var p = ctx.request().params();
    int limit;
    Long before;
    try {
      limit = p.get("limit") == null ? 100 : Integer.parseInt(p.get("limit").trim());
    } catch (NumberFormatException e) {
      throw new Invalid("limit", "limit must be a whole number", "limit 必须是整数");
    }
    if (limit < 1 || limit > 500) {
      throw new Invalid("limit", "limit must be from 1 to 500", "limit 必须在 1 到 500 之间");
    }
    try {
      before = p.get("before") == null || p.get("before").isBlank() ? null : Long.parseLong(p.get("before").trim());
    } catch (NumberFormatException e) {
      throw new Invalid("before", "before must be a whole number (an entry's id)", "before 必须是整数（记录编号）");
    }
    String action = blankToNull(p.get("action"));
    if (action != null && action.length() > 64) {
      throw new Invalid("action", "action filter too long", "操作筛选条件过长");
    }
    String actor = blankToNull(p.get("user"));
    if (actor != null && actor.length() > 64) {
      throw new Invalid("user", "user filter too long", "用户筛选条件过长");
    }
    Instant from = instant(p.get("from"), "from");
    Instant to = instant(p.get("to"), "to");
    if (from != null && to != null && !to.isAfter(from)) {
      throw new Invalid("to", "the end of the period must be after its start", "结束时间必须晚于开始时间");
    }
    return new AuditLog.Filter(actor, action, from, to, before, limit);
  }

  /** An ISO-8601 instant with its offset (the page sends the start of the user's local day). */
  private static Instant instant(String v, String field) {
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new Invalid(field, field + " must be a time like 2026-12-01T00:00:00+08:00",
          field + " 格式应为 2026-12-01T00:00:00+08:00");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
