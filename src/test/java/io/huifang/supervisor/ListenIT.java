package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.PushSocket;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Listening in against the emulator: an agent on a call, a supervisor listens (ChanSpy with {@code q} on the agent's
 * channel, seen in the PBX's own CoreShowChannels), switches to whisper ({@code qw}) and barge ({@code qB}) — each
 * replacing the spy call before it — while an admin listens too and hangs up from the page; the spy call ends with
 * the agent's call; the log, the audit log and the pushes say the same as the database. Agents and QA are refused.
 */
class ListenIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aSupervisorListensWhispersAndBargesUntilTheCallEnds(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 1, 0);
    Http agent = f.agent("wang.fang");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    Http sup = Http.userWithRole(server, f.admin, "zhao.zhuguan", "supervisor");
    long supId = sup.get("/api/me").json().getJsonObject("user").getLong("id");
    Http qa = Http.userWithRole(server, f.admin, "qian.zhijian", "qa");

    // Nobody on a call yet: nothing to listen to.
    Http.Response early = sup.send("POST", "/api/supervisor/listen", listen(agentId, "listen"));
    assertEquals(409, early.status(), early.body());
    assertEquals("agent_not_on_call", early.json().getString("error"));

    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    String attempt = Await.atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(100)).until("a call on the desk",
        () -> {
          JsonObject call = agent.get("/api/agent/desk").json().getJsonObject("call");
          return call == null ? null : call.getString("attemptId");
        }, a -> a != null);
    String agentChannel = Await.atMost(WAIT).until("the agent's line on the call", () -> {
      JsonObject line = agent.get("/api/agent/line").json();
      return "on_call".equals(line.getString("state")) ? line.getString("channel") : null;
    }, c -> c != null);

    // Who may not, and what is not understood.
    for (Http who : new Http[] {agent, qa}) {
      assertEquals(403, who.send("POST", "/api/supervisor/listen", listen(agentId, "listen")).status());
      assertEquals(403, who.get("/api/supervisor/listen").status());
      assertEquals(403, who.send("DELETE", "/api/supervisor/listen/1", null).status());
    }
    Http.Response badMode = sup.send("POST", "/api/supervisor/listen", listen(agentId, "eavesdrop"));
    assertEquals(400, badMode.status());
    assertEquals("mode", badMode.json().getString("field"));
    Http.Response badAgent = sup.send("POST", "/api/supervisor/listen",
        new JsonObject().put("agentId", "x").put("mode", "listen").encode());
    assertEquals(400, badAgent.status());
    assertEquals("agentId", badAgent.json().getString("field"));
    assertEquals(400, sup.get("/api/supervisor/listen?limit=0").status());
    // A softphone registered on another PBX cannot be rung into ChanSpy on this one.
    assertEquals(200, f.admin.send("PATCH", "/api/users/" + supId, new JsonObject().put("softphone", "pbx9:PJSIP/8101")
        .encode()).status());
    Http.Response elsewhere = sup.send("POST", "/api/supervisor/listen", listen(agentId, "listen"));
    assertEquals(409, elsewhere.status(), elsewhere.body());
    assertEquals("softphone_on_other_pbx", elsewhere.json().getString("error"));
    assertEquals(200, f.admin.send("PATCH", "/api/users/" + supId, new JsonObject().put("softphone", "").encode())
        .status());
    assertEquals(0L, count(f, "select count(*) from supervisor_listen"), "refusals write nothing");

    PushSocket pushes = new PushSocket(sup, f.wsUri());
    pushes.await("hello", WAIT, m -> "hello".equals(m.getString("type")));
    try {
      // Listen: ChanSpy(<agent's channel>,q) on the supervisor's softphone, joined to the agent's channel.
      long first = start(sup, agentId, "listen");
      AmiMessage spy = spyChannel(server, first);
      assertEquals("ChanSpy", spy.get("Application"));
      assertEquals(agentChannel + ",q", spy.get("ApplicationData"));
      assertTrue(spy.get("Channel").startsWith("PJSIP/agent-" + supId + "-"), "the supervisor's softphone rang");
      pushes.await("ringing", WAIT, m -> state(m, first, "ringing"));
      pushes.await("listening", WAIT, m -> state(m, first, "listening"));
      // The answer is written as it happens; the push does not wait for it.
      Row row = Await.atMost(WAIT).until("the answer in the database", () -> f.row("select supervisor_id, agent_id,"
          + " attempt_id, mode, pbx, answered_at, ended_at from supervisor_listen where id = $1", first),
          r -> r.getValue("answered_at") != null);
      assertEquals(supId, row.getLong("supervisor_id"));
      assertEquals(agentId, row.getLong("agent_id"));
      assertEquals(attempt, row.getString("attempt_id"));
      assertEquals("listen", row.getString("mode"));
      assertNotNull(row.getValue("answered_at"));
      assertNull(row.getValue("ended_at"));

      // Whisper replaces it: the listening call ends first, then ChanSpy(...,qw).
      long second = start(sup, agentId, "whisper");
      assertNotEquals(first, second);
      assertEquals(agentChannel + ",qw", spyChannel(server, second).get("ApplicationData"));
      assertEquals("replaced by a new spy call", ended(f, first).getString("end_reason"));
      assertNull(channelOf(server, "listen-" + first), "one spy call per supervisor");
      pushes.await("the replaced call ended", WAIT, m -> state(m, first, "ended"));

      // An admin listens at the same time (another person's spy call is not replaced), then hangs up from the page.
      long admins = start(f.admin, agentId, "listen");
      spyChannel(server, admins);
      assertEquals(204, f.admin.send("DELETE", "/api/supervisor/listen/" + admins, null).status());
      assertEquals("stopped by admin", ended(f, admins).getString("end_reason"));
      assertNull(channelOf(server, "listen-" + admins));
      assertNotNull(channelOf(server, "listen-" + second), "the supervisor's whisper goes on");
      assertEquals("on_call", agent.get("/api/agent/line").json().getString("state"), "the call goes on");

      long third = start(sup, agentId, "barge");
      assertEquals(agentChannel + ",qB", spyChannel(server, third).get("ApplicationData"));
      pushes.await("barging", WAIT, m -> state(m, third, "listening"));
      Thread.sleep(1_600); // on the line long enough to count whole seconds

      // The agent's call ends: the spy call ends with it (ChanSpy alone would go on listening to the open line).
      assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
      Row last = ended(f, third);
      assertEquals("the agent's call ended", last.getString("end_reason"));
      assertTrue(last.getInteger("seconds") > 0, "seconds on the line: " + last.getInteger("seconds"));
      assertNull(channelOf(server, "listen-" + third), "the spy channel is gone from the PBX");
      assertNotNull(agent.get("/api/agent/line").json().getString("channel"), "the agent's line stays open");
      JsonObject endPush = pushes.await("ended", WAIT, m -> state(m, third, "ended"));
      assertEquals(last.getInteger("seconds"), endPush.getInteger("seconds"));
    } finally {
      pushes.close();
    }

    // The log as the database has it, newest first.
    JsonArray log = sup.get("/api/supervisor/listen?limit=10").json().getJsonArray("calls");
    assertEquals(count(f, "select count(*) from supervisor_listen"), log.size());
    assertEquals(4, log.size());
    assertEquals(List.of("barge", "listen", "whisper", "listen"), log.stream().map(o -> ((JsonObject) o).getString("mode"))
        .toList());
    for (Object o : log) {
      JsonObject c = (JsonObject) o;
      assertNotNull(c.getString("endedAt"), "every call ended: " + c);
      assertEquals(agentId, c.getLong("agentId"));
      assertEquals("wang.fang", c.getString("agentName"));
    }
    assertEquals(3L, log.stream().filter(o -> ((JsonObject) o).getLong("supervisorId") == supId).count());
    assertEquals(0L, count(f, "select count(*) from supervisor_listen where ended_at is null or seconds is null"));
    // Every start and every end in the audit log, with who, whom, mode and (at the end) seconds.
    assertEquals(3L, count(f, "select count(*) from audit_log where action = 'supervisor.listen.start'"
        + " and actor = 'zhao.zhuguan' and subject = 'agent " + agentId + "'"));
    assertEquals(4L, count(f, "select count(*) from audit_log where action = 'supervisor.listen.start'"));
    Await.atMost(WAIT).until("four ends in the audit log", () -> count(f,
        "select count(*) from audit_log a join supervisor_listen l on l.id = (a.detail->>'spyId')::bigint"
            + " where a.action = 'supervisor.listen.end' and (a.detail->>'seconds')::int = l.seconds"
            + " and a.detail->>'mode' = l.mode and (a.detail->>'agentId')::bigint = l.agent_id"), n -> n == 4L);

    // Nothing to hear once the call is over; stopping an ended call is harmless, an unknown one is not found.
    Http.Response after = sup.send("POST", "/api/supervisor/listen", listen(agentId, "listen"));
    assertEquals(409, after.status());
    assertEquals("agent_not_on_call", after.json().getString("error"));
    assertEquals(204, sup.send("DELETE", "/api/supervisor/listen/" + log.getJsonObject(0).getLong("spyId"), null)
        .status());
    assertEquals(404, sup.send("DELETE", "/api/supervisor/listen/999999", null).status());
  }

  private static String listen(long agentId, String mode) {
    return new JsonObject().put("agentId", agentId).put("mode", mode).encode();
  }

  private static long start(Http who, long agentId, String mode) {
    Http.Response r = who.send("POST", "/api/supervisor/listen", listen(agentId, mode));
    assertEquals(200, r.status(), r.body());
    return r.json().getLong("spyId");
  }

  /** The spy call's channel on the PBX once ChanSpy runs on it (its Uniqueid is the ChannelId listen-&lt;id&gt;). */
  private static AmiMessage spyChannel(TestServer server, long id) {
    return Await.atMost(WAIT).until("spy channel listen-" + id + " in ChanSpy",
        () -> channelOf(server, "listen-" + id), c -> c != null && "ChanSpy".equals(c.get("Application")));
  }

  private static AmiMessage channelOf(TestServer server, String uniqueid) {
    List<AmiMessage> channels = server.server().telephony().all().get(0).tracker().ami()
        .sendList(AmiMessage.action("CoreShowChannels")).toCompletionStage().toCompletableFuture().join();
    return channels.stream().filter(c -> uniqueid.equals(c.get("Uniqueid"))).findFirst().orElse(null);
  }

  private static Row ended(DeskFixture f, long id) {
    return Await.atMost(WAIT).until("spy call " + id + " ended in the database",
        () -> f.row("select ended_at, seconds, end_reason from supervisor_listen where id = $1", id),
        r -> r.getValue("ended_at") != null);
  }

  private static long count(DeskFixture f, String sql) {
    return f.row(sql).getLong(0);
  }

  private static boolean state(JsonObject m, long id, String state) {
    return "sup.listen".equals(m.getString("type")) && Long.valueOf(id).equals(m.getLong("spyId"))
        && state.equals(m.getString("state"));
  }

}
