package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.huifang.report.Ranking.Entry;
import io.huifang.report.Ranking.Place;
import io.huifang.report.Ranking.Table;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingTest {
  static final YearMonth NOV = YearMonth.of(2026, 11);

  static BigDecimal bd(String s) {
    return s == null ? null : new BigDecimal(s);
  }

  /**
   * Dealers 1–5: 1 north 900.00 (group G1), 2 south 850.00 (G2), 3 north 850.00 (G1), 4 south 800.00 (G2), 5 north
   * without a score (G1).
   */
  static List<Entry> month() {
    return List.of(new Entry(4, "south", "G2", bd("800.00")), new Entry(5, "north", "G1", null),
        new Entry(3, "north", "G1", bd("850.00")), new Entry(1, "north", "G1", bd("900.00")),
        new Entry(2, "south", "G2", bd("850.00")));
  }

  @Test
  void tiesShareTheBestRankAndTheNextRankSkips() {
    Table t = Ranking.rank(NOV, month(), Map.of());
    // 900 → 1; 850, 850 → 2, 2 (dealer 2 before 3 by id); 800 → 4 (not 3); dealer 5 unranked, last
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), t.places().stream().map(Place::dealerId).toList());
    assertEquals(Arrays.asList(1, 2, 2, 4, null), t.places().stream().map(Place::rank).toList());
    assertEquals(4, t.ranked());
    // in the region: north 900 (1), 850 (2), south 850 (1), 800 (2)
    assertEquals(Arrays.asList(1, 1, 2, 2, null), t.places().stream().map(Place::regionRank).toList());
  }

  @Test
  void averagesAreOverTheDealersWithAScore() {
    Table t = Ranking.rank(NOV, month(), Map.of());
    // all: (900 + 850 + 850 + 800) / 4 = 850.00; north (900 + 850) / 2 = 875.00 (dealer 5 left out);
    // south (850 + 800) / 2 = 825.00; groups as regions here
    assertEquals(bd("850.00"), t.all());
    assertEquals(Map.of("north", bd("875.00"), "south", bd("825.00")), t.regions());
    assertEquals(Map.of("G1", bd("875.00"), "G2", bd("825.00")), t.groups());
    Place p4 = t.places().get(3);
    assertEquals(bd("825.00"), p4.regionAverage());
    assertEquals(bd("825.00"), p4.groupAverage());
    // a mean with a repeating decimal: (800 + 801 + 801) / 3 = 800.666… → 800.67
    Table odd = Ranking.rank(NOV, List.of(new Entry(1, "r", "g", bd("800.00")), new Entry(2, "r", "g", bd("801.00")),
        new Entry(3, "r", "g", bd("801.00"))), Map.of());
    assertEquals(bd("800.67"), odd.all());
    assertNull(Ranking.rank(NOV, List.of(new Entry(1, "r", "g", null)), Map.of()).all());
  }

  @Test
  void monthOnMonthAndTrends() {
    Map<YearMonth, Map<Long, BigDecimal>> past = new HashMap<>();
    // dealer 1: Sep 870, Oct 880, Nov 900 → month on month +20; 3 months mean 2650 / 3 = 883.33,
    // slope: x = 0, 1, 2, x̄ = 1, ȳ = 883.33; Σ(x − x̄)(y − ȳ) = (−1)(−13.33) + (1)(16.67) = 30, Σ(x − x̄)² = 2 → 15.00
    // dealer 3: Sep missing, Oct 830, Nov 850 → +20; mean 840.00, slope over 2 months 20.00
    // dealer 2: nothing before → month on month null, slope null (1 score), mean 850.00
    // dealer 5: no score now, Oct 700 → month on month null; its trend still lists Oct: mean 700.00, slope null
    past.put(NOV.minusMonths(2), Map.of(1L, bd("870.00")));
    past.put(NOV.minusMonths(1), Map.of(1L, bd("880.00"), 3L, bd("830.00"), 5L, bd("700.00")));
    past.put(NOV.minusMonths(3), Map.of(1L, bd("500.00"))); // outside 3 months, inside 12
    Table t = Ranking.rank(NOV, month(), past);
    Place p1 = t.places().get(0);
    assertEquals(bd("20.00"), p1.monthOnMonth());
    assertEquals(List.of(bd("870.00"), bd("880.00"), bd("900.00")), p1.trend3().scores());
    assertEquals(bd("883.33"), p1.trend3().mean());
    assertEquals(bd("15.00"), p1.trend3().slope());
    Place p3 = t.places().get(2);
    assertEquals(3L, p3.dealerId());
    assertEquals(bd("20.00"), p3.monthOnMonth());
    assertEquals(Arrays.asList(null, bd("830.00"), bd("850.00")), p3.trend3().scores());
    assertEquals(bd("840.00"), p3.trend3().mean());
    assertEquals(bd("20.00"), p3.trend3().slope());
    Place p2 = t.places().get(1);
    assertNull(p2.monthOnMonth());
    assertNull(p2.trend3().slope());
    assertEquals(bd("850.00"), p2.trend3().mean());
    Place p5 = t.places().get(4);
    assertNull(p5.monthOnMonth());
    assertEquals(bd("700.00"), p5.trend3().mean());
    assertNull(p5.trend3().slope());
    // dealer 1 over 12 months: Aug 500 at x = 8, Sep 870 (9), Oct 880 (10), Nov 900 (11); x̄ = 9.5, ȳ = 787.5;
    // Σ(x − x̄)(y − ȳ) = (−1.5)(−287.5) + (−0.5)(82.5) + (0.5)(92.5) + (1.5)(112.5) = 431.25 − 41.25 + 46.25
    // + 168.75 = 605; Σ(x − x̄)² = 2.25 + 0.25 + 0.25 + 2.25 = 5 → slope 121.00; mean 3150 / 4 = 787.50
    assertEquals(12, p1.trend12().scores().size());
    assertEquals(bd("121.00"), p1.trend12().slope());
    assertEquals(bd("787.50"), p1.trend12().mean());
    assertEquals(bd("500.00"), p1.trend12().scores().get(8));
  }

  @Test
  void twelveMonthsOfASteadyRiseAndOlderMonthsIgnored() {
    // 700, 710, …, 810 (Nov): slope 10.00, mean (700 + 810) / 2 = 755.00; a score 13 months back is not read
    Map<YearMonth, Map<Long, BigDecimal>> past = new HashMap<>();
    List<Entry> now = new ArrayList<>();
    for (int back = 11; back >= 1; back--) {
      past.put(NOV.minusMonths(back), Map.of(1L, BigDecimal.valueOf(700 + 10 * (11 - back)).setScale(2)));
    }
    past.put(NOV.minusMonths(12), Map.of(1L, bd("0.00")));
    now.add(new Entry(1, "r", "g", bd("810.00")));
    Place p = Ranking.rank(NOV, now, past).places().get(0);
    assertEquals(bd("10.00"), p.trend12().slope());
    assertEquals(bd("755.00"), p.trend12().mean());
    assertEquals(bd("10.00"), p.monthOnMonth());
    // the last 3: 790, 800, 810 → slope 10.00, mean 800.00
    assertEquals(bd("10.00"), p.trend3().slope());
    assertEquals(bd("800.00"), p.trend3().mean());
  }
}
