package io.huifang.campaign.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.campaign.CampaignStore;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The scheduler on a fake clock: every "now" is an instant the test chooses. 2025-03-17 is a Monday. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer
class SchedulerIT {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  @Injected
  TestServer server;
  Http admin;
  Pool pool;
  Scheduler scheduler;
  long dealerId;
  int seq;

  @BeforeAll
  void start() throws Exception {
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    pool = server.server().database().pool();
    scheduler = new Scheduler(pool, new CampaignStore(pool));
    dealerId = admin.send("POST", "/api/dealers", new JsonObject().put("code", "SZ9").put("name", "深圳4S店").encode())
        .json().getJsonObject("dealer").getLong("id");
  }

  static Instant sh(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  long campaign(String name, String zone, int maxAttempts) {
    JsonArray day = new JsonArray().add("09:00-20:00");
    JsonObject hours = new JsonObject();
    for (String d : List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun")) {
      hours.put(d, day);
    }
    Http.Response r = admin.send("POST", "/api/campaigns", new JsonObject().put("name", name).put("kind", "csi")
        .put("timeZone", zone).put("callingHours", hours).put("holidays", new JsonArray().add("2025-03-18"))
        .put("maxAttempts", maxAttempts).put("dealerIds", new JsonArray().add(dealerId)).encode());
    assertEquals(201, r.status(), r.body());
    return r.json().getJsonObject("campaign").getLong("id");
  }

  /** A customer with an open task, straight into the tables. */
  long task(long campaignId, String phone, Instant deadline) throws Exception {
    int n = ++seq;
    long batch = await(pool.preparedQuery("insert into import_batch (campaign_id, dealer_id, file_name, file_sha256,"
        + " status) values ($1, $2, 'test', $3, 'validated') returning id").execute(Tuple.of(campaignId, dealerId, "t" + n)))
        .iterator().next().getLong(0);
    long customer = await(pool.preparedQuery("insert into customer (campaign_id, dealer_id, import_batch_id, row_no,"
        + " row_key, name, phone) values ($1, $2, $3, 1, $4, '客户', $5) returning id")
        .execute(Tuple.of(campaignId, dealerId, batch, "k" + n, phone))).iterator().next().getLong(0);
    return await(pool.preparedQuery("insert into call_task (campaign_id, customer_id, phone, status, deadline,"
        + " next_try_at) values ($1, $2, $3, 'open', $4, $5) returning id")
        .execute(Tuple.of(campaignId, customer, phone, deadline.atOffset(ZoneOffset.UTC),
            sh("2025-03-17T00:00").atOffset(ZoneOffset.UTC)))).iterator().next().getLong(0);
  }

  List<Long> due(long campaignId, Instant now) throws Exception {
    return await(scheduler.nextDue(campaignId, now, 500)).stream().map(DueTask::taskId).toList();
  }

  Instant nextTry(long taskId) throws Exception {
    return await(pool.preparedQuery("select next_try_at from call_task where id = $1").execute(Tuple.of(taskId)))
        .iterator().next().getOffsetDateTime(0).toInstant();
  }

  String status(long taskId) throws Exception {
    return await(pool.preparedQuery("select status from call_task where id = $1").execute(Tuple.of(taskId)))
        .iterator().next().getString(0);
  }

  @Test
  void unansweredNumbersMoveThroughTheDayPartsAndExpireAtTheirDeadline() throws Exception {
    long c = campaign("时段轮换", "Asia/Shanghai", 10);
    long a = task(c, "13800000001", sh("2025-03-19T10:30"));

    assertEquals(List.of(), due(c, sh("2025-03-17T08:59")), "before calling hours");
    List<DueTask> first = await(scheduler.nextDue(c, sh("2025-03-17T10:00"), 10));
    assertEquals(List.of(a), first.stream().map(DueTask::taskId).toList());
    assertEquals(1, first.get(0).attempt());
    assertEquals(0, first.get(0).dayPart());
    assertEquals("13800000001", first.get(0).phone());
    assertEquals(List.of(), due(c, sh("2025-03-17T10:00")), "a task handed out is not handed out twice");

    await(scheduler.recordOutcome(a, Outcome.of(Outcome.Kind.NO_ANSWER), sh("2025-03-17T10:00")));
    assertEquals(sh("2025-03-17T12:00"), nextTry(a), "unanswered at 10:00: next at noon the same day");
    assertEquals(List.of(), due(c, sh("2025-03-17T11:59")));
    assertEquals(List.of(a), due(c, sh("2025-03-17T12:00")));

    await(scheduler.recordOutcome(a, Outcome.of(Outcome.Kind.BUSY), sh("2025-03-17T12:05")));
    assertEquals(sh("2025-03-17T14:00"), nextTry(a), "then 14:00 or later");
    assertEquals(List.of(), due(c, sh("2025-03-17T13:59")));
    assertEquals(List.of(a), due(c, sh("2025-03-17T14:30")));

    await(scheduler.recordOutcome(a, Outcome.of(Outcome.Kind.NO_ANSWER), sh("2025-03-17T14:30")));
    assertEquals(sh("2025-03-17T18:00"), nextTry(a));
    assertEquals(List.of(), due(c, sh("2025-03-17T21:00")), "never at 21:00");
    assertEquals(List.of(a), due(c, sh("2025-03-17T19:00")));

    // Every part has been tried: rotate, but not into the evening again; Tuesday 18 March is a holiday.
    await(scheduler.recordOutcome(a, Outcome.of(Outcome.Kind.MACHINE), sh("2025-03-17T19:00")));
    assertEquals(sh("2025-03-19T09:00"), nextTry(a), "the next working morning, skipping the holiday");
    assertEquals(List.of(), due(c, sh("2025-03-18T10:00")), "nothing on a holiday");
    assertEquals(List.of(), due(c, sh("2025-03-19T18:30")), "never after its deadline");

    assertEquals(1, await(scheduler.expireOverdue(sh("2025-03-19T10:31"))));
    assertEquals("expired", status(a));
    long events = await(pool.preparedQuery("select count(*) from task_event where task_id = $1").execute(Tuple.of(a)))
        .iterator().next().getLong(0);
    assertEquals(5, events, "four attempts and the expiry: the history stays");
    ExecutionException late = assertThrows(ExecutionException.class,
        () -> await(scheduler.recordOutcome(a, Outcome.of(Outcome.Kind.SUCCESS), sh("2025-03-19T10:40"))));
    assertTrue(late.getCause().getMessage().contains("expired"));
  }

  /**
   * A ring cut is no try of the customer: the task is due again 3 minutes later, its attempts and tried day parts
   * unchanged, the cut counted; after two cuts the dialer is told not to cut the task's line again, and a cut past that
   * cap (which the dialer does not make) counts as a try like a no-answer. Near the end of the calling hours the retry
   * waits for the next opening; a callback is never to be cut.
   */
  @Test
  void aRingCutIsRetriedSoonWithoutCountingATryAndAtMostTwice() throws Exception {
    long c = campaign("提前挂断振铃", "Asia/Shanghai", 3);
    long t = task(c, "13800000021", sh("2025-03-20T12:00"));
    List<DueTask> first = await(scheduler.nextDue(c, sh("2025-03-17T10:00"), 10));
    assertEquals(0, first.get(0).ringCuts());
    assertTrue(first.get(0).mayRingCut());
    await(scheduler.recordOutcome(t, "cut-1", Outcome.of(Outcome.Kind.RING_CUT), sh("2025-03-17T10:00")));
    assertEquals(sh("2025-03-17T10:03"), nextTry(t), "due again 3 minutes later, in the same day part");
    assertEquals(List.of(), due(c, sh("2025-03-17T10:02")));
    List<DueTask> again = await(scheduler.nextDue(c, sh("2025-03-17T10:03"), 10));
    assertEquals(1, again.get(0).attempt(), "no try counted: the next call is still the first attempt");
    assertEquals(1, again.get(0).ringCuts());
    assertTrue(again.get(0).mayRingCut());
    JsonObject row = await(pool.preparedQuery("select attempts, tried_parts, ring_cuts, last_outcome, status from"
        + " call_task where id = $1").execute(Tuple.of(t))).iterator().next().toJson();
    assertEquals(new JsonObject().put("attempts", 0).put("tried_parts", 0).put("ring_cuts", 1)
        .put("last_outcome", "ring_cut").put("status", "open"), row);

    await(scheduler.recordOutcome(t, "cut-2", Outcome.of(Outcome.Kind.RING_CUT), sh("2025-03-17T19:58")));
    assertEquals(sh("2025-03-19T09:00"), nextTry(t), "past 20:00: the next opening (the 18th is a holiday)");
    List<DueTask> capped = await(scheduler.nextDue(c, sh("2025-03-19T09:00"), 10));
    assertEquals(2, capped.get(0).ringCuts());
    assertEquals(false, capped.get(0).mayRingCut(), "cut twice: its line rings in full from now on");
    await(scheduler.recordOutcome(t, "cut-3", Outcome.of(Outcome.Kind.RING_CUT), sh("2025-03-19T09:00")));
    JsonObject counted = await(pool.preparedQuery("select attempts, ring_cuts from call_task where id = $1")
        .execute(Tuple.of(t))).iterator().next().toJson();
    assertEquals(new JsonObject().put("attempts", 1).put("ring_cuts", 2), counted, "past the cap: a try");
    long events = await(pool.preparedQuery("select count(*) from task_event where task_id = $1 and kind = 'ring_cut'")
        .execute(Tuple.of(t))).iterator().next().getLong(0);
    assertEquals(3, events, "every cut is in the task's history");

    await(scheduler.recordOutcome(t, Outcome.callback(sh("2025-03-19T15:00"), null), sh("2025-03-19T12:00")));
    List<DueTask> callback = await(scheduler.nextDue(c, sh("2025-03-19T15:00"), 10));
    assertEquals(false, callback.get(0).mayRingCut(), "a callback the customer asked for is never cut");
  }

  @Test
  void dncCallbacksNotOwnerMaxAttemptsAndFilings() throws Exception {
    long c = campaign("回拨优先", "Asia/Shanghai", 2);
    long early = task(c, "13800000011", sh("2025-03-19T12:00"));
    long later = task(c, "13800000012", sh("2025-03-20T12:00"));
    long blocked = task(c, "13800000013", sh("2025-03-19T09:30"));
    await(pool.preparedQuery("insert into dnc (phone, reason, source) values ('13800000013', 'manual', 'test')").execute());
    assertEquals(List.of(early, later), due(c, sh("2025-03-17T09:30")), "by deadline, the DNC number never");
    await(scheduler.recordOutcome(early, Outcome.of(Outcome.Kind.NO_ANSWER), sh("2025-03-17T09:31")));

    // The customer of the later task asks to be called back at 15:00 by agent 7: that comes first.
    await(scheduler.recordOutcome(later, Outcome.callback(sh("2025-03-17T15:00"), null), sh("2025-03-17T09:32")));
    assertEquals(List.of(), due(c, sh("2025-03-17T11:00")), "the callback waits for its time");
    List<DueTask> at15 = await(scheduler.nextDue(c, sh("2025-03-17T15:00"), 10));
    assertEquals(List.of(later, early), at15.stream().map(DueTask::taskId).toList(), "callbacks before new numbers");
    assertTrue(at15.get(0).callback());

    await(scheduler.recordOutcome(later, Outcome.of(Outcome.Kind.NOT_OWNER), sh("2025-03-17T15:01")));
    assertEquals(sh("2025-03-19T09:00"), nextTry(later), "not the owner: another day (the 18th is a holiday)");

    await(scheduler.recordOutcome(early, Outcome.of(Outcome.Kind.NO_ANSWER), sh("2025-03-17T15:02")));
    assertEquals("unreached", status(early), "at most the maximum attempts (2)");

    await(scheduler.recordOutcome(later, Outcome.of(Outcome.Kind.REFUSED), sh("2025-03-19T09:05")));
    assertEquals("refused", status(later));
    long dnc = await(pool.preparedQuery("select count(*) from dnc where phone = '13800000012'").execute())
        .iterator().next().getLong(0);
    assertEquals(1, dnc, "a refusal feeds the DNC list");

    long filed = task(c, "13800000014", sh("2025-03-19T09:30"));
    assertTrue(await(scheduler.fileSpecialCase(filed, "客户出国", null)));
    await(scheduler.expireOverdue(sh("2025-03-19T10:00")));
    assertEquals("filed", status(filed), "a special-case filing covers it");
    assertEquals("expired", status(blocked), "the DNC task was never called and expired");
  }

  @Test
  void callingHoursAreInTheCampaignsTimeZone() throws Exception {
    long ny = campaign("纽约时区", "America/New_York", 5);
    long sh = campaign("上海时区", "Asia/Shanghai", 5);
    long t1 = task(ny, "13800000021", sh("2025-03-25T00:00"));
    long t2 = task(sh, "13800000022", sh("2025-03-25T00:00"));
    Instant instant = Instant.parse("2025-03-20T13:00:00Z"); // 21:00 in Shanghai, 09:00 in New York (EDT)
    assertEquals(List.of(t1), due(ny, instant));
    assertEquals(List.of(), due(sh, instant));
    assertEquals(List.of(t2), due(sh, Instant.parse("2025-03-21T01:00:00Z")), "09:00 in Shanghai");
  }
}
