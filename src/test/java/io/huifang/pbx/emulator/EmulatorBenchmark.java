package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.pbx.ami.AmiParser;
import io.huifang.pbx.ami.AmiWriter;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark: one AMI client on loopback (this project's codec) originates a burst of calls that
 * answer after 1 s and stay up, waits until all are up, holds them, then hangs them all up with one
 * regex Hangup. Measures calls held up concurrently and AMI events per second delivered to the client.
 *
 * <p>Usage: {@code java -cp target/huifang-bench.jar io.huifang.pbx.emulator.EmulatorBenchmark [calls] [runs]
 * [--no-write]}. Appends a section to BENCHMARKS.md unless --no-write.
 */
public final class EmulatorBenchmark {
  private static final String SCENARIO = """
      {"utcOffset": "+08:00", "sounds": {"sim/hello": 0.9},
       "populations": [{"name": "bench", "match": {"regex": "^9\\\\d{6}$"}, "answer": 1.0,
         "ring": 1.0, "talk": 86400, "customerHangsUp": 1.0}]}
      """;

  record Run(int calls, int up, double acceptSeconds, long burstEvents, double setupSeconds, long setupEvents,
      double teardownSeconds, long teardownEvents, int leftOver) {
    double burstRate() {
      return burstEvents / acceptSeconds;
    }

    double setupRate() {
      return setupEvents / setupSeconds;
    }

    double teardownRate() {
      return teardownEvents / teardownSeconds;
    }
  }

  private EmulatorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int calls = 2500;
    int runs = 3;
    boolean write = true;
    List<String> pos = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--no-write")) {
        write = false;
      } else {
        pos.add(a);
      }
    }
    if (!pos.isEmpty()) {
      calls = Integer.parseInt(pos.get(0));
    }
    if (pos.size() > 1) {
      runs = Integer.parseInt(pos.get(1));
    }
    Path dir = Files.createTempDirectory("huifang-bench");
    Path scenario = dir.resolve("bench-scenario.json");
    Files.writeString(scenario, SCENARIO);
    Vertx vertx = Vertx.vertx();
    PbxEmulator emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withAgiUrl(null)
        .withScenario(scenario).withRecordings(dir)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    List<Run> results = new ArrayList<>();
    try {
      // One warm-up run so the JIT has compiled the hot paths, then the measured runs.
      oneRun(emu, Math.min(calls, 500), 0);
      for (int r = 1; r <= runs; r++) {
        Run run = oneRun(emu, calls, r);
        results.add(run);
        System.err.printf(Locale.ROOT, "run %d: %d/%d up, burst %.0f events/s, setup %d events in %.3f s (%.0f/s), teardown %d in %.3f s (%.0f/s)%n",
            r, run.up(), run.calls(), run.burstRate(), run.setupEvents(), run.setupSeconds(), run.setupRate(), run.teardownEvents(),
            run.teardownSeconds(), run.teardownRate());
      }
    } finally {
      emu.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    String table = table(results);
    System.out.println(table);
    if (write) {
      String section = "\n## PBX emulator: concurrent calls and AMI events/s\n\n" + machine()
          + "- Command: `java -cp target/huifang-bench.jar io.huifang.pbx.emulator.EmulatorBenchmark " + calls + " "
          + runs
          + "` (after `mvn -B -q -Pbench -DskipTests package`)\n"
          + "- Method: one AMI client on loopback (io.huifang.pbx.ami codec, one socket, blocking reader thread) logs in"
          + " with all events on, sends " + calls + " async Originates back to back (`Local/9xxxxxx@sim-customers`,"
          + " Application Wait; the scenario answers after 1 s and keeps the call up), waits until every"
          + " OriginateResponse arrived and the emulator reports 2 channels per call, then sends one"
          + " `Hangup` with a regex for all channels and waits until 0 channels remain. Speed 1.0 (real time)."
          + " Burst events/s = events received by the time the last Originate's Response arrived, divided by"
          + " that time (no ring time in it)."
          + " Setup events/s = events received from the first Originate sent to the last OriginateResponse, divided by"
          + " that time (it includes the 1 s ring). Teardown events/s = events received from the Hangup to the last"
          + " Hangup event. One warm-up run of 500 calls is discarded; the median of " + runs + " runs is shown.\n\n"
          + table + "\n";
      Files.writeString(Path.of("BENCHMARKS.md"), section, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      System.err.println("appended to BENCHMARKS.md");
    }
  }

  private static Run oneRun(PbxEmulator emu, int calls, int runNo) throws Exception {
    try (Socket s = new Socket("127.0.0.1", emu.amiPort())) {
      s.setTcpNoDelay(true);
      s.setReceiveBufferSize(1 << 20);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      AtomicLong events = new AtomicLong();
      AtomicLong originateResponses = new AtomicLong();
      AtomicLong answered = new AtomicLong();
      AtomicLong hangups = new AtomicLong();
      AtomicLong lastEventNanos = new AtomicLong();
      AtomicLong responses = new AtomicLong();
      AmiParser parser = new AmiParser(m -> {
        long now = System.nanoTime();
        if (m.isEvent()) {
          events.incrementAndGet();
          lastEventNanos.set(now);
          String ev = m.kind();
          if (ev.equals("OriginateResponse")) {
            originateResponses.incrementAndGet();
            if ("4".equals(m.get("Reason"))) {
              answered.incrementAndGet();
            }
          } else if (ev.equals("Hangup")) {
            hangups.incrementAndGet();
          }
        } else if (m.isResponse()) {
          responses.incrementAndGet();
        }
      }).bannerHandler(b -> { });
      Thread reader = new Thread(() -> {
        byte[] buf = new byte[1 << 16];
        try {
          int n;
          while ((n = in.read(buf)) > 0) {
            parser.handle(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOf(buf, n)));
          }
        } catch (IOException ignored) {
          // closed at the end of the run
        }
      }, "bench-reader");
      reader.setDaemon(true);
      reader.start();
      out.write(AmiWriter.toBytes(AmiMessage.action("Login").add("Username", "dialer").add("Secret", "secret")));
      out.flush();
      waitFor(() -> responses.get() >= 1, 10_000);
      long base = events.get();
      StringBuilder burst = new StringBuilder(calls * 200);
      for (int i = 0; i < calls; i++) {
        AmiWriter.appendTo(burst, AmiMessage.action("Originate").add("ActionID", "b" + runNo + "-" + i)
            .add("Channel", String.format(Locale.ROOT, "Local/9%06d@sim-customers", (runNo * 100_000 + i) % 1_000_000))
            .add("Application", "Wait").add("Data", "86400").add("CallerID", "\"Bench\" <4000>")
            .add("Variable", "HF_ATTEMPT=b" + i).add("Async", "true"));
      }
      long t0 = System.nanoTime();
      out.write(burst.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      try {
        waitFor(() -> responses.get() >= 1 + calls, 60_000);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + ": responses " + responses.get() + ", events " + events.get());
      }
      double accept = (System.nanoTime() - t0) / 1e9;
      long burstEvents = events.get() - base;
      waitFor(() -> originateResponses.get() >= calls, 120_000);
      long setupEnd = lastEventNanos.get();
      double setup = (setupEnd - t0) / 1e9;
      long setupEvents = events.get() - base;
      waitFor(() -> emu.liveChannels() >= 2 * calls, 10_000);
      int up = emu.liveChannels() / 2;
      // Hold the calls for a moment: they must stay up.
      Thread.sleep(500);
      up = Math.min(up, emu.liveChannels() / 2);
      long beforeTeardown = events.get();
      long hangBase = hangups.get();
      long t1 = System.nanoTime();
      out.write(AmiWriter.toBytes(AmiMessage.action("Hangup").add("Channel", "/^Local\\/9/").add("Cause", "16")));
      out.flush();
      waitFor(() -> hangups.get() - hangBase >= 2L * calls, 120_000);
      double teardown = (lastEventNanos.get() - t1) / 1e9;
      long teardownEvents = events.get() - beforeTeardown;
      waitFor(() -> emu.liveChannels() == 0, 10_000);
      out.write(AmiWriter.toBytes(AmiMessage.action("Logoff")));
      out.flush();
      return new Run(calls, up, accept, burstEvents, setup, setupEvents, teardown, teardownEvents, emu.liveChannels());
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier cond, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) {
        throw new IllegalStateException("benchmark condition not reached within " + millis + " ms");
      }
      Thread.sleep(2);
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static String table(List<Run> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append("| metric (median of ").append(runs.size()).append(" runs) | value |\n|---|---|\n");
    sb.append(String.format(Locale.ROOT, "| calls originated per run | %d |%n", runs.get(0).calls()));
    sb.append(String.format(Locale.ROOT, "| calls held up concurrently | %.0f |%n",
        median(runs.stream().map(r -> (double) r.up()).toList())));
    sb.append(String.format(Locale.ROOT, "| all Originates answered \"queued\" in | %.3f s (%.0f originates/s) |%n",
        median(runs.stream().map(Run::acceptSeconds).toList()),
        median(runs.stream().map(r -> r.calls() / r.acceptSeconds()).toList())));
    sb.append(String.format(Locale.ROOT, "| events delivered while the Originates were accepted | %.0f (%.0f events/s) |%n",
        median(runs.stream().map(r -> (double) r.burstEvents()).toList()),
        median(runs.stream().map(Run::burstRate).toList())));
    sb.append(String.format(Locale.ROOT, "| setup: events delivered | %.0f in %.3f s |%n",
        median(runs.stream().map(r -> (double) r.setupEvents()).toList()),
        median(runs.stream().map(Run::setupSeconds).toList())));
    sb.append(String.format(Locale.ROOT, "| setup events/s (includes the 1 s ring) | %.0f |%n",
        median(runs.stream().map(Run::setupRate).toList())));
    sb.append(String.format(Locale.ROOT, "| events per call at setup | %.1f |%n",
        median(runs.stream().map(r -> r.setupEvents() / (double) r.calls()).toList())));
    sb.append(String.format(Locale.ROOT, "| teardown: events delivered | %.0f in %.3f s |%n",
        median(runs.stream().map(r -> (double) r.teardownEvents()).toList()),
        median(runs.stream().map(Run::teardownSeconds).toList())));
    sb.append(String.format(Locale.ROOT, "| teardown events/s (one regex Hangup) | %.0f |%n",
        median(runs.stream().map(Run::teardownRate).toList())));
    sb.append(String.format(Locale.ROOT, "| channels left after each run | %d |%n",
        runs.stream().mapToInt(Run::leftOver).max().orElse(0)));
    return sb.toString();
  }

  private static String machine() {
    String cpu = "unknown";
    long memKb = 0;
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal")) {
          memKb = Long.parseLong(l.replaceAll("\\D+", ""));
          break;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux: leave unknown
    }
    return "- Date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "\n"
        + "- Machine: nproc " + Runtime.getRuntime().availableProcessors() + ", CPU " + cpu + ", RAM "
        + String.format(Locale.ROOT, "%.1f GiB", memKb / 1024.0 / 1024.0) + ", Java "
        + System.getProperty("java.version") + "\n";
  }
}
