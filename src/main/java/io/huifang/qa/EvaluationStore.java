package io.huifang.qa;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of evaluations, their comments, disputes and findings (tables qa_evaluation, qa_comment, qa_dispute,
 * qa_finding; owner qa), and the reads of the samples they are about. Rules (who may do what, when) are
 * {@link Evaluations}'; this class only reads and writes.
 */
public final class EvaluationStore {
  private final Pool pool;

  public EvaluationStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** What an evaluation needs of its sample. */
  public record SampleRef(long id, String month, String attemptId, String recordingId, long campaignId, long agentId,
                          String status, Long claimedBy, Instant claimExpiresAt) {
  }

  /** One evaluation row with the names of the people on it. */
  public record EvalRow(long id, long sampleId, String attemptId, String recordingId, long campaignId, String month,
                        long agentId, String agentName, long evaluatorId, String evaluatorName, String kind,
                        String status, String scorecardKey, int scorecardVersion, JsonObject items,
                        JsonObject findings, String summary, Double score, Boolean passed, Boolean fatalFailed,
                        Long calibrationId, Long supersedesId, Instant createdAt, Instant submittedAt,
                        Instant acknowledgedAt, Instant disputeDeadline) {
  }

  static final String EVAL_SELECT = "select e.id, e.sample_id, e.attempt_id, e.recording_id, s.campaign_id, s.month,"
      + " e.agent_id, ua.display_name as agent_name, e.evaluator_id, ue.display_name as evaluator_name, e.kind,"
      + " e.status, e.scorecard_key, e.scorecard_version, e.items, e.findings, e.summary, e.score::float8 as score,"
      + " e.passed, e.fatal_failed, e.calibration_id, e.supersedes_id, e.created_at, e.submitted_at,"
      + " e.acknowledged_at, e.dispute_deadline"
      + " from qa_evaluation e join qa_sample s on s.id = e.sample_id"
      + " join app_user ua on ua.id = e.agent_id join app_user ue on ue.id = e.evaluator_id";

