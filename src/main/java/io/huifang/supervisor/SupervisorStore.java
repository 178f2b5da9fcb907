package io.huifang.supervisor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The supervisor module's own tables: its settings (the board's thresholds). */
public final class SupervisorStore {
  private final Pool pool;

  public SupervisorStore(Pool pool) {
    this.pool = pool;
  }

  /** The stored thresholds, or the defaults when none were stored. */
  Future<JsonObject> thresholds() {
    return pool.preparedQuery("select value from supervisor_settings where key = 'thresholds'").execute()
        .map(rs -> rs.size() == 0 ? Thresholds.defaults() : (JsonObject) rs.iterator().next().getValue("value"));
  }

  /** Stores checked thresholds ({@link Thresholds#validate}). */
  Future<Void> saveThresholds(JsonObject thresholds, long by) {
    return pool.preparedQuery("insert into supervisor_settings (key, value, updated_by) values ('thresholds', $1, $2)"
            + " on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by,"
            + " updated_at = now()")
        .execute(Tuple.of(thresholds, by)).mapEmpty();
  }
}
