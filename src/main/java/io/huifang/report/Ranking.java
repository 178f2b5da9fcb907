package io.huifang.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The month's ranking of dealers by assessment score, pure: averages per region, per group (集团) and over all
 * dealers, each dealer's rank overall and in its region, the change from last month and the 3- and 12-month trends.
 *
 * <ul>
 * <li>Only dealers with a score take part (a dealer without one is listed last, unranked, and is in no average).</li>
 * <li>Ties: dealers with the same assessment score (it has 2 decimals) share the best rank, and the next rank skips
 * as many places ("1, 2, 2, 4"); tied dealers are listed by dealer id.</li>
 * <li>Averages: the plain mean of the dealers' assessment scores, rounded half up to 0.01.</li>
 * <li>Month on month: this month's score − last month's; null when either is missing.</li>
 * <li>Trends over the last 3 and 12 months, this one included: the scores month by month (null where missing),
 * their mean and the least-squares slope in points per month over the months that have a score (null with fewer
 * than 2), both rounded half up to 0.01.</li>
 * </ul>
 */
public final class Ranking {
  private Ranking() {
  }

  /** A dealer this month: where it belongs and its assessment score (null: no score). */
  public record Entry(long dealerId, String region, String group, BigDecimal score) {
  }

  /**
   * @param scores oldest month first, the current month last; null where the dealer had no score
   * @param mean   of the scores present; null with none
   * @param slope  points per month, least squares over the scores present; null with fewer than 2
   */
  public record Trend(List<BigDecimal> scores, BigDecimal mean, BigDecimal slope) {
  }

  /** One dealer's line of the ranking table. */
  public record Place(long dealerId, String region, String group, BigDecimal score, Integer rank,
                      Integer regionRank, BigDecimal regionAverage, BigDecimal groupAverage,
                      BigDecimal monthOnMonth, Trend trend3, Trend trend12) {
  }

  /**
   * @param places  best first, unranked last
   * @param ranked  dealers with a score
   * @param all     the all-dealer average; null when none has a score
   */
  public record Table(YearMonth month, List<Place> places, int ranked, BigDecimal all, Map<String, BigDecimal> regions,
                      Map<String, BigDecimal> groups) {
  }

  /**
   * Ranks {@code entries}; {@code past} gives earlier months' assessment scores by dealer id (the 11 months before
   * {@code month} are read; others are ignored).
   */
  public static Table rank(YearMonth month, List<Entry> entries, Map<YearMonth, Map<Long, BigDecimal>> past) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::score, Comparator.nullsLast(Comparator.reverseOrder()))
        .thenComparingLong(Entry::dealerId));
    Map<String, List<BigDecimal>> byRegion = new TreeMap<>();
    Map<String, List<BigDecimal>> byGroup = new TreeMap<>();
    List<BigDecimal> all = new ArrayList<>();
    for (Entry e : sorted) {
      if (e.score() != null) {
        all.add(e.score());
        byRegion.computeIfAbsent(e.region(), k -> new ArrayList<>()).add(e.score());
        byGroup.computeIfAbsent(e.group(), k -> new ArrayList<>()).add(e.score());
      }
    }
    Map<String, BigDecimal> regions = new LinkedHashMap<>();
    byRegion.forEach((k, v) -> regions.put(k, mean(v)));
    Map<String, BigDecimal> groups = new LinkedHashMap<>();
    byGroup.forEach((k, v) -> groups.put(k, mean(v)));

    // per region: {dealers ranked so far, the rank of the last one}, and the last one's score (ties as overall)
    Map<String, int[]> regionSeen = new HashMap<>();
    Map<String, BigDecimal> regionLast = new HashMap<>();
    List<Place> places = new ArrayList<>();
    int rank = 0;
    BigDecimal last = null;
    for (int i = 0; i < sorted.size(); i++) {
      Entry e = sorted.get(i);
      Integer r = null;
      Integer rr = null;
      if (e.score() != null) {
        if (last == null || e.score().compareTo(last) != 0) {
          rank = i + 1;
          last = e.score();
        }
        r = rank;
        int[] seen = regionSeen.computeIfAbsent(e.region(), k -> new int[2]);
        seen[0]++;
        BigDecimal prev = regionLast.get(e.region());
        if (prev == null || e.score().compareTo(prev) != 0) {
          seen[1] = seen[0];
          regionLast.put(e.region(), e.score());
        }
        rr = seen[1];
      }
      BigDecimal before = score(past, month.minusMonths(1), e.dealerId());
      places.add(new Place(e.dealerId(), e.region(), e.group(), e.score(), r, rr,
          e.score() == null ? null : regions.get(e.region()), e.score() == null ? null : groups.get(e.group()),
          e.score() == null || before == null ? null : e.score().subtract(before),
          trend(month, 3, e, past), trend(month, 12, e, past)));
    }
    return new Table(month, Collections.unmodifiableList(places), all.size(), all.isEmpty() ? null : mean(all),
        Collections.unmodifiableMap(regions), Collections.unmodifiableMap(groups));
  }

  private static BigDecimal score(Map<YearMonth, Map<Long, BigDecimal>> past, YearMonth m, long dealerId) {
    Map<Long, BigDecimal> month = past.get(m);
    return month == null ? null : month.get(dealerId);
  }

  static Trend trend(YearMonth month, int months, Entry e, Map<YearMonth, Map<Long, BigDecimal>> past) {
    List<BigDecimal> scores = new ArrayList<>();
    for (int back = months - 1; back >= 1; back--) {
      scores.add(score(past, month.minusMonths(back), e.dealerId()));
    }
    scores.add(e.score());
    // least squares over (x = month index, y = score) for the months present
    int n = 0;
    double sx = 0;
    double sy = 0;
    List<BigDecimal> present = new ArrayList<>();
    for (int x = 0; x < scores.size(); x++) {
      if (scores.get(x) != null) {
        n++;
        sx += x;
        sy += scores.get(x).doubleValue();
        present.add(scores.get(x));
      }
    }
    BigDecimal slope = null;
    if (n >= 2) {
      double mx = sx / n;
      double my = sy / n;
      double sxy = 0;
      double sxx = 0;
      for (int x = 0; x < scores.size(); x++) {
        if (scores.get(x) != null) {
          sxy += (x - mx) * (scores.get(x).doubleValue() - my);
          sxx += (x - mx) * (x - mx);
        }
      }
      slope = BigDecimal.valueOf(sxy / sxx).setScale(2, RoundingMode.HALF_UP);
    }
    return new Trend(Collections.unmodifiableList(scores), present.isEmpty() ? null : mean(present), slope);
  }

  /** The plain mean, rounded half up to 0.01. */
  static BigDecimal mean(List<BigDecimal> v) {
    BigDecimal sum = BigDecimal.ZERO;
    for (BigDecimal b : v) {
      sum = sum.add(b);
    }
    return sum.divide(BigDecimal.valueOf(v.size()), 2, RoundingMode.HALF_UP);
  }
}
