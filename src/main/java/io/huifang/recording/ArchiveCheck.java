package io.huifang.recording;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, a node given a shared archive checks it is the cluster's one: the database names the archive (table
 * {@code recording_archive}); the node that named it first wrote that id into the archive's marker file; every other
 * node must find the same id in the marker of the directory it was given. A node that does not (the volume not
 * mounted, another directory, an NFS export of the wrong path) would archive recordings the other nodes never see:
 * it logs that as an error, naming its directory and the node that marked the real one. It still starts (calls must
 * not wait for a mount); its recordings are then played through it only (the others answer 503, naming it).
 */
final class ArchiveCheck {
  private static final Logger log = LoggerFactory.getLogger(ArchiveCheck.class);
  /** How long a node looks for a marker the first node may be writing just now. */
  static final long MARKER_WAIT_MS = 5000;

  private final Vertx vertx;
  private final RecordingStore store;
  private final Archive archive;
  private volatile String problem;

  ArchiveCheck(Vertx vertx, RecordingStore store, Archive archive) {
    this.vertx = vertx;
    this.store = store;
    this.archive = archive;
  }

  String problem() {
    return problem;
  }

  /** Null when the archive is the cluster's (or not shared, so nothing to check); else what is wrong, logged. */
  Future<String> run(String node, boolean inCluster) {
    if (!archive.shared()) {
      if (inCluster) {
        log.atWarn().setMessage("recordings archive not shared: the recordings this node archives can be played"
                + " through this node only; the other nodes answer 503 naming it (docs/cluster.md)")
            .addKeyValue("archive", archive.describe()).addKeyValue("node", node).log();
      }
      problem = null;
      return Future.succeededFuture();
    }
    String candidate = UUID.randomUUID().toString();
    return store.archiveOrClaim(candidate, node).compose(row -> {
      if (row.archiveId().equals(candidate)) {
        return vertx.executeBlocking(() -> {
          archive.writeMarker(candidate);
          return (String) null;
        }, false).onSuccess(v -> log.atInfo().setMessage("shared recordings archive marked as the cluster's")
            .addKeyValue("archive", archive.describe()).addKeyValue("id", candidate).log());
      }
      return lookFor(row, System.currentTimeMillis() + MARKER_WAIT_MS);
    }).recover(e -> Future.succeededFuture("the recordings archive (" + archive.describe() + ") could not be"
        + " checked: " + e.getMessage())).onSuccess(p -> {
          problem = p;
          if (p != null) {
            log.atError().setMessage(p).addKeyValue("archive", archive.describe()).addKeyValue("node", node).log();
          }
        });
  }

  private Future<String> lookFor(RecordingStore.ArchiveRow row, long deadline) {
    return vertx.executeBlocking(archive::marker, false).compose(found -> {
      if (found.isPresent() && found.get().equals(row.archiveId())) {
        log.atInfo().setMessage("recordings archive is the cluster's shared one")
            .addKeyValue("archive", archive.describe()).addKeyValue("id", row.archiveId()).log();
        return Future.succeededFuture((String) null);
      }
      if (found.isEmpty() && System.currentTimeMillis() < deadline) {
        Promise<String> later = Promise.promise();
        vertx.setTimer(250, t -> lookFor(row, deadline).onComplete(later));
        return later.future();
      }
      return Future.succeededFuture(notTheShared(row, found));
    });
  }

  private String notTheShared(RecordingStore.ArchiveRow row, Optional<String> found) {
    return "recordings archive not shared: " + archive.describe() + (found.isEmpty()
        ? " has no marker file " + Archive.MARKER
        : " is marked as archive " + found.get()) + ", but the cluster's archive is " + row.archiveId()
        + ", marked by node " + row.createdBy() + " at " + row.createdAt() + ". This node would archive recordings"
        + " the other nodes cannot play: mount the cluster's shared directory at recordings.archive-dir on every"
        + " node (docs/cluster.md, \"Recordings in a cluster\")";
  }
}
