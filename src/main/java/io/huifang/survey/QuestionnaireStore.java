package io.huifang.survey;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Questionnaires in PostgreSQL, one immutable row per version, and the questionnaire of each campaign. Reads are
 * cached: versions never change, the current version of a key is dropped from the cache when this store saves a
 * new one, and a campaign's questionnaire key (which the campaign pages may change) is re-read after
 * {@link #CAMPAIGN_TTL_MS}. The built-ins are stored as version 1 on first use.
 */
public final class QuestionnaireStore {
  private static final Logger log = LoggerFactory.getLogger(QuestionnaireStore.class);
  static final long CAMPAIGN_TTL_MS = 30_000;

  /** One questionnaire in the list: its current version and who saved it when. */
  public record Summary(String key, Questionnaire.Kind kind, String titleZh, String titleEn, int version,
                        int versions, Instant updatedAt, Long updatedById, String updatedBy, boolean builtIn) {
    public JsonObject toJson() {
      JsonObject title = new JsonObject().put("zh", titleZh);
      if (titleEn != null) {
        title.put("en", titleEn);
      }
      return new JsonObject().put("key", key).put("kind", kind.id()).put("title", title).put("version", version)
          .put("versions", versions).put("updated", updatedAt == null ? null : updatedAt.toString())
          .put("updatedById", updatedById).put("updatedBy", updatedBy).put("builtIn", builtIn);
    }
  }

  /** One stored version (for the version history). */
  public record VersionInfo(int version, Instant createdAt, Long createdById, String createdBy) {
    public JsonObject toJson() {
      return new JsonObject().put("version", version).put("created", createdAt.toString())
          .put("createdById", createdById).put("createdBy", createdBy);
    }
  }

  private record CampaignKey(String key, String kindDefault, long readAt) {
  }

  private final Pool pool;
  private final CampaignQuestionnaire campaignChoice;
  private final LongSupplier clock;
  private final Map<String, Questionnaire> current = new ConcurrentHashMap<>();
  private final Map<String, Questionnaire> versions = new ConcurrentHashMap<>();
  private final Map<Long, CampaignKey> campaigns = new ConcurrentHashMap<>();
  private volatile Future<Void> seeded;

  public QuestionnaireStore(Pool pool, CampaignQuestionnaire campaignChoice) {
    this(pool, campaignChoice, System::currentTimeMillis);
  }

  QuestionnaireStore(Pool pool, CampaignQuestionnaire campaignChoice, LongSupplier clockMillis) {
    this.pool = pool;
    this.campaignChoice = campaignChoice;
    this.clock = clockMillis;
  }

  /** The current (highest) version of {@code key}; fails with {@link NoSuchElementException} when unknown. */
  public Future<Questionnaire> current(String key) {
    Questionnaire q = current.get(key);
    if (q != null) {
      return Future.succeededFuture(q);
    }
    return seed().compose(v -> pool.preparedQuery("select version, definition from questionnaire where key = $1"
            + " order by version desc limit 1").execute(Tuple.of(key)))
        .map(rs -> {
          if (rs.size() == 0) {
            throw new NoSuchElementException("no questionnaire " + key);
          }
          Questionnaire found = fromRow(rs.iterator().next());
          current.put(key, found);
          versions.putIfAbsent(key + "@" + found.version(), found);
          return found;
        });
  }

  /** One version of {@code key}; fails with {@link NoSuchElementException} when there is no such version. */
  public Future<Questionnaire> version(String key, int version) {
    Questionnaire q = versions.get(key + "@" + version);
    if (q != null) {
      return Future.succeededFuture(q);
    }
    return seed().compose(v -> pool.preparedQuery("select version, definition from questionnaire where key = $1"
            + " and version = $2").execute(Tuple.of(key, version)))
        .map(rs -> {
          if (rs.size() == 0) {
            throw new NoSuchElementException("no questionnaire " + key + " version " + version);
          }
          Questionnaire found = fromRow(rs.iterator().next());
          versions.put(key + "@" + version, found);
          return found;
        });
  }

  /**
   * The current questionnaire of a campaign: the one it names, or the built-in default of its kind when it names
   * none (csi and other → csi-default, ssi → ssi-default) or names one that does not exist (logged). Fails with
   * {@link NoSuchElementException} when there is no such campaign.
   */
  public Future<Questionnaire> forCampaign(long campaignId) {
    CampaignKey ck = campaigns.get(campaignId);
    Future<CampaignKey> keyOf;
    if (ck != null && clock.getAsLong() - ck.readAt() < CAMPAIGN_TTL_MS) {
      keyOf = Future.succeededFuture(ck);
    } else {
      keyOf = campaignChoice.of(campaignId).map(choice -> {
            if (choice.isEmpty()) {
              throw new NoSuchElementException("no campaign " + campaignId);
            }
            String named = choice.get().named();
            String kindDefault = Questionnaire.Kind.defaultKeyFor(choice.get().kind());
            CampaignKey read = new CampaignKey(named == null || named.isBlank() ? kindDefault : named.trim(),
                kindDefault, clock.getAsLong());
            campaigns.put(campaignId, read);
            return read;
          });
    }
    return keyOf.compose(k -> current(k.key()).recover(e -> {
      if (e instanceof NoSuchElementException && !k.key().equals(k.kindDefault())) {
        log.atWarn().setMessage("campaign names an unknown questionnaire; using the default of its kind")
            .addKeyValue("campaign", campaignId).addKeyValue("questionnaire", k.key())
            .addKeyValue("default", k.kindDefault()).log();
        return current(k.kindDefault());
      }
      return Future.failedFuture(e);
    }));
  }

  /** Every questionnaire at its current version, by key. */
  public Future<List<Summary>> list() {
    return seed().compose(v -> pool.query("select distinct on (q.key) q.key, q.kind, q.title_zh, q.title_en,"
            + " q.version, q.created_at, q.created_by, u.username,"
            + " (select count(*) from questionnaire q2 where q2.key = q.key) as versions"
            + " from questionnaire q left join app_user u on u.id = q.created_by"
            + " order by q.key, q.version desc").execute())
        .map(rs -> {
          List<Summary> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(new Summary(r.getString("key"), kind(r.getString("kind")), r.getString("title_zh"),
                r.getString("title_en"), r.getInteger("version"), r.getLong("versions").intValue(),
                instant(r.getOffsetDateTime("created_at")), r.getLong("created_by"), r.getString("username"),
                Questionnaire.BUILT_IN.contains(r.getString("key"))));
          }
          return out;
        });
  }

  /** The versions of {@code key}, newest first (empty when unknown). */
  public Future<List<VersionInfo>> history(String key) {
    return seed().compose(v -> pool.preparedQuery("select q.version, q.created_at, q.created_by, u.username"
            + " from questionnaire q left join app_user u on u.id = q.created_by where q.key = $1"
            + " order by q.version desc").execute(Tuple.of(key)))
        .map(rs -> {
          List<VersionInfo> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(new VersionInfo(r.getInteger("version"), instant(r.getOffsetDateTime("created_at")),
                r.getLong("created_by"), r.getString("username")));
          }
          return out;
        });
  }

  /**
   * Checks {@code definition} with {@link Questionnaire#parse} and stores it as the next version of {@code key}
   * (1 for a new key). The definition's own key must be {@code key} or absent; its version is ignored. Fails with
   * {@link QuestionnaireException} (naming the place) when the definition is not usable; nothing is stored then.
   */
  public Future<Questionnaire> save(String key, JsonObject definition, long userId) {
    Questionnaire parsed;
    try {
      parsed = check(key, definition);
    } catch (QuestionnaireException e) {
      return Future.failedFuture(e);
    }
    return seed().compose(v -> pool.withTransaction(tx ->
            // Saves of one key are serialised, so two admins saving at once get n+1 and n+2.
            tx.preparedQuery("select pg_advisory_xact_lock(hashtext('questionnaire:' || $1))").execute(Tuple.of(key))
                .compose(x -> tx.preparedQuery("select coalesce(max(version), 0) + 1 from questionnaire where key = $1")
                    .execute(Tuple.of(key)))
                .compose(rs -> {
                  Questionnaire q = parsed.withVersion(rs.iterator().next().getInteger(0));
                  return insert(tx, q, userId).map(q);
                })))
        .onSuccess(q -> {
          current.put(key, q);
          versions.put(key + "@" + q.version(), q);
        })
        .onFailure(e -> current.remove(key));
  }

  /**
   * What {@link #save} checks before it writes, without writing (the editor's preview): the key, the definition's
   * own key matching it, and the definition itself. Throws the first problem, naming its place.
   */
  public static Questionnaire check(String key, JsonObject definition) {
    if (!Questionnaire.KEY.matcher(key).matches()) {
      throw new QuestionnaireException("key", "must be 1-64 letters, digits, '.', '_' or '-', starting with a"
          + " letter or digit", "须为 1-64 个字母、数字、'.'、'_' 或 '-'，以字母或数字开头");
    }
    if (definition == null) {
      throw new QuestionnaireException("", "a JSON object is required", "必须是 JSON 对象");
    }
    Object given = definition.getValue("key");
    if (given != null && !key.equals(given)) {
      throw new QuestionnaireException("key", "the definition's key \"" + given + "\" is not \"" + key + "\"",
          "定义中的 key \"" + given + "\" 与 \"" + key + "\" 不一致");
    }
    JsonObject copy = definition.copy().put("key", key);
    copy.remove("version");
    return Questionnaire.parse(copy);
  }

  /** Forgets what is cached (for tests, or after changes made outside this store). */
  public void invalidate() {
    current.clear();
    campaigns.clear();
  }

  /** Stores the built-ins as version 1 where they are missing; once per store. */
  private Future<Void> seed() {
    Future<Void> f = seeded;
    if (f == null) {
      List<Questionnaire> builtIns = Questionnaire.BUILT_IN.stream().map(Questionnaire::builtIn).toList();
      f = pool.withTransaction(tx -> {
        Future<Void> chain = Future.succeededFuture();
        for (Questionnaire q : builtIns) {
          chain = chain.compose(v -> tx.preparedQuery("insert into questionnaire (key, version, kind, title_zh,"
                  + " title_en, definition, created_by) select $1, 1, $2, $3, $4, $5, null"
                  + " where not exists (select 1 from questionnaire where key = $1) on conflict do nothing")
              .execute(Tuple.of(q.key(), q.kind().id(), q.title().zh(), q.title().en(), q.withVersion(1).toJson()))
              .mapEmpty());
        }
        return chain;
      });
      seeded = f;
      // A failed seed (database down) is tried again on the next read.
      f.onFailure(e -> seeded = null);
    }
    return f;
  }

  private static Future<Void> insert(SqlClient tx, Questionnaire q, long userId) {
    return tx.preparedQuery("insert into questionnaire (key, version, kind, title_zh, title_en, definition,"
            + " created_by) values ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(q.key(), q.version(), q.kind().id(), q.title().zh(), q.title().en(), q.toJson(),
            userId > 0 ? userId : null))
        .mapEmpty();
  }

  private static Questionnaire fromRow(Row r) {
    JsonObject def = (JsonObject) r.getValue("definition");
    return Questionnaire.parse(def).withVersion(r.getInteger("version"));
  }

  private static Questionnaire.Kind kind(String s) {
    return Questionnaire.Kind.valueOf(s.toUpperCase(java.util.Locale.ROOT));
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
