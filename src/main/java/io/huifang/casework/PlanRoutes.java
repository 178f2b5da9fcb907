package io.huifang.casework;

import io.huifang.core.Invalid;
import io.huifang.core.Role;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The improvement plans' routes (docs/casework-api.md, "Improvement plans"). */
public final class PlanRoutes {
  private static final EnumSet<Role> DEALER = EnumSet.of(Role.DEALER);
  private static final Pattern MONTH = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");

  private final Supplier<Plans> plans;
  private final String uploadsDir;

  /** {@code uploadsDir}: where multipart uploads land before they are checked and kept. */
  public PlanRoutes(Supplier<Plans> plans, String uploadsDir) {
    this.plans = plans;
    this.uploadsDir = uploadsDir;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/plans", Portal.STAFF_AND_DEALER, this::list);
    api.route(HttpMethod.GET, "/plans/:id", Portal.STAFF_AND_DEALER, this::get);
    api.route(HttpMethod.POST, "/plans/:id/meeting", DEALER, this::meeting);
    // the file plus the form's few fields
    api.upload(HttpMethod.POST, "/plans/:id/minutes", DEALER, Plans.MINUTES_LIMIT + 64 * 1024, uploadsDir,
        this::minutes);
    api.route(HttpMethod.GET, "/plans/:id/minutes", Portal.STAFF_AND_DEALER, this::download);
    api.route(HttpMethod.POST, "/plans/:id/result", DEALER, this::result);
    api.route(HttpMethod.POST, "/plans/:id/accept", Portal.STAFF, this::accept);
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> f) {
    f.onSuccess(v -> Api.json(ctx, 200, v)).onFailure(e -> Api.fail(ctx, e));
  }

  private void list(RoutingContext ctx) {
    PlanStore.Filter f;
    try {
      String kind = param(ctx, "kind");
      if (kind != null && !kind.equals("csi") && !kind.equals("ssi")) {
        throw new Invalid("kind", "kind must be csi or ssi", "类型应为 csi 或 ssi");
      }
      String month = param(ctx, "month");
      if (month != null && !MONTH.matcher(month).matches()) {
        throw new Invalid("month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      }
      String late = param(ctx, "late");
      if (late != null && !late.equals("true") && !late.equals("false")) {
        throw new Invalid("late", "late must be true or false", "late 应为 true 或 false");
      }
      f = new PlanStore.Filter(kind, month == null ? null : YearMonth.parse(month), longParam(ctx, "dealerId"),
          late == null ? null : Boolean.valueOf(late), Api.intParam(ctx, "limit", 200, 1, 1000));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    plans.get().list(Api.user(ctx), f, Api.clientIp(ctx))
        .onSuccess(rows -> Api.json(ctx, 200, new JsonObject().put("plans", rows)))
        .onFailure(e -> Api.fail(ctx, e));
  }

  private void get(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id != null) {
      answer(ctx, plans.get().get(Api.user(ctx), id, Api.clientIp(ctx)));
    }
  }

  private void meeting(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    Plans.Meeting m;
    try {
      LocalDate heldOn = date(b.getValue("heldOn"), "heldOn");
      String attendees = text(b.getValue("attendees"), "attendees", 1, 2000);
      Object itemsValue = b.getValue("items");
      if (!(itemsValue instanceof JsonArray items) || items.isEmpty() || items.size() > 50) {
        throw new Invalid("items", "items: 1–50 improvement items {indicator, action, owner}",
            "整改项目应为 1–50 项（指标、措施、负责人）");
      }
      JsonArray clean = new JsonArray();
      for (int i = 0; i < items.size(); i++) {
        if (!(items.getValue(i) instanceof JsonObject it)) {
          throw new Invalid("items[" + i + "]", "an item is {indicator, action, owner}", "整改项目应包含指标、措施、负责人");
        }
        clean.add(new JsonObject()
            .put("indicator", text(it.getValue("indicator"), "items[" + i + "].indicator", 1, 200))
            .put("action", text(it.getValue("action"), "items[" + i + "].action", 1, 2000))
            .put("owner", text(it.getValue("owner"), "items[" + i + "].owner", 1, 100)));
      }
      m = new Plans.Meeting(heldOn, attendees, clean, date(b.getValue("periodEnd"), "periodEnd"));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    answer(ctx, plans.get().meeting(Api.user(ctx), id, m, Api.clientIp(ctx)));
  }

  private void minutes(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    FileUpload file = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
    if (file == null) {
      Api.invalid(ctx, "file", "choose the signed minutes (PDF, JPEG or PNG)", "请选择签字的会议纪要（PDF、JPEG 或 PNG）");
      return;
    }
    String signedBy;
    try {
      signedBy = text(ctx.request().getFormAttribute("signedBy"), "signedBy", 1, 100);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    answer(ctx, plans.get().minutes(Api.user(ctx), id,
        new Plans.Minutes(file.uploadedFileName(), file.fileName(), file.size(), signedBy), Api.clientIp(ctx)));
  }

  private void download(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    plans.get().minutesFile(Api.user(ctx), id, Api.clientIp(ctx)).onSuccess(f -> {
      String name = f.getString("name").replaceAll("[^A-Za-z0-9._-]", "_");
      ctx.response().putHeader("Content-Type", f.getString("type"))
          .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Cache-Control", "private, no-store")
          .sendFile(f.getString("path")).onFailure(e -> {
            if (!ctx.response().headWritten()) {
              ctx.fail(e);
            }
          });
    }).onFailure(e -> Api.fail(ctx, e));
  }

  private void result(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    String text;
    try {
      text = text(b.getValue("text"), "text", 5, 20_000);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    answer(ctx, plans.get().result(Api.user(ctx), id, text, Api.clientIp(ctx)));
  }

  private void accept(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    String note;
    try {
      note = b.getValue("note") == null ? null : text(b.getValue("note"), "note", 0, 2000);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    answer(ctx, plans.get().accept(Api.user(ctx), id, note, Api.clientIp(ctx)));
  }

  // ---- input ------------------------------------------------------------------------------------------------------

  static String text(Object v, String field, int min, int max) {
    if (!(v instanceof String s) || s.strip().length() < min || s.strip().length() > max) {
      throw new Invalid(field, field + ": text of " + min + "–" + max + " characters",
          field + " 应为 " + min + "–" + max + " 个字符");
    }
    return s.strip();
  }

  static LocalDate date(Object v, String field) {
    if (v instanceof String s) {
      try {
        return LocalDate.parse(s);
      } catch (DateTimeParseException e) {
        // answered below
      }
    }
    throw new Invalid(field, field + " must be a date YYYY-MM-DD", field + " 应为日期 YYYY-MM-DD");
  }

  static String param(RoutingContext ctx, String name) {
    return Api.queryParam(ctx, name);
  }

  static Long longParam(RoutingContext ctx, String name) {
    String v = param(ctx, name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new Invalid(name, name + " must be a number", name + " 必须是数字");
    }
  }

}
