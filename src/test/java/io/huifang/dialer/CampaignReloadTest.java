package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.huifang.campaign.Campaign;
import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.telephony.AttemptStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A campaign's run starts with the abandonment history read back from the database up to a moment (at start, and
 * every time this node takes a PBX over), and the answers and abandons no run of this node counted as they happened
 * (calls adopted from a dead owner, ended by this node after that moment) still reach its rolling hour: once, never
 * those the history already holds. The take-over's gap abandons were in the database's hour and missing from the
 * pacer's before (BENCHMARKS.md, "SIGKILL of pbx1's owner, long runs").
 */
class CampaignReloadTest {
  private static final long CAMPAIGN = 7;
  private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");
  private static final long AT = T.toEpochMilli();

  private Vertx vertx;
  private Context context;
  private Promise<List<AttemptStore.AbandonBucket>> history;
  private Instant historyAskedAt;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private CampaignReload reload() {
    Campaign c = Campaign.fromJson(new JsonObject().put("name", "预测外呼").put("kind", "csi")
        .put("dialMode", "predictive").put("abandonTarget", 3.0), null);
    Campaign withId = new Campaign(CAMPAIGN, c.name(), c.kind(), c.questionnaire(), c.dealerIds(), c.rules(),
        c.deadlineBasis(), c.deadlineHours(), c.maxAttempts(), c.dialMode(), c.abandonTarget(), c.callerId(),
        c.recordingPolicy(), true, c.wrapUpSeconds(), c.amd(), c.ringCut(), c.priority());
    CampaignReload.Reads reads = new CampaignReload.Reads() {
      @Override
      public Future<List<Campaign>> campaigns() {
        return Future.succeededFuture(List.of(withId));
      }

      @Override
      public Future<Set<Long>> paused() {
        return Future.succeededFuture(Set.of());
      }

      @Override
      public Future<List<AttemptStore.AbandonBucket>> abandonHistory(long campaignId, Instant now) {
        historyAskedAt = now;
        history = Promise.promise();
        return history.future();
      }
    };
    return new CampaignReload(context, reads, Clock.fixed(T, ZoneOffset.UTC), CampaignRun::new);
  }

  private <T> T on(Supplier<T> action) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(action.get());
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  /** Waits until the context has run everything queued so far (the history's completion hops onto it). */
  private void settle() throws Exception {
    on(() -> null);
    on(() -> null);
  }

  private AbandonStats.Figure hourOf(CampaignReload reload) throws Exception {
    return on(() -> {
      CampaignRun r = reload.current(CAMPAIGN);
      assertNotNull(r, "the campaign is dialled once its history is in");
      return r.abandons.hour(AT + 5_000);
    });
  }

  @Test
  void abandonsOfAdoptedCallsAfterTheHistoryReadCountOnceInTheRollingHour() throws Exception {
    CampaignReload reload = reload();
    on(reload::reload);
    settle();
    assertEquals(T, historyAskedAt, "the history is read up to the moment the run starts");
    assertNull(on(() -> reload.current(CAMPAIGN)), "no run before its history is in");

    // While the history is being read: an abandon the read holds (ended before its moment, stored), and one after
    on(() -> {
      reload.heard(CAMPAIGN, AT - 1_000, 0, 1);
      reload.heard(CAMPAIGN, AT + 1_500, 0, 1);
      return null;
    });
    // The database's hour up to T: 40 live answers, 2 abandons (the one just heard at T - 1 s among them)
    on(() -> {
      history.complete(List.of(new AttemptStore.AbandonBucket(AT - 60_000, 40, 1),
          new AttemptStore.AbandonBucket(AT - 10_000, 0, 1)));
      return null;
    });
    settle();
    assertEquals(new AbandonStats.Figure(40, 3), hourOf(reload),
        "the history, and the abandon heard during the read that the read could not hold");

    // The run dials: adopted calls the new owner closes now are counted; anything up to T was in the history
    on(() -> {
      reload.heard(CAMPAIGN, AT + 3_000, 0, 1); // a gap customer's safe-harbor ended after the take-over
      reload.heard(CAMPAIGN, AT + 3_500, 1, 0); // an adopted call answered after the read
      reload.heard(CAMPAIGN, AT - 500, 1, 0); // answered before the read: in the history already
      reload.heard(CAMPAIGN, AT, 0, 1); // at the read's very moment: the read holds it
      return null;
    });
    assertEquals(new AbandonStats.Figure(41, 4), hourOf(reload));
    // A campaign this node does not dial hears nothing and fails nothing
    on(() -> {
      reload.heard(CAMPAIGN + 1, AT + 1_000, 0, 1);
      return null;
    });
  }

  @Test
  void withoutItsHistoryTheRunCountsEverythingItHears() throws Exception {
    CampaignReload reload = reload();
    on(reload::reload);
    settle();
    on(() -> {
      reload.heard(CAMPAIGN, AT - 1_000, 1, 1);
      history.fail(new IllegalStateException("database away"));
      return null;
    });
    settle();
    on(() -> {
      reload.heard(CAMPAIGN, AT + 1_000, 1, 1);
      return null;
    });
    assertEquals(new AbandonStats.Figure(2, 2), hourOf(reload), "no history read: nothing heard is in it");
  }

  @Test
  void aRestartReadsTheHistoryAgainAndCountsFromItsNewMoment() throws Exception {
    CampaignReload reload = reload();
    on(reload::reload);
    settle();
    on(() -> {
      history.complete(List.of(new AttemptStore.AbandonBucket(AT - 60_000, 10, 0)));
      return null;
    });
    settle();
    on(() -> {
      reload.restart(); // a PBX taken over: every run starts again from a new read
      return null;
    });
    settle();
    on(() -> {
      reload.heard(CAMPAIGN, AT + 2_000, 0, 1); // the dropped run's figures are gone; this waits for the new run
      history.complete(List.of(new AttemptStore.AbandonBucket(AT - 60_000, 12, 1)));
      return null;
    });
    settle();
    assertEquals(new AbandonStats.Figure(12, 2), hourOf(reload));
  }
}
