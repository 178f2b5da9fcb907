package io.huifang.fault;

import io.huifang.testsupport.Invariants;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fault suite's invariants as counts (hardening issue 18): the shared {@link Invariants} (no task with two open
 * attempts, every attempt ended exactly once and in its task's history, every reached customer's survey submitted,
 * no task dialled before its retry rule allows) and one of ours, no two attempts of a task overlapping at any time.
 * All must be 0. Call once the calls have settled and every draft is submitted.
 */
public final class FaultInvariants {
  /**
   * Extra to {@link Invariants} (which sees two attempts open at once, now): pairs of attempts of one task whose calls
   * overlapped at any time in the run, the second dialled before the first ended.
   */
  static final String OVERLAPPING_ATTEMPTS = "select count(*) from call_attempt a join call_attempt b"
      + " on a.task_id = b.task_id and a.id <> b.id and b.originated_at >= a.originated_at"
      + " and b.originated_at < coalesce(a.ended_at, 'infinity') where a.campaign_id = $1";

  private FaultInvariants() {
  }

  /** Each invariant's violations for the campaign, in a fixed order ({@link Invariants}' checks, then ours). */
  public static Map<String, Long> violations(Pool pool, long campaignId) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("taskWithTwoOpenAttempts", (long) Invariants.twoOpenAttempts(pool, campaignId).size());
    out.put("attemptsOverlapping", count(pool, OVERLAPPING_ATTEMPTS, campaignId));
    out.put("attemptNotEnded", (long) Invariants.attemptsNotEnded(pool, campaignId).size());
    out.put("endCountedTwice", (long) Invariants.endsCountedTwice(pool, campaignId).size());
    out.put("endNotInTaskHistory", (long) Invariants.endsNotInHistory(pool, campaignId).size());
    out.put("surveyNotSubmitted", (long) Invariants.surveysNotSubmitted(pool, campaignId).size());
    out.put("dialledBeforeRetryRule", (long) Invariants.dialledBeforeRetryRule(pool, campaignId).size());
    return out;
  }

  /** Every violation described ({@link Invariants#violations}), for a failure message. */
  public static String described(Pool pool, long campaignId) {
    return String.join("\n", Invariants.violations(pool, campaignId));
  }

  public static long total(Map<String, Long> violations) {
    return violations.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Attempts, tasks with their history, surveys: what a failed check prints. */
  public static String dump(Pool pool, long campaignId) {
    StringBuilder sb = new StringBuilder();
    pool.preparedQuery("select a.id, a.task_id, a.state, a.outcome, a.agent_id, a.originated_at, a.bridged_at,"
            + " a.ended_at, a.detail, t.status, t.attempts, t.leased_until, t.next_try_at,"
            + " (select string_agg(e.kind || '@' || e.at || '/' || coalesce(e.detail->>'attemptId', ''), ','"
            + " order by e.at) from task_event e where e.task_id = a.task_id) as events,"
            + " (select s.status || '/' || s.saves from survey_response s where s.attempt_id = a.id) as survey"
            + " from call_attempt a left join call_task t on t.id = a.task_id"
            + " where a.campaign_id = $1 order by a.originated_at")
        .execute(Tuple.of(campaignId)).await().forEach(r -> sb.append(r.toJson().encode()).append('\n'));
    return sb.toString();
  }

  static long count(Pool pool, String sql, long campaignId) {
    return pool.preparedQuery(sql).execute(Tuple.of(campaignId)).await().iterator().next().getLong(0);
  }
}
