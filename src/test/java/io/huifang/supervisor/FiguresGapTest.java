package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How often the board asks the database for its figures: 2 % of the time at most, between 2 s and 15 s apart. */
class FiguresGapTest {
  @Test
  void aQuickReadIsRepeatedEveryTwoSeconds() {
    assertEquals(2000, LiveBoard.figuresGapMs(0));
    assertEquals(2000, LiveBoard.figuresGapMs(40)); // 40 / 0.02 = 2,000
  }

  @Test
  void aSlowReadWaitsFiftyTimesItsLength() {
    assertEquals(9000, LiveBoard.figuresGapMs(180)); // the busy day the benchmark measured
    assertEquals(2500, LiveBoard.figuresGapMs(50));
  }

  @Test
  void neverLessOftenThanTheRegularRead() {
    assertEquals(LiveBoard.FIGURES_EVERY_MS, LiveBoard.figuresGapMs(1600)); // the 5-minute settled read
  }
}
