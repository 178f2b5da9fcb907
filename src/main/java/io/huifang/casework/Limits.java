package io.huifang.casework;

import io.huifang.web.Api;
import io.vertx.ext.web.RoutingContext;

/** Whole-number query parameters with bounds, answered 400 naming the parameter when out of them. */
final class Limits {
  private Limits() {
  }

  /** The parameter, {@code dflt} when absent; null after answering 400. */
  static Integer param(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    Api.invalid(ctx, name, name + " must be a whole number from " + min + " to " + max,
        name + " 必须是 " + min + " 到 " + max + " 之间的整数");
    return null;
  }

  /** A long id parameter, null when absent; {@code -1} after answering 400. */
  static Long id(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      Api.invalid(ctx, name, name + " must be a number", name + " 必须是数字");
      return -1L;
    }
  }
}
