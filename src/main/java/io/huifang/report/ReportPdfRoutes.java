package io.huifang.report;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;

/**
 * The dealer's voice-of-the-customer report as PDF (docs/report-api.md): {@code GET
 * /api/reports/months/:kind/:month/dealers/:dealerId/report.pdf?lang=zh|en}, for supervisors and admins, and for a
 * dealer user its own dealer's report of an approved month ({@link #dealerMayRead}).
 */
public final class ReportPdfRoutes {
  /** Who reads a dealer's report: the staff, and the dealer itself (checked per request). */
  static final EnumSet<Role> READERS = EnumSet.of(Role.SUPERVISOR, Role.ADMIN, Role.DEALER);

  /** The {@code <Voc>} of a dealer's month (MonthService#voc). */
  @FunctionalInterface
  public interface Vocs {
    Future<JsonObject> voc(String kind, java.time.YearMonth month, long dealerId);
  }

  private final Vertx vertx;
  private final Vocs vocs;

  public ReportPdfRoutes(Vertx vertx, Vocs vocs) {
    this.vertx = vertx;
    this.vocs = vocs;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/reports/months/:kind/:month/dealers/:dealerId/report.pdf", READERS, this::pdf);
  }

  /**
   * Null when {@code user} may read the report of {@code dealerId}; else why not (the 403's message). Staff read
   * every dealer's; a dealer user only its own dealer's ({@code app_user.dealer_id}), and only once the month is
   * approved (a draft's scores may still change). {@code state} null: not known yet (checked again once it is).
   */
  static String dealerMayRead(User user, long dealerId, String state) {
    if (user.role() != Role.DEALER) {
      return null;
    }
    if (user.dealerId() == null || user.dealerId() != dealerId) {
      return "a dealer user reads its own dealer's reports only";
    }
    if (state != null && !"approved".equals(state)) {
      return "the month is not approved yet";
    }
    return null;
  }

  /**
   * The {@code <Voc>} for this request's user: {@link Problem} 403 ({@code forbidden}) for a dealer user reading
   * another dealer's report or a month not approved.
   */
  static Future<JsonObject> vocFor(Vocs vocs, User user, String kind, java.time.YearMonth month, long dealerId) {
    String refused = dealerMayRead(user, dealerId, null);
    if (refused != null) {
      return Future.failedFuture(Problem.forbidden(refused));
    }
    return vocs.voc(kind, month, dealerId).compose(voc -> {
      String late = dealerMayRead(user, dealerId, voc.getString("state"));
      return late == null ? Future.succeededFuture(voc) : Future.failedFuture(Problem.forbidden(late));
    });
  }

  private void pdf(RoutingContext ctx) {
    ReportRoutes.KindMonth km;
    long dealerId;
    boolean english;
    try {
      km = ReportRoutes.path(ctx);
      dealerId = ReportRoutes.dealerId(ctx);
      String lang = ctx.request().getParam("lang");
      if (lang != null && !lang.equals("zh") && !lang.equals("en")) {
        throw new Invalid("lang", "lang must be zh or en", "语言应为 zh 或 en");
      }
      english = "en".equals(lang);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    vocFor(vocs, Api.user(ctx), km.kind(), km.month(), dealerId)
        // A few hundred milliseconds of layout and font subsetting: on a worker, never the event loop.
        .compose(voc -> vertx.executeBlocking(() -> Buffer.buffer(VocPdf.render(voc, english)), false))
        .onSuccess(pdf -> ctx.response().setStatusCode(200)
            .putHeader("Content-Type", "application/pdf")
            .putHeader("Content-Disposition", "attachment; filename=\"voc-" + km.kind() + "-" + km.month() + "-dealer"
                + dealerId + "-" + (english ? "en" : "zh") + ".pdf\"")
            .putHeader("Cache-Control", "no-store")
            .end(pdf))
        .onFailure(e -> Api.fail(ctx, e));
  }
}
