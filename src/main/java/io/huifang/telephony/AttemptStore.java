package io.huifang.telephony;

import io.huifang.db.WriteJournal;
import io.huifang.db.lease.LeaseStore;
import io.huifang.db.lease.Leases;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Attempts in PostgreSQL: written when dialled, at answer and bridge, and when they end. */
public final class AttemptStore {
  private final Pool pool;
  private final WriteJournal journal;

  /** Every write straight to the database (tools and tests without a journal). */
  public AttemptStore(Pool pool) {
    this(pool, null);
  }

  /**
   * Milestones and ends that find the database away are kept in {@code journal} and written when it is back: a
   * call's progress and result are never dropped. The insert before an Originate is not: without the row, the call
   * does not go out.
   */
  public AttemptStore(Pool pool, WriteJournal journal) {
    this.pool = pool;
    this.journal = journal;
  }

  /** Runs an update guarded by the row's state (harmless to repeat), through the journal when there is one. */
  private Future<Integer> update(String sql, Object... args) {
    if (journal != null) {
      return journal.update(sql, args);
    }
    return pool.preparedQuery(sql).execute(Tuple.from(args)).map(rs -> rs.rowCount());
  }

  /**
   * Writes the attempt before its Originate goes out; fails when the row is not written, and the call must then not
   * go out: the database refuses a second open attempt of one task (call_attempt_one_open_per_task, so that a
   * customer is never called twice at once), and an attempt id already used is not used again.
   */
  public Future<Void> inserted(Attempt a) {
    return inserted(a, null);
  }

  /**
   * As {@link #inserted(Attempt)}, in the name of the PBX lease's grant {@code fence} (null: none): the row is written
   * only while that grant is the current one, by the database's clock, and the call goes out only if it is written.
   * Fails with {@link Fenced} otherwise.
   */
  public Future<Void> inserted(Attempt a, Leases.Fence fence) {
    if (fence == null) {
      return insertedUnfenced(a);
    }
    CallTracker.OriginateRequest r = a.request;
    return pool.preparedQuery("insert into call_attempt (id, pbx, campaign_id, task_id, customer_id, dial_string,"
            + " action_id, originated_at) select $1::text, $2::text, $3::bigint, $4::bigint, $5::bigint, $6::text,"
            + " $7::text, $8::timestamptz where " + LeaseStore.currentGrant(9, 10) + " on conflict (id) do nothing")
        .execute(Tuple.from(new Object[] {a.id, a.pbx, r.campaignId(), r.taskId(), r.customerId(), r.dialString(),
            a.actionId, odt(a.originatedAt), fence.name(), fence.epoch()}))
        .compose(rs -> rs.rowCount() == 1 ? Future.<Void>succeededFuture()
            : grantIsCurrent(fence).compose(current -> Future.failedFuture(current
                ? new IllegalStateException("attempt " + a.id + " is already stored")
                : new Fenced(a.pbx, fence.epoch()))));
  }

  Future<Boolean> grantIsCurrent(Leases.Fence fence) {
    return pool.preparedQuery("select " + LeaseStore.currentGrant(1, 2) + " as current")
        .execute(Tuple.of(fence.name(), fence.epoch())).map(rs -> rs.iterator().next().getBoolean("current"));
  }

  /** Whether nobody has been granted the PBX since {@code fence} ({@link LeaseStore#latestGrant}): an answer's fence. */
  Future<Boolean> grantIsLatest(Leases.Fence fence) {
    return pool.preparedQuery("select " + LeaseStore.latestGrant(1, 2) + " as latest")
        .execute(Tuple.of(fence.name(), fence.epoch())).map(rs -> rs.iterator().next().getBoolean("latest"));
  }

  /** The database refused an attempt (no call went out): its PBX lease's grant was not the current one. */
  public static final class Fenced extends RuntimeException {
    public Fenced(String pbx, long epoch) {
      super("PBX " + pbx + ": lease epoch " + epoch + " is not the current grant; the call was not placed");
    }
  }

