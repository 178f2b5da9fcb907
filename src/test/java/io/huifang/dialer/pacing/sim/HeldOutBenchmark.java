package io.huifang.dialer.pacing.sim;

import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.DialMode;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.Pacer;
import io.huifang.dialer.pacing.PacingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;

/**
 * Scores every policy on held-out days. The baselines are tuned (bisection to their highest busy share whose worst
 * hour stays ≤ 3 % on every tuning day) on the tuning seeds only; then progressive, the tuned baselines and the
 * server's pacer run on the held-out seeds, none of which any tuning saw. The pacer runs with the settings the
 * server builds for a campaign ({@link PacingSettings#forCampaign}): predictive, target 3 %, and the campaign's
 * answering-machine detection (off by default: machines reach agents and count as live answers; {@code --amd on}:
 * machines hung up on, 0.2 % of persons wrongly, {@link PacingSettings#AMD_ALLOWANCE} kept).
 *
 * <p>Per policy and scenario: median busy share and abandonment over the held-out days, the worst rolling hour of
 * any day, the days whose worst hour is above 3 %, the share of rolling hours (ending every 10 s) above 3 %, and for
 * each day over, its seed and how many minutes of rolling-hour ends were above.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.dialer.pacing.sim.HeldOutBenchmark [--amd on|off]
 *     [--seeds 3001-3030] [--tune-seeds 7777,8888,9999,1001-1007] [--only TEXT] [--threads 2]
 *     [--margins z,share,reserve,pace,surgeSeconds[,bursts 0|1[,deficitZ[,sharedZ[,ringCutZ]]]]] [--ring-cut on] [--pacer-only] [--trace] [--no-write]</pre>
 *
 * <p>{@code --trace} prints for each of the pacer's days the minutes of its worst rolling hour: dials, answers,
 * abandons (safe-harbor and AMD mistakes apart) and what the pacer believed (its plan, calibration, its own hour).
 */
public final class HeldOutBenchmark {
  static final double LIMIT = Simulation.LIMIT;

  private HeldOutBenchmark() {
  }

  /** One policy on one scenario over the held-out days. */
  record Scored(String scenario, String policy, List<SimResult> days, long[] seeds) {
    double median(java.util.function.ToDoubleFunction<SimResult> f) {
      return PacingBenchmark.median(days, f);
    }

    long daysOver() {
      return days.stream().filter(d -> d.worstHourRate() > LIMIT).count();
    }

    double hoursOverShare() {
      long over = days.stream().mapToLong(SimResult::hoursOver).sum();
      long all = days.stream().mapToLong(SimResult::hourWindows).sum();
      return all == 0 ? 0 : (double) over / all;
    }

    /** Would-be answers the ring cut ended, per would-be answer. */
    double cutShare() {
      long cut = days.stream().mapToLong(SimResult::ringCutAnswers).sum();
      long answered = days.stream().mapToLong(SimResult::liveAnswers).sum();
      return cut + answered == 0 ? 0 : (double) cut / (cut + answered);
    }

    double worst() {
      return days.stream().mapToDouble(SimResult::worstHourRate).max().orElse(0);
    }

