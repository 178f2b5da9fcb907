package io.huifang.qa;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The month of QA at a glance, for supervisors and QA: per agent the samples drawn, evaluated (done), passed, the
 * mean QA score and how many evaluations are still owed to reach the quota; per QA user the evaluations done; the
 * void surveys (voided automatically at submit, or by a QA finding). The score that counts is the evaluation that
 * stands (a rescore replaces the evaluation it settled).
 */
public final class QaMonthSummary {
  private final Pool pool;

  public QaMonthSummary(Pool pool) {
    this.pool = pool;
  }

  static final String SAMPLES = "with s as (select * from qa_sample where month = $1"
      + " and ($2::bigint is null or campaign_id = $2)),"
      + " standing as (select e.sample_id, e.score, e.passed from qa_evaluation e join s on s.id = e.sample_id"
      + " where e.kind in ('standard', 'rescore') and e.status = 'submitted')";

  public Future<JsonObject> of(String month, Long campaignId) {
    Tuple args = Tuple.of(month, campaignId);
    Future<JsonArray> agents = pool.preparedQuery(SAMPLES
            + " select s.agent_id, u.display_name, count(*) as drawn, count(st.sample_id) as done,"
            + " count(*) filter (where st.passed) as passed, round(avg(st.score), 1)::float8 as mean,"
            + " max(coalesce((r.campaign_quotas ->> s.campaign_id::text)::int, r.quota_per_agent, 2)) as quota,"
            + " (select count(*) from qa_finding f join s s2 on s2.id = f.sample_id where f.agent_id = s.agent_id"
            + "   and f.kind = 'void') as voided,"
            + " (select count(*) from qa_finding f join s s2 on s2.id = f.sample_id where f.agent_id = s.agent_id"
            + "   and f.kind = 'falsified') as falsified,"
            + " (select count(*) from qa_finding f join s s2 on s2.id = f.sample_id where f.agent_id = s.agent_id"
            + "   and f.kind = 'wrong_info') as wrong_info"
            + " from s join app_user u on u.id = s.agent_id left join standing st on st.sample_id = s.id"
            + " left join lateral (select * from qa_rules limit 1) r on true"
            + " group by s.agent_id, u.display_name order by u.display_name, s.agent_id")
        .execute(args)
        .map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            long done = r.getLong("done");
            int quota = r.getInteger("quota");
            out.add(new JsonObject().put("agentId", r.getLong("agent_id")).put("agentName", r.getString("display_name"))
                .put("drawn", r.getLong("drawn")).put("done", done).put("passed", r.getLong("passed"))
                .put("failed", done - r.getLong("passed")).put("meanScore", r.getDouble("mean"))
                .put("quota", quota).put("shortOfQuota", Math.max(0, quota - done))
                .put("findings", new JsonObject().put("void", r.getLong("voided"))
                    .put("falsified", r.getLong("falsified")).put("wrongInfo", r.getLong("wrong_info"))));
          }
          return out;
        });
    Future<JsonArray> qa = pool.preparedQuery(SAMPLES
            + " select u.id, u.display_name,"
            + " count(*) filter (where e.kind = 'standard' and e.status <> 'draft') as standard,"
            + " count(*) filter (where e.kind = 'rescore' and e.status <> 'draft') as rescores,"
            + " count(*) filter (where e.kind = 'calibration' and e.status <> 'draft') as calibrations,"
            + " count(*) filter (where e.status = 'draft') as drafts,"
            + " round(avg(e.score) filter (where e.kind <> 'calibration' and e.status <> 'draft'), 1)::float8 as mean"
            + " from qa_evaluation e join s on s.id = e.sample_id join app_user u on u.id = e.evaluator_id"
            + " group by u.id, u.display_name order by u.display_name, u.id")
        .execute(args)
        .map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            out.add(new JsonObject().put("userId", r.getLong("id")).put("name", r.getString("display_name"))
                .put("done", r.getLong("standard") + r.getLong("rescores")).put("standard", r.getLong("standard"))
                .put("rescores", r.getLong("rescores")).put("calibrations", r.getLong("calibrations"))
                .put("drafts", r.getLong("drafts")).put("meanScoreGiven", r.getDouble("mean")));
          }
          return out;
        });
    // Voids: surveys void by rule (submitted in the month, in the campaign's time zone) and QA's void findings on
    // the month's samples.
    Future<JsonArray> voids = pool.preparedQuery(SAMPLES
            + " select sr.attempt_id, sr.agent_id, u.display_name, sr.campaign_id, c.name as campaign_name,"
            + " sr.submitted_at, sr.not_surveyed, 'survey' as source, null::bigint as evaluation_id"
            + " from survey_response sr join campaign c on c.id = sr.campaign_id join app_user u on u.id = sr.agent_id"
            + " where sr.void and sr.status = 'submitted' and ($2::bigint is null or sr.campaign_id = $2)"
            + " and to_char(sr.submitted_at at time zone c.time_zone, 'YYYY-MM') = $1"
            + " union all"
            + " select f.attempt_id, f.agent_id, u.display_name, f.campaign_id, c.name, sr.submitted_at,"
            + " sr.not_surveyed, 'qa', f.evaluation_id"
            + " from qa_finding f join s on s.id = f.sample_id join app_user u on u.id = f.agent_id"
            + " join campaign c on c.id = f.campaign_id left join survey_response sr on sr.attempt_id = f.attempt_id"
            + " where f.kind = 'void' order by 6 nulls last, 1")
        .execute(args)
        .map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            var at = r.getOffsetDateTime("submitted_at");
            out.add(new JsonObject().put("attemptId", r.getString("attempt_id")).put("agentId", r.getLong("agent_id"))
                .put("agentName", r.getString("display_name")).put("campaignId", r.getLong("campaign_id"))
                .put("campaignName", r.getString("campaign_name"))
                .put("submittedAt", at == null ? null : at.toInstant().toString())
                .put("notSurveyed", r.getInteger("not_surveyed")).put("source", r.getString("source"))
                .put("evaluationId", r.getLong("evaluation_id")));
          }
          return out;
        });
    return Future.all(agents, qa, voids).map(v -> new JsonObject().put("month", month).put("campaignId", campaignId)
        .put("agents", agents.result()).put("qaUsers", qa.result()).put("voids", voids.result()));
  }
}
