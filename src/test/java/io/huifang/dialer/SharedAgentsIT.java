package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.telephony.CallTracker;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.huifang.testsupport.Browser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents shared across campaigns, live (issue 23): campaign priorities and agents' skills set through the routes,
 * the dialer pacing the campaigns that share agents together, answered customers given only to agents skilled for
 * their campaign, and a freed agent taking the waiting customer of the highest-priority campaign. Customers answer
 * within half a second and stay on the line (emulator at 4×), so every agent keeps the first customer they get.
 */
class SharedAgentsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO, flags = "--emulator.speed=4")
  void campaignsSharingAgentsDialTogetherAndAnsweredCallsGoOnlyToSkilledAgentsByPriority(TestServer server,
      @TempDir Path dir) throws Exception {
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    long dealer = DialerCampaigns.dealer(admin, "GZ03", "广州南方4S店");
    // P1/P2: two campaigns sharing two agents; A/B: agents partly shared, partly dedicated; HI/LO: no list, the test
    // dials their customers itself so that two wait for one agent at once.
    long p1 = campaign(admin, dealer, "共享一", 3);
    long p2 = campaign(admin, dealer, "共享二", 5);
    long a = campaign(admin, dealer, "售后 A", 2);
    long b = campaign(admin, dealer, "销售 B", 6);
    long hi = campaign(admin, dealer, "优先", 1);
    long lo = campaign(admin, dealer, "其后", 9);
    importCustomers(admin, p1, dealer, dir, "13700010", 6);
    importCustomers(admin, p2, dealer, dir, "13700020", 6);
    importCustomers(admin, a, dealer, dir, "13700030", 6);
    importCustomers(admin, b, dealer, dir, "13700040", 6);

    settingsAreValidated(server, admin, p1);

    // Each PATCH reloads the dialer's campaign on its own: wait until all six run at the priorities set (the list
    // could otherwise be read between the last campaign's start and its priority, at the default).
    Await.atMost(WAIT).until("the dialer to run the six campaigns at their priorities", () -> {
      JsonArray listed = admin.get("/api/dialer").json().getJsonArray("campaigns");
      List<Integer> priorities = new ArrayList<>();
      for (int i = 0; i < listed.size(); i++) {
        priorities.add(listed.getJsonObject(i).getInteger("priority"));
      }
      priorities.sort(null);
      return priorities;
    }, ps -> ps.equals(List.of(1, 2, 3, 5, 6, 9)));
    JsonArray order = admin.get("/api/dialer").json().getJsonArray("campaigns");
    List<Long> byPriority = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      byPriority.add(order.getJsonObject(i).getLong("campaignId"));
    }
    assertEquals(List.of(hi, a, p1, p2, b, lo), byPriority, "GET /api/dialer lists the campaigns by priority");
    assertEquals(3, order.getJsonObject(2).getInteger("priority"));

    // 1. Two progressive campaigns sharing two free agents: two lines out together, not two each, one each (the
    // pool's lines are handed out in turn, the higher priority first on a tie; strict priority would give both to
    // the first).
    Agent x = agent(server, admin, "gong.x", p1, p2);
    Agent y = agent(server, admin, "gong.y", p1, p2);
    x.ready();
    y.ready();
    Await.atMost(WAIT).until("both shared agents on a call", () -> x.state().equals("on_call")
        && y.state().equals("on_call"));
    Thread.sleep(2500); // past the 2 s safe harbor: a line too many would have been dialled and abandoned by now
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id in ($1, $2)"
        + " and outcome = 'abandoned'", p1, p2), "nobody abandoned: " + attempts(server, p1, p2));
    assertEquals(2, count(server, "select count(*) from call_attempt where campaign_id in ($1, $2)", p1, p2),
        "two free agents, two lines, whichever of the two campaigns: " + attempts(server, p1, p2));
    assertTrue(mostLinesAtOnce(server, p1, p2) <= 2, () -> "at most two lines at once: " + attempts(server, p1, p2));
    assertEquals(1, count(server, "select count(*) from call_attempt where campaign_id = $1 and agent_id is not null",
        p1), "the campaign of priority 3 dials one line: " + attempts(server, p1, p2));
    assertEquals(1, count(server, "select count(*) from call_attempt where campaign_id = $1 and agent_id is not null",
        p2), "and the one of priority 5 the other, not none: " + attempts(server, p1, p2));

    // 2. Agents partly shared, partly dedicated: the B agent is ready first (idle longest), then the A agent, then the
    // one skilled for both; every customer goes to an agent skilled for their campaign.
    Agent onlyB = agent(server, admin, "xiao.b", b);
    Agent onlyA = agent(server, admin, "shou.a", a);
    Agent both = agent(server, admin, "liang.ab", a, b);
    onlyB.ready();
    Thread.sleep(300);
    onlyA.ready();
    Thread.sleep(300);
    both.ready();
    Await.atMost(WAIT).until("the three agents on calls", () -> onlyB.state().equals("on_call")
        && onlyA.state().equals("on_call") && both.state().equals("on_call"));
    assertEquals(0, count(server, "select count(*) from call_attempt c where c.agent_id is not null"
        + " and exists (select 1 from agent_campaign_skill k where k.agent_id = c.agent_id)"
        + " and not exists (select 1 from agent_campaign_skill k where k.agent_id = c.agent_id"
        + " and k.campaign_id = c.campaign_id)"), () -> "a customer given to an agent not skilled for the campaign: "
        + attempts(server, a, b));
    assertEquals(1, count(server, "select count(*) from call_attempt where agent_id = $1 and campaign_id = $2",
        onlyB.id, b), () -> attempts(server, a, b));
    assertEquals(1, count(server, "select count(*) from call_attempt where agent_id = $1 and campaign_id = $2",
        onlyA.id, a), () -> attempts(server, a, b));
    assertEquals(1, count(server, "select count(*) from call_attempt where agent_id = $1", both.id));
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id in ($1, $2)"
        + " and outcome = 'abandoned'", a, b), () -> attempts(server, a, b));

    JsonObject status = admin.get("/api/dialer").json();
    JsonObject aStatus = campaignStatus(status, a);
    assertEquals(2, aStatus.getInteger("priority"));
    assertEquals(new JsonObject().put("agentsSkilled", 2).put("agentsShared", 1), aStatus.getJsonObject("pool"),
        "A: its own agent and the shared one");
    assertEquals(new JsonObject().put("agentsSkilled", 2).put("agentsShared", 2),
        campaignStatus(status, p1).getJsonObject("pool"));
    JsonObject pbxPool = status.getJsonArray("pbxes").getJsonObject(0).getJsonObject("pool");
    assertEquals(5, pbxPool.getInteger("agents"), pbxPool.encode());
    assertEquals(3, pbxPool.getInteger("agentsShared"), pbxPool.encode());

    // 3. Two customers wait for one agent: the one of the low-priority campaign answered first, the one of the
    // high-priority campaign after it; the agent who comes free takes the high-priority one.
    Agent h = agent(server, admin, "you.h", hi, lo);
    CallTracker tracker = server.server().telephony().pbx("emulator").tracker();
    String loCall = "lo-" + System.nanoTime();
    tracker.originate(call(loCall, lo, "13700050001")).await();
    Await.atMost(WAIT).every(Duration.ofMillis(10)).until("the low-priority customer waiting",
        () -> waiting(server) == 1);
    String hiCall = "hi-" + System.nanoTime();
    tracker.originate(call(hiCall, hi, "13700050002")).await();
    Await.atMost(WAIT).every(Duration.ofMillis(10)).until("both customers waiting", () -> waiting(server) == 2);
    h.ready();
    Await.atMost(WAIT).until("the low-priority customer to hear the safe-harbor message", () -> count(server,
        "select count(*) from call_attempt where id = $1 and outcome is not null", loCall) == 1);
    Row taken = server.server().database().pool().preparedQuery("select agent_id, answered_at < (select answered_at"
        + " from call_attempt where id = $2) as answered_first from call_attempt where id = $1")
        .execute(Tuple.of(hiCall, loCall)).await().iterator().next();
    assertEquals(h.id, taken.getLong("agent_id"), "the freed agent takes the high-priority customer");
    assertEquals(Boolean.FALSE, taken.getBoolean("answered_first"), "who answered after the low-priority one");
    Row left = server.server().database().pool().preparedQuery("select agent_id, outcome from call_attempt"
        + " where id = $1").execute(Tuple.of(loCall)).await().iterator().next();
    assertNull(left.getLong("agent_id"));
    assertEquals("abandoned", left.getString("outcome"));

    // 4. Of two free agents serving the high-priority campaign, the one serving fewer of the dialled campaigns takes
    // the customer though the other has been idle longer (as the simulator routes), so that the other stays free for
    // the low-priority campaign. Only the dialled campaigns count: the specialist's second skill is a preview
    // campaign, which the dialer does not dial (by skills listed alone the two would tie and the longest idle win).
    long preview = previewCampaign(admin, dealer, "预览 C");
    Agent generalist = agent(server, admin, "duo.g", hi, lo);
    Agent specialist = agent(server, admin, "zhuan.s", hi, preview);
    generalist.ready();
    Await.atMost(WAIT).until("the generalist ready", () -> generalist.state().equals("ready"));
    Thread.sleep(300);
    specialist.ready();
    Await.atMost(WAIT).until("the specialist ready", () -> specialist.state().equals("ready"));
    String fewest = "fewest-" + System.nanoTime();
    tracker.originate(call(fewest, hi, "13700050003")).await();
    Await.atMost(WAIT).until("the customer with an agent", () -> count(server,
        "select count(*) from call_attempt where id = $1 and agent_id is not null", fewest) == 1);
    assertEquals(specialist.id, count(server, "select agent_id from call_attempt where id = $1", fewest),
        "the agent serving one dialled campaign, not the one idle longer serving two");
    assertEquals("ready", generalist.state(), "the generalist stays free");

    pagesSetSkillsAndPriority(server, a, b, lo);
  }

  /**
   * The users page sets an agent's skills (a dialog of campaign boxes), the campaigns page a campaign's priority;
   * both as stored. Screenshots at 1440×900 and 390×844 under /work/wt/shots-poollive when it exists, else
   * target/screenshots.
   */
  private static void pagesSetSkillsAndPriority(TestServer server, long a, long b, long lo) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver");
    Path shots = Files.isDirectory(Path.of("/work/wt")) ? Path.of("/work/wt/shots-poollive")
        : Path.of("target", "screenshots");
    Files.createDirectories(shots);
    long agentId = count(server, "select id from app_user where username = 'ce.shi'");
    try (Browser br = Browser.launch(1440, 900)) {
      br.navigate(server.url("/"));
      br.waitFor("document.getElementById('username') !== null", WAIT);
      br.type("#username", "admin");
      br.type("#password", TestServer.ADMIN_PASSWORD);
      br.click("#login-submit");
      br.waitFor("location.pathname === '/admin.html' && !document.body.classList.contains('booting')", WAIT);
      String row = "#users-body tr[data-username=\"ce.shi\"]";
      br.waitFor("document.querySelector('" + row.replace("\"", "\\\"") + " .skills-cell') !== null", WAIT);
      assertTrue(br.text(row + " .skills-cell").contains("全部活动"), br.text(row + " .skills-cell"));
      br.click(row + " .skills-edit");
      br.waitFor("document.getElementById('skills-dialog') !== null && document.getElementById('skills-dialog').open",
          WAIT);
      br.click("#skills-dialog input[value=\"" + a + "\"]");
      br.click("#skills-dialog input[value=\"" + b + "\"]");
      br.screenshot(shots.resolve("skills-dialog-1440.png"));
      br.click("#skills-submit");
      br.waitFor("document.getElementById('skills-dialog') === null", WAIT);
      assertEquals(2, count(server, "select count(*) from agent_campaign_skill where agent_id = $1"
          + " and campaign_id in ($2, $3)", agentId, a, b));
      assertTrue(br.text(row + " .skills-cell").contains("售后 A"), br.text(row + " .skills-cell"));
      br.screenshot(shots.resolve("users-skills-1440.png"));
      br.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
      br.screenshot(shots.resolve("users-skills-390.png"));

      br.cdp("Emulation.clearDeviceMetricsOverride", new JsonObject());
      br.navigate(server.url("/campaigns.html"));
      String edit = ".camp-edit[data-id=\"" + lo + "\"]";
      br.waitFor("document.querySelector('" + edit.replace("\"", "\\\"") + "') !== null", WAIT);
      br.click(edit);
      br.waitFor("document.getElementById('c-priority').value === '9'", WAIT);
      br.type("#c-priority", "8");
      br.screenshot(shots.resolve("campaign-priority-1440.png"));
      br.click("#c-submit");
      br.waitFor("document.getElementById('camp-message').textContent.includes('已保存')", WAIT);
      assertEquals(8, count(server, "select priority from campaign where id = $1", lo));
      br.click(edit);
      br.type("#c-priority", "12");
      br.click("#c-submit");
      br.waitFor("document.getElementById('c-priority-error').textContent.length > 0", WAIT);
      assertEquals(8, count(server, "select priority from campaign where id = $1", lo), "12 refused");
      br.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
      br.screenshot(shots.resolve("campaign-priority-390.png"));
    }
  }

  /** Routes and settings reject what they cannot take, naming the field. */
  private static void settingsAreValidated(TestServer server, Http admin, long campaign) {
    Http.Response bad = admin.send("PATCH", "/api/campaigns/" + campaign + "/pacing", "{\"priority\":0}");
    assertEquals(400, bad.status(), bad.body());
    assertEquals("priority", bad.json().getString("field"));
    assertEquals("priority", admin.send("PATCH", "/api/campaigns/" + campaign + "/pacing", "{\"priority\":2.5}")
        .json().getString("field"));
    assertEquals(3, admin.get("/api/campaigns/" + campaign).json().getJsonObject("campaign").getInteger("priority"),
        "unchanged");
    Http sup = Http.userWithRole(server, admin, "zhu.guan", "supervisor");
    Http.Response byHand = sup.send("PATCH", "/api/campaigns/" + campaign + "/pacing", "{\"priority\":3}");
    assertEquals(200, byHand.status(), "supervisors steer priority with the pacing: " + byHand.body());

    Http agent = Http.userWithRole(server, admin, "ce.shi", "agent");
    long agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    for (String body : new String[] {"{}", "{\"campaignIds\":\"1\"}", "{\"campaignIds\":[1.5]}",
        "{\"campaignIds\":[-1]}", "{\"campaignIds\":[999999]}"}) {
      Http.Response r = admin.send("PUT", "/api/agents/" + agentId + "/skills", body);
      assertEquals(400, r.status(), body + " → " + r.body());
      assertEquals("campaignIds", r.json().getString("field"), body);
    }
    long supId = sup.get("/api/me").json().getJsonObject("user").getLong("id");
    assertEquals(404, admin.send("PUT", "/api/agents/" + supId + "/skills", "{\"campaignIds\":[]}").status(),
        "only agents have skills");
    assertEquals(403, agent.send("PUT", "/api/agents/" + agentId + "/skills",
        "{\"campaignIds\":[" + campaign + "]}").status(), "agents do not set their own skills");
    assertEquals(403, sup.send("PUT", "/api/agents/" + agentId + "/skills",
        "{\"campaignIds\":[" + campaign + "]}").status());
    Http.Response set = admin.send("PUT", "/api/agents/" + agentId + "/skills", "{\"campaignIds\":[" + campaign + "]}");
    assertEquals(200, set.status(), set.body());
    assertEquals(new JsonArray().add(campaign), set.json().getJsonArray("campaignIds"));
    JsonArray listed = sup.get("/api/agents/skills").json().getJsonArray("skills");
    assertEquals(new JsonObject().put("agentId", agentId).put("campaignIds", new JsonArray().add(campaign)),
        listed.getJsonObject(0));
    // The agent's own choice at the desk narrows within the skills: another campaign is refused.
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    Http.Response outside = agent.send("PUT", "/api/agent/ready", "{\"ready\":true,\"campaignId\":" + (campaign + 1)
        + "}");
    assertEquals(400, outside.status(), outside.body());
    assertEquals("campaignId", outside.json().getString("field"));
    assertEquals(200, agent.send("PUT", "/api/agent/ready", "{\"ready\":false}").status());
    assertEquals(204, agent.send("DELETE", "/api/agent/line", null).status());
    assertEquals(200, admin.send("PUT", "/api/agents/" + agentId + "/skills", "{\"campaignIds\":[]}").status());
    assertEquals(0, count(server, "select count(*) from agent_campaign_skill where agent_id = $1", agentId),
        "none listed: every campaign again");
  }

  private static long campaign(Http admin, long dealer, String name, int priority) {
    long id = DialerCampaigns.allDayProgressive(admin, dealer, name, null);
    Http.Response p = admin.send("PATCH", "/api/campaigns/" + id + "/pacing", "{\"priority\":" + priority + "}");
    assertEquals(200, p.status(), p.body());
    assertEquals(priority, p.json().getJsonObject("campaign").getInteger("priority"));
    return id;
  }

  /** A preview campaign: agents dial its customers themselves, the dialer does not. */
  private static long previewCampaign(Http admin, long dealer, String name) {
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, new JsonArray().add("00:00-24:00"));
    }
    Http.Response created = admin.send("POST", "/api/campaigns", new JsonObject().put("name", name).put("kind", "csi")
        .put("dealerIds", new JsonArray().add(dealer)).put("timeZone", "UTC").put("callingHours", hours)
        .put("dialMode", "preview").encode());
    assertEquals(201, created.status(), created.body());
    return created.json().getJsonObject("campaign").getLong("id");
  }

  private static void importCustomers(Http admin, long campaign, long dealer, Path dir, String prefix, int n)
      throws Exception {
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = 0; i < n; i++) {
      csv.append("客户").append(prefix).append(i).append(',').append(prefix).append(String.format("%03d", i))
          .append(',').append(visit).append(",W").append(prefix).append(i).append('\n');
    }
    DialerCampaigns.importList(admin, campaign, dealer, Files.createDirectories(dir.resolve(prefix)), csv.toString());
  }

  /** An agent with skills set by the admin and an open line, not yet ready. */
  private record Agent(Http http, long id) {
    void ready() {
      Http.Response r = http.send("PUT", "/api/agent/ready", "{\"ready\":true}");
      assertEquals(200, r.status(), r.body());
    }

    String state() {
      return http.get("/api/agent/line").json().getString("state");
    }
  }

  private static Agent agent(TestServer server, Http admin, String username, long... campaigns) {
    Http h = Http.userWithRole(server, admin, username, "agent");
    long id = h.get("/api/me").json().getJsonObject("user").getLong("id");
    JsonArray skills = new JsonArray();
    for (long c : campaigns) {
      skills.add(c);
    }
    Http.Response set = admin.send("PUT", "/api/agents/" + id + "/skills",
        new JsonObject().put("campaignIds", skills).encode());
    assertEquals(200, set.status(), set.body());
    assertEquals(200, h.send("POST", "/api/agent/line", null).status());
    Await.atMost(WAIT).until(username + "'s line open", () -> h.get("/api/agent/line").json().getString("state"),
        s -> s.equals("paused"));
    return new Agent(h, id);
  }

  private static CallTracker.OriginateRequest call(String id, long campaign, String number) {
    return new CallTracker.OriginateRequest(id, campaign, null, null, "PJSIP/" + number + "@huifang-trunk",
        "huifang-answered", "s", "\"Huifang\" <4008001234>", Duration.ofSeconds(25), false, Map.of());
  }

  private static int waiting(TestServer server) {
    Object n = server.server().telephony().answered().stats().get("waiting");
    return ((Number) n).intValue();
  }

  private static JsonObject campaignStatus(JsonObject status, long campaign) {
    JsonArray all = status.getJsonArray("campaigns");
    for (int i = 0; i < all.size(); i++) {
      if (all.getJsonObject(i).getLong("campaignId") == campaign) {
        return all.getJsonObject(i);
      }
    }
    throw new AssertionError("campaign " + campaign + " not in " + status.encode());
  }

  /** The most attempts of the two campaigns up at one instant (at each attempt's dial, those not yet ended). */
  private static long mostLinesAtOnce(TestServer server, long c1, long c2) {
    return count(server, "select coalesce(max((select count(*) from call_attempt b where b.campaign_id in ($1, $2)"
        + " and b.originated_at <= a.originated_at and coalesce(b.ended_at, 'infinity') > a.originated_at)), 0)"
        + " from call_attempt a where a.campaign_id in ($1, $2)", c1, c2);
  }

  private static String attempts(TestServer server, long c1, long c2) {
    StringBuilder sb = new StringBuilder();
    server.server().database().pool().preparedQuery("select id, campaign_id, agent_id, outcome, originated_at,"
        + " answered_at, ended_at from call_attempt where campaign_id in ($1, $2) order by originated_at")
        .execute(Tuple.of(c1, c2)).await().forEach(r -> sb.append(r.toJson().encode()).append('\n'));
    return sb.toString();
  }

  private static long count(TestServer server, String sql, Object... args) {
    return server.server().database().pool().preparedQuery(sql).execute(Tuple.wrap(args)).await().iterator().next()
        .getLong(0);
  }
}
