package io.huifang.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.MigratedCluster;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL Huifang did not start (db.url) goes down and comes back (hardening issue, item 3): the same pool works
 * again by itself, {@link Database#available()} follows, and a write made meanwhile waits in the journal and is
 * applied once the server answers.
 */
class DatabaseReconnectIT {
  @Test
  void thePoolReconnectsToAConfiguredServerThatCameBack(@TempDir Path dir) throws Exception {
    MigratedCluster.linkBinaries(dir.resolve("other")); // the binaries unpacked once, not again here
    EmbeddedPostgres external = EmbeddedPostgres.start(dir.resolve("other").resolve("pg"), 0);
    Vertx vertx = Vertx.vertx();
    Database db = null;
    try {
      db = Database.start(vertx, new Database.Settings(Optional.of(external.jdbcUrl()), Optional.of(external.user()),
          Optional.of(external.password()), 2, dir.resolve("huifang").resolve("pg"), 0)).await();
      Database d = db;
      db.pool().query("create table reconnect_probe (id int primary key)").execute().await();
      assertTrue(db.available());

      external.close(); // the server goes away
      Await.atMost(Duration.ofSeconds(15)).until("the database seen away", d::available, up -> !up);
      assertEquals(WriteJournal.KEPT, db.journal().update("insert into reconnect_probe (id) values ($1)"
          + " on conflict do nothing", 1).await(), "a write meanwhile is kept");

      external = EmbeddedPostgres.start(dir.resolve("other").resolve("pg"), external.port()); // and comes back
      Await.atMost(Duration.ofSeconds(20)).until("the database back and the journal applied",
          () -> d.available() && d.journal().pending() == 0, ok -> ok);
      assertEquals(1L, db.pool().query("select count(*) from reconnect_probe").execute().await().iterator().next()
          .getLong(0), "the kept write is applied, through the same pool");
    } finally {
      if (db != null) {
        db.close().await();
      }
      external.close();
      vertx.close().await();
    }
  }
}
