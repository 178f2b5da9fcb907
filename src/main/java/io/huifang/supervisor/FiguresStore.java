package io.huifang.supervisor;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The supervisor's SQL: the board's database figures, the day's charts and the reports, all read from the tables the
 * other modules write (call_attempt, call_task, survey_response, agent_state_log, qa_evaluation), so nothing here
 * has a series of its own to lose in a crash. The definitions are docs/supervisor-api.md's, repeated in the README.
 */
final class FiguresStore {
  private final Pool pool;

  FiguresStore(Pool pool) {
    this.pool = pool;
  }

  /** Counted as a connection: a person answered (a machine is counted apart, in machines). */
  static final String ANSWERED = "(a.answered_at is not null and a.outcome in ('answered_human', 'abandoned'))";

  /** The task statuses that close a task for good. */
  static final String FINAL = "('done', 'wrong_number', 'invalid_number', 'refused', 'unreached', 'error_sample')";

  /**
   * A sample that counts for its dealer: submitted, not void by rule nor by a QA finding (作废 surveys leave the
   * dealer's scores).
   */
  static final String COUNTS_FOR_DEALER = "sr.status = 'submitted' and not coalesce(sr.void, false)"
      + " and not exists (select 1 from qa_finding f where f.attempt_id = sr.attempt_id and f.kind = 'void')";

  /** Active campaigns with the start of their local day and month as of $1. */
  private static final String ACTIVE = "c as (select id, time_zone,"
      + " date_trunc('day', $1 at time zone time_zone) at time zone time_zone as day_start,"
      + " date_trunc('month', $1 at time zone time_zone) at time zone time_zone as month_start"
      + " from campaign where active)";

  /**
   * Per active campaign and outcome: attempts that ended in the last 15 min, the last hour and since the campaign's
   * local midnight (as of $1), and how many of them were connections, counting only those that ended in [$2, $3):
   * the board adds a settled part and a live part (see {@link DbFigures}). The outcomes fold into machines and
   * hang-up classes.
   */
  static final String WINDOWS = "with " + ACTIVE
      + " select a.campaign_id, a.outcome,"
      + " count(*) filter (where a.ended_at >= $1 - interval '15 minutes') as d15,"
      + " count(*) filter (where a.ended_at >= $1 - interval '15 minutes' and " + ANSWERED + ") as a15,"
      + " count(*) filter (where a.ended_at >= $1 - interval '1 hour') as dh,"
      + " count(*) filter (where a.ended_at >= $1 - interval '1 hour' and " + ANSWERED + ") as ah,"
      + " count(*) filter (where a.ended_at >= c.day_start) as dd,"
      + " count(*) filter (where a.ended_at >= c.day_start and " + ANSWERED + ") as ad"
      + " from c join call_attempt a on a.campaign_id = c.id"
      + " and a.ended_at >= greatest(least(c.day_start, $1 - interval '1 hour'), $2) and a.ended_at < $3"
      + " group by a.campaign_id, a.outcome";

  /** Per active campaign: list progress and the callback rate's numbers (tasks created up to $1). */
  static final String LIST = "with " + ACTIVE
      + " select t.campaign_id,"
      + " count(*) filter (where t.status <> 'filed') as due,"
      + " count(*) filter (where t.status in " + FINAL + ") as done,"
      + " count(*) filter (where t.status = 'callback' and t.callback_at <= $1) as callbacks_due,"
      + " count(*) filter (where t.status in ('open', 'callback')) as remaining,"
      + " count(*) filter (where t.status = 'expired') as expired,"
      + " count(*) filter (where t.status <> 'filed' and t.attempts > 0) as called"
      + " from c join call_task t on t.campaign_id = c.id and t.created_at <= $1"
      + " group by t.campaign_id";

  /**
   * Per active campaign, dealer and disposition: the month's (and the day's) submitted success and error samples,
   * in the campaign's time zone as of $1, counting those submitted in [$2, $3). Dealers of the campaign with no
   * sample yet come as one row with zero counts.
   */
  static final String DEALERS = "with " + ACTIVE.replace("where active)", "where active and purpose = 'survey')")
      + "," // dealers' samples: second callbacks (二次回访) verify cases and appeals, they are no samples
      // per campaign, its range through the (campaign_id, submitted_at) index, never the whole table ("offset 0"
      // keeps the planner from flattening the lateral into one scan of every survey, which it otherwise prefers)
      + " s as (select c.id as campaign_id, cu.dealer_id, sr.disposition_group, sr.disposition,"
      + "   count(*) filter (where sr.submitted_at >= c.day_start) as today, count(*) as month"
      + "   from c cross join lateral (select * from survey_response sr where sr.campaign_id = c.id"
      + "     and sr.submitted_at >= greatest(c.month_start, $2) and sr.submitted_at < $3 offset 0) sr"
      + "   join customer cu on cu.id = sr.customer_id"
      + "   where sr.disposition_group in ('success', 'error_sample') and " + COUNTS_FOR_DEALER
      + "   group by c.id, cu.dealer_id, sr.disposition_group, sr.disposition)"
      + " select k.campaign_id, k.dealer_id, d.name, s.disposition_group, s.disposition,"
      + " coalesce(s.today, 0) as today, coalesce(s.month, 0) as month"
      + " from (select campaign_id, dealer_id from campaign_dealer join c on c.id = campaign_id"
      + "   union select campaign_id, dealer_id from s) k"
      + " join dealer d on d.id = k.dealer_id"
      + " left join s on s.campaign_id = k.campaign_id and s.dealer_id = k.dealer_id"
      + " order by k.dealer_id, k.campaign_id";

