package io.huifang.desk;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The agent desk's SQL: the customer's screen data and the agents' state log (agent_state_log is the desk's).
 * Survey drafts and submissions belong to the survey module ({@link io.huifang.survey.SurveyResponses}).
 */
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
    Future<Optional<JsonObject>> customer = pool.preparedQuery("select c.id, c.name, c.phone, c.phone_ext,"
            + " c.vehicle_model, c.plate, c.vin, c.event_date, c.work_order_no, c.special_kind, c.context,"
            + " d.code as dealer_code,"
            + " d.name as dealer_name from customer c join dealer d on d.id = c.dealer_id where c.id = $1")
        .execute(Tuple.of(customerId))
        .map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          Row r = rs.iterator().next();
          LocalDate eventDate = r.getLocalDate("event_date");
          return Optional.of(new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
              .put("phoneMasked", maskPhone(r.getString("phone"))).put("phoneExt", r.getString("phone_ext"))
              .put("dealer", new JsonObject().put("code", r.getString("dealer_code"))
                  .put("name", r.getString("dealer_name")))
              .put("vehicleModel", r.getString("vehicle_model")).put("plate", r.getString("plate"))
              .put("vinMasked", maskTail(r.getString("vin"), 6))
              .put("eventDate", eventDate == null ? null : eventDate.toString())
              .put("workOrderNo", r.getString("work_order_no")).put("specialKind", r.getString("special_kind"))
              // what a second callback (二次回访) is about: {"title": {"zh","en"}, "lines": [...]}; null otherwise
              .put("context", r.getValue("context")));
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

  /**
   * Customers an agent reached since {@code since} (the attempt names the agent and was bridged) that have no survey
   * at all: a kill between the attempt's agent write and the draft's insert. Attempt, campaign, task, customer, agent.
   */
  public Future<List<JsonObject>> reachedWithoutSurvey(Instant since) {
    return pool.preparedQuery("select a.id, a.campaign_id, a.task_id, a.customer_id, a.agent_id from call_attempt a"
            + " where a.originated_at >= $1 and a.agent_id is not null and a.bridged_at is not null"
            + " and a.campaign_id is not null"
            + " and not exists (select 1 from survey_response s where s.attempt_id = a.id) order by a.originated_at")
        .execute(Tuple.of(since.atOffset(ZoneOffset.UTC))).map(rs -> {
          List<JsonObject> out = new ArrayList<>();
          rs.forEach(r -> out.add(r.toJson()));
          return out;
        });
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
