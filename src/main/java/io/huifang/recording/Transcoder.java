package io.huifang.recording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.bramp.ffmpeg.FFmpeg;
import net.bramp.ffmpeg.FFprobe;
import net.bramp.ffmpeg.probe.FFmpegProbeResult;
import net.bramp.ffmpeg.probe.FFmpegStream;

/**
 * ffmpeg (through ffmpeg-cli-wrapper) on one recording: checks the MixMonitor files (headers in Java, ffprobe for
 * anything else), builds the stereo original (customer left, agent right) from the two legs (interleaved in Java;
 * ffmpeg's amerge for legs that are not plain 16-bit mono PCM) and encodes the browser copy (Opus in Ogg), or
 * keeps the mixed file when the legs are missing and encodes it. Blocking: run it on a worker.
 */
public final class Transcoder {
  /**
   * Opus settings: speech, 24 kbit/s for both channels, the cheapest encoder effort, 120 ms frames (10 % less
   * CPU than 60 ms, same size and channel separation; playback seeks on Ogg pages anyway). Not lower:
   * at 16 kbit/s libopus folds the two channels into one (customer and agent on both sides); from 20 kbit/s
   * with {@code -application voip} they stay apart (about 19 dB of separation).
   */
  public static final int PLAYBACK_BITRATE = 24_000;
  static final List<String> OPUS_ARGS = List.of("-c:a", "libopus", "-b:a", String.valueOf(PLAYBACK_BITRATE),
      "-application", "voip", "-compression_level", "0", "-frame_duration", "120");
  /** The encoded copy must last as long as the original, within this. */
  static final long MAX_DRIFT_MS = 50;

  /** Why a recording could not be processed; the message is the reason kept in the catalog. */
  public static final class Failure extends Exception {
    public Failure(String message) {
      super(message);
    }

    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What ffprobe says about one audio file. */
  public record Probe(String codec, String container, int sampleRate, int channels, long durationMs, Long bitrate,
                      long bytes) {
  }

  /** The raw MixMonitor files of one attempt. */
  public record Sources(Path mixed, Path customer, Path agent) {
    public static Sources of(Path rawDir, String attemptId) {
      return new Sources(rawDir.resolve(attemptId + ".wav"), rawDir.resolve(attemptId + "-customer.wav"),
          rawDir.resolve(attemptId + "-agent.wav"));
    }

    public List<Path> all() {
      return List.of(mixed, customer, agent);
    }
  }

  /** The archived files. */
  public record Output(Path original, Probe originalProbe, Path playback, Probe playbackProbe, String layout) {
  }

  private final FfmpegLocator.Tools tools;
  private final FFmpeg ffmpeg;
  private final FFprobe ffprobe;

  public Transcoder(FfmpegLocator.Tools tools) throws IOException {
    this.tools = tools;
    this.ffmpeg = tools.newFFmpeg();
    this.ffprobe = tools.newFFprobe();
  }

  public FfmpegLocator.Tools tools() {
    return tools;
  }

  /**
   * What a file that must hold audio of some length holds. A plain PCM WAV (the MixMonitor files, the stereo
   * original) and an Opus-in-Ogg file (the playback copy) are read in Java from their headers (the WAV's fmt and
   * data chunks; the Ogg's OpusHead and last page); anything else, or a header that does not add up (a truncated
   * or damaged file), goes to ffprobe, which gives the reason a corrupt file is refused.
   */
  public Probe probe(Path file) throws Failure {
    long bytes = checkedSize(file);
    Probe p = MediaHeaders.read(file, bytes);
    return p != null ? p : ffprobe(file);
  }

  private static long checkedSize(Path file) throws Failure {
    if (!Files.isRegularFile(file)) {
      throw new Failure("missing: " + file.getFileName());
    }
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new Failure("unreadable: " + file.getFileName() + ": " + e.getMessage(), e);
    }
    if (bytes == 0) {
      throw new Failure("empty: " + file.getFileName() + " has 0 bytes");
    }
    return bytes;
  }

