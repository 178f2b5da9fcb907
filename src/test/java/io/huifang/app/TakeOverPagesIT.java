package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.db.EmbeddedPostgres;
import io.huifang.dialer.DialerCampaigns;
import io.huifang.pbx.ami.AmiMessage;
import io.huifang.pbx.emulator.EmulatorOptions;
import io.huifang.pbx.emulator.PbxEmulator;
import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.ClusterNodes;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.MigratedCluster;
import io.huifang.testsupport.PushSocket;
import io.huifang.testsupport.SurveyAnswers;
import io.huifang.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What agents' pages see when the node owning their PBX dies (issue 22, docs/cluster.md "Taking a PBX over"): three
 * nodes in this JVM on one PostgreSQL, one PBX (the emulator over AMI and FastAGI, as Asterisk), the agents' pages on
 * the nodes that survive. At the owner's death one agent talks to a customer who hangs up before another node has
 * taken the PBX over (nobody sees that hangup), one is ready for a campaign with nobody to call yet, one is paused
 * for a meal, one writes up a call whose customer hung up before. After the take-over: the first agent's pages get the
 * call's end pushed and the line goes to wrap-up, the survey is submitted and the line is ready again; the second is
 * ready again (not paused "technical") and gets the next customer of that campaign; the third is still paused for
 * the meal; the fourth is still in wrap-up for that call, submits it and is ready; the desk and the board say so.
 */
class TakeOverPagesIT {
  private static final String AMI_USER = "huifang";
  /** Customers answer at once and talk for a minute, unless the test hangs them up. */
  private static final String SCENARIO = """
      {"utcOffset": "+08:00", "customerContexts": ["sim-customers"],
       "sounds": {"sim/hello": 0.91115, "huifang/safe-harbor": 6.0, "huifang/please-hold": 2.0, "beep": 0.25},
       "numbers": [{"match": "prefix:agent", "behavior": "agent"}],
       "populations": [{"name": "customers", "match": {"regex": "^1[3-9]\\\\d{9}$"}, "answer": 1.0,
         "busy": 0, "congestion": 0, "invalid": 0, "machine": 0, "ring": {"dist": "uniform", "min": 0.2, "max": 0.4},
         "noAnswerAfter": 4, "talk": 60, "customerHangsUp": 1.0}]}
      """;

