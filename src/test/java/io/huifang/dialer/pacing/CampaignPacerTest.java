package io.huifang.dialer.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.dialer.call.AttemptOutcome;
import io.huifang.dialer.pacing.PacerView.Activity;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pacer's rules, on hand-built states and a deterministic history. */
class CampaignPacerTest {
  private static final long T0 = 1_000_000_000L;

  private static CampaignPacer pacer(DialMode mode) {
    return new CampaignPacer(PacingSettings.defaults(mode), OriginateThrottle.unlimited());
  }

  /** Two hours of a campaign where 30 % answer after 6–20 s, talk about 120 s, wrap up 10 s; no abandons. */
  private static long train(CampaignPacer p, int abandonsPerHundred) {
    SplittableRandom rnd = new SplittableRandom(7);
    long now = T0;
    for (int i = 0; i < 3000; i++) {
      now += 2_400;
      boolean human = rnd.nextDouble() < 0.30;
      long ring = human ? 6_000 + rnd.nextLong(14_000) : 25_000;
      p.onOriginateResult(human ? AttemptOutcome.ANSWERED_HUMAN : AttemptOutcome.NO_ANSWER, ring, now);
      if (human && rnd.nextInt(100) < abandonsPerHundred) {
        p.onAbandoned(now);
      }
      if (human) {
        p.onHangup((long) (-120_000 * Math.log(1 - rnd.nextDouble())), now);
        p.onAgentFree(10_000, now);
      }
    }
    return now;
  }

  /** 10 free agents, 20 talking for a minute, 5 in wrap-up for 5 s, nothing ringing. */
  private static FakeView busyFloor(long now) {
    return new FakeView().agents(10, Activity.FREE, now - 5_000).agents(20, Activity.TALKING, now - 60_000)
        .agents(5, Activity.WRAP_UP, now - 5_000);
  }

  @Test
  void previewDialsNothingAndProgressiveOneLinePerFreeAgent() {
    FakeView view = new FakeView().agents(4, Activity.FREE, T0).agents(3, Activity.TALKING, T0).ringing(1, T0);
    assertEquals(0, pacer(DialMode.PREVIEW).linesToDial(view, T0));
    assertEquals(3, pacer(DialMode.PROGRESSIVE).linesToDial(view, T0), "4 free, 1 already ringing");
  }

  @Test
  void cautiousStartDialsLikeProgressive() {
    long now = T0;
    FakeView view = busyFloor(now);
    int fresh = pacer(DialMode.PREDICTIVE).linesToDial(view, now);
    assertEquals(10, fresh, "no data yet: one line per free agent");

    CampaignPacer trained = pacer(DialMode.PREDICTIVE);
    now = train(trained, 0);
    int learned = trained.linesToDial(busyFloor(now), now);
    assertTrue(learned >= 20, "with 30 % answering, several lines per free agent: " + learned);
  }

  @Test
  void backsOffAsTheHoursRateNearsTheTarget() {
    CampaignPacer clean = pacer(DialMode.PREDICTIVE);
    long now = train(clean, 0);
    CampaignPacer near = pacer(DialMode.PREDICTIVE);
    train(near, 2);
    CampaignPacer over = pacer(DialMode.PREDICTIVE);
    train(over, 4);
    int c = clean.linesToDial(busyFloor(now), now);
    int n = near.linesToDial(busyFloor(now), now);
    int o = over.linesToDial(busyFloor(now), now);
    assertTrue(n < c, "near the target dials fewer: " + n + " vs " + c);
    assertEquals(10, o, "over the target: progressive only");
    assertTrue(over.abandonStats().hour(now).rate() > 0.03);
  }

  @Test
  void backOffStartsGentlyOnceHalfTheHoursBudgetIsUsed() {
    CampaignPacer clean = pacer(DialMode.PREDICTIVE);
    long now = train(clean, 0);
    CampaignPacer some = pacer(DialMode.PREDICTIVE);
    train(some, 1);
    // about 1 % abandoned against 3 %: with the reserve, a little over half the budget is gone
    double left = some.hourBudgetLeft(now, some.settings().pacerTarget());
    assertTrue(left > 0.5 && left < 1, "backing off in proportion, not yet progressive: " + left);
    assertEquals(1.0, clean.hourBudgetLeft(now, clean.settings().pacerTarget()), 1e-9);
    int c = clean.linesToDial(busyFloor(now), now);
    int s = some.linesToDial(busyFloor(now), now);
    assertTrue(s <= c && s > 10, "fewer or as many lines as the clean hour, more than progressive: " + s + " vs " + c);
  }

  @Test
  void noFreeAndNoSoonFreeAgentsMeansNoDials() {
    CampaignPacer p = pacer(DialMode.PREDICTIVE);
    long now = T0;
    // every call so far lasted 10 minutes: agents one minute into a call will not be free soon
    for (int i = 0; i < 200; i++) {
      now += 1_000;
      p.onOriginateResult(i % 2 == 0 ? AttemptOutcome.ANSWERED_HUMAN : AttemptOutcome.NO_ANSWER, 10_000, now);
      p.onHangup(600_000, now);
      p.onAgentFree(10_000, now);
    }
    FakeView view = new FakeView().agents(10, Activity.TALKING, now - 60_000);
    assertEquals(0, p.linesToDial(view, now));
    assertEquals(0, p.linesToDial(new FakeView(), now), "no agents at all");
  }

  @Test
  void capsAreRespected() {
    CampaignPacer trained = pacer(DialMode.PREDICTIVE);
    long now = train(trained, 0);
    int free = trained.linesToDial(busyFloor(now), now);
    assertTrue(free > 5, "uncapped it wants more than 5: " + free);
    // lines that have rung 24 s will hardly answer: the pacer would dial more, the lines-per-agent cap says no
    trained.settings(trained.settings().withLinesPerAgent(1.0));
    FakeView view = busyFloor(now).ringing(30, now - 24_000);
    assertEquals(5, trained.linesToDial(view, now), "1 line per agent × 35 agents, 30 ringing");
    trained.settings(trained.settings().withLinesPerAgent(PacingSettings.DEFAULT_LINES_PER_AGENT));

    trained.settings(trained.settings().withTrunkLines(40));
    FakeView trunk = busyFloor(now);
    trunk.trunkInUse = 35;
    assertEquals(5, trained.linesToDial(trunk, now), "trunk of 40 lines, 35 in use");

    CampaignPacer throttled = new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE),
        new OriginateThrottle(4));
    FakeView many = new FakeView().agents(10, Activity.FREE, now);
    assertEquals(4, throttled.linesToDial(many, now), "4 originates per second");
    assertEquals(0, throttled.linesToDial(many, now + 10), "bucket empty");
    assertEquals(2, throttled.linesToDial(many, now + 500), "half a second later");
  }

  @Test
  void abandonStatsCountLiveAnswersOverRollingWindows() {
    AbandonStats s = new AbandonStats();
    for (int i = 0; i < 100; i++) {
      s.liveAnswered(T0 + i * 1000L);
    }
    s.abandoned(T0 + 50_000);
    assertEquals(0.01, s.hour(T0 + 100_000).rate(), 1e-9);
    long later = T0 + 2 * AbandonStats.HOUR;
    assertEquals(0, s.hour(later).liveAnswered(), "an hour later the window is empty");
    AbandonStats.Figures f = s.figures(later);
    assertEquals(100, f.day().liveAnswered());
    assertEquals(1, f.month().abandoned());
  }
}
