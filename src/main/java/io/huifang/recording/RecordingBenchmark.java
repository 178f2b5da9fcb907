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
 * {@code java -cp target/huifang.jar io.huifang.recording.RecordingBenchmark [runs]}: transcoding throughput
 * (× realtime on the wall clock and per CPU-second: the ffmpeg children's CPU plus this thread's) and size
 * against the WAV, on emulator-written calls of 1 and 10 minutes, for the encode alone and the whole pipeline
 * (transcode, peaks, checksums), each as at commit 210ce3d and as now, interleaved in the same run; then the time
 * to first byte of a Range request on the 10-minute recording through the real server (session check, catalog lookup, access-log insert, sendFile). Prints medians of {@code runs} runs.
 */
public final class RecordingBenchmark {
  private RecordingBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path work = Files.createTempDirectory("huifang-recbench");
    System.out.printf(Locale.ROOT, "machine: %d cores (%s), load average %.2f; %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Instant.now());
    Transcoder t = new Transcoder(FfmpegLocator.locate(work.resolve("cache"), true));
    System.out.println("ffmpeg: " + t.tools().source() + " " + t.tools().version() + " (" + t.tools().ffmpeg() + ")");
    System.out.println();
    System.out.println("| call | step | median wall s | × realtime (wall) | median CPU s, ffmpeg + JVM thread (JVM thread)"
        + " | × realtime per CPU-second | WAV bytes | Opus bytes | size | Opus − WAV duration ms |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (int seconds : new int[] {60, 600}) {
      Path raw = work.resolve("raw-" + seconds);
      Files.createDirectories(raw);
      WavWriter.writeCall(raw.resolve("c.wav"), raw.resolve("c-customer.wav"), raw.resolve("c-agent.wav"), seconds,
          seconds);
      Transcoder.Sources src = Transcoder.Sources.of(raw, "c");
      Sample before = new Sample();
      Sample after = new Sample();
      Sample encode = new Sample();
      Transcoder.Output out = null;
      Transcoder.Output outBefore = null;
      // One unmeasured round first: class loading and the JIT would count against whichever runs first.
      pipelineBefore(t, src, work.resolve("warm-b-" + seconds));
      pipeline(t, src, work.resolve("warm-a-" + seconds));
      for (int i = 0; i < runs; i++) {
        // Interleaved, so that whatever else the machine does weighs on both alike.
        Path dirB = work.resolve("before-" + seconds + "-" + i);
        Path dirA = work.resolve("after-" + seconds + "-" + i);
        outBefore = before.time(() -> pipelineBefore(t, src, dirB));
        out = after.time(() -> pipeline(t, src, dirA));
        Path wav = dirA.resolve("c.wav");
        encode.time(() -> {
          t.encodePlayback(wav, dirA.resolve("again.ogg"));
          return null;
        });
      }
      long wav = Files.size(out.original());
      double audio = out.originalProbe().durationMs() / 1000.0;
      long drift = out.playbackProbe().durationMs() - out.originalProbe().durationMs();
      long driftBefore = outBefore.playbackProbe().durationMs() - outBefore.originalProbe().durationMs();
      row(seconds, "Opus encode only", encode, audio, wav, Files.size(out.playback()), null);
      row(seconds, "whole pipeline, before*", before, audio, wav, Files.size(outBefore.playback()), driftBefore);
      row(seconds, "**whole pipeline****", after, audio, wav, Files.size(out.playback()), drift);
      System.out.printf(Locale.ROOT, "%d min: whole pipeline CPU, before ÷ after = %.2f%n", seconds / 60,
          before.cpu() / after.cpu());
    }
    System.out.println();
    System.out.println("* the pipeline at commit 210ce3d: WAV headers in Java, one ffmpeg run (amerge → stereo WAV +"
        + " Opus), peaks read sample by sample, SHA-256 of both files.");
    System.out.println("** Transcoder.process now (stereo original interleaved in Java, ffmpeg only encodes), Peaks.compute from byte blocks, SHA-256"
        + " of both files (Sidecar.file). CPU = the ffmpeg children's user + system time (getrusage of reaped children, /proc/self/stat) + this thread's CPU time (ThreadMXBean).");
    System.out.println();
    ttfb(work, runs);
    System.exit(0);
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

  private static void row(int seconds, String step, Sample s, double audio, long wav, long ogg, Long drift) {
    double wall = s.wall();
    double cpu = s.cpu();
    System.out.printf(Locale.ROOT, "| %d min | %s | %.3f | %.0f× | %.2f (%.2f) | %s | %,d | %,d | 1/%.1f | %s |%n",
        seconds / 60, step, wall, audio / wall, cpu, median(s.jvm), cpu > 0 ? String.format(Locale.ROOT, "%.0f×", audio / cpu)
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

  /** The same at commit 210ce3d, for the comparison in the same run. */
  static Transcoder.Output pipelineBefore(Transcoder t, Transcoder.Sources src, Path dir) throws Exception {
    Files.createDirectories(dir);
    t.probe(src.customer());
    t.probe(src.agent());
    Path wav = dir.resolve("c.wav");
    Path ogg = dir.resolve("c.ogg");
    t.run(List.of("-y", "-v", "error", "-threads", "1", "-i", src.customer().toString(), "-threads", "1", "-i",
        src.agent().toString(), "-filter_complex_threads", "1", "-filter_complex",
        "[0:a][1:a]amerge=inputs=2,aformat=channel_layouts=stereo,asplit=2[o][p]", "-map", "[o]", "-c:a",
        "pcm_s16le", "-f", "wav", wav.toString(), "-map", "[p]", "-threads", "1", "-c:a", "libopus", "-b:a", "24000",
        "-application", "voip", "-compression_level", "0", "-frame_duration", "120", "-f", "ogg", ogg.toString()));
    Transcoder.Probe op = t.probe(wav);
    Transcoder.Probe pp = t.probe(ogg);
    Files.writeString(dir.resolve("c.peaks.json"), peaksBefore(wav).encode());
    Sidecar.file("original", wav, op);
    Sidecar.file("playback", ogg, pp);
    return new Transcoder.Output(wav, op, ogg, pp, Sidecar.LAYOUT_STEREO);
  }

  /**
   * Peaks as computed at commit 210ce3d (one DataInputStream read per byte), for the 16-bit stereo WAV the merge
   * writes.
   */
  static io.vertx.core.json.JsonObject peaksBefore(Path wav) throws Exception {
    try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
        Files.newInputStream(wav), 1 << 16))) {
      byte[] head = new byte[4096];
      int n;
      try (InputStream h = Files.newInputStream(wav)) {
        n = h.readNBytes(head, 0, head.length);
      }
      int at = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("data", 12);
      in.skipNBytes(at + 8L);
      long frames = java.nio.ByteBuffer.wrap(head, at + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() / 4;
      io.vertx.core.json.JsonArray data = new io.vertx.core.json.JsonArray();
      int[] min = new int[2];
      int[] max = new int[2];
      int inPixel = 0;
      long pixels = 0;
      for (long f = 0; f < frames; f++) {
        if (inPixel == 0) {
          for (int c = 0; c < 2; c++) {
            min[c] = Integer.MAX_VALUE;
            max[c] = Integer.MIN_VALUE;
          }
        }
        for (int c = 0; c < 2; c++) {
          int a = in.read();
          int b = in.read();
          int s = (short) (a | (b << 8));
          min[c] = Math.min(min[c], s);
          max[c] = Math.max(max[c], s);
        }
        if (++inPixel == Peaks.SAMPLES_PER_PIXEL || f == frames - 1) {
          for (int c = 0; c < 2; c++) {
            data.add(min[c] >> 8).add(max[c] >> 8);
          }
          inPixel = 0;
          pixels++;
        }
      }
      return new io.vertx.core.json.JsonObject().put("version", 2).put("channels", 2).put("sample_rate", 8000)
          .put("samples_per_pixel", Peaks.SAMPLES_PER_PIXEL).put("bits", 8).put("length", pixels).put("data", data);
    }
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
