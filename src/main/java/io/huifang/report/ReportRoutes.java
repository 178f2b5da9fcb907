package io.huifang.report;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.VolumeCheck;
import io.huifang.report.ScoringRules.AuditFinding;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The month's dealer scores (docs/report-api.md): supervisors and admins. */
public final class ReportRoutes {
  private static final EnumSet<Role> STAFF = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
  private static final Pattern MONTH = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");
  private static final Pattern ITEM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  private static final String M = "/reports/months/:kind/:month";

  private final Vertx vertx;
  private final MonthService months;

  public ReportRoutes(Vertx vertx, MonthService months) {
    this.vertx = vertx;
    this.months = months;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/reports/months", STAFF, this::list);
    api.route(HttpMethod.POST, "/reports/months", STAFF, this::compute);
    api.route(HttpMethod.GET, M, STAFF, this::ranking);
    api.route(HttpMethod.GET, M + "/checks", STAFF, this::checks);
    api.route(HttpMethod.PUT, M + "/inputs/:dealerId", STAFF, this::inputs);
    api.route(HttpMethod.POST, M + "/review", STAFF, ctx -> step(ctx, "review"));
    api.route(HttpMethod.POST, M + "/approve", STAFF, ctx -> step(ctx, "approve"));
    api.route(HttpMethod.POST, M + "/reopen", STAFF, ctx -> step(ctx, "reopen"));
    // A dealer user reads its own dealer's report of an approved month (ReportPdfRoutes.dealerMayRead).
    api.route(HttpMethod.GET, M + "/dealers/:dealerId", ReportPdfRoutes.READERS, this::voc);
    // The dealer portal's list of its reports: the approved months of one dealer (a dealer user: its own only).
    api.route(HttpMethod.GET, "/reports/dealers/:dealerId/approved", ReportPdfRoutes.READERS, this::approvedOf);
    api.route(HttpMethod.PUT, M + "/dealers/:dealerId/suggestions/:itemId", STAFF, this::suggestion);
    api.route(HttpMethod.GET, M + "/ranking.xlsx", STAFF, this::rankingXlsx);
    api.route(HttpMethod.GET, M + "/samples.xlsx", STAFF, this::samplesXlsx);
  }

  /** The kind and month of a request (path or body), checked. */
  record KindMonth(String kind, YearMonth month) {
  }

  static String kind(Object v) {
    if (!"csi".equals(v) && !"ssi".equals(v)) {
      throw new Invalid("kind", "kind must be csi or ssi", "类型应为 csi 或 ssi");
    }
    return (String) v;
  }

