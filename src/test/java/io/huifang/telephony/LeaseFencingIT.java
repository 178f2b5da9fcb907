package io.huifang.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.db.lease.LeaseStore;
import io.huifang.db.lease.Leases;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 22's foundation on one server and its emulated PBX: the node takes its PBX's lease at start; two holders
 * racing for a lease get exactly one grant; an originate in the name of a grant the database no longer knows as
 * current (a stale owner: frozen, then resumed, still believing it holds the PBX) is refused by the database, no call
 * reaches the PBX, and the refusal is counted; with the current grant the same originate goes out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer(flags = "--emulator.speed=2")
class LeaseFencingIT {
  static final String PBX = Leases.PBX + "emulator";
  @Injected
  TestServer server;
  Pool pool;
  Vertx vertx;
  CallTracker tracker;
  final Map<String, JsonObject> events = new ConcurrentHashMap<>();
  static final AtomicInteger SEQ = new AtomicInteger();

  @BeforeAll
  void start() {
    pool = server.server().database().pool();
    vertx = server.server().vertx();
    tracker = server.server().telephony().pbx("emulator").tracker();
    tracker.subscribe(e -> {
      if (e instanceof CallEvent.Ended end) {
        events.put(end.attempt().id(), end.attempt().snapshot());
      } else if (e instanceof CallEvent.Originating o) {
        events.putIfAbsent(o.attempt().id(), new JsonObject().put("originating", true));
      }
    });
  }

  <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  static CallTracker.OriginateRequest busyCall(String id) {
    return new CallTracker.OriginateRequest(id, 1L, null, null, "PJSIP/3001@huifang-trunk", "huifang-answered", "s",
        null, Duration.ofSeconds(20), false, Map.of());
  }

  long rows(String attemptId) throws Exception {
    return await(pool.preparedQuery("select count(*) as n from call_attempt where id = $1")
        .execute(Tuple.of(attemptId))).iterator().next().getLong("n");
  }

