package io.huifang.campaign.schedule;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The dialer's side of campaigns: which tasks to call now, what to do after each attempt, and expiry of tasks past
 * their deadline. Every method takes the current instant from the caller (tests run on a fake clock).
 *
 * <p>A task handed out by {@link #nextDue} is leased for {@link #lease()} (by default {@link #LEASE}), so a second
 * call does not hand it out again while its call is under way; the dialer renews the lease while the call is up
 * ({@link #renewLeases}), however long it lasts, and {@link #recordOutcome} ends it.
 */
public final class Scheduler {
  /** The default lease: long enough to ring and answer; calls that last longer have it renewed. */
  public static final Duration LEASE = Duration.ofMinutes(5);

  private final Pool pool;
  private final CampaignStore campaigns;
  private final Duration lease;

  public Scheduler(Pool pool, CampaignStore campaigns) {
    this(pool, campaigns, LEASE);
  }

  /** With a lease of its own length (dialer.task-lease-seconds). */
  public Scheduler(Pool pool, CampaignStore campaigns, Duration lease) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("the lease must be positive");
    }
    this.pool = pool;
    this.campaigns = campaigns;
    this.lease = lease;
  }

  /** The journal's names for {@link #keepOutcome} and {@link #keepHold}. */
  static final String OUTCOME = "campaign.task.outcome";
  static final String HOLD = "campaign.task.hold";
  private volatile io.huifang.db.WriteJournal journal;

  /**
   * Attempts' outcomes and holds that find the database away are kept in {@code journal} and applied, in order,
   * when it is back ({@link #keepOutcome}, {@link #keepHold}).
   */
  public void keepWritesIn(io.huifang.db.WriteJournal j) {
    j.register(OUTCOME, p -> recordOutcome(p.getLong("taskId"), p.getString("attemptId"), new Outcome(
        Outcome.Kind.valueOf(p.getString("kind")), p.getString("callbackAt") == null ? null
        : Instant.parse(p.getString("callbackAt")), p.getLong("agentId")), Instant.parse(p.getString("at"))));
    j.register(HOLD, p -> holdForDisposition(p.getLong("taskId"), Instant.parse(p.getString("dialledAt")),
        Instant.parse(p.getString("until"))).mapEmpty());
    this.journal = j;
  }

  /**
   * {@link #recordOutcome(long, String, Outcome, Instant)}, or kept in the journal while the database is away and
   * applied when it is back (an attempt's outcome is applied once, however often it is replayed). Without a
   * journal, the same as recording it now.
   */
  public Future<Void> keepOutcome(long taskId, String attemptId, Outcome outcome, Instant at) {
    io.huifang.db.WriteJournal j = journal;
    if (j == null) {
      return recordOutcome(taskId, attemptId, outcome, at);
    }
    return j.write(OUTCOME, new JsonObject().put("taskId", taskId).put("attemptId", attemptId)
        .put("kind", outcome.kind().name()).put("callbackAt", outcome.callbackAt() == null ? null
            : outcome.callbackAt().toString()).put("agentId", outcome.agentId()).put("at", at.toString()));
  }

  /** {@link #holdForDisposition(long, Instant, Instant)}, kept in the journal while the database is away. */
  public Future<Void> keepHold(long taskId, Instant dialledAt, Instant until) {
    io.huifang.db.WriteJournal j = journal;
    if (j == null) {
      return holdForDisposition(taskId, dialledAt, until).mapEmpty();
    }
    return j.write(HOLD, new JsonObject().put("taskId", taskId).put("dialledAt", dialledAt.toString())
        .put("until", until.toString()));
  }

  /** How long a task handed out stays leased unless renewed. */
  public Duration lease() {
    return lease;
  }

  /**
   * Up to {@code limit} tasks of the campaign that may be dialled at {@code now}: scheduled callbacks first (by their
   * time), then open tasks by deadline. Nothing outside calling hours or on a holiday (campaign time zone), nothing
   * past its deadline, no number on the do-not-call list, no special record (they never get a task), and no number
   * in a day part it has already been tried in (until every part has been tried).
   */
  public Future<List<DueTask>> nextDue(long campaignId, Instant now, int limit) {
    return campaigns.get(campaignId).compose(found -> {
      if (found.isEmpty() || !found.get().active() || !found.get().rules().isCallable(now) || limit <= 0) {
        return Future.succeededFuture(List.of());
      }
      Campaign c = found.get();
      OptionalInt part = c.rules().dayPartAt(now);
      Integer partIndex = part.isPresent() ? part.getAsInt() : null;
      OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
      String dialable = " and t.deadline > $2 and (t.leased_until is null or t.leased_until <= $2)"
          + " and not exists (select 1 from dnc d where d.phone = t.phone)";
      return pool.preparedQuery("with cb as (select t.id from call_task t where t.campaign_id = $1"
              + " and t.status = 'callback' and t.callback_at <= $2" + dialable
              + " order by t.callback_at limit $3 for update skip locked),"
              + " op as (select t.id from call_task t where t.campaign_id = $1 and t.status = 'open'"
              + " and t.next_try_at <= $2" + dialable
              + " and ($5::int is null or (t.allowed_parts >> $5) & 1 = 1)"
              + " order by t.deadline limit $3 for update skip locked),"
              + " pick as ((select id from cb) union all (select id from op) limit $3)"
              + " update call_task t set leased_until = $4 from pick where t.id = pick.id"
              + " returning t.id, t.customer_id, t.phone, t.deadline, t.attempts, t.status, t.callback_at,"
              + " t.callback_agent_id, t.ring_cuts")
          .execute(Tuple.tuple(Arrays.asList(campaignId, at, limit, at.plus(lease), partIndex)))
          .map(rs -> {
            List<Row> rows = new ArrayList<>();
            rs.forEach(rows::add);
            rows.sort(Comparator.<Row, Integer>comparing(r -> "callback".equals(r.getString("status")) ? 0 : 1)
                .thenComparing(r -> "callback".equals(r.getString("status")) ? r.getOffsetDateTime("callback_at")
                    : r.getOffsetDateTime("deadline")));
            List<DueTask> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
              out.add(new DueTask(r.getLong("id"), r.getLong("customer_id"), campaignId, r.getString("phone"),
                  r.getOffsetDateTime("deadline").toInstant(), r.getInteger("attempts") + 1, partIndex,
                  "callback".equals(r.getString("status")), r.getLong("callback_agent_id"),
                  r.getInteger("ring_cuts")));
            }
            return out;
          });
    });
  }

  /**
   * A customer reached an agent: the task is not dialled again while the agent writes the survey up, until
   * {@code until} (the outcome the agent submits clears the hold). Only open tasks and callbacks are held.
   */
  public Future<Void> holdForDisposition(long taskId, Instant until) {
    return pool.preparedQuery("update call_task set leased_until = $2 where id = $1"
            + " and status in ('open', 'callback')")
        .execute(Tuple.of(taskId, until.atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  /**
   * The calls of these tasks are still up at {@code now}: their leases run for another {@link #lease()} from now, so
   * that no task is handed out again while its customer is on the line, however long the call lasts. A lease already
   * longer (a hold for the disposition) is kept, and a task without a lease (its outcome already recorded: the call
   * ended meanwhile) is not leased again. Answers how many leases were renewed.
   */
  public Future<Integer> renewLeases(Collection<Long> taskIds, Instant now) {
    if (taskIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery("update call_task set leased_until = greatest(leased_until, $2) where id = any($1)"
            + " and status in ('open', 'callback') and leased_until is not null")
        .execute(Tuple.of(taskIds.toArray(new Long[0]), now.plus(lease).atOffset(ZoneOffset.UTC)))
        .map(rs -> rs.rowCount());
  }

  /**
   * As {@link #holdForDisposition(long, Instant)} for the call dialled at {@code dialledAt}, unless an outcome has
   * been recorded for the task since (the agent submitted during the call): a task whose outcome is in is not
   * held again. For a call whose end reaches the dialer without the desk (a call closed after a restart: its agent's
   * draft is finished from the restored screen, and the task must wait for it rather than be dialled again).
   */
  public Future<Boolean> holdForDisposition(long taskId, Instant dialledAt, Instant until) {
    return pool.preparedQuery("update call_task set leased_until = greatest(leased_until, $2) where id = $1"
            + " and status in ('open', 'callback') and (last_attempt_at is null or last_attempt_at < $3)")
        .execute(Tuple.of(taskId, until.atOffset(ZoneOffset.UTC), dialledAt.atOffset(ZoneOffset.UTC)))
        .map(rs -> rs.rowCount() == 1);
  }

  /**
   * Of these attempts (attempt id to task id), those their task's history does not name: their outcome never reached
   * the task (a crash between the attempt's end and the outcome's write).
   */
  public Future<List<String>> notInHistory(java.util.Map<String, Long> attemptTasks) {
    if (attemptTasks.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String[] ids = attemptTasks.keySet().toArray(new String[0]);
    Long[] tasks = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      tasks[i] = attemptTasks.get(ids[i]);
    }
    return pool.preparedQuery("select a.id from unnest($1::text[], $2::bigint[]) as a(id, task_id)"
            + " where not exists (select 1 from task_event e where e.task_id = a.task_id"
            + " and e.detail->>'attemptId' = a.id)")
        .execute(Tuple.of(ids, (Object) tasks)).map(rs -> {
          List<String> out = new ArrayList<>();
          rs.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** The task's state as recordOutcome needs it. */
  private record TaskState(long id, long campaignId, String phone, String status, Instant deadline, int attempts,
                           int tried, int ringCuts) {
  }

  /**
   * Applies one attempt's outcome at {@code at}: finishes the task, or plans its next try, or schedules the
   * callback; refusals go on the do-not-call list. Every outcome is kept in the task's history. Fails when the
   * task does not exist or is already finished.
   */
  public Future<Void> recordOutcome(long taskId, Outcome outcome, Instant at) {
    return recordOutcome(taskId, null, outcome, at);
  }

  /**
   * As {@link #recordOutcome(long, Outcome, Instant)} for the attempt {@code attemptId}, which the task's history
   * names. Applying the same attempt's outcome again changes nothing and succeeds (a write kept while the database
   * was away is replayed when it is back, and may have reached it before it went), also once the task is finished.
   */
  public Future<Void> recordOutcome(long taskId, String attemptId, Outcome outcome, Instant at) {
    // The campaign is read before the transaction takes its connection: reading it inside (from the pool) made
    // every outcome hold one connection while waiting for a second, so as many outcomes at once as the pool has
    // connections (a burst of unanswered calls ending together) waited on each other until the pool's timeout.
    // A task's campaign never changes, so reading it first is the same answer.
    return pool.preparedQuery("select campaign_id from call_task where id = $1").execute(Tuple.of(taskId))
        .compose(rs -> rs.size() == 0 ? Future.failedFuture(new NoSuchElementException("no task " + taskId))
            : campaigns.get(rs.iterator().next().getLong("campaign_id")))
        .compose(campaign -> pool.withTransaction(conn -> conn.preparedQuery("select id, campaign_id, phone,"
                + " status, deadline, attempts, tried_parts, ring_cuts from call_task where id = $1 for update")
            .execute(Tuple.of(taskId))
            .compose(rs -> {
              if (rs.size() == 0) {
                return Future.failedFuture(new NoSuchElementException("no task " + taskId));
              }
              Row r = rs.iterator().next();
              if (attemptId == null) {
                return Future.succeededFuture(r);
              }
              return conn.preparedQuery("select 1 from task_event where task_id = $1 and detail->>'attemptId' = $2")
                  .execute(Tuple.of(taskId, attemptId)).map(seen -> seen.size() == 0 ? r : null);
            })
            .compose(r -> {
              if (r == null) {
                return Future.<Void>succeededFuture(); // this attempt's outcome is already in the history
              }
              TaskState t = new TaskState(r.getLong("id"), r.getLong("campaign_id"), r.getString("phone"),
                  r.getString("status"), r.getOffsetDateTime("deadline").toInstant(), r.getInteger("attempts"),
                  r.getInteger("tried_parts"), r.getInteger("ring_cuts"));
              if (!t.status().equals("open") && !t.status().equals("callback")) {
                return Future.failedFuture(new IllegalStateException("task " + taskId + " is already "
                    + t.status()));
              }
              return apply(conn, t, campaign.orElseThrow(), outcome, at, attemptId);
            })));
  }

  private Future<Void> apply(SqlConnection conn, TaskState t, Campaign c, Outcome o, Instant at,
                             String attemptId) {
    if (o.kind() == Outcome.Kind.RING_CUT && t.ringCuts() < RetryPlanner.RING_CUTS_MAX) {
      return ringCut(conn, t, c, at, attemptId);
    }
    // (a cut beyond the cap, which the dialer does not make, counts as a try like a no-answer)
    OptionalInt p = c.rules().dayPartAt(at);
    Integer part = p.isPresent() ? p.getAsInt() : null;
    int tried = part == null ? t.tried() : t.tried() | (1 << part);
    int attempts = t.attempts() + 1;
    String status = "open";
    Instant next = null;
    int allowed = RetryPlanner.ANY_PART;
    Instant callbackAt = null;
    Long agent = null;
    boolean closed = false;
    switch (o.kind()) {
      case SUCCESS -> {
        status = "done";
        closed = true;
      }
      case WRONG_NUMBER -> {
        status = "wrong_number";
        closed = true;
      }
      case INVALID_NUMBER -> {
        status = "invalid_number";
        closed = true;
      }
      case ERROR_SAMPLE -> {
        status = "error_sample";
        closed = true;
      }
      case REFUSED -> {
        status = "refused";
        closed = true;
      }
      case CALLBACK -> {
        status = "callback";
        next = o.callbackAt();
        callbackAt = o.callbackAt();
        agent = o.agentId();
      }
      case NOT_OWNER -> {
        Optional<RetryPlanner.Plan> plan = RetryPlanner.anotherDay(c.rules(), at, t.deadline());
        next = plan.map(RetryPlanner.Plan::at).orElse(t.deadline());
      }
      default -> {
        if (attempts >= c.maxAttempts()) {
          status = "unreached";
          closed = true;
        } else {
          Optional<RetryPlanner.Plan> plan = RetryPlanner.afterNoAnswer(c.rules(), at, tried, part, t.deadline());
          // No calling time left before the deadline: the task waits there and expires with its history.
          next = plan.map(RetryPlanner.Plan::at).orElse(t.deadline());
          allowed = plan.map(RetryPlanner.Plan::allowedParts).orElse(RetryPlanner.ANY_PART);
        }
      }
    }
    OffsetDateTime atUtc = at.atOffset(ZoneOffset.UTC);
    Tuple update = Tuple.tuple(Arrays.asList(t.id(), status, attempts, tried, part, Outcome.id(o.kind()), atUtc,
        next == null ? null : next.atOffset(ZoneOffset.UTC), allowed,
        callbackAt == null ? null : callbackAt.atOffset(ZoneOffset.UTC), agent, closed ? atUtc : null));
    JsonObject detail = new JsonObject().put("attempt", attempts).put("status", status)
        .put("nextTryAt", next == null ? null : next.toString())
        .put("callbackAt", callbackAt == null ? null : callbackAt.toString()).put("agentId", agent)
        .put("attemptId", attemptId);
    Future<Void> dnc = o.kind() == Outcome.Kind.REFUSED
        ? conn.preparedQuery("insert into dnc (phone, reason, source) values ($1, 'refused', $2)"
            + " on conflict (phone) do nothing").execute(Tuple.of(t.phone(), "survey task " + t.id())).mapEmpty()
        : Future.succeededFuture();
    return dnc.compose(v -> conn.preparedQuery("update call_task set status = $2, attempts = $3, tried_parts = $4,"
                + " last_part = $5, last_outcome = $6, last_attempt_at = $7,"
                + " next_try_at = coalesce($8, next_try_at), allowed_parts = $9, callback_at = $10,"
                + " callback_agent_id = $11, leased_until = null, closed_at = $12 where id = $1")
            .execute(update))
        .compose(v -> conn.preparedQuery("insert into task_event (task_id, at, kind, day_part, detail)"
                + " values ($1, $2, $3, $4, $5)")
            .execute(Tuple.of(t.id(), atUtc, Outcome.id(o.kind()), part, detail)))
        .mapEmpty();
  }

  /**
   * A ring cut: no try of the customer (attempts and tried day parts unchanged), the task due again soon
   * ({@link RetryPlanner#afterRingCut}), the cut counted; kept in the task's history like every outcome.
   */
  private Future<Void> ringCut(SqlConnection conn, TaskState t, Campaign c, Instant at, String attemptId) {
    OptionalInt p = c.rules().dayPartAt(at);
    Integer part = p.isPresent() ? p.getAsInt() : null;
    Instant next = RetryPlanner.afterRingCut(c.rules(), at, t.deadline());
    OffsetDateTime atUtc = at.atOffset(ZoneOffset.UTC);
    JsonObject detail = new JsonObject().put("attempt", t.attempts()).put("status", t.status())
        .put("ringCuts", t.ringCuts() + 1).put("nextTryAt", next.toString()).put("attemptId", attemptId);
    return conn.preparedQuery("update call_task set ring_cuts = ring_cuts + 1, last_outcome = 'ring_cut',"
            + " last_attempt_at = $2, next_try_at = $3, leased_until = null where id = $1")
        .execute(Tuple.of(t.id(), atUtc, next.atOffset(ZoneOffset.UTC)))
        .compose(v -> conn.preparedQuery("insert into task_event (task_id, at, kind, day_part, detail)"
                + " values ($1, $2, $3, $4, $5)")
            .execute(Tuple.of(t.id(), atUtc, Outcome.id(Outcome.Kind.RING_CUT), part, detail)))
        .mapEmpty();
  }

  /**
   * Tasks still open at their deadline become "expired, not called" (到期未回访), keeping their history; those a
   * special-case filing (特殊情况备案) covers become "filed" instead. Answers the number expired.
   */
  public Future<Integer> expireOverdue(Instant now) {
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("with overdue as (select id from call_task where status in ('open', 'callback')"
            + " and deadline <= $1 for update skip locked),"
            // A filing with a period covers the task when the deadline's day (campaign's time zone) is in it.
            + " closed as (update call_task t set status = case when exists (select 1 from special_filing f"
            + " where f.task_id = t.id and (f.period_from is null or (t.deadline at time zone (select k.time_zone"
            + " from campaign k where k.id = t.campaign_id))::date between f.period_from and f.period_to))"
            + " then 'filed' else 'expired' end, closed_at = $1, leased_until = null"
            + " from overdue o where t.id = o.id returning t.id, t.status, t.attempts),"
            + " ev as (insert into task_event (task_id, at, kind, detail) select id, $1, status,"
            + " jsonb_build_object('attempts', attempts) from closed)"
            + " select count(*) filter (where status = 'expired') from closed")
        .execute(Tuple.of(at))
        .map(rs -> rs.iterator().next().getLong(0).intValue());
  }

  /** Files a special case for a task (特殊情况备案); false when there is no such task. */
  public Future<Boolean> fileSpecialCase(long taskId, String reason, Long userId) {
    return pool.preparedQuery("insert into special_filing (task_id, reason, filed_by) select id, $2, $3"
            + " from call_task where id = $1 on conflict (task_id) do update set reason = excluded.reason")
        .execute(Tuple.of(taskId, reason, userId)).map(rs -> rs.rowCount() > 0);
  }

  /**
   * A campaign's progress per dealer it covers: due (every task), done (surveyed), callbacks (agreed call-backs still
   * to make), expired (到期未回访), remaining (open, still to call), filed and other closed (not reached in the
   * attempts, wrong or invalid number, refused); the columns add up to due. Empty when there is no such campaign.
   */
  public Future<Optional<JsonObject>> progress(long campaignId, Instant now) {
    return campaigns.get(campaignId).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<JsonObject>empty());
      }
      Campaign c = found.get();
      return pool.preparedQuery("select d.id, d.code, d.name, count(t.id) as due,"
              + " count(t.id) filter (where t.status = 'done') as done,"
              + " count(t.id) filter (where t.status = 'callback') as callbacks,"
              + " count(t.id) filter (where t.status = 'expired') as expired,"
              + " count(t.id) filter (where t.status = 'open') as remaining,"
              + " count(t.id) filter (where t.status = 'filed') as filed,"
              + " count(t.id) filter (where t.status in ('unreached', 'wrong_number', 'invalid_number', 'refused'))"
              + " as closed_other"
              + " from campaign_dealer cd join dealer d on d.id = cd.dealer_id"
              + " left join customer cu on cu.campaign_id = cd.campaign_id and cu.dealer_id = d.id"
              + " left join call_task t on t.customer_id = cu.id"
              + " where cd.campaign_id = $1 group by d.id, d.code, d.name order by d.code")
          .execute(Tuple.of(campaignId)).map(rs -> {
            io.vertx.core.json.JsonArray dealers = new io.vertx.core.json.JsonArray();
            String[] cols = {"due", "done", "callbacks", "expired", "remaining", "filed", "closed_other"};
            String[] keys = {"due", "done", "callbacks", "expired", "remaining", "filed", "closedOther"};
            long[] totals = new long[cols.length];
            for (Row r : rs) {
              JsonObject d = new JsonObject().put("dealerId", r.getLong("id")).put("code", r.getString("code"))
                  .put("name", r.getString("name"));
              for (int i = 0; i < cols.length; i++) {
                long n = r.getLong(cols[i]);
                totals[i] += n;
                d.put(keys[i], n);
              }
              dealers.add(d);
            }
            JsonObject total = new JsonObject();
            for (int i = 0; i < keys.length; i++) {
              total.put(keys[i], totals[i]);
            }
            return Optional.of(new JsonObject().put("campaignId", campaignId).put("name", c.name())
                .put("active", c.active()).put("calling", c.callingJson(now)).put("dealers", dealers).put("total", total));
          });
    });
  }

  /** Task counts by status for one campaign. */
  public Future<JsonObject> summary(long campaignId) {
    return pool.preparedQuery("select status, count(*) from call_task where campaign_id = $1 group by status")
        .execute(Tuple.of(campaignId)).map(rs -> {
          JsonObject o = new JsonObject();
          rs.forEach(r -> o.put(r.getString(0), r.getLong(1)));
          return o;
        });
  }
}
