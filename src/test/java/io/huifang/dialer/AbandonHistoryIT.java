package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The abandonment figures supervisors see survive what drops the dialer's memory: a campaign paused and resumed,
 * and a restart. The campaign's stored attempts are read back when it starts dialling again, counted as the live
 * dialer counts them (an answer when a person answered, an abandon when an abandoned call ended), so the rolling
 * hour keeps the abandons the pacer must not spend again and the 24-hour and 30-day figures stay whole.
 */
class AbandonHistoryIT {
  /** Live answers and abandons the rows below imply, per window. */
  private static final long HOUR_ANSWERS = 11;
  private static final long HOUR_ABANDONS = 2;
  private static final long DAY_ANSWERS = HOUR_ANSWERS + 6;
  private static final long DAY_ABANDONS = HOUR_ABANDONS + 2;
  private static final long MONTH_ANSWERS = DAY_ANSWERS + 18;
  private static final long MONTH_ABANDONS = DAY_ABANDONS + 3;

  @Test
  @WithServer
  void pausedAndResumedOrRestartedTheCampaignKeepsItsAbandonmentFigures(TestServer server) throws Exception {
    long campaign;
    { // the first start
      Http admin = new Http(server);
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      long dealer = admin.send("POST", "/api/dealers", new JsonObject().put("code", "BJ01").put("name", "北京4S店")
          .encode()).json().getJsonObject("dealer").getLong("id");
      // Paused while its history is written: a Run started now would have read none.
      Http.Response created = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "预测外呼")
          .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).put("dialMode", "predictive")
          .put("active", false).encode());
      assertEquals(201, created.status(), created.body());
      campaign = created.json().getJsonObject("campaign").getLong("id");
      writeHistory(server, campaign, Instant.now());

      Http.Response resumed = admin.send("PUT", "/api/campaigns/" + campaign, "{\"active\":true}");
      assertEquals(200, resumed.status(), resumed.body());
      JsonObject run = runOf(admin, campaign, Duration.ofSeconds(30));
      assertNotNull(run, "the resumed campaign is dialled");
      assertFigures(run, "resumed");
    }

    // A restart (crash, deploy) on the same database.
    server.restart();
    {
      Http admin = new Http(server);
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      JsonObject run = runOf(admin, campaign, Duration.ofSeconds(30));
      assertNotNull(run, "the active campaign is dialled after the restart");
      assertFigures(run, "restarted");
    }
  }

  private static void assertFigures(JsonObject run, String when) {
    String seen = when + ": " + run.encode();
    assertTrue(run.getBoolean("abandonHistoryRestored"), seen);
    assertEquals(HOUR_ANSWERS, run.getLong("liveAnsweredHour"), seen);
    assertEquals(HOUR_ABANDONS, run.getLong("abandonedHour"), seen);
    assertEquals((double) HOUR_ABANDONS / HOUR_ANSWERS, run.getDouble("abandonRateHour"), 1e-12, seen);
    assertEquals((double) DAY_ABANDONS / DAY_ANSWERS, run.getDouble("abandonRate24h"), 1e-12, seen);
    assertEquals((double) MONTH_ABANDONS / MONTH_ANSWERS, run.getDouble("abandonRate30d"), 1e-12, seen);
  }

  /**
   * Attempts of the campaign (and one of another) as the call tracker stores them. What counts: 11 live answers and
   * 2 abandons within the hour, 6 and 2 three hours ago, 18 and 3 ten days ago; 40 days ago is beyond the 30 days.
   */
  private static void writeHistory(TestServer server, long campaign, Instant now) {
    List<Tuple> rows = new ArrayList<>();
    // Within the hour: 8 reached an agent, 2 were abandoned, one is still up on a PBX that is away (its answer
    // counted when it came), one was a machine and three were not answered (neither counts).
    for (int i = 0; i < 8; i++) {
      rows.add(ended("h-human-" + i, campaign, "answered_human", now.minus(Duration.ofMinutes(20)), 600));
    }
    for (int i = 0; i < 2; i++) {
      rows.add(ended("h-abandoned-" + i, campaign, "abandoned", now.minus(Duration.ofMinutes(12)), 4));
    }
    rows.add(attempt("h-open", "pbx-2", campaign, "bridged", null, 7L, null, now.minus(Duration.ofMinutes(30)),
        now.minus(Duration.ofMinutes(30)).plusSeconds(9), null));
    rows.add(ended("h-machine", campaign, "answered_machine", now.minus(Duration.ofMinutes(25)), 20));
    for (int i = 0; i < 3; i++) {
      Instant dialled = now.minus(Duration.ofMinutes(10));
      rows.add(attempt("h-no-answer-" + i, "emulator", campaign, "ended", "no_answer", null, null, dialled, null,
          dialled.plusSeconds(25)));
    }
    // Three hours ago: in the day, not the hour.
    for (int i = 0; i < 4; i++) {
      rows.add(ended("d-human-" + i, campaign, "answered_human", now.minus(Duration.ofHours(3)), 300));
    }
    for (int i = 0; i < 2; i++) {
      rows.add(ended("d-abandoned-" + i, campaign, "abandoned", now.minus(Duration.ofHours(3)), 3));
    }
    // Ten days ago: in the 30 days only.
    for (int i = 0; i < 15; i++) {
      rows.add(ended("m-human-" + i, campaign, "answered_human", now.minus(Duration.ofDays(10)), 420));
    }
    for (int i = 0; i < 3; i++) {
      rows.add(ended("m-abandoned-" + i, campaign, "abandoned", now.minus(Duration.ofDays(10)), 5));
    }
    // Forty days ago: beyond every window.
    rows.add(ended("old-abandoned", campaign, "abandoned", now.minus(Duration.ofDays(40)), 5));
    rows.add(ended("old-human", campaign, "answered_human", now.minus(Duration.ofDays(40)), 200));
    // Another campaign's abandons are not this one's.
    for (int i = 0; i < 3; i++) {
      rows.add(ended("other-abandoned-" + i, campaign + 1000, "abandoned", now.minus(Duration.ofMinutes(5)), 4));
    }
    server.server().database().pool().preparedQuery("insert into call_attempt (id, pbx, campaign_id, dial_string,"
            + " state, outcome, agent_id, amd_status, originated_at, answered_at, ended_at)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .executeBatch(rows).await();
  }

  /** An ended attempt answered at {@code answered} (rung 9 s before) and ended {@code talkedSeconds} later. */
  private static Tuple ended(String id, long campaign, String outcome, Instant answered, long talkedSeconds) {
    Long agent = outcome.equals("answered_human") ? 7L : null;
    String amd = outcome.equals("answered_machine") ? "MACHINE" : null;
    return attempt(id, "emulator", campaign, "ended", outcome, agent, amd, answered.minusSeconds(9), answered,
        answered.plusSeconds(talkedSeconds));
  }

  private static Tuple attempt(String id, String pbx, long campaign, String state, String outcome, Long agent,
                               String amd, Instant originated, Instant answered, Instant ended) {
    return Tuple.from(new Object[] {id, pbx, campaign, "Local/13900000000@huifang-out", state, outcome, agent, amd,
        odt(originated), odt(answered), odt(ended)});
  }

  private static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  /** The campaign's entry in the supervisors' dialer status, waiting up to {@code wait} for it. */
  private static JsonObject runOf(Http supervisor, long campaign, Duration wait) {
    JsonArray runs = Await.atMost(wait).every(Duration.ofMillis(250)).until("campaign " + campaign + " dialled",
        () -> {
          Http.Response r = supervisor.get("/api/dialer");
          assertEquals(200, r.status(), r.body());
          return r.json().getJsonArray("campaigns");
        }, found -> runIn(found, campaign) != null);
    return runIn(runs, campaign);
  }

  private static JsonObject runIn(JsonArray runs, long campaign) {
    for (int i = 0; i < runs.size(); i++) {
      if (runs.getJsonObject(i).getLong("campaignId") == campaign) {
        return runs.getJsonObject(i);
      }
    }
    return null;
  }
}
