package io.huifang.campaign.list;

import io.huifang.campaign.FollowUps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Import batches and the one transaction that loads a validated file: all the SQL of the import module. */
public final class ImportStore {
  /** Rows per multi-row insert: large enough to amortise the round trip, small enough for modest bind arrays. */
  static final int CHUNK = 5000;

  private final Pool pool;

  public ImportStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Long> createBatch(long campaignId, long dealerId, String fileName, Long userId, boolean dryRun) {
    return pool.preparedQuery("insert into import_batch (campaign_id, dealer_id, file_name, file_sha256, status,"
            + " dry_run, created_by) values ($1, $2, $3, '', 'running', $4, $5) returning id")
        .execute(Tuple.of(campaignId, dealerId, fileName, dryRun, userId))
        .map(rs -> rs.iterator().next().getLong(0));
  }

  /** The batch that already loaded this very file for this campaign and dealer, if any. */
  public Future<Optional<Long>> loadedBefore(long campaignId, long dealerId, String sha256) {
    return pool.preparedQuery("select id from import_batch where campaign_id = $1 and dealer_id = $2"
            + " and file_sha256 = $3 and status = 'loaded'")
        .execute(Tuple.of(campaignId, dealerId, sha256))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next().getLong(0)));
  }

  /** Closes a batch that wrote nothing: failed, validated only (dry run) or a duplicate of an earlier file. */
  public Future<Void> finishWithoutLoading(long batchId, String status, String sha256, JsonObject report,
                                           JsonObject error, Long sameAs) {
    JsonObject r = report == null ? new JsonObject() : report;
    return pool.preparedQuery("update import_batch set status = $2, file_sha256 = $3, report = $4, error = $5,"
            + " same_as_batch_id = $6, rows_read = $7, accepted = $8, flagged = $9, rejected = $10,"
            + " unusable_phones = $11, finished_at = now() where id = $1")
        .execute(Tuple.tuple(Arrays.asList(batchId, status, sha256, report, error == null ? null : error.encode(),
            sameAs, r.getInteger("rowsRead", 0), r.getInteger("accepted", 0), r.getInteger("flaggedTotal", 0),
            r.getInteger("rejectedRows", 0), r.getInteger("unusablePhones", 0))))
        .mapEmpty();
  }

  /** What one load wrote. */
  public record Loaded(int customers, int tasks, int alreadyPresent, int dnc) {
  }

  /**
   * Writes the validated rows, their call tasks and the DNC entries from "00拒绝回访" in one transaction, then marks
   * the batch loaded: a file is loaded whole or not at all. Rows already loaded from an earlier file (same
   * row key) are left as they are. {@code written} hears the number of rows written so far.
   */
  public Future<Loaded> load(long batchId, long campaignId, long dealerId, int deadlineHours, LoadRows rows,
                             String sha256, JsonObject report, java.util.function.IntConsumer written) {
    return pool.withTransaction(conn -> insertChunks(conn, batchId, campaignId, dealerId, rows, 0, 0, written)
        .compose(customers -> conn.preparedQuery("insert into call_task (campaign_id, customer_id, phone, status,"
                + " deadline, next_try_at) select c.campaign_id, c.id, c.phone, 'open',"
                + " c.event_at + make_interval(hours => $2), c.event_at from customer c"
                + " where c.import_batch_id = $1 and c.special_kind is null and c.phone is not null"
                + " and c.event_at is not null")
            .execute(Tuple.of(batchId, deadlineHours))
            .compose(tasks -> conn.preparedQuery("insert into dnc (phone, reason, source)"
                    + " select distinct phone, 'refused_callback', $2 from customer"
                    + " where import_batch_id = $1 and special_kind = 'refused_callback' and phone is not null"
                    + " on conflict (phone) do nothing")
                .execute(Tuple.of(batchId, "import " + batchId))
                .map(dnc -> new Loaded(customers, tasks.rowCount(), rows.size() - customers, dnc.rowCount()))))
        .compose(loaded -> markLoaded(conn, batchId, sha256, report, loaded)));
  }

  private static Future<Loaded> markLoaded(SqlConnection conn, long batchId, String sha256, JsonObject report,
                                           Loaded loaded) {
    report.put("customersWritten", loaded.customers()).put("tasksCreated", loaded.tasks())
        .put("alreadyPresent", loaded.alreadyPresent()).put("dncAdded", loaded.dnc());
    return conn.preparedQuery("update import_batch set status = 'loaded', file_sha256 = $2, report = $3,"
            + " rows_read = $4, accepted = $5, flagged = $6, rejected = $7, unusable_phones = $8,"
            + " finished_at = now() where id = $1")
        .execute(Tuple.tuple(Arrays.asList(batchId, sha256, report, report.getInteger("rowsRead"),
            report.getInteger("accepted"), report.getInteger("flaggedTotal"), report.getInteger("rejectedRows"),
            report.getInteger("unusablePhones"))))
        .map(loaded);
  }

  private Future<Integer> insertChunks(SqlConnection conn, long batchId, long campaignId, long dealerId, LoadRows r,
                                       int from, int insertedSoFar, java.util.function.IntConsumer written) {
    if (from >= r.size()) {
      return Future.succeededFuture(insertedSoFar);
    }
    int to = Math.min(r.size(), from + CHUNK);
    Tuple t = Tuple.of(campaignId, dealerId, batchId)
        .addArrayOfInteger(r.rowNo.subList(from, to).toArray(new Integer[0]))
        .addArrayOfString(strings(r.rowKey, from, to)).addArrayOfString(strings(r.name, from, to))
        .addArrayOfString(strings(r.specialKind, from, to)).addArrayOfString(strings(r.phoneRaw, from, to))
        .addArrayOfString(strings(r.phone, from, to)).addArrayOfString(strings(r.phoneExt, from, to))
        .addArrayOfString(strings(r.model, from, to))
        .addArrayOfString(strings(r.plate, from, to)).addArrayOfString(strings(r.vin, from, to))
        .addArrayOfLocalDate(r.eventDate.subList(from, to).toArray(new LocalDate[0]))
        .addArrayOfOffsetDateTime(r.eventAt.subList(from, to).toArray(new OffsetDateTime[0]))
        .addArrayOfString(strings(r.workOrder, from, to))
        .addArrayOfBoolean(r.workOrderClosed.subList(from, to).toArray(new Boolean[0]));
    return conn.preparedQuery("insert into customer (campaign_id, dealer_id, import_batch_id, row_no, row_key, name,"
            + " special_kind, phone_raw, phone, phone_ext, vehicle_model, plate, vin, event_date, event_at,"
            + " work_order_no, work_order_closed) select $1, $2, $3, u.* from unnest($4::int[], $5::text[],"
            + " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],"
            + " $14::date[], $15::timestamptz[], $16::text[], $17::bool[]) as u"
            + " on conflict (campaign_id, dealer_id, row_key) do nothing")
        .execute(t)
        .compose(rs -> {
          written.accept(to);
          return insertChunks(conn, batchId, campaignId, dealerId, r, to, insertedSoFar + rs.rowCount(), written);
        });
  }

  private static String[] strings(List<String> l, int from, int to) {
    return l.subList(from, to).toArray(new String[0]);
  }

  private static final String BATCH_COLUMNS = "b.id, b.campaign_id, c.name as campaign_name, b.dealer_id,"
      + " d.code as dealer_code, d.name as dealer_name, b.file_name, b.status, b.dry_run, b.rows_read, b.accepted,"
      + " b.flagged, b.rejected, b.unusable_phones, b.same_as_batch_id, b.error, b.created_at, b.finished_at,"
      + " b.created_by, u.username as created_by_username, u.display_name as created_by_name,"
      + " jsonb_array_length(coalesce(b.report -> 'duplicatePhones', '[]')) as duplicate_phones";
  private static final String BATCH_FROM = " from import_batch b join dealer d on d.id = b.dealer_id"
      + " join campaign c on c.id = b.campaign_id left join app_user u on u.id = b.created_by";

  /** The dealer's code and name, to check a dealer column in its files against; empty when there is none. */
  public Future<Optional<ImportValidator.Dealer>> dealer(long dealerId) {
    return pool.preparedQuery("select code, name from dealer where id = $1").execute(Tuple.of(dealerId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(new ImportValidator.Dealer(
            rs.iterator().next().getString("code"), rs.iterator().next().getString("name"))));
  }

  public Future<Optional<JsonObject>> get(long id) {
    return pool.preparedQuery("select " + BATCH_COLUMNS + ", b.report" + BATCH_FROM + " where b.id = $1")
        .execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(toJson(rs.iterator().next(), true)));
  }

  /**
   * The newest imports first, {@code before} an id for the next page (null: from the newest); the standing batches
   * second callbacks hang on are no uploads and are left out.
   */
  public Future<JsonArray> list(Long campaignId, Long dealerId, Long before, int limit) {
    return pool.preparedQuery("select " + BATCH_COLUMNS + BATCH_FROM
            + " where ($1::bigint is null or b.campaign_id = $1) and ($2::bigint is null or b.dealer_id = $2)"
            + " and ($4::bigint is null or b.id < $4) and b.file_sha256 <> $5 order by b.id desc limit $3")
        .execute(Tuple.of(campaignId, dealerId, limit, before, FollowUps.STANDING_BATCH_HASH))
        .map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(toJson(r, false)));
          return out;
        });
  }

  private static JsonObject toJson(Row r, boolean withReport) {
    JsonObject o = new JsonObject().put("id", r.getLong("id")).put("campaignId", r.getLong("campaign_id"))
        .put("campaignName", r.getString("campaign_name"))
        .put("createdBy", r.getLong("created_by") == null ? null : new JsonObject().put("id", r.getLong("created_by"))
            .put("username", r.getString("created_by_username")).put("displayName", r.getString("created_by_name")))
        .put("unusablePhones", r.getInteger("unusable_phones"))
        .put("duplicatePhones", r.getInteger("duplicate_phones"))
        .put("dealerId", r.getLong("dealer_id")).put("dealerCode", r.getString("dealer_code"))
        .put("dealerName", r.getString("dealer_name")).put("fileName", r.getString("file_name"))
        .put("status", r.getString("status")).put("dryRun", r.getBoolean("dry_run"))
        .put("rowsRead", r.getInteger("rows_read")).put("accepted", r.getInteger("accepted"))
        .put("flagged", r.getInteger("flagged")).put("rejected", r.getInteger("rejected"))
        .put("sameAsImportId", r.getLong("same_as_batch_id"))
        .put("error", r.getString("error") == null ? null : new JsonObject(r.getString("error")))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("finishedAt", r.getOffsetDateTime("finished_at") == null ? null
            : r.getOffsetDateTime("finished_at").toInstant().toString());
    if (withReport) {
      o.put("report", r.getValue("report"));
    }
    return o;
  }
}
