package io.huifang.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must hold after any fault (a crash of the server, the database killed and back, the PBX killed during calls),
 * checked in SQL on the database the server wrote (hardening issue, the fault suite). Each check answers the rows
 * that break it, described, so a failure says which task and attempt; {@link #assertHold} runs them all.
 *
 * <p>The checks are scoped to one campaign ({@code campaignId}), or to every campaign with {@code null}. Call them
 * once the campaign is quiet: every call ended and every agent's survey submitted (a draft still on an agent's desk
 * is work not yet done, which {@link #surveysNotSubmitted} reports).
 *
 * <ul>
 *   <li>{@link #twoOpenAttempts}: no task has two attempts not ended (a customer never called twice at once).</li>
 *   <li>{@link #attemptsNotEnded}: every attempt ended, with an end time and an outcome.</li>
 *   <li>{@link #endsCountedTwice}: no attempt's outcome is in its task's history twice, and no attempt number of a
 *       task is used twice (every attempt ended exactly once).</li>
 *   <li>{@link #endsNotInHistory}: every ended attempt is in its task's history (task_event names it), unless its
 *       agent's disposition is still to come (a draft).</li>
 *   <li>{@link #surveysNotSubmitted}: every customer who reached an agent has that agent's submitted survey;
 *       {@link #answersNotAsSent} compares the stored answers with what the agents sent.</li>
 *   <li>{@link #dialledBeforeRetryRule}: no attempt of a task went out before the time its previous outcome allowed
 *       (next try, callback time).</li>
 * </ul>
 */
public final class Invariants {
  /** The dialer's clock and PostgreSQL's may differ by a moment; an earlier dial than this is a violation. */
  static final String CLOCK_SLACK = "1 second";
  /** Task history rows that are not the outcome of an attempt. */
  private static final String NOT_ATTEMPT_EVENT = "e.kind in ('expired', 'filed')";

  private Invariants() {
  }

  /** Tasks with more than one attempt not ended. */
  public static List<String> twoOpenAttempts(Pool pool, Long campaignId) {
    return rows(pool, "select task_id, array_agg(id order by originated_at) as attempts from call_attempt"
        + " where ($1::bigint is null or campaign_id = $1) and task_id is not null and state <> 'ended'"
        + " group by task_id having count(*) > 1", campaignId, "task with two open attempts");
  }

  /** Attempts not ended, or ended without an end time or an outcome. */
  public static List<String> attemptsNotEnded(Pool pool, Long campaignId) {
    return rows(pool, "select id, task_id, state, outcome, originated_at, ended_at from call_attempt"
        + " where ($1::bigint is null or campaign_id = $1)"
        + " and (state <> 'ended' or ended_at is null or outcome is null or ended_at < originated_at)",
        campaignId, "attempt not ended properly");
  }

  /** An attempt whose outcome is in its task's history more than once, or an attempt number used twice. */
  public static List<String> endsCountedTwice(Pool pool, Long campaignId) {
    List<String> out = rows(pool, "select e.task_id, e.detail->>'attemptId' as attempt, count(*) as times"
        + " from task_event e join call_task t on t.id = e.task_id"
        + " where ($1::bigint is null or t.campaign_id = $1) and e.detail->>'attemptId' is not null"
        + " group by e.task_id, e.detail->>'attemptId' having count(*) > 1", campaignId,
        "attempt's outcome recorded twice");
    out.addAll(rows(pool, "select e.task_id, e.detail->>'attempt' as attempt_number, count(*) as times"
        + " from task_event e join call_task t on t.id = e.task_id"
        + " where ($1::bigint is null or t.campaign_id = $1) and not (" + NOT_ATTEMPT_EVENT + ")"
        + " and e.detail->>'attempt' is not null"
        + " group by e.task_id, e.detail->>'attempt' having count(*) > 1", campaignId,
        "attempt number used twice"));
    return out;
  }

  /**
   * Ended attempts of a task that its history does not name, unless the agent's disposition is still to come (a
   * draft). Also a task whose history has more attempt outcomes than the task has ended attempts.
   */
  public static List<String> endsNotInHistory(Pool pool, Long campaignId) {
    List<String> out = rows(pool, "select a.id, a.task_id, a.outcome, a.agent_id, a.ended_at from call_attempt a"
        + " where ($1::bigint is null or a.campaign_id = $1) and a.task_id is not null and a.state = 'ended'"
        + " and not exists (select 1 from task_event e where e.task_id = a.task_id"
        + " and e.detail->>'attemptId' = a.id)"
        + " and not exists (select 1 from survey_response s where s.attempt_id = a.id and s.status = 'draft')",
        campaignId, "ended attempt not in its task's history");
    out.addAll(rows(pool, "select t.id as task_id, (select count(*) from task_event e where e.task_id = t.id"
        + " and not (" + NOT_ATTEMPT_EVENT + ")) as outcomes, (select count(*) from call_attempt a"
        + " where a.task_id = t.id and a.state = 'ended') as ended_attempts from call_task t"
        + " where ($1::bigint is null or t.campaign_id = $1) and (select count(*) from task_event e"
        + " where e.task_id = t.id and not (" + NOT_ATTEMPT_EVENT + ")) > (select count(*) from call_attempt a"
        + " where a.task_id = t.id and a.state = 'ended')", campaignId,
        "task with more outcomes than ended attempts"));
    out.addAll(rows(pool, "select t.id as task_id, t.attempts, (select count(*) from task_event e"
        + " where e.task_id = t.id and not (" + NOT_ATTEMPT_EVENT + ")) as outcomes from call_task t"
        + " where ($1::bigint is null or t.campaign_id = $1) and t.attempts <> (select count(*) from task_event e"
        + " where e.task_id = t.id and not (" + NOT_ATTEMPT_EVENT + "))", campaignId,
        "task's attempt counter differs from its history"));
    return out;
  }

  /**
   * Customers who reached an agent (bridged to one) without that agent's submitted survey: a draft left behind or
   * none at all.
   */
  public static List<String> surveysNotSubmitted(Pool pool, Long campaignId) {
    return rows(pool, "select a.id, a.task_id, a.agent_id, s.status from call_attempt a"
        + " left join survey_response s on s.attempt_id = a.id"
        + " where ($1::bigint is null or a.campaign_id = $1) and a.agent_id is not null and a.bridged_at is not null"
        + " and (s.attempt_id is null or s.status <> 'submitted')", campaignId,
        "reached customer without a submitted survey");
  }

  /**
   * Surveys whose stored answers lack or differ from what the agent sent: {@code sent} maps attempt ids to the
   * answers sent (item id to value); every item sent must be stored with the same value.
   */
  public static List<String> answersNotAsSent(Pool pool, Map<String, JsonObject> sent) {
    List<String> out = new ArrayList<>();
    if (sent.isEmpty()) {
      return out;
    }
    Map<String, JsonObject> stored = new LinkedHashMap<>();
    pool.preparedQuery("select attempt_id, answers, status from survey_response where attempt_id = any($1)")
        .execute(Tuple.of(sent.keySet().toArray(new String[0]))).await()
        .forEach(r -> stored.put(r.getString("attempt_id"), new JsonObject().put("answers", r.getValue("answers"))
            .put("status", r.getString("status"))));
    sent.forEach((attempt, answers) -> {
      JsonObject s = stored.get(attempt);
      if (s == null) {
        out.add("survey lost: attempt " + attempt + " sent " + answers.encode());
        return;
      }
      JsonObject have = s.getValue("answers") instanceof JsonObject o ? o
          : new JsonObject(String.valueOf(s.getValue("answers")));
      for (String item : answers.fieldNames()) {
        if (!String.valueOf(answers.getValue(item)).equals(String.valueOf(have.getValue(item)))) {
          out.add("answer lost: attempt " + attempt + " item " + item + " sent " + answers.getValue(item)
              + " stored " + have.getValue(item) + " (" + s.getString("status") + ")");
        }
      }
    });
    return out;
  }

  /**
   * Attempts that went out before their task's previous outcome allowed: after an outcome naming attempt A (its
   * {@code nextTryAt}: the retry rule's next try, or the callback time), no later attempt of the task may have been
   * dialled before that time.
   */
  public static List<String> dialledBeforeRetryRule(Pool pool, Long campaignId) {
    return rows(pool, "select e.task_id, e.kind, e.detail->>'attemptId' as after_attempt,"
        + " e.detail->>'nextTryAt' as allowed_from, b.id as dialled, b.originated_at"
        + " from task_event e join call_task t on t.id = e.task_id"
        + " join call_attempt a on a.id = e.detail->>'attemptId'"
        + " join call_attempt b on b.task_id = e.task_id and b.id <> a.id and b.originated_at > a.originated_at"
        + " where ($1::bigint is null or t.campaign_id = $1) and e.detail->>'nextTryAt' is not null"
        + " and b.originated_at < (e.detail->>'nextTryAt')::timestamptz - interval '" + CLOCK_SLACK + "'",
        campaignId, "task dialled before its retry rule allowed");
  }

  /** Every check's violations, in the order of the class comment. */
  public static List<String> violations(Pool pool, Long campaignId) {
    List<String> out = new ArrayList<>();
    out.addAll(twoOpenAttempts(pool, campaignId));
    out.addAll(attemptsNotEnded(pool, campaignId));
    out.addAll(endsCountedTwice(pool, campaignId));
    out.addAll(endsNotInHistory(pool, campaignId));
    out.addAll(surveysNotSubmitted(pool, campaignId));
    out.addAll(dialledBeforeRetryRule(pool, campaignId));
    return out;
  }

  /** Fails with every violation listed; {@code sent} as in {@link #answersNotAsSent} (may be empty). */
  public static void assertHold(Pool pool, Long campaignId, Map<String, JsonObject> sent) {
    List<String> out = violations(pool, campaignId);
    out.addAll(answersNotAsSent(pool, sent));
    assertEquals(List.of(), out, out.size() + " invariant violations");
  }

  private static List<String> rows(Pool pool, String sql, Long campaignId, String what) {
    List<String> out = new ArrayList<>();
    for (Row r : pool.preparedQuery(sql).execute(Tuple.tuple(Arrays.asList(campaignId))).await()) {
      out.add(what + ": " + r.toJson().encode());
    }
    return out;
  }
}
