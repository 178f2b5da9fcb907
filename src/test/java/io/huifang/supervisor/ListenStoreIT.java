package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.auth.AuditLog;
import io.huifang.auth.UserStore;
import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.testsupport.WithDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What listening in decides before any PBX is asked (no softphone, bad mode), the log's rows as written once, and
 * the spy calls a stopped server left open, closed when it starts again.
 */
@WithDatabase
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenStoreIT {
  private Vertx vertx;
  private Pool pool;
  private ListenStore store;
  private AuditLog audit;
  private User supervisor;
  private User agent;

  @BeforeAll
  void setUp(Pool pool) {
    this.vertx = Vertx.vertx();
    this.pool = pool;
    this.store = new ListenStore(pool);
    this.audit = new AuditLog(pool);
    UserStore users = new UserStore(pool);
    supervisor = users.create("sun.zhuguan", "孙主管", Role.SUPERVISOR, "x", false).await();
    agent = users.create("zhou.huifang", "周回访", Role.AGENT, "x", false).await();
  }

  @AfterAll
  void tearDown() {
    vertx.close().await();
  }

  private static <T> Throwable failure(Future<T> f) {
    CompletionException e = assertThrows(CompletionException.class,
        () -> f.toCompletionStage().toCompletableFuture().join());
    return e.getCause();
  }

  @Test
  void withoutASoftphoneOrAPbxNothingIsDialledOrWritten() {
    long before = count("select count(*) from supervisor_listen");
    // Against Asterisk a supervisor needs a softphone set by an admin.
    Listening asterisk = new Listening(vertx, () -> null, store, audit, false, Clock.systemUTC());
    Throwable noPhone = failure(asterisk.listen(supervisor, agent.id(), "listen", "127.0.0.1"));
    assertEquals("no_softphone", ((Problem) noPhone).code());
    assertEquals(409, ((Problem) noPhone).status());
    // With the emulator everyone has one, but here no PBX is connected.
    Listening emulated = new Listening(vertx, () -> null, store, audit, true, Clock.systemUTC());
    Throwable noPbx = failure(emulated.listen(supervisor, agent.id(), "whisper", "127.0.0.1"));
    assertEquals("pbx_unavailable", ((Problem) noPbx).code());
    Throwable badMode = failure(emulated.listen(supervisor, agent.id(), "spy", "127.0.0.1"));
    assertEquals("mode", ((Invalid) badMode).field());
    assertEquals(before, count("select count(*) from supervisor_listen"));
  }

  @Test
  void anEndIsWrittenOnceWithTheSecondsFromAnswerToEnd() {
    Instant t0 = Instant.parse("2026-12-06T02:00:00Z");
    long id = store.started(supervisor.id(), agent.id(), "t9-1-abc", "barge", "pbx-1").await();
    store.answered(id, t0.plusSeconds(3), "PJSIP/8101-0000000a").await();
    assertEquals(42, store.ended(id, t0.plusSeconds(45), "the agent's call ended", null).await());
    assertNull(store.ended(id, t0.plusSeconds(99), "again", null).await(), "the first end stands");
    JsonObject row = store.one(id).await();
    assertEquals(42, row.getInteger("seconds"));
    assertEquals("the agent's call ended", row.getString("endReason"));
    assertEquals("2026-12-06T02:00:45Z", row.getString("endedAt"));
    assertEquals("2026-12-06T02:00:03Z", row.getString("answeredAt"));
    assertEquals("孙主管", row.getString("supervisorName"));
    assertEquals("周回访", row.getString("agentName"));
    assertEquals("barge", row.getString("mode"));
    assertEquals("t9-1-abc", row.getString("attemptId"));
    // Never answered: no time on the line.
    long unanswered = store.started(supervisor.id(), agent.id(), "t9-2-abc", "listen", "pbx-1").await();
    assertEquals(0, store.ended(unanswered, t0.plusSeconds(50), "not answered, reason 3", null).await());

    JsonArray log = store.log(2).await();
    assertEquals(2, log.size());
    assertEquals(unanswered, log.getJsonObject(0).getLong("spyId"), "newest first");
    assertEquals(id, log.getJsonObject(1).getLong("spyId"));
  }

  @Test
  void spyCallsLeftOpenByAStoppedServerAreClosedWhenItStarts() {
    long answered = store.started(supervisor.id(), agent.id(), "t9-3-abc", "listen", "pbx-1").await();
    store.answered(answered, Instant.now().minus(Duration.ofSeconds(30)), "PJSIP/8101-0000000b").await();
    long ringing = store.started(supervisor.id(), agent.id(), "t9-4-abc", "whisper", "pbx-1").await();

    java.util.List<JsonObject> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    var pages = vertx.eventBus().<JsonObject>consumer(io.huifang.web.Push.TO_USER, m -> told.add(m.body()));
    new Listening(vertx, () -> null, store, audit, true, Clock.systemUTC()).start().await();

    for (long id : new long[] {answered, ringing}) {
      Row r = row("select ended_at, seconds, end_reason from supervisor_listen where id = $1", id);
      assertTrue(r.getValue("ended_at") != null, "closed: " + id);
      assertEquals("the server restarted", r.getString("end_reason"));
      assertEquals(1L, row("select count(*) from audit_log where action = 'supervisor.listen.end'"
          + " and (detail->>'spyId')::bigint = $1 and (detail->>'seconds')::int = $2", id, r.getInteger("seconds"))
          .getLong(0));
    }
    assertTrue(row("select seconds from supervisor_listen where id = $1", answered).getInteger("seconds") >= 30);
    assertEquals(0, row("select seconds from supervisor_listen where id = $1", ringing).getInteger("seconds"));
    assertEquals(0L, count("select count(*) from supervisor_listen where ended_at is null"));
    // The supervisor's pages are told each ended (on a cluster they may be open on a node other than the closer).
    io.huifang.testsupport.Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until(
        () -> "sup.listen ended pushed for both: " + told, () -> told.stream().filter(m -> m.getLong("userId")
            == supervisor.id() && "sup.listen".equals(m.getJsonObject("message").getString("type"))
            && "ended".equals(m.getJsonObject("message").getString("state"))).map(m -> m.getJsonObject("message")
            .getLong("spyId")).sorted().toList(), ids -> ids.equals(java.util.List.of(answered, ringing)));
    pages.unregister().await();
  }

  private long count(String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }

  private Row row(String sql, Object... args) {
    return pool.preparedQuery(sql).execute(Tuple.wrap(args)).await().iterator().next();
  }
}