  /** ffprobe on a file that must hold audio of some length. */
  public Probe ffprobe(Path file) throws Failure {
    long bytes = checkedSize(file);
    FFmpegProbeResult r;
    try {
      r = ffprobe.probe(file.toString());
    } catch (IOException | RuntimeException e) {
      throw new Failure("corrupt: ffprobe cannot read " + file.getFileName() + ": " + probeError(file), e);
    }
    if (r.hasError()) {
      throw new Failure("corrupt: ffprobe: " + file.getFileName() + ": " + r.getError().string);
    }
    FFmpegStream audio = r.getStreams() == null ? null : r.getStreams().stream()
        .filter(s -> s.codec_type == FFmpegStream.CodecType.AUDIO).findFirst().orElse(null);
    if (audio == null) {
      throw new Failure("corrupt: " + file.getFileName() + " has no audio stream");
    }
    double seconds = r.getFormat().duration > 0 ? r.getFormat().duration : audio.duration;
    if (!(seconds > 0)) {
      throw new Failure("empty: " + file.getFileName() + " has no audio (duration 0)");
    }
    String container = r.getFormat().format_name == null ? null : r.getFormat().format_name.split(",")[0];
    return new Probe(audio.codec_name, container, audio.sample_rate, audio.channels, Math.round(seconds * 1000),
        audio.bit_rate > 0 ? audio.bit_rate : (r.getFormat().bit_rate > 0 ? r.getFormat().bit_rate : null), bytes);
  }

  /**
   * Builds {@code <base>.wav} (the original) and {@code <base>.ogg} (playback) in {@code dir}: from the two legs,
   * one ffmpeg run with two outputs (the stereo WAV, and the Opus copy with the muted spans silenced); else the
   * mixed file is kept as the original and encoded. Muted spans are silenced in the playback copy here; the
   * original is the evidence and stays as the PBX wrote it (silent there too when the PBX confirmed
   * MixMonitorMute).
   */
  public Output process(Sources src, Path dir, String base, List<long[]> mutedSpansMs) throws Failure {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new Failure("cannot create " + dir + ": " + e.getMessage(), e);
    }
    Path original = dir.resolve(base + ".wav");
    Path originalPart = dir.resolve(base + ".wav.part");
    Path playback = dir.resolve(base + ".ogg");
    Path playbackPart = dir.resolve(base + ".ogg.part");
    String mute = muteFilter(mutedSpansMs);
    String layout = null;
    boolean legs = Files.isRegularFile(src.customer()) && Files.isRegularFile(src.agent());
    Failure legFailure = null;
    if (legs) {
      try {
        Probe c = probe(src.customer());
        Probe a = probe(src.agent());
        if (c.channels() != 1 || a.channels() != 1) {
          throw new Failure("corrupt: legs are not mono (" + c.channels() + "/" + a.channels() + ")");
        }
        if (interleave(src.customer(), src.agent(), originalPart)) {
          // The stereo original written in Java (sample for sample, as amerge would); ffmpeg only encodes it.
          encode(originalPart, mute, playbackPart);
          layout = Sidecar.LAYOUT_STEREO;
        }
      } catch (Failure f) {
        legFailure = f;
      }
    }
    if (legs && layout == null && legFailure == null) {
      try {
        // Legs that are not both plain 16-bit mono PCM WAVs at one rate: ffmpeg merges them.
        // amerge: first input = left = customer (r), second = right = agent (t); then the same stereo signal to
        // both outputs, the playback branch through the mute filter.
        String graph = "[0:a][1:a]amerge=inputs=2,aformat=channel_layouts=stereo,asplit=2[o][p]"
            + (mute != null ? ";[p]" + mute + "[q]" : "");
        List<String> args = new ArrayList<>(List.of("-y", "-v", "error", "-threads", "1", "-i",
            src.customer().toString(), "-threads", "1", "-i", src.agent().toString(), "-filter_complex_threads", "1",
            "-filter_complex", graph, "-map", "[o]", "-c:a", "pcm_s16le", "-f", "wav", originalPart.toString(),
            "-map", mute != null ? "[q]" : "[p]", "-threads", "1"));
        args.addAll(OPUS_ARGS);
        args.addAll(List.of("-f", "ogg", playbackPart.toString()));
        run(args);
        layout = Sidecar.LAYOUT_STEREO;
      } catch (Failure f) {
        legFailure = f;
      }
    }
    if (layout == null) {
      // The mixed file is the fallback: keep it as it is, after checking it is audio, and encode it.
      Probe m;
      try {
        m = probe(src.mixed());
      } catch (Failure f) {
        throw legFailure != null ? new Failure(legFailure.getMessage() + "; mixed: " + f.getMessage(), f) : f;
      }
      try {
        Files.copy(src.mixed(), originalPart, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new Failure("cannot copy " + src.mixed() + ": " + e.getMessage(), e);
      }
      layout = m.channels() == 2 ? Sidecar.LAYOUT_STEREO : Sidecar.LAYOUT_MONO;
      encode(originalPart, mute, playbackPart);
    }
    move(originalPart, original);
    move(playbackPart, playback);
    Probe op = probe(original);
    Probe pp = probe(playback);
    if (Math.abs(pp.durationMs() - op.durationMs()) > MAX_DRIFT_MS) {
      throw new Failure("ffmpeg: playback lasts " + pp.durationMs() + " ms, original " + op.durationMs() + " ms");
    }
    if (pp.channels() != op.channels()) {
      throw new Failure("ffmpeg: playback has " + pp.channels() + " channels, original " + op.channels());
    }
    return new Output(original, op, playback, pp, layout);
  }