  static YearMonth month(Object v) {
    if (!(v instanceof String s) || !MONTH.matcher(s).matches()) {
      throw new Invalid("month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
    }
    try {
      return YearMonth.parse(s);
    } catch (DateTimeParseException e) {
      throw new Invalid("month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
    }
  }

  static KindMonth path(RoutingContext ctx) {
    return new KindMonth(kind(ctx.pathParam("kind")), month(ctx.pathParam("month")));
  }

  /** The path's kind and month, or null after answering 400 naming the bad one. */
  private static KindMonth pathOrAnswered(RoutingContext ctx) {
    try {
      return path(ctx);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return null;
    }
  }

  static long dealerId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("dealerId"));
    } catch (NumberFormatException e) {
      throw new Invalid("dealerId", "dealerId must be a number", "网点编号必须是数字");
    }
  }

  private static <T> void answer(RoutingContext ctx, Future<T> f, java.util.function.Function<T, JsonObject> body) {
    f.onSuccess(v -> Api.json(ctx, 200, body.apply(v))).onFailure(e -> Api.fail(ctx, e));
  }

  private void list(RoutingContext ctx) {
    String k = ctx.queryParams().get("kind");
    try {
      if (k != null) {
        kind(k);
      }
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    answer(ctx, months.months(k), arr -> new JsonObject().put("months", arr));
  }

  private void compute(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    KindMonth km;
    try {
      km = new KindMonth(kind(b.getValue("kind")), month(b.getValue("month")));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    answer(ctx, months.compute(km.kind(), km.month(), Api.user(ctx), Api.clientIp(ctx)), r -> r);
  }

  private void ranking(RoutingContext ctx) {
    try {
      KindMonth km = path(ctx);
      answer(ctx, months.ranking(km.kind(), km.month()), r -> r);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
    }
  }

  private void checks(RoutingContext ctx) {
    try {
      KindMonth km = path(ctx);
      answer(ctx, months.checks(km.kind(), km.month()), r -> r);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
    }
  }

  private void step(RoutingContext ctx, String action) {
    KindMonth km = pathOrAnswered(ctx);
    if (km == null) {
      return;
    }
    var user = Api.user(ctx);
    String ip = Api.clientIp(ctx);
    Future<JsonObject> f = switch (action) {
      case "review" -> months.review(km.kind(), km.month(), user, ip);
      case "approve" -> months.approve(km.kind(), km.month(), user, ip);
      default -> months.reopen(km.kind(), km.month(), user, ip);
    };
    answer(ctx, f, r -> r);
  }

  /** {"audit": [finding kinds], "volume": "not_done|matching|not_matching|not_shown", "latePlans": [ids]}. */
  private void inputs(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    KindMonth km;
    long dealer;
    Checks checks;
    try {
      km = path(ctx);
      dealer = dealerId(ctx);
      checks = checks(b);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    answer(ctx, months.putInputs(km.kind(), km.month(), dealer, checks, Api.user(ctx), Api.clientIp(ctx)), r -> r);
  }

  static Checks checks(JsonObject b) {
    Set<AuditFinding> audit = EnumSet.noneOf(AuditFinding.class);
    JsonArray a = array(b, "audit");
    for (int i = 0; i < a.size(); i++) {
      AuditFinding f = a.getValue(i) instanceof String s ? ReportStore.finding(s) : null;
      if (f == null) {
        throw new Invalid("audit[" + i + "]", "one of duplicate_phones, refusals, missing_numbers, work_orders_open,"
            + " vehicles_not_matching", "抽查问题类型不正确");
      }
      audit.add(f);
    }
    Object v = b.getValue("volume", "not_done");
    VolumeCheck volume = v instanceof String s ? ReportStore.volume(s) : null;
    if (volume == null) {
      throw new Invalid("volume", "volume: not_done, matching, not_matching or not_shown", "现场台次核查结果不正确");
    }
    List<String> late = new ArrayList<>();
    JsonArray l = array(b, "latePlans");
    for (int i = 0; i < l.size(); i++) {
      if (!(l.getValue(i) instanceof String s) || s.isBlank() || s.length() > 64) {
        throw new Invalid("latePlans[" + i + "]", "a plan's id: text of 1–64 characters", "整改计划编号为 1–64 个字符");
      }
      late.add(s);
    }
    return new Checks(audit, volume, late);
  }

  private static JsonArray array(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null) {
      return new JsonArray();
    }
    if (!(v instanceof JsonArray a)) {
      throw new Invalid(field, field + " must be a list", field + " 必须是列表");
    }
    return a;
  }

  private void voc(RoutingContext ctx) {
    try {
      KindMonth km = path(ctx);
      answer(ctx, ReportPdfRoutes.vocFor(months::voc, Api.user(ctx), km.kind(), km.month(), dealerId(ctx)), r -> r);
      // the PDF is downloaded from this report: its renderer warms up meanwhile (once per process)
      vertx.executeBlocking(() -> {
        VocPdf.warmUp();
        return null;
      }, false);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
    }
  }

  private void approvedOf(RoutingContext ctx) {
    long dealer;
    try {
      dealer = dealerId(ctx);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    String refused = ReportPdfRoutes.dealerMayRead(Api.user(ctx), dealer, null);
    if (refused != null) {
      Api.fail(ctx, Problem.forbidden(refused));
      return;
    }
    answer(ctx, months.approvedOf(dealer), arr -> new JsonObject().put("months", arr));
  }

  private void suggestion(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    try {
      KindMonth km = path(ctx);
      long dealer = dealerId(ctx);
      String item = ctx.pathParam("itemId");
      if (item == null || !ITEM.matcher(item).matches()) {
        throw new Invalid("itemId", "itemId is an item id of the questionnaire", "题目编号不正确");
      }
      if (!(b.getValue("text") instanceof String t) || t.isBlank() || t.length() > 2000) {
        throw new Invalid("text", "text: 1–2000 characters", "建议为 1–2000 个字符");
      }
      answer(ctx, months.putSuggestion(km.kind(), km.month(), dealer, item, t.strip(), Api.user(ctx),
          Api.clientIp(ctx)), r -> r);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
    }
  }

  private void rankingXlsx(RoutingContext ctx) {
    KindMonth km = pathOrAnswered(ctx);
    if (km == null) {
      return;
    }
    send(ctx, months.ranking(km.kind(), km.month()).compose(r -> vertx.executeBlocking(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MonthXlsx.ranking(r, out);
      return Buffer.buffer(out.toByteArray());
    }, false)), "ranking-" + km.kind() + "-" + km.month() + ".xlsx");
  }

  private void samplesXlsx(RoutingContext ctx) {
    KindMonth km = pathOrAnswered(ctx);
    if (km == null) {
      return;
    }
    // the month must exist (404 otherwise); the samples are read as they are now, like the checks
    send(ctx, months.ranking(km.kind(), km.month()).compose(r -> {
      Map<Long, JsonObject> dealers = new HashMap<>();
      r.getJsonArray("dealers").forEach(o -> dealers.put(((JsonObject) o).getLong("dealerId"), (JsonObject) o));
      return months.samples(km.kind(), km.month()).compose(samples -> vertx.executeBlocking(() -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MonthXlsx.samples(samples, dealers, out);
        return Buffer.buffer(out.toByteArray());
      }, false));
    }), "samples-" + km.kind() + "-" + km.month() + ".xlsx");
  }

  private static void send(RoutingContext ctx, Future<Buffer> f, String name) {
    f.onSuccess(buf -> ctx.response().setStatusCode(200).putHeader("Content-Type", XLSX)
            .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"")
            .putHeader("Cache-Control", "no-store").end(buf))
        .onFailure(e -> Api.fail(ctx, e));
  }
}
