package io.huifang.qa;

import io.huifang.auth.AuditLog;
import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.qa.EvaluationStore.EvalRow;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.util.EnumSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scorecards, evaluations, disputes, calibrations and the month summary over HTTP (docs/qa-api.md, "Evaluations").
 * An evaluation is an access to a recording: opening (starting or reading) and submitting one is written to the
 * audit log with subject {@code recording:<id>} before the answer is sent (nothing is served when the log cannot be
 * written), refusals included, beside the recording routes' own rows.
 */
public final class EvaluationRoutes {
  static final Pattern MONTH = Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2])");
  private static final Set<Role> READERS = EnumSet.of(Role.QA, Role.SUPERVISOR, Role.ADMIN);

  private final Vertx vertx;
  private final Evaluations evaluations;
  private final Calibrations calibrations;
  private final QaMonthSummary summary;
  private final AuditLog audit;

  public EvaluationRoutes(Vertx vertx, Evaluations evaluations, Calibrations calibrations, QaMonthSummary summary,
                          AuditLog audit) {
    this.vertx = vertx;
    this.evaluations = evaluations;
    this.calibrations = calibrations;
    this.summary = summary;
    this.audit = audit;
  }

  /** Builds the routes with their stores on {@code pool}. */
  public static EvaluationRoutes create(Vertx vertx, io.vertx.sqlclient.Pool pool,
                                        io.huifang.survey.QuestionnaireStore questionnaires, AuditLog audit) {
    ScorecardStore cards = new ScorecardStore(pool);
    return new EvaluationRoutes(vertx, new Evaluations(new EvaluationStore(pool), cards, questionnaires,
        java.time.Clock.systemUTC()), new Calibrations(pool, cards), new QaMonthSummary(pool), audit);
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/qa/scorecards", READERS, this::scorecards);
    api.route(HttpMethod.GET, "/qa/scorecards/:key", Role.ALL, this::scorecard);
    api.route(HttpMethod.PUT, "/qa/scorecards/:key", EnumSet.of(Role.ADMIN, Role.QA), this::saveScorecard);
    api.route(HttpMethod.POST, "/qa/samples/:id/evaluations", EnumSet.of(Role.QA), refusedOnSample("qa.evaluation.open"),
        this::start);
    api.route(HttpMethod.GET, "/qa/evaluations/:id", Role.ALL, refused("qa.evaluation.view"), this::get);
    api.route(HttpMethod.PUT, "/qa/evaluations/:id", EnumSet.of(Role.QA), this::save);
    api.route(HttpMethod.POST, "/qa/evaluations/:id/comments", EnumSet.of(Role.QA), this::comment);
    api.route(HttpMethod.POST, "/qa/evaluations/:id/submit", EnumSet.of(Role.QA), refused("qa.evaluation.submit"),
        this::submit);
    api.route(HttpMethod.GET, "/qa/mine", EnumSet.of(Role.AGENT), this::mine);
    api.route(HttpMethod.POST, "/qa/evaluations/:id/acknowledge", EnumSet.of(Role.AGENT), this::acknowledge);
    api.route(HttpMethod.POST, "/qa/evaluations/:id/dispute", EnumSet.of(Role.AGENT), this::dispute);
    api.route(HttpMethod.GET, "/qa/disputes", READERS, this::disputes);
    api.route(HttpMethod.POST, "/qa/disputes/:id/rescore", EnumSet.of(Role.QA), this::rescore);
    api.route(HttpMethod.POST, "/qa/calibrations", EnumSet.of(Role.QA, Role.SUPERVISOR), this::createCalibration);
    api.route(HttpMethod.GET, "/qa/calibrations", READERS, this::calibrations);
    api.route(HttpMethod.GET, "/qa/calibrations/:id", READERS, this::calibration);
    api.route(HttpMethod.GET, "/qa/months/:month/summary", READERS, this::summary);
    api.route(HttpMethod.GET, "/qa/months/:month/summary.xlsx", READERS, this::summaryXlsx);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Audit

  private static String subject(EvalRow e) {
    return e.recordingId() != null ? "recording:" + e.recordingId() : "attempt:" + e.attemptId();
  }

  /** Writes the access row, then answers; if the row cannot be written, nothing is served. */
  private void logged(RoutingContext ctx, String action, String subject, String result, JsonObject detail,
                      Runnable then) {
    User u = Api.user(ctx);
    audit.record(u, u == null ? null : u.username(), action, subject, result, Api.clientIp(ctx), detail)
        .onSuccess(v -> then.run())
        .onFailure(e -> Api.error(ctx, 503, "unavailable", "the access log cannot be written"));
  }

  /** A refusal by the guard on an evaluation route, logged against the evaluation's recording when there is one. */
  private Api.Refusal refused(String action) {
    return (ctx, u, status, code) -> {
      Long id = parseId(ctx.pathParam("id"));
      Future<String> subject = id == null ? Future.succeededFuture("qa_evaluation:?")
          : evaluations.store().find(id).map(o -> o.map(EvaluationRoutes::subject).orElse("qa_evaluation:" + id))
              .recover(e -> Future.succeededFuture("qa_evaluation:" + id));
      return subject.compose(s -> audit.record(u, u == null ? null : u.username(), action, s, code, Api.clientIp(ctx),
          refusalDetail(ctx, u, status)));
    };
  }

  private Api.Refusal refusedOnSample(String action) {
    return (ctx, u, status, code) -> {
      Long id = parseId(ctx.pathParam("id"));
      Future<String> subject = id == null ? Future.succeededFuture("qa_sample:?")
          : evaluations.store().sample(id).map(o -> o.map(s -> s.recordingId() != null ? "recording:" + s.recordingId()
              : "attempt:" + s.attemptId()).orElse("qa_sample:" + id))
              .recover(e -> Future.succeededFuture("qa_sample:" + id));
      return subject.compose(s -> audit.record(u, u == null ? null : u.username(), action, s, code, Api.clientIp(ctx),
          refusalDetail(ctx, u, status)));
    };
  }

  private static JsonObject refusalDetail(RoutingContext ctx, User u, int status) {
    JsonObject d = new JsonObject().put("status", status).put("method", ctx.request().method().name());
    if (u != null) {
      d.put("role", u.role().id());
    }
    return d;
  }

  private static Long parseId(String s) {
    try {
      return s == null ? null : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Answers a failure: bad input 400 naming the field, a QA rule 403/404/409, anything else 500. */
  private void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof NoSuchElementException) {
      Api.error(ctx, 404, "not_found", e.getMessage());
    } else {
      Api.fail(ctx, e);
    }
  }

  /**
   * A refusal of an evaluation access by the rules (not yours, blind, not found) is logged like a recording refusal
   * (result denied / not_found) before it is answered.
   */
  private void refusedAccess(RoutingContext ctx, String action, long id, Throwable e) {
    if (!(e instanceof Problem p)) {
      fail(ctx, e);
      return;
    }
    evaluations.store().find(id).map(o -> o.map(EvaluationRoutes::subject).orElse("qa_evaluation:" + id))
        .recover(x -> Future.succeededFuture("qa_evaluation:" + id))
        .onSuccess(subject -> logged(ctx, action, subject, p.status() == 404 ? "not_found" : "denied",
            new JsonObject().put("evaluation", id).put("why", p.getMessage()).put("role", Api.user(ctx).role().id()),
            () -> fail(ctx, e)));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scorecards

  private void scorecards(RoutingContext ctx) {
    evaluations.scorecards().list().onFailure(e -> fail(ctx, e))
        .onSuccess(list -> Api.json(ctx, 200, new JsonObject().put("scorecards", list)));
  }

  private void scorecard(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    Integer version;
    try {
      version = Api.versionParam(ctx);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    ScorecardStore cards = evaluations.scorecards();
    (version == null ? cards.current(key) : cards.version(key, version))
        .compose(card -> cards.history(key).map(h -> new JsonObject().put("scorecard", card.toJson())
            .put("versions", h)))
        .onSuccess(body -> Api.json(ctx, 200, body))
        .onFailure(e -> fail(ctx, e));
  }

  private void saveScorecard(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    User u = Api.user(ctx);
    evaluations.scorecards().save(ctx.pathParam("key"), b, u.id())
        .onSuccess(card -> audit.record(u, u.username(), "qa.scorecard.save", "qa_scorecard " + card.key(), "ok",
                Api.clientIp(ctx), new JsonObject().put("version", card.version()))
            .onComplete(x -> Api.json(ctx, 200, new JsonObject().put("scorecard", card.toJson()))))
        .onFailure(e -> fail(ctx, e));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Evaluations

  private void start(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    JsonObject b = ctx.body().length() == 0 ? new JsonObject() : Api.body(ctx);
    if (b == null) {
      return;
    }
    Object sc = b.getValue("scorecard");
    if (sc != null && !(sc instanceof String)) {
      Api.invalid(ctx, "scorecard", "must be a scorecard key", "必须是评分表的 key");
      return;
    }
    User u = Api.user(ctx);
    evaluations.start(u, id, (String) sc)
        .compose(e -> evaluations.json(e).map(j -> {
          logged(ctx, "qa.evaluation.open", subject(e), "ok", new JsonObject().put("evaluation", e.id())
              .put("sample", e.sampleId()).put("kind", e.kind()), () -> Api.json(ctx, 200, j));
          return j;
        }))
        .onFailure(e -> fail(ctx, e));
  }

  private void get(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    User u = Api.user(ctx);
    evaluations.visible(u, id).compose(e -> evaluations.json(e).map(j -> {
      logged(ctx, "qa.evaluation.view", subject(e), "ok", new JsonObject().put("evaluation", e.id())
          .put("kind", e.kind()).put("status", e.status()), () -> Api.json(ctx, 200, j));
      return j;
    })).onFailure(e -> refusedAccess(ctx, "qa.evaluation.view", id, e));
  }

  private void save(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    evaluations.save(Api.user(ctx), id, b).compose(evaluations::json)
        .onSuccess(j -> Api.json(ctx, 200, j)).onFailure(e -> fail(ctx, e));
  }

  private void comment(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    evaluations.comment(Api.user(ctx), id, b).onSuccess(c -> Api.json(ctx, 201, c)).onFailure(e -> fail(ctx, e));
  }

  private void submit(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    evaluations.submit(Api.user(ctx), id).compose(e -> evaluations.json(e).map(j -> {
      logged(ctx, "qa.evaluation.submit", subject(e), "ok", new JsonObject().put("evaluation", e.id())
          .put("kind", e.kind()).put("score", e.score()).put("passed", e.passed())
          .put("findings", j.getJsonObject("findings")), () -> Api.json(ctx, 200, j));
      return j;
    })).onFailure(e -> fail(ctx, e));
  }

  private void mine(RoutingContext ctx) {
    evaluations.mine(Api.user(ctx)).onSuccess(list -> Api.json(ctx, 200, new JsonObject().put("evaluations", list)))
        .onFailure(e -> fail(ctx, e));
  }

  private void acknowledge(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    evaluations.acknowledge(Api.user(ctx), id).compose(evaluations::json)
        .onSuccess(j -> Api.json(ctx, 200, j)).onFailure(e -> fail(ctx, e));
  }

  private void dispute(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    evaluations.dispute(Api.user(ctx), id, b)
        .onSuccess(d -> Api.json(ctx, 201, new JsonObject().put("dispute", d))).onFailure(e -> fail(ctx, e));
  }

  private void disputes(RoutingContext ctx) {
    String status = ctx.request().getParam("status");
    evaluations.disputes(Api.user(ctx), status == null || status.isBlank() ? null : status.trim())
        .onSuccess(list -> Api.json(ctx, 200, new JsonObject().put("disputes", list))).onFailure(e -> fail(ctx, e));
  }

  private void rescore(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    evaluations.rescore(Api.user(ctx), id).compose(e -> evaluations.json(e).map(j -> {
      logged(ctx, "qa.evaluation.open", subject(e), "ok", new JsonObject().put("evaluation", e.id())
          .put("kind", e.kind()).put("dispute", id), () -> Api.json(ctx, 200, j));
      return j;
    })).onFailure(e -> fail(ctx, e));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Calibrations

  private void createCalibration(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    calibrations.create(Api.user(ctx), b).onSuccess(c -> Api.json(ctx, 201, new JsonObject().put("calibration", c)))
        .onFailure(e -> fail(ctx, e));
  }

  private void calibrations(RoutingContext ctx) {
    calibrations.list(Api.user(ctx)).onSuccess(l -> Api.json(ctx, 200, new JsonObject().put("calibrations", l)))
        .onFailure(e -> fail(ctx, e));
  }

  private void calibration(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    calibrations.get(Api.user(ctx), id).onSuccess(c -> {
      String rec = c.getString("recordingId");
      logged(ctx, "qa.calibration.view", rec != null ? "recording:" + rec : "attempt:" + c.getString("attemptId"),
          "ok", new JsonObject().put("calibration", id).put("blind", c.getBoolean("blind")),
          () -> Api.json(ctx, 200, new JsonObject().put("calibration", c)));
    }).onFailure(e -> fail(ctx, e));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The month

  /** The month and campaign of a summary request, or null after answering 400. */
  private static Object[] monthArgs(RoutingContext ctx) {
    String month = ctx.pathParam("month");
    if (month == null || !MONTH.matcher(month).matches()) {
      Api.invalid(ctx, "month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      return null;
    }
    String c = ctx.request().getParam("campaignId");
    Long campaign = null;
    if (c != null && !c.isBlank()) {
      try {
        campaign = Long.parseLong(c.trim());
      } catch (NumberFormatException e) {
        Api.invalid(ctx, "campaignId", "campaignId must be a number", "调研项目编号必须是数字");
        return null;
      }
    }
    return new Object[] {month, campaign};
  }

  private void summary(RoutingContext ctx) {
    Object[] a = monthArgs(ctx);
    if (a == null) {
      return;
    }
    summary.of((String) a[0], (Long) a[1]).onSuccess(s -> Api.json(ctx, 200, s)).onFailure(e -> fail(ctx, e));
  }

  /** The same as XLSX, written on a worker (a few hundred rows: tens of kilobytes) and sent in one piece. */
  private void summaryXlsx(RoutingContext ctx) {
    Object[] a = monthArgs(ctx);
    if (a == null) {
      return;
    }
    summary.of((String) a[0], (Long) a[1])
        .compose(s -> vertx.executeBlocking(() -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          QaMonthXlsx.write(s, out);
          return Buffer.buffer(out.toByteArray());
        }, false))
        .onSuccess(buf -> ctx.response().setStatusCode(200)
            .putHeader("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .putHeader("Content-Disposition", "attachment; filename=\"qa-" + a[0]
                + (a[1] == null ? "" : "-campaign-" + a[1]) + ".xlsx\"")
            .putHeader("Cache-Control", "no-store")
            .end(buf))
        .onFailure(e -> fail(ctx, e));
  }
}
