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

  /** Newest first; {@code action} filters when not null, {@code beforeId} pages back. */
  public Future<io.vertx.core.json.JsonArray> recent(int limit, String action, Long beforeId) {
    return pool.preparedQuery("select id, at, actor, action, subject, result, client_ip from audit_log"
            + " where ($1::text is null or action = $1) and ($2::bigint is null or id < $2)"
            + " order by id desc limit $3")
        .execute(Tuple.of(action, beforeId, limit))
        .map(rs -> {
          var arr = new io.vertx.core.json.JsonArray();
          rs.forEach(r -> arr.add(new JsonObject().put("id", r.getLong("id"))
              .put("at", r.getOffsetDateTime("at").toInstant().toString())
              .put("actor", r.getString("actor")).put("action", r.getString("action"))
              .put("subject", r.getString("subject")).put("result", r.getString("result"))
              .put("clientIp", r.getString("client_ip"))));
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
