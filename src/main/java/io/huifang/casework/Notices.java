package io.huifang.casework;

import io.vertx.core.Future;

/**
 * Where the news of plans and appeals goes (docs/casework-api.md, "Notifications": {@code plan.opened},
 * {@code plan.late}, {@code appeal.filed}, {@code appeal.decided}). The wiring supplies the notifications;
 * {@link #LOG} only logs.
 */
@FunctionalInterface
public interface Notices {
  Notices LOG = (kind, refId, dealerId, detail) -> {
    org.slf4j.LoggerFactory.getLogger(Notices.class).atInfo().setMessage("plan notice").addKeyValue("kind", kind)
        .addKeyValue("ref", refId).addKeyValue("dealer", dealerId).addKeyValue("detail", detail).log();
    return Future.succeededFuture();
  };

  /** {@code kind} about {@code refId} (a plan, an appeal) of {@code dealerId}; {@code detail}: e.g. the late step. */
  Future<Void> send(String kind, long refId, long dealerId, String detail);
}
