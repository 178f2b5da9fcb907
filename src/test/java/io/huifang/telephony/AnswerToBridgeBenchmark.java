package io.huifang.telephony;

import io.huifang.app.Config;
import io.huifang.app.ConfigLoader;
import io.huifang.app.Server;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Telephony benchmark: with N agents on open lines and N customers answering (the emulator's long-talking 6xxx
 * numbers, real time), how long from the customer's answer to the Bridge action leaving the server, and does any
 * answered call wait more than 2 s? Prints a markdown table; medians over runs.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.telephony.AnswerToBridgeBenchmark [calls=1000] [runs=3]
 *     [rate=100]</pre>
 */
public final class AnswerToBridgeBenchmark {
  private AnswerToBridgeBenchmark() {
  }

  record Run(long p50, long p99, long max, long bridged, long abandoned, long waitedOver2s, double seconds) {
  }

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Path dir = Files.createTempDirectory("hf-bench");
    Config config = ConfigLoader.load(List.of("--data.dir=" + dir, "--http.port=0", "--http.host=127.0.0.1",
        "--pbx.ami-port=0", "--pbx.agi-port=0", "--admin.password=benchmark-password"), Map.of(), Path.of(""));
    Server server = Server.start(config).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    List<Run> results = new ArrayList<>();
    try {
      AnsweredCalls.Pbx pbx = server.telephony().pbx("emulator");
      openAgents(pbx.lines(), calls);
      for (int r = 0; r < runs; r++) {
        results.add(run(server, pbx, calls, rate, r));
        System.err.printf("run %d: %s%n", r + 1, results.get(r));
      }
    } finally {
      server.stop().get(2, TimeUnit.MINUTES);
    }
    System.out.println(table(calls, rate, results));
  }

  static void openAgents(AgentLines lines, int n) {
    List<Future<AgentLines.Line>> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(lines.open(100_000L + i, "PJSIP/agent-" + (100_000 + i), Duration.ofSeconds(30)));
      if (batch.size() == 50 || i == n - 1) {
        Future.all(batch).await();
        batch.clear();
      }
    }
    for (int i = 0; i < n; i++) {
      lines.ready(100_000L + i, true);
    }
  }

  static Run run(Server server, AnsweredCalls.Pbx pbx, int calls, int rate, int runNo) throws Exception {
    AnsweredCalls answered = server.telephony().answered();
    answered.answerToBridge().reset();
    long bridgedBefore = (long) answered.stats().get("bridged");
    long abandonedBefore = (long) answered.stats().get("abandoned");
    List<String> ids = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      String id = "bench-" + runNo + "-" + i;
      ids.add(id);
      pbx.tracker().originate(new CallTracker.OriginateRequest(id, 1L, null, null,
          "PJSIP/" + (6000 + i % 1000) + "@huifang-trunk", "huifang-answered", "s", null, Duration.ofSeconds(30),
          false, Map.of()));
      long due = t0 + (long) ((i + 1) * 1e9 / rate);
      long sleep = due - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
    }
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      long done = (long) answered.stats().get("bridged") - bridgedBefore
          + (long) answered.stats().get("abandoned") - abandonedBefore;
      if (done >= calls) {
        break;
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    LatencyRecorder lat = answered.answerToBridge();
    long over = countOver(lat, 2_000_000);
    Run run = new Run(lat.percentile(50), lat.percentile(99), lat.percentile(100),
        (long) answered.stats().get("bridged") - bridgedBefore,
        (long) answered.stats().get("abandoned") - abandonedBefore, over, seconds);
    for (String id : ids) {
      pbx.tracker().hangup(id, true);
    }
    long until = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < until && liveAttempts(pbx) > 0) {
      Thread.sleep(100);
    }
    Thread.sleep(1000);
    return run;
  }

  private static int liveAttempts(AnsweredCalls.Pbx pbx) {
    int[] n = new int[1];
    java.util.concurrent.CountDownLatch l = new java.util.concurrent.CountDownLatch(1);
    pbx.tracker().onContext(() -> {
      n[0] = pbx.tracker().liveAttempts();
      l.countDown();
    });
    try {
      l.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return n[0];
  }

  private static long countOver(LatencyRecorder lat, long micros) {
    // percentile(100) is the max; count by scanning percentiles at 0.1 % resolution
    long over = 0;
    long n = Math.min(lat.count(), 100_000);
    for (int i = 1; i <= 1000; i++) {
      if (lat.percentile(i / 10.0) > micros) {
        over = Math.round(n * (1000 - i + 1) / 1000.0);
        break;
      }
    }
    return over;
  }

  static String table(int calls, int rate, List<Run> runs) {
    long[] p50 = runs.stream().mapToLong(Run::p50).sorted().toArray();
    long[] p99 = runs.stream().mapToLong(Run::p99).sorted().toArray();
    long[] max = runs.stream().mapToLong(Run::max).sorted().toArray();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%n| calls | originate rate | runs | answer→Bridge p50 | p99 | max | bridged | abandoned |"
        + " waited > 2 s |%n"));
    sb.append("|---|---|---|---|---|---|---|---|---|\n");
    sb.append(String.format("| %d | %d/s | %d | %.2f ms | %.2f ms | %.2f ms | %s | %s | %s |%n", calls, rate,
        runs.size(), median(p50) / 1000.0, median(p99) / 1000.0, median(max) / 1000.0,
        Arrays.toString(runs.stream().mapToLong(Run::bridged).toArray()),
        Arrays.toString(runs.stream().mapToLong(Run::abandoned).toArray()),
        Arrays.toString(runs.stream().mapToLong(Run::waitedOver2s).toArray())));
    sb.append("\nper run (µs): ");
    for (Run r : runs) {
      sb.append(String.format("[p50 %d, p99 %d, max %d, %.1f s] ", r.p50(), r.p99(), r.max(), r.seconds()));
    }
    return sb.toString();
  }

  private static double median(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
