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
 * (× realtime on the wall clock and per CPU-second of the ffmpeg/ffprobe children) and size against the WAV, on
 * emulator-written calls of 1 and 10 minutes, for the encode alone, the pipeline as it was (two passes, four
 * ffprobe runs) and {@link Transcoder#process}; then the time to first byte of a Range request on the 10-minute recording through the real
 * server (session check, catalog lookup, access-log insert, sendFile). Prints medians of {@code runs} runs.
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
    System.out.println("| call | step | median wall s | × realtime (wall) | median ffmpeg CPU s"
        + " | × realtime per CPU-second | WAV bytes | Opus bytes | size |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int seconds : new int[] {60, 600}) {
      Path raw = work.resolve("raw-" + seconds);
      Files.createDirectories(raw);
      WavWriter.writeCall(raw.resolve("c.wav"), raw.resolve("c-customer.wav"), raw.resolve("c-agent.wav"), seconds,
          seconds);
      Transcoder.Sources src = Transcoder.Sources.of(raw, "c");
      List<Double> full = new ArrayList<>();
      List<Double> old = new ArrayList<>();
      List<Double> oldCpu = new ArrayList<>();
      List<Double> encode = new ArrayList<>();
      List<Double> fullCpu = new ArrayList<>();
      List<Double> encodeCpu = new ArrayList<>();
      Transcoder.Output out = null;
      for (int i = 0; i < runs; i++) {
        Path dir = work.resolve("out-" + seconds + "-" + i);
        double c0 = childCpuSeconds();
        long t0 = System.nanoTime();
        out = t.process(src, dir, "c", List.of());
        full.add((System.nanoTime() - t0) / 1e9);
        fullCpu.add(childCpuSeconds() - c0);
        c0 = childCpuSeconds();
        t0 = System.nanoTime();
        twoPass(t, src, work.resolve("old-" + seconds + "-" + i));
        old.add((System.nanoTime() - t0) / 1e9);
        oldCpu.add(childCpuSeconds() - c0);
        Path ogg = dir.resolve("again.ogg");
        c0 = childCpuSeconds();
        t0 = System.nanoTime();
        t.encodePlayback(out.original(), ogg);
        encode.add((System.nanoTime() - t0) / 1e9);
        encodeCpu.add(childCpuSeconds() - c0);
      }
      long wav = Files.size(out.original());
      long ogg = Files.size(out.playback());
      double audio = out.originalProbe().durationMs() / 1000.0;
      row(seconds, "Opus encode only", median(encode), median(encodeCpu), audio, wav, ogg);
      row(seconds, "whole pipeline, before*", median(old), median(oldCpu), audio, wav, ogg);
      row(seconds, "whole pipeline**", median(full), median(fullCpu), audio, wav, ogg);
    }
    System.out.println();
    System.out.println("* the pipeline as it was: ffprobe both legs, ffmpeg amerge to the stereo WAV, ffprobe it, ffmpeg"
        + " encode, ffprobe the Opus copy (4 ffprobe + 2 ffmpeg runs).");
    System.out.println("** Transcoder.process: WAV headers read in Java, one ffmpeg run with two outputs (stereo WAV +"
        + " Opus), the Ogg length from its last page in Java (1 ffmpeg run); peaks and checksums not included.");
    System.out.println();
    ttfb(work, runs);
    System.exit(0);
  }

  private static void row(int seconds, String step, double wall, double cpu, double audio, long wav, long ogg) {
    System.out.printf(Locale.ROOT, "| %d min | %s | %.3f | %.0f× | %.2f | %s | %,d | %,d | 1/%.1f |%n", seconds / 60,
        step, wall, audio / wall, cpu, cpu > 0 ? String.format(Locale.ROOT, "%.0f×", audio / cpu) : "n/a", wav, ogg,
        (double) wav / ogg);
  }

  /** The pipeline before: four ffprobe runs and two ffmpeg passes (merge, then encode), for the comparison. */
  static void twoPass(Transcoder t, Transcoder.Sources src, Path dir) throws Exception {
    Files.createDirectories(dir);
    t.ffprobe(src.customer());
    t.ffprobe(src.agent());
    Path wav = dir.resolve("c.wav");
    t.run(List.of("-y", "-v", "error", "-threads", "1", "-i", src.customer().toString(), "-i",
        src.agent().toString(), "-filter_complex", "[0:a][1:a]amerge=inputs=2,aformat=channel_layouts=stereo[a]",
        "-map", "[a]", "-c:a", "pcm_s16le", "-f", "wav", wav.toString()));
    Transcoder.Probe op = t.ffprobe(wav);
    Path ogg = dir.resolve("c.ogg");
    t.encodePlayback(wav, ogg);
    Transcoder.Probe pp = t.ffprobe(ogg);
    if (Math.abs(pp.durationMs() - op.durationMs()) > Transcoder.MAX_DRIFT_MS) {
      throw new IllegalStateException("drift");
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
        "--http.host=127.0.0.1", "--admin.password=" + password, "--pbx.ami-port=0", "--pbx.agi-port=0"), Map.of(),
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
