package io.huifang.dealer;

import io.huifang.core.Invalid;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.Optional;

/** Dealers, their remembered column mappings and their declared monthly workshop volumes. */
public final class DealerStore {
  private final Pool pool;

  public DealerStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonArray> list() {
    return pool.query("select d.id, d.code, d.name, d.region, d.dealer_group, m.mapping from dealer d"
        + " left join dealer_column_mapping m on m.dealer_id = d.id order by d.code").execute().map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("code", r.getString("code"))
              .put("name", r.getString("name")).put("region", r.getString("region"))
              .put("group", r.getString("dealer_group")).put("mapping", r.getValue("mapping"))));
          return out;
        });
  }

  public Future<JsonObject> create(String code, String name) {
    return pool.preparedQuery("insert into dealer (code, name) values ($1, $2) returning id")
        .execute(Tuple.of(code, name))
        .map(rs -> new JsonObject().put("id", rs.iterator().next().getLong(0)).put("code", code).put("name", name))
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(new Invalid("code", "a dealer with this code already exists", "已有相同编号的经销商"))
            : Future.failedFuture(e));
  }

  /** The mapping the dealer's last file used ({@code field -> header}), if any. */
  public Future<Optional<JsonObject>> mapping(long dealerId) {
    return pool.preparedQuery("select mapping from dealer_column_mapping where dealer_id = $1")
        .execute(Tuple.of(dealerId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of((JsonObject) rs.iterator().next().getValue(0)));
  }

  public Future<Void> saveMapping(long dealerId, JsonObject mapping) {
    return pool.preparedQuery("insert into dealer_column_mapping (dealer_id, mapping) values ($1, $2)"
            + " on conflict (dealer_id) do update set mapping = excluded.mapping, updated_at = now()")
        .execute(Tuple.of(dealerId, mapping)).mapEmpty();
  }

  /** Records the dealer's own workshop volume for a month; false when there is no such dealer. */
  public Future<Boolean> setVolume(long dealerId, LocalDate month, int volume) {
    return pool.preparedQuery("insert into dealer_volume (dealer_id, month, volume)"
            + " select id, $2, $3 from dealer where id = $1"
            + " on conflict (dealer_id, month) do update set volume = excluded.volume")
        .execute(Tuple.of(dealerId, month.withDayOfMonth(1), volume)).map(rs -> rs.rowCount() > 0);
  }

  /** Every dealer with its declared workshop volume for {@code month} (null: not declared), by code. */
  public Future<io.vertx.core.json.JsonArray> volumes(LocalDate month) {
    return pool.preparedQuery("select d.id, d.code, d.name, v.volume from dealer d left join dealer_volume v"
            + " on v.dealer_id = d.id and v.month = $1 order by d.code")
        .execute(Tuple.of(month.withDayOfMonth(1))).map(rs -> {
          io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("dealerId", r.getLong("id")).put("code", r.getString("code"))
              .put("name", r.getString("name")).put("volume", r.getInteger("volume"))));
          return out;
        });
  }

  /** Sets where the dealer is ranked: its region and group (null clears); false when there is no such dealer. */
  public Future<Boolean> setPlacement(long dealerId, String region, String group) {
    return pool.preparedQuery("update dealer set region = $2, dealer_group = $3 where id = $1")
        .execute(Tuple.of(dealerId, region, group)).map(rs -> rs.rowCount() > 0);
  }
}
