package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.db.EmbeddedPostgres;
import io.huifang.dialer.DialerCampaigns;
import io.huifang.pbx.emulator.EmulatorOptions;
import io.huifang.pbx.emulator.PbxEmulator;
import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.MigratedCluster;
import io.huifang.testsupport.ClusterNodes;
import io.huifang.testsupport.PushSocket;
import io.huifang.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover of a PBX's owner (issue 22, docs/cluster.md "Taking a PBX over"): three nodes in this JVM on one
 * PostgreSQL, joined on loopback, all connected to one PBX (the emulator, over AMI and FastAGI as to Asterisk); the
 * first holds the PBX's lease and dials a progressive campaign for three agents. With every agent talking to a
 * customer the owner crashes (no lease given back, its sockets closed). Then, from the database: another node holds
 * the PBX within the lease's 6 s (+ margin) and dials again; every call bridged at the crash ends with its attempt
 * ended, its survey submitted by its agent (from the draft, on the new owner's desk) and its recording registered;
 * no task has two overlapping attempts; the rolling hour's abandon rate stays within the campaign's target.
 */
class FailoverIT {
  private static final String AMI_USER = "huifang";

  /** One agent: signed in once, its cookies good on every node (the sessions are in PostgreSQL). */
  private static final class Agent {
    final long id;
    final Http first;
    final Map<Integer, Http> byNode = new ConcurrentHashMap<>();
    final Set<String> saved = ConcurrentHashMap.newKeySet();

    Agent(long id, Http first) {
      this.id = id;
      this.first = first;
    }
  }

  @Test
  void anotherNodeTakesThePbxOverAndItsCallsEndAsTheyShould(@TempDir Path dir) throws Exception {
    MigratedCluster.linkBinaries(dir);
    List<TestServer> nodes = new ArrayList<>();
    Vertx pbxVertx = Vertx.vertx();
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"), 0)) {
      int[] hz = {io.huifang.testsupport.ClusterNodes.freePort(), io.huifang.testsupport.ClusterNodes.freePort(), io.huifang.testsupport.ClusterNodes.freePort()};
      int[] agi = {io.huifang.testsupport.ClusterNodes.freePort(), io.huifang.testsupport.ClusterNodes.freePort(), io.huifang.testsupport.ClusterNodes.freePort()};
      Path rec = Files.createDirectories(dir.resolve("pbx-recordings"));
      Path scenario = dir.resolve("scenario.json");
      try (InputStream in = FailoverIT.class.getResourceAsStream("/cluster/failover-scenario.json")) {
        Files.copy(in, scenario);
      }
      // The dialplan's global names node 0's FastAGI; each node's calls carry their own (HUIFANG_AGI per call).
      PbxEmulator pbx = PbxEmulator.start(pbxVertx, new EmulatorOptions("127.0.0.1", 0, AMI_USER,
          TestServer.AMI_SECRET, "agi://127.0.0.1:" + agi[0], scenario, 1.0, 22, rec))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
      for (int i = 0; i < 3; i++) {
        nodes.add(TestServer.start(dir.resolve("n" + i), List.of(
            "--db.url=postgresql://127.0.0.1:" + pg.port() + "/" + pg.database(), "--db.user=" + pg.user(),
            "--db.password=" + pg.password(), "--db.pool-size=4", "--pbx.mode=asterisk",
            "--pbx.servers=pbx@127.0.0.1:" + pbx.amiPort(), "--pbx.ami-user=" + AMI_USER,
            "--pbx.agi-host=127.0.0.1", "--pbx.agi-port=" + agi[i], "--recordings.pbx-dir=" + rec,
            // The PBX's files and the archive in one directory every node shares (docs/cluster.md, "Recordings in a
            // cluster"): the node that ends a call archives its recording, whichever node started it.
            "--recordings.archive-dir=" + rec, "--recordings.archive-shared=true",
            "--dialer.task-lease-seconds=10", "--cluster.members=" + members, "--cluster.host=127.0.0.1",
            "--cluster.port=" + hz[i], "--cluster.failure-seconds=3")));
      }
      // Read through node 1's pool: node 0's goes with it.
      Pool pool = nodes.get(1).server().database().pool();
      assertEquals(0, ClusterNodes.owner(nodes, pool), "the first node started holds the PBX");

      Http admin = new Http(nodes.get(0));
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      long campaign = campaign(admin, dir, 30);
      List<Agent> agents = agents(admin, nodes, 4);
      // The fourth comes to work after the failover. A node that does not own the PBX opens no line on it (a page's
      // request is served by the owner; this is the check for the moments the owner changes).
      Agent late = agents.remove(3);
      io.huifang.telephony.AgentLines notOwned = nodes.get(1).server().telephony().pbx("pbx").lines();
      Throwable refused = notOwned.open(late.id, "PJSIP/agent-" + late.id, Duration.ofSeconds(5))
          .toCompletionStage().toCompletableFuture().handle((line, e) -> e).get(10, TimeUnit.SECONDS);
      assertTrue(refused instanceof io.huifang.telephony.AgentLines.NotOwner, "refused: " + refused);
      assertTrue(notOwned.line(late.id) == null || notOwned.line(late.id).state()
          == io.huifang.telephony.AgentLines.LineState.DOWN, "no line on the node that does not own the PBX");
      // The other nodes have the campaign's run (and its history, empty) before any call: what they count of it
      // later is only what they read back when they take the PBX over.
      for (int n = 1; n < 3; n++) {
        TestServer node = nodes.get(n);
        node.server().dialer().reloadNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(50)).until("node " + n + " runs the campaign",
            () -> node.server().dialer().status().await().getJsonArray("campaigns").size(), size -> size == 1);
      }
      AgentLoop loop = new AgentLoop(nodes, pool, agents, campaign);
      loop.start();

      // Every agent talking to a customer, nothing ringing (progressive: no free agent, no dial).
      Await.atMost(Duration.ofSeconds(40)).every(Duration.ofMillis(50)).until("three calls bridged, none ringing",
          () -> count(pool, "select count(*) filter (where state = 'bridged') * 100 + count(*) filter (where state"
              + " in ('dialing', 'ringing', 'answered')) from call_attempt where campaign_id = $1", campaign),
          n -> n == 300);
      Thread.sleep(1_500); // the calls under way a while: recordings started, drafts saved
      List<String> bridgedAtKill = ids(pool, "select id from call_attempt where campaign_id = $1"
          + " and state = 'bridged'", campaign);
      // A supervisor whose page is on node 1 listens in on one of those calls: node 0, the owner, places the spy call
      // (docs/cluster.md, "Requests held elsewhere").
      Listen spy = Listen.start(admin, nodes.get(1), pool, bridgedAtKill.get(0));
      // Another supervisor's spy call still rings at the death (their softphone, 8001, rings and nobody answers).
      Listen ringing = Listen.ringing(admin, nodes.get(1), pool, bridgedAtKill.get(1));
      String deadHolder = ClusterNodes.holder(pool);
      long killedAt = System.nanoTime();
      java.time.Instant killedAtWall = java.time.Instant.now();
      loop.dead = 0;
      nodes.get(0).server().crash().get(30, TimeUnit.SECONDS);

      // Another node holds the PBX once the dead one's grant has run out (Leases.TTL, 6 s), and takes it over.
      Pool live = pool;
      Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until("another node holds the PBX",
          () -> ClusterNodes.holder(live), h -> h != null && !h.equals(deadHolder));
      double takeOverSeconds = (System.nanoTime() - killedAt) / 1e9;
      int newOwner = ClusterNodes.owner(nodes, live);
      assertNotEquals(0, newOwner);
      assertTrue(takeOverSeconds <= io.huifang.db.lease.Leases.TTL.toSeconds() + 3, "taken over " + takeOverSeconds + " s after the crash");

      // The spy call up at the crash is not adopted: the new owner ends its row, hangs its ChanSpy channel up and
      // tells the supervisor's page; the supervisor listens in again, through the new owner.
      spy.endedByTheNewOwner(nodes.get(newOwner), pool);
      ringing.endedByTheNewOwner(nodes.get(newOwner), pool);

      // The new owner dials again, for an agent who comes to work now, as soon as it has taken the PBX over.
      loop.agents.add(late);
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until(
          () -> "a call dialled by the new owner: " + dump(live, campaign),
          () -> count(live, "select count(*) from call_attempt where campaign_id = $1 and originated_at > $2",
              campaign, killedAtWall.atOffset(ZoneOffset.UTC)), n -> n >= 1);
      double dialAgainSeconds = (System.nanoTime() - killedAt) / 1e9;
      spy.listensAgainOnTheNewOwner(nodes.get(newOwner), pool, campaign, killedAtWall);
      // It dials with the campaign's rolling hour as the database has it (the dead owner's answers read back at the
      // take-over), not with what the new owner had counted itself (nothing: it dialled nothing before).
      JsonObject figures = nodes.get(newOwner).server().dialer().status().toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).getJsonArray("campaigns").getJsonObject(0);
      assertTrue(figures.getBoolean("abandonHistoryRestored"), figures.encode());
      assertTrue(figures.getLong("liveAnsweredHour") >= bridgedAtKill.size(),
          "the dead owner's answers in the new owner's rolling hour: " + figures.encode());

      // The calls up at the crash end as any call does: ended, written up by their agents, recorded.
      Await.atMost(Duration.ofSeconds(45)).every(Duration.ofMillis(200)).until(
          () -> "the calls bridged at the crash ended and written up: " + dump(live, campaign) + loop.refusals,
          () -> count(live, "select count(*) from call_attempt a where a.id = any($1) and a.state = 'ended'"
              + " and a.agent_id is not null and exists (select 1 from survey_response s where s.attempt_id = a.id"
              + " and s.status = 'submitted')", (Object) bridgedAtKill.toArray(String[]::new)),
          n -> n == bridgedAtKill.size());
      loop.close();

      Await.atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(200)).until(
          "the recordings of the calls bridged at the crash archived by the new owner",
          () -> count(live, "select count(*) from recording where attempt_id = any($1) and status = 'ready'",
              (Object) bridgedAtKill.toArray(String[]::new)), n -> n == bridgedAtKill.size());
      for (String id : bridgedAtKill) {
        Row a = live.preparedQuery("select a.outcome, a.detail, a.ended_at is not null as ended,"
                + " (select count(*) from recording r where r.attempt_id = a.id and r.status = 'ready') as recordings,"
                + " (select count(*) from task_event e where e.task_id = a.task_id"
                + " and e.detail->>'attemptId' = a.id) as outcomes"
                + " from call_attempt a where a.id = $1").execute(Tuple.of(id)).await().iterator().next();
        assertEquals("answered_human", a.getString("outcome"), id + ": " + a.toJson());
        assertEquals(1L, a.getLong("recordings"), "the recording of " + id + " is archived: " + a.toJson());
        assertEquals(1L, a.getLong("outcomes"), "the agent's disposition reached the task once: " + a.toJson());
      }
      spy.spiedCallWentOnAfterTheSpyCallEnded(live);
      long overlapping = count(live, "select count(*) from call_attempt a join call_attempt b"
          + " on a.task_id = b.task_id and a.id <> b.id and b.originated_at >= a.originated_at"
          + " and b.originated_at < coalesce(a.ended_at, 'infinity') where a.campaign_id = $1", campaign);
      assertEquals(0, overlapping, "no task dialled twice at once: " + dump(live, campaign));
      Row hour = live.preparedQuery("select count(*) filter (where outcome = 'abandoned') as abandons,"
              + " count(*) filter (where outcome in ('answered_human', 'abandoned')) as answers,"
              + " (select abandon_target from campaign where id = $1) as target"
              + " from call_attempt where campaign_id = $1 and answered_at > now() - interval '1 hour'")
          .execute(Tuple.of(campaign)).await().iterator().next();
      double rate = hour.getLong("answers") == 0 ? 0 : 100.0 * hour.getLong("abandons") / hour.getLong("answers");
      assertTrue(rate <= hour.getBigDecimal("target").doubleValue(), "rolling hour's abandon rate " + rate + " %: "
          + hour.toJson());
      System.out.println("FailoverIT: bridged at the crash " + bridgedAtKill.size() + ", taken over by node "
          + newOwner + " after " + String.format("%.1f", takeOverSeconds) + " s, dialling again after "
          + String.format("%.1f", dialAgainSeconds) + " s; hour " + hour.toJson());
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).server().stop().get(60, TimeUnit.SECONDS);
      }
      pbxVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A supervisor listening in on a call of the PBX whose owner dies (docs/cluster.md, "Requests held elsewhere" and
   * "What a multi-node run still lacks"): the page and its requests on node 1, the spy call placed by the owner.
   */
  private static final class Listen {
    final Http sup;
    final PushSocket page;
    final long supId;
    final String attempt;
    final long spyId;
    final boolean answered;

    private Listen(Http sup, PushSocket page, long supId, String attempt, long spyId, boolean answered) {
      this.sup = sup;
      this.page = page;
      this.supId = supId;
      this.attempt = attempt;
      this.spyId = spyId;
      this.answered = answered;
    }

    /** A spy call whose softphone rings, unanswered: its row keeps no channel name. */
    static Listen ringing(Http admin, TestServer pageNode, Pool pool, String attempt) throws Exception {
      Placed p = place(admin, pageNode, pool, attempt, "fo.sup2", supId -> "PJSIP/8001", "whisper");
      io.huifang.pbx.ami.AmiMessage rings = channelAwaited(pageNode, p.spyId, "the second supervisor's softphone"
          + " ringing", c -> c != null);
      assertTrue(rings.get("Channel").startsWith("PJSIP/8001-"), rings.toString());
      p.page.await("ringing, pushed to the page", Duration.ofSeconds(10), m -> listenState(m, p.spyId, "ringing"));
      assertEquals(1L, count(pool, "select count(*) from supervisor_listen where id = $1 and answered_at is null"
          + " and channel is null and ended_at is null", p.spyId), "ringing: no channel kept on its row");
      return new Listen(p.sup, p.page, p.supId, attempt, p.spyId, false);
    }

    static Listen start(Http admin, TestServer pageNode, Pool pool, String attempt) throws Exception {
      // The emulator's softphones: PJSIP/agent-<id> answers at once and stays up.
      Placed p = place(admin, pageNode, pool, attempt, "fo.sup", supId -> "PJSIP/agent-" + supId, "listen");
      long supId = p.supId;
      long spyId = p.spyId;
      Http sup = p.sup;
      PushSocket page = p.page;
      io.huifang.pbx.ami.AmiMessage chanSpy = channelAwaited(pageNode, spyId, "ChanSpy on the agent's call",
          c -> c != null && "ChanSpy".equals(c.get("Application")));
      assertTrue(chanSpy.get("Channel").startsWith("PJSIP/agent-" + supId + "-"), chanSpy.toString());
      page.await("listening, pushed to the page on node 1", Duration.ofSeconds(20),
          m -> listenState(m, spyId, "listening"));
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until("the spy call's answer written",
          () -> count(pool, "select count(*) from supervisor_listen where id = $1 and answered_at is not null"
              + " and channel is not null and ended_at is null", spyId), n -> n == 1);
      return new Listen(sup, page, supId, attempt, spyId, true);
    }

    private record Placed(Http sup, PushSocket page, long supId, long spyId) {}

    /** A supervisor with the given softphone, a page on {@code pageNode}, and a spy call placed on the attempt's agent. */
    private static Placed place(Http admin, TestServer pageNode, Pool pool, String attempt, String username,
        java.util.function.LongFunction<String> softphone, String mode) throws Exception {
      Http sup = Http.userWithRole(pageNode, admin, username, "supervisor");
      long supId = sup.get("/api/me").json().getJsonObject("user").getLong("id");
      assertEquals(200, admin.send("PATCH", "/api/users/" + supId, new JsonObject()
          .put("softphone", softphone.apply(supId)).encode()).status());
      PushSocket page = new PushSocket(sup, URI.create(pageNode.url("/ws").replace("http", "ws")));
      page.await("hello", Duration.ofSeconds(5), m -> "hello".equals(m.getString("type")));
      long agentId = count(pool, "select agent_id from call_attempt where id = $1", attempt);
      Http.Response started = sup.send("POST", "/api/supervisor/listen", new JsonObject().put("agentId", agentId)
          .put("mode", mode).encode());
      assertEquals(200, started.status(), started.body());
      return new Placed(sup, page, supId, started.json().getLong("spyId"));
    }

    private static io.huifang.pbx.ami.AmiMessage channelAwaited(TestServer node, long spyId, String what,
        java.util.function.Predicate<io.huifang.pbx.ami.AmiMessage> ok) {
      return Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100))
          .until(what, () -> channelOf(node, "listen-" + spyId), ok);
    }

    /** Its row ended by the node that took the PBX over, its ChanSpy channel gone, the page told; audited once. */
    void endedByTheNewOwner(TestServer newOwner, Pool pool) {
      Row ended = Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(100)).until(
          "the spy call's row ended by the new owner", () -> pool.preparedQuery("select ended_at, end_reason,"
              + " seconds from supervisor_listen where id = $1").execute(Tuple.of(spyId)).await().iterator().next(),
          r -> r.getValue("ended_at") != null);
      assertEquals("the node following it stopped; its PBX was taken over by another node",
          ended.getString("end_reason"), ended.toJson().encode());
      if (answered) {
        assertTrue(ended.getInteger("seconds") >= 1, "listened until the take-over: " + ended.toJson());
      } else {
        assertEquals(0, ended.getInteger("seconds"), "never answered: " + ended.toJson());
      }
      // Hung up by the new owner: well before a ringing softphone's 30 s ring would end it.
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until("the spy channel hung up",
          () -> channelOf(newOwner, "listen-" + spyId), c -> c == null);
      page.await("ended, pushed to the supervisor's page", Duration.ofSeconds(10),
          m -> listenState(m, spyId, "ended"));
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until("the end audited once",
          () -> count(pool, "select count(*) from audit_log where action = 'supervisor.listen.end'"
              + " and (detail->>'spyId')::bigint = $1", spyId), n -> n == 1);
      assertEquals(1L, count(pool, "select count(*) from audit_log where action = 'supervisor.listen.end'"
          + " and (detail->>'spyId')::bigint = $1 and detail->>'reason' = $2", spyId,
          ended.getString("end_reason")));
    }

    /**
     * From the same page, a new spy call on a call the new owner dialled (the latest bridged: the most time left on
     * it): placed by the new owner on its own AMI session, pushed to the page, then hung up from the page.
     */
    void listensAgainOnTheNewOwner(TestServer newOwner, Pool pool, long campaign, java.time.Instant killedAt) {
      Http.Response[] last = new Http.Response[1];
      Http.Response again = Await.atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(200)).until(
          () -> "a new listen through the new owner: " + (last[0] == null ? null : last[0].status() + " "
              + last[0].body()), () -> {
            var rows = pool.preparedQuery("select agent_id from call_attempt where campaign_id = $1"
                + " and state = 'bridged' and originated_at > $2 order by bridged_at desc limit 1")
                .execute(Tuple.of(campaign, killedAt.atOffset(ZoneOffset.UTC))).await();
            Long agentId = rows.size() == 0 ? null : rows.iterator().next().getLong(0);
            if (agentId == null) {
              return null; // nobody on a call this moment: the next round
            }
            last[0] = sup.send("POST", "/api/supervisor/listen", new JsonObject().put("agentId", agentId)
                .put("mode", "listen").encode());
            return last[0];
          }, r -> r != null && r.status() == 200);
      long second = again.json().getLong("spyId");
      assertNotEquals(spyId, second);
      Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until(
          "ChanSpy placed on the new owner's AMI session", () -> channelOf(newOwner, "listen-" + second),
          c -> c != null && "ChanSpy".equals(c.get("Application")));
      page.await("the new listen pushed to the page", Duration.ofSeconds(20),
          m -> listenState(m, second, "listening"));
      assertEquals(204, sup.send("DELETE", "/api/supervisor/listen/" + second, null).status());
      Row stopped = Await.atMost(Duration.ofSeconds(15)).every(Duration.ofMillis(100)).until("the new listen ended",
          () -> pool.preparedQuery("select ended_at, end_reason from supervisor_listen where id = $1")
              .execute(Tuple.of(second)).await().iterator().next(), r -> r.getValue("ended_at") != null);
      assertEquals("stopped by fo.sup", stopped.getString("end_reason"));
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until("its ChanSpy channel gone",
          () -> channelOf(newOwner, "listen-" + second), c -> c == null);
    }

    /** The spied customer's call was not cut with the spy call: it went on, and the customer hung up later. */
    void spiedCallWentOnAfterTheSpyCallEnded(Pool pool) throws Exception {
      Row r = pool.preparedQuery("select a.hangup_by, a.ended_at > l.ended_at as after_spy from call_attempt a,"
          + " supervisor_listen l where a.id = $1 and l.id = $2").execute(Tuple.of(attempt, spyId)).await()
          .iterator().next();
      assertEquals("customer", r.getString("hangup_by"), r.toJson().encode());
      assertTrue(r.getBoolean("after_spy"), "the call ended after the spy call: " + r.toJson());
      page.close();
    }

    private static boolean listenState(JsonObject m, long spyId, String state) {
      return "sup.listen".equals(m.getString("type")) && Long.valueOf(spyId).equals(m.getLong("spyId"))
          && state.equals(m.getString("state"));
    }

    /** A channel on the PBX as the node's own AMI session sees it, by Uniqueid. */
    private static io.huifang.pbx.ami.AmiMessage channelOf(TestServer node, String uniqueid) {
      return node.server().telephony().pbx("pbx").tracker().ami()
          .sendList(io.huifang.pbx.ami.AmiMessage.action("CoreShowChannels")).toCompletionStage()
          .toCompletableFuture().join().stream().filter(c -> uniqueid.equals(c.get("Uniqueid"))).findFirst()
          .orElse(null);
    }
  }

  private static long campaign(Http admin, Path dir, int customers) throws Exception {
    long dealer = DialerCampaigns.dealer(admin, "FO01", "接管测试4S店");
    JsonArray allDay = new JsonArray().add("00:00-24:00");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, allDay);
    }
    Http.Response created = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "接管回访")
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).put("timeZone", "UTC")
        .put("callingHours", hours).put("dayParts", DialerCampaigns.FOUR_DAY_PARTS).put("dialMode", "progressive")
        .put("recordingPolicy", "all").put("wrapUpSeconds", 0).encode());
    assertEquals(201, created.status(), created.body());
    long campaign = created.json().getJsonObject("campaign").getLong("id");
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = 0; i < customers; i++) {
      csv.append("客户").append(i).append(',').append(String.format("139%08d", 20_000 + i)).append(',')
          .append(visit).append(",F").append(i).append('\n');
    }
    DialerCampaigns.importList(admin, campaign, dealer, dir, csv.toString());
    return campaign;
  }

  private static List<Agent> agents(Http admin, List<TestServer> nodes, int count) {
    List<Agent> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = "fo-agent" + i;
      String password = name + "-password-1";
      Http.Response created = admin.send("POST", "/api/users", new JsonObject().put("username", name)
          .put("displayName", "坐席" + i).put("role", "agent").put("password", password).encode());
      assertEquals(201, created.status(), created.body());
      long id = created.json().getJsonObject("user").getLong("id");
      // The emulator's softphones: PJSIP/agent-<id> answers at once and stays up.
      assertEquals(200, admin.send("PATCH", "/api/users/" + id, new JsonObject()
          .put("softphone", "PJSIP/agent-" + id).encode()).status());
      Http h = new Http(nodes.get(0));
      assertEquals(200, h.firstLogin(name, password).status());
      Agent a = new Agent(id, h);
      for (int n = 0; n < nodes.size(); n++) {
        a.byNode.put(n, n == 0 ? h : new Http(nodes.get(n), h.cookies()));
      }
      out.add(a);
    }
    return out;
  }

  /**
   * The agents at their desks, over HTTP as the page is, on the node that owns the PBX (a page's requests reach the
   * owner: the balancer and the desk's forwarding see to it in production): a line and ready; an answer saved as a
   * customer comes on screen; the survey submitted once the call has ended; ready again after it. Errors while the
   * owner is dead are ignored: the next round finds the new owner.
   */
  private static final class AgentLoop implements AutoCloseable {
    private final List<TestServer> nodes;
    private final Pool pool;
    final List<Agent> agents;
    private final long campaign;
    /** The node crashed: its lease holds until it runs out, and its port answers nothing meanwhile. */
    volatile int dead = -1;
    /** What the server refused the agents, for a failure's message. */
    final java.util.Queue<String> refusals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    AgentLoop(List<TestServer> nodes, Pool pool, List<Agent> agents, long campaign) {
      this.nodes = nodes;
      this.pool = pool;
      this.agents = new java.util.concurrent.CopyOnWriteArrayList<>(agents);
      this.campaign = campaign;
    }

    void start() {
      timer.scheduleWithFixedDelay(() -> {
        int owner;
        try {
          owner = ClusterNodes.owner(nodes, pool);
        } catch (RuntimeException e) {
          return;
        }
        if (owner < 0 || owner == dead) {
          return; // the owner is dead and its lease not yet run out: the pages wait for the next owner
        }
        for (Agent a : agents) {
          try {
            step(a, a.byNode.get(owner));
          } catch (RuntimeException ownerAway) {
            // the server refused or failed a request: the next round tries again
          }
        }
      }, 0, 250, TimeUnit.MILLISECONDS);
    }

    private void step(Agent a, Http h) {
      Http.Response got = h.get("/api/agent/desk");
      if (got.status() != 200) {
        refusals.add("desk of agent " + a.id + ": " + got.status() + " " + got.body());
        return;
      }
      JsonObject desk = got.json();
      String state = desk.getJsonObject("agent", new JsonObject()).getString("state", "logged_out");
      JsonObject call = desk.getJsonObject("call");
      if (call != null && !call.getBoolean("submitted", false)) {
        String attempt = call.getString("attemptId");
        if (call.getBoolean("callUp", false)) {
          if (a.saved.add(attempt)) {
            h.send("PUT", "/api/agent/calls/" + attempt + "/answers", new JsonObject().put("answers",
                new JsonObject().put("owner", true)).encode());
          }
        } else {
          Http.Response r = h.send("POST", "/api/agent/calls/" + attempt + "/submit", new JsonObject()
              .put("disposition", "success").put("answers", fullAnswers(call)).encode());
          if (r.status() != 200) {
            refusals.add("submit " + attempt + " by agent " + a.id + ": " + r.status() + " " + r.body());
          }
        }
        return;
      }
      if ("logged_out".equals(state) || "none".equals(state)) {
        h.send("POST", "/api/agent/line", null);
        h.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true).put("campaignId", campaign).encode());
      } else if ("paused".equals(state)) {
        h.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true).put("campaignId", campaign).encode());
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** Every item the skip rules show, answered as a satisfied customer would (no questionnaire: none). */
  private static JsonObject fullAnswers(JsonObject call) {
    JsonObject def = call.getJsonObject("questionnaire", new JsonObject()).getJsonObject("definition");
    return def == null ? new JsonObject() : io.huifang.testsupport.SurveyAnswers.full(Questionnaire.parse(def), 0, 0);
  }

  private static long count(Pool pool, String sql, Object... args) {
    return pool.preparedQuery(sql).execute(Tuple.from(args)).await().iterator().next().getLong(0);
  }

  private static List<String> ids(Pool pool, String sql, long campaign) {
    List<String> out = new ArrayList<>();
    pool.preparedQuery(sql).execute(Tuple.of(campaign)).await().forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private static String dump(Pool pool, long campaign) {
    StringBuilder sb = new StringBuilder("\n");
    pool.preparedQuery("select a.id, a.task_id, a.state, a.outcome, a.agent_id, a.originated_at, a.bridged_at,"
            + " a.ended_at, a.detail, (select s.status from survey_response s where s.attempt_id = a.id) as survey"
            + " from call_attempt a where a.campaign_id = $1 order by a.originated_at").execute(Tuple.of(campaign))
        .await().forEach(r -> sb.append(r.toJson().encode()).append('\n'));
    return sb.toString();
  }
}
