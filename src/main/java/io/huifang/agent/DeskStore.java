package io.huifang.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;

/** The agent desk's SQL: the customer's screen data, survey drafts and submissions, agents' state log. */
public final class DeskStore {
  private final Pool pool;

  public DeskStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * What the agent sees of the customer: the DMS record (phone masked but for its last four digits, VIN but for
   * its last six), the task (attempt number, deadline, a callback agreed earlier) and the attempt history with the
   * agents' notes. Empty when the customer is gone.
   */
  public Future<Optional<JsonObject>> screenData(long customerId, Long taskId) {
    Future<Optional<JsonObject>> customer = pool.preparedQuery("select c.id, c.name, c.phone, c.vehicle_model,"
            + " c.plate, c.vin, c.event_date, c.work_order_no, c.special_kind, d.code as dealer_code,"
            + " d.name as dealer_name from customer c join dealer d on d.id = c.dealer_id where c.id = $1")
        .execute(Tuple.of(customerId))
        .map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          Row r = rs.iterator().next();
          LocalDate eventDate = r.getLocalDate("event_date");
          return Optional.of(new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
              .put("phoneMasked", maskPhone(r.getString("phone")))
              .put("dealer", new JsonObject().put("code", r.getString("dealer_code"))
                  .put("name", r.getString("dealer_name")))
              .put("vehicleModel", r.getString("vehicle_model")).put("plate", r.getString("plate"))
              .put("vinMasked", maskTail(r.getString("vin"), 6))
              .put("eventDate", eventDate == null ? null : eventDate.toString())
              .put("workOrderNo", r.getString("work_order_no")).put("specialKind", r.getString("special_kind")));
        });
    if (taskId == null) {
      return customer;
    }
    Future<JsonObject> task = pool.preparedQuery("select t.attempts, t.deadline, t.status, t.callback_at,"
            + " t.callback_agent_id from call_task t where t.id = $1")
        .execute(Tuple.of(taskId))
        .map(rs -> {
          if (rs.size() == 0) {
            return new JsonObject();
          }
          Row r = rs.iterator().next();
          return new JsonObject().put("id", taskId).put("attempt", r.getInteger("attempts") + 1)
              .put("deadline", iso(r.getOffsetDateTime("deadline"))).put("status", r.getString("status"))
              .put("callbackAt", iso(r.getOffsetDateTime("callback_at")))
              .put("callbackAgentId", r.getLong("callback_agent_id"));
        });
    Future<JsonArray> history = pool.preparedQuery("select a.id, a.originated_at, a.outcome, a.disposition,"
            + " a.ring_seconds, a.ended_at, u.display_name, s.note, s.callback_at from call_attempt a"
            + " left join app_user u on u.id = a.agent_id left join survey_response s on s.attempt_id = a.id"
            + " where a.task_id = $1 order by a.originated_at desc limit 20")
        .execute(Tuple.of(taskId))
        .map(rs -> {
          JsonArray a = new JsonArray();
          for (Row r : rs) {
            a.add(new JsonObject().put("attemptId", r.getString("id")).put("at", iso(r.getOffsetDateTime("originated_at")))
                .put("outcome", r.getString("outcome")).put("disposition", r.getString("disposition"))
                .put("agent", r.getString("display_name")).put("note", r.getString("note"))
                .put("callbackAt", iso(r.getOffsetDateTime("callback_at"))));
          }
          return a;
        });
    return Future.all(customer, task, history).map(v -> customer.result()
        .map(c -> c.put("task", task.result()).put("history", history.result())));
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
                         int saves, String disposition, Instant callEndedAt, Instant startedAt) {
  }

  public Future<Optional<Response>> response(String attemptId) {
    return pool.preparedQuery("select * from survey_response where attempt_id = $1").execute(Tuple.of(attemptId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(response(rs.iterator().next())));
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
    return new Response(r.getString("attempt_id"), r.getLong("campaign_id"), r.getLong("task_id"),
        r.getLong("customer_id"), r.getLong("agent_id"), r.getString("questionnaire_key"),
        r.getInteger("questionnaire_version"), r.getString("status"),
        answers instanceof JsonObject o ? o : new JsonObject(), r.getInteger("saves"), r.getString("disposition"),
        ended == null ? null : ended.toInstant(), r.getOffsetDateTime("started_at").toInstant());
  }

  /**
   * Merges changed answers into the draft ({@code null} clears an answer). Answers the merged answers, or empty when
   * the draft is not this agent's or is already submitted.
   */
  public Future<Optional<JsonObject>> saveAnswers(String attemptId, long agentId, JsonObject changes) {
    return pool.preparedQuery("update survey_response set answers = jsonb_strip_nulls(answers || $3::jsonb),"
            + " saves = saves + 1, saved_at = now() where attempt_id = $1 and agent_id = $2 and status = 'draft'"
            + " returning answers, saves")
        .execute(Tuple.of(attemptId, agentId, changes))
        .map(rs -> rs.size() == 0 ? Optional.empty()
            : Optional.of(new JsonObject().put("answers", rs.iterator().next().getValue("answers"))
                .put("saves", rs.iterator().next().getInteger("saves"))));
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
  public record Submission(String attemptId, long agentId, JsonObject answers, Disposition disposition,
                           Instant callbackAt, Long callbackAgentId, String note, JsonObject score, Instant at) {
  }

  /**
   * Submits the draft: answers, disposition, scores and flags, and the disposition on the attempt, in one
   * transaction. False when there is no draft of this agent's to submit (already submitted, or not theirs).
   */
  public Future<Boolean> submit(Submission s) {
    JsonObject sc = s.score();
    OffsetDateTime at = s.at().atOffset(ZoneOffset.UTC);
    Tuple t = Tuple.tuple(Arrays.asList(s.attemptId(), s.agentId(), s.answers(), s.disposition().id(),
        s.disposition().group().id(), s.callbackAt() == null ? null : s.callbackAt().atOffset(ZoneOffset.UTC),
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
                : tx.preparedQuery("update call_attempt set disposition = $2 where id = $1")
                    .execute(Tuple.of(s.attemptId(), s.disposition().id())).map(true)));
  }

  public Future<Void> logState(long agentId, String state, String reason, String attemptId) {
    return pool.preparedQuery("insert into agent_state_log (agent_id, state, reason, attempt_id)"
        + " values ($1, $2, $3, $4)").execute(Tuple.of(agentId, state, reason, attemptId)).mapEmpty();
  }

  /** The phone with every digit but the last four hidden: enough to confirm, not to copy. */
  public static String maskPhone(String phone) {
    return maskTail(phone, 4);
  }

  static String maskTail(String s, int keep) {
    if (s == null || s.isEmpty()) {
      return s;
    }
    int show = Math.min(keep, s.length());
    return "*".repeat(s.length() - show) + s.substring(s.length() - show);
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
