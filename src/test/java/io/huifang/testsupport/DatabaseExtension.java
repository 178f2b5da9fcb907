package io.huifang.testsupport;

import io.huifang.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Starts and stops the database of a {@link WithDatabase} class or method, on a Vert.x of its own. */
final class DatabaseExtension extends ScopedExtension<WithDatabase, DatabaseExtension.Migrated> {
  DatabaseExtension() {
    super(WithDatabase.class);
  }

  /** The database and the Vert.x it runs on, closed in that order. */
  record Migrated(Vertx vertx, Database database) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try {
        database.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      }
    }
  }

  @Override
  Migrated open(WithDatabase settings, Path dir) throws Exception {
    MigratedCluster.copyInto(dir, false);
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.start(vertx, new Database.Settings(Optional.empty(), Optional.empty(), Optional.empty(),
          settings.poolSize(), dir.resolve("pg"), 0)).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
      return new Migrated(vertx, db);
    } catch (Exception | Error e) {
      vertx.close();
      throw e;
    }
  }

  @Override
  Object part(Migrated m, Class<?> type) {
    if (type == Pool.class) {
      return m.database().pool();
    }
    if (type == Database.class) {
      return m.database();
    }
    return type == Vertx.class ? m.vertx() : null;
  }
}
