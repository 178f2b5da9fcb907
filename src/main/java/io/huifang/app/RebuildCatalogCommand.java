package io.huifang.app;

import io.huifang.recording.RecordingStore;
import io.huifang.recording.Sidecar;

import io.huifang.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code huifang rebuild-catalog [--key=value ...]}: reads every sidecar under the archive and writes its row into
 * the catalog (insert or replace). The archive alone is enough to recover the catalog after a database loss.
 */
public final class RebuildCatalogCommand {
  private RebuildCatalogCommand() {
  }

  /** What a rebuild did. */
  public record Result(int sidecars, int rows, List<String> errors) {
  }

  public static int run(List<String> args) {
    Config config;
    try {
      config = ConfigLoader.load(args, System.getenv(), Path.of("").toAbsolutePath());
    } catch (ConfigException e) {
      System.err.println("huifang: configuration error: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    Database db = null;
    try {
      db = Database.start(vertx, config.database()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
      Result r = rebuild(vertx, new RecordingStore(db.pool()), config.recordingsDir())
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.MINUTES);
      r.errors().forEach(e -> System.err.println("huifang: skipped " + e));
      System.out.println("rebuild-catalog: " + r.rows() + " recordings from " + r.sidecars() + " sidecars under "
          + config.recordingsDir());
      return r.errors().isEmpty() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("huifang: rebuild-catalog failed: " + e);
      return 1;
    } finally {
      if (db != null) {
        try {
          db.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        } catch (Exception ignored) {
          // closing anyway
        }
      }
      vertx.close();
    }
  }

  /** Scans {@code archiveDir} for sidecars and upserts each one, in path order. */
  public static Future<Result> rebuild(Vertx vertx, RecordingStore store, Path archiveDir) {
    return vertx.<List<Object[]>>executeBlocking(() -> {
      List<Object[]> found = new ArrayList<>();
      if (!Files.isDirectory(archiveDir)) {
        return found;
      }
      try (Stream<Path> walk = Files.walk(archiveDir, 6)) {
        for (Path p : walk.filter(Sidecar::isSidecar).sorted().toList()) {
          try {
            JsonObject s = Sidecar.read(p);
            String rel = archiveDir.relativize(p.getParent()).toString();
            found.add(new Object[] {s, rel, null});
          } catch (Exception e) {
            found.add(new Object[] {null, null, p + ": " + e.getMessage()});
          }
        }
      }
      return found;
    }, false).compose(found -> {
      List<String> errors = new ArrayList<>();
      Future<Integer> chain = Future.succeededFuture(0);
      for (Object[] f : found) {
        if (f[0] == null) {
          errors.add((String) f[2]);
          continue;
        }
        JsonObject s = (JsonObject) f[0];
        String rel = (String) f[1];
        // A failed recording: its PBX files are where its sidecar says (relative to the archive root).
        String raw = s.getString("sourcesDir") == null ? null
            : archiveDir.resolve(s.getString("sourcesDir")).toAbsolutePath().normalize().toString();
        // A failed recording has no archive directory of its own yet (the catalog's archive_dir is set when it is
        // archived); its sidecar only waits where the ready one will go.
        String dir = "failed".equals(s.getString("status")) ? null : rel;
        chain = chain.compose(n -> store.upsertFromSidecar(s, dir, raw).map(n + 1)
            .recover(e -> {
              errors.add(s.getString("recordingId") + ": " + e.getMessage());
              return Future.succeededFuture(n);
            }));
      }
      return chain.map(n -> new Result(found.size(), n, errors));
    });
  }
}
