package io.huifang.campaign.list;

import java.util.ArrayList;
import java.util.List;

/** Row numbers as a person reads them in a message: "2–5, 9, 12–13" (ascending, at most 20 runs, then "…"). */
final class RowRanges {
  private static final int MAX_RUNS = 20;

  private RowRanges() {
  }

  static String of(List<Integer> rows) {
    List<Integer> sorted = rows.stream().sorted().distinct().toList();
    List<String> runs = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      if (runs.size() == MAX_RUNS) {
        runs.add("…");
        break;
      }
      runs.add(i == j ? String.valueOf(sorted.get(i)) : sorted.get(i) + "–" + sorted.get(j));
      i = j + 1;
    }
    return String.join(", ", runs);
  }
}
