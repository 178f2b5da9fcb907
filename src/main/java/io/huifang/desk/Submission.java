package io.huifang.desk;

import io.huifang.campaign.schedule.Outcome;
import io.huifang.campaign.schedule.Scheduler;
import io.huifang.core.Invalid;
import io.huifang.survey.Scoring;
import io.huifang.survey.SurveyResponses;
import io.huifang.telephony.AttemptStore;
import io.huifang.web.Push;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submitting the call's disposition: a successful survey must have every required item answered and is scored
 * (raw score, needs-review and void flags); any disposition is recorded on the attempt and drives the customer's
 * task in the scheduler, and is published as {@link DeskEvents#SURVEY_SUBMITTED}. After the call has ended,
 * submitting ends the wrap-up.
 */
final class Submission {
  private static final Logger log = LoggerFactory.getLogger(Submission.class);
  /** How far ahead a callback may be booked. */
  static final Duration MAX_CALLBACK_AHEAD = Duration.ofDays(30);

  private final Vertx vertx;
  private final SurveyResponses responses;
  private final Scheduler scheduler;
  private final Clock clock;
  private final DraftRestore drafts;
  private final WrapUp wrapUp;
  private final DeskContext context;

  Submission(Vertx vertx, SurveyResponses responses, Scheduler scheduler, Clock clock, DraftRestore drafts,
             WrapUp wrapUp, DeskContext context) {
    this.vertx = vertx;
    this.responses = responses;
    this.scheduler = scheduler;
    this.clock = clock;
    this.drafts = drafts;
    this.wrapUp = wrapUp;
    this.context = context;
  }

  Future<JsonObject> submit(long agentId, String attemptId, JsonObject body) {
    Optional<Disposition> d = Disposition.parse(body.getValue("disposition"));
    if (d.isEmpty()) {
      return Future.failedFuture(new Invalid("disposition", "choose what the call came to",
          "请选择通话结果"));
    }
    Instant now = clock.instant();
    Instant callbackAt = null;
    Long callbackAgent = null;
    if (d.get() == Disposition.CALLBACK) {
      try {
        callbackAt = Instant.parse(String.valueOf(body.getValue("callbackAt")));
      } catch (RuntimeException e) {
        return Future.failedFuture(new Invalid("callbackAt", "give the callback time as an ISO instant",
            "请填写预约回访时间"));
      }
      if (!callbackAt.isAfter(now) || callbackAt.isAfter(now.plus(MAX_CALLBACK_AHEAD))) {
        return Future.failedFuture(new Invalid("callbackAt", "the callback must be in the next 30 days",
            "预约时间必须在今后 30 天内"));
      }
      if (body.containsKey("callbackMine") && !(body.getValue("callbackMine") instanceof Boolean)) {
        return Future.failedFuture(new Invalid("callbackMine", "callbackMine must be true or false",
            "callbackMine 必须是 true 或 false"));
      }
      callbackAgent = Boolean.TRUE.equals(body.getValue("callbackMine")) ? agentId : null;
    }
    // No "note" in the body: the note autosaved with the answers stands.
    boolean noteGiven = body.containsKey("note");
    String given = body.getValue("note") instanceof String s && !s.isBlank() ? s.strip() : null;
    if (given != null && given.length() > Answers.MAX_TEXT) {
      return Future.failedFuture(new Invalid("note", "the note may have at most " + Answers.MAX_TEXT
          + " characters", "备注最多 " + Answers.MAX_TEXT + " 个字符"));
    }
    JsonObject finalChanges = body.getValue("answers") instanceof JsonObject o ? o : new JsonObject();
    Instant cbAt = callbackAt;
    Long cbAgent = callbackAgent;
    return drafts.callOf(agentId, attemptId).compose(c -> {
      if (c.submitted) {
        return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
      }
      String note = noteGiven ? given : c.note;
      JsonObject answers = Answers.merged(c.answers, finalChanges);
      Invalid bad = Answers.firstProblem(c.questionnaire, answers, d.get() == Disposition.SUCCESS ? null
          : finalChanges.fieldNames(), d.get() == Disposition.SUCCESS);
      if (bad != null) {
        return Future.failedFuture(bad);
      }
      JsonObject score = d.get() == Disposition.SUCCESS ? Scoring.score(c.questionnaire, answers).toJson() : null;
      SurveyResponses.Submission s = new SurveyResponses.Submission(attemptId, agentId, answers, d.get().id(),
          d.get().group().id(), cbAt, cbAgent, note, score, now);
      return c.draftCreated.transform(created -> responses.submit(s,
              tx -> AttemptStore.recordDisposition(tx, attemptId, d.get().id())))
          .compose(ok -> context.call(() -> {
            if (!ok) {
              return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
            }
            c.submitted = true;
            c.answers = answers;
            c.note = note;
            c.submittedAs = new JsonObject().put("disposition", d.get().id())
                .put("callbackAt", cbAt == null ? null : cbAt.toString()).put("callbackMine", cbAgent != null)
                .put("note", note);
            JsonObject result = new JsonObject().put("attemptId", attemptId).put("disposition", d.get().id())
                .put("group", d.get().group().id()).put("score", score);
            return recordOutcome(c, d.get(), cbAt, cbAgent, now).compose(v -> context.call(() -> submitted(c,
                d.get(), score, result)));
          }));
    });
  }

  private Future<JsonObject> submitted(DeskCall c, Disposition d, JsonObject score, JsonObject result) {
    Push.toUser(vertx.eventBus(), c.agentId, new JsonObject().put("type", "call.submitted")
        .put("attemptId", c.attemptId).put("disposition", d.id()).put("score", score));
    vertx.eventBus().publish(DeskEvents.SURVEY_SUBMITTED, DeskEvents.surveySubmitted(c, d, score));
    if (!c.callUp) {
      wrapUp.finish(c); // the agent is done with this call
    }
    return Future.succeededFuture(result);
  }

  /**
   * A survey's submission and its task's outcome are two writes: a kill between them left the disposition stored and
   * the task without it (held, then dialled again). At start, every submission of the last day whose attempt its
   * task's history does not name is applied now (the scheduler applies an attempt's outcome once).
   */
  Future<Void> applyLostDispositions() {
    Instant now = clock.instant();
    return responses.submittedSince(now.minus(Duration.ofDays(1))).compose(rows -> {
      java.util.Map<String, JsonObject> byAttempt = new java.util.HashMap<>();
      java.util.Map<String, Long> tasks = new java.util.HashMap<>();
      for (JsonObject r : rows) {
        byAttempt.put(r.getString("attempt_id"), r);
        tasks.put(r.getString("attempt_id"), r.getLong("task_id"));
      }
      return scheduler.notInHistory(tasks).compose(lost -> {
        java.util.List<Future<?>> applied = new java.util.ArrayList<>();
        for (String attempt : lost) {
          JsonObject r = byAttempt.get(attempt);
          Optional<Disposition> d = Disposition.parse(r.getString("disposition"));
          if (d.isEmpty()) {
            continue;
          }
          Outcome o = d.get() == Disposition.CALLBACK && r.getValue("callback_at") != null
              ? Outcome.callback(java.time.OffsetDateTime.parse(r.getString("callback_at")).toInstant(),
                  r.getLong("callback_agent_id"))
              : Outcome.of(d.get().outcome());
          Instant at = r.getValue("submitted_at") == null ? now
              : java.time.OffsetDateTime.parse(r.getString("submitted_at")).toInstant();
          applied.add(scheduler.recordOutcome(r.getLong("task_id"), attempt, o, at)
              .onFailure(e -> log.atWarn().setMessage("disposition not applied to the task").addKeyValue("attempt",
                  attempt).addKeyValue("error", e.getMessage()).log()));
        }
        if (!lost.isEmpty()) {
          log.atWarn().setMessage("dispositions a crash kept from their tasks applied at start")
              .addKeyValue("surveys", lost.size()).log();
        }
        return Future.join(applied).<Void>mapEmpty();
      });
    }).recover(e -> {
      log.atWarn().setMessage("dispositions lost in a crash not checked").addKeyValue("error", e.getMessage()).log();
      return Future.succeededFuture();
    });
  }

  /** The disposition drives the task; a task already finished (expired meanwhile) keeps its state. */
  private Future<Void> recordOutcome(DeskCall c, Disposition d, Instant callbackAt, Long callbackAgent, Instant now) {
    if (c.taskId == null) {
      return Future.succeededFuture();
    }
    Outcome o = d == Disposition.CALLBACK ? Outcome.callback(callbackAt, callbackAgent) : Outcome.of(d.outcome());
    return scheduler.keepOutcome(c.taskId, c.attemptId, o, now).recover(e -> {
      log.atWarn().setMessage("disposition not applied to the task").addKeyValue("task", c.taskId)
          .addKeyValue("attempt", c.attemptId).addKeyValue("disposition", d.id())
          .addKeyValue("error", e.getMessage()).log();
      return Future.succeededFuture();
    });
  }
}