  private Future<Void> insertedUnfenced(Attempt a) {
    CallTracker.OriginateRequest r = a.request;
    return pool.preparedQuery("insert into call_attempt (id, pbx, campaign_id, task_id, customer_id, dial_string,"
            + " action_id, originated_at) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (id) do nothing")
        .execute(Tuple.of(a.id, a.pbx, r.campaignId(), r.taskId(), r.customerId(), r.dialString(), a.actionId,
            odt(a.originatedAt)))
        .compose(rs -> rs.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("attempt " + a.id + " is already stored")));
  }

  /** True when the failure of {@link #inserted} is the refusal of a second open attempt of the same task. */
  public static boolean isSecondOpenAttempt(Throwable e) {
    return e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
        && String.valueOf(pg.getConstraint()).equals("call_attempt_one_open_per_task");
  }

  /**
   * Milestones (ringing, answer, bridge) so that a crash loses no more than the last step. Nothing once the attempt
   * has ended: {@link #ended} writes it whole, and it must find the row not yet ended (that is how an end is counted
   * once only).
   */
  public Future<Void> progressed(Attempt a) {
    if (a.state == Attempt.State.ENDED) {
      return Future.succeededFuture();
    }
    return update("update call_attempt set state = $2, channel = $3, ringing_at = $4, answered_at = $5,"
            + " bridged_at = $6, agent_id = $7, amd_status = $8, amd_cause = $9 where id = $1 and state <> 'ended'",
        a.id, a.state.name().toLowerCase(), a.channel, odt(a.ringingAt), odt(a.answeredAt), odt(a.bridgedAt),
        a.agentId, a.amdStatus, a.amdCause)
        .mapEmpty();
  }

  /**
   * A customer answered a call no tracker of this node follows, and this node's FastAGI told the dialplan "abandon"
   * (the node that dialled it died, and this node does not hold the PBX yet: docs/cluster.md, "Taking a PBX over").
   * The answer goes on the row while it is open and has none, so that whoever closes it (the PBX's next owner, when
   * it adopts the open attempts) counts an answered person with no agent, an abandon, at the answer's true time;
   * without it a call whose channels were gone by then was closed as never answered. True when the row took it.
   */
  public Future<Boolean> answeredUnfollowed(String attemptId, Instant at) {
    return update("update call_attempt set answered_at = $2,"
            + " state = case when state in ('dialing', 'ringing') then 'answered' else state end"
            + " where id = $1 and answered_at is null and state <> 'ended'", attemptId, odt(at))
        .map(n -> n == WriteJournal.KEPT || n == 1);
  }

  /**
   * Writes the end; completes with false when the attempt had already ended (so it is counted once only). An end
   * kept in the journal (the database away) counts as written: it is applied when the database is back, once.
   */
  public Future<Boolean> ended(Attempt a) {
    JsonObject raw = new JsonObject().put("dialBegan", a.dialBegan).put("originateRefused", a.originateRefused)
        .put("fenced", a.fenced)
        .put("abandoned", a.abandoned);
    if (a.agiTimeouts > 0) {
      raw.put("agiTimeouts", a.agiTimeouts);
    }
    return update("update call_attempt set state = 'ended', outcome = $2, channel = $3,"
            + " originate_reason = $4, hangup_cause = $5, hangup_cause_txt = $6, hangup_by = $7, amd_status = $8,"
            + " amd_cause = $9, agent_id = $10, ringing_at = $11, answered_at = $12, bridged_at = $13, ended_at = $14,"
            + " ring_seconds = $15, detail = $16, raw = $17 where id = $1 and state <> 'ended'",
        a.id, a.outcome.code(), a.channel, a.originateReason, a.hangupCause, a.hangupCauseTxt, a.hangupBy,
        a.amdStatus, a.amdCause, a.agentId, odt(a.ringingAt), odt(a.answeredAt), odt(a.bridgedAt), odt(a.endedAt),
        a.ringSeconds(), a.detail, raw)
        .map(n -> n == WriteJournal.KEPT || n == 1);
  }

  /** Attempts of a PBX that had not ended when we last knew: the input of the resync after a (re)connect. */
  /** The agent's disposition of the call, written in the caller's transaction (the survey's submission). */
  public static Future<Void> recordDisposition(io.vertx.sqlclient.SqlConnection tx, String attemptId,
                                               String disposition) {
    return tx.preparedQuery("update call_attempt set disposition = $2 where id = $1")
        .execute(Tuple.of(attemptId, disposition)).mapEmpty();
  }

  public Future<List<JsonObject>> open(String pbx) {
    return pool.preparedQuery("select id, campaign_id, task_id, customer_id, dial_string, channel, state,"
            + " originated_at, ringing_at, answered_at, bridged_at, agent_id from call_attempt"
            + " where pbx = $1 and state <> 'ended'")
        .execute(Tuple.of(pbx)).map(rs -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(r.toJson());
          }
          return out;
        });
  }

  /**
   * The latest attempt of every task dialled since {@code since}, if it has ended: the ends a crash may have cut off
   * from their tasks (the attempt's end is stored, then the task's outcome; a kill in between loses the second).
   */
  public Future<List<JsonObject>> latestEndedPerTask(Instant since) {
    return pool.preparedQuery("select * from (select distinct on (task_id) id, task_id, state, outcome, agent_id,"
            + " originated_at, ended_at from call_attempt where task_id is not null and originated_at >= $1"
            + " order by task_id, originated_at desc) latest where state = 'ended' and outcome is not null")
        .execute(Tuple.of(java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC))).map(rs -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(r.toJson());
          }
          return out;
        });
  }

  public Future<JsonObject> byId(String id) {
    return pool.preparedQuery("select * from call_attempt where id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? null : rs.iterator().next().toJson());
  }

  /** Live answers and abandons of a campaign summed over one time bucket starting at {@code at} (epoch millis). */
  public record AbandonBucket(long at, long liveAnswers, long abandons) {
  }

  /** Events newer than this are summed by 10 s: the pacer's rolling hour, with a minute to spare. */
  static final Duration FINE_BUCKETS = Duration.ofHours(1).plusMinutes(1);
  /** Older events newer than this are summed by the minute: the 24 hours supervisors see, with an hour to spare. */
  static final Duration MINUTE_BUCKETS = Duration.ofHours(25);
  /** The oldest events that count: the 30 days supervisors see. */
  static final Duration HISTORY = Duration.ofDays(30);
  /**
   * How long after being dialled an attempt can still be answered or end. It bounds the search by the dial time, so
   * that PostgreSQL reads the campaign's slice of call_attempt_campaign_time_idx instead of the whole table: an
   * answer comes within the ring timeout and an abandon within seconds of it; a day covers calls ended late by a
   * resync after an outage. An attempt ended later still would only be missed at the 30-day edge.
   */
  static final Duration LONGEST_ATTEMPT = Duration.ofDays(1);

  /**
   * A campaign's live answers and abandons of the 30 days before {@code now}, counted as the live dialer counts them,
   * summed into buckets no finer than each window needs (10 s within the hour, 1 min within the day, 1 h beyond;
   * at most a few thousand rows however busy the campaign), oldest first. Bucket boundaries are whole multiples of
   * their size since the epoch, as in the pacer's windows, so a sum lands where its events would have.
   *
   * <p>A live answer counts at {@code answered_at} for every attempt a person answered: {@code answered_human} and
   * {@code abandoned}, not {@code answered_machine} (no person; regulators do not count it). The other outcomes
   * ({@code no_answer}, {@code busy}, {@code congestion}, {@code invalid_number}, {@code failed}) are never
   * answered. An attempt still open (no outcome yet: a call up across a restart, or one on a PBX that is away) whose
   * customer answered counts too, unless the detection said machine: the dialer counted its answer when it came and
   * the person is on the line. An abandon counts at {@code ended_at} for {@code abandoned}, as the dialer counts it
   * when the attempt ends.
   */
  public Future<List<AbandonBucket>> abandonHistory(long campaignId, Instant now) {
    long nowMillis = now.toEpochMilli();
    return pool.preparedQuery("with attempt as ("
            + " select answered_at, ended_at, outcome, amd_status from call_attempt"
            + " where campaign_id = $1 and originated_at >= $2 and originated_at <= $4),"
            + " event as ("
            + " select answered_at as at, 1 as answers, 0 as abandons from attempt"
            + " where answered_at >= $3 and answered_at <= $4 and (outcome in ('answered_human', 'abandoned')"
            + " or outcome is null and upper(coalesce(amd_status, '')) <> 'MACHINE')"
            + " union all"
            + " select ended_at, 0, 1 from attempt where outcome = 'abandoned' and ended_at >= $3 and ended_at <= $4),"
            + " timed as (select floor(extract(epoch from at) * 1000)::bigint as ms, answers, abandons from event),"
            + " bucketed as (select ms - ms % (case when ms >= $5 then 10000 when ms >= $6 then 60000 else 3600000 end)"
            + " as bucket, answers, abandons from timed)"
            + " select bucket, sum(answers)::bigint as answers, sum(abandons)::bigint as abandons from bucketed"
            + " group by bucket order by bucket")
        .execute(Tuple.from(new Object[] {campaignId, odt(now.minus(HISTORY).minus(LONGEST_ATTEMPT)),
            odt(now.minus(HISTORY)), odt(now), nowMillis - FINE_BUCKETS.toMillis(),
            nowMillis - MINUTE_BUCKETS.toMillis()}))
        .map(rs -> {
          List<AbandonBucket> out = new ArrayList<>(rs.size());
          for (Row r : rs) {
            out.add(new AbandonBucket(r.getLong("bucket"), r.getLong("answers"), r.getLong("abandons")));
          }
          return out;
        });
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }
}
