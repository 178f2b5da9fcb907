package io.huifang.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiClient;
import io.huifang.pbx.ami.AmiMessage;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server's side of CALL-FLOW.md against the PBX emulator (built-in scenario, 4× time): every outcome class,
 * the answered call joined to a waiting agent's line, the 2 s safe-harbor, and a dropped AMI connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer(flags = "--emulator.speed=" + TelephonyIT.SPEED)
class TelephonyIT {
  static final double SPEED = 4;
  @Injected
  TestServer server;
  CallTracker tracker;
  AgentLines lines;
  final Map<String, JsonObject> ended = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> endedCount = new ConcurrentHashMap<>();
  static final AtomicInteger SEQ = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    AnsweredCalls.Pbx pbx = server.server().telephony().pbx("emulator");
    tracker = pbx.tracker();
    lines = pbx.lines();
    tracker.subscribe(e -> {
      if (e instanceof CallEvent.Ended end) {
        Attempt a = end.attempt();
        ended.put(a.id(), a.snapshot());
        endedCount.computeIfAbsent(a.id(), k -> new AtomicInteger()).incrementAndGet();
      }
    });
  }

  static String newId(String what) {
    return what + "-" + SEQ.incrementAndGet();
  }

  static CallTracker.OriginateRequest call(String id, String number, long ringMillis, boolean amd) {
    return new CallTracker.OriginateRequest(id, 1L, null, null, "PJSIP/" + number + "@huifang-trunk",
        "huifang-answered", "s", "\"Huifang\" <4008001234>", Duration.ofMillis(ringMillis), amd, Map.of());
  }

  JsonObject awaitEnd(String id, long timeoutMs) {
    return Await.atMost(Duration.ofMillis(timeoutMs)).every(Duration.ofMillis(20)).until("attempt " + id + " to end",
        () -> ended.get(id), a -> a != null);
  }

  JsonObject dial(String number, long ringMillis, boolean amd) throws InterruptedException {
    String id = newId("t" + number);
    tracker.originate(call(id, number, ringMillis, amd)).await();
    return awaitEnd(id, 30_000);
  }

  AgentLines.Line agent(long agentId) {
    AgentLines.Line line = lines.open(agentId, "PJSIP/agent-" + agentId, Duration.ofSeconds(30)).await();
    lines.ready(agentId, true);
    return line;
  }

  void notReady(long agentId) {
    lines.ready(agentId, false);
  }

  @Test
  void noAnswerBusyCongestionInvalidAndTimeout() throws Exception {
    JsonObject noAnswer = dial("2001", 30_000, false);
    assertEquals("no_answer", noAnswer.getString("outcome"), noAnswer.encode());
    assertEquals(19, noAnswer.getInteger("hangupCause"));
    assertTrue(noAnswer.getDouble("ringSeconds") > 1.5, "rang 10 s simulated: " + noAnswer.encode());

    JsonObject timeout = dial("8001", 8_000, false);
    assertEquals("no_answer", timeout.getString("outcome"), timeout.encode());
    assertEquals(3, timeout.getInteger("originateReason"), "the Originate's own timeout expired");

    JsonObject busy = dial("3001", 30_000, false);
    assertEquals("busy", busy.getString("outcome"), busy.encode());
    assertEquals(5, busy.getInteger("originateReason"));

    JsonObject congestion = dial("4001", 30_000, false);
    assertEquals("congestion", congestion.getString("outcome"), congestion.encode());
    assertEquals(8, congestion.getInteger("originateReason"));

    JsonObject invalid = dial("00000000000", 30_000, false);
    assertEquals("invalid_number", invalid.getString("outcome"), invalid.encode());

    String id = newId("local9999");
    tracker.originate(new CallTracker.OriginateRequest(id, 1L, null, null, "Local/9999@sim-customers",
        "huifang-answered", "s", null, Duration.ofSeconds(30), false, Map.of())).await();
    JsonObject invalidExten = awaitEnd(id, 30_000);
    assertEquals("invalid_number", invalidExten.getString("outcome"), invalidExten.encode());
    assertNull(invalidExten.getString("answeredAt"));
  }

  @Test
  void aCallPlacedAsTheConnectionComesBackIsNotClosedByTheResync() throws Exception {
    // The resync after a (re)connect lists the PBX's channels; a call placed at that moment has none yet and must
    // not be taken for one that ended while the connection was down.
    String id = newId("t2001");
    java.util.concurrent.CompletableFuture<Void> placed = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
    tracker.ami().onState(s -> {
      if (s == AmiClient.State.CONNECTED && armed.getAndSet(false)) {
        tracker.originate(call(id, "2001", 30_000, false)).onComplete(ar -> placed.complete(null));
      }
    });
    tracker.ami().reconnect(Duration.ofMillis(300));
    placed.get(15, TimeUnit.SECONDS);
    JsonObject a = awaitEnd(id, 30_000);
    assertEquals("no_answer", a.getString("outcome"), a.encode());
    assertEquals(19, a.getInteger("hangupCause"), a.encode());
  }

  @Test
  void originateIntoAMissingContextFailsWithTheReasonKept() throws Exception {
    String id = newId("nosuch");
    tracker.originate(new CallTracker.OriginateRequest(id, 1L, null, null, "PJSIP/1001@huifang-trunk",
        "huifang-nosuch", "nosuchexten", null, Duration.ofSeconds(30), false, Map.of())).await();
    JsonObject a = awaitEnd(id, 10_000);
    assertEquals("failed", a.getString("outcome"));
    assertTrue(a.getString("detail").contains("Extension does not exist"), a.encode());
  }

  @Test
  void answeringMachineIsClassifiedAndNeverGivenToAnAgent() throws Exception {
    JsonObject machine = dial("7001", 30_000, true);
    assertEquals("answered_machine", machine.getString("outcome"), machine.encode());
    assertEquals("MACHINE", machine.getString("amdStatus"));
    assertNull(machine.getLong("agentId"));
  }

  @Test
  void answeredCallIsBridgedToTheWaitingAgentThenAgentHangsUpFirst() throws Exception {
    long agentId = 9001;
    AgentLines.Line line = agent(agentId);
    try {
      String id = newId("bridge");
      tracker.originate(call(id, "6001", 30_000, false)).await();
      Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(20)).until("the agent's line ON_CALL",
          line::state, AgentLines.LineState.ON_CALL::equals);
      assertEquals(AgentLines.LineState.ON_CALL, line.state(), "the agent's line was joined to the customer");
      assertEquals(id, line.attemptId());
      Thread.sleep(300);
      tracker.hangup(id, true).await();
      JsonObject a = awaitEnd(id, 15_000);
      assertEquals("answered_human", a.getString("outcome"), a.encode());
      assertEquals("agent", a.getString("hangupBy"));
      assertEquals(agentId, a.getLong("agentId"));
      assertNotNull(a.getString("bridgedAt"), a.encode());
      Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until("the agent's line WRAP_UP",
          line::state, AgentLines.LineState.WRAP_UP::equals);
      assertEquals(AgentLines.LineState.WRAP_UP, line.state(), "after the call the agent wraps it up");
      lines.endWrapUp(agentId);
      Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until("the agent's line READY",
          line::state, AgentLines.LineState.READY::equals);
      assertEquals(AgentLines.LineState.READY, line.state(), "the line stays up and is ready for the next call");
      JsonObject stored = server.server().database().pool()
          .preparedQuery("select outcome, hangup_by, agent_id, bridged_at is not null as bridged from call_attempt"
              + " where id = $1").execute(io.vertx.sqlclient.Tuple.of(id)).await().iterator().next().toJson();
      assertEquals("answered_human", stored.getString("outcome"));
      assertEquals("agent", stored.getString("hangup_by"));
      assertTrue(stored.getBoolean("bridged"));
    } finally {
      lines.close(agentId).await();
    }
  }

  @Test
  void customerWhoHangsUpDuringTheAgiIsAnAbandonAndTheScriptSurvives() throws Exception {
    // No agent is ready: 1001 answers and hangs up about 5 s later (simulated), inside the 2 s real wait at 4×.
    JsonObject a = dial("1001", 30_000, false);
    assertEquals("abandoned", a.getString("outcome"), a.encode());
    assertEquals("customer", a.getString("hangupBy"));
    // The AGI server keeps serving: a next answered call with an agent ready is bridged.
    long agentId = 9002;
    AgentLines.Line line = agent(agentId);
    try {
      String id = newId("after");
      tracker.originate(call(id, "6002", 30_000, false)).await();
      Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(20)).until("the agent's line ON_CALL",
          line::state, AgentLines.LineState.ON_CALL::equals);
      assertEquals(AgentLines.LineState.ON_CALL, line.state());
      tracker.hangup(id, false).await();
      assertEquals("answered_human", awaitEnd(id, 15_000).getString("outcome"));
    } finally {
      lines.close(agentId).await();
    }
  }

  @Test
  void noAgentWithinTwoSecondsMeansSafeHarborAndAbandon() throws Exception {
    String id = newId("harbor");
    long t0 = System.nanoTime();
    tracker.originate(call(id, "6003", 30_000, false)).await();
    JsonObject a = awaitEnd(id, 30_000);
    assertEquals("abandoned", a.getString("outcome"), a.encode());
    assertEquals("system", a.getString("hangupBy"), "we hung up after the message, not the customer");
    java.time.Instant answered = java.time.Instant.parse(a.getString("answeredAt"));
    java.time.Instant end = java.time.Instant.parse(a.getString("endedAt"));
    // 2 s to decide, then the message (6 s simulated = 1.5 s at 4×).
    long ms = Duration.between(answered, end).toMillis();
    assertTrue(ms >= 1_900 && ms < 6_000, "answer to hang-up " + ms + " ms");
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 30);
  }

  @Test
  void droppedAmiConnectionWithFiftyCallsUpIsResynchronised() throws Exception {
    int n = 50;
    List<Long> agents = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      agents.add(9100L + i);
      agent(9100L + i);
    }
    try {
      for (int i = 0; i < n; i++) {
        String id = newId("resync");
        ids.add(id);
        tracker.originate(call(id, String.valueOf(6100 + i), 60_000, false)).await();
      }
      Await.atMost(Duration.ofSeconds(30)).until("all " + n + " customers with agents",
          () -> lines.lines().stream().filter(l -> l.state() == AgentLines.LineState.ON_CALL).count(), c -> c >= n);
      assertEquals(n, lines.lines().stream().filter(l -> l.state() == AgentLines.LineState.ON_CALL).count(),
          "all 50 customers are with agents");
      List<String> channels = new ArrayList<>();
      for (String id : ids) {
        channels.add(tracker.live(id).channel());
      }
      long connectsBefore = tracker.ami().connects();

      // Another AMI user hangs up 10 customers while our connection is down.
      AmiClient other = new AmiClient(server.server().vertx(), AmiClient.Options.of("other", "127.0.0.1",
          server.server().emulator().amiPort(), "huifang", secretOfServer()));
      other.start();
      other.connected().await(10, TimeUnit.SECONDS);
      // Away for 3 s: the hangups below happen while this client is certainly not connected.
      tracker.ami().reconnect(Duration.ofSeconds(3));
      Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(10)).until("our AMI connection down",
          () -> tracker.ami().state(), state -> state != AmiClient.State.CONNECTED);
      assertNotEquals(AmiClient.State.CONNECTED, tracker.ami().state(), "our connection is down");
      for (int i = 0; i < 10; i++) {
        AmiMessage r = other.send(AmiMessage.action("Hangup").add("Channel", channels.get(i)).add("Cause", "16"))
            .await(5, TimeUnit.SECONDS);
        assertEquals("Success", r.get("Response"), r.toString());
      }
      other.close().await();

      Await.atMost(Duration.ofSeconds(30)).until("the 10 calls hung up while we were away to end",
          () -> ended.keySet().stream().filter(ids::contains).count(), c -> c >= 10);
      assertTrue(tracker.ami().connects() > connectsBefore, "reconnected");
      for (int i = 0; i < 10; i++) {
        JsonObject a = awaitEnd(ids.get(i), 5_000);
        assertEquals("answered_human", a.getString("outcome"), a.encode());
        assertTrue(a.getString("detail", "").contains("AMI connection was down"), a.encode());
      }
      for (int i = 10; i < n; i++) {
        assertNull(ended.get(ids.get(i)), "call " + i + " is still up and still tracked");
        assertNotNull(tracker.live(ids.get(i)));
      }
      // The 40 survivors end normally after the reconnect, each exactly once.
      for (int i = 10; i < n; i++) {
        tracker.hangup(ids.get(i), true).await(5, TimeUnit.SECONDS);
      }
      for (int i = 10; i < n; i++) {
        JsonObject a = awaitEnd(ids.get(i), 15_000);
        assertEquals("answered_human", a.getString("outcome"), a.encode());
        assertEquals("agent", a.getString("hangupBy"));
      }
      Thread.sleep(500);
      for (String id : ids) {
        assertEquals(1, endedCount.get(id).get(), "ended exactly once: " + id);
      }
      long rows = server.server().database().pool()
          .preparedQuery("select count(*) from call_attempt where id = any($1) and state = 'ended'")
          .execute(io.vertx.sqlclient.Tuple.of(ids.toArray(new String[0]))).await().iterator().next().getLong(0);
      assertEquals(n, rows, "one row per call, all ended");
    } finally {
      for (long a : agents) {
        lines.close(a).await();
      }
    }
  }

  private String secretOfServer() {
    return server.amiSecret();
  }
}
