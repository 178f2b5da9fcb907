package io.huifang.recording;

import io.huifang.db.WriteJournal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a recording once its call is over, off the event loop on a worker pool of bounded size: the
 * catalog row (pending), then ffprobe, the stereo original, the Opus copy, the waveform peaks and the sidecar,
 * then the catalog row ready and {@link RecordingEvents#READY} on the event bus. A failure keeps the PBX's files
 * where they are and marks the recording failed with the reason; {@link #retryFailed} redoes it. Knows nothing of
 * calls: {@link RecordingCapture} hands it the recordings to keep.
 */
final class RecordingPipeline {
  private static final Logger log = LoggerFactory.getLogger(RecordingPipeline.class);

  private final Vertx vertx;
  private final RecordingStore store;
  private final Path rawDir;
  private volatile Map<String, Path> rawDirs = Map.of();
  private final Archive archive;
  private volatile String node = "";
  private final Path toolsCache;
  private final Clock clock;
  private final WorkerExecutor workers;
  private final int concurrency;
  private volatile long settleMillis = 5000;
  private volatile boolean keepSources;
  private volatile Transcoder transcoder;
  private final Object transcoderLock = new Object();
  private final Map<String, Future<JsonObject>> inProgress = new ConcurrentHashMap<>();

  RecordingPipeline(Vertx vertx, RecordingStore store, Path rawDir, Archive archive, Path toolsCache,
                    int concurrency, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.rawDir = rawDir.toAbsolutePath().normalize();
    this.archive = archive;
    this.toolsCache = toolsCache;
    this.clock = clock;
    this.concurrency = Math.max(1, concurrency);
    // Bounded: at most `concurrency` ffmpeg runs at once; the rest wait in the executor's queue.
    this.workers = vertx.createSharedWorkerExecutor("huifang-recordings", this.concurrency, 10, TimeUnit.MINUTES);
  }

  RecordingStore store() {
    return store;
  }

  Archive archive() {
    return archive;
  }

  Path archiveDir() {
    return archive.root();
  }

  /** Where Huifang reads the PBXes' files when no PBX has a directory of its own. */
  Path rawDir() {
    return rawDir;
  }

  /**
   * Where Huifang reads the files of {@code pbx}'s recordings (recordings.raw-dirs): each Asterisk writes its own
   * spool; a PBX without an entry (or an unknown one) is read from {@link #rawDir()}.
   */
  Path rawDir(String pbx) {
    return pbx == null ? rawDir : rawDirs.getOrDefault(pbx, rawDir);
  }

  void setRawDirs(Map<String, Path> dirs) {
    Map<String, Path> m = new java.util.HashMap<>();
    dirs.forEach((k, v) -> m.put(k, v.toAbsolutePath().normalize()));
    this.rawDirs = Map.copyOf(m);
  }

  /** This node's name, written on each recording it archives (who to name when another node cannot see it). */
  void setNode(String node) {
    this.node = node;
  }

  String node() {
    return node;
  }

  int concurrency() {
    return concurrency;
  }

  void setSettleMillis(long ms) {
    this.settleMillis = ms;
  }

  void setKeepSources(boolean keep) {
    this.keepSources = keep;
  }

  /** Stops the worker pool. */
  void close() {
    workers.close();
  }

  /**
   * A recording to keep, as pending in the catalog; true when it is new (an attempt has one recording, named by
   * the attempt id). Times are kept to the millisecond, as in the sidecar; it is deleted {@code retentionDays}
   * after the day (UTC) it started.
   */
  Future<Boolean> register(String id, Long campaignId, Long agentId, Long customerId, Instant started,
                           Instant bridged, Instant ended, JsonArray mutedSpans, Path raw, int retentionDays) {
    Instant s = started.truncatedTo(ChronoUnit.MILLIS);
    return store.insertPending(id, id, campaignId, agentId, customerId, s, bridged == null ? null
            : bridged.truncatedTo(ChronoUnit.MILLIS), ended == null ? null : ended.truncatedTo(ChronoUnit.MILLIS),
        mutedSpans, raw.toAbsolutePath().toString(), s.atZone(ZoneOffset.UTC).toLocalDate()
            .plusDays(retentionDays), node);
  }

  /**
   * Deletes the PBX's files of a call that is not kept. They may still be being written (the PBX writes after the
   * hangup), and there may be none at all (an answering machine never reaches MixMonitor): so no worker waits for
   * them; a timer deletes whatever is there after the settle time.
   */
  Future<Void> discard(String id, String pbx, String why) {
    Path raw = rawDir(pbx);
    vertx.setTimer(Math.max(1, settleMillis), t -> {
      for (Path p : Transcoder.Sources.of(raw, id).all()) {
        vertx.fileSystem().delete(p.toString()).onSuccess(v -> log.atInfo().setMessage("recording discarded")
            .addKeyValue("attempt", id).addKeyValue("file", p.getFileName()).addKeyValue("why", why).log());
      }
    });
    return Future.succeededFuture();
  }

  /** Processes (or reprocesses) one recording; completes with its catalog row, ready or failed. */
  Future<JsonObject> process(String id) {
    Promise<JsonObject> p = Promise.promise();
    Future<JsonObject> existing = inProgress.putIfAbsent(id, p.future());
    if (existing != null) {
      return existing;
    }
    store.get(id).compose(opt -> {
      if (opt.isEmpty()) {
        return Future.failedFuture(new IllegalArgumentException("no recording " + id));
      }
      JsonObject row = opt.get();
      if ("ready".equals(row.getString("status")) || "purged".equals(row.getString("status"))) {
        return Future.succeededFuture(row);
      }
      // An archive already complete (its files and its ready sidecar: the catalog's update was lost, e.g. while
      // the database was away) is what counts: the catalog follows it, nothing is processed or overwritten again.
      return workers.executeBlocking(() -> completeArchive(row).orElseGet(() -> {
            try {
              return processFiles(row);
            } catch (Exception e) {
              throw new ProcessingFailed(e);
            }
          }), false)
          .compose(done -> ready(done),
              failed -> {
                Throwable err = failed instanceof ProcessingFailed pf ? pf.getCause() : failed;
                String reason = err instanceof Transcoder.Failure ? err.getMessage()
                    : "internal: " + err;
                log.atWarn().setMessage("recording failed").addKeyValue("recording", id)
                    .addKeyValue("reason", reason).log();
                return store.markFailed(id, reason).compose(v -> writeFailedSidecar(row, reason))
                    .compose(v -> store.get(id).map(Optional::orElseThrow));
              });
    }).onComplete(ar -> {
      inProgress.remove(id);
      p.handle(ar);
    });
    return p.future();
  }

  /** A failure of the files' processing, told apart from the catalog's. */
  private static final class ProcessingFailed extends RuntimeException {
    ProcessingFailed(Throwable cause) {
      super(cause);
    }
  }

  /** The journal's name for a ready recording's catalog update. */
  static final String READY = "recording.ready";
  private volatile WriteJournal journal;

  /** Catalog updates that find the database away are kept there and done when it is back. */
  void keepWritesIn(WriteJournal j) {
    j.register(READY, done -> markReadyAndAnnounce(done).mapEmpty());
    this.journal = j;
  }

  /**
   * The archive is complete: the catalog row becomes ready and the recording is announced; while the database is
   * away that is kept in the journal and done when it is back, and the result is the sidecar itself.
   */
  private Future<JsonObject> ready(JsonObject done) {
    WriteJournal j = journal;
    if (j == null) {
      return markReadyAndAnnounce(done);
    }
    return j.write(READY, done).compose(v -> store.get(done.getString("recordingId")).map(Optional::orElseThrow)
        .otherwise(done));
  }

  private Future<JsonObject> markReadyAndAnnounce(JsonObject done) {
    return store.markReady(done, done.getString("archiveDir"), done.getString("archivedBy", node))
        .compose(v -> store.get(done.getString("recordingId")).map(Optional::orElseThrow))
        .onSuccess(this::announceReady);
  }

  /**
   * The recording's archive when it is complete: its sidecar says ready and every file it lists is there with the
   * size it gives. Worker threads only.
   */
  Optional<JsonObject> completeArchive(JsonObject row) {
    if (row.getString("startedAt") == null) {
      return Optional.empty();
    }
    String rel = Sidecar.relativeDir(Instant.parse(row.getString("startedAt")), row.getLong("campaignId"));
    try {
      Optional<JsonObject> found = archive.sidecar(rel, row.getString("recordingId"));
      if (found.isEmpty()) {
        return Optional.empty();
      }
      JsonObject s = found.get();
      JsonArray files = s.getJsonArray("files", new JsonArray());
      if (!"ready".equals(s.getString("status")) || files.isEmpty()) {
        return Optional.empty();
      }
      Path dir = archive.file(rel, "."); // the recording's directory: its files stay inside it
      for (int i = 0; i < files.size(); i++) {
        JsonObject f = files.getJsonObject(i);
        Path p = archive.file(rel, f.getString("path"));
        if (!p.startsWith(dir) || !Files.isRegularFile(p) || Files.size(p) != f.getLong("bytes", -1L)) {
          return Optional.empty();
        }
      }
      log.atInfo().setMessage("recording already archived; the catalog follows the archive")
          .addKeyValue("recording", row.getString("recordingId")).addKeyValue("dir", rel).log();
      return Optional.of(s.put("archiveDir", rel).put("archivedBy", node));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The sidecar of a failed recording, where the ready one would go: ids, times, paused spans, retention, status
   * {@code failed} and the reason; no files, peaks, duration or legs (there are none yet). A rebuild of the catalog
   * brings the recording back as failed, so the retry job finds it again (its PBX files are still in the raw
   * directory, named by attempt id). A later success replaces it. Not being able to write it does not hide the
   * failure: it is logged, the catalog row stays failed.
   */
  private Future<Void> writeFailedSidecar(JsonObject row, String reason) {
    return workers.executeBlocking(() -> {
      String rel = Sidecar.relativeDir(Instant.parse(row.getString("startedAt")), row.getLong("campaignId"));
      if (completeArchive(row).isPresent()) {
        // Never over a complete archive: its files and ready sidecar win (a rebuild must bring it back ready).
        log.atWarn().setMessage("failed recording's sidecar not written over a complete archive")
            .addKeyValue("recording", row.getString("recordingId")).log();
        return (Void) null;
      }
      archive.writeSidecar(rel, row.getString("recordingId"), failedSidecar(row, reason, sourcesDir(row),
          clock.instant()));
      return (Void) null;
    }, false).recover(e -> {
      log.atError().setMessage("failed recording's sidecar not written").addKeyValue("recording",
          row.getString("recordingId")).addKeyValue("error", String.valueOf(e.getMessage())).log();
      return Future.succeededFuture();
    });
  }

  /** Where the PBX's files of a recording are, relative to the archive root when inside it ("." = the root). */
  String sourcesDir(JsonObject row) {
    Path raw = Path.of(row.getString("rawDir") == null ? rawDir.toString() : row.getString("rawDir"))
        .toAbsolutePath().normalize();
    Path root = archive.root();
    if (raw.startsWith(root)) {
      String rel = root.relativize(raw).toString();
      return rel.isEmpty() ? "." : rel;
    }
    return raw.toString();
  }

  static JsonObject failedSidecar(JsonObject row, String reason, String sourcesDir, Instant now) {
    return new JsonObject()
        .put("schemaVersion", Sidecar.SCHEMA_VERSION)
        .put("recordingId", row.getString("recordingId")).put("attemptId", row.getString("attemptId"))
        .put("campaignId", row.getLong("campaignId")).put("agentId", row.getLong("agentId"))
        .put("customerId", row.getLong("customerId"))
        .put("startedAt", row.getString("startedAt")).put("bridgedAt", row.getString("bridgedAt"))
        .put("endedAt", row.getString("endedAt"))
        .put("mutedSpans", row.getJsonArray("mutedSpans", new JsonArray()))
        .put("status", "failed").put("failure", reason).put("sourcesDir", sourcesDir)
        .put("retention", row.getJsonObject("retention"))
        .put("processedAt", now.truncatedTo(ChronoUnit.MILLIS).toString());
  }

  /**
   * Tells the other modules that a recording can be played: published only once the catalog row says ready, so a
   * consumer that looks the recording up finds it playable.
   */
  private void announceReady(JsonObject row) {
    vertx.eventBus().publish(RecordingEvents.READY, RecordingEvents.ready(row));
  }

  /** Every failed recording that has tries left, one after another through the worker pool. */
  Future<Integer> retryFailed() {
    return store.failedForRetry(RecordingService.MAX_TRIES, 100).compose(ids -> {
      List<Future<JsonObject>> all = new ArrayList<>();
      ids.forEach(i -> all.add(process(i)));
      return Future.join(all).transform(ar -> Future.succeededFuture(ids.size()));
    });
  }

  /** Recordings this node left pending by a stop (another node's are that node's, while it lives). */
  Future<Integer> resumePending() {
    return store.pending(1000, node.isEmpty() ? null : node).map(ids -> {
      ids.forEach(this::process);
      return ids.size();
    });
  }

  /** A node that took a recording and has not finished it within this long is taken for gone (docs/cluster.md). */
  static final int STALE_PENDING_MINUTES = 30;

  /** Recordings another node took and left pending: taken over and processed here. */
  Future<Integer> takeOverStalePending() {
    if (node.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return store.takeStalePending(node, STALE_PENDING_MINUTES, 100).map(ids -> {
      ids.forEach(id -> {
        log.atWarn().setMessage("recording left pending by another node taken over").addKeyValue("recording", id)
            .log();
        process(id);
      });
      return ids.size();
    });
  }

  private JsonObject processFiles(JsonObject row) throws Exception {
    String id = row.getString("recordingId");
    Path raw = Path.of(row.getString("rawDir") == null ? rawDir.toString() : row.getString("rawDir"));
    Transcoder.Sources src = Transcoder.Sources.of(raw, id);
    settle(src);
    Transcoder t = transcoder();
    Instant started = Instant.parse(row.getString("startedAt"));
    String rel = Sidecar.relativeDir(started, row.getLong("campaignId"));
    Path dir = archive.directory(rel);
    List<long[]> spans = new ArrayList<>();
    JsonArray muted = row.getJsonArray("mutedSpans", new JsonArray());
    for (int i = 0; i < muted.size(); i++) {
      spans.add(new long[] {muted.getJsonObject(i).getLong("fromMs"), muted.getJsonObject(i).getLong("toMs")});
    }
    Transcoder.Output out = t.process(src, dir, id, spans);
    Path peaks = dir.resolve(id + Sidecar.PEAKS_SUFFIX);
    try {
      Files.writeString(peaks, Peaks.compute(out.original()).encode());
    } catch (IOException e) {
      throw new Transcoder.Failure("peaks: " + e.getMessage(), e);
    }
    JsonObject activity = null;
    if (Sidecar.LAYOUT_STEREO.equals(out.layout())) {
      try {
        activity = Activity.compute(out.original());
      } catch (IOException e) {
        throw new Transcoder.Failure("activity: " + e.getMessage(), e);
      }
    }
    JsonObject legs = new JsonObject().put("layout", out.layout());
    if (Sidecar.LAYOUT_STEREO.equals(out.layout())) {
      legs.put("customer", "left").put("agent", "right");
    }
    JsonObject sidecar = new JsonObject()
        .put("schemaVersion", Sidecar.SCHEMA_VERSION)
        .put("recordingId", id).put("attemptId", row.getString("attemptId"))
        .put("campaignId", row.getLong("campaignId")).put("agentId", row.getLong("agentId"))
        .put("customerId", row.getLong("customerId"))
        .put("startedAt", row.getString("startedAt")).put("bridgedAt", row.getString("bridgedAt"))
        .put("endedAt", row.getString("endedAt"))
        .put("durationMs", out.originalProbe().durationMs())
        .put("legs", legs)
        .put("mutedSpans", muted)
        .put("files", new JsonArray()
            .add(Sidecar.file("original", out.original(), out.originalProbe()))
            .add(Sidecar.file("playback", out.playback(), out.playbackProbe())))
        .put("peaks", peaks.getFileName().toString())
        .put("status", "ready").put("failure", null)
        .put("retention", row.getJsonObject("retention"))
        .put("processedAt", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
    if (activity != null) {
      sidecar.put("activity", activity);
    }
    archive.writeSidecar(rel, id, sidecar);
    // Archived and checked: the PBX's files are no longer needed.
    for (Path p : src.all()) {
      if (keepSources && Files.exists(p)) {
        Path kept = dir.resolve("sources").resolve(p.getFileName());
        Files.createDirectories(kept.getParent());
        Files.move(p, kept, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(p);
      }
    }
    log.atInfo().setMessage("recording archived").addKeyValue("recording", id).addKeyValue("dir", rel)
        .addKeyValue("durationMs", out.originalProbe().durationMs()).addKeyValue("layout", out.layout())
        .addKeyValue("playbackBytes", out.playbackProbe().bytes()).log();
    return sidecar.copy().put("archiveDir", rel).put("archivedBy", node);
  }

  /** Waits until the PBX has written the files: present and no longer growing, up to the settle time. */
  private void settle(Transcoder.Sources src) throws InterruptedException {
    long deadline = System.currentTimeMillis() + settleMillis;
    long last = -1;
    while (System.currentTimeMillis() < deadline) {
      long size = 0;
      boolean any = false;
      for (Path p : src.all()) {
        try {
          if (Files.exists(p)) {
            any = true;
            size += Files.size(p);
          }
        } catch (IOException e) {
          // being written or removed: look again
        }
      }
      if (any && size == last && Files.exists(src.mixed())) {
        return;
      }
      last = any ? size : -1;
      Thread.sleep(100);
    }
  }

  /** The transcoder, built on first use (finding or extracting ffmpeg). Worker threads only. */
  Transcoder transcoder() throws Transcoder.Failure {
    Transcoder t = transcoder;
    if (t == null) {
      synchronized (transcoderLock) {
        t = transcoder;
        if (t == null) {
          try {
            t = new Transcoder(FfmpegLocator.locate(toolsCache, true));
          } catch (IOException e) {
            throw new Transcoder.Failure("ffmpeg unavailable: " + e.getMessage(), e);
          }
          transcoder = t;
        }
      }
    }
    return t;
  }

  /** Rewrites the sidecar after a change of the catalog row (legal hold). Worker pool. */
  Future<Void> rewriteSidecar(JsonObject row) {
    if (row.getString("archiveDir") == null || !"ready".equals(row.getString("status"))) {
      return Future.succeededFuture();
    }
    return workers.executeBlocking(() -> {
      String rel = row.getString("archiveDir");
      String id = row.getString("recordingId");
      Optional<JsonObject> s = archive.sidecar(rel, id);
      if (s.isEmpty() && elsewhere(row)) {
        throw new IllegalStateException(notHere(row));
      }
      archive.writeSidecar(rel, id, s.orElseThrow(() -> new java.nio.file.NoSuchFileException(
          archive.relative(archive.file(rel, id + Sidecar.SUFFIX)))).put("retention", row.getJsonObject("retention")));
      return null;
    }, false);
  }

  /** A file of an archived recording, checked to be inside the archive. */
  Path archived(JsonObject row, String fileName) {
    return archive.file(row.getString("archiveDir"), fileName);
  }

  /**
   * True when another node archived the recording (the catalog names it) and this node's archive is not known to
   * be that node's: a file of it this node cannot find is then in the other node's archive, not lost.
   */
  boolean elsewhere(JsonObject row) {
    String by = row.getString("archivedBy");
    return by != null && !by.equals(node);
  }

  /** What a node says of a recording whose files are in another node's archive (docs/cluster.md). */
  String notHere(JsonObject row) {
    return "recording " + row.getString("recordingId") + " was archived by node " + row.getString("archivedBy")
        + "; this node (" + node + ") does not find its files in its archive (" + archive.describe() + "): the"
        + " nodes do not share one archive. Give every node the same shared directory as recordings.archive-dir"
        + " with recordings.archive-shared=true (docs/cluster.md, \"Recordings in a cluster\")";
  }
}
