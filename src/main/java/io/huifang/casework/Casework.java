package io.huifang.casework;

import io.huifang.auth.AuditLog;
import io.huifang.campaign.FollowUps;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.huifang.survey.QuestionnaireStore;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The casework module as the wiring (app.Server) sees it: notifications, second callbacks and cases, their routes,
 * and what runs in the background (the survey listener, the overdue job). Appeals and plans take
 * {@link #secondCallbacks()} and {@link #notifications()} from here.
 */
public final class Casework {
  private static final Logger log = LoggerFactory.getLogger(Casework.class);

  private final Vertx vertx;
  private final Notifications notifications;
  private final SecondCallbacks secondCallbacks;
  private final CaseworkSettings settings;
  private final Cases cases;
  private final CaseRoutes caseRoutes;
  private long overdueTimer = -1;

  public Casework(Vertx vertx, Pool pool, AuditLog audit, QuestionnaireStore questionnaires) {
    this.vertx = vertx;
    this.notifications = new Notifications(vertx, pool);
    this.secondCallbacks = new SecondCallbacks(vertx, pool, new FollowUps(pool));
    this.settings = new CaseworkSettings(pool);
    this.cases = new Cases(vertx, new CaseStore(pool), settings, questionnaires, secondCallbacks, notifications);
    this.caseRoutes = new CaseRoutes(cases, settings, audit);
    secondCallbacks.onOverdue(Cases.PURPOSE, cases::callbackOverdue);
  }

  /** The settings (dueDays, appealDays, callbackDays, autoOpen, departments, severity, lowSurveyBelow). */
  public CaseworkSettings settings() {
    return settings;
  }

  /**
   * Flags what fell due: cases not handled by their due time, second callbacks not answered by their deadline
   * (handed to the owner of their purpose). The minute job; tests call it directly.
   */
  public Future<Void> flagOverdue(Instant now) {
    return cases.flagOverdue(now).compose(n -> secondCallbacks.flagOverdue(now)).mapEmpty();
  }

  public Notifications notifications() {
    return notifications;
  }

  public SecondCallbacks secondCallbacks() {
    return secondCallbacks;
  }

  public void register(Api api) {
    notifications.register(api);
    caseRoutes.register(api);
  }

  /** Runs its periodic job only while {@code held} says so (the wiring: this node holds the job's lease). */
  public void onlyWhile(java.util.function.BooleanSupplier held) {
    this.held = held;
  }

  private volatile java.util.function.BooleanSupplier held = () -> true;

  public Future<Void> start() {
    secondCallbacks.start();
    cases.start();
    // due times pass by the minute: an overdue case is flagged and notified within a minute of it
    overdueTimer = vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), id -> (held.getAsBoolean()
        ? flagOverdue(Instant.now()) : Future.succeededFuture())
        .onFailure(e -> log.atWarn().setMessage("casework overdue flagging failed")
            .addKeyValue("error", String.valueOf(e)).log()));
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    if (overdueTimer >= 0) {
      vertx.cancelTimer(overdueTimer);
    }
    return Future.join(secondCallbacks.stop(), cases.stop()).mapEmpty();
  }
}
