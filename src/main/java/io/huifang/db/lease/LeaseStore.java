package io.huifang.db.lease;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * The leases in PostgreSQL (table node_lease). Every change is one compare-and-set statement, and expiry is judged by
 * the database's clock (now()), never a node's: two nodes whose clocks disagree still cannot both hold a lease.
 */
public final class LeaseStore {
  /**
   * A condition, for other modules' SQL, that holds only while the grant named {@code $name} with epoch {@code $epoch}
   * is the current one and has not run out: work done in a lease's name is written only under it (the fence).
   */
  public static String currentGrant(int nameParam, int epochParam) {
    return "exists (select 1 from node_lease where name = $" + nameParam + " and epoch = $" + epochParam
        + " and expires_at > now())";
  }

  /**
   * A condition that holds while the grant {@code $name}/{@code $epoch} is the latest one, run out or not: nobody has
   * been granted the lease since (every grant raises the epoch). For a customer who answers a call dialled under it:
   * a holder whose renewals went unanswered for a moment (a loaded machine, a slow database) still has the only
   * agents who can take the customer, and another node that takes the lease raises the epoch first, so a stale
   * owner resumed after that is still refused. Dialling stays under {@link #currentGrant}.
   */
  public static String latestGrant(int nameParam, int epochParam) {
    return "exists (select 1 from node_lease where name = $" + nameParam + " and epoch = $" + epochParam + ")";
  }

  private final Pool pool;

  public LeaseStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Takes the lease for {@code holder} if nobody holds it, it ran out, or {@code holder} itself holds it (a restart
   * under the same name); completes with the new epoch, one more than the last grant's, or 0 when another holder has
   * it.
   */
  public Future<Long> take(String name, String holder, Duration ttl) {
    return pool.preparedQuery("insert into node_lease as l (name, holder, epoch, expires_at, granted_at)"
            + " values ($1, $2, 1, now() + $3 * interval '1 millisecond', now())"
            + " on conflict (name) do update set holder = excluded.holder, epoch = l.epoch + 1,"
            + " expires_at = excluded.expires_at, granted_at = now()"
            + " where l.expires_at <= now() or l.holder = excluded.holder"
            + " returning epoch")
        .execute(Tuple.of(name, holder, ttl.toMillis()))
        .map(LeaseStore::epochOrZero);
  }

  /**
   * Extends the grant {@code epoch} of {@code holder} by {@code ttl} from the database's now; false when that grant
   * is no longer current (another holder took the lease, or it ran out: a holder that missed its renewals does not
   * get the lease back by renewing, it must take it again, with a new epoch).
   */
  public Future<Boolean> renew(String name, String holder, long epoch, Duration ttl) {
    return pool.preparedQuery("update node_lease set expires_at = now() + $4 * interval '1 millisecond'"
            + " where name = $1 and holder = $2 and epoch = $3 and expires_at > now() returning epoch")
        .execute(Tuple.of(name, holder, epoch, ttl.toMillis()))
        .map(rs -> rs.rowCount() == 1);
  }

  /** Ends the grant now (a clean stop), so another node need not wait for it to run out; false if not current. */
  public Future<Boolean> release(String name, String holder, long epoch) {
    return pool.preparedQuery("update node_lease set expires_at = now()"
            + " where name = $1 and holder = $2 and epoch = $3 and expires_at > now()")
        .execute(Tuple.of(name, holder, epoch))
        .map(rs -> rs.rowCount() == 1);
  }

  /** The lease's row as the database sees it now: holder, epoch, live (not run out), or null when never granted. */
  public Future<JsonObject> current(String name) {
    return pool.preparedQuery("select name, holder, epoch, expires_at > now() as live from node_lease"
            + " where name = $1")
        .execute(Tuple.of(name))
        .map(rs -> rs.size() == 0 ? null : rs.iterator().next().toJson());
  }

  private static long epochOrZero(RowSet<Row> rs) {
    return rs.size() == 0 ? 0 : rs.iterator().next().getLong("epoch");
  }
}