  static EvalRow evalRow(Row r) {
    return new EvalRow(r.getLong("id"), r.getLong("sample_id"), r.getString("attempt_id"), r.getString("recording_id"),
        r.getLong("campaign_id"), r.getString("month"), r.getLong("agent_id"), r.getString("agent_name"),
        r.getLong("evaluator_id"), r.getString("evaluator_name"), r.getString("kind"), r.getString("status"),
        r.getString("scorecard_key"), r.getInteger("scorecard_version"), (JsonObject) r.getValue("items"),
        (JsonObject) r.getValue("findings"), r.getString("summary"), r.getDouble("score"), r.getBoolean("passed"),
        r.getBoolean("fatal_failed"), r.getLong("calibration_id"), r.getLong("supersedes_id"),
        instant(r, "created_at"), instant(r, "submitted_at"), instant(r, "acknowledged_at"),
        instant(r, "dispute_deadline"));
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  static List<EvalRow> evalRows(RowSet<Row> rs) {
    List<EvalRow> out = new ArrayList<>();
    rs.forEach(r -> out.add(evalRow(r)));
    return out;
  }

  public Future<Optional<SampleRef>> sample(long id) {
    return sample(pool, id, false);
  }

  static Future<Optional<SampleRef>> sample(SqlClient c, long id, boolean forUpdate) {
    return c.preparedQuery("select id, month, attempt_id, recording_id, campaign_id, agent_id, status, claimed_by,"
            + " claim_expires_at from qa_sample where id = $1" + (forUpdate ? " for update" : ""))
        .execute(Tuple.of(id))
        .map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          Row r = rs.iterator().next();
          return Optional.of(new SampleRef(r.getLong("id"), r.getString("month"), r.getString("attempt_id"),
              r.getString("recording_id"), r.getLong("campaign_id"), r.getLong("agent_id"), r.getString("status"),
              r.getLong("claimed_by"), instant(r, "claim_expires_at")));
        });
  }

  public Future<Optional<EvalRow>> find(long id) {
    return find(pool, id);
  }

  static Future<Optional<EvalRow>> find(SqlClient c, long id) {
    return c.preparedQuery(EVAL_SELECT + " where e.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(evalRow(rs.iterator().next())));
  }

  static Future<Optional<EvalRow>> standardOf(SqlClient c, long sampleId) {
    return c.preparedQuery(EVAL_SELECT + " where e.sample_id = $1 and e.kind = 'standard'").execute(Tuple.of(sampleId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(evalRow(rs.iterator().next())));
  }

  /** A new draft; returns its id. */
  static Future<Long> insert(SqlClient c, SampleRef s, long evaluatorId, String kind, Scorecard card,
                             Long calibrationId, Long supersedesId) {
    return c.preparedQuery("insert into qa_evaluation (sample_id, attempt_id, recording_id, agent_id, evaluator_id,"
            + " kind, scorecard_key, scorecard_version, calibration_id, supersedes_id)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id")
        .execute(Tuple.tuple().addLong(s.id()).addString(s.attemptId()).addString(s.recordingId()).addLong(s.agentId())
            .addLong(evaluatorId).addString(kind).addString(card.key()).addInteger(card.version())
            .addLong(calibrationId).addLong(supersedesId))
        .map(rs -> rs.iterator().next().getLong(0));
  }

  /** Hands a draft left by someone whose claim expired to the sample's new claimer. */
  static Future<Void> takeOver(SqlClient c, long evaluationId, long evaluatorId) {
    return c.preparedQuery("update qa_evaluation set evaluator_id = $2, updated_at = now() where id = $1"
            + " and status = 'draft'").execute(Tuple.of(evaluationId, evaluatorId)).mapEmpty();
  }

  /** Saves a draft's marks, findings and summary; false when it is no longer a draft. */
  public Future<Boolean> save(long id, JsonObject items, JsonObject findings, String summary) {
    return pool.preparedQuery("update qa_evaluation set items = $2, findings = $3, summary = $4, updated_at = now()"
            + " where id = $1 and status = 'draft'").execute(Tuple.of(id, items, findings, summary))
        .map(rs -> rs.rowCount() == 1);
  }

  public Future<JsonObject> addComment(long evaluationId, long atMs, String text, long authorId) {
    return pool.preparedQuery("insert into qa_comment (evaluation_id, at_ms, text, author_id) values ($1, $2, $3, $4)"
            + " returning id, created_at").execute(Tuple.of(evaluationId, atMs, text, authorId))
        .map(rs -> {
          Row r = rs.iterator().next();
          return new JsonObject().put("id", r.getLong("id")).put("atMs", atMs).put("text", text)
              .put("createdAt", instant(r, "created_at").toString());
        });
  }

  /** The comments of an evaluation in the order of the recording. */
  public Future<JsonArray> comments(long evaluationId) {
    return pool.preparedQuery("select c.id, c.at_ms, c.text, u.display_name, c.created_at from qa_comment c"
            + " join app_user u on u.id = c.author_id where c.evaluation_id = $1 order by c.at_ms, c.id")
        .execute(Tuple.of(evaluationId))
        .map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("atMs", r.getLong("at_ms"))
              .put("text", r.getString("text")).put("authorName", r.getString("display_name"))
              .put("createdAt", instant(r, "created_at").toString())));
          return out;
        });
  }

  /** The dispute of an evaluation (raised on it, or resolved by it as the rescore), or null. */
  public Future<JsonObject> disputeOf(long evaluationId) {
    return pool.preparedQuery(DISPUTE_SELECT + " where d.evaluation_id = $1 or d.rescore_id = $1 order by d.id limit 1")
        .execute(Tuple.of(evaluationId))
        .map(rs -> rs.size() == 0 ? null : disputeJson(rs.iterator().next()));
  }

  static final String DISPUTE_SELECT = "select d.id, d.evaluation_id, d.agent_id, ua.display_name as agent_name,"
      + " d.reason, d.status, d.assignee_id, us.display_name as assignee_name, d.rescore_id, d.outcome, d.created_at,"
      + " d.resolved_at, e.sample_id, e.evaluator_id, ue.display_name as evaluator_name, e.score::float8 as score,"
      + " e.passed, r.status as rescore_status, r.score::float8 as rescore_score, r.passed as rescore_passed"
      + " from qa_dispute d join qa_evaluation e on e.id = d.evaluation_id"
      + " join app_user ua on ua.id = d.agent_id join app_user ue on ue.id = e.evaluator_id"
      + " left join app_user us on us.id = d.assignee_id left join qa_evaluation r on r.id = d.rescore_id";

  static JsonObject disputeJson(Row r) {
    Instant resolved = instant(r, "resolved_at");
    return new JsonObject().put("id", r.getLong("id")).put("evaluationId", r.getLong("evaluation_id"))
        .put("sampleId", r.getLong("sample_id"))
        .put("agentId", r.getLong("agent_id")).put("agentName", r.getString("agent_name"))
        .put("reason", r.getString("reason")).put("status", r.getString("status"))
        .put("assignee", r.getLong("assignee_id") == null ? null : new JsonObject().put("id", r.getLong("assignee_id"))
            .put("name", r.getString("assignee_name")))
        .put("evaluatorId", r.getLong("evaluator_id")).put("evaluatorName", r.getString("evaluator_name"))
        .put("score", r.getDouble("score")).put("passed", r.getBoolean("passed"))
        .put("rescoreId", r.getLong("rescore_id")).put("rescoreStatus", r.getString("rescore_status"))
        .put("rescoreScore", r.getDouble("rescore_score")).put("rescorePassed", r.getBoolean("rescore_passed"))
        .put("outcome", r.getString("outcome"))
        .put("createdAt", instant(r, "created_at").toString())
        .put("resolvedAt", resolved == null ? null : resolved.toString());
  }

  static Future<Optional<JsonObject>> dispute(SqlClient c, long id, boolean forUpdate) {
    return c.preparedQuery(DISPUTE_SELECT + " where d.id = $1" + (forUpdate ? " for update of d" : ""))
        .execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(disputeJson(rs.iterator().next())));
  }

  public Future<Optional<JsonObject>> dispute(long id) {
    return dispute(pool, id, false);
  }

  /** Disputes by status (null: all), those assigned to {@code firstFor} first, then newest first. */
  public Future<JsonArray> disputes(String status, Long firstFor, int limit) {
    return pool.preparedQuery(DISPUTE_SELECT + " where ($1::text is null or d.status = $1)"
            + " order by (d.assignee_id is not distinct from $2) desc, d.status = 'open' desc, d.id desc limit $3")
        .execute(Tuple.of(status, firstFor, limit))
        .map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(disputeJson(r)));
          return out;
        });
  }

  /** The agent's submitted (and superseded) evaluations, standard and rescore, newest first. */
  public Future<List<EvalRow>> ofAgent(long agentId, int limit) {
    return pool.preparedQuery(EVAL_SELECT + " where e.agent_id = $1 and e.kind <> 'calibration'"
            + " and e.status in ('submitted', 'superseded') order by e.submitted_at desc, e.id desc limit $2")
        .execute(Tuple.of(agentId, limit)).map(EvaluationStore::evalRows);
  }

  /** 已阅: sets acknowledged_at once; returns whether the row is (now) acknowledged. */
  public Future<Boolean> acknowledge(long id, long agentId) {
    return pool.preparedQuery("update qa_evaluation set acknowledged_at = coalesce(acknowledged_at, now())"
            + " where id = $1 and agent_id = $2 and status = 'submitted' and kind in ('standard', 'rescore')")
        .execute(Tuple.of(id, agentId)).map(rs -> rs.rowCount() == 1);
  }

  /** What the dispute window is now (qa_rules.dispute_window_days; 3 when the rules row is missing). */
  static final String WINDOW_DAYS = "coalesce((select dispute_window_days from qa_rules limit 1), 3)";

  /**
   * Marks a draft submitted with its outcome; a standard or rescore one also marks the sample evaluated, a standard
   * one gets its dispute deadline. False when it was no longer a draft.
   */
  static Future<Boolean> markSubmitted(SqlClient c, EvalRow e, ScorecardScoring.Outcome o) {
    boolean standard = e.kind().equals("standard");
    return c.preparedQuery("update qa_evaluation set status = 'submitted', score = $2, passed = $3,"
            + " fatal_failed = $4, submitted_at = now(), updated_at = now(), dispute_deadline = case when $5"
            + " then now() + make_interval(days => " + WINDOW_DAYS + ") end where id = $1 and status = 'draft'")
        .execute(Tuple.of(e.id(), o.score(), o.passed(), o.fatalFailed(), standard))
        .compose(rs -> {
          if (rs.rowCount() != 1) {
            return Future.succeededFuture(false);
          }
          if (e.kind().equals("calibration")) {
            return Future.succeededFuture(true);
          }
          return c.preparedQuery("update qa_sample set status = 'evaluated', claim_expires_at = null where id = $1")
              .execute(Tuple.of(e.sampleId())).map(true);
        });
  }

  /** A submitted rescore stands: the evaluation it supersedes is superseded, the dispute resolved. */
  static Future<Void> resolveDispute(SqlClient c, EvalRow rescore, ScorecardScoring.Outcome o) {
    return c.preparedQuery("update qa_evaluation set status = 'superseded', updated_at = now() where id = $1"
            + " returning score::float8 as score, passed").execute(Tuple.of(rescore.supersedesId()))
        .compose(rs -> {
          Row first = rs.iterator().next();
          boolean same = java.util.Objects.equals(first.getDouble("score"), o.score())
              && java.util.Objects.equals(first.getBoolean("passed"), o.passed());
          return c.preparedQuery("update qa_dispute set status = 'resolved', rescore_id = $2, outcome = $3,"
                  + " resolved_at = now() where evaluation_id = $1")
              .execute(Tuple.of(rescore.supersedesId(), rescore.id(), same ? "unchanged" : "changed"));
        })
        .mapEmpty();
  }

  /**
   * The findings of the evaluation that stands become the call's: one row per kind (void, falsified, wrong_info),
   * kinds it no longer finds removed.
   */
  static Future<Void> applyFindings(SqlClient c, EvalRow e, Findings f) {
    List<String> kinds = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    if (f.voided()) {
      kinds.add("void");
      chain = chain.compose(v -> upsertFinding(c, e, "void", new JsonArray()));
    }
    if (!f.falsified().isEmpty()) {
      kinds.add("falsified");
      chain = chain.compose(v -> upsertFinding(c, e, "falsified", new JsonArray(f.falsified())));
    }
    if (!f.wrongInfo().isEmpty()) {
      kinds.add("wrong_info");
      chain = chain.compose(v -> upsertFinding(c, e, "wrong_info", new JsonArray(f.wrongInfo())));
    }
    return chain.compose(v -> c.preparedQuery("delete from qa_finding where attempt_id = $1 and not (kind = any($2))")
        .execute(Tuple.tuple().addString(e.attemptId()).addArrayOfString(kinds.toArray(new String[0]))).mapEmpty());
  }

  private static Future<Void> upsertFinding(SqlClient c, EvalRow e, String kind, JsonArray items) {
    return c.preparedQuery("insert into qa_finding (attempt_id, kind, items, evaluation_id, sample_id, agent_id,"
            + " campaign_id) values ($1, $2, $3, $4, $5, $6, $7) on conflict (attempt_id, kind) do update set"
            + " items = excluded.items, evaluation_id = excluded.evaluation_id, updated_at = now()")
        .execute(Tuple.of(e.attemptId(), kind, items, e.id(), e.sampleId(), e.agentId(), e.campaignId()))
        .mapEmpty();
  }

  /** The findings on record for a call. */
  public Future<JsonArray> findingsOf(String attemptId) {
    return pool.preparedQuery("select kind, items, evaluation_id from qa_finding where attempt_id = $1 order by kind")
        .execute(Tuple.of(attemptId))
        .map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("kind", r.getString("kind")).put("items", r.getValue("items"))
              .put("evaluationId", r.getLong("evaluation_id"))));
          return out;
        });
  }

  /**
   * Raises a dispute and assigns it to the active QA user other than the evaluator with the fewest open disputes
   * (then the fewest disputes, then the lowest id). Assignments are serialised so that two disputes at once do not
   * both go to the same least-loaded user. Returns the dispute's id, or empty when there is no other QA user.
   */
  static Future<Optional<Long>> raiseDispute(SqlClient c, EvalRow e, String reason) {
    return c.preparedQuery("select pg_advisory_xact_lock(hashtext('qa_dispute_assign'))").execute()
        .compose(x -> c.preparedQuery("select u.id from app_user u where u.role = 'qa' and u.active and u.id <> $1"
                + " order by (select count(*) from qa_dispute d where d.assignee_id = u.id and d.status = 'open'),"
                + " (select count(*) from qa_dispute d where d.assignee_id = u.id), u.id limit 1")
            .execute(Tuple.of(e.evaluatorId())))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          long assignee = rs.iterator().next().getLong(0);
          return c.preparedQuery("insert into qa_dispute (evaluation_id, agent_id, reason, assignee_id)"
                  + " values ($1, $2, $3, $4) returning id")
              .execute(Tuple.of(e.id(), e.agentId(), reason, assignee))
              .map(r -> Optional.of(r.iterator().next().getLong(0)));
        });
  }

  static Future<Optional<EvalRow>> rescoreOf(SqlClient c, long supersedesId) {
    return c.preparedQuery(EVAL_SELECT + " where e.supersedes_id = $1 and e.kind = 'rescore'"
            + " order by e.id desc limit 1").execute(Tuple.of(supersedesId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(evalRow(rs.iterator().next())));
  }

  /** The survey as the agent entered it (questionnaire key and version, answers), or empty when there is none. */
  public Future<Optional<JsonObject>> survey(String attemptId) {
    return pool.preparedQuery("select questionnaire_key, questionnaire_version, answers from survey_response"
            + " where attempt_id = $1").execute(Tuple.of(attemptId))
        .map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          Row r = rs.iterator().next();
          return Optional.of(new JsonObject().put("questionnaireKey", r.getString("questionnaire_key"))
              .put("questionnaireVersion", r.getInteger("questionnaire_version"))
              .put("answers", r.getValue("answers")));
        });
  }
}
