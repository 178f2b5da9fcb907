package io.huifang.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Invariants} finds what it is meant to find and nothing in a clean history: one campaign per broken rule, each
 * written directly (foreign keys off for the connection, so that no campaign, customer or user rows are needed).
 */
class InvariantsIT {
  @Test
  @WithDatabase(poolSize = 1)
  void eachCheckFindsItsViolationAndNoneInACleanHistory(Pool pool) {
    pool.withConnection(c -> c.query("set session_replication_role = replica").execute()
        // The schema forbids two open attempts of a task; this database is the test's own, so the check can be seen.
        .compose(v -> c.query("drop index call_attempt_one_open_per_task").execute())
        .compose(v -> c.query(String.join(";\n",
            // campaign 1: clean. Not reached at 09:00 (next try from 11:00), reached at 11:05 and submitted.
            task(1, 1, 2),
            attempt("a1", 1, 1, "'2026-01-05 09:00Z'", "'2026-01-05 09:00:30Z'", "no_answer", null),
            event(1, "'2026-01-05 09:00:31Z'", "no_answer", "a1", 1, "2026-01-05T11:00:00Z"),
            attempt("a2", 1, 1, "'2026-01-05 11:05Z'", "'2026-01-05 11:09Z'", "answered_human", 7L),
            event(1, "'2026-01-05 11:10Z'", "success", "a2", 2, null),
            survey("a2", 1, "submitted", "{\"q1\": 9}"),
            // campaign 2: two open attempts of one task
            task(2, 2, 0),
            attempt("b1", 2, 2, "'2026-01-05 09:00Z'", null, null, null),
            attempt("b2", 2, 2, "'2026-01-05 09:01Z'", null, null, null),
            // campaign 3: an ended attempt its task's history does not name
            task(3, 3, 0),
            attempt("c1", 3, 3, "'2026-01-05 09:00Z'", "'2026-01-05 09:00:30Z'", "busy", null),
            // campaign 4: one attempt's outcome counted twice
            task(4, 4, 1),
            attempt("d1", 4, 4, "'2026-01-05 09:00Z'", "'2026-01-05 09:00:30Z'", "busy", null),
            event(4, "'2026-01-05 09:00:31Z'", "busy", "d1", 1, "2026-01-05T11:00:00Z"),
            event(4, "'2026-01-05 09:00:32Z'", "busy", "d1", 1, "2026-01-05T11:00:00Z"),
            // campaign 5: dialled again ten minutes after a no-answer whose next try was two hours later
            task(5, 5, 2),
            attempt("e1", 5, 5, "'2026-01-05 09:00Z'", "'2026-01-05 09:00:30Z'", "no_answer", null),
            event(5, "'2026-01-05 09:00:31Z'", "no_answer", "e1", 1, "2026-01-05T11:00:00Z"),
            attempt("e2", 5, 5, "'2026-01-05 09:10Z'", "'2026-01-05 09:10:30Z'", "no_answer", null),
            event(5, "'2026-01-05 09:10:31Z'", "no_answer", "e2", 2, "2026-01-05T14:00:00Z"),
            // campaign 6: reached an agent, the survey left a draft
            task(6, 6, 0),
            attempt("g1", 6, 6, "'2026-01-05 09:00Z'", "'2026-01-05 09:04Z'", "answered_human", 7L),
            survey("g1", 6, "draft", "{\"q1\": 9}"),
            // campaign 7: an attempt without an end (state answered, never ended)
            "insert into call_attempt (id, pbx, campaign_id, dial_string, state) values ('f1', 'p', 7, 'x',"
                + " 'answered')")).execute()))
        .await();

    assertEquals(List.of(), Invariants.violations(pool, 1L), "a clean history");
    assertEquals(List.of(), Invariants.answersNotAsSent(pool, Map.of("a2", new JsonObject().put("q1", 9))));

    assertOnly(Invariants.twoOpenAttempts(pool, 2L), "task with two open attempts", "b1");
    assertOnly(Invariants.endsNotInHistory(pool, 3L), "ended attempt not in its task's history", "c1");
    List<String> twice = Invariants.endsCountedTwice(pool, 4L);
    assertEquals(2, twice.size(), String.valueOf(twice));
    assertTrue(twice.get(0).startsWith("attempt's outcome recorded twice") && twice.get(0).contains("d1"), twice.get(0));
    assertTrue(twice.get(1).startsWith("attempt number used twice"), twice.get(1));
    assertTrue(Invariants.endsNotInHistory(pool, 4L).stream()
        .anyMatch(s -> s.startsWith("task with more outcomes than ended attempts")), "two outcomes, one attempt");
    assertOnly(Invariants.dialledBeforeRetryRule(pool, 5L), "task dialled before its retry rule allowed", "e2");
    assertOnly(Invariants.surveysNotSubmitted(pool, 6L), "reached customer without a submitted survey", "g1");
    assertEquals(List.of(), Invariants.endsNotInHistory(pool, 6L), "a draft waits for its agent: not yet an end");
    assertOnly(Invariants.attemptsNotEnded(pool, 7L), "attempt not ended properly", "f1");
    assertOnly(Invariants.answersNotAsSent(pool, Map.of("a2", new JsonObject().put("q1", 9).put("q2", 8))),
        "answer lost", "q2");
    assertOnly(Invariants.answersNotAsSent(pool, Map.of("zz", new JsonObject().put("q1", 9))), "survey lost", "zz");
    assertEquals(11, Invariants.violations(pool, null).size(), String.valueOf(Invariants.violations(pool, null)));
  }

  private static void assertOnly(List<String> found, String what, String names) {
    assertEquals(1, found.size(), String.valueOf(found));
    assertTrue(found.get(0).startsWith(what + ": ") && found.get(0).contains(names), found.get(0));
  }

  private static String task(long id, long campaign, int attempts) {
    return "insert into call_task (id, campaign_id, customer_id, phone, status, deadline, next_try_at, attempts)"
        + " values (" + id + ", " + campaign + ", " + id + ", '1390000000" + id + "', 'open',"
        + " '2026-01-08Z', '2026-01-05Z', " + attempts + ")";
  }

  private static String attempt(String id, long campaign, long task, String dialled, String ended, String outcome,
                                Long agent) {
    return "insert into call_attempt (id, pbx, campaign_id, task_id, dial_string, state, outcome, originated_at,"
        + " answered_at, bridged_at, ended_at, agent_id) values ('" + id + "', 'p', " + campaign + ", " + task
        + ", 'x', '" + (ended == null ? "dialing" : "ended") + "', " + (outcome == null ? "null" : "'" + outcome + "'")
        + ", " + dialled + ", " + (agent == null ? "null" : dialled) + ", " + (agent == null ? "null" : dialled)
        + ", " + (ended == null ? "null" : ended) + ", " + agent + ")";
  }

  private static String event(long task, String at, String kind, String attempt, int number, String next) {
    JsonObject d = new JsonObject().put("attemptId", attempt).put("attempt", number).put("nextTryAt", next);
    return "insert into task_event (task_id, at, kind, detail) values (" + task + ", " + at + ", '" + kind + "', '"
        + d.encode() + "')";
  }

  private static String survey(String attempt, long campaign, String status, String answers) {
    return "insert into survey_response (attempt_id, campaign_id, agent_id, questionnaire_key, questionnaire_version,"
        + " status, answers) values ('" + attempt + "', " + campaign + ", 7, 'csi-default', 1, '" + status + "', '"
        + answers + "')";
  }
}
