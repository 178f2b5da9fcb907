package io.huifang.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.WithDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write journal (hardening issue, item 3): what it keeps while the database is away is on disk before the write
 * counts as done, survives a crash of the server (a new journal on the same directory finds it), and is applied in
 * the order it was written, once, when the database answers; a write the database refuses for good is set aside
 * visibly, never dropped and never blocking the rest.
 */
@WithDatabase(poolSize = 2)
class WriteJournalIT {
  @Test
  void keptWritesSurviveARestartAndAreAppliedInOrderOnce(Vertx vertx, Pool pool, @TempDir Path dir) throws Exception {
    pool.query("create table journal_probe (id int primary key, v text, at timestamptz, n bigint[])").execute()
        .await();
    AtomicBoolean up = new AtomicBoolean(true);
    WriteJournal first = journal(vertx, pool, dir, up);
    List<String> applied = new CopyOnWriteArrayList<>();
    first.register("probe", p -> {
      applied.add(p.getString("step"));
      return Future.succeededFuture();
    });

    // While the database answers, a write is applied at once and nothing is kept.
    assertEquals(1, first.update("insert into journal_probe (id, v) values ($1, $2) on conflict do nothing", 1, "a")
        .await());
    assertEquals(0, first.pending());

    // Away: the writes are kept, in order, on disk.
    up.set(false);
    OffsetDateTime at = OffsetDateTime.of(2026, 12, 6, 3, 0, 0, 0, ZoneOffset.UTC);
    assertEquals(WriteJournal.KEPT, first.update("update journal_probe set v = v || $2 where id = $1 and v = 'a'",
        1, "b").await());
    first.write("probe", new JsonObject().put("step", "one")).await();
    assertEquals(WriteJournal.KEPT, first.update("insert into journal_probe (id, v, at, n) values ($1, $2, $3, $4)"
        + " on conflict do nothing", 2, "c", at, new Long[] {7L, 8L}).await());
    first.write("probe", new JsonObject().put("step", "two")).await();
    assertEquals(4, first.pending());
    assertEquals(List.of(), applied, "nothing applied while away");
    assertEquals(4, Files.readAllLines(dir.resolve("writes.jnl")).size(), "each write on disk when it returned");
    // The server dies here (nothing more is written); a torn line at the end is what a crash mid-append leaves.
    first.close();
    Files.writeString(dir.resolve("writes.jnl"), "{\"seq\":99,\"kind\":\"sq", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);

    // The next run finds them and applies them once the database answers, in order.
    up.set(true);
    WriteJournal second = journal(vertx, pool, dir, up);
    second.register("probe", p -> {
      applied.add(p.getString("step"));
      return Future.succeededFuture();
    });
    assertEquals(4, second.pending(), "the kept writes of the earlier run, not the torn line");
    // Written now, while older writes wait: it goes after them.
    assertEquals(WriteJournal.KEPT, second.update("update journal_probe set v = v || 'd' where id = $1", 2).await());
    for (String line : Files.readAllLines(dir.resolve("writes.jnl"))) {
      assertTrue(line.startsWith("{\"seq\":") && new JsonObject(line).containsKey("kind"),
          "the torn line was cut off, the new write is a line of its own: " + line);
    }
    assertEquals(5, second.replay().await());
    assertEquals(0, second.pending());
    assertEquals(List.of("one", "two"), applied);
    JsonObject row1 = pool.query("select v from journal_probe where id = 1").execute().await().iterator().next()
        .toJson();
    assertEquals("ab", row1.getString("v"));
    var row2 = pool.query("select v, at, n from journal_probe where id = 2").execute().await().iterator().next();
    assertEquals("cd", row2.getString("v"), "the later update applied after the insert it follows");
    assertEquals(at.toInstant(), row2.getOffsetDateTime("at").toInstant());
    assertEquals(List.of(7L, 8L), List.of(row2.getArrayOfLongs("n")));
    assertEquals(0L, Files.size(dir.resolve("writes.jnl")), "emptied once everything is applied");

    // Replaying again (a third run) applies nothing twice.
    second.close();
    WriteJournal third = journal(vertx, pool, dir, up);
    assertEquals(0, third.pending());
    assertEquals(0, third.replay().await());
    third.close();
  }

  @Test
  void aWriteTheDatabaseRefusesIsSetAsideVisiblyAndTheRestGoesOn(Vertx vertx, Pool pool, @TempDir Path dir)
      throws Exception {
    pool.query("create table journal_refusal (id int primary key, v text not null)").execute().await();
    AtomicBoolean up = new AtomicBoolean(false);
    WriteJournal j = journal(vertx, pool, dir, up);
    j.update("insert into journal_refusal (id, v) values ($1, $2)", 1, null).await();
    j.update("insert into journal_refusal (id, v) values ($1, $2)", 2, "kept").await();
    up.set(true);
    assertEquals(1, j.replay().await(), "the second applied, the first refused");
    assertEquals(0, j.pending());
    assertEquals(1L, pool.query("select count(*) from journal_refusal").execute().await().iterator().next()
        .getLong(0));
    List<String> rejected = Files.readAllLines(dir.resolve("writes.rejected"));
    assertEquals(1, rejected.size(), String.valueOf(rejected));
    assertTrue(rejected.get(0).contains("journal_refusal") && rejected.get(0).contains("null value"), rejected.get(0));
    // A refusal while the database answers is the caller's to see, not kept.
    assertThrows(Exception.class, () -> j.update("insert into journal_refusal (id, v) values ($1, $2)", 3, null)
        .await());
    assertEquals(0, j.pending());
    j.close();
  }

  @Test
  void aWriteMadeWhenTheDatabaseDoesNotAnswerIsKept(Vertx vertx, Pool pool, @TempDir Path dir) throws Exception {
    // The database is believed up, but the connection is refused: the failure itself sends the write to the journal.
    Pool nowhere = io.vertx.pgclient.PgBuilder.pool().connectingTo(new io.vertx.pgclient.PgConnectOptions()
        .setHost("127.0.0.1").setPort(freePort()).setDatabase("x").setUser("x").setPassword("x")).using(vertx).build();
    WriteJournal j = new WriteJournal(vertx, nowhere, dir, () -> true);
    j.open();
    assertEquals(WriteJournal.KEPT, j.update("update anything set x = 1").await());
    assertEquals(1, j.pending());
    j.close();
    nowhere.close().await();
  }

  private static WriteJournal journal(Vertx vertx, Pool pool, Path dir, AtomicBoolean up) {
    WriteJournal j = new WriteJournal(vertx, pool, dir, up::get);
    j.open();
    return j;
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
