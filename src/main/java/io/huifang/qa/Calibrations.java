package io.huifang.qa;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.qa.EvaluationStore.SampleRef;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Blind calibrations (校准): several QA users score the same sample, each on their own calibration draft; a member sees
 * no one else's scores until they have submitted theirs; once scores are in, the spread per item and each member
 * against the chosen expert ({@link CalibrationSpread}). Supervisors and admins, and QA users who are not members,
 * see every submitted score. Calibration evaluations record no findings and are not the agent's.
 */
public final class Calibrations {
  static final int MAX_MEMBERS = 20;

  private final Pool pool;
  private final ScorecardStore scorecards;

  public Calibrations(Pool pool, ScorecardStore scorecards) {
    this.pool = pool;
    this.scorecards = scorecards;
  }

  /** The status of {@code userId}'s evaluation in the calibration, or null when not a member. */
  static Future<String> memberStatus(io.vertx.sqlclient.SqlClient c, Long calibrationId, long userId) {
    if (calibrationId == null) {
      return Future.succeededFuture(null);
    }
    return c.preparedQuery("select status from qa_evaluation where calibration_id = $1 and evaluator_id = $2"
            + " and kind = 'calibration'").execute(Tuple.of(calibrationId, userId))
        .map(rs -> rs.size() == 0 ? null : rs.iterator().next().getString(0));
  }

