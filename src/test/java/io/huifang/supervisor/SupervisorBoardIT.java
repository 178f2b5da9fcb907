package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.PushSocket;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The supervisors' live board over the real server (embedded PostgreSQL, PBX emulator whose customers answer in 1–2 s
 * and talk ten minutes): the snapshot a supervisor's page gets, the updates as agents change, steering (a campaign
 * paused and resumed, an agent paused after the call, an agent signed out), and that agents and QA see none of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithServer(scenario = DeskFixture.SCENARIO)
class SupervisorBoardIT {
  @Injected
  TestServer server;
  DeskFixture f;
  Http supervisor;

  @BeforeAll
  void prepare() throws Exception {
    f = DeskFixture.prepare(server, 40, 0);
    supervisor = Http.userWithRole(server, f.admin, "zhu.guan", "supervisor");
    // A campaign created a moment ago reaches the board with its next read of the campaigns (every few seconds).
    Await.atMost(Duration.ofSeconds(15)).until("the campaign on the board",
        () -> supervisor.get("/api/supervisor/board").json().getJsonArray("campaigns"),
        a -> a.stream().anyMatch(o -> ((JsonObject) o).getLong("campaignId") == f.campaign));
  }

  PushSocket open(Http user) throws Exception {
    return new PushSocket(user, f.wsUri());
  }

  static long id(Http user) {
    return user.get("/api/me").json().getJsonObject("user").getLong("id");
  }

