package io.huifang.recording;

import io.huifang.core.User;
import io.huifang.telephony.CallTracker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The recordings module as the rest of the server sees it: one object, wired once ({@link #attach} per PBX). Two
 * parts do the work, on different threads: {@link RecordingCapture} follows the calls on the telephony context
 * (MixMonitor, pauses, what to keep), {@link RecordingPipeline} archives what is kept on a bounded worker pool
 * (ffmpeg, peaks, sidecar, catalog) and announces it ({@link RecordingEvents#READY}). The API routes and the
 * retention job go through here for the catalog too.
 */
public final class RecordingService {
  public static final int MAX_TRIES = 5;
  public static final int MAX_PAUSE_SECONDS = 600;

  private final RecordingPipeline pipeline;
  private final RecordingCapture capture;

  /** A live call as found on its tracker. */
  public record LiveCall(CallTracker tracker, JsonObject snapshot) {
  }

  public RecordingService(Vertx vertx, RecordingStore store, Path rawDir, Path archiveDir, Path toolsCache,
                          int concurrency, Clock clock) {
    this(vertx, store, rawDir, new LocalArchive(archiveDir, false), toolsCache, concurrency, clock);
  }

  public RecordingService(Vertx vertx, RecordingStore store, Path rawDir, Archive archive, Path toolsCache,
                          int concurrency, Clock clock) {
    this.pipeline = new RecordingPipeline(vertx, store, rawDir, archive, toolsCache, concurrency, clock);
    this.capture = new RecordingCapture(vertx, pipeline, clock);
    this.archiveCheck = new ArchiveCheck(vertx, store, archive);
  }

  private final ArchiveCheck archiveCheck;

  /** The catalog, for this module's own jobs and tests; other modules (and the routes) use the methods below. */
  RecordingStore store() {
    return pipeline.store();
  }

  public Path archiveDir() {
    return pipeline.archiveDir();
  }

  /** Where archived recordings are kept. */
  public Archive archive() {
    return pipeline.archive();
  }

  /**
   * This node's name (the wiring gives its lease holder's): written on each recording it archives, and named when
   * another node cannot see that recording's files.
   */
  public void setNode(String node) {
    pipeline.setNode(node);
  }

  public String node() {
    return pipeline.node();
  }

  /** Where Huifang reads each PBX's files (recordings.raw-dirs); a PBX not listed is read from {@link #rawDir()}. */
  public void setRawDirs(java.util.Map<String, Path> dirs) {
    pipeline.setRawDirs(dirs);
  }

  /** Where Huifang reads {@code pbx}'s files. */
  public Path rawDir(String pbx) {
    return pipeline.rawDir(pbx);
  }

  /**
   * Checks, when the archive is shared, that this node sees the cluster's one archive (docs/cluster.md): completes
   * with null when it does (or the archive is not shared: in a cluster that is logged as a warning), else with what
   * is wrong, logged as an error.
   */
  public Future<String> checkArchive(boolean inCluster) {
    return archiveCheck.run(pipeline.node(), inCluster);
  }

  /** What {@link #checkArchive} found last: null when nothing is wrong. */
  public String archiveProblem() {
    return archiveCheck.problem();
  }

  /** True when another node archived the recording and its files may be in that node's archive only. */
  public boolean archivedElsewhere(JsonObject row) {
    return pipeline.elsewhere(row);
  }

  /** What this node answers for a recording whose files are in another node's archive. */
  public String notOnThisNode(JsonObject row) {
    return pipeline.notHere(row);
  }
  public Path rawDir() {
    return pipeline.rawDir();
  }

  public int concurrency() {
    return pipeline.concurrency();
  }

  public RecordingPolicies policies() {
    return capture.policies();
  }

  /** Replaces the campaign rules (the campaigns module plugs in here; tests too). */
  public void setPolicies(RecordingPolicies p) {
    capture.setPolicies(p);
  }

  /** How long to wait for the PBX to finish writing the files after the hangup. */
  public void setSettleMillis(long ms) {
    pipeline.setSettleMillis(ms);
  }

  /**
   * Keep the PBX's files after a successful run, moved to {@code sources/} beside the archived recording
   * (for checking the pipeline against what the PBX wrote); by default they are deleted.
   */
  public void setKeepSources(boolean keep) {
    pipeline.setKeepSources(keep);
  }

  /** Where the PBX writes recordings, as the PBX sees the path (default: the directory we read them from). */
  public void setPbxDir(String dir) {
    capture.setPbxDir(pbx -> dir);
  }

  /** The same, per PBX (the PBX's name in, its directory as it sees it out). */
  public void setPbxDirs(java.util.function.Function<String, String> dirOfPbx) {
    capture.setPbxDir(dirOfPbx);
  }

  /**
   * Registrations and catalog updates that find the database away are kept in {@code journal} and done when it is
   * back (the archive's files and sidecar are written whatever the database does).
   */
  public void keepWritesIn(io.huifang.db.WriteJournal journal) {
    capture.keepWritesIn(journal);
    pipeline.keepWritesIn(journal);
  }

  /** Listens to a PBX's attempts. */
  public void attach(CallTracker tracker) {
    capture.attach(tracker);
  }

  /** Stops the timers and the worker pool. */
  public void close() {
    capture.close();
    pipeline.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Capture

  /** An attempt ended (tracker snapshot): registers and processes its recording when the campaign records. */
  public Future<Void> onEnded(JsonObject snap, Long customerId) {
    return capture.onEnded(snap, customerId);
  }

  /** The attempt if it is up on one of the PBXes. */
  public Future<Optional<LiveCall>> findLive(String attemptId) {
    return capture.findLive(attemptId);
  }

  /** Pauses the recording of a connected call for {@code seconds}, then resumes it by itself. */
  public Future<JsonObject> pause(String attemptId, User by, int seconds, String reason) {
    return capture.pause(attemptId, by, seconds, reason);
  }

  /** Ends a pause (by hand, or the timer with {@code by} null). */
  public Future<JsonObject> resume(String attemptId, User by) {
    return capture.resume(attemptId, by);
  }

  /** On-demand campaigns: record this call from now on. */
  public Future<Void> requestRecording(String attemptId, User by) {
    return capture.requestRecording(attemptId, by);
  }

  /** Pauses on the call still up, for the API. */
  public JsonArray spans(String attemptId) {
    return capture.spans(attemptId);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Pipeline

  /** A recording registered by hand (tests, imports): the same path as an ended attempt. */
  public Future<Boolean> register(String id, Long campaignId, Long agentId, Long customerId, Instant started,
                                  Instant bridged, Instant ended, Path raw, int retentionDays) {
    return pipeline.register(id, campaignId, agentId, customerId, started, bridged, ended, new JsonArray(), raw,
        retentionDays);
  }

  /** Processes (or reprocesses) one recording; completes with its catalog row, ready or failed. */
  public Future<JsonObject> process(String id) {
    return pipeline.process(id);
  }

  /** Every failed recording that has tries left, one after another through the worker pool. */
  public Future<Integer> retryFailed() {
    return pipeline.retryFailed();
  }

  /** Recordings left pending by a stop. */
  public Future<Integer> resumePending() {
    return pipeline.resumePending();
  }

  /**
   * Recordings another node took and left pending for half an hour (it died): processed here. Run by one node at
   * a time (the retry job's lease).
   */
  public Future<Integer> takeOverStalePending() {
    return pipeline.takeOverStalePending();
  }

  /** The transcoder, built on first use (finding or extracting ffmpeg). Worker threads only. */
  public Transcoder transcoder() throws Transcoder.Failure {
    return pipeline.transcoder();
  }

  /** Rewrites the sidecar after a change of the catalog row (legal hold). Worker pool. */
  public Future<Void> rewriteSidecar(JsonObject row) {
    return pipeline.rewriteSidecar(row);
  }

  /** A file of an archived recording, checked to be inside the archive. */
  public Path archived(JsonObject row, String fileName) {
    return pipeline.archived(row, fileName);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The catalog, for the API

  /** A recording's catalog row, if there is one. */
  public Future<Optional<JsonObject>> find(String id) {
    return pipeline.store().get(id);
  }

  /** The newest recordings first; only {@code agentId}'s when not null. */
  public Future<List<JsonObject>> list(Long agentId, int limit) {
    return pipeline.store().list(agentId, limit);
  }

  /**
   * Puts a recording on legal hold (kept past its retention) or releases it, in the catalog and its sidecar;
   * completes with the changed row, or empty when there is no such recording.
   */
  public Future<Optional<JsonObject>> setLegalHold(String id, boolean hold) {
    return pipeline.store().setLegalHold(id, hold).compose(found -> !found ? Future.succeededFuture(Optional.empty())
        : find(id).compose(row -> rewriteSidecar(row.orElseThrow()).map(row)));
  }
}