  /**
   * Per agent, the calls that reached them and ended in [$1, $2): how many, their talk (bridged to hang-up), their
   * handle time (talk plus the wrap-up until the survey was submitted), and how many came to a success. Sums, so
   * that the settled and the live part add up.
   */
  static final String AGENTS_TODAY = "select a.agent_id, count(*) as calls,"
      + " count(*) filter (where sr.status = 'submitted' and sr.disposition_group = 'success') as successes,"
      + " coalesce(sum(extract(epoch from a.ended_at - coalesce(a.bridged_at, a.answered_at, a.ended_at))), 0)::float8"
      + "   as talk,"
      + " coalesce(sum(extract(epoch from greatest(a.ended_at, case when sr.status = 'submitted' then sr.submitted_at"
      + "   end) - coalesce(a.bridged_at, a.answered_at, a.ended_at))), 0)::float8 as handle"
      // each call's survey by its key: joined as a set, the planner would hash every survey ever submitted
      + " from call_attempt a left join lateral (select status, disposition_group, submitted_at from survey_response"
      + "   where attempt_id = a.id offset 0) sr on true"
      + " where a.agent_id is not null and a.ended_at >= $1 and a.ended_at < $2"
      + " group by a.agent_id";

  /**
   * Per agent, the QA score of the month ($1, YYYY-MM, the sample's month as QA counts it): the mean of the
   * evaluations that stand (submitted standard or rescore; a superseded one no longer counts, calibrations never).
   */
  static final String QA_MONTH = "select e.agent_id, round(avg(e.score), 1)::float8 as score, count(*) as evaluations"
      + " from qa_evaluation e join qa_sample s on s.id = e.sample_id"
      + " where s.month = $1 and e.kind in ('standard', 'rescore') and e.status = 'submitted' and e.score is not null"
      + " group by e.agent_id";

  /**
   * Casework at $1, one row (live only, pipelined with the rest; each count walks a partial or status index of a
   * small table): cases not closed and those past their due time still open; second callbacks still calling and
   * those past their deadline unanswered; appeals not decided; plans not accepted with a step late or missing.
   */
  static final String CASEWORK = "select"
      + " (select count(*) from case_file where status <> 'closed') as open_cases,"
      + " (select count(*) from case_file where status = 'open' and due_at < $1) as overdue_cases,"
      + " (select count(*) from case_callback where status = 'calling' and deadline >= $1) as callbacks_due,"
      + " (select count(*) from case_callback where status = 'overdue' or (status = 'calling' and deadline < $1))"
      + " as callbacks_overdue,"
      + " (select count(*) from appeal where status <> 'decided') as appeals_open,"
      + " (select count(*) from improvement_plan p where p.status <> 'accepted' and (coalesce(p.meeting_at, $1)"
      + " > p.meeting_due or coalesce(p.minutes_at, $1) > p.minutes_due or coalesce(p.result_at, $1) > p.result_due))"
      + " as plans_late";

  // --- charts and reports

  /**
   * Attempts that ended in [$1, $2) by minute counted from $4 (negative before it), of one campaign ($3) or of every
   * campaign: dialled, connections, abandoned and live answers (a person answered: answered_human or abandoned).
   */
  static final String ATTEMPTS_BY_MINUTE = "select floor(extract(epoch from a.ended_at - $4) / 60)::int as m,"
      + " count(*) as dialled, count(*) filter (where " + ANSWERED + ") as answered,"
      + " count(*) filter (where a.outcome = 'abandoned') as abandoned,"
      + " count(*) filter (where a.outcome in ('answered_human', 'abandoned')) as live"
      + " from call_attempt a"
      + " where a.campaign_id in (select id from campaign where $3::bigint is null or id = $3)"
      + " and a.ended_at >= $1 and a.ended_at < $2 group by 1 order by 1";

  /**
   * Agents' state changes in [$1, $2) and, for each agent, the last change before $1 (the state the period starts
   * in); by agent, then time. Per agent through the (agent_id, at) index.
   */
  static final String STATE_CHANGES = "select u.id as agent_id, l.state, l.reason, l.at from app_user u"
      + " cross join lateral ((select state, reason, at, id from agent_state_log where agent_id = u.id and at < $1"
      + "   order by at desc, id desc limit 1)"
      + "   union all (select state, reason, at, id from agent_state_log where agent_id = u.id and at >= $1"
      + "   and at < $2)) l"
      + " order by u.id, l.at, l.id";

