package io.huifang.report;

import io.huifang.auth.AuditLog;
import io.huifang.core.Problem;
import io.huifang.core.User;
import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.Outcome;
import io.huifang.report.DealerMonth.Sample;
import io.huifang.report.ReportStore.DealerRow;
import io.huifang.report.ReportStore.SampleRow;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.QuestionnaireStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The month's dealer scores (docs/report-api.md): computes a month from the database with the pure core
 * ({@link DealerScoring}, {@link Ranking}) and stores it in one transaction, moves it through draft → reviewed →
 * approved (audited, an approved month frozen), and reads the ranking, the checks and one dealer's
 * voice-of-the-customer report ({@link VocReport}).
 *
 * <p>Questionnaire: a month is scored against one questionnaire per kind: the latest version of the key most of the
 * month's samples were answered on (the built-in default of the kind when there is none). Answers are read by item
 * id, so a sample taken on an earlier version is scored on the items the two versions share.
 */
public final class MonthService {
  /** Months are calendar months in the campaigns' default time zone (China Standard Time). */
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  private final Vertx vertx;
  private final Pool pool;
  private final ReportStore store;
  private final QuestionnaireStore questionnaires;
  private final AuditLog audit;
  private final Appeals appeals;
  private final ScoringRules rules;

  public MonthService(Vertx vertx, Pool pool, QuestionnaireStore questionnaires, AuditLog audit, Appeals appeals,
                      ScoringRules rules) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = new ReportStore();
    this.questionnaires = questionnaires;
    this.audit = audit;
    this.appeals = appeals;
    this.rules = rules;
  }

  static OffsetDateTime start(YearMonth m) {
    return m.atDay(1).atStartOfDay(ZONE).toOffsetDateTime();
  }

  static OffsetDateTime end(YearMonth m) {
    return start(m.plusMonths(1));
  }

  static YearMonth monthOf(java.time.Instant at) {
    return YearMonth.from(at.atZone(ZONE));
  }

  // ---- computing ------------------------------------------------------------------------------------------------

  /** Computes (or recomputes) the month; 409 {@code frozen} when it is approved. Answers the ranking. */
  public Future<JsonObject> compute(String kind, YearMonth month, User user, String ip) {
    OffsetDateTime from = start(month);
    OffsetDateTime to = end(month);
    return appeals.upheld(kind, from, to)
        .compose(appealed -> pool.withTransaction(c -> store.lockMonth(c, kind, month).compose(existing -> {
          if (existing != null && "approved".equals(existing.getString("state"))) {
            return Future.failedFuture(Problem.conflict("frozen",
                kind + " " + month + " is approved: reopen it before recomputing"));
          }
          return computeIn(c, kind, month, from, to, appealed, user)
              .map(n -> new JsonObject().put("recomputed", existing != null).put("dealers", n));
        })))
        .compose(r -> audit.record(user, user.username(), "report.month.compute", kind + ":" + month, "ok", ip,
            r.copy()).map(r))
        .compose(r -> ranking(kind, month));
  }

  private Future<Integer> computeIn(SqlConnection c, String kind, YearMonth month, OffsetDateTime from,
                                    OffsetDateTime to, Set<String> appealed, User user) {
    return store.samples(c, kind, from, to, null).compose(samples -> store.dealers(c, kind, from, to)
        .compose(dealers -> store.checkInputs(c, kind, month)
            .compose(manual -> store.latePlans(c, kind, from, to).map(late -> LatePlans.merge(manual, late,
                from.toInstant(), to.toInstant(), java.time.Instant.now()))
            .compose(inputs -> store.past(c, kind, month)
                .compose(past -> questionnaireOf(kind, samples)
                    .compose(q -> vertx.executeBlocking(() -> score(kind, month, q, samples, dealers, inputs, past,
                        appealed), false))
                    .compose(m -> store.saveMonth(c, kind, month, m.questionnaire.key(), m.questionnaire.version(),
                        m.averages, user.id(), m.scores, m.deductions).map(v -> m.scores.size())))))));
  }

  /** The latest version of the questionnaire most of the samples were answered on. */
  private Future<Questionnaire> questionnaireOf(String kind, List<SampleRow> samples) {
    Map<String, Integer> uses = new HashMap<>();
    samples.forEach(s -> uses.merge(s.questionnaireKey(), 1, Integer::sum));
    String key = uses.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
        .map(Map.Entry::getKey).orElse(Questionnaire.Kind.defaultKeyFor(kind));
    return questionnaires.current(key);
  }

  /** What a compute stores. */
  private record Computed(Questionnaire questionnaire, JsonObject averages, List<Tuple> scores,
                          List<Tuple> deductions) {
  }

  /** Scores every dealer and ranks them, decoding each sample's answers as it goes: pure, on a worker. */
  private Computed score(String kind, YearMonth month, Questionnaire q, List<SampleRow> samples,
                         Map<Long, DealerRow> dealers, Map<Long, Checks> inputs,
                         Map<YearMonth, Map<Long, BigDecimal>> past, Set<String> appealed) {
    DealerScoring scoring = new DealerScoring(q, rules);
    Map<Long, List<SampleRow>> byDealer = new HashMap<>();
    for (SampleRow s : samples) {
      byDealer.computeIfAbsent(s.dealerId(), k -> new ArrayList<>()).add(s);
    }
    Map<Long, DealerScore> scores = new HashMap<>();
    List<Ranking.Entry> entries = new ArrayList<>();
    long n = 0;
    for (DealerRow d : dealers.values()) {
      // one dealer's answers decoded at a time: the month's decoded answers are never all held at once
      List<Sample> own = new ArrayList<>();
      for (SampleRow row : byDealer.getOrDefault(d.id(), List.of())) {
        own.add(sample(n++, row, appealed));
      }
      DealerScore s = scoring.score(new DealerMonth(d.id(), month, own, d.listExhausted(),
          inputs.getOrDefault(d.id(), Checks.NONE)));
      scores.put(d.id(), s);
      entries.add(new Ranking.Entry(d.id(), nameOf(d.region()), nameOf(d.group()), s.assessment()));
    }
    Ranking.Table table = Ranking.rank(month, entries, past);
    List<Tuple> rows = new ArrayList<>();
    List<Tuple> deductions = new ArrayList<>();
    java.time.LocalDate m = month.atDay(1);
    for (Ranking.Place p : table.places()) {
      DealerScore s = scores.get(p.dealerId());
      DealerScore.Counts k = s.counts();
      JsonObject ranking = new JsonObject().put("regionAverage", num(p.regionAverage()))
          .put("groupAverage", num(p.groupAverage())).put("monthOnMonth", num(p.monthOnMonth()))
          .put("trend3", trend(month, p.trend3())).put("trend12", trend(month, p.trend12()));
      rows.add(Tuple.wrap(new Object[] {kind, m, p.dealerId(), s.raw(), s.assessment(), s.successRate(),
          k.samples(), k.successful(), k.errorSamples(), k.voided(), k.falsified(), k.appealedAway(), p.rank(),
          p.regionRank(), ScoreJson.toJson(s), ranking}));
      for (DealerScore.Deduction d : s.deductions()) {
        deductions.add(Tuple.of(kind, m, p.dealerId(), d.rule(), d.inputs(), d.points()));
      }
    }
    JsonObject regions = new JsonObject();
    table.regions().forEach((r, v) -> regions.put(r, v.doubleValue()));
    JsonObject groups = new JsonObject();
    table.groups().forEach((g, v) -> groups.put(g, v.doubleValue()));
    JsonObject averages = new JsonObject().put("all", num(table.all())).put("regions", regions)
        .put("groups", groups).put("ranked", table.ranked());
    return new Computed(q, averages, rows, deductions);
  }

  /** A dealer without a region or group is averaged under the empty name. */
  private static String nameOf(String s) {
    return s == null ? "" : s;
  }

  static Sample sample(long n, SampleRow s, Set<String> appealed) {
    Outcome o = "success".equals(s.outcome()) ? Outcome.SUCCESS : Outcome.ERROR_SAMPLE;
    return new Sample(n, o, o == Outcome.SUCCESS ? s.answers() : null, s.voided() || s.qaVoid(), s.falsified(),
        appealed.contains(s.attemptId()));
  }

  private static Double num(BigDecimal b) {
    return b == null ? null : b.doubleValue();
  }

  static JsonObject trend(YearMonth month, Ranking.Trend t) {
    JsonArray months = new JsonArray();
    JsonArray scores = new JsonArray();
    int n = t.scores().size();
    for (int i = 0; i < n; i++) {
      months.add(month.minusMonths(n - 1 - i).toString());
      scores.add(num(t.scores().get(i)));
    }
    return new JsonObject().put("months", months).put("scores", scores).put("mean", num(t.mean()))
        .put("slope", num(t.slope()));
  }

  // ---- reading --------------------------------------------------------------------------------------------------

  public Future<JsonArray> months(String kind) {
    return store.months(pool, kind);
  }

  /** The approved months with a score of {@code dealerId}, newest first (ReportStore#approvedOf). */
  public Future<JsonArray> approvedOf(long dealerId) {
    return store.approvedOf(pool, dealerId);
  }

  /** The stored ranking; 404 when the month was never computed. */
  public Future<JsonObject> ranking(String kind, YearMonth month) {
    return store.month(pool, kind, month).compose(m -> {
      if (m == null) {
        return Future.failedFuture(Problem.notFound(kind + " month " + month));
      }
      return store.scores(pool, kind, month, null, false).map(rows -> m.put("dealers", rows));
    });
  }

  /** The month's samples as scored, for the samples export. */
  public Future<List<SampleRow>> samples(String kind, YearMonth month) {
    return store.samples(pool, kind, start(month), end(month), null);
  }

  // ---- the workflow ---------------------------------------------------------------------------------------------

  /** 审核: by a different user than the one who drafted it. */
  public Future<JsonObject> review(String kind, YearMonth month, User user, String ip) {
    return transition(kind, month, user, ip, "review", Set.of("draft"), "reviewed", m -> {
      JsonObject drafted = m.getJsonObject("steps").getJsonObject("drafted");
      if (drafted != null && drafted.getLong("by") != null && drafted.getLong("by") == user.id()) {
        throw new Problem(403, "same_user", "the month is reviewed by someone other than who drafted it");
      }
    });
  }

  /** 批准: a reviewed month is approved and frozen. */
  public Future<JsonObject> approve(String kind, YearMonth month, User user, String ip) {
    return transition(kind, month, user, ip, "approve", Set.of("reviewed"), "approved", m -> { })
        .compose(m -> store.dealerIds(pool, kind, month).map(ids -> {
          // casework opens the dealers' improvement plans (it is below report: it knows the address only)
          vertx.eventBus().publish(MONTH_APPROVED, new JsonObject().put("kind", kind).put("month", month.toString())
              .put("dealerIds", new JsonArray(ids)).put("at", m.getJsonObject("steps").getJsonObject("approved")
                  .getString("at")));
          return m;
        }));
  }

  /** Published when a month is approved: {@code {"kind","month","dealerIds":[…],"at"}}. */
  public static final String MONTH_APPROVED = "huifang.report.month.approved";

  /** Back to a draft (the only way to recompute an approved month). */
  public Future<JsonObject> reopen(String kind, YearMonth month, User user, String ip) {
    return transition(kind, month, user, ip, "reopen", Set.of("reviewed", "approved"), "draft", m -> { });
  }

  private Future<JsonObject> transition(String kind, YearMonth month, User user, String ip, String action,
                                        Set<String> from, String to, java.util.function.Consumer<JsonObject> check) {
    return pool.withTransaction(c -> store.lockMonth(c, kind, month).compose(m -> {
      if (m == null) {
        return Future.failedFuture(Problem.notFound(kind + " month " + month));
      }
      if (!from.contains(m.getString("state"))) {
        return Future.failedFuture(Problem.conflict("wrong_state", "a " + m.getString("state") + " month cannot be "
            + (action.endsWith("e") ? action + "d" : action + "ed")));
      }
      check.accept(m);
      return store.step(c, kind, month, from, to, user.id()).map(m.getString("state"));
    })).compose(before -> audit.record(user, user.username(), "report.month." + action, kind + ":" + month, "ok", ip,
            new JsonObject().put("from", before).put("to", to)))
        .compose(v -> store.month(pool, kind, month));
  }

  /** The deduction inputs of a dealer; the month must be a draft. They count from the next compute. */
  public Future<JsonObject> putInputs(String kind, YearMonth month, long dealerId, Checks checks, User user,
                                      String ip) {
    return pool.withTransaction(c -> store.lockMonth(c, kind, month).compose(m -> {
      if (m == null) {
        return Future.failedFuture(Problem.notFound(kind + " month " + month));
      }
      if (!"draft".equals(m.getString("state"))) {
        return Future.failedFuture(Problem.conflict("frozen", "the inputs of a " + m.getString("state")
            + " month cannot change: reopen it"));
      }
      return store.saveCheckInput(c, kind, month, dealerId, checks, user.id());
    })).recover(e -> Future.failedFuture(e instanceof io.vertx.pgclient.PgException pg
            && "23503".equals(pg.getSqlState()) ? Problem.notFound("dealer " + dealerId) : e))
        .compose(v -> audit.record(user, user.username(), "report.month.inputs", kind + ":" + month + ":" + dealerId,
            "ok", ip, ReportStore.checksJson(checks)))
        .map(v -> ReportStore.checksJson(checks).put("dealerId", dealerId));
  }

  // ---- the checks -----------------------------------------------------------------------------------------------

  /** The four checks before publishing, from the database as it is now (not from the stored scores). */
  public Future<JsonObject> checks(String kind, YearMonth month) {
    OffsetDateTime from = start(month);
    OffsetDateTime to = end(month);
    return store.samples(pool, kind, from, to, null)
        .compose(samples -> store.dealers(pool, kind, from, to)
            .compose(dealers -> store.declaredVolumes(pool, month)
                .map(declared -> volume(samples, dealers, declared))))
        .compose(volume -> store.findings(pool, kind, from, to, "falsified")
            .compose(falsified -> store.findings(pool, kind, from, to, "wrong_info")
                .compose(wrong -> store.expired(pool, kind, from, to).map(expired -> {
                  long counted = expired.stream().filter(o -> ((JsonObject) o).getBoolean("counted")).count();
                  return new JsonObject().put("kind", kind).put("month", month.toString())
                      .put("validVolume", volume)
                      .put("falsified", new JsonObject().put("rows", falsified).put("count", falsified.size()))
                      .put("wrongInformation", new JsonObject().put("rows", wrong).put("count", wrong.size()))
                      .put("expiredNotCalled", new JsonObject().put("rows", expired).put("count", counted));
                }))));
  }

  /**
   * Valid volume per dealer: its samples of the month, the valid ones (successful, not void nor falsified) and the
   * dealer's own declared workshop volume; count = all dealers' valid samples.
   */
  static JsonObject volume(List<SampleRow> samples, Map<Long, DealerRow> dealers, Map<Long, Integer> declared) {
    Map<Long, int[]> by = new HashMap<>(); // samples, valid, error, void, falsified
    for (SampleRow s : samples) {
      int[] c = by.computeIfAbsent(s.dealerId(), k -> new int[5]);
      c[0]++;
      if (s.voided() || s.qaVoid()) {
        c[3]++;
      } else if (s.falsified()) {
        c[4]++;
      } else if ("success".equals(s.outcome())) {
        c[1]++;
      } else {
        c[2]++;
      }
    }
    JsonArray rows = new JsonArray();
    long total = 0;
    for (DealerRow d : dealers.values()) {
      int[] c = by.getOrDefault(d.id(), new int[5]);
      total += c[1];
      rows.add(new JsonObject().put("dealerId", d.id()).put("code", d.code()).put("name", d.name())
          .put("samples", c[0]).put("valid", c[1]).put("errorSamples", c[2]).put("voided", c[3])
          .put("falsified", c[4]).put("due", d.due()).put("called", d.called())
          .put("declaredVolume", declared.get(d.id())));
    }
    return new JsonObject().put("rows", rows).put("count", total);
  }

  // ---- the voice of the customer ----------------------------------------------------------------------------------

  /** One dealer's voice-of-the-customer report ({@link VocReport}); 404 without a stored score. */
  public Future<JsonObject> voc(String kind, YearMonth month, long dealerId) {
    OffsetDateTime from = start(month);
    OffsetDateTime to = end(month);
    return store.month(pool, kind, month).compose(m -> {
      if (m == null) {
        return Future.failedFuture(Problem.notFound(kind + " month " + month));
      }
      return store.scores(pool, kind, month, dealerId).compose(rows -> {
        if (rows.isEmpty()) {
          return Future.failedFuture(Problem.notFound("score of dealer " + dealerId + " in " + kind + " " + month));
        }
        JsonObject line = rows.getJsonObject(0);
        JsonObject q = m.getJsonObject("questionnaire");
        return questionnaires.version(q.getString("key"), q.getInteger("version"))
            .compose(questionnaire -> store.dealer(pool, kind, from, to, dealerId)
                .compose(dealer -> store.suggestions(pool, kind, month, dealerId)
                    .compose(suggestions -> store.samples(pool, kind, from, to, dealerId)
                        // the samples' answers are decoded here, on a worker (SampleRow)
                        .compose(samples -> vertx.executeBlocking(() -> VocReport.build(new VocReport.Input(
                            dealer.toJson(), kind, month, m.getString("state"),
                            ScoreJson.fromJson(line.getJsonObject("score")), line.getInteger("rank"),
                            m.getJsonObject("averages").getInteger("ranked", 0), line.getInteger("regionRank"),
                            questionnaire, suggestions, dealer.due(), dealer.called(), VocReport.answersOf(samples),
                            line.getJsonObject("trend12"))), false)))));
      });
    });
  }

  /** The suggested improvement of a weak item (draft or reviewed months). */
  public Future<JsonObject> putSuggestion(String kind, YearMonth month, long dealerId, String itemId, String text,
                                          User user, String ip) {
    return pool.withTransaction(c -> store.lockMonth(c, kind, month).compose(m -> {
      if (m == null) {
        return Future.failedFuture(Problem.notFound(kind + " month " + month));
      }
      if ("approved".equals(m.getString("state"))) {
        return Future.failedFuture(Problem.conflict("frozen", "the month is approved: reopen it"));
      }
      return store.scores(c, kind, month, dealerId).compose(rows -> {
        if (rows.isEmpty()) {
          return Future.failedFuture(Problem.notFound("score of dealer " + dealerId));
        }
        if (!rows.getJsonObject(0).getJsonObject("score").getJsonObject("items").containsKey(itemId)) {
          return Future.failedFuture(new io.huifang.core.Invalid("itemId", "no scored item " + itemId,
              "没有该题目的得分：" + itemId));
        }
        return store.saveSuggestion(c, kind, month, dealerId, itemId, text, user.id());
      });
    })).compose(v -> audit.record(user, user.username(), "report.suggestion", kind + ":" + month + ":" + dealerId
            + ":" + itemId, "ok", ip, null))
        .map(v -> new JsonObject().put("itemId", itemId).put("text", text).put("suggestionBy", user.username()));
  }
}
