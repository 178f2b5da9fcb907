package io.huifang.recording;

import io.huifang.app.Config;
import io.huifang.app.ConfigLoader;
import io.huifang.app.Server;
import io.huifang.pbx.emulator.WavWriter;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp target/huifang-bench.jar io.huifang.recording.RecordingBenchmark [runs]}: transcoding throughput
 * (× realtime on the wall clock and per CPU-second: the ffmpeg children's CPU plus this thread's) and size
 * against the WAV, on emulator-written calls of 1 and 10 minutes, for the encode alone and the whole pipeline
 * (transcode, peaks, checksums), with the system's ffmpeg (when it is on the PATH with libopus) and the bundled one
 * interleaved in the same run; then the time to first byte of a Range request on the 10-minute recording through
 * the real server (session check, catalog lookup, access-log insert, sendFile). Prints medians of {@code runs} runs.
 */
public final class RecordingBenchmark {
  private RecordingBenchmark() {
  }

  /** One ffmpeg build and its samples for one call length. */
  private static final class Build {
    final Transcoder t;
    final Sample pipeline = new Sample();
    final Sample encode = new Sample();
    Transcoder.Output out;
    long encodedBytes;

    Build(Transcoder t) {
      this.t = t;
    }

    String name() {
      return t.tools().source() + " " + t.tools().version();
    }
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path work = Files.createTempDirectory("huifang-recbench");
    System.out.printf(Locale.ROOT, "machine: %d cores (%s, %s), load average %.2f; Java %s; %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), cpuModel(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        System.getProperty("java.version"), Instant.now());
    List<Transcoder> transcoders = new ArrayList<>();
    FfmpegLocator.Tools system = FfmpegLocator.locate(work.resolve("cache"), true);
    if ("system".equals(system.source())) {
      transcoders.add(new Transcoder(system));
    } else {
      System.out.println("no system ffmpeg with libopus on the PATH: the bundled build only");
    }
    transcoders.add(new Transcoder(FfmpegLocator.bundled(work.resolve("cache"))));
    for (Transcoder t : transcoders) {
      System.out.println("ffmpeg: " + t.tools().source() + " " + t.tools().version() + " (" + t.tools().ffmpeg()
          + ")");
    }
    System.out.println();
    System.out.println("| call | ffmpeg | step | median wall s | × realtime (wall) | median CPU s, ffmpeg + JVM thread"
        + " (JVM thread) | × realtime per CPU-second | WAV bytes | Opus bytes | size | Opus − WAV duration ms |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    List<String> ratios = new ArrayList<>();
    for (int seconds : new int[] {60, 600}) {
      Path raw = work.resolve("raw-" + seconds);
      Files.createDirectories(raw);
      WavWriter.writeCall(raw.resolve("c.wav"), raw.resolve("c-customer.wav"), raw.resolve("c-agent.wav"), seconds,
          seconds);
      Transcoder.Sources src = Transcoder.Sources.of(raw, "c");
      List<Build> builds = transcoders.stream().map(Build::new).toList();
      // One unmeasured round first: class loading, the JIT and the page cache would count against whichever
      // runs first.
      for (Build b : builds) {
        pipeline(b.t, src, work.resolve("warm-" + b.t.tools().source() + "-" + seconds));
      }
      for (int i = 0; i < runs; i++) {
        // Interleaved, so that whatever else the machine does weighs on both builds alike.
        for (Build b : builds) {
          Path dir = work.resolve(b.t.tools().source() + "-" + seconds + "-" + i);
          b.out = b.pipeline.time(() -> pipeline(b.t, src, dir));
          Path again = dir.resolve("again.ogg");
          b.encode.time(() -> {
            b.t.encodePlayback(b.out.original(), again);
            return null;
          });
          b.encodedBytes = Files.size(again);
        }
      }
      double audio = builds.get(0).out.originalProbe().durationMs() / 1000.0;
      for (Build b : builds) {
        long wav = Files.size(b.out.original());
        long drift = b.out.playbackProbe().durationMs() - b.out.originalProbe().durationMs();
        row(seconds, b.name(), "Opus encode only", b.encode, audio, wav, b.encodedBytes, null);
        row(seconds, b.name(), "**whole pipeline**", b.pipeline, audio, wav, Files.size(b.out.playback()), drift);
      }
      if (builds.size() == 2) {
        Build s = builds.get(0);
        Build b = builds.get(1);
        ratios.add(String.format(Locale.ROOT, "%d min: system ÷ bundled, × realtime per CPU-second: whole pipeline"
            + " %.2f, encode only %.2f; on the wall clock: %.2f and %.2f", seconds / 60,
            b.pipeline.cpu() / s.pipeline.cpu(), b.encode.cpu() / s.encode.cpu(),
            b.pipeline.wall() / s.pipeline.wall(), b.encode.wall() / s.encode.wall()));
      }
    }
    System.out.println();
    ratios.forEach(System.out::println);
    System.out.println();
    System.out.println("whole pipeline = Transcoder.process (stereo original interleaved in Java, ffmpeg only encodes),"
        + " Peaks.compute, SHA-256 of both files (Sidecar.file). CPU = the ffmpeg children's user + system time"
        + " (getrusage of reaped children, /proc/self/stat) + this thread's CPU time (ThreadMXBean).");
    System.out.println();
    ttfb(work, runs);
    FfmpegLocator.deleteTree(work); // a few hundred MB of WAVs and a database
    System.exit(0);
  }

  /** The CPU model from /proc/cpuinfo, or "?". */
  static String cpuModel() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("?");
    } catch (Exception e) {
      return "?";
    }
  }

