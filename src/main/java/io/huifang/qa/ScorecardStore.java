package io.huifang.qa;

import io.huifang.core.Invalid;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scorecards in PostgreSQL, one immutable row per version, as questionnaires are kept. Versions are cached for good
 * (they never change); the current version of a key is re-read after a save here. The built-ins are stored as
 * version 1 on first use.
 */
public final class ScorecardStore {
  private final Pool pool;
  private final Map<String, Scorecard> versions = new ConcurrentHashMap<>();
  private final Map<String, Scorecard> current = new ConcurrentHashMap<>();
  private volatile Future<Void> seeded;

  public ScorecardStore(Pool pool) {
    this.pool = pool;
  }

  /** The current (highest) version; fails with {@link NoSuchElementException} when unknown. */
  public Future<Scorecard> current(String key) {
    Scorecard c = current.get(key);
    if (c != null) {
      return Future.succeededFuture(c);
    }
    return seed().compose(v -> pool.preparedQuery("select version, definition from qa_scorecard where key = $1"
            + " order by version desc limit 1").execute(Tuple.of(key)))
        .map(rs -> {
          if (rs.size() == 0) {
            throw new NoSuchElementException("no scorecard " + key);
          }
          Scorecard s = fromRow(rs.iterator().next());
          current.put(key, s);
          versions.putIfAbsent(key + "@" + s.version(), s);
          return s;
        });
  }

  public Future<Scorecard> version(String key, int version) {
    Scorecard c = versions.get(key + "@" + version);
    if (c != null) {
      return Future.succeededFuture(c);
    }
    return seed().compose(v -> pool.preparedQuery("select version, definition from qa_scorecard where key = $1"
            + " and version = $2").execute(Tuple.of(key, version)))
        .map(rs -> {
          if (rs.size() == 0) {
            throw new NoSuchElementException("no scorecard " + key + " version " + version);
          }
          Scorecard s = fromRow(rs.iterator().next());
          versions.put(key + "@" + version, s);
          return s;
        });
  }

  /** {@code [{"key","version","name","current":true,"versions":n}]}: every key at its current version. */
  public Future<JsonArray> list() {
    return seed().compose(v -> pool.query("select distinct on (key) key, version, name_zh, name_en,"
            + " (select count(*) from qa_scorecard s2 where s2.key = s.key) as versions"
            + " from qa_scorecard s order by key, version desc").execute())
        .map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            JsonObject name = new JsonObject().put("zh", r.getString("name_zh"));
            if (r.getString("name_en") != null) {
              name.put("en", r.getString("name_en"));
            }
            out.add(new JsonObject().put("key", r.getString("key")).put("version", r.getInteger("version"))
                .put("name", name).put("current", true).put("versions", r.getLong("versions")));
          }
          return out;
        });
  }

  /** The version numbers of a key, newest first. */
  public Future<JsonArray> history(String key) {
    return seed().compose(v -> pool.preparedQuery("select s.version, s.created_at, u.display_name from qa_scorecard s"
            + " left join app_user u on u.id = s.created_by where s.key = $1 order by s.version desc")
            .execute(Tuple.of(key)))
        .map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("version", r.getInteger("version"))
              .put("created", r.getOffsetDateTime("created_at").toInstant().toString())
              .put("createdBy", r.getString("display_name"))));
          return out;
        });
  }

  /**
   * Checks the form and stores it as the next version of {@code key}; the form's own key must be {@code key} or
   * absent, its version is ignored. Fails with {@link Invalid} naming the place; nothing is stored then.
   */
  public Future<Scorecard> save(String key, JsonObject definition, long userId) {
    Scorecard parsed;
    try {
      if (!Scorecard.KEY.matcher(key).matches()) {
        throw new Invalid("key", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            "须为 1-64 个字母、数字、'.'、'_' 或 '-'，以字母或数字开头");
      }
      Object given = definition.getValue("key");
      if (given != null && !key.equals(given)) {
        throw new Invalid("key", "the form's key \"" + given + "\" is not \"" + key + "\"",
            "表单中的 key \"" + given + "\" 与 \"" + key + "\" 不一致");
      }
      JsonObject copy = definition.copy().put("key", key);
      copy.remove("version");
      parsed = Scorecard.parse(copy);
    } catch (Invalid e) {
      return Future.failedFuture(e);
    }
    return seed().compose(v -> pool.withTransaction(tx ->
            // Saves of one key are serialised, so two saving at once get n+1 and n+2.
            tx.preparedQuery("select pg_advisory_xact_lock(hashtext('qa_scorecard:' || $1))").execute(Tuple.of(key))
                .compose(x -> tx.preparedQuery("select coalesce(max(version), 0) + 1 from qa_scorecard where key = $1")
                    .execute(Tuple.of(key)))
                .compose(rs -> {
                  Scorecard s = parsed.withVersion(rs.iterator().next().getInteger(0));
                  return tx.preparedQuery("insert into qa_scorecard (key, version, name_zh, name_en, definition,"
                          + " created_by) values ($1, $2, $3, $4, $5, $6)")
                      .execute(Tuple.of(key, s.version(), s.name().zh(), s.name().en(), s.toJson(),
                          userId > 0 ? userId : null))
                      .map(s);
                })))
        .onSuccess(s -> {
          current.put(key, s);
          versions.put(key + "@" + s.version(), s);
        })
        .onFailure(e -> current.remove(key));
  }

  private Future<Void> seed() {
    Future<Void> f = seeded;
    if (f == null) {
      f = pool.withTransaction(tx -> {
        Future<Void> chain = Future.succeededFuture();
        for (String key : Scorecard.BUILT_IN) {
          Scorecard s = Scorecard.builtIn(key);
          chain = chain.compose(v -> tx.preparedQuery("insert into qa_scorecard (key, version, name_zh, name_en,"
                  + " definition) select $1, 1, $2, $3, $4 where not exists (select 1 from qa_scorecard where key = $1)"
                  + " on conflict do nothing")
              .execute(Tuple.of(s.key(), s.name().zh(), s.name().en(), s.toJson())).mapEmpty());
        }
        return chain;
      });
      seeded = f;
      f.onFailure(e -> seeded = null);
    }
    return f;
  }

  private static Scorecard fromRow(Row r) {
    return Scorecard.parse((JsonObject) r.getValue("definition")).withVersion(r.getInteger("version"));
  }
}
