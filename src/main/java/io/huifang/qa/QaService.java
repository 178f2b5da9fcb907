package io.huifang.qa;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The QA module's service: the live draw of the month's samples (it listens for submitted surveys and ready
 * recordings), the queue and its claims. Routes call it; the wiring (app.Server) starts and stops it.
 */
public final class QaService {
  /** Published by desk.DeskEvents (a peer: the address is shared by name, not by import). */
  static final String SURVEY_SUBMITTED = "huifang.survey.submitted";

  private final Vertx vertx;
  private final QaStore store;
  private final Clock clock;

  public QaService(Vertx vertx, QaStore store, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
  }

  public QaStore store() {
    return store;
  }

  public Future<Void> start() {
    return Future.succeededFuture();
  }

  public void stop() {
  }
}
