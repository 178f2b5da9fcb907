package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.casework.Notifications;
import io.huifang.db.EmbeddedPostgres;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.ClusterNodes;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.PushSocket;
import io.huifang.testsupport.TestServer;
import io.huifang.web.Push;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Huifang nodes in this JVM on one PostgreSQL (the first's data dir holds it; the second is pointed at its URL
 * and starts none), joined over Hazelcast TCP-IP on loopback (docs/cluster.md): a page on node B gets what node A
 * pushes, once; an event the producing node handles is handled once per cluster, not once per node; the board of
 * each node goes to its own pages only.
 */
class ClusterIT {
  private static Path dir;
  private static EmbeddedPostgres pg;
  private static TestServer a;
  private static TestServer b;
  private static long startA;
  private static long startB;
  private static Path scenario;

  @BeforeAll
  static void twoNodes() throws Exception {
    dir = Files.createTempDirectory("huifang-cluster-it");
    pg = EmbeddedPostgres.start(dir.resolve("pg"), 0);
    int hzA = ClusterNodes.freePort();
    int hzB = ClusterNodes.freePort();
    String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
    // Customers answer at once and stay on the line: the call a page on node B works is ended by the agent.
    scenario = dir.resolve("scenario.json");
    try (var in = ClusterIT.class.getResourceAsStream(io.huifang.testsupport.DeskFixture.SCENARIO)) {
      Files.copy(in, scenario);
    }
    long t0 = System.nanoTime();
    a = TestServer.start(dir.resolve("a"), node(members, hzA));
    startA = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    t0 = System.nanoTime();
    b = TestServer.start(dir.resolve("b"), node(members, hzB));
    startB = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("cluster start-up: node A " + startA + " ms, node B (joining) " + startB + " ms");
  }

  private static List<String> node(String members, int hzPort) {
    return ClusterNodes.nodeFlags(pg, members, hzPort, "--emulator.scenario=" + scenario);
  }

  @AfterAll
  static void stop() throws Exception {
    ClusterNodes.close(pg, b, a);
  }

  @Test
  void bothNodesAreOnOneBusAndOneDatabase() {
    // Hazelcast's view: two members; the event bus of each reaches the other (a request answered across).
    assertEquals(2, ((io.vertx.core.internal.VertxInternal) a.server().vertx()).clusterManager().getNodes().size());
    b.server().vertx().eventBus().<String>consumer("huifang.test.echo", m -> m.reply("from B"));
    String reply = Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until(
        () -> "an answer from node B", () -> {
          try {
            return a.server().vertx().eventBus().<String>request("huifang.test.echo", "ping").toCompletionStage()
                .toCompletableFuture().get(2, TimeUnit.SECONDS).body();
          } catch (Exception e) {
            return null;
          }
        }, r -> r != null);
    assertEquals("from B", reply);
    // Node B started no PostgreSQL of its own: its data dir has none, and both see the same admin.
    assertTrue(!Files.exists(dir.resolve("b").resolve("pg")), "node B must not start an embedded PostgreSQL");
  }

