package io.huifang.telephony;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The campaigns each agent is skilled for (agent_campaign_skill). An agent with none listed takes every campaign, as
 * before skills existed; one with some takes only those.
 */
public final class AgentSkillStore {
  /** Enough for every campaign a centre runs at once; more is a mistake in the request. */
  public static final int MAX_SKILLS = 200;
  private final Pool pool;

  public AgentSkillStore(Pool pool) {
    this.pool = pool;
  }

  /** Every agent's skills; agents not listed take every campaign. */
  public Future<Map<Long, Set<Long>>> all() {
    return pool.query("select agent_id, campaign_id from agent_campaign_skill").execute().map(rs -> {
      Map<Long, Set<Long>> out = new HashMap<>();
      for (Row r : rs) {
        out.computeIfAbsent(r.getLong("agent_id"), k -> new TreeSet<>()).add(r.getLong("campaign_id"));
      }
      return out;
    });
  }

  /**
   * Replaces the agent's skills (empty: every campaign). Fails with 404 when no agent has that id, with a 400 naming
   * {@code campaignIds} when one of them is no campaign.
   */
  public Future<Set<Long>> set(long agentId, Set<Long> campaigns) {
    return pool.withTransaction(tx -> tx.preparedQuery("select role from app_user where id = $1 for share")
        .execute(Tuple.of(agentId)).compose(rs -> {
          if (!rs.iterator().hasNext() || !"agent".equals(rs.iterator().next().getString("role"))) {
            return Future.failedFuture(Problem.notFound("agent " + agentId));
          }
          return tx.preparedQuery("delete from agent_campaign_skill where agent_id = $1").execute(Tuple.of(agentId));
        }).compose(v -> campaigns.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(
            "insert into agent_campaign_skill (agent_id, campaign_id) select $1, unnest($2::bigint[])")
            .execute(Tuple.tuple().addLong(agentId).addArrayOfLong(campaigns.toArray(new Long[0])))))
        .<Set<Long>>map(v -> new TreeSet<>(campaigns))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23503".equals(pg.getSqlState())
            ? new Invalid("campaignIds", "every campaign must exist", "所选活动不存在") : e));
  }
}
