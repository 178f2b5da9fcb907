package io.huifang.dialer.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FadingSumsTest {
  @Test
  void sumsForgetByOneOverEPerTimeConstantAndIgnoreTimeGoingBack() {
    FadingSums s = new FadingSums(1_000, 2);
    s.add(0, 0, 10);
    s.add(0, 1, 4);
    assertEquals(10, s.get(0, 0), 1e-12);
    assertEquals(10 / Math.E, s.get(1_000, 0), 1e-9);
    assertEquals(4 / Math.E, s.get(1_000, 1), 1e-9, "both sums fade together");
    s.add(500, 0, 1); // an earlier time counts as the latest: nothing fades twice
    assertEquals(10 / Math.E + 1, s.get(1_000, 0), 1e-9);
  }
}
