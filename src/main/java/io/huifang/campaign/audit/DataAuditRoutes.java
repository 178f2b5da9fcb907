package io.huifang.campaign.audit;

import io.huifang.core.Role;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;

/** {@code GET /api/data-quality?campaignId=&month=YYYY-MM}: the per-dealer audit, for supervisors and admins. */
public final class DataAuditRoutes {
  private final DataAuditStore store;

  public DataAuditRoutes(DataAuditStore store) {
    this.store = store;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/data-quality", EnumSet.of(Role.SUPERVISOR, Role.ADMIN), this::audit);
  }

  private void audit(RoutingContext ctx) {
    Long campaignId = null;
    LocalDate month = null;
    String c = ctx.request().getParam("campaignId");
    String m = ctx.request().getParam("month");
    try {
      if (c != null && !c.isBlank()) {
        campaignId = Long.parseLong(c.trim());
      }
    } catch (NumberFormatException e) {
      Api.invalid(ctx, "campaignId", "campaignId must be a number", "活动编号必须是数字");
      return;
    }
    try {
      if (m != null && !m.isBlank()) {
        month = YearMonth.parse(m.trim()).atDay(1);
      }
    } catch (DateTimeParseException e) {
      Api.invalid(ctx, "month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      return;
    }
    Long cid = campaignId;
    LocalDate mon = month;
    store.audit(cid, mon).onFailure(ctx::fail).onSuccess(arr -> Api.json(ctx, 200, new JsonObject()
        .put("campaignId", cid).put("month", mon == null ? null : mon.toString().substring(0, 7)).put("dealers", arr)));
  }
}
