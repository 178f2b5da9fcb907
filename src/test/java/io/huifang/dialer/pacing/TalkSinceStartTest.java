package io.huifang.dialer.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Talk time in a young campaign: the calls still going count, and the estimate retires when the start is past. */
class TalkSinceStartTest {

  /** What LearnedCalls keeps of finished calls, and the young-campaign estimate beside it. */
  private static final class Campaign {
    final EmpiricalDistribution recent = new EmpiricalDistribution(500, 1000, 3_600_000);
    final TalkSinceStart young = new TalkSinceStart(1000, recent.gridSize(), recent.capacity());

    void finished(long millis, long now) {
      recent.add(millis);
      young.finished(millis, now);
    }

    double youngCdf(double millis) {
      return recent.interpolate(young.cdf(), millis);
    }
  }

  /**
   * {@code agents} agents each start a call at a random moment of the first 20 s and take the next one as soon as a
   * call ends (talk exponential, mean 120 s), up to {@code now}: the finished ones are told, those still going are
   * returned.
   */
  private static long[] run(Campaign c, int agents, long now, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Long> going = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      long t = rnd.nextLong(20_000);
      while (true) {
        long talk = (long) (-120_000 * Math.log(1 - rnd.nextDouble()));
        if (t + talk > now) {
          going.add(now - t);
          break;
        }
        c.finished(talk, t + talk);
        t += talk + 10_000;
      }
    }
    return going.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void inTheFirstMinutesTheCallsStillGoingCount() {
    Campaign c = new Campaign();
    long[] talking = run(c, 100, 90_000, 3);
    c.young.talkingNow(90_000, talking, talking.length);
    assertTrue(c.young.usable());
    double truth = 1 - Math.exp(-60.0 / 120);
    // the finished calls alone: every one of them was shorter than the campaign's 90 s
    assertTrue(c.recent.cdf(60_000) > 0.85, "finished calls only: " + c.recent.cdf(60_000));
    assertEquals(truth, c.youngCdf(60_000), 0.1, "P(talk ≤ 60 s) with the calls still going counted");
  }

  @Test
  void withFewCallsAtRiskItDoesNotSayEveryCallHasEnded() {
    Campaign c = new Campaign();
    c.finished(10_000, 20_000);
    c.finished(45_000, 46_000);
    long[] talking = new long[90];
    for (int i = 0; i < talking.length; i++) {
      talking[i] = 500L * i; // 0–44.5 s so far
    }
    c.young.talkingNow(47_000, talking, talking.length);
    assertEquals(1.0, c.recent.cdf(60_000), "two finished calls: 'everyone is done by 45 s'");
    assertTrue(c.youngCdf(60_000) < 0.05, "one call in 92 is known to have ended: " + c.youngCdf(60_000));
    assertTrue(c.youngCdf(3_000_000) < 0.05, "and nothing is known of longer calls");
  }

  @Test
  void retiresOnceTheFinishedCallsAreAFairSampleAgain() {
    Campaign c = new Campaign();
    long[] early = run(c, 50, 120_000, 5);
    c.young.talkingNow(120_000, early, early.length);
    assertTrue(c.young.active(), "two minutes in, the finished calls are the short ones");
    Campaign twenty = new Campaign();
    long[] going = run(twenty, 50, 20 * 60_000L, 5);
    twenty.young.talkingNow(20 * 60_000L, going, going.length);
    assertTrue(twenty.young.active(), "20 minutes in, the window of 500 calls still holds the first ones");

    Campaign day = new Campaign();
    long[] later = run(day, 50, 4 * 3_600_000L, 5);
    day.young.talkingNow(4 * 3_600_000L, later, later.length);
    assertFalse(day.young.active(), "four hours in, the window's oldest call finished long after the start");
    assertFalse(day.young.usable());
  }

  @Test
  void aRebuildWaitsForAFinishedCallOrHalfASecond() {
    Campaign c = new Campaign();
    long[] talking = run(c, 100, 90_000, 3);
    c.young.talkingNow(90_000, talking, talking.length);
    double before = c.youngCdf(60_000);
    // told of no call going (which would change the estimate a lot) 100 ms later: not rebuilt yet
    c.young.talkingNow(90_100, new long[0], 0);
    assertEquals(before, c.youngCdf(60_000));
    // half a second after the last build it is
    c.young.talkingNow(90_500, new long[0], 0);
    double rebuilt = c.youngCdf(60_000);
    assertTrue(rebuilt > before + 0.2, before + " → " + rebuilt);
    // and a call that finished rebuilds at once
    c.finished(40_000, 90_550);
    c.young.talkingNow(90_600, talking, talking.length);
    assertTrue(c.youngCdf(60_000) < rebuilt, "the calls going count again");
  }
}
