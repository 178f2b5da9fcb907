package io.huifang.report;

import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.VolumeCheck;
import io.huifang.report.ScoringRules.AuditFinding;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report module's SQL, together: reading a month's samples, tasks and check inputs from the modules below
 * (survey_response, qa_finding, call_task, special_filing, dealer), and writing the month, its scores, deductions,
 * check inputs and suggestions. Every method takes the client to run on, so that a month is computed and stored in
 * one transaction.
 */
public final class ReportStore {
  /**
   * The campaign kinds scored as each report kind: CSI after-sales and "other" score as CSI, SSI sales as SSI.
   * Second callbacks (二次回访, campaign purpose second_callback) verify cases and appeals: never samples or tasks.
   */
  static final String KIND_FILTER = "(k.purpose = 'survey'"
      + " and case when $1 = 'ssi' then k.kind = 'ssi' else k.kind in ('csi', 'other') end)";

  /**
   * One submitted survey of the month: a sample of its customer's dealer. Its answers stay the database's JSON text
   * ({@code answersJson}) until {@link #answers()} decodes them: reading a month's rows runs on the event loop, and
   * decoding 400,000 answer objects there (2,000 dealers × 200 samples) held it for seconds; the scoring worker
   * decodes each sample as it scores it.
   */
  public record SampleRow(String attemptId, long dealerId, long campaignId, String campaignName, long agentId,
                          String agentName, String outcome, String disposition, String answersJson, boolean voided,
                          boolean qaVoid, boolean falsified, boolean wrongInfo, String questionnaireKey,
                          int questionnaireVersion, OffsetDateTime submittedAt) {
    /** The answers decoded, a new object at each call (empty without answers); blocking work: call on a worker. */
    public JsonObject answers() {
      return answersJson == null ? new JsonObject() : new JsonObject(answersJson);
    }
  }

