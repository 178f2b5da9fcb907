package io.huifang.casework;

import io.vertx.core.Future;

/**
 * Where a plan's news goes (docs/casework-api.md, "Notifications": {@code plan.opened}, {@code plan.late} to the
 * dealer's users and the staff). The wiring supplies the notifications; {@link #LOG} only logs.
 */
@FunctionalInterface
public interface PlanNotices {
  PlanNotices LOG = (kind, planId, dealerId, detail) -> {
    org.slf4j.LoggerFactory.getLogger(PlanNotices.class).atInfo().setMessage("plan notice").addKeyValue("kind", kind)
        .addKeyValue("plan", planId).addKeyValue("dealer", dealerId).addKeyValue("detail", detail).log();
    return Future.succeededFuture();
  };

  /** {@code kind}: plan.opened or plan.late; {@code detail}: the late step, or the month. */
  Future<Void> send(String kind, long planId, long dealerId, String detail);
}
