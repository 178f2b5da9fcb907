package io.huifang.campaign.rules;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** The do-not-call list (dnc): searched, added to by hand, removed from. The scheduler never hands out its numbers. */
public final class DoNotCallStore {
  private final Pool pool;

  public DoNotCallStore(Pool pool) {
    this.pool = pool;
  }

  /** One page, newest first; {@code digits} (may be empty) matches any part of the number. */
  public Future<JsonObject> search(String digits, int limit, int offset) {
    String like = "%" + digits + "%";
    return pool.preparedQuery("select d.phone, d.reason, d.source, d.note, d.created_at, u.username as added_by,"
            + " count(*) over () as total from dnc d left join app_user u on u.id = d.added_by"
            + " where d.phone like $1 order by d.created_at desc, d.phone limit $2 offset $3")
        .execute(Tuple.of(like, limit, offset)).compose(rs -> {
          JsonArray entries = new JsonArray();
          long total = -1;
          for (Row r : rs) {
            total = r.getLong("total");
            entries.add(json(r));
          }
          if (total >= 0 || offset == 0) {
            return Future.succeededFuture(page(entries, Math.max(total, 0)));
          }
          // Past the last page: the count alone.
          return pool.preparedQuery("select count(*) from dnc where phone like $1").execute(Tuple.of(like))
              .map(c -> page(entries, c.iterator().next().getLong(0)));
        });
  }

  private static JsonObject page(JsonArray entries, long total) {
    return new JsonObject().put("entries", entries).put("total", total);
  }

  /** Puts {@code phone} on the list; empty when it was there already (then nothing changes). */
  public Future<Optional<JsonObject>> add(String phone, String note, long userId, String username) {
    return pool.preparedQuery("with added as (insert into dnc (phone, reason, source, note, added_by)"
            + " values ($1, 'manual', $2, $3, $4) on conflict (phone) do nothing returning *)"
            + " select a.phone, a.reason, a.source, a.note, a.created_at, $5::text as added_by from added a")
        .execute(Tuple.of(phone, "admin:" + username, note, userId, username))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(json(rs.iterator().next())));
  }

  /** The entry for {@code phone}, if listed. */
  public Future<Optional<JsonObject>> get(String phone) {
    return pool.preparedQuery("select d.phone, d.reason, d.source, d.note, d.created_at, u.username as added_by"
            + " from dnc d left join app_user u on u.id = d.added_by where d.phone = $1")
        .execute(Tuple.of(phone))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(json(rs.iterator().next())));
  }

  /** Takes {@code phone} off the list; the removed entry (for the audit), empty when it was not listed. */
  public Future<Optional<JsonObject>> remove(String phone) {
    return pool.preparedQuery("with gone as (delete from dnc where phone = $1 returning *)"
            + " select g.phone, g.reason, g.source, g.note, g.created_at, u.username as added_by"
            + " from gone g left join app_user u on u.id = g.added_by")
        .execute(Tuple.of(phone))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(json(rs.iterator().next())));
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("phone", r.getString("phone")).put("reason", r.getString("reason"))
        .put("source", r.getString("source")).put("note", r.getString("note"))
        .put("addedBy", r.getString("added_by"))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString());
  }
}