  static JsonObject campaignOf(JsonObject board, long campaignId) {
    for (Object o : board.getJsonArray("campaigns")) {
      if (((JsonObject) o).getLong("campaignId") == campaignId) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("campaign " + campaignId + " not on the board: " + board.getJsonArray("campaigns"));
  }

  /** The row of the agent in an update, or null when the update does not carry it. */
  static JsonObject rowIn(JsonObject update, long agentId) {
    JsonObject agents = update.getJsonObject("changed").getJsonObject("agents");
    return agents == null ? null : agents.getJsonObject("rows").getJsonObject(Long.toString(agentId));
  }

  @Test
  @Order(1)
  void aSupervisorsPageGetsTheBoardThenTheChangesAsAgentsMove() throws Exception {
    PushSocket page = open(supervisor);
    JsonObject snapshot = page.await("the snapshot", Duration.ofSeconds(5), m -> "sup.snapshot".equals(m.getString("type")));
    JsonObject board = snapshot.getJsonObject("board");
    JsonObject c = campaignOf(board, f.campaign);
    assertEquals("售后回访 desk", c.getString("name"));
    assertEquals("progressive", c.getString("mode"));
    assertEquals(false, c.getBoolean("paused"));
    assertEquals(0.03, c.getJsonObject("abandon").getDouble("limit"), 1e-9);
    assertNotNull(board.getJsonObject("thresholds").getJsonObject("stateSeconds"), board.encode());
    assertEquals(1, board.getJsonArray("pbxes").size(), board.encode());
    assertEquals(true, board.getJsonArray("pbxes").getJsonObject(0).getBoolean("up"));
    assertTrue(supervisor.get("/api/supervisor/board").json().getLong("seq") >= board.getLong("seq"),
        "GET gives the board as pushed (the same, or a later one if the figures moved meanwhile)");

    Http agent = f.agent("wang.fang");
    long agentId = id(agent);
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    // While the softphone rings the line is still logged out (a loaded machine may show that in an update first);
    // once answered it is open and paused until the agent says ready.
    JsonObject opened = page.await("the agent's line on the board, open", Duration.ofSeconds(3),
        m -> "sup.update".equals(m.getString("type")) && rowIn(m, agentId) != null
            && !"logged_out".equals(rowIn(m, agentId).getString("state")));
    assertEquals("paused", rowIn(opened, agentId).getString("state"), opened.encode());
    // a user new to the board is looked up by id: the name follows within the next update
    page.await("the agent's name on the board", Duration.ofSeconds(3), m -> "sup.update".equals(m.getString("type"))
        && rowIn(m, agentId) != null && "wang.fang".equals(rowIn(m, agentId).getString("username")));
    Thread.sleep(1100);

    int before = page.frames.size();
    long asked = System.currentTimeMillis();
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    JsonObject ready = page.await("an update with the agent no longer paused", Duration.ofSeconds(2),
        m -> page.frames.indexOf(m) >= before && "sup.update".equals(m.getString("type"))
            && rowIn(m, agentId) != null && !"paused".equals(rowIn(m, agentId).getString("state")));
    long took = System.currentTimeMillis() - asked;
    assertTrue(took <= 2000, "pushed " + took + " ms after the agent went ready");
    assertTrue(List.of("ready", "reserved", "on_call").contains(rowIn(ready, agentId).getString("state")),
        ready.encode());

    // The dialer calls a customer for the agent: the row shows the call, the customer masked.
    JsonObject onCall = page.await("the agent on a call", Duration.ofSeconds(15),
        m -> "sup.update".equals(m.getString("type")) && rowIn(m, agentId) != null
            && "on_call".equals(rowIn(m, agentId).getString("state")));
    JsonObject row = rowIn(onCall, agentId);
    assertTrue(row.getString("customer").matches("138\\*\\*\\*\\*\\d{4}"), row.encode());
    assertEquals(f.campaign, row.getLong("campaignId"));

    // Updates are numbered one by one, and never two within the push interval (0.9 s: about one a second).
    List<JsonObject> updates = page.ofType("sup.update");
    for (int i = 1; i < updates.size(); i++) {
      assertEquals(updates.get(i - 1).getLong("seq") + 1, updates.get(i).getLong("seq"), updates.toString());
      assertTrue(updates.get(i).getLong("at") - updates.get(i - 1).getLong("at") >= LiveBoard.PUSH_INTERVAL_MS - 20,
          "two updates within the interval: " + updates.get(i - 1).getLong("at") + ", " + updates.get(i).getLong("at"));
    }
    assertEquals(snapshot.getJsonObject("board").getLong("seq") + 1, updates.get(0).getLong("seq"));
    page.close();
  }


  /** The supervisor's view of an agent's row right now (GET, as a page after a gap). */
  JsonObject boardRow(long agentId) {
    return supervisor.get("/api/supervisor/board").json().getJsonObject("agents").getJsonObject("rows")
        .getJsonObject(Long.toString(agentId));
  }

  long count(String sql, Object... args) {
    return f.row(sql, args).getLong(0);
  }

  @Test
  @Order(2)
  void anAgentForcePausedOnACallIsPausedWhenTheCallEndsAndOverTheLimitIsAnAlert() throws Exception {
    Http agent = agentOnCall("wang.fang");
    long agentId = id(agent);
    Http.Response paused = supervisor.send("POST", "/api/supervisor/agents/" + agentId + "/pause",
        "{\"reason\":\"supervisor\"}");
    assertEquals(200, paused.status(), paused.body());
    assertEquals("on_call", paused.json().getJsonObject("agent").getString("state"), "the call goes on");
    assertEquals(false, paused.json().getJsonObject("agent").getBoolean("wantsReady"));
    Http.Response nap = supervisor.send("POST", "/api/supervisor/agents/" + agentId + "/pause", "{\"reason\":\"nap\"}");
    assertEquals(400, nap.status());
    assertEquals("reason", nap.json().getString("field"));
    Thread.sleep(1500);
    assertEquals("on_call", boardRow(agentId).getString("state"));

    String attempt = agent.get("/api/agent/desk").json().getJsonObject("call").getString("attemptId");
    assertEquals(200, agent.send("POST", "/api/agent/call/hangup", null).status());
    Await.atMost(Duration.ofSeconds(10)).until("wrap-up", () -> agent.get("/api/agent/line").json().getString("state"),
        "wrap_up"::equals);
    Http.Response submitted = agent.send("POST", "/api/agent/calls/" + attempt + "/submit",
        "{\"disposition\":\"refused\"}");
    assertEquals(200, submitted.status(), submitted.body());
    JsonObject line = Await.atMost(Duration.ofSeconds(10)).until("paused after the call",
        () -> agent.get("/api/agent/desk").json().getJsonObject("agent"), l -> "paused".equals(l.getString("state")));
    assertEquals("supervisor", line.getString("pauseReason"), line.encode());
    JsonObject row = Await.atMost(Duration.ofSeconds(3)).until("the board's row paused", () -> boardRow(agentId),
        r -> "paused".equals(r.getString("state")));
    assertEquals("supervisor", row.getString("pauseReason"));
    assertEquals(1800, row.getInteger("pauseLimitSeconds"), "the default limit of a supervisor's pause");
    assertEquals(1, count("select count(*) from audit_log where action = 'supervisor.agent.pause' and subject = $1",
        "wang.fang"));

    // A limit of one second: the pause is over it, an alert raised once, cleared when the limit is back.
    JsonObject t = Thresholds.defaults();
    t.getJsonObject("pauseLimits").put("supervisor", 1);
    assertEquals(200, supervisor.send("PUT", "/api/supervisor/thresholds", t.encode()).status());
    String alertId = "paused-" + agentId;
    JsonArray alerts = Await.atMost(Duration.ofSeconds(5)).until("the alert on the board",
        () -> supervisor.get("/api/supervisor/board").json().getJsonArray("alerts"),
        a -> a.stream().anyMatch(o -> alertId.equals(((JsonObject) o).getString("id"))));
    JsonObject alert = alerts.stream().map(o -> (JsonObject) o).filter(a -> alertId.equals(a.getString("id")))
        .findFirst().orElseThrow();
    assertEquals("agent_paused_over_limit", alert.getString("kind"));
    assertEquals(agentId, alert.getLong("agentId"));
    Thread.sleep(2500);
    assertEquals(1, count("select count(*) from audit_log where action = 'supervisor.alert' and subject = $1"
        + " and result = 'raised'", alertId), "raised once, however many boards are built meanwhile");
    assertEquals(200, supervisor.send("PUT", "/api/supervisor/thresholds", Thresholds.defaults().encode()).status());
    Await.atMost(Duration.ofSeconds(5)).until("the alert cleared", () -> count("select count(*) from audit_log"
        + " where action = 'supervisor.alert' and subject = $1 and result = 'cleared'", alertId), n -> n == 1);
    assertTrue(supervisor.get("/api/supervisor/board").json().getJsonArray("alerts").stream()
        .noneMatch(o -> alertId.equals(((JsonObject) o).getString("id"))));
  }

  /** The agent signed in earlier (or now), line open, ready for the campaign and on a call. */
  Http agentOnCall(String username) throws Exception {
    Http agent = f.agent(username);
    agent.send("POST", "/api/agent/line", null);
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    Await.atMost(Duration.ofSeconds(20)).until(username + " on a call",
        () -> agent.get("/api/agent/line").json().getString("state"), "on_call"::equals);
    return agent;
  }

  @Test
  @Order(3)
  void aPausedCampaignDialsNoMoreAndResumedDialsAgain() throws Exception {
    JsonObject wrong = supervisor.send("POST", "/api/supervisor/campaigns/" + f.campaign + "/pause",
        "{\"confirm\":\"售后回访\"}").json();
    assertEquals("confirm_mismatch", wrong.getString("error"), wrong.encode());
    assertEquals(409, supervisor.send("POST", "/api/supervisor/campaigns/" + f.campaign + "/pause",
        "{\"confirm\":\"售后回访\"}").status());
    assertEquals(0, count("select count(*) from campaign where id = $1 and paused_at is not null", f.campaign));

    Http agent = f.agent("zhang.min");
    long agentId = id(agent);
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    Http.Response paused = supervisor.send("POST", "/api/supervisor/campaigns/" + f.campaign + "/pause",
        "{\"confirm\":\"售后回访 desk\"}");
    assertEquals(200, paused.status(), paused.body());
    assertEquals(true, paused.json().getJsonObject("campaign").getBoolean("paused"));
    assertEquals("zhu.guan", f.row("select paused_by from campaign where id = $1", f.campaign).getString(0));
    JsonObject onBoard = campaignOf(supervisor.get("/api/supervisor/board").json(), f.campaign);
    assertEquals(true, onBoard.getBoolean("paused"), onBoard.encode());
    assertEquals("zhu.guan", onBoard.getString("pausedBy"));
    assertEquals("paused", onBoard.getString("whyCode"));

    // A ready agent would be dialled for within a second; the paused campaign dials nobody.
    long before = count("select count(*) from call_attempt where campaign_id = $1", f.campaign);
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    Thread.sleep(4000);
    assertEquals(before, count("select count(*) from call_attempt where campaign_id = $1", f.campaign),
        "no call placed while paused");
    assertEquals(0, count("select count(*) from call_attempt where campaign_id = $1 and originated_at >"
        + " (select paused_at from campaign where id = $1)", f.campaign));
    assertEquals("ready", agent.get("/api/agent/line").json().getString("state"));

    Http.Response resumed = supervisor.send("POST", "/api/supervisor/campaigns/" + f.campaign + "/resume",
        "{\"confirm\":\"售后回访 desk\"}");
    assertEquals(200, resumed.status(), resumed.body());
    assertEquals(false, resumed.json().getJsonObject("campaign").getBoolean("paused"));
    Await.atMost(Duration.ofSeconds(15)).until("a call placed after the resume",
        () -> count("select count(*) from call_attempt where campaign_id = $1", f.campaign), n -> n > before);
    Await.atMost(Duration.ofSeconds(15)).until("the agent on a call",
        () -> agent.get("/api/agent/line").json().getString("state"), "on_call"::equals);
    assertEquals(2, count("select count(*) from audit_log where action in ('supervisor.campaign.pause',"
        + " 'supervisor.campaign.resume') and result = 'ok'"));
    assertEquals(2, count("select count(*) from audit_log where action = 'supervisor.campaign.pause'"
        + " and result = 'confirm_mismatch'"));
  }

  @Test
  @Order(4)
  void atAQuietMomentTheBoardsCountsAreTheDatabasesAndTheDialers() throws Exception {
    // Quiet: nothing ringing nor waiting (every agent who wants a call has one; calls last ten minutes).
    JsonObject c = Await.atMost(Duration.ofSeconds(15)).until("a quiet moment",
        () -> campaignOf(supervisor.get("/api/supervisor/board").json(), f.campaign),
        x -> x.getJsonObject("calls").getInteger("placing") + x.getJsonObject("calls").getInteger("ringing")
            + x.getJsonObject("calls").getInteger("answeredWaiting") == 0);
    Thread.sleep(1200);
    JsonObject board = supervisor.get("/api/supervisor/board").json();
    c = campaignOf(board, f.campaign);
    JsonObject calls = c.getJsonObject("calls");
    long talkingInDb = count("select count(*) from call_attempt where campaign_id = $1 and bridged_at is not null"
        + " and ended_at is null", f.campaign);
    long upInDb = count("select count(*) from call_attempt where campaign_id = $1 and ended_at is null", f.campaign);
    assertEquals(talkingInDb, calls.getLong("talking"), calls.encode());
    assertEquals(upInDb, calls.getLong("talking") + calls.getLong("ringing") + calls.getLong("placing")
        + calls.getLong("answeredWaiting"), calls.encode());
    assertEquals(talkingInDb, c.getJsonObject("agents").getLong("onCall"));

    JsonObject dialer = null;
    for (Object o : supervisor.get("/api/dialer").json().getJsonArray("campaigns")) {
      if (((JsonObject) o).getLong("campaignId") == f.campaign) {
        dialer = (JsonObject) o;
      }
    }
    assertNotNull(dialer);
    assertEquals(dialer.getInteger("ringing"), calls.getInteger("ringing") + calls.getInteger("placing"));
    JsonObject hour = c.getJsonObject("abandon").getJsonObject("hour");
    assertEquals(dialer.getLong("liveAnsweredHour"), hour.getLong("liveAnswered"), c.encode());
    assertEquals(dialer.getLong("abandonedHour"), hour.getLong("abandoned"));
    assertEquals(count("select count(*) from call_attempt where campaign_id = $1 and answered_at is not null"
        + " and coalesce(outcome, 'answered_human') in ('answered_human', 'abandoned')", f.campaign),
        hour.getLong("liveAnswered"), "the hour's live answers, as stored");
    assertEquals(count("select count(*) from call_attempt where campaign_id = $1 and outcome = 'abandoned'",
        f.campaign), hour.getLong("abandoned"));
    assertEquals(dialer.getString("mode"), c.getString("mode"));
    assertNotNull(c.getString("why"), c.encode());
    assertEquals("progressive", c.getString("whyCode"), c.encode());
    JsonObject totalHour = board.getJsonObject("totals").getJsonObject("abandon").getJsonObject("hour");
    assertEquals(hour.getLong("liveAnswered"), totalHour.getLong("liveAnswered"), "one campaign dialled: its sums");
    assertEquals(0.03, board.getJsonObject("totals").getJsonObject("abandon").getDouble("limit"), 1e-9);

    // Agents: the board's rows agree with the lines themselves, and the counts with the rows.
    JsonObject rows = board.getJsonObject("agents").getJsonObject("rows");
    int onCall = 0;
    int pausedRows = 0;
    for (String k : rows.fieldNames()) {
      String state = rows.getJsonObject(k).getString("state");
      onCall += "on_call".equals(state) ? 1 : 0;
      pausedRows += "paused".equals(state) ? 1 : 0;
      var line = server.server().telephony().lineOf(Long.parseLong(k));
      assertEquals(line.state().name().toLowerCase(), state, "agent " + k);
    }
    assertEquals(onCall, board.getJsonObject("totals").getJsonObject("agents").getInteger("onCall"));
    assertEquals(pausedRows, board.getJsonObject("totals").getJsonObject("agents").getInteger("paused"));
    assertEquals(rows.size(), board.getJsonObject("totals").getJsonObject("agents").getInteger("loggedIn"));

    // The database's figures as the board shows them after this scripted run, against the database's own counts:
    // connection today (ended attempts since Shanghai midnight), machines, and the dealers' samples of the month.
    long ended = count("select count(*) from call_attempt where campaign_id = $1 and ended_at >= "
        + "date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai'", f.campaign);
    long connected = count("select count(*) from call_attempt where campaign_id = $1 and ended_at >= "
        + "date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai'"
        + " and answered_at is not null and outcome in ('answered_human', 'abandoned')", f.campaign);
    assertTrue(ended > 0, "the earlier tests ended calls: the check below is not about zeros");
    JsonObject today = Await.atMost(Duration.ofSeconds(20)).until("the board's figures caught up",
        () -> campaignOf(supervisor.get("/api/supervisor/board").json(), f.campaign).getJsonObject("connection")
            .getJsonObject("today"), t -> t.getLong("dialled", -1L) == ended);
    assertEquals(connected, today.getLong("answered"), today.encode());
    assertEquals(connected / (double) ended, today.getDouble("rate"), 1e-9);
    long successes = count("select count(*) from survey_response sr join customer cu on cu.id = sr.customer_id"
        + " where sr.campaign_id = $1 and sr.status = 'submitted' and sr.disposition_group = 'success'"
        + " and not coalesce(sr.void, false)", f.campaign);
    long errors = count("select count(*) from survey_response sr join customer cu on cu.id = sr.customer_id"
        + " where sr.campaign_id = $1 and sr.status = 'submitted' and sr.disposition_group = 'error_sample'"
        + " and not coalesce(sr.void, false)", f.campaign);
    assertTrue(successes + errors > 0, "a survey was submitted in the force-pause test");
    long month = 0;
    long monthErrors = 0;
    for (Object o : supervisor.get("/api/supervisor/board").json().getJsonArray("dealers")) {
      JsonObject d = (JsonObject) o;
      if (d.getLong("campaignId") == f.campaign) {
        month += d.getJsonObject("month").getLong("success");
        monthErrors += d.getJsonObject("month").getLong("error");
      }
    }
    assertEquals(successes, month, "successful samples over the campaign's dealers");
    assertEquals(errors, monthErrors, "error samples over the campaign's dealers");
  }

  @Test
  @Order(5)
  void anAgentSignedOutOnACallLosesTheirPagesNowAndTheLineWhenTheCallEnds() throws Exception {
    Http agent = f.agent("zhang.min"); // a second session of the agent on a call since the resume
    long agentId = id(agent);
    PushSocket desk = open(agent);
    Thread.sleep(300);
    assertEquals("on_call", agent.get("/api/agent/line").json().getString("state"));
    String attempt = agent.get("/api/agent/desk").json().getJsonObject("call").getString("attemptId");
    Http.Response out = supervisor.send("POST", "/api/supervisor/agents/" + agentId + "/sign-out", null);
    assertEquals(200, out.status(), out.body());
    Await.atMost(Duration.ofSeconds(5)).until("the agent's page closed", () -> desk.closedWith, code -> code != null);
    assertEquals(4002, desk.closedWith);
    assertEquals(401, agent.get("/api/me").status(), "every session ended");
    assertEquals(0, count("select count(*) from user_session where user_id = $1", agentId));
    var line = server.server().telephony().lineOf(agentId);
    assertEquals("ON_CALL", line.state().name(), "the customer is not cut off");

    server.server().telephony().pbx("emulator").tracker().hangup(attempt, false).await(5, TimeUnit.SECONDS);
    Await.atMost(Duration.ofSeconds(10)).until("the line closed after the call",
        () -> server.server().telephony().lineOf(agentId), l -> l == null);
    Await.atMost(Duration.ofSeconds(3)).until("the row gone from the board", () -> boardRow(agentId), r -> r == null);
    assertEquals(1, count("select count(*) from audit_log where action = 'supervisor.agent.sign-out'"
        + " and subject = 'zhang.min'"));
  }

  @Test
  @Order(9)
  void agentsAndQaAreRefusedEveryRouteAndGetNoPush() throws Exception {
    Http agent = f.agent("li.refused");
    Http qa = Http.userWithRole(server, f.admin, "qa.refused", "qa");
    long someone = id(agent);
    String[][] routes = {
        {"GET", "/api/supervisor/board", null},
        {"POST", "/api/supervisor/campaigns/" + f.campaign + "/pause", "{\"confirm\":\"售后回访 desk\"}"},
        {"POST", "/api/supervisor/campaigns/" + f.campaign + "/resume", "{\"confirm\":\"售后回访 desk\"}"},
        {"POST", "/api/supervisor/agents/" + someone + "/pause", "{\"reason\":\"supervisor\"}"},
        {"POST", "/api/supervisor/agents/" + someone + "/sign-out", null},
        {"GET", "/api/supervisor/thresholds", null},
        {"PUT", "/api/supervisor/thresholds", Thresholds.defaults().encode()}};
    PushSocket agentPage = open(agent);
    PushSocket qaPage = open(qa);
    PushSocket supPage = open(supervisor);
    // With no page open a node builds the board lazily: the supervisor's first snapshot comes from a build started
    // when the page opened. Changed before it arrives, the thresholds would already be in it, with no update after.
    supPage.await("the supervisor's first snapshot", Duration.ofSeconds(10),
        m -> "sup.snapshot".equals(m.getString("type")));
    for (Http who : List.of(agent, qa)) {
      for (String[] r : routes) {
        assertEquals(403, who.send(r[0], r[1], r[2]).status(), r[0] + " " + r[1]);
      }
    }
    // Something changes on the board (the thresholds): the supervisor's page hears of it, the others do not.
    JsonObject t = Thresholds.defaults();
    t.getJsonObject("pauseLimits").put("break", 1234);
    assertEquals(200, supervisor.send("PUT", "/api/supervisor/thresholds", t.encode()).status());
    supPage.await("the thresholds' update", Duration.ofSeconds(3), m -> "sup.update".equals(m.getString("type"))
        && m.getJsonObject("changed").containsKey("thresholds"));
    Thread.sleep(1500);
    assertEquals(List.of(), agentPage.ofType("sup."), "an agent's page gets no sup.* push");
    assertEquals(List.of(), qaPage.ofType("sup."), "a QA page gets no sup.* push");
    assertTrue(!supPage.ofType("sup.snapshot").isEmpty());
    assertEquals(200, supervisor.send("PUT", "/api/supervisor/thresholds", Thresholds.defaults().encode()).status());
  }

  @Test
  @Order(10)
  void aPauseSurvivesARestart() throws Exception {
    assertEquals(200, supervisor.send("POST", "/api/supervisor/campaigns/" + f.campaign + "/pause",
        "{\"confirm\":\"售后回访 desk\"}").status());
    server.restart();
    Http sup = new Http(server);
    assertEquals(200, sup.login("zhu.guan", "zhu.guan-password-1").status());
    JsonObject c = Await.atMost(Duration.ofSeconds(15)).until("the campaign on the board after the restart",
        () -> sup.get("/api/supervisor/board").json().getJsonArray("campaigns").stream().map(o -> (JsonObject) o)
            .filter(x -> x.getLong("campaignId") == f.campaign).findFirst().orElse(null), x -> x != null);
    assertEquals(true, c.getBoolean("paused"), c.encode());
    assertEquals("zhu.guan", c.getString("pausedBy"));

    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    Http agent = Http.userWithRole(server, admin, "li.restart", "agent");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    long before = count("select count(*) from call_attempt where campaign_id = $1", f.campaign);
    assertEquals(200, agent.send("PUT", "/api/agent/state", new JsonObject().put("ready", true)
        .put("campaignId", f.campaign).encode()).status());
    Thread.sleep(3000);
    assertEquals(before, count("select count(*) from call_attempt where campaign_id = $1", f.campaign),
        "still paused after the restart: nobody dialled");
    assertEquals("ready", agent.get("/api/agent/line").json().getString("state"));
  }
}
