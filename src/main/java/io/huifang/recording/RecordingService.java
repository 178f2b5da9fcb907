package io.huifang.recording;

import io.huifang.core.User;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.CallEvent;
import io.huifang.telephony.CallTracker;
import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recordings pipeline. When an attempt that reached an agent ends, and its campaign records, the MixMonitor
 * files are processed off the event loop on a worker pool of bounded size: ffprobe, the stereo original, the Opus
 * copy, the waveform peaks and the sidecar, then the catalog row. A failure keeps the PBX's files where they are
 * and marks the recording failed with the reason; {@link #retryFailed} redoes it.
 */
public final class RecordingService {
  private static final Logger log = LoggerFactory.getLogger(RecordingService.class);
  public static final int MAX_TRIES = 5;
  public static final int MAX_PAUSE_SECONDS = 600;

  private final Vertx vertx;
  private final RecordingStore store;
  private final Path rawDir;
  private final Path archiveDir;
  private final Path toolsCache;
  private final Clock clock;
  private final WorkerExecutor workers;
  private final int concurrency;
  private volatile RecordingPolicies policies = RecordingPolicies.DEFAULT;
  private volatile long settleMillis = 5000;
  private volatile boolean keepSources;
  private volatile Transcoder transcoder;
  private final List<CallTracker> trackers = new CopyOnWriteArrayList<>();
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final Map<String, Future<JsonObject>> inProgress = new ConcurrentHashMap<>();
  /** When MixMonitor started on an attempt's channel (the MixMonitorStart event): where the audio file begins. */
  private final Map<String, Instant> mixMonitorStarted = new ConcurrentHashMap<>();

  /** Pauses and the on-demand flag of a call still up. Guarded by its own lock. */
  static final class Live {
    boolean requested;
    final JsonArray spans = new JsonArray();
    JsonObject open;
    long timer = -1;
    Instant origin;
    String channel;
    CallTracker tracker;
  }

  /** A live call as found on its tracker. */
  public record LiveCall(CallTracker tracker, JsonObject snapshot) {
  }

  /** Attempts whose MixMonitor was started (so an on-demand request after the bridge does not start it twice). */
  private final java.util.Set<String> capturing = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile String pbxDir;

  public RecordingService(Vertx vertx, RecordingStore store, Path rawDir, Path archiveDir, Path toolsCache,
                          int concurrency, Clock clock) {
    this.vertx = vertx;
    this.pbxDir = rawDir.toAbsolutePath().normalize().toString();
    this.store = store;
    this.rawDir = rawDir.toAbsolutePath().normalize();
    this.archiveDir = archiveDir.toAbsolutePath().normalize();
    this.toolsCache = toolsCache;
    this.clock = clock;
    this.concurrency = Math.max(1, concurrency);
    // Bounded: at most `concurrency` ffmpeg runs at once; the rest wait in the executor's queue.
    this.workers = vertx.createSharedWorkerExecutor("huifang-recordings", this.concurrency, 10,
        java.util.concurrent.TimeUnit.MINUTES);
  }

  public RecordingStore store() {
    return store;
  }

  public Path archiveDir() {
    return archiveDir;
  }

  public Path rawDir() {
    return rawDir;
  }

  public int concurrency() {
    return concurrency;
  }

  public RecordingPolicies policies() {
    return policies;
  }

  /** Replaces the campaign rules (the campaigns module plugs in here; tests too). */
  public void setPolicies(RecordingPolicies p) {
    this.policies = p;
  }

  /** How long to wait for the PBX to finish writing the files after the hangup. */
  public void setSettleMillis(long ms) {
    this.settleMillis = ms;
  }

  /**
   * Keep the PBX's files after a successful run, moved to {@code sources/} beside the archived recording
   * (for checking the pipeline against what the PBX wrote); by default they are deleted.
   */
  public void setKeepSources(boolean keep) {
    this.keepSources = keep;
  }

  /** Listens to a PBX's attempts. */
  public void attach(CallTracker tracker) {
    trackers.add(tracker);
    tracker.ami().onEvent(ev -> {
      // Delivered on the tracker's context, so live() may be asked here.
      if ("MixMonitorStart".equals(ev.get("Event")) && ev.get("Uniqueid") != null
          && tracker.live(ev.get("Uniqueid")) != null) {
        mixMonitorStarted.putIfAbsent(ev.get("Uniqueid"), clock.instant());
      }
    });
    tracker.subscribe(e -> {
      if (e instanceof CallEvent.Ended ended) {
        ended(ended.attempt());
      } else if (e instanceof CallEvent.Bridged bridged) {
        capture(tracker, bridged.attempt(), false);
      }
    });
  }

  /**
   * Starts MixMonitor on the customer's channel as it is bridged to the agent (or when an on-demand recording is
   * asked for): customer and agent on separate legs, named by the attempt id only, in the directory the PBX
   * writes to ({@code recordings.pbx-dir}).
   */
  private void capture(CallTracker tracker, Attempt a, boolean requested) {
    String channel = a.channel();
    String id = a.id();
    Long campaignId = a.request() == null ? null : a.request().campaignId();
    policies.rules(campaignId).onSuccess(rules -> {
      boolean record = rules.capture() == RecordingPolicies.Capture.ALL
          || (rules.capture() == RecordingPolicies.Capture.ON_DEMAND && requested);
      if (!record || channel == null || !capturing.add(id)) {
        return;
      }
      String dir = pbxDir.endsWith("/") ? pbxDir : pbxDir + "/";
      tracker.ami().send(AmiMessage.action("MixMonitor").add("Channel", channel).add("File", dir + id + ".wav")
              .add("Options", "r(" + dir + id + "-customer.wav)t(" + dir + id + "-agent.wav)"))
          .onComplete(ar -> {
            if (ar.failed() || !"Success".equalsIgnoreCase(ar.result().get("Response"))) {
              capturing.remove(id);
              log.atWarn().setMessage("recording did not start").addKeyValue("attempt", id)
                  .addKeyValue("reason", ar.failed() ? ar.cause().getMessage() : ar.result().get("Message", ""))
                  .log();
            }
          });
    });
  }

  /** Where the PBX writes recordings, as the PBX sees the path (default: the directory we read them from). */
  public void setPbxDir(String dir) {
    this.pbxDir = dir;
  }

  /** Stops the timers and the worker pool. */
  public void close() {
    live.values().forEach(l -> {
      synchronized (l) {
        if (l.timer >= 0) {
          vertx.cancelTimer(l.timer);
        }
      }
    });
    workers.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Capture

  private void ended(Attempt a) {
    capturing.remove(a.id());
    JsonObject snap = a.snapshot();
    Long customerId = a.request() == null ? null : a.request().customerId();
    onEnded(snap, customerId).onFailure(e -> log.atError().setMessage("recording not registered")
        .addKeyValue("attempt", a.id()).addKeyValue("error", String.valueOf(e.getMessage())).log());
  }

  /** An attempt ended (tracker snapshot): registers and processes its recording when the campaign records. */
  public Future<Void> onEnded(JsonObject snap, Long customerId) {
    String id = snap.getString("id");
    Instant mixStart = mixMonitorStarted.remove(id);
    Live l = live.remove(id);
    JsonArray spans = new JsonArray();
    boolean requested = false;
    if (l != null) {
      synchronized (l) {
        if (l.timer >= 0) {
          vertx.cancelTimer(l.timer);
        }
        Instant end = snap.getString("endedAt") == null ? clock.instant() : Instant.parse(snap.getString("endedAt"));
        if (l.open != null) {
          l.open.put("toMs", Math.max(l.open.getLong("fromMs"), ms(l.origin, end)));
          l.open = null;
        }
        spans = l.spans.copy();
        requested = l.requested;
      }
    }
    if (snap.getString("bridgedAt") == null) {
      // Never reached an agent: nothing to keep (the dialplan's MixMonitor ran from answer to safe-harbor).
      return snap.getString("answeredAt") == null ? Future.succeededFuture() : discard(id, "not connected to an agent");
    }
    Long campaignId = snap.getLong("campaignId");
    boolean wasRequested = requested;
    JsonArray mutedSpans = spans;
    return policies.rules(campaignId).compose(rules -> {
      if (rules.capture() == RecordingPolicies.Capture.NONE
          || (rules.capture() == RecordingPolicies.Capture.ON_DEMAND && !wasRequested)) {
        return discard(id, "campaign policy " + rules.capture().name().toLowerCase()).map(false);
      }
      Instant started = (mixStart != null ? mixStart : Instant.parse(snap.getString("answeredAt") != null
          ? snap.getString("answeredAt") : snap.getString("bridgedAt"))).truncatedTo(ChronoUnit.MILLIS);
      Instant bridged = Instant.parse(snap.getString("bridgedAt")).truncatedTo(ChronoUnit.MILLIS);
      Instant endedAt = snap.getString("endedAt") == null ? null
          : Instant.parse(snap.getString("endedAt")).truncatedTo(ChronoUnit.MILLIS);
      LocalDate deleteAfter = started.atZone(ZoneOffset.UTC).toLocalDate().plusDays(rules.retentionDays());
      return store.insertPending(id, id, campaignId, snap.getLong("agentId"), customerId, started, bridged, endedAt,
          mutedSpans, rawDir.toString(), deleteAfter);
    }).compose(isNew -> {
      if (Boolean.TRUE.equals(isNew)) {
        process(id);
      }
      return Future.<Void>succeededFuture();
    });
  }

  /** A recording registered by hand (tests, imports): the same path as an ended attempt. */
  public Future<Boolean> register(String id, Long campaignId, Long agentId, Long customerId, Instant started,
                                  Instant bridged, Instant ended, Path raw, int retentionDays) {
    Instant s = started.truncatedTo(ChronoUnit.MILLIS);
    return store.insertPending(id, id, campaignId, agentId, customerId, s, bridged == null ? null
            : bridged.truncatedTo(ChronoUnit.MILLIS), ended == null ? null : ended.truncatedTo(ChronoUnit.MILLIS),
        new JsonArray(), raw.toAbsolutePath().toString(), s.atZone(ZoneOffset.UTC).toLocalDate()
            .plusDays(retentionDays));
  }

  /**
   * Deletes the PBX's files of a call that is not kept. They may still be being written (the PBX writes after the
   * hangup), and there may be none at all (an answering machine never reaches MixMonitor): so no worker waits for
   * them; a timer deletes whatever is there after the settle time.
   */
  private Future<Void> discard(String id, String why) {
    vertx.setTimer(Math.max(1, settleMillis), t -> {
      for (Path p : Transcoder.Sources.of(rawDir, id).all()) {
        vertx.fileSystem().delete(p.toString()).onSuccess(v -> log.atInfo().setMessage("recording discarded")
            .addKeyValue("attempt", id).addKeyValue("file", p.getFileName()).addKeyValue("why", why).log());
      }
    });
    return Future.succeededFuture();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Processing

  /** Processes (or reprocesses) one recording; completes with its catalog row, ready or failed. */
  public Future<JsonObject> process(String id) {
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
      return workers.executeBlocking(() -> processFiles(row), false)
          .compose(done -> store.markReady(done, done.getString("archiveDir")),
              err -> {
                String reason = err instanceof Transcoder.Failure ? err.getMessage()
                    : "internal: " + err;
                log.atWarn().setMessage("recording failed").addKeyValue("recording", id)
                    .addKeyValue("reason", reason).log();
                return store.markFailed(id, reason).compose(v -> writeFailedSidecar(row, reason));
              })
          .compose(v -> store.get(id)).map(Optional::orElseThrow);
    }).onComplete(ar -> {
      inProgress.remove(id);
      p.handle(ar);
    });
    return p.future();
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
      Path dir = archiveDir.resolve(Sidecar.relativeDir(Instant.parse(row.getString("startedAt")),
          row.getLong("campaignId")));
      Path file = dir.resolve(row.getString("recordingId") + Sidecar.SUFFIX);
      Files.createDirectories(dir);
      Sidecar.write(file, failedSidecar(row, reason, sourcesDir(row), clock.instant()));
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
    Path root = archiveDir.toAbsolutePath().normalize();
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

  /** Every failed recording that has tries left, one after another through the worker pool. */
  public Future<Integer> retryFailed() {
    return store.failedForRetry(MAX_TRIES, 100).compose(ids -> {
      List<Future<JsonObject>> all = new ArrayList<>();
      ids.forEach(i -> all.add(process(i)));
      return Future.join(all).transform(ar -> Future.succeededFuture(ids.size()));
    });
  }

  /** Recordings left pending by a stop. */
  public Future<Integer> resumePending() {
    return store.pending(1000).map(ids -> {
      ids.forEach(this::process);
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
    Path dir = archiveDir.resolve(rel);
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
    Sidecar.write(dir.resolve(id + Sidecar.SUFFIX), sidecar);
    // Archived and checked: the PBX's files are no longer needed.
    for (Path p : src.all()) {
      if (keepSources && Files.exists(p)) {
        Path kept = dir.resolve("sources").resolve(p.getFileName());
        Files.createDirectories(kept.getParent());
        Files.move(p, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(p);
      }
    }
    log.atInfo().setMessage("recording archived").addKeyValue("recording", id).addKeyValue("dir", rel)
        .addKeyValue("durationMs", out.originalProbe().durationMs()).addKeyValue("layout", out.layout())
        .addKeyValue("playbackBytes", out.playbackProbe().bytes()).log();
    return sidecar.copy().put("archiveDir", rel);
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
  public Transcoder transcoder() throws Transcoder.Failure {
    Transcoder t = transcoder;
    if (t == null) {
      synchronized (this) {
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
  public Future<Void> rewriteSidecar(JsonObject row) {
    if (row.getString("archiveDir") == null || !"ready".equals(row.getString("status"))) {
      return Future.succeededFuture();
    }
    return workers.executeBlocking(() -> {
      Path file = archiveDir.resolve(row.getString("archiveDir")).resolve(row.getString("recordingId")
          + Sidecar.SUFFIX);
      JsonObject s = Sidecar.read(file);
      s.put("retention", row.getJsonObject("retention"));
      Sidecar.write(file, s);
      return null;
    }, false);
  }

  /** A file of an archived recording, checked to be inside the archive. */
  public Path archived(JsonObject row, String fileName) {
    Path p = archiveDir.resolve(row.getString("archiveDir")).resolve(fileName).normalize();
    if (!p.startsWith(archiveDir)) {
      throw new IllegalArgumentException("outside the archive: " + fileName);
    }
    return p;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Pause / resume / on demand, during the call

  /** The attempt if it is up on one of the PBXes. */
  public Future<Optional<LiveCall>> findLive(String attemptId) {
    List<Future<Optional<LiveCall>>> all = new ArrayList<>();
    for (CallTracker t : trackers) {
      Promise<Optional<LiveCall>> p = Promise.promise();
      t.onContext(() -> {
        Attempt a = t.live(attemptId);
        p.complete(a == null ? Optional.empty() : Optional.of(new LiveCall(t, a.snapshot())));
      });
      all.add(p.future());
    }
    return Future.all(all).map(cf -> {
      for (int i = 0; i < cf.size(); i++) {
        Optional<LiveCall> o = cf.resultAt(i);
        if (o.isPresent()) {
          return o;
        }
      }
      return Optional.empty();
    });
  }

  /** Why a pause or resume was refused. */
  public static final class Refused extends RuntimeException {
    private final int status;
    private final String code;

    public Refused(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  private Future<LiveCall> onCallFor(String attemptId, User by) {
    return findLive(attemptId).compose(o -> {
      if (o.isEmpty() || o.get().snapshot().getString("bridgedAt") == null) {
        return Future.failedFuture(new Refused(409, "not_on_call", "no connected call " + attemptId));
      }
      Long agent = o.get().snapshot().getLong("agentId");
      if (by != null && by.role() == io.huifang.core.Role.AGENT && (agent == null || agent != by.id())) {
        return Future.failedFuture(new Refused(403, "not_your_call", "only the agent on the call may do this"));
      }
      return Future.succeededFuture(o.get());
    });
  }

  /** Pauses the recording of a connected call for {@code seconds}, then resumes it by itself. */
  public Future<JsonObject> pause(String attemptId, User by, int seconds, String reason) {
    if (seconds < 1 || seconds > MAX_PAUSE_SECONDS) {
      return Future.failedFuture(new Refused(400, "invalid", "seconds must be from 1 to " + MAX_PAUSE_SECONDS));
    }
    return onCallFor(attemptId, by).compose(call -> {
      Live l = live.computeIfAbsent(attemptId, k -> new Live());
      JsonObject span;
      synchronized (l) {
        if (l.open != null) {
          return Future.failedFuture(new Refused(409, "already_paused", "the recording is already paused"));
        }
        JsonObject s = call.snapshot();
        Instant mix = mixMonitorStarted.get(attemptId);
        l.origin = mix != null ? mix : Instant.parse(s.getString("answeredAt") != null ? s.getString("answeredAt")
            : s.getString("bridgedAt"));
        l.channel = s.getString("channel");
        l.tracker = call.tracker();
        span = new JsonObject().put("fromMs", ms(l.origin, clock.instant())).put("toMs", null)
            .put("reason", reason == null || reason.isBlank() ? "sensitive data" : reason)
            .put("by", by == null ? null : by.id()).put("pbxMuted", false);
        l.open = span;
        l.spans.add(span);
        l.timer = vertx.setTimer(seconds * 1000L, id -> resume(attemptId, null)
            .onFailure(e -> log.atDebug().setMessage("automatic resume").addKeyValue("attempt", attemptId)
                .addKeyValue("error", e.getMessage()).log()));
      }
      return mute(call.tracker(), l.channel, true).map(ok -> {
        synchronized (l) {
          span.put("pbxMuted", ok);
          return span.copy().put("resumesInSeconds", seconds);
        }
      });
    });
  }

  /** Ends a pause (by hand, or the timer with {@code by} null). */
  public Future<JsonObject> resume(String attemptId, User by) {
    Live l = live.get(attemptId);
    if (l == null) {
      return Future.failedFuture(new Refused(409, "not_paused", "the recording is not paused"));
    }
    Future<LiveCall> check = by == null ? Future.succeededFuture() : onCallFor(attemptId, by);
    return check.compose(c -> {
      JsonObject span;
      synchronized (l) {
        if (l.open == null) {
          return Future.failedFuture(new Refused(409, "not_paused", "the recording is not paused"));
        }
        span = l.open;
        span.put("toMs", Math.max(span.getLong("fromMs"), ms(l.origin, clock.instant())));
        l.open = null;
        if (l.timer >= 0) {
          vertx.cancelTimer(l.timer);
          l.timer = -1;
        }
      }
      return mute(l.tracker, l.channel, false).map(ok -> span.copy());
    });
  }

  /** On-demand campaigns: record this call from now on. */
  public Future<Void> requestRecording(String attemptId, User by) {
    return onCallFor(attemptId, by).map(call -> {
      Live l = live.computeIfAbsent(attemptId, k -> new Live());
      synchronized (l) {
        l.requested = true;
      }
      for (CallTracker t : trackers) {
        t.onContext(() -> {
          Attempt a = t.live(attemptId);
          if (a != null) {
            capture(t, a, true);
          }
        });
      }
      return null;
    });
  }

  /** Pauses on the call still up, for the API. */
  public JsonArray spans(String attemptId) {
    Live l = live.get(attemptId);
    if (l == null) {
      return new JsonArray();
    }
    synchronized (l) {
      return l.spans.copy();
    }
  }

  /** AMI MixMonitorMute; true when the PBX confirmed it. */
  private Future<Boolean> mute(CallTracker tracker, String channel, boolean on) {
    if (tracker == null || channel == null) {
      return Future.succeededFuture(false);
    }
    return tracker.ami().send(AmiMessage.action("MixMonitorMute").add("Channel", channel)
            .add("Direction", "both").add("State", on ? "1" : "0"), Duration.ofSeconds(5))
        .map(r -> "Success".equalsIgnoreCase(r.get("Response")))
        .recover(e -> Future.succeededFuture(false))
        .onSuccess(ok -> {
          if (!ok) {
            log.atInfo().setMessage("PBX did not mute the recording; the span is silenced in the playback copy")
                .addKeyValue("channel", channel).log();
          }
        });
  }

  private static long ms(Instant origin, Instant t) {
    return Math.max(0, Duration.between(origin, t).toMillis());
  }
}
