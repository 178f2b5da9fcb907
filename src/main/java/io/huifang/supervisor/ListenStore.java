package io.huifang.supervisor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The SQL of listening in: the table supervisor_listen, one row per spy call (V55). */
public final class ListenStore {
  private final Pool pool;

  public ListenStore(Pool pool) {
    this.pool = pool;
  }

  /** A spy call begins: its row, whose id names the call. */
  public Future<Long> started(long supervisorId, long agentId, String attemptId, String mode, String pbx) {
    return pool.preparedQuery("insert into supervisor_listen (supervisor_id, agent_id, attempt_id, mode, pbx)"
            + " values ($1, $2, $3, $4, $5) returning id")
        .execute(Tuple.of(supervisorId, agentId, attemptId, mode, pbx))
        .map(rs -> rs.iterator().next().getLong("id"));
  }

  /** The supervisor answered the softphone. */
  public Future<Void> answered(long id, Instant at, String channel) {
    return pool.preparedQuery("update supervisor_listen set answered_at = $2, channel = coalesce($3, channel)"
            + " where id = $1 and answered_at is null")
        .execute(Tuple.of(id, utc(at), channel)).mapEmpty();
  }

  /**
   * The spy call ended: its end, reason and seconds on the line (answer to end, 0 if never answered), written once.
   * Gives the seconds, or null when the row had already ended.
   */
  public Future<Integer> ended(long id, Instant at, String reason, String channel) {
    return pool.preparedQuery("update supervisor_listen set ended_at = $2, end_reason = $3,"
            + " channel = coalesce(channel, $4),"
            + " seconds = coalesce(greatest(0, round(extract(epoch from ($2 - answered_at))))::int, 0)"
            + " where id = $1 and ended_at is null returning seconds")
        .execute(Tuple.of(id, utc(at), reason, channel))
        .map(rs -> rs.size() == 0 ? null : rs.iterator().next().getInteger("seconds"));
  }

  /** One spy call as the log shows it, or null. */
  public Future<JsonObject> one(long id) {
    return pool.preparedQuery(LOG + " where l.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? null : json(rs.iterator().next()));
  }

  /** The log, newest first. */
  public Future<JsonArray> log(int limit) {
    return pool.preparedQuery(LOG + " order by l.id desc limit $1").execute(Tuple.of(limit)).map(rs -> {
      JsonArray out = new JsonArray();
      rs.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  /** A spy call left open by a server that stopped: its row, PBX and spy channel, whose it was and on whom. */
  public record Leftover(long id, String pbx, String channel, long supervisorId, long agentId, String mode) {
  }

  public Future<List<Leftover>> leftovers() {
    return pool.query("select id, pbx, channel, supervisor_id, agent_id, mode from supervisor_listen"
        + " where ended_at is null").execute().map(rs -> {
          List<Leftover> out = new ArrayList<>();
          rs.forEach(r -> out.add(new Leftover(r.getLong("id"), r.getString("pbx"), r.getString("channel"),
              r.getLong("supervisor_id"), r.getLong("agent_id"), r.getString("mode"))));
          return out;
        });
  }

  private static final String LOG = "select l.id, l.supervisor_id, s.display_name as supervisor_name,"
      + " l.agent_id, a.display_name as agent_name, l.attempt_id, l.mode, l.pbx, l.started_at, l.answered_at,"
      + " l.ended_at, l.seconds, l.end_reason"
      + " from supervisor_listen l join app_user s on s.id = l.supervisor_id join app_user a on a.id = l.agent_id";

  private static JsonObject json(Row r) {
    return new JsonObject().put("spyId", r.getLong("id"))
        .put("supervisorId", r.getLong("supervisor_id")).put("supervisorName", r.getString("supervisor_name"))
        .put("agentId", r.getLong("agent_id")).put("agentName", r.getString("agent_name"))
        .put("attemptId", r.getString("attempt_id")).put("mode", r.getString("mode")).put("pbx", r.getString("pbx"))
        .put("startedAt", iso(r.getOffsetDateTime("started_at")))
        .put("answeredAt", iso(r.getOffsetDateTime("answered_at")))
        .put("endedAt", iso(r.getOffsetDateTime("ended_at")))
        .put("seconds", r.getInteger("seconds")).put("endReason", r.getString("end_reason"));
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