  /**
   * Until the database names this node the PBX's holder and the node acts with that grant's epoch (after a test took
   * the PBX away, the node may still believe in its old grant until its next renewal is refused).
   */
  void awaitNodeHoldsItsPbx() {
    Leases mine = server.server().leases();
    Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(100)).until("the node to hold its PBX",
        () -> {
          JsonObject row = new LeaseStore(pool).current(PBX).await();
          Leases.Fence f = mine.fence(PBX);
          // …and has taken it over under that grant (its calls re-read and adopted): only then does it dial
          return row != null && f != null && row.getBoolean("live") && mine.holder().equals(row.getString("holder"))
              && f.epoch() == row.getLong("epoch") && tracker.owned();
        }, ok -> ok);
  }

  @Test
  void theNodeHoldsItsPbxAndEveryJobFromStartAndDialsWithItsEpoch() throws Exception {
    awaitNodeHoldsItsPbx();
    Leases leases = server.server().leases();
    JsonObject row = await(new LeaseStore(pool).current(PBX));
    assertEquals(leases.holder(), row.getString("holder"));
    assertTrue(row.getBoolean("live"));
    assertNotNull(leases.fence(PBX));
    assertEquals(row.getLong("epoch"), leases.fence(PBX).epoch());
    for (Object o : leases.status()) {
      assertTrue(((JsonObject) o).getBoolean("held"), "held on one node: " + o);
    }
    assertTrue(leases.status().size() >= 7, leases.status().encode());
    assertTrue(tracker.owned());
    JsonObject status = server.server().dialer().status().await().getJsonArray("pbxes").getJsonObject(0);
    assertTrue(status.getBoolean("owned"), status.encode());
    assertEquals(tracker.fencedOriginates(), status.getLong("fencedOriginates"), status.encode());

    String id = "fence-ok-" + SEQ.incrementAndGet();
    tracker.originate(busyCall(id)).await();
    JsonObject end = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(50))
        .until("the call to end", () -> events.get(id), e -> e != null && e.getString("outcome") != null);
    assertEquals("busy", end.getString("outcome"), end.encode());
    assertEquals(1, rows(id));
  }

  @Test
  void twoHoldersRaceForOnePbxOneWinsAndTheLosersOriginateIsRefusedByTheDatabase() throws Exception {
    awaitNodeHoldsItsPbx();
    LeaseStore store = new LeaseStore(pool);
    Leases mine = server.server().leases();
    long before = mine.fence(PBX).epoch();
    // The node is frozen (SIGSTOP) past its grant: the grant runs out by the database's clock and two other nodes
    // race for the PBX.
    runOutPbxLease();
    Leases b = new Leases(vertx, store, "node-b").want(PBX);
    Leases c = new Leases(vertx, store, "node-c").want(PBX);
    try {
      await(Future.join(b.tick(), c.tick()));
      assertTrue(b.held(PBX) ^ c.held(PBX), "exactly one of the racing nodes holds the PBX");
      Leases winner = b.held(PBX) ? b : c;
      long current = winner.fence(PBX).epoch();
      assertEquals(before + 1, current, "a new holder, the next epoch");
      assertEquals(winner.holder(), await(store.current(PBX)).getString("holder"));

      // The frozen node resumes believing it still holds its grant (its check passed before it froze) and dials.
      tracker.fenceWith(() -> new Leases.Fence(PBX, before));
      long fencedBefore = tracker.fencedOriginates();
      String stale = "fence-stale-" + SEQ.incrementAndGet();
      Throwable refused = assertInstanceOfFailure(tracker.originate(busyCall(stale)));
      CallTracker.NotDialled nd = assertInstanceOf(CallTracker.NotDialled.class, refused);
      assertTrue(nd.fenced(), refused.toString());
      assertEquals(fencedBefore + 1, tracker.fencedOriginates(), "counted");
      assertEquals(0, rows(stale), "no attempt row: the database refused it");
      Thread.sleep(500);
      assertNull(events.get(stale), "nothing reached the PBX");

      // Its own leases learn at the next renewal that the grant is gone: it stops dialling on that PBX.
      tracker.fenceWith(() -> mine.fence(PBX));
      Await.atMost(Duration.ofSeconds(8)).every(Duration.ofMillis(100)).until("the node to see it lost the PBX",
          () -> mine.held(PBX), held -> !held);
      assertFalse(tracker.owned());
      String notOwner = "fence-not-owner-" + SEQ.incrementAndGet();
      assertInstanceOf(CallTracker.NotDialled.class, assertInstanceOfFailure(tracker.originate(busyCall(notOwner))));
      assertEquals(fencedBefore + 2, tracker.fencedOriginates());
      assertEquals(0, rows(notOwner));

      // The winner stops cleanly: the node takes its PBX back, with a newer epoch, and dials again.
      await(winner.stop());
      Await.atMost(Duration.ofSeconds(8)).every(Duration.ofMillis(100)).until("the node to take its PBX back",
          () -> mine.fence(PBX), f -> f != null);
      assertEquals(current + 1, mine.fence(PBX).epoch());
      String again = "fence-again-" + SEQ.incrementAndGet();
      tracker.originate(busyCall(again)).await();
      assertEquals(1, rows(again));
    } finally {
      tracker.fenceWith(() -> mine.fence(PBX));
      await(Future.join(b.stop(), c.stop()));
      awaitNodeHoldsItsPbx();
    }
  }

  /**
   * The window after the check: the attempt was written under the current grant, then the node froze before (or
   * while) the Originate went out, and another node took the PBX. The customer answers; the node's own lease says its
   * grant is over (a frozen node's does when it wakes: the lease's monotonic clock ran on), so the answered-call script
   * asks the database about the call's HF_EPOCH and gives no agent, though one is ready.
   */
  @Test
  void aCallDialledUnderAGrantThatEndedBeforeTheAnswerGetsNoAgent() throws Exception {
    LeaseStore store = new LeaseStore(pool);
    Leases mine = server.server().leases();
    AgentLines lines = server.server().telephony().pbx("emulator").lines();
    long agentId = 9101;
    lines.open(agentId, "PJSIP/agent-" + agentId, Duration.ofSeconds(30)).await();
    lines.ready(agentId, true);
    Leases b = new Leases(vertx, store, "node-b").want(PBX);
    awaitNodeHoldsItsPbx();
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    tracker.fenceWith(() -> over.get() ? null : mine.fence(PBX));
    try {
      long before = mine.fence(PBX).epoch();
      long fencedBefore = tracker.fencedOriginates();
      String id = "fence-answered-" + SEQ.incrementAndGet();
      // 1XXX rings 2 s simulated, 1 s here (speed 2), then answers: the PBX's lease changes hands while it rings.
      dial(id, "PJSIP/1005@huifang-trunk", 20);
      assertEquals(1, rows(id), "written under the grant current then");
      runOutPbxLease();
      await(b.tick());
      assertEquals(before + 1, b.fence(PBX).epoch());
      long asked = tracker.answersAskedOfDatabase();
      over.set(true); // the node's lease: its grant is over
      JsonObject end = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(50))
          .until("the call to end", () -> events.get(id), e -> e != null && e.getString("outcome") != null);
      assertEquals(asked + 1, tracker.answersAskedOfDatabase(), "the answer asked the database");
      assertEquals("abandoned", end.getString("outcome"), end.encode());
      assertTrue(String.valueOf(end.getString("detail")).startsWith("fenced"), end.encode());
      assertNull(end.getValue("agentId"), "no agent for a stale owner's call: " + end.encode());
      assertEquals(fencedBefore + 1, tracker.fencedOriginates(), "counted");
      JsonObject row = await(pool.preparedQuery("select outcome, agent_id, (raw->>'fenced')::boolean as fenced"
          + " from call_attempt where id = $1").execute(Tuple.of(id))).iterator().next().toJson();
      assertEquals("abandoned", row.getString("outcome"));
      assertTrue(row.getBoolean("fenced"), row.encode());
      assertNull(row.getValue("agent_id"));
    } finally {
      tracker.fenceWith(() -> mine.fence(PBX));
      await(b.stop());
      awaitNodeHoldsItsPbx();
      lines.close(agentId).await();
    }
  }

  /**
   * The usual answer: the node holds the grant the call was dialled under, and the database said that grant was
   * current after the call's Originate went out (the tracker asks now and then while it dials), so the answer is
   * decided without a round trip to the database and the customer gets the ready agent.
   */
  @Test
  void aCallAnsweredUnderTheHeldGrantConfirmedAfterItsOriginateIsDecidedWithoutTheDatabase() throws Exception {
    Leases mine = server.server().leases();
    AgentLines lines = server.server().telephony().pbx("emulator").lines();
    long agentId = 9102;
    lines.open(agentId, "PJSIP/agent-" + agentId, Duration.ofSeconds(30)).await();
    lines.ready(agentId, true);
    awaitNodeHoldsItsPbx();
    try {
      long asked = tracker.answersAskedOfDatabase();
      long fencedBefore = tracker.fencedOriginates();
      String id = "fence-vouched-" + SEQ.incrementAndGet();
      dial(id, "PJSIP/1006@huifang-trunk", 20);
      JsonObject end = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(50))
          .until("the call to end", () -> events.get(id), e -> e != null && e.getString("outcome") != null);
      assertEquals(agentId, end.getLong("agentId"), "the ready agent took the customer: " + end.encode());
      assertEquals(asked, tracker.answersAskedOfDatabase(), "decided without asking the database");
      assertEquals(fencedBefore, tracker.fencedOriginates());
      assertEquals(mine.fence(PBX).epoch(), await(new LeaseStore(pool).current(PBX)).getLong("epoch"));
    } finally {
      lines.close(agentId).await();
    }
  }

  /**
   * The node's own grant runs out while a call it dialled rings (its renewals unanswered: a loaded machine, a slow
   * database) and nobody is granted the PBX meanwhile: the customer who answers gets the node's ready agent. Only a
   * grant to someone since fences an answer (LeaseStore.latestGrant); before, the answer was fenced and abandoned,
   * 19 of 27 abandons of a 20-minute kill run (BENCHMARKS.md, "SIGKILL of pbx1's owner, long runs").
   */
  @Test
  void aCallAnsweredWhileTheNodesOwnGrantHasRunOutAndNobodyWasGrantedThePbxGetsItsAgent() throws Exception {
    Leases mine = server.server().leases();
    AgentLines lines = server.server().telephony().pbx("emulator").lines();
    long agentId = 9103;
    lines.open(agentId, "PJSIP/agent-" + agentId, Duration.ofSeconds(30)).await();
    lines.ready(agentId, true);
    awaitNodeHoldsItsPbx();
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    tracker.fenceWith(() -> over.get() ? null : mine.fence(PBX));
    io.vertx.sqlclient.SqlConnection lock = await(pool.getConnection());
    io.vertx.sqlclient.Transaction tx = null;
    try {
      long before = mine.fence(PBX).epoch();
      long fencedBefore = tracker.fencedOriginates();
      String id = "fence-lapsed-" + SEQ.incrementAndGet();
      dial(id, "PJSIP/1007@huifang-trunk", 20);
      assertEquals(1, rows(id), "written under the grant current then");
      // The lapse: the grant runs out, and its row stays locked so that nobody (this node neither) takes it again
      // while the call rings; the fence's read is not held up by the lock.
      runOutPbxLease();
      tx = await(lock.begin());
      long epochNow = await(lock.preparedQuery("select epoch from node_lease where name = $1 for update")
          .execute(Tuple.of(PBX))).iterator().next().getLong("epoch");
      assertEquals(before, epochNow, "nobody took the PBX between the run-out and the lock");
      over.set(true); // the node's lease: its grant is over
      long asked = tracker.answersAskedOfDatabase();
      JsonObject end = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(50))
          .until("the call to end", () -> events.get(id), e -> e != null && e.getString("outcome") != null);
      assertEquals(asked + 1, tracker.answersAskedOfDatabase(), "the answer asked the database");
      assertEquals(agentId, end.getLong("agentId"), "the node's ready agent took the customer: " + end.encode());
      assertEquals(fencedBefore, tracker.fencedOriginates(), "not fenced");
    } finally {
      if (tx != null) {
        await(tx.rollback());
      }
      await(lock.close());
      tracker.fenceWith(() -> mine.fence(PBX));
      awaitNodeHoldsItsPbx();
      lines.close(agentId).await();
    }
  }

  /**
   * Taking a PBX over under a new grant (docs/cluster.md, "Taking a PBX over"): a call still ringing that was dialled
   * under an older grant is hung up before anyone can answer it, rather than fenced at the answer as an abandon.
   */
  @Test
  void aCallStillRingingWhenTheNodeTakesThePbxOverUnderANewGrantIsHungUp() throws Exception {
    LeaseStore store = new LeaseStore(pool);
    Leases mine = server.server().leases();
    Leases b = new Leases(vertx, store, "node-b").want(PBX);
    awaitNodeHoldsItsPbx();
    try {
      long before = mine.fence(PBX).epoch();
      String id = "fence-ringing-" + SEQ.incrementAndGet();
      // 8XXX rings for two minutes, unanswered.
      dial(id, "PJSIP/8001@huifang-trunk", 60);
      Thread.sleep(500);
      assertTrue(events.get(id) == null || events.get(id).getString("outcome") == null, "still ringing");
      // The grant runs out, another node holds the PBX a moment, and gives it back: the node takes it again under a
      // newer grant and takes it over.
      runOutPbxLease();
      await(b.tick());
      assertEquals(before + 1, b.fence(PBX).epoch());
      await(b.stop());
      awaitNodeHoldsItsPbx();
      assertEquals(before + 2, mine.fence(PBX).epoch());
      JsonObject end = Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(50))
          .until("the ringing call hung up", () -> events.get(id), e -> e != null && e.getString("outcome") != null);
      assertTrue(String.valueOf(end.getString("detail")).startsWith("hung up ringing at the take-over"),
          end.encode());
      assertNull(end.getString("answeredAt"), "never answered: " + end.encode());
      assertTrue(!"abandoned".equals(end.getString("outcome")), "not an abandon: " + end.encode());
    } finally {
      await(b.stop());
      awaitNodeHoldsItsPbx();
    }
  }

  /**
   * A FastAGI server that accepts the connection, reads what the PBX sends and never answers: a node frozen in the
   * middle of the answered-call script (SIGSTOP, a long GC pause) or cut off by a partition that leaves the TCP
   * connection open. Each session records its lines with the time they came, and when the PBX closed it.
   */
  static final class StalledNode implements AutoCloseable {
    record Line(long atNanos, String text) {
    }

    static final class Session {
      final long acceptedAt = System.nanoTime();
      final List<Line> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      volatile long closedAt;

      String env(String key) {
        return lines.stream().map(Line::text).filter(l -> l.startsWith(key + ": ")).findFirst()
            .map(l -> l.substring(key.length() + 2)).orElse(null);
      }

      List<Long> hangups() {
        return lines.stream().filter(l -> l.text().equals("HANGUP")).map(Line::atNanos).toList();
      }
    }

    final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final java.util.concurrent.LinkedBlockingQueue<Session> sessions = new java.util.concurrent.LinkedBlockingQueue<>();

    StalledNode() throws java.io.IOException {
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            java.net.Socket s = server.accept();
            Session session = new Session();
            sessions.add(session);
            Thread r = new Thread(() -> read(s, session), "stalled-agi-session");
            r.setDaemon(true);
            r.start();
          } catch (java.io.IOException e) {
            return;
          }
        }
      }, "stalled-agi");
      t.setDaemon(true);
      t.start();
    }

    private static void read(java.net.Socket s, Session session) {
      try (s) {
        java.io.BufferedReader in = new java.io.BufferedReader(
            new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          session.lines.add(new Line(System.nanoTime(), line));
        }
      } catch (java.io.IOException e) {
        session.lines.add(new Line(System.nanoTime(), "!!! " + e));
      }
      session.closedAt = System.nanoTime();
    }

    String url() {
      return "agi://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }

  /** The dialplan's global HUIFANG_AGI at the PBX (AMI Getvar / Setvar without a channel: a global variable). */
  String globalAgi() throws Exception {
    return await(tracker.ami().send(io.huifang.pbx.ami.AmiMessage.action("Getvar").add("Variable", "HUIFANG_AGI")))
        .get("Value", "");
  }

  void setGlobalAgi(String url) throws Exception {
    io.huifang.pbx.ami.AmiMessage r = await(tracker.ami().send(io.huifang.pbx.ami.AmiMessage.action("Setvar")
        .add("Variable", "HUIFANG_AGI").add("Value", url)));
    assertEquals("Success", r.get("Response"), r.toString());
  }

  /** When each attempt's customer began to hear the safe-harbor message (its Playback, from the PBX's events). */
  final Map<String, Long> safeHarborAt = new ConcurrentHashMap<>();
  private boolean listening;

  void listenForSafeHarbor() {
    if (!listening) {
      listening = true;
      tracker.ami().onEvent(e -> {
        if ("Newexten".equals(e.get("Event")) && "Playback".equals(e.get("Application"))
            && e.get("AppData", "").startsWith("huifang/safe-harbor")) {
          safeHarborAt.putIfAbsent(e.get("Uniqueid", ""), System.nanoTime());
        }
      });
    }
  }

  /** 5XXX answers at once and stays on the line: only the dialplan ends the call. */
  static CallTracker.OriginateRequest patientCustomer(String id) {
    return patientCustomer(id, 1L);
  }

  static CallTracker.OriginateRequest patientCustomer(String id, long campaignId) {
    return new CallTracker.OriginateRequest(id, campaignId, null, null, "PJSIP/5401@huifang-trunk", "huifang-answered",
        "s", null, Duration.ofSeconds(20), false, Map.of());
  }

  Http admin;
  long dialledCampaign;

  /**
   * A campaign the dialer runs, so that GET /api/dialer lists it; it has no customers, so it dials nothing itself:
   * the tests place calls in its name.
   */
  long campaignTheDialerRuns() throws Exception {
    if (dialledCampaign == 0) {
      admin = new Http(server);
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      dialledCampaign = io.huifang.dialer.DialerCampaigns.allDayProgressive(admin,
          io.huifang.dialer.DialerCampaigns.dealer(admin, "LF01", "栅栏测试4S店"), "AGI 超时计数", null);
      await(server.server().dialer().reloadNow());
      Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(100)).until("the dialer runs the campaign",
          () -> campaignFigures(), c -> c != null);
    }
    return dialledCampaign;
  }

  /** The PBX's figures as GET /api/dialer gives them. */
  JsonObject pbxFigures() {
    Http.Response r = admin.get("/api/dialer");
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("pbxes").stream().map(JsonObject.class::cast)
        .filter(p -> "emulator".equals(p.getString("pbx"))).findFirst().orElseThrow();
  }

  /** The campaign's figures as GET /api/dialer gives them; null until the dialer runs it. */
  JsonObject campaignFigures() {
    Http.Response r = admin.get("/api/dialer");
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("campaigns").stream().map(JsonObject.class::cast)
        .filter(c -> c.getLong("campaignId") == dialledCampaign).findFirst().orElse(null);
  }

  /** Calls whose script timed out, as GET /api/dialer counts them: the PBX's, the campaign's, its share on the PBX. */
  String agiTimeoutsCounted() {
    JsonObject c = campaignFigures();
    return pbxFigures().getLong("agiTimeouts") + "/" + c.getLong("agiTimeouts") + "/"
        + c.getJsonArray("pbxes").getJsonObject(0).getLong("agiTimeouts");
  }

  static String plusOne(String counted) {
    StringBuilder out = new StringBuilder();
    for (String n : counted.split("/")) {
      out.append(out.length() == 0 ? "" : "/").append(Long.parseLong(n) + 1);
    }
    return out.toString();
  }

  long abandonsOf(long campaign) throws Exception {
    return await(new AttemptStore(pool).abandonHistory(campaign, java.time.Instant.now().plusSeconds(1))).stream()
        .mapToLong(AttemptStore.AbandonBucket::abandons).sum();
  }

  /**
   * One node, frozen in the middle of the answered-call script with its FastAGI connection open (the dialplan's global
   * address names it; no agent can be given): the dialplan's absolute timeout (5 s) ends the wait, the customer hears
   * the safe-harbor message within a few seconds more, and the attempt ends abandoned, by the system, counted in the
   * campaign's abandons, saying why. Without Set(TIMEOUT(absolute)) around the AGI in dialplans/extensions.conf the
   * customer waits in silence as long as the connection stays open, and this fails.
   */
  @Test
  void aCustomerWhoseFastAgiNodeFreezesHearsTheSafeHarborWithinTheTimeoutAndIsCountedAbandoned() throws Exception {
    awaitNodeHoldsItsPbx();
    listenForSafeHarbor();
    String global = globalAgi();
    try (StalledNode frozen = new StalledNode()) {
      long campaign = campaignTheDialerRuns();
      String countedBefore = agiTimeoutsCounted();
      setGlobalAgi(frozen.url());
      long abandonsBefore = abandonsOf(campaign);
      String id = "agi-frozen-" + SEQ.incrementAndGet();
      tracker.originate(patientCustomer(id, campaign)).await();
      StalledNode.Session s = frozen.sessions.poll(15, TimeUnit.SECONDS);
      assertNotNull(s, "the answered call's script reached the frozen node");
      assertEquals(id, Await.atMost(Duration.ofSeconds(3)).every(Duration.ofMillis(10))
          .until("the request", () -> s.env("agi_arg_1"), a -> a != null), "the attempt");
      Long harbor = Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(20))
          .until("the safe-harbor message", () -> safeHarborAt.get(id), at -> at != null);
      double waited = (harbor - s.acceptedAt) / 1e9;
      System.out.printf("frozen node (one node): safe-harbor message %.3f s after the script began%n", waited);
      assertTrue(waited >= 4.5 && waited < 7.5, "the safe-harbor message 5 s (+ a little) after the script began: "
          + waited + " s");
      // The PBX told the frozen node HANGUP at the timeout, once more as AGI() returned, and closed the connection.
      assertEquals(2, s.hangups().size(), s.lines.toString());
      double told = (s.hangups().get(0) - s.acceptedAt) / 1e9;
      assertTrue(told >= 4.5 && told < 6.5, "told at the timeout: " + told + " s");
      Await.atMost(Duration.ofSeconds(3)).every(Duration.ofMillis(20)).until("the PBX to close the connection",
          () -> s.closedAt, at -> at != 0);

      JsonObject end = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(50))
          .until("the call to end", () -> events.get(id), e -> e != null && e.getString("outcome") != null);
      assertEquals("abandoned", end.getString("outcome"), end.encode());
      assertNull(end.getValue("agentId"), end.encode());
      JsonObject row = await(pool.preparedQuery("select outcome, hangup_by, detail, answered_at is not null as answered,"
          + " (raw->>'agiTimeouts')::int as timeouts from call_attempt where id = $1").execute(Tuple.of(id)))
          .iterator().next().toJson();
      assertEquals("abandoned", row.getString("outcome"), row.encode());
      assertTrue(row.getBoolean("answered"), row.encode());
      assertEquals("system", row.getString("hangup_by"), "the dialplan hung up after the message: " + row.encode());
      assertEquals(1, row.getInteger("timeouts"), row.encode());
      assertTrue(row.getString("detail").contains("FastAGI script gave no decision"), row.encode());
      assertEquals(abandonsBefore + 1, abandonsOf(campaign), "counted in the campaign's abandons");
      // And counted where supervisors read the dialer's figures: the PBX's, the campaign's and its share on the PBX.
      assertEquals(plusOne(countedBefore), agiTimeoutsCounted(), "pbx/campaign/campaign's share in GET /api/dialer");
    } finally {
      setGlobalAgi(global);
    }
  }

  /**
   * Several nodes: the node that dialled the call (its HUIFANG_AGI) freezes mid-script; at the timeout the dialplan
   * takes the path of a failed script, the one more try at the global address, which reaches a live node (here this
   * one); with no agent free it says abandon, and the customer hears the safe-harbor message from that decision.
   */
  @Test
  void whenTheDiallingNodeFreezesTheTimeoutSendsTheCallOnToTheGlobalAddress() throws Exception {
    awaitNodeHoldsItsPbx();
    listenForSafeHarbor();
    try (StalledNode frozen = new StalledNode()) {
      long campaign = campaignTheDialerRuns();
      String countedBefore = agiTimeoutsCounted();
      tracker.answeredCallsTo(frozen.url());
      String id = "agi-frozen-dialler-" + SEQ.incrementAndGet();
      tracker.originate(patientCustomer(id, campaign)).await();
      StalledNode.Session s = frozen.sessions.poll(15, TimeUnit.SECONDS);
      assertNotNull(s, "the answered call's script reached the dialling node");
      assertEquals(id, Await.atMost(Duration.ofSeconds(3)).every(Duration.ofMillis(10))
          .until("the request", () -> s.env("agi_arg_1"), a -> a != null));
      Long harbor = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(20))
          .until("the safe-harbor message", () -> safeHarborAt.get(id), at -> at != null);
      double waited = (harbor - s.acceptedAt) / 1e9;
      System.out.printf("frozen dialling node: safe-harbor message %.3f s after the script began%n", waited);
      // 5 s of the frozen script, then the live node's 2 s looking for an agent
      assertTrue(waited >= 6.5 && waited < 10, "after the timeout and the live node's decision: " + waited + " s");
      assertEquals(2, s.hangups().size(), s.lines.toString());
      JsonObject end = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(50))
          .until("the call to end", () -> events.get(id), e -> e != null && e.getString("outcome") != null);
      assertEquals("abandoned", end.getString("outcome"), end.encode());
      JsonObject row = await(pool.preparedQuery("select hangup_by, detail, (raw->>'agiTimeouts')::int as timeouts"
          + " from call_attempt where id = $1").execute(Tuple.of(id))).iterator().next().toJson();
      assertEquals(1, row.getInteger("timeouts"), row.encode());
      assertEquals("system", row.getString("hangup_by"), row.encode());
      assertNull(row.getString("detail"), "the live node decided (no agent within 2 s): " + row.encode());
      assertEquals(plusOne(countedBefore), agiTimeoutsCounted(),
          "counted once in GET /api/dialer (pbx/campaign/campaign's share), though the live node decided");
    } finally {
      tracker.answeredCallsTo(null);
    }
  }

  /**
   * A customer of a dead owner who answers before anyone has taken the PBX over: the call's FastAGI reaches a node
   * that does not follow the attempt (the dialplan's second try, at the global address), which answers "abandon"
   * (the safe-harbor message). That node writes the answer on the attempt's open row, so the owner that later closes
   * the row (here: channels gone at its take-over) ends it as what it was, an answered person given no agent: an
   * abandon at the answer's time, not a call never answered.
   */
  @Test
  void aCallAnsweredWhileNobodyFollowsItIsClosedAsAnAbandonByTheNextOwner() throws Exception {
    awaitNodeHoldsItsPbx();
    String id = "gap-answer-" + SEQ.incrementAndGet();
    // The dead owner's row: written before its Originate, never followed by this node
    await(pool.preparedQuery("insert into call_attempt (id, pbx, dial_string, action_id, originated_at)"
        + " values ($1, 'emulator', 'PJSIP/1001@huifang-trunk', $2, now() - interval '5 seconds')")
        .execute(Tuple.of(id, "orig-" + id)));
    int port = server.server().telephony().agiPort();
    java.time.Instant before = java.time.Instant.now();
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      var out = s.getOutputStream();
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8));
      out.write(("agi_network: yes\nagi_network_script: answered\nagi_request: agi://127.0.0.1/answered\n"
          + "agi_channel: PJSIP/huifang-trunk-0000gap1\nagi_uniqueid: " + id + "\nagi_arg_1: " + id
          + "\nagi_arg_2: 1\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.flush();
      assertEquals("SET VARIABLE HF_DECISION \"abandon\"", in.readLine(), "not followed here: abandon");
      out.write("200 result=1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.flush();
    }
    JsonObject open = Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(50))
        .until("the answer on the open row", () -> pool.preparedQuery("select state, answered_at::text as at,"
            + " ended_at from call_attempt where id = $1").execute(Tuple.of(id)).await().iterator().next().toJson(),
            r -> r.getValue("at") != null);
    assertEquals("answered", open.getString("state"), open.encode());
    assertNull(open.getValue("ended_at"), "still open: the PBX's owner closes it");

    // The PBX changes hands (another node a moment, then this one again): the new grant's take-over reads the open
    // rows, finds this call's channels gone, and closes it with what is known.
    LeaseStore store = new LeaseStore(pool);
    Leases b = new Leases(vertx, store, "node-b").want(PBX);
    try {
      runOutPbxLease();
      await(b.tick());
      await(b.stop());
      awaitNodeHoldsItsPbx();
      JsonObject row = Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100))
          .until("the row closed at the take-over", () -> pool.preparedQuery("select outcome, answered_at,"
              + " ended_at, agent_id, detail from call_attempt where id = $1").execute(Tuple.of(id)).await()
              .iterator().next().toJson(), r -> r.getValue("outcome") != null);
      assertEquals("abandoned", row.getString("outcome"), "an answered person with no agent: " + row.encode());
      assertNull(row.getValue("agent_id"));
      java.time.Instant answered = java.time.OffsetDateTime.parse(row.getString("answered_at")).toInstant();
      assertTrue(!answered.isBefore(before.minusSeconds(1)) && answered.isBefore(java.time.OffsetDateTime.parse(
          row.getString("ended_at")).toInstant().plusMillis(1)), "answered when the FastAGI came: " + row.encode());
    } finally {
      await(b.stop());
      awaitNodeHoldsItsPbx();
    }
  }

  static Throwable assertInstanceOfFailure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the originate went through");
  }

  /** The PBX's grant run out by the database's clock, as a lapsed renewal leaves it. */
  private void runOutPbxLease() throws Exception {
    await(pool.preparedQuery("update node_lease set expires_at = now() - interval '1 millisecond' where name = $1")
        .execute(Tuple.of(PBX)));
  }

  /** One call to a number of the emulator's trunk, placed through the tracker under its fence. */
  private void dial(String id, String channel, int timeoutSeconds) {
    tracker.originate(new CallTracker.OriginateRequest(id, 1L, null, null, channel, "huifang-answered", "s", null,
        Duration.ofSeconds(timeoutSeconds), false, Map.of())).await();
  }
}
