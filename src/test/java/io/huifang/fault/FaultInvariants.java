package io.huifang.fault;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What must hold after any fault, checked in SQL over one campaign's attempts, tasks and surveys (hardening issue
 * 18: the fault suite and the soak benchmark). Each check counts violations; all must be 0. Call once the calls have
 * settled (no attempt open): an open attempt is a violation of "every attempt ended".
 */
public final class FaultInvariants {
  /** Pairs of attempts of one task whose calls overlapped (the second dialled before the first ended). */
  static final String TWO_OPEN_ATTEMPTS = "select count(*) from call_attempt a join call_attempt b"
      + " on a.task_id = b.task_id and a.id <> b.id and b.originated_at >= a.originated_at"
      + " and b.originated_at < coalesce(a.ended_at, 'infinity') where a.campaign_id = $1";
  /** Attempts not ended, or ended without an end time or an outcome. */
  static final String NOT_ENDED_ONCE = "select count(*) from call_attempt where campaign_id = $1"
      + " and (state <> 'ended' or ended_at is null or outcome is null)";
  /**
   * The task's history between an attempt's dial and the next attempt's dial (its outcome or disposition): none
   * means the end did not reach the task (unless the task is held for a disposition still to come, the agent's
   * draft open); more than one means it was counted twice.
   */
  private static final String WINDOW = "from call_attempt a left join lateral (select count(*) as n from task_event e"
      + " where e.task_id = a.task_id and e.kind not in ('expired', 'filed') and e.at >= a.originated_at"
      + " and e.at < coalesce((select min(b.originated_at) from call_attempt b where b.task_id = a.task_id"
      + " and b.originated_at > a.originated_at), 'infinity')) ev on true"
      + " where a.campaign_id = $1 and a.task_id is not null and a.state = 'ended'";
  static final String NOT_REFLECTED = "select count(*) " + WINDOW + " and ev.n = 0 and not exists (select 1"
      + " from survey_response s join call_task t on t.id = s.task_id where s.attempt_id = a.id"
      + " and s.status = 'draft' and t.leased_until > now())";
  static final String COUNTED_TWICE = "select count(*) " + WINDOW + " and ev.n > 1";
  /** A customer given to an agent has a survey (draft or submitted): what the agent wrote is never dropped. */
  static final String SURVEY_LOST = "select count(*) from call_attempt a where a.campaign_id = $1"
      + " and a.agent_id is not null and a.bridged_at is not null"
      + " and not exists (select 1 from survey_response s where s.attempt_id = a.id)";
  /** An attempt dialled before the next try the task's previous outcome set (a retry rule, a callback time). */
  static final String DIALLED_TOO_EARLY = "select count(*) from call_attempt a join lateral (select"
      + " (e.detail->>'nextTryAt')::timestamptz as next from task_event e where e.task_id = a.task_id"
      + " and e.at < a.originated_at order by e.at desc limit 1) last on true"
      + " where a.campaign_id = $1 and last.next is not null and a.originated_at < last.next - interval '1 second'";

  private FaultInvariants() {
  }

  /** Each invariant's violations for the campaign, in a fixed order. */
  public static Map<String, Long> violations(Pool pool, long campaignId) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("taskWithTwoOpenAttempts", count(pool, TWO_OPEN_ATTEMPTS, campaignId));
    out.put("attemptNotEndedOnce", count(pool, NOT_ENDED_ONCE, campaignId));
    out.put("endNotInTaskHistory", count(pool, NOT_REFLECTED, campaignId));
    out.put("endCountedTwice", count(pool, COUNTED_TWICE, campaignId));
    out.put("surveyLost", count(pool, SURVEY_LOST, campaignId));
    out.put("dialledBeforeRetryRule", count(pool, DIALLED_TOO_EARLY, campaignId));
    return out;
  }

  public static long total(Map<String, Long> violations) {
    return violations.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Attempts, tasks with their history, surveys: what a failed check prints. */
  public static String dump(Pool pool, long campaignId) {
    StringBuilder sb = new StringBuilder();
    pool.preparedQuery("select a.id, a.task_id, a.state, a.outcome, a.agent_id, a.originated_at, a.bridged_at,"
            + " a.ended_at, a.detail, t.status, t.attempts, t.leased_until, t.next_try_at,"
            + " (select string_agg(e.kind || '@' || e.at, ',' order by e.at) from task_event e"
            + " where e.task_id = a.task_id) as events, (select s.status || '/' || s.saves from survey_response s"
            + " where s.attempt_id = a.id) as survey from call_attempt a left join call_task t on t.id = a.task_id"
            + " where a.campaign_id = $1 order by a.originated_at")
        .execute(Tuple.of(campaignId)).await().forEach(r -> sb.append(r.toJson().encode()).append('\n'));
    return sb.toString();
  }

  static long count(Pool pool, String sql, long campaignId) {
    return pool.preparedQuery(sql).execute(Tuple.of(campaignId)).await().iterator().next().getLong(0);
  }
}