  @Test
  void pagesOnSurvivingNodesSeeTheCallEndAndAgentsComeBackAsTheyWere(@TempDir Path dir) throws Exception {
    MigratedCluster.linkBinaries(dir);
    List<TestServer> nodes = new ArrayList<>();
    Vertx pbxVertx = Vertx.vertx();
    EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"), 0);
    try {
      int[] hz = {ClusterNodes.freePort(), ClusterNodes.freePort(), ClusterNodes.freePort()};
      int[] agi = {ClusterNodes.freePort(), ClusterNodes.freePort(), ClusterNodes.freePort()};
      Path rec = Files.createDirectories(dir.resolve("pbx-recordings"));
      Path scenario = Files.writeString(dir.resolve("scenario.json"), SCENARIO);
      PbxEmulator pbx = PbxEmulator.start(pbxVertx, new EmulatorOptions("127.0.0.1", 0, AMI_USER,
          TestServer.AMI_SECRET, "agi://127.0.0.1:" + agi[0], scenario, 1.0, 23, rec))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
      for (int i = 0; i < 3; i++) {
        nodes.add(TestServer.start(dir.resolve("n" + i), ClusterNodes.nodeFlags(pg, members, hz[i],
            "--pbx.mode=asterisk", "--pbx.servers=pbx@127.0.0.1:" + pbx.amiPort(), "--pbx.ami-user=" + AMI_USER,
            "--pbx.agi-host=127.0.0.1", "--pbx.agi-port=" + agi[i], "--recordings.pbx-dir=" + rec,
            "--recordings.archive-dir=" + rec, "--recordings.archive-shared=true")));
      }
      Pool pool = nodes.get(1).server().database().pool();
      String deadHolder = ClusterNodes.holder(pool);
      assertTrue(deadHolder.endsWith(":" + nodes.get(0).dataDir().toAbsolutePath().normalize()),
          "the first node holds the PBX: " + deadHolder);

      // Everything the test does goes through node 1, as a page connected there would (node 0 is the one to die).
      Http admin = new Http(nodes.get(1));
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      long dealer = DialerCampaigns.dealer(admin, "TO01", "接管页面4S店");
      long talking = campaign(admin, dealer, "接管通话");
      long waiting = campaign(admin, dealer, "接管待命");
      DialerCampaigns.importList(admin, talking, dealer, Files.createDirectories(dir.resolve("list-a")),
          list(0, 2));
      Http talker = agent(admin, nodes.get(1), "to-talker");
      Http idle = agent(admin, nodes.get(1), "to-idle");
      Http diner = agent(admin, nodes.get(1), "to-diner");
      Http writer = agent(admin, nodes.get(1), "to-writer");
      long talkerId = id(talker);
      long idleId = id(idle);
      long dinerId = id(diner);
      long writerId = id(writer);
      // The pages' sockets on both nodes that survive: whichever takes the PBX over, one of them is another node.
      List<PushSocket> talkerPages = List.of(page(talker, nodes.get(1)),
          page(new Http(nodes.get(2), talker.cookies()), nodes.get(2)));
      List<PushSocket> idlePages = List.of(page(idle, nodes.get(1)),
          page(new Http(nodes.get(2), idle.cookies()), nodes.get(2)));
      for (Http a : List.of(talker, idle, diner, writer)) {
        Http.Response opened = a.send("POST", "/api/agent/line", null);
        assertEquals(200, opened.status(), opened.body());
        Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until("the line up",
            () -> state(a).getString("state"), s -> "paused".equals(s));
      }
      assertEquals(200, diner.send("PUT", "/api/agent/state", "{\"ready\":false,\"reason\":\"meal\"}").status());
      assertEquals(200, idle.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
          .put("campaignId", waiting).encode()).status());
      assertEquals(200, talker.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
          .put("campaignId", talking).encode()).status());
      assertEquals(200, writer.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
          .put("campaignId", talking).encode()).status());

      // The talker's customer bridged, on the screen of the talker's pages, the survey's draft in place.
      String call = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until(
          "the talker's call bridged with its draft", () -> one(pool, "select a.id from call_attempt a join"
              + " survey_response s on s.attempt_id = a.id where a.agent_id = $1 and a.state = 'bridged'"
              + " and a.channel is not null", talkerId), id -> id != null);
      for (PushSocket p : talkerPages) {
        p.await("the call's screen", Duration.ofSeconds(10), m -> "call.screen".equals(m.getString("type"))
            && call.equals(m.getString("attemptId")));
      }
      // What each agent wants of their line is kept where the next owner finds it.
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until("the lines' wishes kept",
          () -> one(pool, "select string_agg(agent_id || ':' || wants_ready || ':' || coalesce(campaign_id::text, '')"
              + " || ':' || coalesce(pause_reason, ''), ',' order by agent_id) from agent_line where agent_id"
              + " = any($1)", (Object) new Long[] {talkerId, idleId, dinerId}),
          s -> (talkerId + ":true:" + talking + ":," + idleId + ":true:" + waiting + ":," + dinerId
              + ":false::meal").equals(s));
      String customerChannel = one(pool, "select channel from call_attempt where id = $1", call);
      // The writer's customer hangs up while the owner lives: the writer is writing the call up at the owner's death.
      String written = Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until(
          "the writer's call bridged with its draft", () -> one(pool, "select a.id from call_attempt a join"
              + " survey_response s on s.attempt_id = a.id where a.agent_id = $1 and a.state = 'bridged'"
              + " and a.channel is not null", writerId), id -> id != null);
      AmiMessage writerHungUp = nodes.get(1).server().telephony().pbx("pbx").tracker().ami().send(
          AmiMessage.action("Hangup").add("Channel", one(pool, "select channel from call_attempt where id = $1",
              written)).add("Cause", "16")).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals("Success", writerHungUp.get("Response"), writerHungUp.toString());
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until("the writer in wrap-up, kept",
          () -> one(pool, "select wrap_up_attempt from agent_line where agent_id = $1", writerId),
          written::equals);
      assertEquals("wrap_up", state(writer).getString("state"));

      // The owner dies; the customer hangs up before any node has taken the PBX over.
      int framesBefore = talkerPages.get(0).frames.size();
      List<Integer> idleFramesBefore = idlePages.stream().map(p -> p.frames.size()).toList();
      nodes.get(0).server().crash().get(30, TimeUnit.SECONDS);
      AmiMessage hungUp = nodes.get(1).server().telephony().pbx("pbx").tracker().ami().send(
          AmiMessage.action("Hangup").add("Channel", customerChannel).add("Cause", "16"))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals("Success", hungUp.get("Response"), hungUp.toString());
      assertEquals("bridged", one(pool, "select state from call_attempt where id = $1", call),
          "nobody saw the customer hang up: the owner is dead and nobody has taken its PBX over");
      assertEquals(deadHolder, ClusterNodes.holder(pool), "the dead owner's grant has not run out yet");

      Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until("another node holds the PBX",
          () -> ClusterNodes.holder(pool), h -> h != null && !h.equals(deadHolder));
      int owner = ClusterNodes.owner(nodes, pool);
      assertNotEquals(0, owner);

      // The end reaches the talker's pages as any call's end does, on the node that took over and on the other.
      for (PushSocket p : talkerPages) {
        JsonObject ended = p.await("the call's end", Duration.ofSeconds(15),
            m -> "call.ended".equals(m.getString("type")) && call.equals(m.getString("attemptId")));
        assertEquals(null, ended.getString("cut"), "hung up by the customer, not cut: " + ended);
        p.await("the talker in wrap-up", Duration.ofSeconds(5), m -> "agent.state".equals(m.getString("type"))
            && "wrap_up".equals(m.getString("state")) && call.equals(m.getString("attemptId")));
      }
      assertTrue(talkerPages.get(0).frames.size() > framesBefore);
      Row ended = pool.preparedQuery("select state, outcome, agent_id, ended_at is not null as has_end"
          + " from call_attempt where id = $1").execute(Tuple.of(call)).await().iterator().next();
      assertEquals("ended", ended.getString("state"), ended.toJson().encode());
      assertEquals("answered_human", ended.getString("outcome"), ended.toJson().encode());
      assertEquals(talkerId, ended.getLong("agent_id"));

      // The idle agent is ready again for their campaign, the diner still paused for the meal: on the desk, on the
      // idle agent's pages, on the board of a node that is not the owner.
      JsonObject idleState = Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until(
          "the idle agent's line taken over", () -> state(idle), s -> s.getString("channel") != null
              && !"logged_out".equals(s.getString("state")) && owner == ownerOfLine(nodes, idleId));
      assertEquals("ready", idleState.getString("state"), idleState.encode());
      assertEquals(waiting, idleState.getLong("campaignId"), idleState.encode());
      for (int i = 0; i < idlePages.size(); i++) {
        PushSocket p = idlePages.get(i);
        int from = idleFramesBefore.get(i);
        JsonObject back = Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until(
            () -> "the idle agent's state pushed after the take-over: " + p.frames.subList(from, p.frames.size()),
            () -> p.frames.subList(from, p.frames.size()).stream().filter(m -> "agent.state".equals(
                m.getString("type"))).findFirst().orElse(null), m -> m != null);
        assertEquals("ready", back.getString("state"), "the first state pushed after the take-over: " + back);
        assertEquals(waiting, back.getLong("campaignId"), back.encode());
      }
      JsonObject dinerState = state(diner);
      assertEquals("paused", dinerState.getString("state"), dinerState.encode());
      assertEquals("meal", dinerState.getString("pauseReason"), dinerState.encode());
      Http supervisor = new Http(nodes.get(owner == 1 ? 2 : 1), admin.cookies());
      Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(200)).until(
          "the board of a node that is not the owner shows the agents as they were",
          () -> rowState(supervisor, idleId) + "," + rowState(supervisor, dinerId) + "," + rowState(supervisor,
              talkerId) + "," + rowState(supervisor, writerId),
          s -> s.equals("ready:null,paused:meal,wrap_up:null,wrap_up:null"));
      // The writer is still writing the call up (no new customer replaces the unfinished screen) and submits it.
      JsonObject writing = state(writer);
      assertEquals("wrap_up", writing.getString("state"), writing.encode());
      assertEquals(written, writing.getString("attemptId"), writing.encode());
      JsonObject writerDesk = writer.get("/api/agent/desk").json();
      assertEquals(written, writerDesk.getJsonObject("call").getString("attemptId"), writerDesk.encode());
      submitAndAwaitReady(writer, written, writerDesk, "the writer");
      assertEquals("ready", one(pool, "select state from agent_state_log where agent_id = $1 order by at desc,"
          + " id desc limit 1", idleId), "the desk's log of the idle agent");

      // The talker writes the call up; with nothing more to do the line is ready again, as the talker wanted.
      JsonObject desk = talker.get("/api/agent/desk").json();
      assertEquals(call, desk.getJsonObject("call").getString("attemptId"), desk.encode());
      assertEquals(false, desk.getJsonObject("call").getBoolean("callUp"), desk.encode());
      submitAndAwaitReady(talker, call, desk, "the talker");
      assertEquals("submitted", one(pool, "select status from survey_response where attempt_id = $1", call));

      // The idle agent gets the next customer of their campaign, dialled by the new owner.
      DialerCampaigns.importList(admin, waiting, dealer, Files.createDirectories(dir.resolve("list-b")), list(1, 1));
      nodes.get(owner).server().dialer().reloadNow().toCompletionStage().toCompletableFuture().get(10,
          TimeUnit.SECONDS);
      Await.atMost(Duration.ofSeconds(20)).every(Duration.ofMillis(100)).until(
          "a customer of the idle agent's campaign bridged to them", () -> one(pool, "select count(*)::text from"
              + " call_attempt where campaign_id = $1 and agent_id = $2 and bridged_at is not null", waiting,
              idleId), n -> "1".equals(n));
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).server().stop().get(60, TimeUnit.SECONDS);
      }
      pbxVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      pg.close(); // after the nodes, which would otherwise log the database going away under them
    }
  }

  private static long campaign(Http admin, long dealer, String name) {
    JsonArray allDay = new JsonArray().add("00:00-24:00");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, allDay);
    }
    Http.Response created = admin.send("POST", "/api/campaigns", new JsonObject().put("name", name)
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).put("timeZone", "UTC")
        .put("callingHours", hours).put("dayParts", DialerCampaigns.FOUR_DAY_PARTS).put("dialMode", "progressive")
        .put("recordingPolicy", "none").put("wrapUpSeconds", 0).encode());
    assertEquals(201, created.status(), created.body());
    return created.json().getJsonObject("campaign").getLong("id");
  }

  private static String list(int from, int count) {
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = from; i < from + count; i++) {
      csv.append("客户").append(i).append(',').append(String.format("139%08d", 30_000 + i)).append(',')
          .append(visit).append(",T").append(i).append('\n');
    }
    return csv.toString();
  }

  private static Http agent(Http admin, TestServer node, String name) {
    String password = name + "-password-1";
    Http.Response created = admin.send("POST", "/api/users", new JsonObject().put("username", name)
        .put("displayName", name).put("role", "agent").put("password", password).encode());
    assertEquals(201, created.status(), created.body());
    long id = created.json().getJsonObject("user").getLong("id");
    // The emulator's softphones: PJSIP/agent-<id> answers at once and stays up.
    assertEquals(200, admin.send("PATCH", "/api/users/" + id, new JsonObject()
        .put("softphone", "PJSIP/agent-" + id).encode()).status());
    Http h = new Http(node);
    assertEquals(200, h.firstLogin(name, password).status());
    return h;
  }

  private static long id(Http user) {
    return user.get("/api/me").json().getJsonObject("user").getLong("id");
  }

  private static PushSocket page(Http user, TestServer node) throws Exception {
    PushSocket p = new PushSocket(user, URI.create(node.url("/ws").replace("http", "ws")));
    p.await("hello", Duration.ofSeconds(5), m -> "hello".equals(m.getString("type")));
    return p;
  }

  /** The agent's state as the desk answers it (through the page's node); logged out while nobody serves it. */
  private static JsonObject state(Http agent) {
    Http.Response r = agent.get("/api/agent/desk");
    return r.status() == 200 ? r.json().getJsonObject("agent") : new JsonObject().put("state", "logged_out");
  }

  /** The node holding the agent's line (not down), or -1. */
  private static int ownerOfLine(List<TestServer> nodes, long agentId) {
    for (int i = 1; i < nodes.size(); i++) {
      io.huifang.telephony.AgentLines.Line l = nodes.get(i).server().telephony().lineOf(agentId);
      if (l != null && l.state() != io.huifang.telephony.AgentLines.LineState.DOWN) {
        return i;
      }
    }
    return -1;
  }

  private static String rowState(Http supervisor, long agentId) {
    Http.Response r = supervisor.get("/api/supervisor/board");
    if (r.status() != 200) {
      return "board " + r.status();
    }
    JsonObject row = r.json().getJsonObject("agents").getJsonObject("rows").getJsonObject(Long.toString(agentId));
    return row == null ? "none" : row.getString("state") + ":" + row.getString("pauseReason");
  }

  /** The agent submits the call on their desk (every item answered), and their line is ready after the wrap-up. */
  private static void submitAndAwaitReady(Http agent, String attempt, JsonObject desk, String who) {
    Http.Response submitted = agent.send("POST", "/api/agent/calls/" + attempt + "/submit", new JsonObject()
        .put("disposition", "success").put("answers", SurveyAnswers.full(Questionnaire.parse(desk
            .getJsonObject("call").getJsonObject("questionnaire").getJsonObject("definition")), 0, 0)).encode());
    assertEquals(200, submitted.status(), submitted.body());
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(100)).until(who + " ready after the wrap-up",
        () -> state(agent).getString("state"), st -> "ready".equals(st));
  }

  private static String one(Pool pool, String sql, Object... args) {
    var rows = pool.preparedQuery(sql).execute(Tuple.from(args)).await();
    if (rows.size() == 0) {
      return null;
    }
    Object v = rows.iterator().next().getValue(0);
    return v == null ? null : v.toString();
  }
}
