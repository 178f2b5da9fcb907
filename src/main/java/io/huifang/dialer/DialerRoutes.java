package io.huifang.dialer;

import io.huifang.core.Role;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.function.Supplier;

/** {@code GET /api/dialer}: the live dialer's figures per campaign, per PBX and summed (supervisors, admins). */
public final class DialerRoutes {
  private final Supplier<DialerService> dialer;

  /** The dialer starts after the routes are registered (it needs the PBXes): until then the list is empty. */
  public DialerRoutes(Supplier<DialerService> dialer) {
    this.dialer = dialer;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/dialer", EnumSet.of(Role.SUPERVISOR, Role.ADMIN), this::status);
  }

  private void status(RoutingContext ctx) {
    DialerService d = dialer.get();
    (d == null ? Future.succeededFuture(new JsonObject().put("campaigns", new JsonArray())) : d.status())
        .onSuccess(status -> Api.json(ctx, 200, status))
        .onFailure(ctx::fail);
  }
}
