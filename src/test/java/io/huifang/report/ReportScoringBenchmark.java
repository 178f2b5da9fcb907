package io.huifang.report;

import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.Outcome;
import io.huifang.report.DealerMonth.Sample;
import io.huifang.report.DealerMonth.VolumeCheck;
import io.huifang.report.ScoringRules.AuditFinding;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.Questionnaire.Item;
import io.huifang.survey.Score;
import io.huifang.survey.Scoring;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Scoring a month: {@code dealers} × {@code samples} successful surveys on the built-in CSI questionnaire with two
 * more scale items ({@link #twentyItems}: 2,000 × 200 × 20 = 8 M answers by default), plus a tenth to a fifth as
 * many error samples per dealer (success rates of 83–91 %), 1 % of the surveys void, 0.5 % falsified, 0.2 %
 * appealed away, as the month workflow will hand them to {@link DealerScoring}: the answers as the JSON objects
 * stored per survey. Each row is timed on the same input in the same run, one warm-up each, then {@code runs}
 * runs; medians shown.
 * <ul>
 * <li>floor: one plain pass over every answer of every sample (sums the numbers in the map under each JSON object):
 * what reading the input costs;</li>
 * <li>naive: {@code survey.Scoring.score} per survey (looks the skip rules and indicator paths up by name, a map
 * of means per survey), then the dealer's averages of those;</li>
 * <li>DealerScoring + Ranking: the whole month: every dealer's score with its deductions, indicators and loyalty,
 * then the ranking table; once on one thread, once with the dealers spread over the common pool.</li>
 * </ul>
 * The input is built before the clock starts; the naive and the DealerScoring raw scores are compared dealer by
 * dealer (the largest difference is printed).
 *
 * <p>{@code java -Xmx3g -cp target/huifang-bench.jar io.huifang.report.ReportScoringBenchmark [dealers] [samples] [runs]}
 */
public final class ReportScoringBenchmark {
  static final YearMonth MONTH = YearMonth.of(2026, 11);

  private ReportScoringBenchmark() {
  }

  /**
   * A plausible submitted survey: almost always the owner and convenient (else the skip rules hide the rest), each
   * scale item 3 % 未调查, 1 % not answered, else 5–10 leaning high; loyalty answers over the five options.
   */
  static JsonObject randomAnswers(Questionnaire q, SplittableRandom r) {
    JsonObject a = new JsonObject();
    for (Item it : q.items()) {
      switch (it.type()) {
        case YESNO -> a.put(it.id(), r.nextInt(100) < 97);
        case CHOICE -> a.put(it.id(), it.options().get(r.nextInt(it.options().size())).id());
        case SCALE10 -> {
          int u = r.nextInt(100);
          if (u < 3) {
            a.put(it.id(), Questionnaire.NOT_SURVEYED);
          } else if (u >= 4) {
            a.put(it.id(), Math.min(10, 5 + r.nextInt(4) + r.nextInt(4)));
          }
        }
        case LOYALTY -> a.put(it.id(), Questionnaire.LOYALTY_OPTIONS.get(Math.min(r.nextInt(7), 4)).id());
        case TEXT -> {
          if (r.nextInt(10) == 0) {
            a.put(it.id(), "服务顾问态度很好");
          }
        }
      }
    }
    return a;
  }

  /**
   * The built-in CSI questionnaire (18 scale items under three-level indicators, the gate owner → convenient → the
   * rest) with two more scale items in its facility section, like the last two: 20 scale items, as the issue asks.
   */
  static Questionnaire twentyItems() {
    JsonObject json = Questionnaire.builtIn(Questionnaire.CSI_DEFAULT).toJson().put("key", "csi-bench");
    for (Object o : json.getJsonArray("sections")) {
      JsonObject section = (JsonObject) o;
      if (section.getString("id").equals("facility")) {
        JsonArray items = section.getJsonArray("items");
        JsonObject f2 = items.getJsonObject(1).copy();
        JsonObject f3 = items.getJsonObject(2).copy();
        items.add(f2.put("id", "f4")).add(f3.put("id", "f5"));
      }
    }
    return Questionnaire.parse(json);
  }

  static List<DealerMonth> month(Questionnaire q, int dealers, int perDealer, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<DealerMonth> out = new ArrayList<>(dealers);
    for (int d = 1; d <= dealers; d++) {
      List<Sample> samples = new ArrayList<>(perDealer + perDealer / 10);
      for (int i = 0; i < perDealer; i++) {
        int flag = r.nextInt(1000);
        samples.add(new Sample((long) d * 100_000 + i, Outcome.SUCCESS, randomAnswers(q, r), flag < 10,
            flag >= 10 && flag < 15, flag >= 15 && flag < 17));
      }
      for (int i = 0; i < perDealer / 10 + r.nextInt(perDealer / 10 + 1); i++) {
        samples.add(Sample.error((long) d * 100_000 + perDealer + i));
      }
      Checks checks = new Checks(d % 50 == 0 ? Set.of(AuditFinding.MISSING_NUMBERS) : Set.of(),
          d % 70 == 0 ? VolumeCheck.NOT_MATCHING : VolumeCheck.MATCHING, d % 90 == 0 ? List.of("plan-" + d) : List.of());
      out.add(new DealerMonth(d, MONTH, samples, d % 3 == 0, checks));
    }
    return out;
  }

  /** The floor: every answer of every sample read once. */
  static double floor(List<DealerMonth> month) {
    double total = 0;
    for (DealerMonth m : month) {
      for (Sample s : m.samples()) {
        // the map under the JSON object: its own iterator wraps every entry, which costs more than scoring
        for (Object v : s.answers().getMap().values()) {
          if (v instanceof Integer i) {
            total += i;
          }
        }
      }
    }
    return total;
  }

  /** The naive month: survey.Scoring per survey, then each dealer's average of averages and indicator means. */
  static Map<Long, Double> naive(Questionnaire q, List<DealerMonth> month) {
    Map<Long, Double> raw = new HashMap<>();
    for (DealerMonth m : month) {
      double sum = 0;
      int n = 0;
      Map<String, double[]> ind = new LinkedHashMap<>();
      for (Sample s : m.samples()) {
        if (s.outcome() != Outcome.SUCCESS || s.voided() || s.falsified() || s.appealedAway()) {
          continue;
        }
        Score sc = Scoring.score(q, s.answers());
        if (sc.isVoid() || sc.raw() == null) {
          continue;
        }
        sum += sc.raw();
        n++;
        sc.indicatorMeans().forEach((id, mean) -> {
          double[] acc = ind.computeIfAbsent(id, k -> new double[2]);
          acc[0] += mean;
          acc[1]++;
        });
      }
      raw.put(m.dealerId(), n == 0 ? null : sum / n);
    }
    return raw;
  }

  static Ranking.Table whole(DealerScoring scoring, List<DealerMonth> month, boolean parallel) {
    List<DealerScore> scores = (parallel ? month.parallelStream() : month.stream()).map(scoring::score).toList();
    List<Ranking.Entry> entries = new ArrayList<>(scores.size());
    for (DealerScore s : scores) {
      entries.add(new Ranking.Entry(s.dealerId(), "r" + s.dealerId() % 7, "g" + s.dealerId() % 13, s.assessment()));
    }
    lastScores = scores;
    return Ranking.rank(MONTH, entries, Map.of());
  }

  static List<DealerScore> lastScores;

  public static void main(String[] args) {
    int dealers = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int perDealer = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Questionnaire q = twentyItems();
    long scaleItems = q.items().stream().filter(i -> i.type() == Questionnaire.Type.SCALE10).count();
    System.out.printf("building %d dealers x %d surveys x %d scale items (%,d answers)%n", dealers, perDealer,
        scaleItems, dealers * (long) perDealer * scaleItems);
    List<DealerMonth> month = month(q, dealers, perDealer, 20261206L);
    long samples = month.stream().mapToLong(m -> m.samples().size()).sum();
    System.gc();
    Runtime rt = Runtime.getRuntime();
    System.out.printf("input on the heap: about %d MiB (max heap %d MiB)%n", (rt.totalMemory() - rt.freeMemory()) >> 20,
        rt.maxMemory() >> 20);
    DealerScoring scoring = new DealerScoring(q, ScoringRules.DEFAULT);
    Map<String, Supplier<Object>> rows = new LinkedHashMap<>();
    rows.put("floor: one pass over the answers", () -> floor(month));
    rows.put("naive: survey.Scoring per survey", () -> naive(q, month));
    rows.put("DealerScoring + Ranking, 1 thread", () -> whole(scoring, month, false));
    rows.put("DealerScoring + Ranking, common pool", () -> whole(scoring, month, true));
    System.out.printf("%d samples; %d cores; common pool parallelism %d%n", samples,
        Runtime.getRuntime().availableProcessors(), java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    Map<String, double[]> times = new LinkedHashMap<>();
    for (var row : rows.entrySet()) {
      row.getValue().get(); // warm-up, not counted
      double[] t = new double[runs];
      for (int i = 0; i < runs; i++) {
        System.gc();
        long t0 = System.nanoTime();
        row.getValue().get();
        t[i] = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s run %d: %.3f s%n", row.getKey(), i + 1, t[i]);
      }
      Arrays.sort(t);
      times.put(row.getKey(), t);
    }
    // the naive and the compiled raw scores agree dealer by dealer
    Map<Long, Double> naive = naive(q, month);
    whole(scoring, month, false);
    double maxDiff = 0;
    for (DealerScore s : lastScores) {
      Double n = naive.get(s.dealerId());
      maxDiff = Math.max(maxDiff, n == null && s.raw() == null ? 0 : Math.abs(n - s.raw()));
    }
    Ranking.Table table = whole(scoring, month, false);
    BigDecimal deducted = lastScores.stream().map(DealerScore::deducted).reduce(BigDecimal.ZERO, BigDecimal::add);
    System.out.printf("largest |naive raw − DealerScoring raw| = %.3g; all-dealer average %s; %d deductions,"
            + " %s points%n", maxDiff, table.all(), lastScores.stream().mapToInt(s -> s.deductions().size()).sum(),
        deducted);
    double base = times.get("naive: survey.Scoring per survey")[runs / 2];
    System.out.println();
    System.out.println("| what | runs | median | min | max | vs naive |");
    System.out.println("|---|---|---|---|---|---|");
    times.forEach((k, t) -> System.out.printf("| %s | %d | %.3f s | %.3f s | %.3f s | %.2f× |%n", k, runs,
        t[runs / 2], t[0], t[runs - 1], base / t[runs / 2]));
  }
}
