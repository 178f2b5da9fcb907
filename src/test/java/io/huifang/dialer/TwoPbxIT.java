package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.telephony.TelephonyEvents;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two PBXes (two emulators), one progressive campaign, one agent on each: both PBXes are dialled, each agent gets
 * only the customers of the PBX their softphone is on, and the campaign's abandonment counts the abandons of both.
 * Telephony's events reach an event-bus consumer, naming the PBX.
 */
class TwoPbxIT {
  /** Customers answer after 5-6 s (time to pause the agent while the phone rings) and hang up after 2-3 s. */
  @Test
  @WithServer(flags = "--emulator.pbxes=north,south", scenario = "/dialer/two-pbx-scenario.json")
  void bothPbxesAreDialledEachForItsOwnAgentAndTheCampaignCountsTheAbandonsOfBoth(TestServer server,
      @TempDir Path dir) throws Exception {
    List<JsonObject> ended = new CopyOnWriteArrayList<>();
    List<JsonObject> states = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> endedConsumer = server.server().vertx().eventBus()
        .consumer(TelephonyEvents.ATTEMPT_ENDED, m -> ended.add(m.body()));
    MessageConsumer<JsonObject> stateConsumer = server.server().vertx().eventBus()
        .consumer(TelephonyEvents.AGENT_STATE, m -> states.add(m.body()));
    endedConsumer.completion().await();
    stateConsumer.completion().await();

    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    JsonArray health = admin.get("/health").json().getJsonArray("pbxes");
    assertEquals(2, health.size(), "both emulators are connected: " + health);
    long campaign = campaignWithCustomers(server, admin, dir, 20);

    // North's agent has no softphone set: the emulator's default, on the first PBX. South's names south.
    Http north = Http.userWithRole(server, admin, "bei.an", "agent");
    Http south = Http.userWithRole(server, admin, "nan.xi", "agent");
    long northAgent = north.get("/api/me").json().getJsonObject("user").getLong("id");
    long southAgent = south.get("/api/me").json().getJsonObject("user").getLong("id");
    Http.Response set = admin.send("PATCH", "/api/users/" + southAgent, new JsonObject()
        .put("softphone", "south:PJSIP/agent-" + southAgent).encode());
    assertEquals(200, set.status(), set.body());
    for (Http agent : List.of(north, south)) {
      Http.Response opened = agent.send("POST", "/api/agent/line", null);
      assertEquals(200, opened.status(), opened.body());
      assertEquals(200, agent.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true)
          .put("campaignId", campaign).encode()).status());
    }

    // Each PBX dials for its own agent, and each agent gets only their PBX's customers.
    await(() -> count(server, "select count(*) from call_attempt where campaign_id = $1 and agent_id = "
        + northAgent, campaign) >= 1 && count(server, "select count(*) from call_attempt where campaign_id = $1"
        + " and agent_id = " + southAgent, campaign) >= 1, 90_000, () -> "both agents reached a customer: "
        + attempts(server, campaign));
    assertEquals(List.of("north"), pbxesOfAgent(server, campaign, northAgent));
    assertEquals(List.of("south"), pbxesOfAgent(server, campaign, southAgent));

    // One abandon on each PBX: the agent pauses while the customer's phone rings, so no one takes the answer.
    abandonOnce(server, north, "north", campaign);
    abandonOnce(server, south, "south", campaign);
    await(() -> count(server, "select count(*) from call_attempt where campaign_id = $1 and outcome = 'abandoned'",
        campaign) == 2, 60_000, () -> "two abandons: " + attempts(server, campaign));
    assertEquals(1, count(server, "select count(*) from call_attempt where campaign_id = $1 and pbx = 'north'"
        + " and outcome = 'abandoned'", campaign));
    assertEquals(1, count(server, "select count(*) from call_attempt where campaign_id = $1 and pbx = 'south'"
        + " and outcome = 'abandoned'", campaign));
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id = $1 and agent_id is not null"
        + " and pbx = 'north' and agent_id <> " + northAgent, campaign), "north's customers went to north's agent");
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id = $1 and agent_id is not null"
        + " and pbx = 'south' and agent_id <> " + southAgent, campaign), "south's customers went to south's agent");

    // The campaign's figures are the campaign's, over both PBXes; the lines are shown per PBX and summed.
    JsonObject status = admin.get("/api/dialer").json();
    JsonObject run = status.getJsonArray("campaigns").getJsonObject(0);
    String seen = status.encode() + "\n" + attempts(server, campaign);
    assertEquals(campaign, run.getLong("campaignId"), seen);
    long answered = count(server, "select count(*) from call_attempt where campaign_id = $1 and answered_at is not"
        + " null", campaign);
    assertEquals(answered, run.getLong("liveAnsweredHour"), seen);
    assertEquals(2L, run.getLong("abandonedHour"), "the abandons of both PBXes count for the campaign: " + seen);
    assertEquals(2.0 / answered, run.getDouble("abandonRateHour"), 1e-12, seen);
    JsonArray perPbx = run.getJsonArray("pbxes");
    assertEquals(2, perPbx.size(), seen);
    long dialledSum = 0;
    for (int i = 0; i < perPbx.size(); i++) {
      JsonObject p = perPbx.getJsonObject(i);
      long onPbx = count(server, "select count(*) from call_attempt where campaign_id = $1 and pbx = '"
          + p.getString("pbx") + "'", campaign);
      assertEquals(onPbx, p.getLong("dialled"), seen);
      assertTrue(onPbx >= 2, "a bridged and an abandoned call on " + p.getString("pbx") + ": " + seen);
      dialledSum += p.getLong("dialled");
    }
    assertEquals(dialledSum, run.getLong("dialled"), "the campaign's lines are the sum of its PBXes': " + seen);
    assertEquals(2, status.getJsonArray("pbxes").size(), seen);

    // The domain events went out on the event bus, naming the PBX.
    await(() -> ended.stream().filter(e -> "abandoned".equals(e.getString("outcome"))).count() == 2, 10_000,
        () -> "attempt.ended events: " + ended);
    for (String pbx : List.of("north", "south")) {
      JsonObject abandoned = ended.stream().filter(e -> "abandoned".equals(e.getString("outcome"))
          && pbx.equals(e.getString("pbx"))).findFirst().orElse(null);
      assertNotNull(abandoned, "an abandon on " + pbx + ": " + ended);
      assertEquals(campaign, abandoned.getLong("campaignId"));
      assertEquals(1, count(server, "select count(*) from call_attempt where campaign_id = $1 and outcome ="
          + " 'abandoned' and pbx = '" + pbx + "' and id = '" + abandoned.getString("attemptId") + "'", campaign));
    }
    assertTrue(states.stream().anyMatch(s -> s.getLong("agentId") == southAgent && "south".equals(s.getString("pbx"))
        && "ready".equals(s.getString("state"))), "agent.state events: " + states);
    assertTrue(states.stream().anyMatch(s -> s.getLong("agentId") == northAgent && "north".equals(s.getString("pbx"))
        && "paused".equals(s.getString("state")) && "other".equals(s.getString("reason"))),
        "agent.state events: " + states);
  }

  /**
   * The agent's call ends and is written up; the dialer rings the next customer for them on their PBX and the agent
   * pauses while it rings: the answered customer finds no agent (abandoned), and the paused agent gets no more calls.
   */
  private static void abandonOnce(TestServer server, Http agent, String pbx, long campaign) throws Exception {
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    JsonObject[] desk = new JsonObject[1];
    await(() -> {
      desk[0] = agent.get("/api/agent/desk").json();
      return desk[0].getJsonObject("call") != null && !desk[0].getJsonObject("call").getBoolean("callUp");
    }, 60_000, () -> "the call ended: " + desk[0]);
    String reached = desk[0].getJsonObject("call").getString("attemptId");
    long before = count(server, "select count(*) from call_attempt where campaign_id = $1 and pbx = '" + pbx + "'",
        campaign);
    Http.Response submitted = agent.send("POST", "/api/agent/calls/" + reached + "/submit",
        "{\"disposition\":\"not_present\"}");
    assertEquals(200, submitted.status(), submitted.body());
    await(() -> count(server, "select count(*) from call_attempt where campaign_id = $1 and pbx = '" + pbx + "'",
        campaign) > before, 30_000, () -> "the next customer rings on " + pbx + " for agent " + agentId);
    assertEquals(200, agent.send("PUT", "/api/agent/ready", new JsonObject().put("ready", false)
        .put("campaignId", campaign).encode()).status());
  }

  private static long campaignWithCustomers(TestServer server, Http admin, Path dir, int customers) throws Exception {
    long dealer = DialerCampaigns.dealer(admin, "GZ02", "广州4S店");
    long campaign = DialerCampaigns.allDayProgressive(admin, dealer, "两台交换机", null);
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = 0; i < customers; i++) {
      csv.append("客户").append(i).append(",1370000").append(String.format("%04d", i)).append(',').append(visit)
          .append(",P").append(i).append('\n');
    }
    DialerCampaigns.importList(admin, campaign, dealer, dir, csv.toString());
    assertEquals(customers, count(server, "select count(*) from call_task where campaign_id = $1", campaign));
    return campaign;
  }

  private static List<String> pbxesOfAgent(TestServer server, long campaign, long agent) {
    List<String> out = new ArrayList<>();
    for (Row r : server.server().database().pool().preparedQuery("select distinct pbx from call_attempt where"
        + " campaign_id = $1 and agent_id = $2 order by pbx").execute(Tuple.of(campaign, agent)).await()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static String attempts(TestServer server, long campaign) {
    return DialerIT.rows(server, "select id, pbx, state, outcome, agent_id, answered_at is not null as answered"
        + " from call_attempt where campaign_id = $1 order by originated_at", campaign);
  }

  private static long count(TestServer server, String sql, long campaign) {
    return DialerIT.count(server, sql, campaign);
  }

  private static void await(BooleanSupplier done, long millis, java.util.function.Supplier<String> why)
      throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError("timed out: " + why.get());
      }
      Thread.sleep(100);
    }
  }
}
