package io.huifang.testsupport;

import io.huifang.db.Database;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded PostgreSQL cluster per test JVM, initialised and migrated once, the way a first start does it
 * ({@link Database#start}: initdb, the database, every Flyway migration), then stopped; each {@link WithServer} and
 * {@link WithDatabase} gets a copy of it in its own folder and runs its own PostgreSQL on that copy.
 *
 * <p>Why: unpacking the binaries, initdb and the 60-odd migrations cost each integration-test class several seconds
 * on a 2-core machine, the same work every time. A copy of the stopped cluster is the same files that work would
 * have produced, and each class still has a server of its own (one it may kill or restart, as the fault tests do)
 * on a database no other class has touched. Flyway still runs at each start and validates the copied history
 * against the migrations on the class path.
 *
 * <p>What a copy shares with the others: the unpacked binaries (a link, read only) and, for the server, the folder
 * the bundled ffmpeg is extracted into (a link: extracted once, not once per class). The copy's postgresql.conf
 * adds {@code fsync = off}: a test's cluster needs to survive its processes being killed (data in the kernel's page
 * cache survives that), never the machine losing power, and every commit's fsync otherwise waits for a disk that the
 * whole machine shares.
 */
public final class MigratedCluster {
  private static final Logger log = LoggerFactory.getLogger(MigratedCluster.class);
  /** Test settings appended to each copy's postgresql.conf (the later line of a setting wins). */
  static final String TEST_SETTINGS = """

      # Added by the tests' MigratedCluster: a test cluster survives killed processes, not power loss.
      fsync = off
      """;

  private static Path template;
  private static RuntimeException failed;

  private MigratedCluster() {
  }

  /**
   * Fills {@code dataDir} (a Huifang data dir, or a {@link Database.Settings#embeddedDir()}'s parent) with a copy of
   * the migrated cluster: {@code pg/}, {@code pg-superuser.secret} and the link {@code pg-bin}. With
   * {@code ffmpeg}, also the link {@code cache} to the shared ffmpeg folder.
   */
  static void copyInto(Path dataDir, boolean ffmpeg) throws IOException {
    Path from = template();
    Files.createDirectories(dataDir);
    copyTree(from.resolve("pg"), dataDir.resolve("pg"));
    Files.writeString(dataDir.resolve("pg/postgresql.conf"), TEST_SETTINGS, java.nio.file.StandardOpenOption.APPEND);
    Files.copy(from.resolve("pg-superuser.secret"), dataDir.resolve("pg-superuser.secret"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.createSymbolicLink(dataDir.resolve("pg-bin"), from.resolve("pg-bin"));
    if (ffmpeg) {
      Files.createSymbolicLink(dataDir.resolve("cache"), from.resolve("cache"));
    }
  }

  /**
   * For a test that starts an {@link io.huifang.db.EmbeddedPostgres} of its own (a first start: initdb, its own
   * migrations) on {@code base}{@code /pg}: links {@code base/pg-bin} to the binaries already unpacked for the template,
   * so that it does not unpack them again.
   */
  public static void linkBinaries(Path base) throws IOException {
    Path from = template();
    Files.createDirectories(base);
    Files.createSymbolicLink(base.resolve("pg-bin"), from.resolve("pg-bin"));
  }

  /** The migrated, stopped cluster's data dir, made at first use; a failure is kept and thrown to every caller. */
  private static synchronized Path template() {
    if (failed != null) {
      throw failed;
    }
    if (template == null) {
      try {
        template = build();
      } catch (Exception e) {
        failed = new IllegalStateException("cannot build the migrated template cluster: " + e.getMessage(), e);
        throw failed;
      }
    }
    return template;
  }

  private static Path build() throws Exception {
    long t0 = System.nanoTime();
    Path root = Files.createTempDirectory("huifang-template-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ScopedExtension.deleteRecursively(root),
        "template-cluster-cleanup"));
    Path data = root.resolve("data");
    Files.createDirectories(data.resolve("cache"));
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.start(vertx, new Database.Settings(Optional.empty(), Optional.empty(), Optional.empty(),
          1, data.resolve("pg"), 0)).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
      // A fast shutdown writes a checkpoint: the copies start with nothing to recover.
      db.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
    if (Files.exists(data.resolve("pg/postmaster.pid"))) {
      throw new IllegalStateException("the template cluster did not stop");
    }
    log.atInfo().setMessage("template cluster migrated").addKeyValue("dir", data)
        .addKeyValue("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).log();
    return data;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        // PostgreSQL wants its data directory 0700 (or 0750); the copy keeps each directory's mode.
        Files.setPosixFilePermissions(to.resolve(from.relativize(dir).toString()), Files.getPosixFilePermissions(dir));
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
