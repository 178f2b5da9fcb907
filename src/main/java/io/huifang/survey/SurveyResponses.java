package io.huifang.survey;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The survey answers as stored (survey_response, which this module owns): the draft an agent fills while talking,
 * its autosaves, and the submission with its scores and flags.
 */
public final class SurveyResponses {
  private final Pool pool;

  public SurveyResponses(Pool pool) {
    this.pool = pool;
  }

  /** The draft the agent's answers are saved into, created when the customer is connected. Idempotent. */
  public Future<Void> createDraft(String attemptId, long campaignId, Long taskId, Long customerId, long agentId,
                                  String questionnaireKey, int questionnaireVersion) {
    return pool.preparedQuery("insert into survey_response (attempt_id, campaign_id, task_id, customer_id, agent_id,"
            + " questionnaire_key, questionnaire_version) values ($1, $2, $3, $4, $5, $6, $7)"
            + " on conflict (attempt_id) do nothing")
        .execute(Tuple.tuple(Arrays.asList(attemptId, campaignId, taskId, customerId, agentId, questionnaireKey,
            questionnaireVersion)))
        .mapEmpty();
  }

  /** A response as stored, for the agent who owns it. */
  public record Response(String attemptId, long campaignId, Long taskId, Long customerId, long agentId,
                         String questionnaireKey, int questionnaireVersion, String status, JsonObject answers,
                         int saves, String disposition, Instant callEndedAt, Instant startedAt, String note,
                         Instant savedAt) {
  }

  public Future<Optional<Response>> response(String attemptId) {
    return pool.preparedQuery("select * from survey_response where attempt_id = $1").execute(Tuple.of(attemptId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(response(rs.iterator().next())));
  }

  /**
   * Surveys submitted since {@code since} that name a task: attempt, task, disposition, callback time and agent,
   * submission time (the desk's start-up check that each reached its task).
   */
  public Future<java.util.List<JsonObject>> submittedSince(Instant since) {
    return pool.preparedQuery("select attempt_id, task_id, disposition, callback_at, callback_agent_id, submitted_at"
            + " from survey_response where status = 'submitted' and task_id is not null and submitted_at >= $1")
        .execute(Tuple.of(since.atOffset(ZoneOffset.UTC))).map(rs -> {
          java.util.List<JsonObject> out = new java.util.ArrayList<>();
          rs.forEach(r -> out.add(r.toJson()));
          return out;
        });
  }

  /** The agent's newest survey not yet submitted (after a reload, a dropped socket or a server restart). */
  public Future<Optional<Response>> openDraft(long agentId) {
    return pool.preparedQuery("select * from survey_response where agent_id = $1 and status = 'draft'"
            + " order by started_at desc limit 1").execute(Tuple.of(agentId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(response(rs.iterator().next())));
  }

  private static Response response(Row r) {
    Object answers = r.getValue("answers");
    OffsetDateTime ended = r.getOffsetDateTime("call_ended_at");
    OffsetDateTime saved = r.getOffsetDateTime("saved_at");
    return new Response(r.getString("attempt_id"), r.getLong("campaign_id"), r.getLong("task_id"),
        r.getLong("customer_id"), r.getLong("agent_id"), r.getString("questionnaire_key"),
        r.getInteger("questionnaire_version"), r.getString("status"),
        answers instanceof JsonObject o ? o : new JsonObject(), r.getInteger("saves"), r.getString("disposition"),
        ended == null ? null : ended.toInstant(), r.getOffsetDateTime("started_at").toInstant(), r.getString("note"),
        saved == null ? null : saved.toInstant());
  }

  /**
   * Merges changed answers into the draft ({@code null} clears an answer). Answers the merged answers, or empty when
   * the draft is not this agent's or is already submitted.
   */
  public Future<Optional<JsonObject>> saveAnswers(String attemptId, long agentId, JsonObject changes) {
    return saveDraft(attemptId, agentId, changes, false, null);
  }

  /**
   * Merges changed answers into the draft and, when {@code noteChanged}, sets the agent's note ({@code null} or
   * blank clears it): the note is saved with the answers, so a reload or a crash does not lose it. Answers the
   * merged answers, the note, the save count and time, or empty when the draft is not this agent's or is submitted.
   */
  public Future<Optional<JsonObject>> saveDraft(String attemptId, long agentId, JsonObject changes,
                                                boolean noteChanged, String note) {
    return pool.preparedQuery("update survey_response set answers = jsonb_strip_nulls(answers || $3::jsonb),"
            + " note = case when $4 then nullif($5, '') else note end,"
            + " saves = saves + 1, saved_at = now() where attempt_id = $1 and agent_id = $2 and status = 'draft'"
            + " returning answers, note, saves, saved_at")
        .execute(Tuple.tuple(Arrays.asList(attemptId, agentId, changes, noteChanged, note)))
        .map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          Row r = rs.iterator().next();
          return Optional.of(new JsonObject().put("answers", r.getValue("answers")).put("note", r.getString("note"))
              .put("saves", r.getInteger("saves"))
              .put("savedAt", r.getOffsetDateTime("saved_at").toInstant().toString()));
        });
  }