  /** Wall and CPU seconds of repeated runs of one step. */
  static final class Sample {
    final List<Double> wall = new ArrayList<>();
    final List<Double> cpu = new ArrayList<>();
    final List<Double> jvm = new ArrayList<>();

    <T> T time(Step<T> step) throws Exception {
      java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
      double c0 = childCpuSeconds();
      long j0 = tb.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      T r = step.run();
      wall.add((System.nanoTime() - t0) / 1e9);
      double j = (tb.getCurrentThreadCpuTime() - j0) / 1e9;
      jvm.add(j);
      cpu.add(childCpuSeconds() - c0 + j);
      return r;
    }

    double wall() {
      return median(wall);
    }

    double cpu() {
      return median(cpu);
    }
  }

  interface Step<T> {
    T run() throws Exception;
  }

  private static void row(int seconds, String build, String step, Sample s, double audio, long wav, long ogg,
      Long drift) {
    double wall = s.wall();
    double cpu = s.cpu();
    System.out.printf(Locale.ROOT, "| %d min | %s | %s | %.3f | %.0f× | %.2f (%.2f) | %s | %,d | %,d | 1/%.1f | %s |%n",
        seconds / 60, build, step, wall, audio / wall, cpu, median(s.jvm), cpu > 0 ? String.format(Locale.ROOT, "%.0f×", audio / cpu)
            : "n/a", wav, ogg, (double) wav / ogg, drift == null ? "" : drift.toString());
  }

  /** What the worker does for one recording, up to the sidecar: transcode, peaks, checksums. */
  static Transcoder.Output pipeline(Transcoder t, Transcoder.Sources src, Path dir) throws Exception {
    Transcoder.Output out = t.process(src, dir, "c", List.of());
    Files.writeString(dir.resolve("c.peaks.json"), Peaks.compute(out.original()).encode());
    Sidecar.file("original", out.original(), out.originalProbe());
    Sidecar.file("playback", out.playback(), out.playbackProbe());
    return out;
  }

  /**
   * CPU time (user + system) of the child processes this JVM has reaped, from /proc/self/stat (cutime, cstime, in
   * clock ticks of 1/100 s); 0 where there is no /proc. Counts ffmpeg's and ffprobe's own work, whatever else the
   * machine is doing.
   */
  static double childCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    } catch (Exception e) {
      return 0;
    }
  }

  private static void ttfb(Path work, int runs) throws Exception {
    String password = "bench-admin-password-1";
    Config config = ConfigLoader.load(List.of("--data.dir=" + work.resolve("data"), "--http.port=0",
        "--http.host=127.0.0.1", "--admin.password=" + password, "--pbx.ami-port=0", "--pbx.agi-port=0", "--demo=false"), Map.of(),
        Path.of("").toAbsolutePath());
    Server server = Server.start(config).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
    try {
      RecordingService s = server.recordings();
      Path raw = work.resolve("raw-600");
      // A recording of its own, registered and processed the way an ended call is.
      WavWriter.writeCall(raw.resolve("bench-10min.wav"), raw.resolve("bench-10min-customer.wav"),
          raw.resolve("bench-10min-agent.wav"), 600, 600);
      Instant now = Instant.now();
      s.register("bench-10min", 1L, null, 1L, now, now, now.plusSeconds(600), raw, 30)
          .toCompletionStage().toCompletableFuture().get();
      JsonObject row = s.process("bench-10min").toCompletionStage().toCompletableFuture().get();
      if (!"ready".equals(row.getString("status"))) {
        throw new IllegalStateException("not processed: " + row.encode());
      }
      long size = Sidecar.fileByRole(row, "playback").getLong("bytes");
      String base = "http://127.0.0.1:" + server.httpPort();
      HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
      HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "admin")
              .put("password", password).encode())).header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      if (login.statusCode() != 200) {
        throw new IllegalStateException("login: " + login.statusCode());
      }
      List<Double> first = new ArrayList<>();
      List<Double> middle = new ArrayList<>();
      int n = Math.max(20, runs * 4);
      for (int i = 0; i < n + 3; i++) {
        double a = firstByte(http, base, "bytes=0-65535");
        double b = firstByte(http, base, "bytes=" + size / 2 + "-" + (size / 2 + 65535));
        if (i >= 3) { // the first few warm the JIT and the pool
          first.add(a);
          middle.add(b);
        }
      }
      System.out.printf(Locale.ROOT, "Range request on the 10-minute recording (%,d bytes of Opus), %d requests each:%n",
          size, n);
      System.out.println();
      System.out.println("| range | median ms to first byte | p90 ms |");
      System.out.println("|---|---|---|");
      System.out.printf(Locale.ROOT, "| bytes=0-65535 | %.2f | %.2f |%n", median(first), pct(first, 0.9));
      System.out.printf(Locale.ROOT, "| middle 64 KiB | %.2f | %.2f |%n", median(middle), pct(middle, 0.9));
    } finally {
      server.stop().get(2, TimeUnit.MINUTES);
    }
  }

  private static double firstByte(HttpClient http, String base, String range) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base
        + "/api/recordings/bench-10min/audio")).header("Range", range).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 206 || in.read() < 0) {
        throw new IllegalStateException("range " + range + ": " + r.statusCode());
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      in.readAllBytes();
      return ms;
    }
  }

  static double median(List<Double> v) {
    return pct(v, 0.5);
  }

  static double pct(List<Double> v, double p) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.floor(p * (s.size() - 1) + 0.5)));
  }
}
