package io.huifang.qa;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QA module's service: the live draw of the month's samples, and what the routes ask of it.
 *
 * <p>The draw listens for submitted surveys ({@code huifang.survey.submitted}, published by the desk) and ready
 * recordings ({@code huifang.recording.ready}); when a call has both, it is decided once, by {@link Sampler}, and
 * kept (qa_call_check, and qa_sample when sampled), with the month's seed and the call's draw. Decisions run one at a
 * time on the service's own context, in the order calls become eligible; that order is kept (qa_call_check.seq), so
 * replaying the kept inputs from the seed gives the same samples ({@link #redrawCheck}). At start, and every ten
 * minutes, calls of this month and the last that are eligible but undecided are caught up (a restart, a lost event),
 * and months that are over are closed (agents still owed part of their quota get it). One node decides: the draw is
 * not meant to run on two servers sharing a database.
 */
public final class QaService {
  private static final Logger log = LoggerFactory.getLogger(QaService.class);
  /** Published by desk.DeskEvents (a peer: the address is shared by name, not by import). */
  static final String SURVEY_SUBMITTED = "huifang.survey.submitted";
  /** Months are calendar months here (the centres' time). */
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  /** Evaluations of samples, as the queue shows them (by default read from qa_evaluation, {@link QaStore#evaluations}). */
  public interface Evaluations {
    /** The latest evaluation of each sample that has one: {@code {"id","score","passed","status"}} by sample id. */
    Future<Map<Long, JsonObject>> latestBySample(List<Long> sampleIds);

    /** Every evaluation of a sample: {@code [{"id","kind","evaluatorName","status","score","passed"}]}. */
    Future<JsonArray> ofSample(long sampleId);

    Evaluations NONE = new Evaluations() {
      @Override
      public Future<Map<Long, JsonObject>> latestBySample(List<Long> sampleIds) {
        return Future.succeededFuture(Map.of());
      }

      @Override
      public Future<JsonArray> ofSample(long sampleId) {
        return Future.succeededFuture(new JsonArray());
      }
    };
  }

  private final Vertx vertx;
  private final QaStore store;
  private final Clock clock;
  private final SecureRandom seeds = new SecureRandom();
  private volatile Evaluations evaluations;
  private Context context;
  private String deploymentId;
  private Future<Void> tail = Future.succeededFuture();
  /** The draw of each month touched since start, rebuilt from the kept decisions (only on {@link #context}). */
  private final Map<String, MonthDraw> months = new HashMap<>();

  /** A month's sampler, fed every kept decision in order, and which calls it has decided. */
  private static final class MonthDraw {
    final QaStore.Month month;
    final Sampler sampler;
    final Set<String> decided = new HashSet<>();
    final Map<String, QaStore.Decided> kept = new HashMap<>();

    MonthDraw(QaStore.Month month) {
      this.month = month;
      this.sampler = new Sampler(month.seed(), YearMonth.parse(month.month()).lengthOfMonth());
    }
  }

  public QaService(Vertx vertx, QaStore store, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.evaluations = store.evaluations();
  }

  public QaStore store() {
    return store;
  }

  public void setEvaluations(Evaluations e) {
    this.evaluations = e == null ? Evaluations.NONE : e;
  }

  public Evaluations evaluations() {
    return evaluations;
  }

  /** Starts listening, then catches up what was missed while stopped (in the background). */
  public Future<Void> start() {
    return vertx.deployVerticle(new AbstractVerticle() {
      @Override
      public void start() {
        QaService.this.context = context;
        // Once per cluster: on the node that produced the event (docs/cluster.md), not on every node.
        vertx.eventBus().<JsonObject>localConsumer(SURVEY_SUBMITTED, m -> onEvent(m.body()));
        vertx.eventBus().<JsonObject>localConsumer("huifang.recording.ready", m -> onEvent(m.body()));
        vertx.setPeriodic(Duration.ofMinutes(10).toMillis(), id -> housekeepingIfHeld());
      }
    }).onSuccess(id -> {
      deploymentId = id;
      housekeepingIfHeld();
    }).mapEmpty();
  }

  private volatile java.util.function.BooleanSupplier held = () -> true;

  /**
   * Runs the housekeeping (catch-up, closing finished months, expired claims) only while {@code held} says so (the
   * wiring: this node holds the job's lease); events are handled regardless.
   */
  public void onlyWhile(java.util.function.BooleanSupplier held) {
    this.held = held;
  }

  private void housekeepingIfHeld() {
    if (held.getAsBoolean()) {
      housekeeping();
    }
  }

  public void stop() {
    if (deploymentId != null) {
      vertx.undeploy(deploymentId);
    }
  }

  private void onEvent(JsonObject body) {
    String attempt = body == null ? null : body.getString("attemptId");
    if (attempt != null) {
      consider(attempt).onFailure(e -> log.atWarn().setMessage("QA draw failed for a call")
          .addKeyValue("attempt", attempt).addKeyValue("error", String.valueOf(e)).log());
    }
  }

  /** Catch-up, month closes and expired claims; failures are logged and retried at the next round. */
  Future<Void> housekeeping() {
    return catchUp().compose(n -> closeFinishedMonths()).compose(v -> store.expireClaims(clock.instant()))
        .<Void>mapEmpty()
        .onFailure(e -> log.atWarn().setMessage("QA housekeeping failed").addKeyValue("error", String.valueOf(e))
            .log());
  }

  /** Runs {@code job} after every job queued before it, on the service's context. */
  private <T> Future<T> serial(Supplier<Future<T>> job) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> tail = tail.transform(ar -> {
      Future<T> f;
      try {
        f = job.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(p);
      return f.transform(x -> Future.<Void>succeededFuture());
    }));
    return p.future();
  }

  /** Decides a call if it is eligible and undecided; the decision, or null when there was nothing to decide. */
  public Future<Sampler.Decision> consider(String attemptId) {
    return serial(() -> decide(attemptId));
  }

  /** Every eligible call of this month and the last that has not been decided, in the order they became so. */
  public Future<Integer> catchUp() {
    Instant since = YearMonth.from(clock.instant().atZone(ZONE)).minusMonths(1).atDay(1).atStartOfDay(ZONE)
        .toInstant();
    return store.undecided(since).compose(ids -> {
      Future<Integer> f = Future.succeededFuture(0);
      for (String id : ids) {
        f = f.compose(n -> consider(id).map(d -> d == null ? n : n + 1));
      }
      return f;
    }).onSuccess(n -> {
      if (n > 0) {
        log.atInfo().setMessage("QA draw caught up").addKeyValue("calls", n).log();
      }
    });
  }

  public static String monthOf(Instant t) {
    return YearMonth.from(t.atZone(ZONE)).toString();
  }

  private Future<MonthDraw> monthDraw(String month) {
    MonthDraw cached = months.get(month);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return store.month(month, seeds.nextLong()).compose(m -> store.decided(month).map(kept -> {
      MonthDraw d = new MonthDraw(m);
      replay(d.sampler, m, kept);
      kept.forEach(k -> {
        d.decided.add(k.call().attemptId());
        d.kept.put(k.call().attemptId(), k);
      });
      months.put(month, d);
      return d;
    }));
  }

  /** Feeds the kept decisions to a sampler in order, closing it where the month was closed. */
  static List<Sampler.Decision> replay(Sampler s, QaStore.Month m, List<QaStore.Decided> kept) {
    boolean closed = false;
    for (QaStore.Decided k : kept) {
      if (!closed && m.closedAfterSeq() != null && k.seq() > m.closedAfterSeq()) {
        s.close();
        closed = true;
      }
      s.decide(k.call());
    }
    if (!closed && m.closedAfterSeq() != null) {
      s.close();
    }
    return s.decisions();
  }

  private Future<Sampler.Decision> decide(String attemptId) {
    return store.callFacts(attemptId).compose(opt -> {
      if (opt.isEmpty() || !opt.get().eligible()) {
        return Future.succeededFuture(null);
      }
      QaStore.CallFacts f = opt.get();
      String month = monthOf(f.callAt());
      return monthDraw(month).compose(draw -> {
        if (draw.decided.contains(attemptId)) {
          return Future.succeededFuture(null);
        }
        return Future.all(store.rules(), store.skillOf(f.agentId()), store.campaignFirstCall(f.campaignId()))
            .compose(all -> {
              QaRules rules = all.resultAt(0);
              Optional<String> level = all.resultAt(1);
              Instant first = all.resultAt(2);
              boolean success = "success".equals(f.group());
              LocalDate day = f.callAt().atZone(ZONE).toLocalDate();
              boolean firstDays = first != null
                  && day.isBefore(first.atZone(ZONE).toLocalDate().plusDays(rules.firstDays()));
              Long talkMs = f.bridgedAt() != null && f.endedAt() != null
                  ? Math.max(0, f.endedAt().toEpochMilli() - f.bridgedAt().toEpochMilli()) : f.durationMs();
              int items = CallCheck.itemsAnswered(f.answers());
              JsonArray suspicious = CallCheck.verdict(success, items, talkMs, f.activity(), rules.secondsPerItem());
              Sampler.Call call = new Sampler.Call(attemptId, f.agentId(), f.campaignId(), day.getDayOfMonth(),
                  success, success && f.needsReview(), f.voidSurvey(), CallCheck.complaint(f.questionnaire(),
                  f.answers()), !suspicious.isEmpty() && !f.voidSurvey(), firstDays, success
                  ? rules.shareOf(level.orElse(null)) : 0, rules.quotaFor(f.campaignId()));
              Sampler.Decision d = draw.sampler.decide(call);
              draw.decided.add(attemptId);
              draw.kept.put(attemptId, new QaStore.Decided(-1, call, d.draw(), d.reasonIds(), f.recordingId(),
                  f.callAt()));
              return store.insertDecision(month, draw.month.seed(), call, d, f, talkMs, items, suspicious)
                  .map(inserted -> {
                    if (!inserted) {
                      months.remove(month); // decided elsewhere meanwhile: rebuild from what is kept
                      return (Sampler.Decision) null;
                    }
                    if (d.sampled()) {
                      log.atInfo().setMessage("call sampled for QA").addKeyValue("attempt", attemptId)
                          .addKeyValue("agent", f.agentId()).addKeyValue("reasons", d.reasonIds()).log();
                    }
                    return d;
                  });
            })
            .onFailure(e -> months.remove(month));
      });
    });
  }

  /** Closes every month before the current one that is still open. */
  public Future<Void> closeFinishedMonths() {
    return store.openMonthsBefore(monthOf(clock.instant())).compose(list -> {
      Future<Void> f = Future.succeededFuture();
      for (String m : list) {
        f = f.compose(v -> serial(() -> closeMonth(m)));
      }
      return f;
    });
  }

  private Future<Void> closeMonth(String month) {
    return monthDraw(month).compose(draw -> {
      if (draw.sampler.closed()) {
        return Future.<Void>succeededFuture();
      }
      List<Sampler.Decision> topUps = draw.sampler.close();
      return store.close(month, draw.month.seed(), topUps, draw.kept)
          .onSuccess(v -> log.atInfo().setMessage("QA month closed").addKeyValue("month", month)
              .addKeyValue("topUps", topUps.size()).log())
          .onFailure(e -> months.remove(month));
    });
  }

  /**
   * Re-runs the month's draw from its stored seed and the kept inputs, in the kept order, and compares every call's
   * reasons (and every drawn sample) with what was decided: {@code {"identical", "calls", "differences": […]}}.
   */
  public Future<JsonObject> redrawCheck(String month) {
    return store.existingMonth(month).compose(opt -> {
      if (opt.isEmpty()) {
        return Future.succeededFuture(new JsonObject().put("month", month).put("identical", true).put("calls", 0)
            .put("differences", new JsonArray()));
      }
      QaStore.Month m = opt.get();
      return Future.all(store.decided(month), store.drawnReasons(month)).map(all -> {
        List<QaStore.Decided> kept = all.resultAt(0);
        Map<String, List<String>> samples = all.resultAt(1);
        Sampler s = new Sampler(m.seed(), YearMonth.parse(month).lengthOfMonth());
        List<Sampler.Decision> again = replay(s, m, kept);
        JsonArray diffs = new JsonArray();
        for (int i = 0; i < kept.size(); i++) {
          QaStore.Decided k = kept.get(i);
          Sampler.Decision d = again.get(i);
          List<String> sample = samples.getOrDefault(k.call().attemptId(), List.of());
          if (!d.reasonIds().equals(k.reasons()) || !d.reasonIds().equals(sample) || d.draw() != k.draw()) {
            diffs.add(new JsonObject().put("attemptId", k.call().attemptId()).put("stored", new JsonArray(k.reasons()))
                .put("sample", new JsonArray(sample)).put("redrawn", new JsonArray(d.reasonIds()))
                .put("storedDraw", k.draw()).put("redrawnDraw", d.draw()));
          }
        }
        Set<String> decided = new HashSet<>();
        kept.forEach(k -> decided.add(k.call().attemptId()));
        samples.forEach((attempt, reasons) -> {
          if (!decided.contains(attempt)) {
            diffs.add(new JsonObject().put("attemptId", attempt).put("stored", new JsonArray())
                .put("sample", new JsonArray(reasons)).put("redrawn", new JsonArray()));
          }
        });
        return new JsonObject().put("month", month).put("seed", String.valueOf(m.seed()))
            .put("calls", kept.size()).put("identical", diffs.isEmpty()).put("differences", diffs);
      });
    });
  }

  /**
   * The month's draw explained: the seed, per agent the calls decided, eligible, voids, the quota, samples by reason
   * and what is still owed (with why, for an agent short of eligible calls), and the void surveys.
   */
  public Future<JsonObject> explain(String month) {
    YearMonth ym = YearMonth.parse(month);
    Instant from = ym.atDay(1).atStartOfDay(ZONE).toInstant();
    Instant to = ym.plusMonths(1).atDay(1).atStartOfDay(ZONE).toInstant();
    return Future.all(store.existingMonth(month), store.decided(month), store.agentMonth(from, to),
        store.rules(), store.voids(from, to)).map(all -> {
          Optional<QaStore.Month> m = all.resultAt(0);
          List<QaStore.Decided> kept = all.resultAt(1);
          Map<Long, JsonObject> agents = all.resultAt(2);
          QaRules rules = all.resultAt(3);
          JsonArray voids = all.resultAt(4);
          Map<Long, Sampler.AgentTally> tallies = Map.of();
          if (m.isPresent()) {
            Sampler s = new Sampler(m.get().seed(), ym.lengthOfMonth());
            replay(s, m.get(), kept);
            tallies = s.agents();
          }
          boolean over = !YearMonth.from(clock.instant().atZone(ZONE)).isBefore(ym.plusMonths(1));
          JsonArray rows = new JsonArray();
          JsonArray shortOf = new JsonArray();
          for (var e : agents.entrySet()) {
            JsonObject a = e.getValue();
            Sampler.AgentTally t = tallies.get(e.getKey());
            int quota = t == null || t.quota() == 0 ? rules.quotaPerAgent() : t.quota();
            int eligible = t == null ? 0 : t.eligible();
            JsonObject by = new JsonObject();
            for (Sampler.Reason r : Sampler.Reason.values()) {
              if (r != Sampler.Reason.MANUAL) {
                by.put(r.id, t == null ? 0 : t.byReason(r));
              }
            }
            a.put("decided", t == null ? 0 : t.calls()).put("eligible", eligible).put("quota", quota)
                .put("drawn", t == null ? 0 : t.sampled()).put("byReason", by)
                .put("owed", t == null ? quota : t.owed());
            rows.add(a);
            if (eligible < quota) {
              shortOf.add(new JsonObject().put("agentId", e.getKey()).put("agentName", a.getString("agentName"))
                  .put("eligible", eligible).put("quota", quota).put("why", why(a)));
            }
          }
          return new JsonObject().put("month", month)
              .put("seed", m.map(x -> String.valueOf(x.seed())).orElse(null))
              .put("closed", m.map(x -> x.closedAfterSeq() != null).orElse(false)).put("over", over)
              .put("calls", kept.size()).put("agents", rows).put("short", shortOf).put("voids", voids);
        });
  }

  /** Why an agent has fewer eligible calls than their quota, from their month's figures. */
  static JsonObject why(JsonObject a) {
    int connected = a.getInteger("connected", 0);
    int submitted = a.getInteger("submitted", 0);
    int success = a.getInteger("success", 0);
    int voids = a.getInteger("void", 0);
    int ready = a.getInteger("successRecorded", 0);
    String code;
    String en;
    String zh;
    if (connected == 0) {
      code = "no_calls";
      en = "no connected calls this month";
      zh = "本月没有接通的电话";
    } else if (success == 0) {
      code = "no_success";
      en = connected + " connected calls, none surveyed successfully";
      zh = "接通 " + connected + " 通，没有成功问卷";
    } else if (ready < success - voids) {
      code = "no_recording";
      en = (success - voids - ready) + " successful surveys without a ready recording";
      zh = (success - voids - ready) + " 份成功问卷没有可播放的录音";
    } else if (voids > 0) {
      code = "void";
      en = voids + " of " + success + " successful surveys void (未调查)";
      zh = success + " 份成功问卷中 " + voids + " 份作废（未调查）";
    } else {
      code = "few_calls";
      en = "only " + success + " successful surveys this month";
      zh = "本月只有 " + success + " 份成功问卷";
    }
    return new JsonObject().put("code", code).put("en", en).put("zh", zh).put("connected", connected)
        .put("submitted", submitted).put("success", success).put("void", voids).put("successRecorded", ready);
  }
}
