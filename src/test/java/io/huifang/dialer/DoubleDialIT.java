package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.app.Config;
import io.huifang.app.ConfigException;
import io.huifang.app.ConfigLoader;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.CallEvent;
import io.huifang.telephony.CallTracker;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customer is never called twice at once (hardening issue, item 1), and the calls in flight at a crash keep their
 * results (item 2). A call may last far longer than the task's lease: the dialer renews the lease while the call is
 * up, and the database refuses a second open attempt of one task, so that a lease running out anyway cannot make a
 * second call. After a restart, every attempt the resync closes reaches its task: a customer not reached is counted
 * and retried in another part of the day; one who reached an agent waits for that agent's disposition, from the
 * draft the crash left.
 */
class DoubleDialIT {
  /** A short lease, so that calls of a few seconds outlast it many times over. */
  private static final int LEASE_SECONDS = 3;
  private static final String QUERY_TWO_OPEN = "select count(*) from (select task_id from call_attempt"
      + " where campaign_id = $1 and task_id is not null and state <> 'ended' group by task_id having count(*) > 1) t";
  /** Pairs of attempts of one task whose calls overlapped in time (one dialled before the other ended). */
  private static final String QUERY_OVERLAPPING = "select count(*) from call_attempt a join call_attempt b"
      + " on a.task_id = b.task_id and a.id <> b.id and b.originated_at >= a.originated_at"
      + " and b.originated_at < coalesce(a.ended_at, now()) where a.campaign_id = $1";

