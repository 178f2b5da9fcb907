package io.huifang.supervisor;

import io.huifang.core.Invalid;
import io.huifang.core.Role;
import io.huifang.web.Api;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The supervisor's charts and reports (docs/supervisor-api.md, "Routes"): supervisors and admins only. Both are
 * computed from the tables when asked, so they hold whatever happened before a crash.
 */
public final class SupervisorReportRoutes {
  private static final Set<Role> READERS = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);

  private final Vertx vertx;
  private final Charts charts;
  private final Reports reports;
  private final ZoneId zone;
  private final Clock clock;

  /** {@code zone}: the centre's time zone, whose days the charts and reports are of. */
  public SupervisorReportRoutes(Vertx vertx, Pool pool, ZoneId zone, Clock clock) {
    this.vertx = vertx;
    this.charts = new Charts(pool, zone);
    this.reports = new Reports(pool, zone);
    this.zone = zone;
    this.clock = clock;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/supervisor/charts", READERS, this::charts);
    api.route(HttpMethod.GET, "/supervisor/reports", READERS, this::report);
    api.route(HttpMethod.GET, "/supervisor/reports.xlsx", READERS, this::reportXlsx);
  }

  private void charts(RoutingContext ctx) {
    LocalDate day;
    Long campaignId;
    try {
      day = date(ctx, "day");
      campaignId = id(ctx, "campaignId");
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    charts.of(day, campaignId, clock.instant()).onSuccess(c -> Api.json(ctx, 200, c))
        .onFailure(e -> Api.fail(ctx, e));
  }

  /** The report's parameters, read once for both forms. */
  private record Ask(Reports.Period period, LocalDate date, Reports.By by, boolean english) {
  }

  private Ask ask(RoutingContext ctx) {
    try {
      Reports.Period period = choice(ctx, "period", Reports.Period.class, Reports.Period.DAY,
          "period must be day or week", "统计周期应为 day 或 week");
      LocalDate date = date(ctx, "date");
      Reports.By by = choice(ctx, "by", Reports.By.class, Reports.By.AGENT, "by must be agent or campaign",
          "分组应为 agent 或 campaign");
      String lang = ctx.request().getParam("lang");
      if (lang != null && !lang.equals("zh") && !lang.equals("en")) {
        throw new Invalid("lang", "lang must be zh or en", "语言应为 zh 或 en");
      }
      return new Ask(period, date, by, "en".equals(lang));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return null;
    }
  }

  private void report(RoutingContext ctx) {
    Ask a = ask(ctx);
    if (a == null) {
      return;
    }
    reports.of(a.period(), a.date(), a.by(), clock.instant()).onSuccess(r -> Api.json(ctx, 200, r))
        .onFailure(e -> Api.fail(ctx, e));
  }

  /** The same report as XLSX, written on a worker (hundreds of rows: tens of kilobytes) and sent in one piece. */
  private void reportXlsx(RoutingContext ctx) {
    Ask a = ask(ctx);
    if (a == null) {
      return;
    }
    reports.of(a.period(), a.date(), a.by(), clock.instant())
        .compose(r -> vertx.executeBlocking(() -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          ReportXlsx.write(r, a.english(), out);
          return Buffer.buffer(out.toByteArray());
        }, false))
        .onSuccess(buf -> ctx.response().setStatusCode(200)
            .putHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .putHeader("Content-Disposition", "attachment; filename=\"report-" + a.by().name().toLowerCase()
                + "-" + a.period().name().toLowerCase() + "-" + a.date() + ".xlsx\"")
            .putHeader("Cache-Control", "no-store")
            .end(buf))
        .onFailure(e -> Api.fail(ctx, e));
  }

  /** A YYYY-MM-DD parameter; today in the centre's time zone when absent. */
  private LocalDate date(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return LocalDate.now(clock.withZone(zone));
    }
    try {
      return LocalDate.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw new Invalid(name, name + " must be a date, YYYY-MM-DD", name + " 应为日期（YYYY-MM-DD）");
    }
  }

  private static Long id(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      long id = Long.parseLong(v.trim());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new Invalid(name, name + " must be a positive number", name + " 应为正整数");
  }

  private static <E extends Enum<E>> E choice(RoutingContext ctx, String name, Class<E> type, E dflt, String en,
                                              String zh) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v.trim())) {
        return e;
      }
    }
    throw new Invalid(name, en, zh);
  }
}
