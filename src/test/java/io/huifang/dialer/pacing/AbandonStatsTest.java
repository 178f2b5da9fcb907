package io.huifang.dialer.pacing;

import static io.huifang.dialer.pacing.AbandonStats.DAY;
import static io.huifang.dialer.pacing.AbandonStats.HOUR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AbandonStatsTest {
  /** Not on any bucket boundary. */
  private static final long NOW = 1_760_000_123_456L;
  private static final long MINUTE = 60_000L;

  @Test
  void restoredHistoryShowsInTheHourDayAndMonthAtTheRightTimes() {
    AbandonStats stats = new AbandonStats();
    stats.restore(bucket(NOW - 10 * DAY, HOUR), 20, 3);
    stats.restore(bucket(NOW - 3 * HOUR, MINUTE), 10, 2);
    stats.restore(bucket(NOW - 30 * MINUTE, 10_000), 5, 1);

    AbandonStats.Figures now = stats.figures(NOW);
    assertEquals(new AbandonStats.Figure(5, 1), now.hour());
    assertEquals(new AbandonStats.Figure(15, 3), now.day());
    assertEquals(new AbandonStats.Figure(35, 6), now.month());
    assertEquals(0.2, now.hour().rate(), 1e-12);

    AbandonStats.Figures later = stats.figures(NOW + 31 * MINUTE);
    assertEquals(new AbandonStats.Figure(0, 0), later.hour(), "the half-hour-old ones left the hour");
    assertEquals(new AbandonStats.Figure(15, 3), later.day(), "and stay in the day");
    assertEquals(new AbandonStats.Figure(35, 6), later.month());

    AbandonStats.Figures nextDay = stats.figures(NOW + 22 * HOUR);
    assertEquals(new AbandonStats.Figure(5, 1), nextDay.day(), "three hours before, now 25 hours old, left the day");
    assertEquals(new AbandonStats.Figure(35, 6), nextDay.month());

    AbandonStats.Figures weeksLater = stats.figures(NOW + 20 * DAY + 2 * HOUR);
    assertEquals(new AbandonStats.Figure(15, 3), weeksLater.month(), "ten days before, now 30 days old, left");
  }

  @Test
  void liveEventsAfterTheRestoredHistoryAddUp() {
    AbandonStats stats = new AbandonStats();
    stats.restore(bucket(NOW - 10 * MINUTE, 10_000), 3, 1);
    stats.liveAnswered(NOW);
    stats.abandoned(NOW + 1_000);
    stats.liveAnswered(NOW + 2_000);

    assertEquals(new AbandonStats.Figure(5, 2), stats.hour(NOW + 2_000));
    assertEquals(new AbandonStats.Figure(2, 1), stats.lastMillis(NOW + 2_000, MINUTE), "the last minute: live only");
    AbandonStats.Figures f = stats.figures(NOW + 2_000);
    assertEquals(new AbandonStats.Figure(5, 2), f.day());
    assertEquals(new AbandonStats.Figure(5, 2), f.month());
    assertEquals(0.4, f.hour().rate(), 1e-12);
  }

  /**
   * Summing by 10 s within the hour, by the minute within the day and by the hour beyond, each sum placed at its
   * bucket's start (as the stored history is read back), gives the same figures as the single events, then and
   * for as long as they matter.
   */
  @Test
  void historySummedIntoCoarserBucketsBeyondEachWindowGivesTheFiguresOfTheSingleEvents() {
    Random random = new Random(7);
    List<long[]> events = new ArrayList<>(); // {at, answers, abandons}
    for (int i = 0; i < 5_000; i++) {
      long at = NOW - (long) (random.nextDouble() * 31 * DAY);
      events.add(new long[] {at, 1, random.nextInt(20) == 0 ? 1 : 0});
    }
    for (int i = 0; i < 500; i++) {
      long at = NOW - (long) (random.nextDouble() * 2 * HOUR); // plenty around the hour's edge
      events.add(new long[] {at, 1, random.nextInt(10) == 0 ? 1 : 0});
    }
    events.sort((a, b) -> Long.compare(a[0], b[0]));

    AbandonStats single = new AbandonStats();
    TreeMap<Long, long[]> buckets = new TreeMap<>();
    for (long[] e : events) {
      if (e[0] >= NOW - AbandonStats.MONTH) {
        single.restore(e[0], e[1], e[2]);
        long size = e[0] >= NOW - HOUR - MINUTE ? 10_000 : e[0] >= NOW - DAY - HOUR ? MINUTE : HOUR;
        long[] sum = buckets.computeIfAbsent(bucket(e[0], size), k -> new long[2]);
        sum[0] += e[1];
        sum[1] += e[2];
      }
    }
    AbandonStats summed = new AbandonStats();
    buckets.forEach((at, sum) -> summed.restore(at, sum[0], sum[1]));

    for (long later : new long[] {0, 7_000, 10 * MINUTE, HOUR - 5_000, HOUR + 30_000, 5 * HOUR, DAY + 20 * MINUTE,
        3 * DAY}) {
      assertEquals(single.figures(NOW + later), summed.figures(NOW + later), "at now + " + later + " ms");
      for (long last : new long[] {10_000, MINUTE, 15 * MINUTE, HOUR}) {
        assertEquals(single.lastMillis(NOW + later, last), summed.lastMillis(NOW + later, last));
      }
    }
  }

  @Test
  void negativeHistoryIsRefused() {
    AbandonStats stats = new AbandonStats();
    assertThrows(IllegalArgumentException.class, () -> stats.restore(NOW, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> stats.restore(NOW, 0, -1));
    assertEquals(new AbandonStats.Figure(0, 0), stats.hour(NOW));
  }

  private static long bucket(long at, long size) {
    return at - Math.floorMod(at, size);
  }
}
