package io.huifang.dialer.pacing.sim;

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
import java.util.concurrent.ForkJoinPool;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;

/**
 * Runs the pacer and the baselines through the scenarios of the pacing issue and prints the table; appends it to
 * BENCHMARKS.md with the machine, the command and the seeds.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.dialer.pacing.sim.PacingBenchmark [--quick] [--seeds 1,2,3]
 *     [--only TEXT] [--no-write]</pre>
 */
public final class PacingBenchmark {
  static final double LIMIT = 0.03;
  static final int TUNING_STEPS = 5;

  /** One policy's figures on one scenario: medians over seeds, worst hour the worst over seeds. */
  record Row(String scenario, String policy, SimResult median, double worstHour) {
  }

  private PacingBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    boolean quick = has(args, "--quick");
    long[] seeds = Arrays.stream(option(args, "--seeds", quick ? "101" : "101,202,303").split(","))
        .mapToLong(Long::parseLong).toArray();
    String only = option(args, "--only", "");
    List<Scenario> scenarios = scenarios(quick).stream().filter(s -> s.name().contains(only)).toList();
    long started = System.nanoTime();
    long cpuBefore = cpuNanos();
    ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    List<List<Row>> perScenario = pool.submit(() -> scenarios.parallelStream()
        .map(s -> compare(s, seeds)).toList()).get();
    pool.shutdown();
    List<Row> rows = perScenario.stream().flatMap(List::stream).toList();
    String table = table(rows);
    double wall = (System.nanoTime() - started) / 1e9;
    System.out.println(table);
    System.out.printf(Locale.ROOT, "%d scenarios, seeds %s, %.0f s wall, %.0f s CPU%n", scenarios.size(),
        Arrays.toString(seeds), wall, (cpuNanos() - cpuBefore) / 1e9);
    if (!has(args, "--no-write")) {
      write(args, seeds, scenarios.size(), wall, table);
    }
  }

  static List<Scenario> scenarios(boolean quick) {
    List<Scenario> list = new ArrayList<>();
    int[] agents = {10, 25, 50, 100};
    if (quick) {
      for (int n : new int[] {10, 25, 100}) {
        list.add(Scenario.of(n, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120));
      }
      list.add(Scenario.of(25, new double[] {0.30, 0.10, 0.45}, Scenario.TalkShape.EXPONENTIAL, 120));
      return list;
    }
    for (int n : agents) {
      for (double p : new double[] {0.15, 0.30, 0.55}) {
        for (Scenario.TalkShape shape : Scenario.TalkShape.values()) {
          for (double talk : new double[] {120, 240}) {
            list.add(Scenario.of(n, new double[] {p}, shape, talk));
          }
        }
      }
    }
    for (int n : agents) {
      list.add(Scenario.of(n, new double[] {0.30, 0.10, 0.45}, Scenario.TalkShape.EXPONENTIAL, 120));
    }
    return list;
  }

  /** Every policy on one scenario, baselines tuned on the same seeds. */
  static List<Row> compare(Scenario s, long[] seeds) {
    List<Row> rows = new ArrayList<>();
    rows.add(row(s, "progressive", runAll(s, () -> pacer(DialMode.PROGRESSIVE), seeds)));
    rows.add(tuned(s, "ratio", RatioDialer::new, 0.8, 4.0, seeds));
    rows.add(tuned(s, "adapt", AdaptiveDialer::new, 0.0005, LIMIT, seeds));
    rows.add(row(s, "**huifang predictive**", runAll(s, () -> pacer(DialMode.PREDICTIVE), seeds)));
    return rows;
  }

  /** The server's settings for a campaign with answering-machine detection on, as the scenarios assume. */
  static Pacer pacer(DialMode mode) {
    return new CampaignPacer(PacingSettings.forCampaign(mode, PacingSettings.DEFAULT_TARGET, true),
        OriginateThrottle.unlimited());
  }

  static List<SimResult> runAll(Scenario s, Supplier<Pacer> pacer, long[] seeds) {
    List<SimResult> results = new ArrayList<>();
    for (long seed : seeds) {
      results.add(new Simulation(s, pacer.get(), seed).run());
    }
    return results;
  }

  /**
   * A baseline at its best parameter: the largest value (more aggressive) whose worst hour stays within 3 % on every
   * seed, found by bisection between a safe low value and a high one.
   */
  static Row tuned(Scenario s, String label, DoubleFunction<Pacer> make, double lo, double hi, long[] seeds) {
    List<SimResult> best = runAll(s, () -> make.apply(lo), seeds);
    double bestX = lo;
    if (worst(best) > LIMIT) {
      return row(s, make.apply(lo).name() + " (never ≤3 %)", best);
    }
    double a = lo;
    double b = hi;
    for (int i = 0; i < TUNING_STEPS; i++) {
      double mid = (a + b) / 2;
      List<SimResult> r = runAll(s, () -> make.apply(mid), seeds);
      if (worst(r) <= LIMIT) {
        a = mid;
        if (median(r, SimResult::busyShare) > median(best, SimResult::busyShare)) {
          best = r;
          bestX = mid;
        }
      } else {
        b = mid;
      }
    }
    return row(s, make.apply(bestX).name(), best);
  }

  static double worst(List<SimResult> r) {
    return r.stream().mapToDouble(SimResult::worstHourRate).max().orElse(0);
  }

  static Row row(Scenario s, String policy, List<SimResult> r) {
    SimResult m = new SimResult(median(r, SimResult::busyShare), median(r, SimResult::talkMinutesPerAgentHour),
        median(r, SimResult::abandonRate), median(r, SimResult::worstHourRate),
        median(r, SimResult::dialsPerAgentHour), median(r, SimResult::meanWaitSeconds),
        (long) median(r, x -> x.liveAnswers()), (long) median(r, x -> x.abandons()),
        r.stream().mapToLong(SimResult::hoursOver).sum(), r.stream().mapToLong(SimResult::hourWindows).sum(),
        r.stream().mapToLong(SimResult::ringCuts).sum(), r.stream().mapToLong(SimResult::ringCutAnswers).sum());
    return new Row(s.name(), policy, m, worst(r));
  }

  static double median(List<SimResult> r, java.util.function.ToDoubleFunction<SimResult> f) {
    double[] v = r.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| scenario | policy | busy share | talk min / agent-h | abandoned | worst 1-h (max over seeds) "
        + "| dials / agent-h | mean wait s |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      SimResult m = r.median();
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f %% | %.1f | %.2f %% | %.2f %% | %.1f | %.2f |%n",
          r.scenario(), r.policy(), m.busyShare() * 100, m.talkMinutesPerAgentHour(), m.abandonRate() * 100,
          r.worstHour() * 100, m.dialsPerAgentHour(), m.meanWaitSeconds()));
    }
    return sb.toString();
  }

  private static void write(String[] args, long[] seeds, int scenarios, double wall, String table)
      throws IOException {
    String section = "\n## Predictive pacing: busy share and abandonment, simulated days\n\n"
        + "- Date: " + Instant.now() + "\n"
        + "- Machine: " + machine() + "\n"
        + "- Command: `java -cp " + System.getProperty("java.class.path") + " io.huifang.dialer.pacing.sim.PacingBenchmark "
        + String.join(" ", args) + "` (after `mvn -B -q -Pbench -DskipTests package`); " + scenarios + " scenarios in "
        + String.format(Locale.ROOT, "%.0f", wall) + " s wall\n"
        + "- Seeds: " + Arrays.toString(seeds) + "; each figure is the median over the seeds, the worst 1-hour "
        + "window is the worst over the seeds. Baselines are tuned on the same seeds (bisection, "
        + TUNING_STEPS + " steps) to their highest busy share whose worst hour stays ≤ 3 % on every seed.\n"
        + "- Method: `io.huifang.dialer.pacing.sim.Simulation`, a discrete-event simulation on a virtual clock "
        + "driving the server's own `CampaignPacer` (progressive and predictive) through `PacerView` and the "
        + "pacer's event calls, decision after every event and on a 1 s tick. Customers: a person answers with "
        + "probability p after uniform 6–20 s of ringing, a machine answers 4 % of dials (hung up at once), no "
        + "answer at 25 s; 0.2 % of persons are wrongly hung up on as machines (counted abandoned). Agents: all "
        + "logged in, talk time exponential or lognormal (σ = " + Scenario.LOGNORMAL_SIGMA + ") with the "
        + "mean shown, 10 s wrap-up. A person with no agent within 2 s hears the safe-harbor message: abandoned. "
        + "30 min warm-up, then 8 measured hours; the shifting day splits them in thirds at 30 % → 10 % → 45 %. "
        + "Busy share = (talk + wrap-up) / logged-in time; abandoned = abandoned / live-answered; the worst "
        + "1-hour window slides in 10 s steps over the measured hours; mean wait is from the answer to an agent "
        + "(2 s for the abandoned).\n"
        + "- Baselines: `ratio R` = VICIdial RATIO (lines = R × logged-in agents − live calls); `adapt L` = "
        + "ADAPT_HARD_LIMIT style (dial level moved every 15 s toward no idle agents, pushed down while the day's "
        + "drop rate ≥ L).\n\n" + table;
    Path file = Path.of("BENCHMARKS.md");
    Files.writeString(file, section, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.println("appended to " + file.toAbsolutePath());
  }

  static String machine() {
    String cpu = "?";
    String ram = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
      ram = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .findFirst().map(l -> String.format(Locale.ROOT, "%.1f GiB",
              Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0)).orElse("?");
    } catch (IOException | RuntimeException e) {
      // not Linux: leave the question marks
    }
    return "nproc " + Runtime.getRuntime().availableProcessors() + ", CPU " + cpu + ", RAM " + ram + ", Java "
        + System.getProperty("java.version");
  }

  private static long cpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static boolean has(String[] args, String flag) {
    return Arrays.asList(args).contains(flag);
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
