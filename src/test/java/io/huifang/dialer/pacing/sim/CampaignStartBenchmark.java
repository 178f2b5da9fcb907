package io.huifang.dialer.pacing.sim;

import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.DialMode;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.PacingSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The first hour of a campaign, which the 8-hour benchmark leaves out (its half-hour warm-up): every agent logs in
 * at once and the pacer knows nothing yet. The rolling hour that ends m minutes after the start holds just those m
 * minutes, so each of them must be at or under the target too. Prints, per scenario, the median busy share of the
 * first 10, 30 and 60 minutes and the abandonment of the windows from the start (ending every minute from 2 to 60):
 * the worst one over the seeds, and how many are above 3 %.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.dialer.pacing.sim.CampaignStartBenchmark
 *     [--seeds 101,202,303,404,505] [--no-amd-mistakes]</pre>
 *
 * <p>With answering-machine detection mistakes (the default, 0.2 % of persons hung up on as machines, which count
 * as abandons) one such mistake in the first minutes of a small team is itself above 3 %: no pacing avoids it;
 * {@code --no-amd-mistakes} shows what the pacing does.
 */
public final class CampaignStartBenchmark {
  private CampaignStartBenchmark() {
  }

  /** Minutes after the start at which the windows from the start end. */
  static final int FIRST_MINUTE = 2;
  static final int LAST_MINUTE = 60;

  public static void main(String[] args) throws Exception {
    long[] seeds = Arrays.stream(option(args, "--seeds", "101,202,303,404,505").split(","))
        .mapToLong(Long::parseLong).toArray();
    boolean amdMistakes = !Arrays.asList(args).contains("--no-amd-mistakes");
    List<Scenario> scenarios = new ArrayList<>();
    for (int agents : new int[] {10, 25, 50, 100}) {
      scenarios.add(Scenario.of(agents, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120));
    }
    scenarios.add(Scenario.of(25, new double[] {0.15}, Scenario.TalkShape.LOGNORMAL, 120));
    scenarios.add(Scenario.of(50, new double[] {0.30}, Scenario.TalkShape.LOGNORMAL, 120));
    scenarios.add(Scenario.of(100, new double[] {0.55}, Scenario.TalkShape.LOGNORMAL, 240));
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    long started = System.nanoTime();
    List<Future<String>> rows = new ArrayList<>();
    for (Scenario s : scenarios) {
      Scenario run = amdMistakes ? s : s.withoutAmdMistakes();
      rows.add(pool.submit(() -> row(run, seeds)));
    }
    StringBuilder out = new StringBuilder();
    out.append("| scenario | busy, first 10 min | first 30 min | first 60 min | worst window from the start "
        + "(minute, seed) | windows above 3 % |\n|---|---:|---:|---:|---|---:|\n");
    for (Future<String> r : rows) {
      out.append(r.get()).append('\n');
    }
    pool.shutdown();
    out.append(String.format(Locale.ROOT, "%n%d scenarios × seeds %s, %s, windows ending each minute %d–%d: %.0f s%n",
        scenarios.size(), Arrays.toString(seeds), amdMistakes ? "AMD mistakes 0.2 %" : "no AMD mistakes",
        FIRST_MINUTE, LAST_MINUTE, (System.nanoTime() - started) / 1e9));
    System.out.print(out);
  }

  private static String row(Scenario s, long[] seeds) {
    double[][] busy = new double[3][seeds.length];
    double worst = 0;
    int worstMinute = 0;
    long worstSeed = 0;
    int above = 0;
    for (int i = 0; i < seeds.length; i++) {
      for (int m = FIRST_MINUTE; m <= LAST_MINUTE; m++) {
        // the simulation is the same day whatever its length, so a day of m minutes is the day's first m minutes
        SimResult r = new Simulation(s.withMeasured(0, m * 60_000L), pacer(), seeds[i]).run();
        if (r.abandonRate() > worst) {
          worst = r.abandonRate();
          worstMinute = m;
          worstSeed = seeds[i];
        }
        if (r.abandonRate() > 0.03) {
          above++;
        }
        int column = m == 10 ? 0 : m == 30 ? 1 : m == 60 ? 2 : -1;
        if (column >= 0) {
          busy[column][i] = r.busyShare();
        }
      }
    }
    for (double[] b : busy) {
      Arrays.sort(b);
    }
    int mid = seeds.length / 2;
    return String.format(Locale.ROOT, "| %s | %.1f %% | %.1f %% | %.1f %% | %.2f %% (%d, %d) | %d of %d |", s.name(),
        100 * busy[0][mid], 100 * busy[1][mid], 100 * busy[2][mid], 100 * worst, worstMinute, worstSeed, above,
        seeds.length * (LAST_MINUTE - FIRST_MINUTE + 1));
  }

  /** The pacer as the 8-hour benchmark runs it. */
  private static CampaignPacer pacer() {
    return new CampaignPacer(PacingSettings.forCampaign(DialMode.PREDICTIVE, PacingSettings.DEFAULT_TARGET, true),
        OriginateThrottle.unlimited());
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