  @Test
  void aPageOnNodeBGetsWhatNodeAPushesOnce() throws Exception {
    Http onB = new Http(b);
    assertEquals(200, onB.firstLogin("admin", TestServer.ADMIN_PASSWORD).status());
    long adminId = onB.get("/api/me").json().getJsonObject("user").getLong("id");
    PushSocket page = new PushSocket(onB, URI.create(b.url("/ws").replace("http", "ws")));
    page.await("hello", Duration.ofSeconds(5), m -> "hello".equals(m.getString("type")));

    // A product path on node A: a notification is written there, and its push reaches the page on node B, once.
    int written = a.server().casework().notifications().toUsers(List.of(adminId),
        new Notifications.Note("cluster.test", "集群", "cluster", null)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertEquals(1, written);
    page.await("notification", Duration.ofSeconds(5), m -> "notification".equals(m.getString("type"))
        && "cluster.test".equals(m.getJsonObject("item").getString("kind")));
    Thread.sleep(300);
    assertEquals(1, page.ofType("notification").size(), "one push per event, not one per node: " + page.frames);
    // …and the database holds it once.
    assertEquals(1L, a.server().database().pool().query("select count(*) from notification where kind = 'cluster.test'")
        .execute().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).iterator().next().getLong(0));

    // Push latency from node A's publish to node B's page, the median of several.
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int n = i;
      long t0 = System.nanoTime();
      Push.toUser(a.server().vertx().eventBus(), adminId, new JsonObject().put("type", "cluster.ping").put("n", n));
      // Polled every 0.1 ms (PushSocket.await polls every 20 ms, too coarse to time a push).
      long deadline = t0 + TimeUnit.SECONDS.toNanos(5);
      while (page.ofType("cluster.ping").size() <= n && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
      }
      micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
      assertEquals(n, page.ofType("cluster.ping").get(n).getInteger("n"), "pushes arrive in order");
    }
    Collections.sort(micros);
    System.out.println("push node A -> page on node B: median " + micros.get(micros.size() / 2) + " us, max "
        + micros.get(micros.size() - 1) + " us over " + micros.size());
    assertEquals(30, page.ofType("cluster.ping").size(), "each push arrives once: " + page.ofType("cluster.ping"));

    // What a node pushes "here" (its own board) stays on that node.
    Push.toUserHere(a.server().vertx().eventBus(), adminId, new JsonObject().put("type", "cluster.here"));
    Push.toUser(a.server().vertx().eventBus(), adminId, new JsonObject().put("type", "cluster.after"));
    page.await("cluster.after", Duration.ofSeconds(5), m -> "cluster.after".equals(m.getString("type")));
    assertEquals(0, page.ofType("cluster.here").size(), "node A's local push must not reach node B's page");

