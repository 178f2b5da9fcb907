package io.huifang.recording;

import io.huifang.auth.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes the files of recordings past their campaign's retention ({@code delete_after}), unless on
 * legal hold, and records each deletion (the catalog row stays, status {@code purged}, plus an audit entry
 * {@code recording.purge} naming the files). Runs every six hours and once at start.
 */
public final class RetentionJob {
  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

  private final Vertx vertx;
  private final RecordingService service;
  private final AuditLog audit;
  private final Clock clock;
  private long timer = -1;

  public RetentionJob(Vertx vertx, RecordingService service, AuditLog audit, Clock clock) {
    this.vertx = vertx;
    this.service = service;
    this.audit = audit;
    this.clock = clock;
  }

  /** Runs its periodic job only while {@code held} says so (the wiring: this node holds the job's lease). */
  public void onlyWhile(java.util.function.BooleanSupplier held) {
    this.held = held;
  }

  private volatile java.util.function.BooleanSupplier held = () -> true;
  private volatile String ownNode;

  /**
   * A cluster whose nodes each keep their own archive: every node purges the recordings it archived (the others'
   * files are out of its reach), whether it holds the job's lease or not; those archived before the catalog named
   * nodes are left to the lease's holder.
   */
  public void perNode(String node) {
    this.ownNode = node;
  }

  public void start(long periodMs) {
    timer = vertx.setPeriodic(60_000, periodMs, id -> (ownNode != null || held.getAsBoolean() ? purgeOnce()
        : Future.succeededFuture()).onFailure(e -> log.atWarn()
        .setMessage("retention purge failed").addKeyValue("error", e.getMessage()).log()));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One pass: every recording due on {@code clock}'s date. Completes with how many were purged. */
  public Future<Integer> purgeOnce() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    String node = ownNode;
    return (node == null ? service.store().dueForPurge(today, 500)
        : service.store().dueForPurge(today, 500, node, held.getAsBoolean())).compose(rows -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (JsonObject row : rows) {
        chain = chain.compose(n -> purge(row).map(n + 1));
      }
      return chain;
    });
  }

  private Future<Void> purge(JsonObject row) {
    String id = row.getString("recordingId");
    return vertx.executeBlocking(() -> {
      List<Path> files = new ArrayList<>();
      if (row.getString("archiveDir") != null) {
        JsonArray fs = row.getJsonArray("files", new JsonArray());
        for (int i = 0; i < fs.size(); i++) {
          files.add(service.archived(row, fs.getJsonObject(i).getString("path")));
        }
        if (row.getString("peaks") != null) {
          files.add(service.archived(row, row.getString("peaks")));
        }
        files.add(service.archived(row, id + Sidecar.SUFFIX));
      } else if (row.getString("startedAt") != null) {
        // A failed recording's sidecar waits where the archived one would go.
        files.add(service.archive().file(Sidecar.relativeDir(java.time.Instant.parse(row.getString("startedAt")),
            row.getLong("campaignId")), id + Sidecar.SUFFIX));
      }
      if (row.getString("rawDir") != null) {
        files.addAll(Transcoder.Sources.of(Path.of(row.getString("rawDir")), id).all());
      }
      return new JsonArray(service.archive().delete(files));
    }, false).compose(deleted -> service.store().markPurged(id)
        .compose(v -> audit.record(null, "retention", "recording.purge", "recording:" + id, "deleted", null,
            new JsonObject().put("deleteAfter", row.getJsonObject("retention").getString("deleteAfter"))
                .put("files", deleted))));
  }
}
