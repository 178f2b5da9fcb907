package io.huifang.dialer.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LearnedCallsTest {
  private static final long NOW = 10_000_000L;

  /** A campaign where 10 % answer, after 6–20 s of ringing. */
  private static LearnedCalls tenPercent() {
    LearnedCalls l = new LearnedCalls();
    for (int i = 0; i < 400; i++) {
      boolean human = i % 10 == 0;
      l.dialEnded(human, false, human ? 6_000 + (i * 37 % 14_000) : 25_000);
    }
    return l;
  }

  @Test
  void freshRateSeesMoreAnswersBeforeTheLinesEnd() {
    LearnedCalls l = tenPercent();
    assertEquals(0.10, l.liveAnswerRate(), 1e-9);
    // 40 lines dialled 12 s ago: 16 answered already, 24 still ringing
    for (int i = 0; i < 16; i++) {
      l.freshDialEnded(true, 8_000, NOW - 4_000);
    }
    long[] ringing = new long[24];
    Arrays.fill(ringing, NOW - 12_000);
    double fresh = l.freshLiveAnswerRate(NOW, ringing, ringing.length);
    assertTrue(fresh > 0.5, "16 answers where 40 × P(ring ≤ 12 s) ≈ 17 were possible: " + fresh);
    assertTrue(l.freshExposure() > 10);
  }

  @Test
  void freshRateForgetsOldDialsAndNeedsEnoughExposure() {
    LearnedCalls l = tenPercent();
    for (int i = 0; i < 30; i++) {
      l.freshDialEnded(true, 8_000, NOW - 60_000);
    }
    assertEquals(0, l.freshLiveAnswerRate(NOW, new long[0], 0), "a minute ago is not fresh");
    long[] ringing = {NOW - 3_000, NOW - 3_000};
    assertEquals(0, l.freshLiveAnswerRate(NOW, ringing, 2), "two lines that have rung 3 s tell nothing");
  }

  @Test
  void withNoDataItPlansAsIfEveryoneAnswers() {
    LearnedCalls l = new LearnedCalls();
    assertEquals(1.0, l.liveAnswerRateHigh());
    assertEquals(0, l.confidence());
  }
}