  public Future<Void> callEnded(String attemptId, Instant at) {
    return pool.preparedQuery("update survey_response set call_ended_at = $2 where attempt_id = $1"
            + " and call_ended_at is null")
        .execute(Tuple.of(attemptId, at.atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  /** The agent never had the customer (the bridge failed): the empty draft goes. */
  public Future<Void> withdraw(String attemptId) {
    return pool.preparedQuery("delete from survey_response where attempt_id = $1 and status = 'draft'"
            + " and saves = 0").execute(Tuple.of(attemptId)).mapEmpty();
  }

  /** What a submission stores. {@code score} is null for anything but a successful survey. */
  public record Submission(String attemptId, long agentId, JsonObject answers, String disposition,
                           String dispositionGroup, Instant callbackAt, Long callbackAgentId, String note,
                           JsonObject score, Instant at) {
  }

  /**
   * Submits the draft: answers, disposition, scores and flags, and then {@code alsoInTransaction} (the caller's
   * writes to tables other modules own, such as the attempt's disposition), in one transaction. False when there is
   * no draft of this agent's to submit (already submitted, or not theirs).
   */
  public Future<Boolean> submit(Submission s, Function<SqlConnection, Future<?>> alsoInTransaction) {
    JsonObject sc = s.score();
    OffsetDateTime at = s.at().atOffset(ZoneOffset.UTC);
    Tuple t = Tuple.tuple(Arrays.asList(s.attemptId(), s.agentId(), s.answers(), s.disposition(),
        s.dispositionGroup(), s.callbackAt() == null ? null : s.callbackAt().atOffset(ZoneOffset.UTC),
        s.callbackAgentId(), s.note(),
        sc == null || sc.getValue("raw") == null ? null : new java.math.BigDecimal(sc.getValue("raw").toString())
            .setScale(3, java.math.RoundingMode.HALF_UP),
        sc == null ? null : sc.getInteger("scaledAnswered"), sc == null ? null : sc.getInteger("belowSeven"),
        sc == null ? null : sc.getInteger("notSurveyed"), sc == null ? null : sc.getBoolean("needsReview"),
        sc == null ? null : sc.getBoolean("void"), sc, at));
    return pool.withTransaction(tx -> tx.preparedQuery("update survey_response set status = 'submitted',"
                + " answers = $3, disposition = $4, disposition_group = $5, callback_at = $6, callback_agent_id = $7,"
                + " note = $8, raw_score = $9, scale_answered = $10, below_seven = $11, not_surveyed = $12,"
                + " needs_review = $13, void = $14, scores = $15, submitted_at = $16, submitted_by = $2,"
                + " saved_at = $16 where attempt_id = $1 and agent_id = $2 and status = 'draft'")
            .execute(t)
            .compose(rs -> rs.rowCount() == 0 ? Future.succeededFuture(false)
                : alsoInTransaction.apply(tx).map(true)));
  }
}