  /** A dealer taking part in the month: where it belongs, and its tasks due in the month. */
  public record DealerRow(long id, String code, String name, String region, String group, int due, int called,
                          int unfinished) {
    /** Every customer of the month was called or closed: the sample floor's deduction applies. */
    public boolean listExhausted() {
      return unfinished == 0;
    }

    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("code", code).put("name", name).put("region", region)
          .put("group", group);
    }
  }

  static Tuple monthArgs(String kind, OffsetDateTime from, OffsetDateTime to) {
    return Tuple.of(kind, from, to);
  }

  /** The submitted surveys of the month (by submitted_at) that are samples: success or error sample. */
  public Future<List<SampleRow>> samples(SqlClient c, String kind, OffsetDateTime from, OffsetDateTime to,
                                         Long dealerId) {
    return c.preparedQuery("select r.attempt_id, cu.dealer_id, r.campaign_id, k.name as campaign_name, r.agent_id,"
            + " coalesce(u.display_name, u.username) as agent_name, r.disposition_group, r.disposition,"
            + " r.answers::text as answers,"
            + " coalesce(r.void, false) as void, r.questionnaire_key, r.questionnaire_version, r.submitted_at,"
            + " exists (select 1 from qa_finding f where f.attempt_id = r.attempt_id and f.kind = 'void') as qa_void,"
            + " exists (select 1 from qa_finding f where f.attempt_id = r.attempt_id and f.kind = 'falsified')"
            + " as falsified,"
            + " exists (select 1 from qa_finding f where f.attempt_id = r.attempt_id and f.kind = 'wrong_info')"
            + " as wrong_info"
            + " from survey_response r join campaign k on k.id = r.campaign_id"
            + " join customer cu on cu.id = r.customer_id join app_user u on u.id = r.agent_id"
            + " where r.status = 'submitted' and r.disposition_group in ('success', 'error_sample')"
            + " and r.submitted_at >= $2 and r.submitted_at < $3 and " + KIND_FILTER
            + " and ($4::bigint is null or cu.dealer_id = $4) order by cu.dealer_id, r.submitted_at, r.attempt_id")
        .execute(Tuple.of(kind, from, to, dealerId)).map(rs -> {
          List<SampleRow> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(new SampleRow(r.getString("attempt_id"), r.getLong("dealer_id"), r.getLong("campaign_id"),
                r.getString("campaign_name"), r.getLong("agent_id"), r.getString("agent_name"),
                r.getString("disposition_group"), r.getString("disposition"),
                r.getString("answers"), r.getBoolean("void"), r.getBoolean("qa_void"),
                r.getBoolean("falsified"), r.getBoolean("wrong_info"), r.getString("questionnaire_key"),
                r.getInteger("questionnaire_version"), r.getOffsetDateTime("submitted_at")));
          }
          return out;
        });
  }

  /**
   * The dealers of the month: those with a sample of the month or a task due in it (by its deadline), with their
   * tasks' counts (due, called at least once, still open without a call).
   */
  public Future<Map<Long, DealerRow>> dealers(SqlClient c, String kind, OffsetDateTime from, OffsetDateTime to) {
    return c.preparedQuery("with tasks as (select cu.dealer_id, count(*) as due,"
            + " count(*) filter (where t.attempts > 0) as called,"
            + " count(*) filter (where t.attempts = 0 and t.status in ('open', 'callback')) as unfinished"
            + " from call_task t join customer cu on cu.id = t.customer_id join campaign k on k.id = t.campaign_id"
            + " where t.deadline >= $2 and t.deadline < $3 and " + KIND_FILTER + " group by cu.dealer_id),"
            + " sampled as (select distinct cu.dealer_id from survey_response r join campaign k on k.id = r.campaign_id"
            + " join customer cu on cu.id = r.customer_id where r.status = 'submitted'"
            + " and r.disposition_group in ('success', 'error_sample') and r.submitted_at >= $2"
            + " and r.submitted_at < $3 and " + KIND_FILTER + ")"
            + " select d.id, d.code, d.name, d.region, d.dealer_group, coalesce(t.due, 0) as due,"
            + " coalesce(t.called, 0) as called, coalesce(t.unfinished, 0) as unfinished from dealer d"
            + " left join tasks t on t.dealer_id = d.id"
            + " where t.dealer_id is not null or d.id in (select dealer_id from sampled) order by d.id")
        .execute(monthArgs(kind, from, to)).map(rs -> {
          Map<Long, DealerRow> out = new LinkedHashMap<>();
          for (Row r : rs) {
            out.put(r.getLong("id"), dealer(r));
          }
          return out;
        });
  }

  private static DealerRow dealer(Row r) {
    return new DealerRow(r.getLong("id"), r.getString("code"), r.getString("name"), r.getString("region"),
        r.getString("dealer_group"), r.getLong("due").intValue(), r.getLong("called").intValue(),
        r.getLong("unfinished").intValue());
  }

  /** One dealer, with its tasks of the month; null when there is no such dealer. */
  public Future<DealerRow> dealer(SqlClient c, String kind, OffsetDateTime from, OffsetDateTime to, long dealerId) {
    return c.preparedQuery("select d.id, d.code, d.name, d.region, d.dealer_group,"
            + " (select count(*) from call_task t join customer cu on cu.id = t.customer_id"
            + " join campaign k on k.id = t.campaign_id where cu.dealer_id = d.id and t.deadline >= $2"
            + " and t.deadline < $3 and " + KIND_FILTER + ") as due,"
            + " (select count(*) from call_task t join customer cu on cu.id = t.customer_id"
            + " join campaign k on k.id = t.campaign_id where cu.dealer_id = d.id and t.deadline >= $2"
            + " and t.deadline < $3 and t.attempts > 0 and " + KIND_FILTER + ") as called, 0::bigint as unfinished"
            + " from dealer d where d.id = $4")
        .execute(Tuple.of(kind, from, to, dealerId))
        .map(rs -> rs.size() == 0 ? null : dealer(rs.iterator().next()));
  }

  /** The month's deduction inputs by dealer (dealers without a row: no check results, {@link Checks#NONE}). */
  public Future<Map<Long, Checks>> checkInputs(SqlClient c, String kind, YearMonth month) {
    return c.preparedQuery("select dealer_id, audit, volume, late_plans from report_check_input"
            + " where kind = $1 and month = $2")
        .execute(Tuple.of(kind, month.atDay(1))).map(rs -> {
          Map<Long, Checks> out = new HashMap<>();
          for (Row r : rs) {
            out.put(r.getLong("dealer_id"), checks(r));
          }
          return out;
        });
  }

  /** casework's improvement plans of the kind with a step due in [from, to), for {@link LatePlans}. */
  Future<List<LatePlans.Plan>> latePlans(SqlClient c, String kind, OffsetDateTime from, OffsetDateTime to) {
    return c.preparedQuery("select id, dealer_id, meeting_due, meeting_at, minutes_due, minutes_at, result_due,"
            + " result_at from improvement_plan where kind = $1 and ((meeting_due >= $2 and meeting_due < $3)"
            + " or (minutes_due >= $2 and minutes_due < $3) or (result_due >= $2 and result_due < $3))")
        .execute(Tuple.of(kind, from, to)).map(rs -> {
          List<LatePlans.Plan> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(new LatePlans.Plan(r.getLong("id"), r.getLong("dealer_id"), io.huifang.casework.PlanDeadlines.Steps.of(
                r.getOffsetDateTime("meeting_due"), r.getOffsetDateTime("meeting_at"),
                r.getOffsetDateTime("minutes_due"), r.getOffsetDateTime("minutes_at"),
                r.getOffsetDateTime("result_due"), r.getOffsetDateTime("result_at"))));
          }
          return out;
        });
  }

  /** The dealers scored in the month (those a month's approval concerns). */
  Future<List<Long>> dealerIds(SqlClient c, String kind, YearMonth month) {
    return c.preparedQuery("select dealer_id from report_dealer_score where kind = $1 and month = $2 order by dealer_id")
        .execute(Tuple.of(kind, month.atDay(1))).map(rs -> {
          List<Long> out = new ArrayList<>();
          rs.forEach(r -> out.add(r.getLong(0)));
          return out;
        });
  }

  static Checks checks(Row r) {
    Set<AuditFinding> audit = EnumSet.noneOf(AuditFinding.class);
    for (Object o : (JsonArray) r.getValue("audit")) {
      audit.add(finding(String.valueOf(o)));
    }
    List<String> late = new ArrayList<>();
    ((JsonArray) r.getValue("late_plans")).forEach(o -> late.add(String.valueOf(o)));
    return new Checks(audit, volume(r.getString("volume")), late);
  }

  static AuditFinding finding(String id) {
    for (AuditFinding f : AuditFinding.values()) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    return null;
  }

  static VolumeCheck volume(String id) {
    for (VolumeCheck v : VolumeCheck.values()) {
      if (v.id.equals(id)) {
        return v;
      }
    }
    return null;
  }

  public static JsonObject checksJson(Checks c) {
    JsonArray audit = new JsonArray();
    for (AuditFinding f : AuditFinding.values()) {
      if (c.audit().contains(f)) {
        audit.add(f.id);
      }
    }
    return new JsonObject().put("audit", audit).put("volume", c.volume().id)
        .put("latePlans", new JsonArray(new ArrayList<>(c.latePlans())));
  }

  public Future<Void> saveCheckInput(SqlClient c, String kind, YearMonth month, long dealerId, Checks checks,
                                     long userId) {
    JsonObject j = checksJson(checks);
    return c.preparedQuery("insert into report_check_input (kind, month, dealer_id, audit, volume, late_plans,"
            + " updated_by, updated_at) values ($1, $2, $3, $4, $5, $6, $7, now()) on conflict (kind, month, dealer_id)"
            + " do update set audit = excluded.audit, volume = excluded.volume, late_plans = excluded.late_plans,"
            + " updated_by = excluded.updated_by, updated_at = now()")
        .execute(Tuple.of(kind, month.atDay(1), dealerId, j.getJsonArray("audit"), j.getString("volume"),
            j.getJsonArray("latePlans"), userId)).mapEmpty();
  }

  /** The assessment scores stored for the 11 months before {@code month}, for the trends. */
  public Future<Map<YearMonth, Map<Long, BigDecimal>>> past(SqlClient c, String kind, YearMonth month) {
    return c.preparedQuery("select month, dealer_id, assessment from report_dealer_score where kind = $1"
            + " and month >= $2 and month < $3 and assessment is not null")
        .execute(Tuple.of(kind, month.minusMonths(11).atDay(1), month.atDay(1))).map(rs -> {
          Map<YearMonth, Map<Long, BigDecimal>> out = new HashMap<>();
          for (Row r : rs) {
            out.computeIfAbsent(YearMonth.from(r.getLocalDate("month")), k -> new HashMap<>())
                .put(r.getLong("dealer_id"), r.getBigDecimal("assessment"));
          }
          return out;
        });
  }

  /** The month's row locked for this transaction; null when it was never computed. */
  public Future<JsonObject> lockMonth(SqlClient c, String kind, YearMonth month) {
    // the lock serialises computes of a month that has no row yet (for update locks only an existing row)
    return c.preparedQuery("select pg_advisory_xact_lock(hashtext('report_month:' || $1 || ':' || $2))")
        .execute(Tuple.of(kind, month.toString()))
        .compose(v -> c.preparedQuery(MONTH_SELECT + " where m.kind = $1 and m.month = $2 for update of m")
            .execute(Tuple.of(kind, month.atDay(1))))
        .map(rs -> rs.size() == 0 ? null : monthJson(rs.iterator().next()));
  }

  private static final String MONTH_SELECT = "select m.kind, m.month, m.state, m.questionnaire_key,"
      + " m.questionnaire_version, m.averages, m.drafted_by, m.drafted_at, m.reviewed_by, m.reviewed_at,"
      + " m.approved_by, m.approved_at, coalesce(d.display_name, d.username) as drafted_name,"
      + " coalesce(v.display_name, v.username) as reviewed_name, coalesce(a.display_name, a.username) as approved_name"
      + " from report_month m left join app_user d on d.id = m.drafted_by left join app_user v on v.id = m.reviewed_by"
      + " left join app_user a on a.id = m.approved_by";

  static JsonObject monthJson(Row r) {
    JsonObject steps = new JsonObject()
        .put("drafted", step(r.getLong("drafted_by"), r.getString("drafted_name"), r.getOffsetDateTime("drafted_at")))
        .put("reviewed", step(r.getLong("reviewed_by"), r.getString("reviewed_name"),
            r.getOffsetDateTime("reviewed_at")))
        .put("approved", step(r.getLong("approved_by"), r.getString("approved_name"),
            r.getOffsetDateTime("approved_at")));
    return new JsonObject().put("kind", r.getString("kind"))
        .put("month", YearMonth.from(r.getLocalDate("month")).toString()).put("state", r.getString("state"))
        .put("questionnaire", new JsonObject().put("key", r.getString("questionnaire_key"))
            .put("version", r.getInteger("questionnaire_version")))
        .put("steps", steps).put("averages", r.getValue("averages"));
  }

  private static JsonObject step(Long by, String name, OffsetDateTime at) {
    return at == null ? null : new JsonObject().put("by", by).put("byName", name).put("at", at.toInstant().toString());
  }

  public Future<JsonArray> months(SqlClient c, String kind) {
    return c.preparedQuery(MONTH_SELECT + " where ($1::text is null or m.kind = $1) order by m.month desc, m.kind")
        .execute(Tuple.of(kind)).map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> {
            JsonObject m = monthJson(r);
            m.remove("averages");
            out.add(m);
          });
          return out;
        });
  }

  /**
   * The approved months in which {@code dealerId} was scored, newest first: {@code [{"kind","month","approvedAt",
   * "assessment","rank"}]} (the dealer portal's list of its reports).
   */
  public Future<JsonArray> approvedOf(SqlClient c, long dealerId) {
    return c.preparedQuery("select m.kind, to_char(m.month, 'YYYY-MM') as month, m.approved_at, s.assessment, s.rank"
            + " from report_month m join report_dealer_score s on s.kind = m.kind and s.month = m.month"
            + " where m.state = 'approved' and s.dealer_id = $1 order by m.month desc, m.kind")
        .execute(Tuple.of(dealerId)).map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            BigDecimal assessment = r.getBigDecimal("assessment");
            OffsetDateTime at = r.getOffsetDateTime("approved_at");
            out.add(new JsonObject().put("kind", r.getString("kind")).put("month", r.getString("month"))
                .put("approvedAt", at == null ? null : at.toInstant().toString())
                .put("assessment", assessment == null ? null : assessment.doubleValue())
                .put("rank", r.getValue("rank")));
          }
          return out;
        });
  }

  public Future<JsonObject> month(SqlClient c, String kind, YearMonth month) {
    return c.preparedQuery(MONTH_SELECT + " where m.kind = $1 and m.month = $2")
        .execute(Tuple.of(kind, month.atDay(1)))
        .map(rs -> rs.size() == 0 ? null : monthJson(rs.iterator().next()));
  }

  /** Replaces the month's scores: the month back to a draft by {@code userId}, every dealer's score and deductions. */
  public Future<Void> saveMonth(SqlClient c, String kind, YearMonth month, String questionnaireKey,
                                int questionnaireVersion, JsonObject averages, long userId, List<Tuple> scores,
                                List<Tuple> deductions) {
    LocalDate m = month.atDay(1);
    Future<?> f = c.preparedQuery("insert into report_month (kind, month, state, questionnaire_key,"
            + " questionnaire_version, averages, drafted_by, drafted_at) values ($1, $2, 'draft', $3, $4, $5, $6, now())"
            + " on conflict (kind, month) do update set state = 'draft', questionnaire_key = excluded.questionnaire_key,"
            + " questionnaire_version = excluded.questionnaire_version, averages = excluded.averages,"
            + " drafted_by = excluded.drafted_by, drafted_at = now(), reviewed_by = null, reviewed_at = null,"
            + " approved_by = null, approved_at = null")
        .execute(Tuple.of(kind, m, questionnaireKey, questionnaireVersion, averages, userId))
        .compose(v -> c.preparedQuery("delete from report_dealer_score where kind = $1 and month = $2")
            .execute(Tuple.of(kind, m)));
    if (!scores.isEmpty()) {
      f = f.compose(v -> c.preparedQuery("insert into report_dealer_score (kind, month, dealer_id, raw, assessment,"
              + " success_rate, samples, successful, error_samples, voided, falsified, appealed_away, rank,"
              + " region_rank, score, ranking) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
              + " $15, $16)").executeBatch(scores));
    }
    if (!deductions.isEmpty()) {
      f = f.compose(v -> c.preparedQuery("insert into report_deduction (kind, month, dealer_id, rule, inputs, points)"
          + " values ($1, $2, $3, $4, $5, $6)").executeBatch(deductions));
    }
    return f.mapEmpty();
  }

  /** The stored ranking: every dealer's line, best first, unranked last, with its deductions. */
  public Future<JsonArray> scores(SqlClient c, String kind, YearMonth month, Long dealerId) {
    return scores(c, kind, month, dealerId, true);
  }

  /** {@link #scores}; {@code withScore}: each line's whole stored score as {@code score} (the ranking needs none). */
  public Future<JsonArray> scores(SqlClient c, String kind, YearMonth month, Long dealerId, boolean withScore) {
    LocalDate m = month.atDay(1);
    return c.preparedQuery("select s.kind, s.month, s.dealer_id, s.raw, s.assessment, s.success_rate, s.samples,"
            + " s.successful, s.error_samples, s.voided, s.falsified, s.appealed_away, s.rank, s.region_rank,"
            + " s.ranking, " + (withScore ? "s.score" : "null::jsonb as score") + ", d.code, d.name, d.region,"
            + " d.dealer_group,"
            + " coalesce((select jsonb_agg(jsonb_build_object('rule', x.rule, 'inputs', x.inputs, 'points', x.points)"
            + " order by x.id) from report_deduction x where x.kind = s.kind and x.month = s.month"
            + " and x.dealer_id = s.dealer_id), '[]'::jsonb) as deductions"
            + " from report_dealer_score s join dealer d on d.id = s.dealer_id where s.kind = $1 and s.month = $2"
            + " and ($3::bigint is null or s.dealer_id = $3)"
            + " order by s.rank nulls last, s.dealer_id")
        .execute(Tuple.of(kind, m, dealerId)).map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            JsonObject ranking = (JsonObject) r.getValue("ranking");
            JsonArray deds = new JsonArray();
            ((JsonArray) r.getValue("deductions")).forEach(x -> {
              JsonObject d = (JsonObject) x;
              deds.add(d.put("points", ((Number) d.getValue("points")).doubleValue()));
            });
            BigDecimal assessment = r.getBigDecimal("assessment");
            out.add(new JsonObject().put("dealerId", r.getLong("dealer_id")).put("code", r.getString("code"))
                .put("name", r.getString("name")).put("region", r.getString("region"))
                .put("group", r.getString("dealer_group")).put("raw", r.getDouble("raw"))
                .put("assessment", assessment == null ? null : assessment.doubleValue())
                .put("successRate", r.getDouble("success_rate")).put("samples", r.getInteger("samples"))
                .put("successful", r.getInteger("successful")).put("errorSamples", r.getInteger("error_samples"))
                .put("voided", r.getInteger("voided")).put("falsified", r.getInteger("falsified"))
                .put("appealedAway", r.getInteger("appealed_away")).put("deductions", deds)
                .put("rank", r.getInteger("rank")).put("regionRank", r.getInteger("region_rank"))
                .put("regionAverage", ranking.getValue("regionAverage"))
                .put("groupAverage", ranking.getValue("groupAverage"))
                .put("monthOnMonth", ranking.getValue("monthOnMonth")).put("trend3", ranking.getValue("trend3"))
                .put("trend12", ranking.getValue("trend12")));
            if (withScore) {
              out.getJsonObject(out.size() - 1).put("score", r.getValue("score"));
            }
          }
          return out;
        });
  }

  /** Moves the month from {@code from} to {@code to}, stamping the step; false when it was not in {@code from}. */
  public Future<Boolean> step(SqlClient c, String kind, YearMonth month, Set<String> from, String to, long userId) {
    String stamp = switch (to) {
      case "reviewed" -> ", reviewed_by = $5, reviewed_at = now()";
      case "approved" -> ", approved_by = $5, approved_at = now()";
      // reopened: back to a draft, the review and approval undone (the audit log keeps them)
      default -> ", reviewed_by = null, reviewed_at = null, approved_by = null, approved_at = null, drafted_by = $5";
    };
    return c.preparedQuery("update report_month set state = $4" + stamp
            + " where kind = $1 and month = $2 and state = any($3)")
        .execute(Tuple.of(kind, month.atDay(1), from.toArray(new String[0]), to, userId))
        .map(rs -> rs.rowCount() > 0);
  }

  /** The month's findings of one kind ({@code falsified}, {@code wrong_info}) on its samples, for the checks. */
  public Future<JsonArray> findings(SqlClient c, String kind, OffsetDateTime from, OffsetDateTime to,
                                    String findingKind) {
    return c.preparedQuery("select f.attempt_id, f.items, f.created_at, cu.dealer_id, d.code, d.name,"
            + " r.agent_id, coalesce(u.display_name, u.username) as agent_name, r.submitted_at, k.name as campaign"
            + " from qa_finding f join survey_response r on r.attempt_id = f.attempt_id"
            + " join campaign k on k.id = r.campaign_id join customer cu on cu.id = r.customer_id"
            + " join dealer d on d.id = cu.dealer_id join app_user u on u.id = r.agent_id"
            + " where f.kind = $4 and r.status = 'submitted' and r.submitted_at >= $2 and r.submitted_at < $3 and "
            + KIND_FILTER + " order by d.code, r.submitted_at")
        .execute(Tuple.of(kind, from, to, findingKind)).map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            out.add(new JsonObject().put("attemptId", r.getString("attempt_id")).put("dealerId", r.getLong("dealer_id"))
                .put("code", r.getString("code")).put("name", r.getString("name")).put("campaign", r.getString("campaign"))
                .put("agentId", r.getLong("agent_id")).put("agentName", r.getString("agent_name"))
                .put("items", r.getValue("items"))
                .put("submittedAt", r.getOffsetDateTime("submitted_at").toInstant().toString())
                .put("foundAt", r.getOffsetDateTime("created_at").toInstant().toString()));
          }
          return out;
        });
  }

  /**
   * Tasks of the month (deadline in it) that closed not called: expired, or filed as a special case. A filing made
   * within the task's period (from the task's creation to its deadline) covers it and takes it out of the count;
   * one made after the deadline does not.
   */
  public Future<JsonArray> expired(SqlClient c, String kind, OffsetDateTime from, OffsetDateTime to) {
    return c.preparedQuery("select t.id, t.status, t.deadline, t.created_at, t.attempts, cu.dealer_id, d.code, d.name,"
            + " k.name as campaign, f.reason, f.filed_at,"
            + " (f.filed_at is not null and f.filed_at >= t.created_at and f.filed_at <= t.deadline) as covered"
            + " from call_task t join customer cu on cu.id = t.customer_id join campaign k on k.id = t.campaign_id"
            + " join dealer d on d.id = cu.dealer_id left join special_filing f on f.task_id = t.id"
            + " where t.status in ('expired', 'filed') and t.deadline >= $2 and t.deadline < $3 and " + KIND_FILTER
            + " order by d.code, t.deadline, t.id")
        .execute(monthArgs(kind, from, to)).map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            OffsetDateTime filed = r.getOffsetDateTime("filed_at");
            out.add(new JsonObject().put("taskId", r.getLong("id")).put("status", r.getString("status"))
                .put("dealerId", r.getLong("dealer_id")).put("code", r.getString("code"))
                .put("name", r.getString("name")).put("campaign", r.getString("campaign"))
                .put("attempts", r.getInteger("attempts"))
                .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
                .put("deadline", r.getOffsetDateTime("deadline").toInstant().toString())
                .put("filing", filed == null ? null : new JsonObject().put("reason", r.getString("reason"))
                    .put("filedAt", filed.toInstant().toString()).put("withinPeriod", r.getBoolean("covered")))
                .put("counted", !r.getBoolean("covered")));
          }
          return out;
        });
  }

  /** The dealers' declared workshop volume of the month (dealer_volume), by dealer. */
  public Future<Map<Long, Integer>> declaredVolumes(SqlClient c, YearMonth month) {
    return c.preparedQuery("select dealer_id, volume from dealer_volume where month = $1")
        .execute(Tuple.of(month.atDay(1))).map(rs -> {
          Map<Long, Integer> out = new HashMap<>();
          rs.forEach(r -> out.put(r.getLong(0), r.getInteger(1)));
          return out;
        });
  }

  /** The suggestions of one dealer's weak items: item id → {text, by, at}. */
  public Future<Map<String, JsonObject>> suggestions(SqlClient c, String kind, YearMonth month, long dealerId) {
    return c.preparedQuery("select s.item_id, s.text, s.updated_at, coalesce(u.display_name, u.username) as author"
            + " from report_suggestion s left join app_user u on u.id = s.author_id"
            + " where s.kind = $1 and s.month = $2 and s.dealer_id = $3")
        .execute(Tuple.of(kind, month.atDay(1), dealerId)).map(rs -> {
          Map<String, JsonObject> out = new HashMap<>();
          rs.forEach(r -> out.put(r.getString("item_id"), new JsonObject().put("text", r.getString("text"))
              .put("by", r.getString("author")).put("at", r.getOffsetDateTime("updated_at").toInstant().toString())));
          return out;
        });
  }

  public Future<Void> saveSuggestion(SqlClient c, String kind, YearMonth month, long dealerId, String itemId,
                                     String text, long userId) {
    return c.preparedQuery("insert into report_suggestion (kind, month, dealer_id, item_id, text, author_id)"
            + " values ($1, $2, $3, $4, $5, $6) on conflict (kind, month, dealer_id, item_id) do update"
            + " set text = excluded.text, author_id = excluded.author_id, updated_at = now()")
        .execute(Tuple.of(kind, month.atDay(1), dealerId, itemId, text, userId)).mapEmpty();
  }
}
