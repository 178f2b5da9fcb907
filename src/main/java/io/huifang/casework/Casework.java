package io.huifang.casework;

import io.huifang.auth.AuditLog;
import io.huifang.campaign.FollowUps;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The casework module as the wiring (app.Server) sees it: notifications, second callbacks and cases, their routes,
 * and what runs in the background (the survey listener, the overdue job). Appeals and plans take
 * {@link #secondCallbacks()} and {@link #notifications()} from here.
 */
public final class Casework {
  private final Notifications notifications;
  private final SecondCallbacks secondCallbacks;

  public Casework(Vertx vertx, Pool pool, AuditLog audit) {
    this.notifications = new Notifications(vertx, pool);
    this.secondCallbacks = new SecondCallbacks(vertx, pool, new FollowUps(pool));
  }

  public Notifications notifications() {
    return notifications;
  }

  public SecondCallbacks secondCallbacks() {
    return secondCallbacks;
  }

  public void register(Api api) {
    notifications.register(api);
  }

  public Future<Void> start() {
    secondCallbacks.start();
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    return secondCallbacks.stop();
  }
}
