package io.huifang.dealer;

import io.huifang.core.Role;
import io.huifang.core.Invalid;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.regex.Pattern;

/** Dealers: admins create them and record their monthly workshop volume; supervisors read them. */
public final class DealerRoutes {
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

  private final DealerStore dealers;
  private final io.huifang.auth.AuditLog audit;

  public DealerRoutes(DealerStore dealers, io.huifang.auth.AuditLog audit) {
    this.dealers = dealers;
    this.audit = audit;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/dealers", EnumSet.of(Role.SUPERVISOR, Role.ADMIN), this::list);
    api.route(HttpMethod.POST, "/dealers", EnumSet.of(Role.ADMIN), this::create);
    api.route(HttpMethod.GET, "/dealers/volumes", EnumSet.of(Role.SUPERVISOR, Role.ADMIN), this::volumes);
    api.route(HttpMethod.PUT, "/dealers/:id/volume", EnumSet.of(Role.ADMIN), this::setVolume);
    api.route(HttpMethod.PUT, "/dealers/:id/placement", EnumSet.of(Role.ADMIN), this::setPlacement);
  }

  private void list(RoutingContext ctx) {
    dealers.list().onFailure(ctx::fail).onSuccess(arr -> Api.json(ctx, 200, new JsonObject().put("dealers", arr)));
  }

  private void create(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    String code = b.getValue("code") instanceof String s ? s.trim() : null;
    String name = b.getValue("name") instanceof String s ? s.trim() : null;
    if (code == null || !CODE.matcher(code).matches()) {
      Api.invalid(ctx, "code", "dealer code: 1–32 letters, digits, '.', '_' or '-'",
          "经销商编号为 1–32 个字母、数字、“.”、“_”或“-”");
      return;
    }
    if (name == null || name.isEmpty() || name.length() > 100) {
      Api.invalid(ctx, "name", "dealer name is required (at most 100 characters)", "请输入经销商名称（最多 100 个字符）");
      return;
    }
    dealers.create(code, name).onSuccess(d -> Api.json(ctx, 201, new JsonObject().put("dealer", d)))
        .onFailure(e -> Api.fail(ctx, e));
  }

  private void setVolume(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    LocalDate month;
    try {
      month = YearMonth.parse(String.valueOf(b.getValue("month"))).atDay(1);
    } catch (DateTimeParseException e) {
      Api.invalid(ctx, "month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      return;
    }
    if (!(b.getValue("volume") instanceof Number n) || n.intValue() < 0 || n.doubleValue() != n.intValue()) {
      Api.invalid(ctx, "volume", "volume must be a whole number ≥ 0", "台次必须是大于等于 0 的整数");
      return;
    }
    if (n.longValue() > 1_000_000) {
      Api.invalid(ctx, "volume", "volume must be at most 1,000,000 a month", "台次每月不能超过 1,000,000");
      return;
    }
    var who = Api.user(ctx);
    dealers.setVolume(id, month, n.intValue()).onFailure(ctx::fail).onSuccess(found -> {
      if (found) {
        // The data-quality check compares it with the upload, and a mismatch costs the dealer 50 points: audited.
        audit.record(who, who.username(), "dealer.volume", "dealer " + id, "ok", Api.clientIp(ctx),
            new JsonObject().put("month", month.toString().substring(0, 7)).put("volume", n.intValue()));
        Api.json(ctx, 200, new JsonObject().put("dealerId", id).put("month", month.toString().substring(0, 7))
            .put("volume", n.intValue()));
      } else {
        Api.error(ctx, 404, "not_found", "no dealer " + id);
      }
    });
  }

  /** {@code ?month=YYYY-MM}: every dealer's declared workshop volume that month, for the entry form. */
  private void volumes(RoutingContext ctx) {
    LocalDate month;
    try {
      month = YearMonth.parse(String.valueOf(ctx.request().getParam("month")).trim()).atDay(1);
    } catch (DateTimeParseException e) {
      Api.invalid(ctx, "month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      return;
    }
    dealers.volumes(month).onFailure(ctx::fail).onSuccess(arr -> Api.json(ctx, 200, new JsonObject()
        .put("month", month.toString().substring(0, 7)).put("dealers", arr)));
  }

  /** {"region", "group"}: where the dealer is ranked in the month's dealer scores; null or "" clears. */
  private void setPlacement(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    String region;
    String group;
    try {
      region = placement(b, "region");
      group = placement(b, "group");
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    dealers.setPlacement(id, region, group).onFailure(ctx::fail).onSuccess(found -> {
      if (found) {
        Api.json(ctx, 200, new JsonObject().put("dealerId", id).put("region", region).put("group", group));
      } else {
        Api.error(ctx, 404, "not_found", "no dealer " + id);
      }
    });
  }

  private static String placement(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.trim().length() > 64) {
      throw new Invalid(field, field + " must be text of at most 64 characters", "最多 64 个字符");
    }
    return s.trim().isEmpty() ? null : s.trim();
  }
}