  private static void move(Path part, Path to) throws Failure {
    try {
      Files.move(part, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new Failure("cannot move " + part + ": " + e.getMessage(), e);
    }
  }

  /** The playback copy of {@code wav}, the muted spans silenced. */
  private void encode(Path wav, String mute, Path ogg) throws Failure {
    List<String> args = new ArrayList<>(List.of("-y", "-v", "error", "-threads", "1", "-i", wav.toString()));
    if (mute != null) {
      args.addAll(List.of("-af", mute));
    }
    args.addAll(OPUS_ARGS);
    args.addAll(List.of("-f", "ogg", ogg.toString()));
    run(args);
  }

  /** Where the samples of a plain 16-bit mono PCM WAV are: {offset, bytes, rate}; null for anything else. */
  static long[] monoPcm(Path wav) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(wav)) {
      long size = ch.size();
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      if (size < 44 || ch.read(b.clear(), 0) < 8 || b.getInt(0) != 0x46464952 /* RIFF */) {
        return null;
      }
      long pos = 12;
      int rate = 0;
      boolean fmt = false;
      while (pos + 8 <= size) {
        b.clear();
        if (ch.read(b, pos) < 8) {
          return null;
        }
        int id = b.getInt(0);
        long len = Integer.toUnsignedLong(b.getInt(4));
        if (id == 0x20746d66) { // "fmt "
          java.nio.ByteBuffer f = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          if (len < 16 || ch.read(f, pos + 8) < 16) {
            return null;
          }
          if (f.getShort(0) != 1 || f.getShort(2) != 1 || f.getShort(14) != 16) {
            return null;
          }
          rate = f.getInt(4);
          fmt = true;
        } else if (id == 0x61746164) { // "data"
          if (!fmt || rate <= 0 || len == 0 || len == 0xFFFFFFFFL || pos + 8 + len > size) {
            return null;
          }
          return new long[] {pos + 8, len & ~1L, rate};
        }
        pos += 8 + len + (len & 1);
      }
      return null;
    }
  }

  /**
   * Writes the stereo original from the two legs in Java: customer left, agent right, sample for sample, as long
   * as the shorter leg (as ffmpeg's amerge does). About 0.02 CPU-s for a 10-minute call, against about 0.2 for
   * amerge in its own ffmpeg run and 0.5 inside the encoding run (its demuxer, decoder and filter threads and the
   * second output). False when the legs are not both plain 16-bit mono PCM WAVs at the same rate: ffmpeg merges
   * those.
   */
  static boolean interleave(Path customer, Path agent, Path out) throws Failure {
    try {
      long[] c = monoPcm(customer);
      long[] a = monoPcm(agent);
      if (c == null || a == null || c[2] != a[2]) {
        return false;
      }
      long frames = Math.min(c[1], a[1]) / 2;
      long dataBytes = frames * 4;
      if (dataBytes + 36 > 0xFFFFFFFFL) {
        return false;
      }
      int rate = (int) c[2];
      try (java.nio.channels.FileChannel cin = java.nio.channels.FileChannel.open(customer);
           java.nio.channels.FileChannel ain = java.nio.channels.FileChannel.open(agent);
           java.nio.channels.FileChannel o = java.nio.channels.FileChannel.open(out,
               java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
               java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt((int) (36 + dataBytes)).putInt(0x45564157) // RIFF, WAVE
            .putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 2).putInt(rate)
            .putInt(rate * 4).putShort((short) 4).putShort((short) 16)
            .putInt(0x61746164).putInt((int) dataBytes).flip();
        while (h.hasRemaining()) {
          o.write(h);
        }
        int block = 1 << 15; // frames per block
        java.nio.ByteBuffer cb = java.nio.ByteBuffer.allocate(block * 2);
        java.nio.ByteBuffer ab = java.nio.ByteBuffer.allocate(block * 2);
        java.nio.ByteBuffer ob = java.nio.ByteBuffer.allocate(block * 4);
        byte[] cs = cb.array();
        byte[] as = ab.array();
        byte[] os = ob.array();
        for (long done = 0; done < frames; ) {
          int n = (int) Math.min(block, frames - done);
          readFully(cin, cb, c[0] + done * 2, n * 2);
          readFully(ain, ab, a[0] + done * 2, n * 2);
          for (int i = 0, j = 0; i < n * 2; i += 2, j += 4) {
            os[j] = cs[i];
            os[j + 1] = cs[i + 1];
            os[j + 2] = as[i];
            os[j + 3] = as[i + 1];
          }
          ob.clear().limit(n * 4);
          while (ob.hasRemaining()) {
            o.write(ob);
          }
          done += n;
        }
      }
      return true;
    } catch (IOException e) {
      throw new Failure("cannot write the stereo original: " + e.getMessage(), e);
    }
  }

  private static void readFully(java.nio.channels.FileChannel ch, java.nio.ByteBuffer b, long pos, int len)
      throws IOException {
    b.clear().limit(len);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  /** Only the playback encode, for the benchmark. */
  public void encodePlayback(Path wav, Path ogg) throws Failure {
    List<String> args = new ArrayList<>(List.of("-y", "-v", "error", "-threads", "1", "-i", wav.toString()));
    args.addAll(OPUS_ARGS);
    args.addAll(List.of("-f", "ogg", ogg.toString()));
    run(args);
  }

  static String muteFilter(List<long[]> spans) {
    if (spans == null || spans.isEmpty()) {
      return null;
    }
    // The timeline (enable=) is checked per frame: cut the audio into 10 ms frames so the silence starts and ends
    // within 10 ms of the span (the WAV demuxer's frames are up to half a second at 8 kHz).
    StringBuilder sb = new StringBuilder("asetnsamples=n=80:p=0");
    boolean any = false;
    for (long[] s : spans) {
      if (s[1] <= s[0]) {
        continue;
      }
      any = true;
      sb.append(',').append(String.format(Locale.ROOT, "volume=enable='between(t,%.3f,%.3f)':volume=0", s[0] / 1000.0,
          s[1] / 1000.0));
    }
    return any ? sb.toString() : null;
  }

  /** ffprobe's own words about a file it refused (the wrapper only reports the exit status). */
  private String probeError(Path file) {
    try {
      Process p = tools.command(List.of(tools.ffprobe().toString(), "-v", "error", "-hide_banner", file.toString()))
          .redirectErrorStream(true).start();
      String out = utf8(p.getInputStream().readAllBytes());
      p.waitFor();
      return oneLine(out.replace(file.toString(), file.getFileName().toString()));
    } catch (IOException e) {
      return oneLine(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** One ffmpeg run through the wrapper; on failure the reason is ffmpeg's own last lines of diagnostics. */
  void run(List<String> args) throws Failure {
    Path err = null;
    try {
      err = Files.createTempFile("huifang-ffmpeg", ".log");
      FfmpegLocator.STDERR.set(err);
      ffmpeg.run(args);
    } catch (IOException | RuntimeException e) {
      String said = "";
      try {
        if (err != null) {
          List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
          said = String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        }
      } catch (IOException ignored) {
        // keep the wrapper's message
      }
      throw new Failure("ffmpeg failed: " + oneLine(said.isBlank() ? e.getMessage() : said), e);
    } finally {
      FfmpegLocator.STDERR.remove();
      if (err != null) {
        try {
          Files.deleteIfExists(err);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("\\s+", " ").trim();
    return t.length() > 300 ? t.substring(0, 300) : t;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
