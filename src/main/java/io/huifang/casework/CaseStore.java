package io.huifang.casework;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The SQL of cases: case_file and its history (case_event), read with their dealer, customer and last callback. */
final class CaseStore {
  private static final String ROW = "select f.*, d.code as dealer_code, d.name as dealer_name,"
      + " cu.name as customer_name, cu.phone as customer_phone, cu.vehicle_model, cu.plate, cu.vin,"
      + " cb.status as cb_status, cb.task_id as cb_task_id, (f.status = 'open' and f.due_at <= now()) as is_overdue"
      + " from case_file f join dealer d on d.id = f.dealer_id left join customer cu on cu.id = f.customer_id"
      + " left join lateral (select c.status, c.task_id from case_callback c where c.purpose = 'case'"
      + " and c.ref_id = f.id order by c.id desc limit 1) cb on true";

  /** What a new case is made of. */
  record NewCase(String kind, String severity, String department, String source, long dealerId, Long customerId,
                 String attemptId, boolean auto, JsonObject template, String summary, Long createdBy,
                 Instant dueAt) {
  }

  /** The list's filters (null: any). */
  record Filter(String status, Long dealerId, String severity, boolean overdue, String q, Long before, int limit) {
  }

  private final Pool pool;

  CaseStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** Inserts the case; empty when it is an automatic case of an attempt that already has one. */
  Future<Optional<Long>> insert(SqlClient c, NewCase n) {
    return c.preparedQuery("insert into case_file (kind, severity, department, status, source, dealer_id,"
            + " customer_id, attempt_id, auto_opened, template, summary, created_by, due_at) values ($1, $2, $3,"
            + " 'open', $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            + " on conflict (attempt_id) where auto_opened do nothing returning id")
        .execute(Tuple.tuple(Arrays.asList(n.kind(), n.severity(), n.department(), n.source(), n.dealerId(),
            n.customerId(), n.attemptId(), n.auto(), n.template(), n.summary(), n.createdBy(), odt(n.dueAt()))))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next().getLong(0)));
  }

  Future<Void> event(SqlClient c, long caseId, Long byId, String byName, String action, JsonObject detail) {
    return c.preparedQuery("insert into case_event (case_id, by_id, by_name, action, detail) values ($1, $2, $3, $4,"
            + " $5)").execute(Tuple.of(caseId, byId, byName, action, detail)).mapEmpty();
  }

  Future<Optional<Row>> get(SqlClient c, long id) {
    return c.preparedQuery(ROW + " where f.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next()));
  }

  /** The case locked for a change (status, version, dealer, customer). */
  Future<Optional<Row>> lock(SqlClient c, long id) {
    return c.preparedQuery("select * from case_file where id = $1 for update").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next()));
  }

  /** Sets the status (and what goes with it) and bumps the version. */
  Future<Void> moveTo(SqlClient c, long id, String status, String resolution, String verdict, boolean reopen,
                      Instant dueAt) {
    return c.preparedQuery("update case_file set status = $2, resolution = coalesce($3, resolution),"
            + " verdict = coalesce($4, verdict), reopened = reopened + (case when $5 then 1 else 0 end),"
            + " due_at = coalesce($6, due_at), overdue_at = case when $6::timestamptz is null then overdue_at end,"
            + " handled_at = case when $2 = 'handled' then now() when $2 = 'open' then null else handled_at end,"
            + " closed_at = case when $2 = 'closed' then now() else null end,"
            + " version = version + 1, updated_at = now() where id = $1")
        .execute(Tuple.tuple(Arrays.asList(id, status, resolution, verdict, reopen, odt(dueAt)))).mapEmpty();
  }

  /** Staff's changes of severity, department, dealer, due time (null: kept). */
  Future<Void> update(SqlClient c, long id, String severity, String department, Long dealerId, Instant dueAt) {
    return c.preparedQuery("update case_file set severity = coalesce($2, severity),"
            + " department = coalesce($3, department), dealer_id = coalesce($4, dealer_id),"
            + " due_at = coalesce($5, due_at), overdue_at = case when $5::timestamptz is null then overdue_at end,"
            + " version = version + 1, updated_at = now() where id = $1")
        .execute(Tuple.tuple(Arrays.asList(id, severity, department, dealerId, odt(dueAt)))).mapEmpty();
  }

  Future<List<Row>> list(Filter f) {
    return pool.preparedQuery(ROW + " where ($1::text is null or f.status = $1)"
            + " and ($2::bigint is null or f.dealer_id = $2) and ($3::text is null or f.severity = $3)"
            + " and (not $4 or (f.status = 'open' and f.due_at <= now()))"
            + " and ($5::text is null or strpos(lower(f.summary), lower($5)) > 0"
            + " or strpos(lower(coalesce(cu.name, '')), lower($5)) > 0 or f.id::text = $5)"
            + " and ($6::bigint is null or f.id < $6) order by f.id desc limit $7")
        .execute(Tuple.tuple(Arrays.asList(f.status(), f.dealerId(), f.severity(), f.overdue(), f.q(), f.before(),
            f.limit())))
        .map(rs -> {
          List<Row> out = new ArrayList<>();
          rs.forEach(out::add);
          return out;
        });
  }

  Future<JsonObject> counts(Long dealerId) {
    return pool.preparedQuery("select count(*) filter (where status = 'open') as open,"
            + " count(*) filter (where status = 'handled') as handled,"
            + " count(*) filter (where status = 'closed') as closed,"
            + " count(*) filter (where status = 'open' and due_at <= now()) as overdue"
            + " from case_file where ($1::bigint is null or dealer_id = $1)")
        .execute(Tuple.of(dealerId)).map(rs -> {
          Row r = rs.iterator().next();
          return new JsonObject().put("open", r.getLong("open")).put("handled", r.getLong("handled"))
              .put("closed", r.getLong("closed")).put("overdue", r.getLong("overdue"));
        });
  }

  Future<JsonArray> history(long id) {
    return pool.preparedQuery("select * from case_event where case_id = $1 order by id").execute(Tuple.of(id))
        .map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("at", iso(r.getOffsetDateTime("at")))
              .put("by", r.getLong("by_id")).put("byName", r.getString("by_name"))
              .put("action", r.getString("action")).put("detail", r.getValue("detail"))));
          return out;
        });
  }

  /** The ready recording of the attempt, if any (staff see its id). */
  Future<String> recordingOf(String attemptId) {
    if (attemptId == null) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery("select id from recording where attempt_id = $1 order by (status = 'ready') desc"
            + " limit 1").execute(Tuple.of(attemptId))
        .map(rs -> rs.size() == 0 ? null : rs.iterator().next().getString(0));
  }

  /** A submitted survey with what the auto-opening needs: answers, questionnaire, customer, dealer, purpose. */
  Future<Optional<Row>> submittedSurvey(String attemptId) {
    return pool.preparedQuery("select s.attempt_id, s.answers, s.questionnaire_key, s.questionnaire_version,"
            + " s.customer_id, cu.dealer_id, cu.name, cu.vehicle_model, cu.plate, cu.vin, cu.event_date,"
            + " d.name as dealer_name, d.region, k.purpose from survey_response s"
            + " join customer cu on cu.id = s.customer_id join dealer d on d.id = cu.dealer_id"
            + " join campaign k on k.id = s.campaign_id"
            + " where s.attempt_id = $1 and s.status = 'submitted'")
        .execute(Tuple.of(attemptId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next()));
  }

  /** The call an agent opens a case for: its agent, customer and the customer's dealer. */
  Future<Optional<Row>> attempt(String attemptId) {
    return pool.preparedQuery("select a.id, a.agent_id, a.customer_id, cu.dealer_id from call_attempt a"
            + " left join customer cu on cu.id = a.customer_id where a.id = $1")
        .execute(Tuple.of(attemptId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next()));
  }

  Future<Boolean> dealerExists(long dealerId) {
    return pool.preparedQuery("select 1 from dealer where id = $1").execute(Tuple.of(dealerId))
        .map(rs -> rs.size() > 0);
  }

  /** Open cases whose due time passed and were not flagged yet: flagged now (once), with their dealer. */
  Future<List<Row>> flagOverdue(SqlClient c) {
    return c.preparedQuery("update case_file set overdue_at = now() where status = 'open' and due_at <= now()"
            + " and overdue_at is null returning id, dealer_id, summary")
        .execute().map(rs -> {
          List<Row> out = new ArrayList<>();
          rs.forEach(out::add);
          return out;
        });
  }

  static OffsetDateTime odt(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
