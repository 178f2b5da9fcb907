package io.huifang.auth;

import io.huifang.core.User;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit trail: logins, user administration, and later every recording access. Also logged as an event line. */
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  private final Pool pool;

  public AuditLog(Pool pool) {
    this.pool = pool;
  }

  /**
   * What the audit page asks for; every part may be null. {@code action} ending in '.' matches every action it
   * starts (e.g. "dnc."), else the action itself; {@code actor} the username, any case; {@code from} inclusive,
   * {@code to} exclusive; {@code beforeId} pages back.
   */
  public record Filter(String actor, String action, java.time.Instant from, java.time.Instant to, Long beforeId,
                       int limit) {
  }

  /** Newest first, at most {@code f.limit()} entries. */
  public Future<io.vertx.core.json.JsonArray> search(Filter f) {
    String prefix = f.action() != null && f.action().endsWith(".") ? f.action() : null;
    String exact = prefix == null ? f.action() : null;
    return pool.preparedQuery("select id, at, actor, action, subject, result, client_ip, detail from audit_log"
            + " where ($1::text is null or action = $1) and ($2::text is null or starts_with(action, $2))"
            + " and ($3::text is null or lower(actor) = lower($3))"
            + " and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5)"
            + " and ($6::bigint is null or id < $6) order by id desc limit $7")
        .execute(Tuple.tuple(java.util.Arrays.asList(exact, prefix, f.actor(),
            f.from() == null ? null : f.from().atOffset(java.time.ZoneOffset.UTC),
            f.to() == null ? null : f.to().atOffset(java.time.ZoneOffset.UTC), f.beforeId(), f.limit())))
        .map(rs -> {
          var arr = new io.vertx.core.json.JsonArray();
          rs.forEach(r -> arr.add(new JsonObject().put("id", r.getLong("id"))
              .put("at", r.getOffsetDateTime("at").toInstant().toString())
              .put("actor", r.getString("actor")).put("action", r.getString("action"))
              .put("subject", r.getString("subject")).put("result", r.getString("result"))
              .put("clientIp", r.getString("client_ip")).put("detail", r.getValue("detail"))));
          return arr;
        });
  }

  /** Every action that was ever recorded, sorted (a skip scan over the action index: one probe per action). */
  public Future<io.vertx.core.json.JsonArray> actions() {
    return pool.query("with recursive a as (select min(action) as action from audit_log union all"
            + " select (select min(l.action) from audit_log l where l.action > a.action) from a"
            + " where a.action is not null) select action from a where action is not null")
        .execute().map(rs -> {
          var arr = new io.vertx.core.json.JsonArray();
          rs.forEach(r -> arr.add(r.getString(0)));
          return arr;
        });
  }

  /** {@code actor} may be null (an anonymous login attempt); {@code actorName} is what was typed or known. */
  public Future<Void> record(User actor, String actorName, String action, String subject, String result,
                             String clientIp, JsonObject detail) {
    log.atInfo().setMessage("audit")
        .addKeyValue("action", action)
        .addKeyValue("actor", actor != null ? actor.username() : actorName)
        .addKeyValue("subject", subject)
        .addKeyValue("result", result)
        .addKeyValue("ip", clientIp)
        .log();
    return pool.preparedQuery("insert into audit_log (actor_id, actor, action, subject, result, client_ip, detail)"
            + " values ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(actor != null ? actor.id() : null, actor != null ? actor.username() : actorName, action,
            subject, result, clientIp, detail))
        .mapEmpty();
  }
}
