package io.huifang.qa;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The QA module's SQL (tables qa_rules, qa_skill_level, qa_agent_skill, qa_month, qa_call_check, qa_sample; V50),
 * and its reads of the tables below it (call_attempt, survey_response, recording, customer, campaign, dealer,
 * app_user).
 */
public final class QaStore {
  private final Pool pool;

  public QaStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  // ---- rules and skills

  public Future<QaRules> rules() {
    Future<List<QaRules.Level>> levels = pool.query("select key, rank, name_zh, name_en, share from qa_skill_level"
        + " order by rank").execute().map(rs -> {
          List<QaRules.Level> out = new ArrayList<>();
          rs.forEach(r -> out.add(new QaRules.Level(r.getString("key"), r.getInteger("rank"), r.getString("name_zh"),
              r.getString("name_en"), r.getBigDecimal("share").doubleValue())));
          return out;
        });
    return levels.compose(ls -> pool.query("select * from qa_rules").execute().map(rs -> {
      Row r = rs.iterator().next();
      Map<Long, Integer> quotas = new LinkedHashMap<>();
      JsonObject q = (JsonObject) jsonValue(r.getValue("campaign_quotas"));
      for (String k : q.fieldNames()) {
        quotas.put(Long.parseLong(k), q.getInteger(k));
      }
      return new QaRules(r.getInteger("quota_per_agent"), quotas, r.getInteger("first_days"),
          r.getString("uncertified_level"), ls, r.getInteger("claim_limit"), r.getInteger("claim_expiry_hours"),
          r.getInteger("dispute_window_days"), r.getBigDecimal("seconds_per_item").doubleValue());
    }));
  }

  public Future<Void> saveRules(QaRules rules, long by) {
    JsonObject quotas = new JsonObject();
    rules.campaignQuotas().forEach((k, v) -> quotas.put(String.valueOf(k), v));
    return pool.withTransaction(c -> {
      Future<?> f = c.preparedQuery("update qa_rules set quota_per_agent = $1, campaign_quotas = $2::jsonb,"
              + " first_days = $3, uncertified_level = $4, claim_limit = $5, claim_expiry_hours = $6,"
              + " dispute_window_days = $7, seconds_per_item = $8, updated_by = $9, updated_at = now()")
          .execute(Tuple.from(new Object[] {rules.quotaPerAgent(), quotas, rules.firstDays(),
              rules.uncertifiedLevel(), rules.claimLimit(), rules.claimExpiryHours(), rules.disputeWindowDays(),
              java.math.BigDecimal.valueOf(rules.secondsPerItem()), by}));
      for (QaRules.Level l : rules.levels()) {
        f = f.compose(v -> c.preparedQuery("update qa_skill_level set name_zh = $2, name_en = $3, share = $4"
            + " where key = $1").execute(Tuple.of(l.key(), l.nameZh(), l.nameEn(),
            java.math.BigDecimal.valueOf(l.share()))));
      }
      return f.mapEmpty();
    });
  }

  /** Every active agent with their certified level (null: none). */
  public Future<JsonArray> skills() {
    return pool.query("select u.id, u.display_name, s.level, s.certified_at, c.display_name as certified_by"
            + " from app_user u left join qa_agent_skill s on s.agent_id = u.id"
            + " left join app_user c on c.id = s.certified_by where u.role = 'agent' and u.active order by u.id")
        .execute().map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("agentId", r.getLong("id"))
              .put("agentName", r.getString("display_name")).put("level", r.getString("level"))
              .put("certifiedAt", iso(r.getOffsetDateTime("certified_at")))
              .put("certifiedBy", r.getString("certified_by"))));
          return out;
        });
  }

  /** Certifies an agent at a level (null removes the certification). False when no such agent. */
  public Future<Boolean> setSkill(long agentId, String level, long by) {
    return pool.preparedQuery("select 1 from app_user where id = $1 and role = 'agent'").execute(Tuple.of(agentId))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(false);
          }
          Future<?> f = level == null
              ? pool.preparedQuery("delete from qa_agent_skill where agent_id = $1").execute(Tuple.of(agentId))
              : pool.preparedQuery("insert into qa_agent_skill (agent_id, level, certified_by) values ($1, $2, $3)"
                  + " on conflict (agent_id) do update set level = excluded.level, certified_at = now(),"
                  + " certified_by = excluded.certified_by").execute(Tuple.of(agentId, level, by));
          return f.map(x -> true);
        });
  }

  public Future<Optional<String>> skillOf(long agentId) {
    return pool.preparedQuery("select level from qa_agent_skill where agent_id = $1").execute(Tuple.of(agentId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next().getString("level")));
  }

  static Object jsonValue(Object v) {
    if (v instanceof String s) {
      return s.startsWith("[") ? new JsonArray(s) : new JsonObject(s);
    }
    return v;
  }

  static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