  /**
   * Customers answer within a second or two and stay on the line for {@code talkSeconds} (then hang up); the numbers
   * 1390000001x never answer (they ring until the Originate times out).
   */
  /**
   * Two customers and three ready agents; every call lasts 20 s against a 3 s lease. Before the fix the lease ran out
   * 3 s into each call and the third agent was given the customer already talking to the first (a second call,
   * a second survey). Now no task ever has two open attempts, its lease holds while the call is up, and each
   * customer is called exactly once.
   */
  @Test
  @WithServer(flags = "--dialer.task-lease-seconds=" + LEASE_SECONDS, scenario = "/dialer/long-calls-20s.json")
  void aCallLongerThanTheLeaseKeepsItsTaskFromBeingDialledAgain(TestServer server, @TempDir Path dir)
      throws Exception {
    Http admin = admin(server);
    long campaign = campaignWithCustomers(server, admin, dir, List.of("13900000001", "13900000002"));
    List<Http> agents = new ArrayList<>();
    for (String name : List.of("li.lei", "han.mei", "wang.fang")) {
      Http agent = Http.userWithRole(server, admin, name, "agent");
      assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
      agents.add(agent);
    }
    for (Http agent : agents) {
      assertEquals(200, agent.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true)
          .put("campaignId", campaign).encode()).status());
    }
    await(() -> count(server, "select count(*) from call_attempt where campaign_id = $1 and state = 'bridged'",
        campaign) == 2, 60_000, () -> "both customers reached an agent: " + attempts(server, campaign));

    // While the calls are up (20 s, well past the 3 s lease): never two open attempts of one task, and the lease
    // of every task with a call up is alive.
    long maxTwoOpen = 0;
    long leaseLapsed = 0;
    int samples = 0;
    long until = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < until && count(server, "select count(*) from call_attempt where"
        + " campaign_id = $1 and state <> 'ended'", campaign) > 0) {
      maxTwoOpen = Math.max(maxTwoOpen, count(server, QUERY_TWO_OPEN, campaign));
      leaseLapsed = Math.max(leaseLapsed, count(server, "select count(*) from call_task t where t.campaign_id = $1"
          + " and (t.leased_until is null or t.leased_until <= now()) and exists (select 1 from call_attempt a"
          + " where a.task_id = t.id and a.state = 'bridged' and a.bridged_at < now() - interval '1 second')",
          campaign));
      samples++;
      Thread.sleep(100);
    }
    String seen = attempts(server, campaign);
    System.out.println("DoubleDialIT long calls: samples=" + samples + " maxTasksWithTwoOpenAttempts=" + maxTwoOpen
        + " maxLapsedLeasesDuringCalls=" + leaseLapsed + " overlappingPairs="
        + count(server, QUERY_OVERLAPPING, campaign) + "\n" + seen);
    assertEquals(0, count(server, "select count(*) from call_attempt where campaign_id = $1 and state <> 'ended'",
        campaign), "the calls ended: " + seen);
    assertTrue(samples > 20, "watched the calls while they were up: " + samples + " samples");
    assertEquals(2, count(server, "select count(*) from call_attempt where campaign_id = $1 and agent_id is not null"
        + " and ended_at - bridged_at > interval '" + 3 * LEASE_SECONDS + " seconds'", campaign),
        "both calls lasted several leases: " + seen);
    assertEquals(0, maxTwoOpen, "no task ever had two open attempts: " + seen);
    assertEquals(0, leaseLapsed, "no task's lease ran out while its customer was talking: " + seen);
    assertEquals(0, count(server, QUERY_OVERLAPPING, campaign), "no customer was called twice at once: " + seen);
    assertEquals(2, count(server, "select count(*) from call_attempt where campaign_id = $1", campaign),
        "each customer was called once: " + seen);
  }

  /**
   * The database itself refuses a second open attempt of one task, and the call tracker writes the attempt before
   * its Originate: a refused row means no call goes out and no one hears of a call.
   */
  @Test
  @WithServer
  void aSecondOpenAttemptOfOneTaskIsRefusedAndNotDialled(TestServer server) throws Exception {
    var pool = server.server().database().pool();
    // On a PBX that is not connected: the emulator's resync would close an open attempt it has no channel for.
    String insert = "insert into call_attempt (id, pbx, campaign_id, task_id, dial_string) values ($1, 'away',"
        + " 1, 4242, 'PJSIP/13900000001@huifang-trunk')";
    pool.preparedQuery(insert).execute(Tuple.of("first")).await();
    PgException refused = assertThrows(PgException.class, () -> pool.preparedQuery(insert)
        .execute(Tuple.of("second")).await());
    assertEquals("23505", refused.getSqlState(), refused.getMessage());
    assertEquals("call_attempt_one_open_per_task", refused.getConstraint());
    pool.preparedQuery("insert into call_attempt (id, pbx, task_id, dial_string, state, outcome, ended_at)"
        + " values ('earlier', 'away', 4242, 'x', 'ended', 'no_answer', now())").execute().await();
    pool.preparedQuery("insert into call_attempt (id, pbx, dial_string) values ('no-task-1', 'away', 'x')")
        .execute().await();
    pool.preparedQuery("insert into call_attempt (id, pbx, dial_string) values ('no-task-2', 'away', 'x')")
        .execute().await();

    // Through the tracker: the Originate for the task with a call up does not go out.
    AnsweredCalls.Pbx pbx = server.server().telephony().pbx("emulator");
    List<String> heard = new CopyOnWriteArrayList<>();
    pbx.tracker().subscribe(e -> {
      // the PBX's channels re-read (a resync; a take-over, should the lease be re-taken under load) say nothing of a call
      if (!(e instanceof CallEvent.Resynced) && !(e instanceof CallEvent.TakenOver)) {
        heard.add(e.getClass().getSimpleName());
      }
    });
    CallTracker.OriginateRequest again = new CallTracker.OriginateRequest("t4242-2-abcde", 1L, 4242L, 1L,
        "PJSIP/13900000001@huifang-trunk", "huifang-answered", "s", null, Duration.ofSeconds(25), false, Map.of());
    ExecutionException failed = assertThrows(ExecutionException.class, () -> pbx.tracker().originate(again)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(failed.getCause() instanceof CallTracker.NotDialled nd && nd.taskBusy(), String.valueOf(failed));
    Thread.sleep(1500);
    assertEquals(0, count(server, "select count(*) from call_attempt where id = 't4242-2-abcde' and $1::bigint >= 0", 0),
        "no row for the refused attempt");
    assertEquals(0, server.server().emulator().liveChannels(), "no call went out to the PBX");
    assertEquals(List.of(), heard, "no one heard of a call");

    // Once the first attempt has ended, the task may be dialled again.
    pool.preparedQuery("update call_attempt set state = 'ended', outcome = 'no_answer', ended_at = now()"
        + " where id = 'first'").execute().await();
    pool.preparedQuery(insert).execute(Tuple.of("second")).await();
    assertEquals(1, count(server, "select count(*) from call_attempt where task_id = $1 and state <> 'ended'",
        4242));
  }

  /**
   * Calls in flight at a crash: one customer talking to an agent (with the survey's draft), one ringing. After the
   * restart the resync closes both. The rung-out one is counted on its task (an event, attempt 1) and its next try is
   * in another part of the day, not at once; the reached one is held for its agent, who finds the draft on the desk
   * and submits it. Before the fix the dialer ignored attempts it had not dialled itself: the tasks recorded
   * nothing and were dialled again, with the same attempt number, once the lease ran out.
   */
  @Test
  @WithServer(flags = "--dialer.task-lease-seconds=5", scenario = "/dialer/long-calls-600s.json")
  void callsInFlightAtACrashReachTheirTasksAfterTheRestart(TestServer server, @TempDir Path dir)
      throws Exception {
    List<String> numbers = List.of("13900000001", "13900000011", "13900000012", "13900000013", "13900000014",
        "13900000015");
    long campaign;
    String talking;
    List<String> ringing;
    {
      Http admin = admin(server);
      campaign = campaignWithCustomers(server, admin, dir, numbers);
      for (String name : List.of("zhao.li", "qian.yu")) {
        Http agent = Http.userWithRole(server, admin, name, "agent");
        assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
        assertEquals(200, agent.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true)
            .put("campaignId", campaign).encode()).status());
      }
      long c = campaign;
      await(() -> count(server, "select count(*) from call_attempt a where campaign_id = $1 and state = 'bridged'"
          + " and exists (select 1 from survey_response s where s.attempt_id = a.id and s.status = 'draft')", c) == 1
          && count(server, "select count(*) from call_attempt where campaign_id = $1 and state = 'dialing'", c) >= 1,
          60_000, () -> "a customer talks to an agent (draft saved) and another phone rings: " + attempts(server, c));
      talking = strings(server, "select id from call_attempt where campaign_id = $1 and state = 'bridged'", c).get(0);
      ringing = strings(server, "select id from call_attempt where campaign_id = $1 and state = 'dialing'", c);
      assertEquals(0, count(server, "select count(*) from task_event e join call_attempt a on a.task_id = e.task_id"
          + " where a.campaign_id = $1 and a.state <> 'ended'", c), "the tasks in flight have no outcome yet");
    }
    server.restart(); // the server goes away with the calls up: nothing ends them

    Instant restarted = Instant.now();
    {
      Http admin = admin(server);
      long c = campaign;
      List<String> inFlight = new ArrayList<>(ringing);
      inFlight.add(talking);
      await(() -> count(server, "select count(*) from call_attempt where campaign_id = $1 and state <> 'ended'"
          + " and id = any('" + pgArray(inFlight) + "')", c) == 0, 30_000,
          () -> "the resync closed the calls of before the restart: " + attempts(server, c));
      // Closed by the PBX's lease holder, once it holds the PBX: a tracker that resynced before its fence was set
      // ended them as an unfenced owner, before the grant (and the node refused agents' lines for that moment).
      assertEquals(0, count(server, "select count(*) from call_attempt a where id = any('" + pgArray(inFlight)
          + "') and a.ended_at < (select granted_at from node_lease where name = 'pbx:emulator') and $1::bigint >= 0",
          c), "the calls in flight were ended under the restarted node's grant: " + attempts(server, c));
      // A subscriber that comes after the resync (as the dialer may, when a second PBX is still starting) hears of
      // those ends all the same, once each.
      List<String> late = new CopyOnWriteArrayList<>();
      server.server().telephony().pbx("emulator").tracker().subscribeWithAdoptedEnds(e -> {
        if (e instanceof CallEvent.Ended ended) {
          late.add(ended.attempt().id());
        }
      });
      await(() -> late.size() >= inFlight.size(), 5_000, () -> "replayed ends: " + late);
      assertEquals(new java.util.TreeSet<>(inFlight), new java.util.TreeSet<>(late), "each end once: " + late);
      assertEquals(inFlight.size(), late.size(), "each end once: " + late);

      // Another agent is ready: the dialer dials, but not these customers.
      Http other = Http.userWithRole(server, admin, "sun.wei", "agent");
      assertEquals(200, other.send("POST", "/api/agent/line", null).status());
      assertEquals(200, other.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true)
          .put("campaignId", campaign).encode()).status());

      for (String id : ringing) {
        String seen = "attempt " + id + ": " + attempts(server, c);
        await(() -> count(server, "select count(*) from task_event where task_id = (select task_id from call_attempt"
            + " where id = '" + id + "') and $1::bigint >= 0", c) == 1, 15_000, () -> "the rung-out call reached its task: "
            + seen);
        Row t = row(server, "select t.attempts, t.last_part, t.allowed_parts, t.next_try_at, t.leased_until,"
            + " t.status, e.kind from call_task t join task_event e on e.task_id = t.id where t.id ="
            + " (select task_id from call_attempt where id = $1)", id);
        assertEquals(1, t.getInteger("attempts"), "the attempt is counted: " + t.toJson());
        assertEquals("open", t.getString("status"), t.toJson().encode());
        assertTrue(List.of("no_answer", "congestion").contains(t.getString("kind")), t.toJson().encode());
        assertNotNull(t.getInteger("last_part"), t.toJson().encode());
        assertEquals(0, (t.getInteger("allowed_parts") >> t.getInteger("last_part")) & 1,
            "the next try is in another part of the day: " + t.toJson());
        assertTrue(t.getOffsetDateTime("next_try_at").toInstant().isAfter(Instant.now()), t.toJson().encode());
      }
      Row held = row(server, "select t.attempts, t.leased_until, t.status, (select count(*) from task_event e"
          + " where e.task_id = t.id) as events from call_task t where t.id = (select task_id from call_attempt"
          + " where id = $1)", talking);
      assertEquals("open", held.getString("status"), held.toJson().encode());
      assertEquals(0L, held.getLong("events"), "no outcome before the agent's disposition: " + held.toJson());
      assertTrue(held.getOffsetDateTime("leased_until").toInstant().isAfter(Instant.now().plus(Duration.ofHours(11))),
          "the reached customer's task is held for the agent's disposition: " + held.toJson());

      // Longer than the lease: none of the tasks in flight is dialled again, while the dialer dials others.
      Thread.sleep(8_000);
      String seen = attempts(server, c);
      assertEquals(0, count(server, "select count(*) from call_attempt a where a.campaign_id = $1 and a.originated_at"
          + " > '" + restarted + "' and a.task_id in (select task_id from call_attempt where id = any('"
          + pgArray(inFlight) + "'))", c), "no task whose call was in flight is dialled again at once: " + seen);
      assertTrue(count(server, "select count(*) from call_attempt where campaign_id = $1 and originated_at > '"
          + restarted + "'", c) >= 1, "the dialer dials the other customers: " + seen);

      // The agent's draft stays with the agent, who finishes it; the disposition reaches the task.
      Http agent = new Http(server);
      assertEquals(200, agent.login("zhao.li", "zhao.li-password-1").status());
      Http second = new Http(server);
      assertEquals(200, second.login("qian.yu", "qian.yu-password-1").status());
      Http owner = null;
      for (Http h : List.of(agent, second)) {
        JsonObject call = h.get("/api/agent/desk").json().getJsonObject("call");
        if (call != null && talking.equals(call.getString("attemptId"))) {
          owner = h;
          assertEquals(false, call.getBoolean("callUp"), call.encode());
        }
      }
      assertNotNull(owner, "the draft of the call is on its agent's desk");
      Http.Response submitted = owner.send("POST", "/api/agent/calls/" + talking + "/submit",
          "{\"disposition\":\"not_present\"}");
      assertEquals(200, submitted.status(), submitted.body());
      Row done = row(server, "select t.attempts, t.leased_until, t.last_outcome, (select count(*) from task_event e"
          + " where e.task_id = t.id) as events from call_task t where t.id = (select task_id from call_attempt"
          + " where id = $1)", talking);
      assertEquals(1, done.getInteger("attempts"), done.toJson().encode());
      assertEquals(1L, done.getLong("events"), done.toJson().encode());
      assertEquals("not_owner", done.getString("last_outcome"), done.toJson().encode());
      assertEquals(null, done.getValue("leased_until"), done.toJson().encode());
      assertEquals(0, count(server, QUERY_TWO_OPEN, c));
      other.send("PUT", "/api/agent/ready", "{\"ready\":false}");
    }
  }

  /** dialer.task-lease-seconds: a few seconds at least (renewed every third of it), an hour at most. */
  @Test
  void theLeaseIsConfiguredWithinBounds(@TempDir Path dir) {
    assertEquals(300, ConfigLoader.load(List.of(), Map.of(), dir).taskLeaseSeconds());
    Config c = ConfigLoader.load(List.of("--dialer.task-lease-seconds=3"), Map.of(), dir);
    assertEquals(3, c.taskLeaseSeconds());
    for (String bad : List.of("2", "3601", "five")) {
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
          List.of("--dialer.task-lease-seconds=" + bad), Map.of(), dir));
      assertTrue(e.getMessage().startsWith("dialer.task-lease-seconds") && e.getMessage().contains("3 to 3600"),
          e.getMessage());
    }
    assertEquals(1000, DialerService.leaseRenewalMillis(Duration.ofSeconds(3)));
    assertEquals(100_000, DialerService.leaseRenewalMillis(Duration.ofMinutes(5)));
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private static Http admin(TestServer server) {
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    return admin;
  }

  /** A progressive campaign dialled all day in four parts of six hours (UTC), with one customer per number. */
  private static long campaignWithCustomers(TestServer server, Http admin, Path dir, List<String> phones)
      throws Exception {
    long dealer = DialerCampaigns.dealer(admin, "HZ03", "杭州4S店");
    long campaign = DialerCampaigns.allDayProgressive(admin, dealer, "长通话回访", DialerCampaigns.FOUR_DAY_PARTS);
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = 0; i < phones.size(); i++) {
      csv.append("客户").append(i).append(',').append(phones.get(i)).append(',').append(visit).append(",L")
          .append(i).append('\n');
    }
    DialerCampaigns.importList(admin, campaign, dealer, dir, csv.toString());
    assertEquals(phones.size(), count(server, "select count(*) from call_task where campaign_id = $1", campaign));
    return campaign;
  }

  private static String pgArray(List<String> ids) {
    return "{" + String.join(",", ids) + "}";
  }

  private static String attempts(TestServer server, long campaign) {
    StringBuilder sb = new StringBuilder();
    server.server().database().pool().preparedQuery("select a.id, a.task_id, a.state, a.outcome, a.agent_id,"
            + " a.originated_at, a.bridged_at, a.ended_at, t.leased_until, t.attempts from call_attempt a"
            + " left join call_task t on t.id = a.task_id where a.campaign_id = $1 order by a.originated_at")
        .execute(Tuple.of(campaign)).await().forEach(r -> sb.append(r.toJson().encode()).append('\n'));
    return sb.toString();
  }

  private static List<String> strings(TestServer server, String sql, long campaign) {
    List<String> out = new ArrayList<>();
    server.server().database().pool().preparedQuery(sql).execute(Tuple.of(campaign)).await()
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private static Row row(TestServer server, String sql, Object arg) {
    var rs = server.server().database().pool().preparedQuery(sql).execute(Tuple.of(arg)).await();
    assertTrue(rs.size() > 0, "no row for " + sql);
    return rs.iterator().next();
  }

  private static long count(TestServer server, String sql, long arg) {
    return server.server().database().pool().preparedQuery(sql).execute(Tuple.of(arg)).await().iterator().next()
        .getLong(0);
  }

  /** The one wait of the tests (Await), in the argument order this file reads best in. */
  private static void await(BooleanSupplier condition, long millis, Supplier<String> message) {
    Await.atMost(Duration.ofMillis(millis)).every(Duration.ofMillis(100))
        .until(message, condition::getAsBoolean, done -> done);
  }
}
