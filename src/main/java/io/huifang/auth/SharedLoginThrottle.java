package io.huifang.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LoginThrottle}'s rule with its counters in the database ({@code login_throttle}, V71), for a cluster: every
 * node counts on the same rows, so the limits hold per cluster. Each step is one transaction holding the three rows
 * ({@code select … for update}, in key order so that two sign-ins never wait on each other crosswise): an attempt
 * reserved on one node is seen by the next on any node, as the synchronized method is on one node.
 */
public final class SharedLoginThrottle implements SignInThrottle {
  private static final Logger log = LoggerFactory.getLogger(SharedLoginThrottle.class);
  /** Rows leaked empty are deleted at most this often (by whichever node counts a sign-in then). */
  static final long PURGE_EVERY_MS = 10 * 60_000L;

  private final Pool pool;
  /** The arithmetic: limits, window, leak, delays (its in-memory map is not used here). */
  private final LoginThrottle rule;
  private volatile long purgedAt;

  public SharedLoginThrottle(Pool pool) {
    this(pool, new LoginThrottle(1));
  }

  SharedLoginThrottle(Pool pool, LoginThrottle rule) {
    this.pool = pool;
    this.rule = rule;
  }

  @Override
  public Future<Long> reserveAsync(String username, String ip, long nowMillis) {
    purgeNowAndThen(nowMillis);
    String pairKey = LoginThrottle.pairKey(username, ip);
    String addressKey = LoginThrottle.addressKey(ip);
    String userKey = LoginThrottle.userKey(username);
    long[] wait = new long[1];
    return change(List.of(pairKey, addressKey, userKey), nowMillis, counters -> wait[0] = rule.reserve(
        counters.get(pairKey), counters.get(addressKey), counters.get(userKey), nowMillis)).map(v -> wait[0]);
  }

  @Override
  public void succeeded(String username, String ip) {
    cleared(username, ip).onFailure(e -> log.atWarn().setMessage("sign-in counters not refunded")
        .addKeyValue("error", e.getMessage()).log());
  }

  @Override
  public void release(String username, String ip) {
    released(username, ip).onFailure(e -> log.atWarn().setMessage("sign-in counters not released")
        .addKeyValue("error", e.getMessage()).log());
  }

  /** {@link #succeeded}, done when written. */
  Future<Void> cleared(String username, String ip) {
    String addressKey = LoginThrottle.addressKey(ip);
    String userKey = LoginThrottle.userKey(username);
    return pool.preparedQuery("delete from login_throttle where key = $1").execute(Tuple.of(
            LoginThrottle.pairKey(username, ip)))
        .compose(r -> change(List.of(addressKey, userKey), System.currentTimeMillis(), counters -> {
          LoginThrottle.refund(counters.get(addressKey), rule.limitOf(addressKey));
          LoginThrottle.refund(counters.get(userKey), rule.limitOf(userKey));
        }));
  }

  /** {@link #release}, done when written. */
  Future<Void> released(String username, String ip) {
    List<String> keys = List.of(LoginThrottle.pairKey(username, ip), LoginThrottle.addressKey(ip),
        LoginThrottle.userKey(username));
    return change(keys, System.currentTimeMillis(), counters -> keys.forEach(k -> LoginThrottle.refund(
        counters.get(k), rule.limitOf(k))));
  }

  /**
   * In one transaction: the counters of {@code keys} (created empty if missing) locked, changed by {@code step}, and
   * written back.
   */
  private Future<Void> change(List<String> keys, long now, Consumer<Map<String, LoginThrottle.Counter>> step) {
    String[] sorted = new TreeSet<>(keys).toArray(String[]::new);
    return pool.withTransaction(tx -> tx.preparedQuery("insert into login_throttle (key, level, updated_at, last_at,"
            + " next_at, empty_at) select k, 0, $2, 0, 0, $2 from unnest($1::text[]) k on conflict (key) do nothing")
        .execute(Tuple.of(sorted, now))
        .compose(r -> tx.preparedQuery("select key, level, updated_at, last_at, next_at from login_throttle"
            + " where key = any($1) order by key for update").execute(Tuple.of((Object) sorted)))
        .compose(rows -> {
          Map<String, LoginThrottle.Counter> counters = new HashMap<>();
          for (Row row : rows) {
            LoginThrottle.Counter c = new LoginThrottle.Counter();
            c.level = row.getDouble("level");
            c.updatedAt = row.getLong("updated_at");
            c.lastAt = row.getLong("last_at");
            c.nextAt = row.getLong("next_at");
            counters.put(row.getString("key"), c);
          }
          for (String key : sorted) {
            // deleted since the insert above (a right password clears its pair, a purge empty rows): counts from 0
            counters.computeIfAbsent(key, k -> {
              LoginThrottle.Counter c = new LoginThrottle.Counter();
              c.updatedAt = now;
              return c;
            });
          }
          step.accept(counters);
          return write(tx, counters);
        }));
  }

  private Future<Void> write(SqlConnection tx, Map<String, LoginThrottle.Counter> counters) {
    List<Tuple> batch = new ArrayList<>();
    counters.forEach((key, c) -> batch.add(Tuple.of(key, c.level, c.updatedAt, c.lastAt, c.nextAt,
        rule.emptyAt(c, key))));
    return tx.preparedQuery("insert into login_throttle (key, level, updated_at, last_at, next_at, empty_at)"
        + " values ($1, $2, $3, $4, $5, $6) on conflict (key) do update set level = excluded.level,"
        + " updated_at = excluded.updated_at, last_at = excluded.last_at, next_at = excluded.next_at,"
        + " empty_at = excluded.empty_at").executeBatch(batch).mapEmpty();
  }

  /** Counters leaked empty and imposing no wait are the same as none: deleted now and then, from any node. */
  private void purgeNowAndThen(long now) {
    if (now - purgedAt < PURGE_EVERY_MS) {
      return;
    }
    purgedAt = now;
    purge(now).onFailure(e -> log.atWarn().setMessage("sign-in counters not purged")
        .addKeyValue("error", e.getMessage()).log());
  }

  /** Deletes the counters that have leaked empty and impose no wait at {@code now}; answers how many. */
  Future<Integer> purge(long now) {
    return pool.preparedQuery("delete from login_throttle where empty_at < $1 and next_at < $1")
        .execute(Tuple.of(now)).map(r -> r.rowCount());
  }
}