  /** Creates the calibration and a draft per member; answers it as {@code u} sees it. */
  public Future<JsonObject> create(User u, JsonObject body) {
    Object sid = body.getValue("sampleId");
    if (!(sid instanceof Number sn) || sn.doubleValue() != Math.rint(sn.doubleValue()) || sn.longValue() < 1) {
      return Future.failedFuture(new Invalid("sampleId", "must be a sample id", "必须是抽检样本编号"));
    }
    Object ids = body.getValue("userIds");
    if (!(ids instanceof JsonArray arr) || arr.size() < 2 || arr.size() > MAX_MEMBERS) {
      return Future.failedFuture(new Invalid("userIds", "name 2 to " + MAX_MEMBERS + " QA users",
          "请指定 2 到 " + MAX_MEMBERS + " 名质检员"));
    }
    Set<Long> members = new LinkedHashSet<>();
    for (int i = 0; i < arr.size(); i++) {
      Object v = arr.getValue(i);
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || !members.add(n.longValue())) {
        return Future.failedFuture(new Invalid("userIds[" + i + "]", "must be a user id, each once",
            "必须是用户编号，且不重复"));
      }
    }
    Object ex = body.getValue("expertId");
    Long expert = null;
    if (ex != null) {
      if (!(ex instanceof Number n) || !members.contains(n.longValue())) {
        return Future.failedFuture(new Invalid("expertId", "the expert must be one of the members",
            "专家必须是参与校准的成员之一"));
      }
      expert = n.longValue();
    }
    Object sc = body.getValue("scorecard");
    if (sc != null && !(sc instanceof String)) {
      return Future.failedFuture(new Invalid("scorecard", "must be a scorecard key", "必须是评分表的 key"));
    }
    String key = sc == null ? Scorecard.DEFAULT : (String) sc;
    long sampleId = sn.longValue();
    Long expertId = expert;
    return scorecards.current(key).recover(e -> Future.failedFuture(e instanceof NoSuchElementException
            ? new Invalid("scorecard", "no scorecard \"" + key + "\"", "没有评分表 \"" + key + "\"") : e))
        .compose(card -> pool.withTransaction(tx -> tx.preparedQuery("select id from app_user where id = any($1)"
                + " and role = 'qa' and active").execute(Tuple.of(members.toArray(new Long[0])))
            .compose(rs -> {
              Set<Long> qa = new java.util.HashSet<>();
              rs.forEach(r -> qa.add(r.getLong(0)));
              int i = 0;
              for (Long m : members) {
                if (!qa.contains(m)) {
                  throw new Invalid("userIds[" + i + "]", "user " + m + " is not an active QA user",
                      "用户 " + m + " 不是在职的质检员");
                }
                i++;
              }
              return EvaluationStore.sample(tx, sampleId, false);
            })
            .compose(s -> {
              SampleRef sample = s.orElseThrow(() -> new Invalid("sampleId", "no such sample", "没有该抽检样本"));
              return tx.preparedQuery("insert into qa_calibration (sample_id, expert_id, scorecard_key,"
                      + " scorecard_version, created_by) values ($1, $2, $3, $4, $5) returning id")
                  .execute(Tuple.of(sampleId, expertId, card.key(), card.version(), u.id()))
                  .compose(rs -> {
                    long calId = rs.iterator().next().getLong(0);
                    Future<Void> chain = Future.succeededFuture();
                    for (Long m : members) {
                      chain = chain.compose(v -> EvaluationStore.insert(tx, sample, m, "calibration", card, calId,
                          null).mapEmpty());
                    }
                    return chain.map(calId);
                  });
            })))
        .compose(id -> get(u, id));
  }

  /** The calibrations, newest first, with how many members have submitted and whether {@code u} is one. */
  public Future<JsonArray> list(User u) {
    return pool.preparedQuery("select c.id, c.sample_id, c.created_at, c.expert_id, ux.display_name as expert_name,"
            + " s.agent_id, ua.display_name as agent_name, s.month,"
            + " count(e.id) as members, count(e.id) filter (where e.status = 'submitted') as submitted,"
            + " bool_or(e.evaluator_id = $1) as mine,"
            + " bool_or(e.evaluator_id = $1 and e.status = 'draft') as mine_open"
            + " from qa_calibration c join qa_sample s on s.id = c.sample_id join app_user ua on ua.id = s.agent_id"
            + " left join app_user ux on ux.id = c.expert_id left join qa_evaluation e on e.calibration_id = c.id"
            + " group by c.id, ux.display_name, s.agent_id, ua.display_name, s.month order by c.id desc limit 200")
        .execute(Tuple.of(u.id()))
        .map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            out.add(new JsonObject().put("id", r.getLong("id")).put("sampleId", r.getLong("sample_id"))
                .put("month", r.getString("month")).put("agentName", r.getString("agent_name"))
                .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
                .put("expertId", r.getLong("expert_id")).put("expertName", r.getString("expert_name"))
                .put("members", r.getLong("members")).put("submitted", r.getLong("submitted"))
                .put("mine", Boolean.TRUE.equals(r.getBoolean("mine")))
                .put("waitingForMe", Boolean.TRUE.equals(r.getBoolean("mine_open"))));
          }
          return out;
        });
  }

  private record MemberRow(long evaluationId, long userId, String name, String status, JsonObject items, Double score,
                           Boolean passed) {
  }

  /**
   * One calibration as {@code u} may see it. A member who has not submitted sees only who has (no scores, no
   * spread); everyone else sees every submitted member's scores and the spread over them.
   */
  public Future<JsonObject> get(User u, long id) {
    return pool.preparedQuery("select c.id, c.sample_id, c.expert_id, c.scorecard_key, c.scorecard_version,"
            + " c.created_at, s.month, s.agent_id, ua.display_name as agent_name, s.recording_id, s.attempt_id"
            + " from qa_calibration c join qa_sample s on s.id = c.sample_id join app_user ua on ua.id = s.agent_id"
            + " where c.id = $1").execute(Tuple.of(id))
        .compose(rs -> {
          if (rs.size() == 0) {
            throw Problem.notFound("calibration");
          }
          Row c = rs.iterator().next();
          return pool.preparedQuery("select e.id, e.evaluator_id, u.display_name, e.status, e.items,"
                  + " e.score::float8 as score, e.passed from qa_evaluation e join app_user u on u.id = e.evaluator_id"
                  + " where e.calibration_id = $1 and e.kind = 'calibration' order by u.display_name, e.id")
              .execute(Tuple.of(id))
              .compose(ms -> {
                List<MemberRow> members = new ArrayList<>();
                ms.forEach(r -> members.add(new MemberRow(r.getLong("id"), r.getLong("evaluator_id"),
                    r.getString("display_name"), r.getString("status"), (JsonObject) r.getValue("items"),
                    r.getDouble("score"), r.getBoolean("passed"))));
                return scorecards.version(c.getString("scorecard_key"), c.getInteger("scorecard_version"))
                    .map(card -> view(u, c, members, card));
              });
        });
  }

  private static JsonObject view(User u, Row c, List<MemberRow> members, Scorecard card) {
    Optional<MemberRow> me = members.stream().filter(m -> m.userId() == u.id()).findFirst();
    boolean blind = u.role() == Role.QA && me.isPresent() && !me.get().status().equals("submitted");
    Long expertId = c.getLong("expert_id");
    JsonArray list = new JsonArray();
    List<CalibrationSpread.Member> submitted = new ArrayList<>();
    for (MemberRow m : members) {
      boolean done = m.status().equals("submitted");
      boolean own = m.userId() == u.id();
      JsonObject j = new JsonObject().put("userId", m.userId()).put("name", m.name()).put("status", m.status())
          .put("expert", expertId != null && expertId == m.userId());
      if (own || (!blind && done)) {
        j.put("evaluationId", m.evaluationId()).put("score", m.score()).put("passed", m.passed())
            .put("items", m.items());
      }
      list.add(j);
      if (done) {
        submitted.add(new CalibrationSpread.Member(m.userId(), m.name(), ScorecardScoring.marks(card, m.items()),
            m.score(), Boolean.TRUE.equals(m.passed())));
      }
    }
    JsonObject out = new JsonObject().put("id", c.getLong("id")).put("sampleId", c.getLong("sample_id"))
        .put("month", c.getString("month")).put("agentId", c.getLong("agent_id"))
        .put("agentName", c.getString("agent_name")).put("recordingId", c.getString("recording_id"))
        .put("attemptId", c.getString("attempt_id"))
        .put("createdAt", c.getOffsetDateTime("created_at").toInstant().toString())
        .put("expertId", expertId).put("scorecard", card.toJson()).put("blind", blind).put("members", list)
        .put("myEvaluationId", me.map(MemberRow::evaluationId).orElse(null));
    out.put("spread", blind ? null : CalibrationSpread.of(card, submitted, expertId));
    return out;
  }
}
