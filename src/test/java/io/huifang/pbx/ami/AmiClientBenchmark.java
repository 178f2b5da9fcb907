package io.huifang.pbx.ami;

import io.huifang.pbx.emulator.EmulatorOptions;
import io.huifang.pbx.emulator.PbxEmulator;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;

/**
 * Why Huifang has its own AMI client: both clients are logged in to the same emulator at the same time and
 * receive the same event stream of a burst of calls; how soon does each one have all the events, and how long from
 * an event being written by the PBX to the client's handler running? Prints a markdown table (medians of runs).
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.pbx.ami.AmiClientBenchmark [calls=1500] [runs=5]</pre>
 */
public final class AmiClientBenchmark {
  private AmiClientBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Vertx vertx = Vertx.vertx();
    PbxEmulator emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0)
        .withRecordings(Files.createTempDirectory("hf-amibench"))).await();
    AtomicLong ours = new AtomicLong();
    AtomicLong theirs = new AtomicLong();
    AtomicLong oursLast = new AtomicLong();
    AtomicLong theirsLast = new AtomicLong();
    AmiClient client = new AmiClient(vertx, AmiClient.Options.of("bench", "127.0.0.1", emu.amiPort(), "dialer",
        "secret"));
    client.onEvent(e -> {
      ours.incrementAndGet();
      oursLast.set(System.nanoTime());
    });
    client.start();
    client.connected().await(10, TimeUnit.SECONDS);
    ManagerConnection aj = new ManagerConnectionFactory("127.0.0.1", emu.amiPort(), "dialer", "secret")
        .createManagerConnection();
    aj.addEventListener(e -> {
      theirs.incrementAndGet();
      theirsLast.set(System.nanoTime());
    });
    aj.login();
    List<double[]> results = new ArrayList<>();
    for (int r = 0; r < runs + 1; r++) {
      ours.set(0);
      theirs.set(0);
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        client.send(AmiMessage.action("Originate").add("Channel", "Local/" + (9_000_000 + i) + "@sim-customers")
            .add("Application", "Wait").add("Data", "2").add("Async", "true"));
      }
      // Wait until both counts stop moving for 1 s.
      long lastO = -1;
      long lastT = -1;
      while (true) {
        Thread.sleep(1000);
        long o = ours.get();
        long t = theirs.get();
        if (o == lastO && t == lastT && emu.liveChannels() == 0) {
          break;
        }
        lastO = o;
        lastT = t;
      }
      double oursSec = (oursLast.get() - t0) / 1e9;
      double theirsSec = (theirsLast.get() - t0) / 1e9;
      if (r > 0) { // the first run warms up both JITs
        results.add(new double[] {ours.get(), oursSec, theirs.get(), theirsSec});
      }
      System.err.printf("run %d: ours %d events, last at %.3f s; asterisk-java %d events, last at %.3f s%n", r,
          ours.get(), oursSec, theirs.get(), theirsSec);
    }
    aj.logoff();
    client.close().await();
    emu.close().await();
    vertx.close().await();
    double[] oursRate = results.stream().mapToDouble(x -> x[0] / x[1]).sorted().toArray();
    double[] theirsRate = results.stream().mapToDouble(x -> x[2] / x[3]).sorted().toArray();
    double[] oursEvents = results.stream().mapToDouble(x -> x[0]).sorted().toArray();
    double[] theirsEvents = results.stream().mapToDouble(x -> x[2]).sorted().toArray();
    double[] oursLastSec = results.stream().mapToDouble(x -> x[1]).sorted().toArray();
    double[] theirsLastSec = results.stream().mapToDouble(x -> x[3]).sorted().toArray();
    System.out.printf("%n| client | events received (median) | last event after | events/s | ratio |%n");
    System.out.println("|---|---|---|---|---|");
    System.out.printf("| Huifang AmiClient (Vert.x) | %.0f | %.3f s | %.0f | %.2f× |%n", median(oursEvents),
        median(oursLastSec), median(oursRate), median(oursRate) / median(theirsRate));
    System.out.printf("| asterisk-java ManagerConnection | %.0f | %.3f s | %.0f | 1.00× |%n", median(theirsEvents),
        median(theirsLastSec), median(theirsRate));
    System.out.printf("%n%d calls per run (Local/…, Wait 2 s), %d runs after one warm-up; both clients connected"
        + " at once to the same emulator.%n", calls, runs);
    System.exit(0);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
