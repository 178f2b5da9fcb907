package io.huifang.db.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Injected;
import io.huifang.testsupport.WithDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease's SQL on the embedded PostgreSQL: compare-and-set, the database's clock, epochs, races. */
@WithDatabase(poolSize = 8)
class LeaseStoreIT {
  static final Duration TTL = Duration.ofSeconds(10);

  @Injected
  Pool pool;
  @Injected
  Vertx vertx;

  <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Moves the lease's end into the past, as the database's clock passing it would. */
  void runOut(String name) throws Exception {
    await(pool.preparedQuery("update node_lease set expires_at = now() - interval '1 millisecond' where name = $1")
        .execute(Tuple.of(name)));
  }

  @Test
  void takeRenewLoseAndTakeAgainWithANewEpoch() throws Exception {
    LeaseStore store = new LeaseStore(pool);
    assertEquals(1, await(store.take("pbx:one", "node-a", TTL)));
    assertEquals(0, await(store.take("pbx:one", "node-b", TTL)), "held by a: b is refused");
    assertTrue(await(store.renew("pbx:one", "node-a", 1, TTL)));
    assertFalse(await(store.renew("pbx:one", "node-b", 1, TTL)), "only the holder renews");
    runOut("pbx:one");
    assertFalse(await(store.renew("pbx:one", "node-a", 1, TTL)), "a grant that ran out is not renewed");
    assertEquals(2, await(store.take("pbx:one", "node-b", TTL)), "a new holder, a new epoch");
    assertFalse(await(store.renew("pbx:one", "node-a", 1, TTL)), "the stale holder's renewal is refused");
    assertFalse(await(store.renew("pbx:one", "node-a", 2, TTL)), "even with the current epoch, not its grant");
    assertEquals(0, await(store.take("pbx:one", "node-a", TTL)));
    assertEquals("node-b", await(store.current("pbx:one")).getString("holder"));
    assertTrue(await(store.release("pbx:one", "node-b", 2)));
    assertEquals(3, await(store.take("pbx:one", "node-a", TTL)), "released: taken at once, epoch raised");
    assertEquals(4, await(store.take("pbx:one", "node-a", TTL)), "its own holder takes it again (a restart)");
    assertFalse(await(store.renew("pbx:one", "node-a", 3, TTL)), "which fences its earlier grant");
    assertNull(await(store.current("pbx:never")));
  }

  @Test
  void theFenceConditionHoldsOnlyForTheCurrentLiveGrant() throws Exception {
    LeaseStore store = new LeaseStore(pool);
    long e = await(store.take("pbx:fence", "node-a", TTL));
    String sql = "select " + LeaseStore.currentGrant(1, 2) + " as ok";
    assertTrue(holds(sql, "pbx:fence", e));
    assertFalse(holds(sql, "pbx:fence", e - 1));
    runOut("pbx:fence");
    assertFalse(holds(sql, "pbx:fence", e),
        "run out by the database's clock");
  }

  @Test
  void theAnswersFenceHoldsForTheLatestGrantRunOutOrNotUntilAnotherIsGranted() throws Exception {
    LeaseStore store = new LeaseStore(pool);
    long e = await(store.take("pbx:answers", "node-a", TTL));
    String sql = "select " + LeaseStore.latestGrant(1, 2) + " as ok";
    assertTrue(holds(sql, "pbx:answers", e));
    runOut("pbx:answers");
    assertTrue(holds(sql, "pbx:answers", e),
        "run out, but nobody granted it since");
    assertEquals(e + 1, await(store.take("pbx:answers", "node-b", TTL)));
    assertFalse(holds(sql, "pbx:answers", e), "granted to another node since");
    assertFalse(holds(sql, "pbx:other", e),
        "another lease's name");
  }

  /** Whether a fence condition ({@code sql}, parameters name and epoch) holds now in the database. */
  private boolean holds(String sql, String name, long epoch) throws Exception {
    return await(pool.preparedQuery(sql).execute(Tuple.of(name, epoch))).iterator().next().getBoolean("ok");
  }

  @Test
  void manyHoldersRacingForOneLeaseExactlyOneWins() throws Exception {
    LeaseStore store = new LeaseStore(pool);
    for (int round = 0; round < 5; round++) {
      String name = "pbx:race-" + round;
      List<Future<Long>> takes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        takes.add(store.take(name, "node-" + i, TTL));
      }
      await(Future.join(takes));
      long winners = takes.stream().filter(f -> f.result() > 0).count();
      assertEquals(1, winners, "round " + round);
      assertEquals(1, await(store.current(name)).getLong("epoch"));
    }
  }

  @Test
  void twoNodesOneLeaseTheLoserNeverActsAndTakesOverWhenTheHolderStops() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    Leases a = new Leases(vertx, new LeaseStore(pool), "node-a", TTL, Duration.ofSeconds(3), Duration.ofSeconds(1),
        now::get).want("pbx:two").want("job:task-expiry");
    Leases b = new Leases(vertx, new LeaseStore(pool), "node-b", TTL, Duration.ofSeconds(3), Duration.ofSeconds(1),
        now::get).want("pbx:two").want("job:task-expiry");
    await(Future.join(a.tick(), b.tick()));
    assertTrue(a.held("pbx:two") ^ b.held("pbx:two"), "exactly one holds the PBX");
    Leases winner = a.held("pbx:two") ? a : b;
    Leases loser = winner == a ? b : a;
    assertNotNull(winner.fence("pbx:two"));
    assertNull(loser.fence("pbx:two"));
    long epoch = winner.fence("pbx:two").epoch();
    now.addAndGet(3_000);
    await(Future.join(a.tick(), b.tick()));
    assertEquals(epoch, winner.fence("pbx:two").epoch(), "renewed, same epoch");
    assertNull(loser.fence("pbx:two"));
    await(winner.stop());
    assertFalse(winner.held("pbx:two"));
    now.addAndGet(3_000);
    await(loser.tick());
    assertTrue(loser.held("pbx:two"), "released: the other node takes it at its next try");
    assertEquals(epoch + 1, loser.fence("pbx:two").epoch());
    await(loser.stop());
  }
}
