package io.huifang.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.dialer.DialerCampaigns;
import io.huifang.pbx.ami.AmiClient;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PBX dies under two customers talking to agents, and comes back (hardening issue, item 9). Before the fix the
 * desk took the calls off the agents' screens as if the bridges had failed (drafts with no saves deleted), their
 * tasks were neither held nor given a result, and every agent's line stayed down after the PBX returned. Now the
 * attempts end with the cause "cut by a PBX loss", the agents keep their screens and answers (marked as cut), the
 * tasks wait for the dispositions, the lines reopen by themselves in wrap-up for the cut calls, and once the surveys
 * are submitted the agents take new customers from the PBX that came back. The fault suite's invariants hold.
 */
class PbxLossIT {
  private static final String PBX = "emulator";

  @Test
  @WithServer(flags = "--dialer.task-lease-seconds=5", scenario = "/dialer/long-calls-600s.json")
  void aPbxKilledUnderBridgedCallsLeavesTheAgentsTheirSurveysAndReopensTheirLines(TestServer server,
      @TempDir Path dir) throws Exception {
    Pool pool = server.server().database().pool();
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    long dealer = DialerCampaigns.dealer(admin, "SH09", "上海4S店");
    long campaign = DialerCampaigns.allDayProgressive(admin, dealer, "交换机中断回访", DialerCampaigns.FOUR_DAY_PARTS);
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = 0; i < 6; i++) {
      csv.append("客户").append(i).append(",1390000000").append(i).append(',').append(visit).append(",W").append(i)
          .append('\n');
    }
    DialerCampaigns.importList(admin, campaign, dealer, dir, csv.toString());
    Map<String, Http> agents = new LinkedHashMap<>();
    for (String name : List.of("zhou.min", "wu.lan")) {
      Http agent = Http.userWithRole(server, admin, name, "agent");
      assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
      assertEquals(200, agent.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true)
          .put("campaignId", campaign).encode()).status());
      agents.put(name, agent);
    }

    // Both agents talk to a customer; one has saved answers, the other not yet (a draft with no saves was deleted).
    await(() -> count(pool, "select count(*) from call_attempt where campaign_id = $1 and state = 'bridged'",
        campaign) == 2 && count(pool, "select count(*) from survey_response where campaign_id = $1", campaign) == 2,
        30_000, () -> "two customers with agents: " + FaultInvariants.dump(pool, campaign));
    Map<String, String> callOf = new LinkedHashMap<>();
    for (var e : agents.entrySet()) {
      JsonObject call = e.getValue().get("/api/agent/desk").json().getJsonObject("call");
      assertNotNull(call, e.getKey() + " has a call on screen");
      callOf.put(e.getKey(), call.getString("attemptId"));
    }
    String saver = "zhou.min";
    Http.Response saved = agents.get(saver).send("PUT", "/api/agent/calls/" + callOf.get(saver) + "/answers",
        new JsonObject().put("answers", new JsonObject().put("owner", true).put("s1", 8)).encode());
    assertEquals(200, saved.status(), saved.body());

    // The PBX dies: every channel gone, the AMI connection dropped without a Hangup; it is back a second later.
    AmiClient ami = server.server().telephony().pbx(PBX).tracker().ami();
    server.server().killEmulator(PBX).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await(() -> ami.state() != AmiClient.State.CONNECTED, 5_000, () -> "the AMI connection dropped");
    Thread.sleep(1_000); // the PBX stays away a while (a restart), while the dialer goes on trying
    Instant back = Instant.now();
    server.server().reviveEmulator(PBX).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    // The calls end once, with the cause.
    List<String> cut = new ArrayList<>(callOf.values());
    await(() -> count(pool, "select count(*) from call_attempt where campaign_id = $1 and state = 'ended' and id = any('{"
        + String.join(",", cut) + "}')", campaign) == 2, 30_000, () -> "the cut calls ended: "
        + FaultInvariants.dump(pool, campaign));
    for (String id : cut) {
      Row a = row(pool, "select outcome, detail, hangup_by, agent_id from call_attempt where id = $1", id);
      assertTrue(a.getString("detail").startsWith("cut by a PBX loss"), a.toJson().encode());
      assertEquals("answered_human", a.getString("outcome"), a.toJson().encode());
      assertEquals("unknown", a.getString("hangup_by"), a.toJson().encode());
    }

    // Each agent keeps the survey, marked as cut by the PBX loss, with the answers saved before.
    for (var e : agents.entrySet()) {
      String attempt = callOf.get(e.getKey());
      await(() -> {
        JsonObject call = e.getValue().get("/api/agent/desk").json().getJsonObject("call");
        return call != null && attempt.equals(call.getString("attemptId")) && "pbx_lost".equals(call.getString("cut"));
      }, 10_000, () -> e.getKey() + "'s screen: " + brief(e.getValue().get("/api/agent/desk").json()));
      JsonObject call = e.getValue().get("/api/agent/desk").json().getJsonObject("call");
      assertEquals(false, call.getBoolean("callUp"), call.encode());
      assertEquals(false, call.getBoolean("submitted"), call.encode());
    }
    JsonObject kept = agents.get(saver).get("/api/agent/desk").json().getJsonObject("call").getJsonObject("answers");
    assertEquals(8, kept.getInteger("s1"), kept.encode());
    assertEquals(2, count(pool, "select count(*) from survey_response where campaign_id = $1 and status = 'draft'",
        campaign), "both drafts are kept: " + FaultInvariants.dump(pool, campaign));

    // The tasks wait for the dispositions: held, no outcome yet.
    for (String id : cut) {
      Row t = row(pool, "select t.leased_until, (select count(*) from task_event e where e.task_id = t.id) as events"
          + " from call_task t where t.id = (select task_id from call_attempt where id = $1)", id);
      assertEquals(0L, t.getLong("events"), t.toJson().encode());
      assertTrue(t.getOffsetDateTime("leased_until").toInstant().isAfter(Instant.now().plus(Duration.ofHours(11))),
          "held for the agent's disposition: " + t.toJson());
    }

    // The lines reopen by themselves, in wrap-up for the cut calls: no new customer replaces an unfinished screen.
    for (var e : agents.entrySet()) {
      await(() -> "wrap_up".equals(e.getValue().get("/api/agent/line").json().getString("state")), 15_000,
          () -> e.getKey() + "'s line: " + e.getValue().get("/api/agent/line").body());
    }
    assertEquals(0, count(pool, "select count(*) from call_attempt where campaign_id = $1 and agent_id is not null"
        + " and originated_at > '" + back + "'", campaign), "no new customer for an agent with a cut call");

    // The agents submit; the dispositions reach the tasks, the answers are kept, and the agents take new calls.
    for (var e : agents.entrySet()) {
      String attempt = callOf.get(e.getKey());
      Http.Response done = e.getValue().send("POST", "/api/agent/calls/" + attempt + "/submit",
          new JsonObject().put("disposition", "not_present").put("note", "交换机中断").encode());
      assertEquals(200, done.status(), done.body());
    }
    for (String id : cut) {
      Row t = row(pool, "select t.last_outcome, t.leased_until, (select count(*) from task_event e"
          + " where e.task_id = t.id) as events from call_task t where t.id = (select task_id from call_attempt"
          + " where id = $1)", id);
      assertEquals(1L, t.getLong("events"), t.toJson().encode());
      assertEquals("not_owner", t.getString("last_outcome"), t.toJson().encode());
    }
    Row savedRow = row(pool, "select status, answers from survey_response where attempt_id = $1", callOf.get(saver));
    assertEquals("submitted", savedRow.getString("status"));
    assertEquals(8, savedRow.getJsonObject("answers").getInteger("s1"), savedRow.toJson().encode());
    await(() -> count(pool, "select count(*) from call_attempt where campaign_id = $1 and state = 'bridged'"
        + " and originated_at > '" + back + "'", campaign) == 2, 30_000,
        () -> "both agents took a new customer on the PBX that came back: " + FaultInvariants.dump(pool, campaign));

    // Stop dialling, hang the calls up, and check the invariants.
    for (Http agent : agents.values()) {
      agent.send("PUT", "/api/agent/ready", "{\"ready\":false}");
      agent.send("POST", "/api/agent/call/hangup", null);
    }
    await(() -> count(pool, "select count(*) from call_attempt where campaign_id = $1 and state <> 'ended'",
        campaign) == 0, 20_000, () -> "every call ended: " + FaultInvariants.dump(pool, campaign));
    for (var e : agents.entrySet()) {
      JsonObject call = e.getValue().get("/api/agent/desk").json().getJsonObject("call");
      e.getValue().send("POST", "/api/agent/calls/" + call.getString("attemptId") + "/submit",
          "{\"disposition\":\"not_present\"}");
    }
    Map<String, Long> violations = FaultInvariants.violations(pool, campaign);
    System.out.println("PbxLossIT invariants: " + violations);
    assertEquals(0, FaultInvariants.total(violations), violations + "\n" + FaultInvariants.described(pool, campaign)
            + "\n" + FaultInvariants.dump(pool, campaign));
  }

  /** The agent's state and the call on the screen, without the questionnaire. */
  private static String brief(JsonObject desk) {
    JsonObject call = desk.getJsonObject("call");
    return desk.getJsonObject("agent").encode() + " call=" + (call == null ? null : new JsonObject()
        .put("attemptId", call.getString("attemptId")).put("callUp", call.getValue("callUp"))
        .put("cut", call.getValue("cut")).put("answers", call.getValue("answers")).encode());
  }

  private static Row row(Pool pool, String sql, Object arg) {
    var rs = pool.preparedQuery(sql).execute(Tuple.of(arg)).await();
    assertTrue(rs.size() > 0, "no row for " + sql);
    return rs.iterator().next();
  }

  private static long count(Pool pool, String sql, long arg) {
    return FaultInvariants.count(pool, sql, arg);
  }

  private static void await(BooleanSupplier condition, long millis, Supplier<String> message) {
    Await.atMost(Duration.ofMillis(millis)).every(Duration.ofMillis(100))
        .until(message, condition::getAsBoolean, done -> done);
  }
}
