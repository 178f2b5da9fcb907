package io.huifang.dialer.call;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Attempts in PostgreSQL: written when dialled, at answer and bridge, and when they end. */
public final class AttemptStore {
  private final Pool pool;

  public AttemptStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> inserted(Attempt a) {
    CallTracker.OriginateRequest r = a.request;
    return pool.preparedQuery("insert into call_attempt (id, pbx, campaign_id, task_id, customer_id, dial_string,"
            + " action_id, originated_at) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (id) do nothing")
        .execute(Tuple.of(a.id, a.pbx, r.campaignId(), r.taskId(), r.customerId(), r.dialString(), a.actionId,
            odt(a.originatedAt)))
        .mapEmpty();
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
    return pool.preparedQuery("update call_attempt set state = $2, channel = $3, ringing_at = $4, answered_at = $5,"
            + " bridged_at = $6, agent_id = $7, amd_status = $8, amd_cause = $9 where id = $1 and state <> 'ended'")
        .execute(Tuple.from(new Object[] {a.id, a.state.name().toLowerCase(), a.channel, odt(a.ringingAt),
            odt(a.answeredAt), odt(a.bridgedAt), a.agentId, a.amdStatus, a.amdCause}))
        .mapEmpty();
  }

  /** Writes the end; completes with false when the attempt had already ended (so it is counted once only). */
  public Future<Boolean> ended(Attempt a) {
    JsonObject raw = new JsonObject().put("dialBegan", a.dialBegan).put("originateRefused", a.originateRefused)
        .put("abandoned", a.abandoned);
    return pool.preparedQuery("update call_attempt set state = 'ended', outcome = $2, channel = $3,"
            + " originate_reason = $4, hangup_cause = $5, hangup_cause_txt = $6, hangup_by = $7, amd_status = $8,"
            + " amd_cause = $9, agent_id = $10, ringing_at = $11, answered_at = $12, bridged_at = $13, ended_at = $14,"
            + " ring_seconds = $15, detail = $16, raw = $17 where id = $1 and state <> 'ended'")
        .execute(Tuple.from(new Object[] {a.id, a.outcome.code(), a.channel, a.originateReason, a.hangupCause,
            a.hangupCauseTxt, a.hangupBy, a.amdStatus, a.amdCause, a.agentId, odt(a.ringingAt), odt(a.answeredAt),
            odt(a.bridgedAt), odt(a.endedAt), a.ringSeconds(), a.detail, raw}))
        .map(rs -> rs.rowCount() == 1);
  }

  /** Attempts of a PBX that had not ended when we last knew: the input of the resync after a (re)connect. */
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

  public Future<JsonObject> byId(String id) {
    return pool.preparedQuery("select * from call_attempt where id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? null : rs.iterator().next().toJson());
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }
}
