package io.huifang.qa;

import io.huifang.qa.Sampler.Call;
import io.huifang.qa.Sampler.Decision;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Drawing a month's QA samples: {@code agents} × {@code callsPerAgent} eligible calls (default 500 × 3,000 = 1.5 M)
 * fed to {@link Sampler} in the order they became eligible (by day), then the month's close. Flags at plausible rates
 * (2 % needs review, 1 % void, 1.5 % complaint, 1 % suspicious, 85 % success, one of four campaigns starting on the
 * 10th so its first two days are sampled whole, agents at the three skill levels). The calls are built before the
 * clock starts; the time is the draw alone. Peak heap: the JVM's heap pools' peak usage during the draw (peaks reset
 * after building the input), which includes the input itself.
 *
 * <p>{@code java -Xmx2g -cp target/huifang-bench.jar io.huifang.qa.SamplerBenchmark [agents] [callsPerAgent] [runs]}
 */
public final class SamplerBenchmark {
  private SamplerBenchmark() {
  }

  static List<Call> month(int agents, int perAgent, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] shares = {0.30, 0.10, 0.05};
    List<Call> calls = new ArrayList<>(agents * perAgent);
    int days = 30;
    // per day, every agent's calls of that day, so that the input comes in the order of the month
    for (int day = 1; day <= days; day++) {
      for (int a = 1; a <= agents; a++) {
        int from = (day - 1) * perAgent / days;
        int to = day * perAgent / days;
        for (int i = from; i < to; i++) {
          int campaign = 1 + r.nextInt(4);
          boolean success = r.nextInt(100) < 85;
          boolean first = campaign == 4 && (day == 10 || day == 11);
          calls.add(new Call("a" + a + "-" + i, a, campaign, day, success, success && r.nextInt(50) == 0,
              success && r.nextInt(100) == 0, success && r.nextInt(200) < 3, r.nextInt(100) == 0, first,
              shares[a % 3], 2));
        }
      }
    }
    return calls;
  }

  public static void main(String[] args) {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int perAgent = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.printf("building %d agents x %d calls%n", agents, perAgent);
    List<Call> calls = month(agents, perAgent, 20261206L);
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    // one warm-up run, not counted
    draw(calls, 1);
    double[] seconds = new double[runs];
    long[] peaks = new long[runs];
    long sampled = 0;
    long topUps = 0;
    for (int i = 0; i < runs; i++) {
      System.gc();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      long t0 = System.nanoTime();
      Sampler s = draw(calls, 1000 + i);
      seconds[i] = (System.nanoTime() - t0) / 1e9;
      peaks[i] = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      sampled = s.decisions().stream().filter(Decision::sampled).count();
      topUps = s.agents().values().stream().mapToLong(a -> a.byReason(Sampler.Reason.QUOTA)).sum();
      long owed = s.agents().values().stream().mapToLong(Sampler.AgentTally::owed).sum();
      System.out.printf("run %d: %.3f s, peak heap %d MiB, sampled %d, quota samples %d, still owed %d%n", i + 1,
          seconds[i], peaks[i] >> 20, sampled, topUps, owed);
    }
    double[] sortedS = seconds.clone();
    Arrays.sort(sortedS);
    long[] sortedP = peaks.clone();
    Arrays.sort(sortedP);
    System.out.printf("calls %d, runs %d: median %.3f s (min %.3f, max %.3f), median peak heap %d MiB"
            + " (max heap %d MiB), calls sampled %d (%.2f %%)%n", calls.size(), runs, sortedS[runs / 2], sortedS[0],
        sortedS[runs - 1], sortedP[runs / 2] >> 20, Runtime.getRuntime().maxMemory() >> 20, sampled,
        100.0 * sampled / calls.size());
  }

  static Sampler draw(List<Call> calls, long seed) {
    Sampler s = new Sampler(seed, 30);
    for (Call c : calls) {
      s.decide(c);
    }
    s.close();
    return s;
  }
}
