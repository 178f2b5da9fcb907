package io.huifang.telephony;

import io.huifang.db.lease.LeaseStore;
import io.huifang.db.lease.Leases;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/**
 * What each agent's open line is for, kept in {@code agent_line} (V73) so that a node taking a PBX over finds it
 * (issue 22): ready for which campaign, or paused and why, and the call being written up. Written by the PBX's owner
 * in the name of its lease's grant: a node that lost the PBX (frozen and resumed) writes nothing over what the new
 * owner keeps.
 */
public final class AgentLineStore {
  private final Pool pool;

  public AgentLineStore(Pool pool) {
    this.pool = pool;
  }

  /** The agent's wish for their line as last written; {@code lineId} is the line it was written for. */
  public record Wish(long agentId, String lineId, boolean wantsReady, Long campaignId, String pauseReason,
                     String wrapUpAttempt) {
  }

  /**
   * Writes the line's wish (replacing the agent's row: one line per agent), only while {@code grant} is the PBX's
   * current grant when there is one (null: no leases, one node). True when written.
   */
  Future<Boolean> write(String pbx, Wish w, Leases.Fence grant) {
    String upsert = " on conflict (agent_id) do update set pbx = excluded.pbx, line_id = excluded.line_id,"
        + " wants_ready = excluded.wants_ready, campaign_id = excluded.campaign_id,"
        + " pause_reason = excluded.pause_reason, wrap_up_attempt = excluded.wrap_up_attempt, changed_at = now()";
    String insert = "insert into agent_line (agent_id, pbx, line_id, wants_ready, campaign_id, pause_reason,"
        + " wrap_up_attempt) select $1::bigint, $2::text, $3::text, $4::boolean, $5::bigint, $6::text, $7::text";
    Object[] args = {w.agentId(), pbx, w.lineId(), w.wantsReady(), w.campaignId(), w.pauseReason(),
        w.wrapUpAttempt()};
    if (grant == null) {
      return pool.preparedQuery(insert + upsert).execute(Tuple.from(args)).map(rs -> rs.rowCount() == 1);
    }
    Object[] fenced = java.util.Arrays.copyOf(args, args.length + 2);
    fenced[args.length] = grant.name();
    fenced[args.length + 1] = grant.epoch();
    return pool.preparedQuery(insert + " where " + LeaseStore.currentGrant(8, 9) + upsert)
        .execute(Tuple.from(fenced)).map(rs -> rs.rowCount() == 1);
  }

  /** The line closed (signed out): its row goes, unless the agent has another line by now. */
  Future<Void> closed(long agentId, String lineId, Leases.Fence grant) {
    if (grant == null) {
      return pool.preparedQuery("delete from agent_line where agent_id = $1 and line_id = $2")
          .execute(Tuple.of(agentId, lineId)).mapEmpty();
    }
    return pool.preparedQuery("delete from agent_line where agent_id = $1 and line_id = $2 and "
        + LeaseStore.currentGrant(3, 4)).execute(Tuple.of(agentId, lineId, grant.name(), grant.epoch())).mapEmpty();
  }

  /** The wishes of the lines on this PBX, by line id (the Uniqueid of the line's channel). */
  Future<Map<String, Wish>> onPbx(String pbx) {
    return pool.preparedQuery("select agent_id, line_id, wants_ready, campaign_id, pause_reason, wrap_up_attempt"
        + " from agent_line where pbx = $1").execute(Tuple.of(pbx)).map(rs -> {
          Map<String, Wish> out = new HashMap<>();
          for (Row r : rs) {
            out.put(r.getString("line_id"), new Wish(r.getLong("agent_id"), r.getString("line_id"),
                r.getBoolean("wants_ready"), r.getLong("campaign_id"), r.getString("pause_reason"),
                r.getString("wrap_up_attempt")));
          }
          return out;
        });
  }
}
