package io.huifang.recording;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The recordings catalog in PostgreSQL (table {@code recording}, V20). A row reads as its sidecar JSON
 * ({@link #toSidecar}) plus the operational fields ({@code rawDir}, {@code tries}, {@code archiveDir},
 * {@code purgedAt}).
 */
public final class RecordingStore {
  static final String COLUMNS = "id, attempt_id, campaign_id, agent_id, customer_id, status, failure, started_at,"
      + " bridged_at, ended_at, duration_ms, legs, files, peaks, muted_spans, archive_dir, delete_after, legal_hold,"
      + " processed_at, raw_dir, tries, purged_at, activity, archived_by";

  private final Pool pool;

  public RecordingStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * A recording to process, unless the attempt already has one. True when it was new. {@code node} takes it: its
   * name is the row's {@code archived_by} from now on (the node archiving it, then the one that archived it).
   */
  public Future<Boolean> insertPending(String id, String attemptId, Long campaignId, Long agentId, Long customerId,
                                       Instant startedAt, Instant bridgedAt, Instant endedAt, JsonArray mutedSpans,
                                       String rawDir, LocalDate deleteAfter, String node) {
    return pool.preparedQuery("insert into recording (id, attempt_id, campaign_id, agent_id, customer_id, status,"
            + " started_at, bridged_at, ended_at, muted_spans, raw_dir, delete_after, archived_by)"
            + " values ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9::jsonb, $10, $11, $12)"
            + " on conflict (id) do nothing")
        .execute(Tuple.from(new Object[] {id, attemptId, campaignId, agentId, customerId, odt(startedAt),
            odt(bridgedAt), odt(endedAt), mutedSpans, rawDir, deleteAfter, node == null || node.isEmpty() ? null
            : node}))
        .map(rs -> rs.rowCount() == 1);
  }

  public Future<Optional<JsonObject>> get(String id) {
    return pool.preparedQuery("select " + COLUMNS + " from recording where id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(toJson(rs.iterator().next())));
  }

  /** The processed recording, from its sidecar, archived by node {@code archivedBy}. */
  public Future<Void> markReady(JsonObject sidecar, String archiveDir, String archivedBy) {
    return pool.preparedQuery("update recording set status = 'ready', failure = null, duration_ms = $2,"
            + " legs = $3::jsonb, files = $4::jsonb, peaks = $5, muted_spans = $6::jsonb, archive_dir = $7,"
            + " delete_after = $8, legal_hold = $9, processed_at = $10, started_at = $11, bridged_at = $12,"
            + " ended_at = $13, activity = $14::jsonb, archived_by = $15, tries = tries + 1, updated_at = now()"
            + " where id = $1")
        .execute(Tuple.from(new Object[] {sidecar.getString("recordingId"), sidecar.getLong("durationMs"),
            sidecar.getJsonObject("legs"), sidecar.getJsonArray("files"), sidecar.getString("peaks"),
            sidecar.getJsonArray("mutedSpans", new JsonArray()), archiveDir, deleteAfter(sidecar),
            legalHold(sidecar), odt(sidecar.getString("processedAt")), odt(sidecar.getString("startedAt")),
            odt(sidecar.getString("bridgedAt")), odt(sidecar.getString("endedAt")),
            sidecar.getJsonObject("activity"), archivedBy == null || archivedBy.isEmpty() ? null : archivedBy}))
        .mapEmpty();
  }

  public Future<Void> markFailed(String id, String failure) {
    return pool.preparedQuery("update recording set status = 'failed', failure = $2, tries = tries + 1,"
            + " updated_at = now() where id = $1")
        .execute(Tuple.of(id, failure)).mapEmpty();
  }

  /** Failed recordings the retry job may redo, oldest first. */
  public Future<List<String>> failedForRetry(int maxTries, int limit) {
    return pool.preparedQuery("select id from recording where status = 'failed' and tries < $1"
            + " order by updated_at limit $2")
        .execute(Tuple.of(maxTries, limit)).map(RecordingStore::ids);
  }

  /** Recordings still pending (a restart interrupted them). */
  public Future<List<String>> pending(int limit) {
    return pending(limit, null);
  }

  /**
   * Recordings still pending that {@code node} took (or no node: taken before the catalog named nodes); every one
   * when {@code node} is null. Another node's are its own to finish: two nodes processing one recording into one
   * shared archive would write the same files at once.
   */
  public Future<List<String>> pending(int limit, String node) {
    return pool.preparedQuery("select id from recording where status = 'pending'"
            + " and ($2::text is null or archived_by = $2 or archived_by is null) order by created_at limit $1")
        .execute(Tuple.of(limit, node)).map(RecordingStore::ids);
  }

  /**
   * Takes, for {@code node}, the recordings another node took and left pending longer than {@code minutes} (that
   * node died or lost its archive): they become {@code node}'s to process.
   */
  public Future<List<String>> takeStalePending(String node, int minutes, int limit) {
    return pool.preparedQuery("update recording set archived_by = $1, updated_at = now() where id in (select id"
            + " from recording where status = 'pending' and archived_by is distinct from $1"
            + " and updated_at < now() - make_interval(mins => $2) order by created_at limit $3 for update"
            + " skip locked) returning id")
        .execute(Tuple.of(node, minutes, limit)).map(RecordingStore::ids);
  }

  public Future<List<JsonObject>> dueForPurge(LocalDate today, int limit) {
    return dueForPurge(today, limit, null, true);
  }

  /**
   * Due for purge, only those archived by {@code node} when it is not null (an archive each node keeps for itself),
   * and those of no known node (archived before the catalog named nodes) when {@code unknownToo}.
   */
  public Future<List<JsonObject>> dueForPurge(LocalDate today, int limit, String node, boolean unknownToo) {
    return pool.preparedQuery("select " + COLUMNS + " from recording where status in ('ready', 'failed')"
            + " and not legal_hold and delete_after < $1"
            + " and ($3::text is null or archived_by = $3 or ($4 and archived_by is null))"
            + " order by delete_after limit $2")
        .execute(Tuple.of(today, limit, node, unknownToo)).map(RecordingStore::rows);
  }

  public Future<Void> markPurged(String id) {
    return pool.preparedQuery("update recording set status = 'purged', purged_at = now(), updated_at = now()"
            + " where id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Boolean> setLegalHold(String id, boolean hold) {
    return pool.preparedQuery("update recording set legal_hold = $2, updated_at = now() where id = $1"
            + " and status <> 'purged'").execute(Tuple.of(id, hold)).map(rs -> rs.rowCount() == 1);
  }

  /**
   * Rebuild: the sidecar's row replaces whatever the catalog had for that id. A failed recording's sidecar has no
   * files (empty list), duration, legs or peaks; its row comes back failed with the reason and no tries, so the
   * retry job redoes it from the raw directory.
   */
  public Future<Void> upsertFromSidecar(JsonObject s, String archiveDir) {
    return upsertFromSidecar(s, archiveDir, null);
  }

  /**
   * The same, with where the PBX's files are ({@code rawDir}, from a failed recording's {@code sourcesDir}; null
   * keeps what the catalog had, or the service's raw directory).
   */
  public Future<Void> upsertFromSidecar(JsonObject s, String archiveDir, String rawDir) {
    return pool.preparedQuery("insert into recording (id, attempt_id, campaign_id, agent_id, customer_id, status,"
            + " failure, started_at, bridged_at, ended_at, duration_ms, legs, files, peaks, muted_spans, archive_dir,"
            + " delete_after, legal_hold, processed_at, raw_dir, activity) values ($1, $2, $3, $4, $5, $6, $7, $8,"
            + " $9, $10, $11, $12::jsonb, coalesce($13::jsonb, '[]'::jsonb), $14, $15::jsonb, $16, $17, $18, $19, $20,"
            + " $21::jsonb)"
            + " on conflict (id) do update set attempt_id = excluded.attempt_id, campaign_id = excluded.campaign_id,"
            + " agent_id = excluded.agent_id, customer_id = excluded.customer_id, status = excluded.status,"
            + " failure = excluded.failure, started_at = excluded.started_at, bridged_at = excluded.bridged_at,"
            + " ended_at = excluded.ended_at, duration_ms = excluded.duration_ms, legs = excluded.legs,"
            + " files = excluded.files, peaks = excluded.peaks, muted_spans = excluded.muted_spans,"
            + " archive_dir = excluded.archive_dir, delete_after = excluded.delete_after,"
            + " legal_hold = excluded.legal_hold, processed_at = excluded.processed_at, purged_at = null,"
            + " activity = excluded.activity,"
            + " raw_dir = coalesce(excluded.raw_dir, recording.raw_dir),"
            + " updated_at = now()")
        .execute(Tuple.from(new Object[] {s.getString("recordingId"), s.getString("attemptId"),
            s.getLong("campaignId"), s.getLong("agentId"), s.getLong("customerId"), s.getString("status"),
            s.getString("failure"), odt(s.getString("startedAt")), odt(s.getString("bridgedAt")),
            odt(s.getString("endedAt")), s.getLong("durationMs"), s.getJsonObject("legs"), s.getJsonArray("files"),
            s.getString("peaks"), s.getJsonArray("mutedSpans", new JsonArray()), archiveDir, deleteAfter(s),
            legalHold(s), odt(s.getString("processedAt")), rawDir, s.getJsonObject("activity")}))
        .mapEmpty();
  }

  /** The catalog of archived recordings as sidecar JSON, by id (what a rebuild must reproduce). */
  public Future<List<JsonObject>> catalog() {
    return pool.query("select " + COLUMNS + " from recording where status = 'ready' order by id").execute()
        .map(rs -> {
          List<JsonObject> out = new ArrayList<>();
          rs.forEach(r -> {
            JsonObject j = toJson(r);
            out.add(toSidecar(j).put("archiveDir", j.getString("archiveDir")));
          });
          return out;
        });
  }

  public Future<List<JsonObject>> list(Long agentId, int limit) {
    return pool.preparedQuery("select " + COLUMNS + " from recording where ($1::bigint is null or agent_id = $1)"
            + " order by created_at desc limit $2").execute(Tuple.of(agentId, limit)).map(RecordingStore::rows);
  }

  /** The archive the cluster's recordings are in, as the database knows it (table recording_archive, V72). */
  public record ArchiveRow(String archiveId, String createdBy, Instant createdAt) {
  }

  /**
   * The cluster's archive: the one the database names, or {@code candidate} (by {@code node}) when it names none
   * yet. Whichever node's candidate is taken first is the archive's id; every other node must find it in its
   * archive's marker.
   */
  public Future<ArchiveRow> archiveOrClaim(String candidate, String node) {
    return pool.preparedQuery("insert into recording_archive (archive_id, created_by) values ($1, $2)"
            + " on conflict do nothing").execute(Tuple.of(candidate, node))
        .compose(v -> pool.query("select archive_id, created_by, created_at from recording_archive").execute())
        .map(rs -> {
          Row r = rs.iterator().next();
          return new ArchiveRow(r.getString("archive_id"), r.getString("created_by"),
              r.getOffsetDateTime("created_at").toInstant());
        });
  }

  /** A row in sidecar shape, without schemaVersion; extra operational keys are added by {@link #toJson}. */
  public static JsonObject toSidecar(JsonObject row) {
    JsonObject s = new JsonObject().put("schemaVersion", Sidecar.SCHEMA_VERSION);
    for (String k : List.of("recordingId", "attemptId", "campaignId", "agentId", "customerId", "startedAt",
        "bridgedAt", "endedAt", "durationMs", "legs", "mutedSpans", "files", "peaks", "activity", "status", "failure",
        "retention", "processedAt")) {
      if (row.containsKey(k) && !("activity".equals(k) && row.getValue(k) == null)) {
        s.put(k, row.getValue(k));
      }
    }
    return s;
  }

  static JsonObject toJson(Row r) {
    JsonObject retention = new JsonObject()
        .put("deleteAfter", r.getLocalDate("delete_after") == null ? null : r.getLocalDate("delete_after").toString())
        .put("legalHold", r.getBoolean("legal_hold"));
    return new JsonObject()
        .put("recordingId", r.getString("id")).put("attemptId", r.getString("attempt_id"))
        .put("campaignId", r.getLong("campaign_id")).put("agentId", r.getLong("agent_id"))
        .put("customerId", r.getLong("customer_id")).put("status", r.getString("status"))
        .put("failure", r.getString("failure"))
        .put("startedAt", str(r.getOffsetDateTime("started_at"))).put("bridgedAt", str(r.getOffsetDateTime("bridged_at")))
        .put("endedAt", str(r.getOffsetDateTime("ended_at"))).put("durationMs", r.getLong("duration_ms"))
        .put("legs", json(r.getValue("legs"))).put("files", json(r.getValue("files")))
        .put("peaks", r.getString("peaks")).put("mutedSpans", json(r.getValue("muted_spans")))
        .put("activity", json(r.getValue("activity")))
        .put("retention", retention).put("processedAt", str(r.getOffsetDateTime("processed_at")))
        .put("archiveDir", r.getString("archive_dir")).put("rawDir", r.getString("raw_dir"))
        .put("tries", r.getInteger("tries")).put("purgedAt", str(r.getOffsetDateTime("purged_at")))
        .put("archivedBy", r.getString("archived_by"));
  }

  private static Object json(Object v) {
    if (v instanceof String s) {
      return s.startsWith("[") ? new JsonArray(s) : new JsonObject(s);
    }
    return v;
  }

  private static List<String> ids(RowSet<Row> rs) {
    List<String> out = new ArrayList<>();
    rs.forEach(r -> out.add(r.getString("id")));
    return out;
  }

  private static List<JsonObject> rows(RowSet<Row> rs) {
    List<JsonObject> out = new ArrayList<>();
    rs.forEach(r -> out.add(toJson(r)));
    return out;
  }

  private static LocalDate deleteAfter(JsonObject s) {
    JsonObject r = s.getJsonObject("retention");
    return r == null || r.getString("deleteAfter") == null ? null : LocalDate.parse(r.getString("deleteAfter"));
  }

  private static boolean legalHold(JsonObject s) {
    JsonObject r = s.getJsonObject("retention");
    return r != null && r.getBoolean("legalHold", false);
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static OffsetDateTime odt(String s) {
    return s == null ? null : Instant.parse(s).atOffset(ZoneOffset.UTC);
  }

  static String str(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