  /** The abandonment limit: the campaign's target, or the strictest of the active campaigns'. */
  static final String ABANDON_LIMIT = "select min(abandon_target)::float8 / 100 as limit_share from campaign"
      + " where ($1::bigint is not null and id = $1) or ($1::bigint is null and active)";

  /** Per agent, the calls that reached them and ended in [$1, $2): talk, successes and error samples. */
  static final String REPORT_AGENTS = "select a.agent_id as id, count(*) as calls,"
      + " coalesce(sum(extract(epoch from a.ended_at - coalesce(a.bridged_at, a.answered_at, a.ended_at))), 0)::float8"
      + "   as talk,"
      + " count(*) filter (where sr.status = 'submitted' and sr.disposition_group = 'success') as successes,"
      + " count(*) filter (where sr.status = 'submitted' and sr.disposition_group = 'error_sample') as errors"
      + " from call_attempt a left join survey_response sr on sr.attempt_id = a.id"
      + " where a.agent_id is not null and a.ended_at >= $1 and a.ended_at < $2 group by a.agent_id";

  /** Per campaign, attempts that ended in [$1, $2): dialled, connections, calls agents took, talk, samples. */
  static final String REPORT_CAMPAIGNS = "select a.campaign_id as id, count(*) as dialled,"
      + " count(*) filter (where " + ANSWERED + ") as answered,"
      + " count(*) filter (where a.agent_id is not null) as calls,"
      + " coalesce(sum(extract(epoch from a.ended_at - coalesce(a.bridged_at, a.answered_at, a.ended_at)))"
      + "   filter (where a.agent_id is not null), 0)::float8 as talk,"
      + " count(*) filter (where sr.status = 'submitted' and sr.disposition_group = 'success') as successes,"
      + " count(*) filter (where sr.status = 'submitted' and sr.disposition_group = 'error_sample') as errors"
      + " from call_attempt a left join survey_response sr on sr.attempt_id = a.id"
      + " where a.campaign_id in (select id from campaign) and a.ended_at >= $1 and a.ended_at < $2"
      + " group by a.campaign_id";

  /** As {@link #QA_MONTH}, per campaign. */
  static final String QA_MONTH_CAMPAIGNS = "select s.campaign_id as id, round(avg(e.score), 1)::float8 as score,"
      + " count(*) as evaluations from qa_evaluation e join qa_sample s on s.id = e.sample_id"
      + " where s.month = $1 and e.kind in ('standard', 'rescore') and e.status = 'submitted' and e.score is not null"
      + " group by s.campaign_id";

  static final String AGENT_NAMES = "select id, display_name as name, username from app_user where id = any($1)";
  static final String CAMPAIGN_NAMES = "select id, name, null as username from campaign where id = any($1)";

  Future<RowSet<Row>> query(String sql, Object... args) {
    return pool.preparedQuery(sql).execute(Tuple.from(java.util.Arrays.stream(args)
        .map(a -> a instanceof Instant i ? odt(i) : a).toList()));
  }

  /** Rows that count into the board's figures; list, qa and casework are read live only (null in a settled part). */
  record FigureRows(RowSet<Row> windows, RowSet<Row> dealers, RowSet<Row> agents, RowSet<Row> list,
                    RowSet<Row> qa, RowSet<Row> casework) {
  }

  /**
   * The windows', dealers' and agents' rows of what ended (or was submitted) in [from, to), as of {@code now}, read on
   * one connection (the statements are pipelined); with {@code live}, also list progress and the QA month.
   */
  Future<FigureRows> figureRows(Instant now, Instant from, Instant to, Instant centreDayStart, String centreMonth,
                                boolean live) {
    OffsetDateTime at = odt(now);
    Instant agentsFrom = from.isAfter(centreDayStart) ? from : centreDayStart;
    return pool.withConnection(conn -> {
      Future<RowSet<Row>> w = q(conn, WINDOWS, Tuple.of(at, odt(from), odt(to)));
      Future<RowSet<Row>> d = q(conn, DEALERS, Tuple.of(at, odt(from), odt(to)));
      Future<RowSet<Row>> a = q(conn, AGENTS_TODAY, Tuple.of(odt(agentsFrom), odt(to)));
      Future<RowSet<Row>> l = live ? q(conn, LIST, Tuple.of(at)) : Future.succeededFuture(null);
      Future<RowSet<Row>> qa = live ? q(conn, QA_MONTH, Tuple.of(centreMonth)) : Future.succeededFuture(null);
      Future<RowSet<Row>> cw = live ? q(conn, CASEWORK, Tuple.of(at)) : Future.succeededFuture(null);
      return Future.all(List.of(w, d, a, l, qa, cw))
          .map(v -> new FigureRows(w.result(), d.result(), a.result(), l.result(), qa.result(), cw.result()));
    });
  }

  private static Future<RowSet<Row>> q(SqlConnection conn, String sql, Tuple args) {
    return conn.preparedQuery(sql).execute(args);
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }
}
