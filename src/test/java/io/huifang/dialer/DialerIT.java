package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of a call, live: an imported customer list, a progressive campaign, one agent on an open line.
 * The dialer takes due tasks from the scheduler, the emulator's customers answer or not, answered ones reach the
 * agent, and every attempt's outcome goes back to the task.
 */
class DialerIT {

  @Test
  @WithServer(flags = "--emulator.speed=20")
  void progressiveCampaignDialsDueTasksForTheReadyAgentAndRecordsOutcomes(TestServer server, @TempDir Path dir)
      throws Exception {
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    long dealer = DialerCampaigns.dealer(admin, "SH01", "上海4S店");
    long campaign = DialerCampaigns.allDayProgressive(admin, dealer, "实时外呼", DialerCampaigns.FOUR_DAY_PARTS);

    // Callbacks start the day after the visit: the cars left the workshop yesterday.
    String today = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = 0; i < 12; i++) {
      csv.append("客户").append(i).append(",1390000").append(String.format("%04d", i)).append(',').append(today)
          .append(",W").append(i).append('\n');
    }
    csv.append("00拒绝回访钱八,13900009999,").append(today).append(",W99\n");
    DialerCampaigns.importList(admin, campaign, dealer, dir, csv.toString());

    Http agent = Http.userWithRole(server, admin, "zhou.min", "agent");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    Thread.sleep(3000);
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id = $1", campaign),
        "no agent ready, nothing dialled");

    assertEquals(200, agent.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true)
        .put("campaignId", campaign).encode()).status());
    Await.atMost(Duration.ofSeconds(90)).every(Duration.ofMillis(200)).until(() -> "a customer to reach an agent;"
        + " tasks: " + rows(server, "select status, next_try_at, deadline, allowed_parts, leased_until, attempts"
        + " from call_task where campaign_id = $1", campaign) + " attempts: " + rows(server, "select id, outcome,"
        + " agent_id from call_attempt where campaign_id = $1", campaign) + " now " + java.time.Instant.now(),
        () -> count(server, "select count(*) from call_attempt where campaign_id = $1 and outcome = 'answered_human'"
        + " and agent_id is not null", campaign), n -> n > 0);
    assertTrue(count(server, "select count(*) from call_attempt where campaign_id = $1 and outcome ="
        + " 'answered_human' and agent_id = " + agentId, campaign) >= 1, () -> "a customer reached the agent; tasks: "
        + rows(server, "select status, next_try_at, deadline, allowed_parts, leased_until, attempts from call_task"
        + " where campaign_id = $1", campaign) + " attempts: " + rows(server, "select id, outcome, agent_id from"
        + " call_attempt where campaign_id = $1", campaign) + " now " + java.time.Instant.now());
    // The agent writes the call up (someone else answered: call the customer another day) once it has ended;
    // until then the agent is in wrap-up and progressive dials nothing more.
    JsonObject desk = Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(200)).until(
        "the agent's call to end", () -> agent.get("/api/agent/desk").json(),
        d -> d.getJsonObject("call") != null && !d.getJsonObject("call").getBoolean("callUp"));
    assertEquals("wrap_up", desk.getJsonObject("agent").getString("state"), desk.encode());
    String reached = desk.getJsonObject("call").getString("attemptId");
    Thread.sleep(1500);
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id = $1 and task_id is not null"
        + " and originated_at > (select ended_at from call_attempt where id = '" + reached + "')", campaign),
        "nothing dialled while the only agent wraps up");
    Http.Response submitted = agent.send("POST", "/api/agent/calls/" + reached + "/submit",
        "{\"disposition\":\"not_present\"}");
    assertEquals(200, submitted.status(), submitted.body());
    assertEquals(1, count(server, "select count(*) from call_task where campaign_id = $1 and status = 'open'"
        + " and last_outcome = 'not_owner' and id = (select task_id from call_attempt where id = '" + reached + "')",
        campaign), "someone else answered: the task stays open for another day");
    // Progressive: the next number is dialled once the agent is free again.
    Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(200)).until("the next number dialled",
        () -> count(server, "select count(*) from call_attempt where campaign_id = $1 and task_id is not null",
        campaign), n -> n >= 2);
    assertTrue(count(server, "select count(*) from call_attempt where campaign_id = $1 and task_id is not null",
        campaign) >= 2);
    assertEquals(0, count(server, "select count(*) from (select a.id from call_attempt a join call_attempt b"
        + " on a.id < b.id and a.campaign_id = b.campaign_id and b.originated_at < coalesce(a.ended_at, now())"
        + " and b.originated_at > a.originated_at where a.campaign_id = $1) overlapping", campaign),
        "progressive with one agent: never two calls at once");
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id = $1 and dial_string like"
        + " '%13900009999%'", campaign), "the 00拒绝回访 number is never dialled");
    assertTrue(count(server, "select count(*) from task_event e join call_task t on t.id = e.task_id"
        + " where t.campaign_id = $1", campaign) >= 1, "outcomes reached the tasks");
    assertEquals(0, count(server, "select count(*) from call_task t where t.campaign_id = $1 and t.status <> 'open'"
        + " and t.last_outcome = 'not_owner'", campaign), "the not-present disposition keeps the task open");
    assertEquals(0, count(server, "select count(*) from call_task t where t.campaign_id = $1 and t.status = 'done'"
        + " and not exists (select 1 from call_attempt a where a.task_id = t.id and a.outcome = 'answered_human')",
        campaign), "only reached customers are done");
    JsonObject status = admin.get("/api/dialer").json();
    JsonObject run = status.getJsonArray("campaigns").getJsonObject(0);
    assertEquals(campaign, run.getLong("campaignId"));
    assertTrue(run.getLong("liveAnsweredHour") >= 1, "the hour's live answers are counted: " + run);
    assertEquals(0L, run.getLong("abandonedHour"), "progressive with its agent free abandons no one: " + run);
    assertEquals(403, agent.get("/api/dialer").status());
    agent.send("PUT", "/api/agent/ready", "{\"ready\":false}");
  }

  static String rows(TestServer server, String sql, long campaign) {
    StringBuilder sb = new StringBuilder();
    server.server().database().pool().preparedQuery(sql).execute(Tuple.of(campaign)).await()
        .forEach(r -> sb.append(r.toJson().encode()).append('\n'));
    return sb.toString();
  }

  static long count(TestServer server, String sql, long campaign) {
    return server.server().database().pool().preparedQuery(sql).execute(Tuple.of(campaign)).await().iterator().next()
        .getLong(0);
  }
}
