package io.huifang.campaign.list;

import io.huifang.core.Invalid;
import io.huifang.campaign.Campaign;
import io.huifang.dealer.DealerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import from start to end: read and validate the whole file on a worker (nothing written yet), then either
 * stop (file-level error, dry run, the same file loaded before) or load it in one transaction. Progress is kept in
 * memory for the page to poll while the batch runs.
 */
public final class ImportService {
  private static final Logger log = LoggerFactory.getLogger(ImportService.class);

  private final Vertx vertx;
  private final ImportStore store;
  private final DealerStore dealers;
  private final Map<Long, Progress> running = new ConcurrentHashMap<>();

  /** Where a running import is: phase "reading" or "writing", with rows done so far (and total when writing). */
  public static final class Progress {
    public Progress() {
    }

    volatile String phase = "reading";
    volatile int done;
    volatile int total;

    public JsonObject toJson() {
      return new JsonObject().put("phase", phase).put("done", done).put("total", total);
    }
  }

  public ImportService(Vertx vertx, ImportStore store, DealerStore dealers) {
    this.vertx = vertx;
    this.store = store;
    this.dealers = dealers;
  }

  public Progress progress(long batchId) {
    return running.get(batchId);
  }

  /**
   * Starts importing {@code file} (which this service now owns and deletes when done) and answers with the batch id
   * at once. {@code mapping} may be null: the dealer's remembered mapping, then the usual headers, are used.
   */
  public Future<Long> start(Campaign campaign, long dealerId, Path file, String fileName, JsonObject mapping,
                            boolean dryRun, Long userId) {
    return store.createBatch(campaign.id(), dealerId, fileName, userId, dryRun).onSuccess(batchId -> {
      Progress p = new Progress();
      running.put(batchId, p);
      Future<JsonObject> mappingToUse = mapping != null ? Future.succeededFuture(mapping)
          : dealers.mapping(dealerId).map(m -> m.orElse(null));
      mappingToUse.compose(m -> store.dealer(dealerId).compose(d -> run(batchId, campaign, dealerId, d.orElse(null),
              file, m, dryRun, p)))
          .onComplete(ar -> {
            running.remove(batchId);
            vertx.fileSystem().delete(file.toString()).onFailure(e -> { /* already gone */ });
            if (ar.failed()) {
              log.atError().setMessage("import failed").addKeyValue("import", batchId)
                  .addKeyValue("error", ar.cause().toString()).log();
              JsonObject err = new JsonObject().put("field", "database").put("message", String.valueOf(ar.cause()
                  .getMessage())).put("messageZh", "写入数据库失败，未导入任何数据：" + ar.cause().getMessage());
              store.finishWithoutLoading(batchId, "failed", "", null, err, null);
            }
          });
    });
  }

  /** The result of reading and checking a file on a worker. */
  public record Checked(String sha256, JsonObject report, LoadRows rows, JsonObject mappingUsed, Invalid error) {
  }

  private Future<Void> run(long batchId, Campaign campaign, long dealerId, ImportValidator.Dealer dealer, Path file,
                           JsonObject mapping, boolean dryRun, Progress p) {
    long t0 = System.nanoTime();
    return vertx.executeBlocking(() -> check(campaign, dealer, file, mapping, p), false).compose(c -> {
      log.atInfo().setMessage("import checked").addKeyValue("import", batchId)
          .addKeyValue("ms", (System.nanoTime() - t0) / 1_000_000)
          .addKeyValue("rows", c.report() == null ? 0 : c.report().getInteger("rowsRead")).log();
      if (c.error() != null) {
        JsonObject err = new JsonObject().put("field", c.error().field()).put("message", c.error().english())
            .put("messageZh", c.error().chinese());
        return store.finishWithoutLoading(batchId, "failed", c.sha256(), null, err, null);
      }
      return store.loadedBefore(campaign.id(), dealerId, c.sha256()).compose(earlier -> {
        if (earlier.isPresent()) {
          c.report().put("sameAsImportId", earlier.get());
          return store.finishWithoutLoading(batchId, "duplicate", c.sha256(), c.report(), null, earlier.get());
        }
        if (dryRun) {
          return store.finishWithoutLoading(batchId, "validated", c.sha256(), c.report(), null, null);
        }
        p.phase = "writing";
        p.total = c.rows().size();
        p.done = 0;
        return store.load(batchId, campaign.id(), dealerId, campaign.deadlineHours(), c.rows(), c.sha256(),
                c.report(), n -> p.done = n)
            .compose(loaded -> dealers.saveMapping(dealerId, c.mappingUsed()))
            .onSuccess(v -> log.atInfo().setMessage("import loaded").addKeyValue("import", batchId)
                .addKeyValue("ms", (System.nanoTime() - t0) / 1_000_000).log());
      });
    });
  }

  /**
   * The file's header and first rows, for the page to show and map before importing: the mapping that would be
   * used (the one given, else the dealer's remembered one, plus the usual headers) and the fields still missing.
   * Reads on a worker; {@code file} stays the caller's.
   */
  public Future<JsonObject> preview(Campaign campaign, long dealerId, Path file, JsonObject mapping) {
    Future<JsonObject> remembered = dealers.mapping(dealerId).map(m -> m.orElse(null));
    return remembered.compose(saved -> vertx.executeBlocking(() -> HeaderPreview.of(campaign, file,
        mapping != null ? mapping : saved).put("savedMapping", saved).put("mappingGiven", mapping != null), false));
  }

  /** Blocking: hashes, reads and validates the whole file. File-level problems come back as {@code error}. */
  public static Checked check(Campaign campaign, Path file, JsonObject mapping, Progress p) throws IOException {
    return check(campaign, null, file, mapping, p);
  }

  /** As above, with the dealer chosen for the import: a dealer column in the file is checked against it. */
  public static Checked check(Campaign campaign, ImportValidator.Dealer dealer, Path file, JsonObject mapping,
                              Progress p) throws IOException {
    String sha = sha256(file);
    try {
      ImportValidator v = new ImportValidator(campaign, mapping, dealer, n -> p.done = n);
      ListReader.FileInfo info = ListReader.read(file, v::accept);
      JsonObject report = v.finish(info);
      return new Checked(sha, report, v.rows(), v.mappingUsed(), null);
    } catch (Invalid e) {
      return new Checked(sha, null, null, null, e);
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
