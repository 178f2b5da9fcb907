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
 * Agents shared across campaigns, pooled against split: two campaigns (CSI first, SSI second), each with its own
 * pacer and abandon target, on the same customers, either each with its own half of the agents ({@link Simulation})
 * or both served by one pool of all of them ({@link PooledSimulation}), every agent skilled for both (blended) or,
 * in the mixed pool, a fifth of them for each campaign only. Held-out seeds; the pacer with the server's settings.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.dialer.pacing.sim.PooledBenchmark [--seeds 3001-3010]
 *     [--halves 10,25] [--threads 2]</pre>
 */
public final class PooledBenchmark {
  private PooledBenchmark() {
  }

  private record Day(double splitBusy, double pooledBusy, double mixedBusy, SimResult[] split, SimResult[] pooled,
                     SimResult[] mixed) {
  }

  public static void main(String[] args) throws Exception {
    long[] seeds = HeldOutBenchmark.seeds(option(args, "--seeds", "3001-3010"));
    ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(option(args, "--threads", "2")));
    long started = System.nanoTime();
    StringBuilder out = new StringBuilder();
    out.append("| campaigns × agents each | split: busy | pooled (blended): busy | pooled (mixed skills): busy "
        + "| worst 1-h split / pooled / mixed (any campaign, any day) | days over 3 % split / pooled / mixed "
        + "| live answers per day, split / pooled |\n|---|---:|---:|---:|---|---|---|\n");
    int[] halves = Arrays.stream(option(args, "--halves", "10,25").split(",")).mapToInt(Integer::parseInt).toArray();
    for (int half : halves) {
      List<Future<Day>> days = new ArrayList<>();
      for (long seed : seeds) {
        days.add(pool.submit(() -> day(half, seed)));
      }
      List<Day> d = new ArrayList<>();
      for (Future<Day> f : days) {
        d.add(f.get());
      }
      out.append(String.format(Locale.ROOT, "| 2 × %d | %.1f %% | %.1f %% | %.1f %% | %.2f / %.2f / %.2f %% "
          + "| %d / %d / %d of %d | %.0f / %.0f |%n", half,
          100 * median(d.stream().mapToDouble(Day::splitBusy).toArray()),
          100 * median(d.stream().mapToDouble(Day::pooledBusy).toArray()),
          100 * median(d.stream().mapToDouble(Day::mixedBusy).toArray()),
          100 * worst(d, Day::split), 100 * worst(d, Day::pooled), 100 * worst(d, Day::mixed),
          over(d, Day::split), over(d, Day::pooled), over(d, Day::mixed), d.size(),
          median(d.stream().mapToDouble(x -> answers(x.split())).toArray()),
          median(d.stream().mapToDouble(x -> answers(x.pooled())).toArray())));
      System.out.print(out);
    }
    pool.shutdown();
    out.append(String.format(Locale.ROOT, "%nheld-out seeds %s, %.0f s wall%n", HeldOutBenchmark.range(seeds),
        (System.nanoTime() - started) / 1e9));
    System.out.print(out);
  }

  static Scenario csi(int agents) {
    return Scenario.of(agents, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120).withAmd(false);
  }

  static CampaignPacer pacer() {
    return new CampaignPacer(PacingSettings.forCampaign(DialMode.PREDICTIVE, PacingSettings.DEFAULT_TARGET, false),
        OriginateThrottle.unlimited());
  }

  static Day day(int half, long seed) {
    Scenario each = csi(half);
    SimResult[] split = new SimResult[2];
    for (int c = 0; c < 2; c++) {
      split[c] = new Simulation(each, pacer(), PooledSimulation.campaignSeed(seed, c)).run();
    }
    boolean[][] blended = new boolean[2 * half][2];
    boolean[][] mixed = new boolean[2 * half][2];
    for (int a = 0; a < 2 * half; a++) {
      blended[a] = new boolean[] {true, true};
      // a fifth of the agents for CSI only, a fifth for SSI only, the rest for both
      int fifth = 2 * half / 5;
      mixed[a] = new boolean[] {a < fifth || a >= 2 * fifth, a >= fifth};
    }
    PooledSimulation.Result pooled = new PooledSimulation(List.of(new PooledSimulation.Campaign(each, pacer(), 0),
        new PooledSimulation.Campaign(each, pacer(), 1)), blended, seed).run();
    PooledSimulation.Result mixedPool = new PooledSimulation(List.of(
        new PooledSimulation.Campaign(each, pacer(), 0), new PooledSimulation.Campaign(each, pacer(), 1)), mixed,
        seed).run();
    return new Day((split[0].busyShare() + split[1].busyShare()) / 2, pooled.poolBusyShare(),
        mixedPool.poolBusyShare(), split, pooled.campaigns().toArray(new SimResult[0]),
        mixedPool.campaigns().toArray(new SimResult[0]));
  }

  private static double worst(List<Day> days, java.util.function.Function<Day, SimResult[]> f) {
    return days.stream().flatMap(d -> Arrays.stream(f.apply(d))).mapToDouble(SimResult::worstHourRate).max()
        .orElse(0);
  }

  private static long over(List<Day> days, java.util.function.Function<Day, SimResult[]> f) {
    return days.stream().filter(d -> Arrays.stream(f.apply(d)).anyMatch(r -> r.worstHourRate() > Simulation.LIMIT))
        .count();
  }

  private static double answers(SimResult[] r) {
    return Arrays.stream(r).mapToLong(SimResult::liveAnswers).sum();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
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
