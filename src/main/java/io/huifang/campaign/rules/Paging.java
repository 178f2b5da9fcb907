package io.huifang.campaign.rules;

import io.huifang.web.Api;
import io.vertx.ext.web.RoutingContext;

/** {@code ?limit=&offset=} of a list page: limit 1–200 (default 50), offset 0–100,000; null after answering 400. */
record Paging(int limit, int offset) {
  static Paging of(RoutingContext ctx) {
    int limit;
    int offset;
    try {
      limit = number(ctx.request().getParam("limit"), 50);
      offset = number(ctx.request().getParam("offset"), 0);
    } catch (NumberFormatException e) {
      Api.invalid(ctx, "limit", "limit and offset must be whole numbers", "limit 和 offset 必须是整数");
      return null;
    }
    if (limit < 1 || limit > 200) {
      Api.invalid(ctx, "limit", "limit must be from 1 to 200", "limit 必须在 1 到 200 之间");
      return null;
    }
    if (offset < 0 || offset > 100_000) {
      Api.invalid(ctx, "offset", "offset must be from 0 to 100000", "offset 必须在 0 到 100000 之间");
      return null;
    }
    return new Paging(limit, offset);
  }

  private static int number(String v, int otherwise) {
    return v == null || v.isBlank() ? otherwise : Integer.parseInt(v.trim());
  }
}