    // Signing out on node A closes the page on node B (huifang.push.sessionsEnded crosses nodes).
    Http onA = new Http(a);
    assertEquals(200, onA.login("admin", TestServer.ADMIN_PASSWORD).status());
    assertEquals(204, onA.send("PUT", "/api/me/password", new JsonObject()
        .put("currentPassword", TestServer.ADMIN_PASSWORD).put("newPassword", TestServer.ADMIN_PASSWORD).encode())
        .status());
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until(() -> "page on B closed with 4002",
        () -> page.closedWith, c -> c != null && c == 4002);
  }

  @Test
  void anEventTheProducingNodeHandlesIsHandledOncePerCluster() throws Exception {
    // The rule (docs/cluster.md, EventBusAcrossNodesTest): a handler that writes registers with localConsumer and
    // runs on the producing node only; a handler that re-reads or delivers to its own sockets runs on every node.
    String address = "huifang.survey.submitted";
    AtomicInteger once = new AtomicInteger();
    AtomicInteger everywhere = new AtomicInteger();
    Set<String> onceOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<io.vertx.core.eventbus.MessageConsumer<?>> registered = new ArrayList<>();
    for (TestServer s : List.of(a, b)) {
      EventBus bus = s.server().vertx().eventBus();
      String name = s == a ? "A" : "B";
      registered.add(bus.localConsumer(address, m -> {
        once.incrementAndGet();
        onceOn.add(name);
      }));
      var c = bus.consumer(address, m -> everywhere.incrementAndGet());
      c.completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      registered.add(c);
    }
    for (int i = 0; i < 5; i++) {
      b.server().vertx().eventBus().publish(address, new JsonObject().put("attemptId", "cluster-it-" + i));
    }
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until(() -> "10 deliveries to consumers",
        everywhere::get, n -> n >= 10);
    Thread.sleep(300);
    assertEquals(10, everywhere.get(), "a consumer runs on both nodes");
    assertEquals(5, once.get(), "a local consumer runs once per event in the cluster");
    assertEquals(Set.of("B"), onceOn, "…on the node that produced it");
    registered.forEach(io.vertx.core.eventbus.MessageConsumer::unregister);
  }

  @Test
  void failedSignInsSpreadOverBothNodesAreCountedOnce() {
    // One node allows 5 wrong passwords for a username from an address, then makes the next wait (AccessControlIT,
    // LoginThrottleTest). Spread A, B, A, B, A: the cluster counts 5, and the 6th, on B, waits as on one node.
    Http admin = new Http(a);
    assertEquals(200, admin.firstLogin("admin", TestServer.ADMIN_PASSWORD).status());
    Http.userWithRole(a, admin, "guessed", "agent");
    for (int i = 0; i < 5; i++) {
      assertEquals(401, new Http(i % 2 == 0 ? a : b).login("guessed", "wrong-" + i).status(), "guess " + (i + 1));
    }
    Http.Response sixth = new Http(b).login("guessed", "guessed-password-1");
    assertEquals(429, sixth.status(), "the 6th sign-in waits, on whichever node: " + sixth);
    assertTrue(sixth.json().getLong("retryAfterSeconds") > 0);
    assertEquals(429, new Http(a).login("guessed", "guessed-password-1").status(), "…on node A too");
  }

  @Test
  void anAgentOnNodeBIsServedByNodeAsDeskAndShownOnEveryBoard() throws Exception {
    // Node A started first and owns the PBX (its lease); node B connects the same PBX but does not own it.
    String pbx = a.server().telephony().all().get(0).name();
    assertTrue(a.server().telephony().pbx(pbx).tracker().owned(), "node A owns " + pbx);
    assertTrue(!b.server().telephony().pbx(pbx).tracker().owned(), "node B does not own " + pbx);
    Http admin = new Http(a);
    assertEquals(200, admin.firstLogin("admin", TestServer.ADMIN_PASSWORD).status());
    Http agent = Http.userWithRole(b, admin, "remote.agent", "agent");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    Http supervisorOnB = new Http(b);
    assertEquals(200, supervisorOnB.login("admin", TestServer.ADMIN_PASSWORD).status());
    PushSocket board = new PushSocket(supervisorOnB, URI.create(b.url("/ws").replace("http", "ws")));
    board.await("sup.snapshot", Duration.ofSeconds(5), m -> "sup.snapshot".equals(m.getString("type")));

    // Node A has no supervisor page open: from here until its board is asked for below, it builds no board after
    // the events (docs/cluster.md, "Where no page is open"), only one a second as the node recording the alerts
    // (the first by name: ".../a").
    long builtOnA = a.server().board().boardsBuilt();
    long builtOnB = b.server().board().boardsBuilt();
    long noPageSince = System.nanoTime();

    // The agent's page is on node B: opening the line, going ready and pausing are served by node A, which holds
    // the line; node B holds none.
    Http.Response opened = agent.send("POST", "/api/agent/line", null);
    assertEquals(200, opened.status(), opened.body());
    assertTrue(a.server().telephony().lineOf(agentId) != null, "the line is on node A");
    assertEquals(null, b.server().telephony().lineOf(agentId), "node B holds no line of the agent");
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until(() -> "the line up on node A",
        () -> agent.get("/api/agent/line").json().getString("state"), s -> !"opening".equals(s) && !"none".equals(s));
    Http.Response paused = agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}");
    assertEquals(200, paused.status(), paused.body());
    assertEquals(io.huifang.telephony.AgentLines.LineState.PAUSED, a.server().telephony().lineOf(agentId).state());
    assertEquals("meal", a.server().telephony().lineOf(agentId).pauseReason());
    assertEquals(400, agent.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"nap\"}").status(),
        "input is checked on the page's node as on one");
    assertEquals(409, agent.send("POST", "/api/agent/call/hangup", null).status(), "no call to hang up (node A says)");
    JsonObject desk = agent.get("/api/agent/desk").json();
    assertEquals("paused", desk.getJsonObject("agent").getString("state"), desk.encode());

    // Node B's board shows the agent on node A's PBX, and each change of their state reaches it.
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until(() -> "the agent paused on B's board",
        () -> rowOnBoard(supervisorOnB, agentId), r -> r != null && "paused".equals(r.getString("state"))
            && "meal".equals(r.getString("pauseReason")));
    long t0 = System.nanoTime();
    assertEquals(200, agent.send("PUT", "/api/agent/state", "{\"ready\":true}").status());
    board.await("the agent ready on B's board, pushed", Duration.ofSeconds(10), m -> "sup.update".equals(
        m.getString("type")) && m.getJsonObject("changed").getJsonObject("agents") != null
        && m.getJsonObject("changed").getJsonObject("agents").getJsonObject("rows").getJsonObject(
            Long.toString(agentId)) != null && "ready".equals(m.getJsonObject("changed").getJsonObject("agents")
            .getJsonObject("rows").getJsonObject(Long.toString(agentId)).getString("state")));
    System.out.println("agent ready on node A -> board pushed on node B: "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    double noPageSeconds = (System.nanoTime() - noPageSince) / 1e9;
    long boardsOnA = a.server().board().boardsBuilt() - builtOnA;
    long boardsOnB = b.server().board().boardsBuilt() - builtOnB;
    System.out.printf("boards built in %.1f s: node A (no page) %d, node B (a page) %d%n", noPageSeconds, boardsOnA,
        boardsOnB);
    assertTrue(boardsOnA <= noPageSeconds / 0.9 + 2, "node A, with no page, builds at most one board a second: "
        + boardsOnA + " in " + noPageSeconds + " s (node B: " + boardsOnB + ")");
    assertEquals("ready", rowOnBoard(admin, agentId).getString("state"), "node A's board too");
    // A supervisor on node B pauses the agent: node A's desk, which holds the line, does it.
    Http.Response byB = supervisorOnB.send("POST", "/api/supervisor/agents/" + agentId + "/pause",
        "{\"reason\":\"coaching\"}");
    assertEquals(200, byB.status(), byB.body());
    assertEquals("coaching", a.server().telephony().lineOf(agentId).pauseReason());
    // A PBX no node serves (its owner gone, no other has its lease yet): a clear 503, at once.
    var noHolder = new io.huifang.web.HeldElsewhere(b.server().vertx(), lease -> false).call("pbx:gone", "PBX gone", "desk.show",
        agentId, new JsonObject()).toCompletionStage().toCompletableFuture();
    var refused = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
        () -> noHolder.get(5, TimeUnit.SECONDS)).getCause();
    assertTrue(refused instanceof io.huifang.core.Problem p && p.status() == 503
        && "holder_unavailable".equals(p.code()) && p.getMessage().contains("no node holds PBX gone"), "" + refused);
    JsonArray pbxes = supervisorOnB.get("/api/supervisor/board").json().getJsonArray("pbxes");
    assertEquals(1, pbxes.size(), "the PBX once, as its owner sees it: " + pbxes);
    assertEquals(204, agent.send("DELETE", "/api/agent/line", null).status());
  }

  @Test
  void aCallOnNodeAsPbxIsWorkedFromAPageOnNodeB() throws Exception {
    assertEquals(200, new Http(a).firstLogin("admin", TestServer.ADMIN_PASSWORD).status());
    io.huifang.testsupport.DeskFixture f = io.huifang.testsupport.DeskFixture.prepare(a, 1, 0);
    Http agent = Http.userWithRole(b, f.admin, "call.agent", "agent");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    PushSocket page = new PushSocket(agent, URI.create(b.url("/ws").replace("http", "ws")));
    page.await("hello", Duration.ofSeconds(5), m -> "hello".equals(m.getString("type")));
    Http.Response ready = agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode());
    assertEquals(200, ready.status(), ready.body());

    // Node A dials and bridges the customer to the agent's line; the screen reaches the page on node B.
    JsonObject screen = page.await("call.screen", Duration.ofSeconds(30), m -> "call.screen".equals(m.getString("type")));
    String attempt = screen.getString("attemptId");
    String pbx = a.server().telephony().all().get(0).name();
    assertTrue(a.server().telephony().pbx(pbx).tracker().live(attempt) != null, "the call is node A's");
    assertEquals(null, b.server().telephony().pbx(pbx).tracker().live(attempt), "node B knows nothing of it");

    // A supervisor whose page is on node B listens in: node A, which owns the PBX, places the spy call.
    listenFromNodeB(f, agent, attempt, pbx);

    // Autosave, submit and hang-up from the page on node B, served by node A's desk: its answers and refusals.
    String answers = "/api/agent/calls/" + attempt + "/answers";
    Http.Response saved = agent.send("PUT", answers, new JsonObject().put("answers", new JsonObject().put("s1", 9))
        .put("note", "跨节点").encode());
    assertEquals(200, saved.status(), saved.body());
    assertEquals(9, saved.json().getJsonObject("answers").getInteger("s1"));
    Http.Response bad = agent.send("PUT", answers, new JsonObject().put("answers", new JsonObject().put("no-such-item", 3))
        .encode());
    assertEquals(400, bad.status(), bad.body());
    assertEquals("answers.no-such-item", bad.json().getString("field"), "node A's refusal names the item, on B");
    String submit = "/api/agent/calls/" + attempt + "/submit";
    Http.Response incomplete = agent.send("POST", submit, "{\"disposition\":\"success\"}");
    assertEquals(400, incomplete.status(), incomplete.body());
    Http.Response hungUp = agent.send("POST", "/api/agent/call/hangup", null);
    assertEquals(200, hungUp.status(), hungUp.body());
    page.await("call.ended", Duration.ofSeconds(10), m -> "call.ended".equals(m.getString("type")));
    Http.Response done = agent.send("POST", submit, "{\"disposition\":\"refused\"}");
    assertEquals(200, done.status(), done.body());
    var row = f.row("select status, disposition, note, agent_id from survey_response where attempt_id = $1",
        attempt);
    assertEquals("submitted", row.getString("status"));
    assertEquals("refused", row.getString("disposition"));
    assertEquals("跨节点", row.getString("note"));
    assertEquals(409, agent.send("POST", submit, "{\"disposition\":\"refused\"}").status(), "submitted once");
    assertEquals(204, agent.send("DELETE", "/api/agent/line", null).status());
    page.close();
  }

  /**
   * A supervisor whose page is on node B listens in on a call of node A's PBX (docs/cluster.md, "Requests held
   * elsewhere"): the start is sent to node A, which originates ChanSpy on its own AMI session (node B sends nothing to
   * its PBX); the log shows it on both nodes; the pushes reach the page on B; the hang-up from B ends it on A; the
   * audit log holds one start and one end.
   */
  private static void listenFromNodeB(io.huifang.testsupport.DeskFixture f, Http agent, String attempt, String pbx)
      throws Exception {
    Http sup = Http.userWithRole(b, f.admin, "listen.sup", "supervisor");
    long supId = sup.get("/api/me").json().getJsonObject("user").getLong("id");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    String agentChannel = a.server().telephony().lineOf(agentId).channel();
    PushSocket page = new PushSocket(sup, URI.create(b.url("/ws").replace("http", "ws")));
    page.await("hello", Duration.ofSeconds(5), m -> "hello".equals(m.getString("type")));
    Http.Response badMode = sup.send("POST", "/api/supervisor/listen", new JsonObject().put("agentId", agentId)
        .put("mode", "eavesdrop").encode());
    assertEquals(400, badMode.status(), badMode.body());
    assertEquals("mode", badMode.json().getString("field"));

    Http.Response started = sup.send("POST", "/api/supervisor/listen", new JsonObject().put("agentId", agentId)
        .put("mode", "whisper").encode());
    assertEquals(200, started.status(), started.body());
    long spyId = started.json().getLong("spyId");
    io.huifang.pbx.ami.AmiMessage spy = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until(
        () -> "ChanSpy on node A's PBX", () -> channelOf(a, pbx, "listen-" + spyId),
        c -> c != null && "ChanSpy".equals(c.get("Application")));
    assertEquals(agentChannel + ",qw", spy.get("ApplicationData"), "ChanSpy on the agent's channel, whispering");
    assertTrue(spy.get("Channel").startsWith("PJSIP/agent-" + supId + "-"), "the supervisor's softphone rang");
    assertEquals(null, channelOf(b, pbx, "listen-" + spyId), "node B placed nothing on its own AMI session");
    page.await("listening, pushed to the page on B", Duration.ofSeconds(20), m -> listenState(m, spyId, "listening"));
    for (TestServer node : List.of(a, b)) {
      Http onNode = node == b ? sup : f.admin;
      JsonObject row = onNode.get("/api/supervisor/listen?limit=5").json().getJsonArray("calls").stream()
          .map(JsonObject.class::cast).filter(c -> c.getLong("spyId") == spyId).findFirst().orElse(null);
      assertTrue(row != null && row.getLong("supervisorId") == supId && attempt.equals(row.getString("attemptId"))
          && "whisper".equals(row.getString("mode")) && row.getString("endedAt") == null,
          "the listen in the log on node " + (node == a ? "A" : "B") + ": " + row);
    }

    // Node B's listening starting (as when node B restarts) while node A follows the spy call: the open row is not
    // B's to close, since B owns no PBX; the spy call goes on.
    var pool = b.server().database().pool();
    new io.huifang.supervisor.Listening(b.server().vertx(), () -> b.server().telephony(),
        new io.huifang.supervisor.ListenStore(pool), new io.huifang.auth.AuditLog(pool), true,
        java.time.Clock.systemUTC()).start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(null, f.row("select ended_at from supervisor_listen where id = $1", spyId).getValue("ended_at"),
        "a node starting leaves the spy calls of the PBX another node owns");
    assertTrue(channelOf(a, pbx, "listen-" + spyId) != null, "the spy call is still up on node A's PBX");

    // Hung up from the page on node B: node A ends the spy call it follows; the agent's call goes on.
    assertEquals(204, sup.send("DELETE", "/api/supervisor/listen/" + spyId, null).status());
    var ended = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until(() -> "the listen ended",
        () -> f.row("select ended_at, end_reason from supervisor_listen where id = $1", spyId),
        r -> r.getValue("ended_at") != null);
    assertEquals("stopped by listen.sup", ended.getString("end_reason"));
    assertEquals(null, channelOf(a, pbx, "listen-" + spyId), "the spy channel is gone from node A's PBX");
    page.await("ended, pushed to the page on B", Duration.ofSeconds(10), m -> listenState(m, spyId, "ended"));
    assertEquals(204, sup.send("DELETE", "/api/supervisor/listen/" + spyId, null).status(), "stopping twice is harmless");
    assertTrue(a.server().telephony().pbx(pbx).tracker().live(attempt) != null, "the agent's call goes on");
    // The audit log: one start and one end, with the supervisor's page's address, however many nodes it crossed.
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until(() -> "the end audited",
        () -> f.row("select count(*) from audit_log where action = 'supervisor.listen.end'"
            + " and (detail->>'spyId')::bigint = $1", spyId).getLong(0), n -> n >= 1);
    Thread.sleep(300);
    for (String action : List.of("supervisor.listen.start", "supervisor.listen.end")) {
      assertEquals(1L, f.row("select count(*) from audit_log where action = $1 and (detail->>'spyId')::bigint = $2"
          + " and actor_id = $3 and actor = 'listen.sup' and subject = $4 and client_ip = '127.0.0.1'", action, spyId,
          supId, "agent " + agentId)
          .getLong(0), action + " audited once");
    }
    page.close();
  }

  private static boolean listenState(JsonObject m, long spyId, String state) {
    return "sup.listen".equals(m.getString("type")) && Long.valueOf(spyId).equals(m.getLong("spyId"))
        && state.equals(m.getString("state"));
  }

  /** A channel on the PBX as the node's own AMI session sees it, by Uniqueid. */
  private static io.huifang.pbx.ami.AmiMessage channelOf(TestServer node, String pbx, String uniqueid) {
    return node.server().telephony().pbx(pbx).tracker().ami()
        .sendList(io.huifang.pbx.ami.AmiMessage.action("CoreShowChannels")).toCompletionStage().toCompletableFuture()
        .join().stream().filter(c -> uniqueid.equals(c.get("Uniqueid"))).findFirst().orElse(null);
  }

  private static JsonObject rowOnBoard(Http supervisor, long agentId) {
    return supervisor.get("/api/supervisor/board").json().getJsonObject("agents").getJsonObject("rows")
        .getJsonObject(Long.toString(agentId));
  }
}