    /** "seed: minutes over (worst %)" for each day over the limit. */
    String violations() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < days.size(); i++) {
        SimResult d = days.get(i);
        if (d.worstHourRate() > LIMIT) {
          sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %.1f min (%.2f %%)",
              seeds[i], d.hoursOver() / 6.0, 100 * d.worstHourRate()));
        }
      }
      return sb.length() == 0 ? "none" : sb.toString();
    }
  }

  public static void main(String[] args) throws Exception {
    long[] seeds = seeds(option(args, "--seeds", "3001-3030"));
    long[] tuneSeeds = seeds(option(args, "--tune-seeds", "7777,8888,9999,1001-1007"));
    for (long s : seeds) {
      if (Arrays.stream(tuneSeeds).anyMatch(t -> t == s)) {
        throw new IllegalArgumentException("seed " + s + " is both a tuning and a held-out seed");
      }
    }
    boolean amd = option(args, "--amd", "off").equals("on");
    CampaignPacer.Margins margins = margins(option(args, "--margins", ""));
    boolean pacerOnly = Arrays.asList(args).contains("--pacer-only");
    String only = option(args, "--only", "");
    int threads = Integer.parseInt(option(args, "--threads", "2"));
    boolean trace = Arrays.asList(args).contains("--trace");
    List<Scenario> scenarios = scenarios().stream()
        .filter(s -> only.isEmpty() || Arrays.stream(only.split("\\|")).anyMatch(s.name()::contains))
        .map(s -> s.withAmd(amd)).toList();
    // every simulated day is one task on the day pool (tuning days included), so that the threads stay busy to the
    // end; the baselines' chains (tune, then score) only wait, on threads of their own
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ExecutorService chains = Executors.newCachedThreadPool();
    long started = System.nanoTime();
    PacingSettings settings = PacingSettings.forCampaign(DialMode.PREDICTIVE, PacingSettings.DEFAULT_TARGET, amd)
        .withRingCut(option(args, "--ring-cut", "off").equals("on"));
    List<Future<List<Scored>>> baselines = new ArrayList<>();
    List<List<Future<SimResult>>> pacerDays = new ArrayList<>();
    for (Scenario s : scenarios) {
      baselines.add(chains.submit(() -> pacerOnly ? List.<Scored>of()
          : baselines(s, settings, seeds, tuneSeeds, pool)));
      pacerDays.add(new ArrayList<>());
    }
    // the pacer's days seed by seed across the scenarios: a run cut short has the same days of every scenario
    for (long seed : seeds) {
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario s = scenarios.get(i);
        pacerDays.get(i).add(pool.submit(() -> {
          Simulation sim = new Simulation(s, new CampaignPacer(settings, OriginateThrottle.unlimited(),
              new AbandonStats(), margins), seed);
          Simulation.Trace t = trace ? sim.trace() : null;
          SimResult r = sim.run();
          if (t != null) {
            printTrace(s, seed, t);
          }
          // a line per day as it ends, with what the table needs, so that a run cut short can still be scored
          System.out.printf(Locale.ROOT, "day %s seed %d: busy %.2f %%, abandoned %.3f %%, worst hour %.2f %%, "
                  + "hours over %d of %d, live answers %d, cut %d%n", s.name(), seed, 100 * r.busyShare(),
              100 * r.abandonRate(), 100 * r.worstHourRate(), r.hoursOver(), r.hourWindows(), r.liveAnswers(),
              r.ringCutAnswers());
          return r;
        }));
      }
    }
    String name = (margins.equals(CampaignPacer.Margins.DEFAULT) ? "**huifang predictive**"
        : "huifang predictive " + margins) + (settings.ringCut() ? ", ring cut" : "");
    List<Scored> rows = new ArrayList<>();
    for (int i = 0; i < scenarios.size(); i++) {
      rows.addAll(baselines.get(i).get());
      List<SimResult> days = new ArrayList<>();
      for (Future<SimResult> d : pacerDays.get(i)) {
        days.add(d.get());
      }
      rows.add(new Scored(scenarios.get(i).name(), name, days, seeds));
    }
    pool.shutdown();
    chains.shutdown();
    double wall = (System.nanoTime() - started) / 1e9;
    String table = table(rows);
    System.out.println(table);
    System.out.printf(Locale.ROOT, "settings %s, margins %s; %d held-out days %s, tuning days %s; %.0f s wall%n",
        settings, margins, seeds.length, range(seeds), range(tuneSeeds), wall);
    if (!Arrays.asList(args).contains("--no-write")) {
      write(args, settings, margins, seeds, tuneSeeds, wall, table);
    }
  }

  /**
   * {@code --trace}: the minutes of the day's worst rolling hour (by minute ends), and ten before it, with what the
   * pacer believed at each minute's start.
   */
  static void printTrace(Scenario s, long seed, Simulation.Trace t) {
    int first = (int) (s.warmUpMillis() / 60_000);
    int last = (int) ((s.warmUpMillis() + s.measuredMillis()) / 60_000);
    int end = t.worstHourEnd(first, last);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "trace %s seed %d: worst hour by minute ends %d–%d (minutes of the day, "
        + "measured from %d)%n", s.name(), seed, end - 60, end, first));
    sb.append("min | dials | answers | safe-harbor | amd | hour so far: answers, abandons, rate | pacer's hour: "
        + "answers, abandons | planned | calibration | learned p | ringing | free\n");
    long a = 0;
    long d = 0;
    for (int m = Math.max(0, end - 70); m < Math.min(end + 5, t.dials.length); m++) {
      if (m >= end - 60 && m < end) {
        a += t.answers[m];
        d += t.safeHarbors[m] + t.amdAbandons[m];
      }
      sb.append(String.format(Locale.ROOT, "%d | %d | %d | %d | %d | %d, %d, %.2f %% | %d, %d | %.4f | %.2f | %.3f "
              + "| %d | %d%n", m, t.dials[m], t.answers[m], t.safeHarbors[m], t.amdAbandons[m], a, d,
          a == 0 ? 0 : 100.0 * d / a, t.pacerHourAnswers[m], t.pacerHourAbandons[m], t.planned[m],
          t.calibration[m], t.learnedRate[m], t.ringing[m], t.free[m]));
    }
    System.out.print(sb);
  }

  /** The audit's scenarios: 10, 25 and 100 agents at 30 % answering, and the shifting days of 25 and 100 agents. */
  static List<Scenario> scenarios() {
    List<Scenario> list = new ArrayList<>();
    // the cheapest first: a run cut short has its small teams whole
    list.add(Scenario.of(10, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120));
    list.add(Scenario.of(25, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120));
    list.add(Scenario.of(25, new double[] {0.30, 0.10, 0.45}, Scenario.TalkShape.EXPONENTIAL, 120));
    list.add(Scenario.of(100, new double[] {0.30, 0.10, 0.45}, Scenario.TalkShape.EXPONENTIAL, 120));
    list.add(Scenario.of(100, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120));
    return list;
  }

  /** Progressive and the baselines, tuned on the tuning days, on the held-out days; each day a task on days. */
  static List<Scored> baselines(Scenario s, PacingSettings settings, long[] seeds, long[] tuneSeeds,
                                ExecutorService days) throws Exception {
    List<Scored> rows = new ArrayList<>();
    rows.add(run(s, "progressive", () -> new CampaignPacer(settings.withMode(DialMode.PROGRESSIVE),
        OriginateThrottle.unlimited()), seeds, days));
    double ratio = tune(s, RatioDialer::new, 0.8, 4.0, tuneSeeds, days);
    rows.add(run(s, new RatioDialer(ratio).name(), () -> new RatioDialer(ratio), seeds, days));
    double limit = tune(s, AdaptiveDialer::new, 0.0005, LIMIT, tuneSeeds, days);
    rows.add(run(s, new AdaptiveDialer(limit).name(), () -> new AdaptiveDialer(limit), seeds, days));
    System.out.print("baselines\n" + table(rows));
    return rows;
  }

  static Scored run(Scenario s, String policy, Supplier<Pacer> pacer, long[] seeds, ExecutorService days)
      throws Exception {
    return new Scored(s.name(), policy, runAll(s, pacer, seeds, days), seeds);
  }

  /** Each seed's day a task of its own on days; the results in the seeds' order. */
  static List<SimResult> runAll(Scenario s, Supplier<Pacer> pacer, long[] seeds, ExecutorService days)
      throws Exception {
    List<Future<SimResult>> running = new ArrayList<>();
    for (long seed : seeds) {
      Pacer p = pacer.get();
      running.add(days.submit(() -> new Simulation(s, p, seed).run()));
    }
    List<SimResult> results = new ArrayList<>();
    for (Future<SimResult> r : running) {
      results.add(r.get());
    }
    return results;
  }

  /** The most aggressive parameter whose worst hour stays ≤ 3 % on every tuning day (lo if none does). */
  static double tune(Scenario s, DoubleFunction<Pacer> make, double lo, double hi, long[] tuneSeeds,
                     ExecutorService days) throws Exception {
    double a = lo;
    double b = hi;
    for (int i = 0; i < PacingBenchmark.TUNING_STEPS + 2; i++) {
      double mid = (a + b) / 2;
      List<SimResult> r = runAll(s, () -> make.apply(mid), tuneSeeds, days);
      double worst = PacingBenchmark.worst(r);
      System.out.printf(Locale.ROOT, "tune %s %s: worst hour %.2f %%%n", s.name(), make.apply(mid).name(),
          100 * worst);
      if (worst <= LIMIT) {
        a = mid;
      } else {
        b = mid;
      }
    }
    return a;
  }

  static String table(List<Scored> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| scenario | policy | busy share | abandoned | worst 1-h (any day) | days over 3 % "
        + "| rolling hours over 3 % | would-be answers cut | days over: seed, minutes of hour-ends over (worst) |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Scored r : rows) {
      sb.append(String.format(Locale.ROOT,
          "| %s | %s | %.1f %% | %.2f %% | %.2f %% | %d / %d | %.3f %% | %.2f %% | %s |%n",
          r.scenario(), r.policy(), 100 * r.median(SimResult::busyShare), 100 * r.median(SimResult::abandonRate),
          100 * r.worst(), r.daysOver(), r.days().size(), 100 * r.hoursOverShare(), 100 * r.cutShare(),
          r.violations()));
    }
    return sb.toString();
  }

  private static void write(String[] args, PacingSettings settings, CampaignPacer.Margins margins, long[] seeds,
                            long[] tuneSeeds, double wall, String table) throws IOException {
    String section = "\n## Predictive pacing on held-out days\n\n"
        + "- Date: " + Instant.now() + "\n"
        + "- Machine: " + PacingBenchmark.machine() + " (shared with other jobs; `nice`)\n"
        + "- Command: `java -cp target/huifang-bench.jar io.huifang.dialer.pacing.sim.HeldOutBenchmark "
        + String.join(" ", args) + "`, " + String.format(Locale.ROOT, "%.0f", wall) + " s wall\n"
        + "- The server's settings for the campaign (`PacingSettings.forCampaign`): " + settings + "; margins "
        + margins + ".\n"
        + "- Baselines tuned on the tuning days " + range(tuneSeeds) + " only; every policy scored on the "
        + seeds.length + " held-out days " + range(seeds) + ". Busy share and abandoned are medians over the "
        + "held-out days; rolling hours end every 10 s over the 8 measured hours.\n\n" + table;
    Files.writeString(Path.of("BENCHMARKS.md"), section, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static CampaignPacer.Margins margins(String spec) {
    if (spec.isEmpty()) {
      return CampaignPacer.Margins.DEFAULT;
    }
    double[] v = Arrays.stream(spec.split(",")).mapToDouble(Double::parseDouble).toArray();
    CampaignPacer.Margins d = CampaignPacer.Margins.DEFAULT;
    return new CampaignPacer.Margins(v[0], v[1], v[2], v[3], v[4], d.surgeAnswerRate(),
        v.length > 5 ? v[5] != 0 : d.surgeCountsBursts(), v.length > 6 ? v[6] : d.surgeDeficitZ(),
        v.length > 7 ? v[7] : d.sharedBudgetZ(), v.length > 8 ? v[8] : d.ringCutBudgetZ());
  }

  /** "3001-3030" or "7777,1001-1007". */
  static long[] seeds(String spec) {
    List<Long> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      int dash = part.indexOf('-');
      if (dash > 0) {
        for (long s = Long.parseLong(part.substring(0, dash)); s <= Long.parseLong(part.substring(dash + 1)); s++) {
          out.add(s);
        }
      } else {
        out.add(Long.parseLong(part));
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  static String range(long[] seeds) {
    return seeds.length > 4 ? seeds[0] + "…" + seeds[seeds.length - 1] + " (" + seeds.length + ")"
        : Arrays.toString(seeds);
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
