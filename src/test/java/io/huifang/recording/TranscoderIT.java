package io.huifang.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.emulator.WavWriter;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The transcoder alone, with real ffmpeg, on files written by the emulator's WAV writer: every test with the bundled
 * build (always, so the fallback stays covered on machines that prefer the system's) and with the system's ffmpeg
 * when it is on the PATH with libopus (skipped otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscoderIT {
  /** The two ffmpeg builds {@link FfmpegLocator} can choose. */
  enum Build {
    BUNDLED, SYSTEM
  }

  Path dir;
  final Map<Build, Transcoder> transcoders = new EnumMap<>(Build.class);

  @BeforeAll
  void tools(@TempDir Path tmp) throws Exception {
    Assumptions.assumeFalse("unit".equals(System.getProperty("huifang.test.phase")),
        "an integration test: runs in the integration-test phase");
    dir = tmp;
  }

  /** The transcoder on {@code build}; for the system's, an assumption that there is one. */
  Transcoder transcoder(Build build) throws Exception {
    Transcoder t = transcoders.get(build);
    if (t == null) {
      Path cache = dir.resolve("cache");
      FfmpegLocator.Tools tools = build == Build.BUNDLED ? FfmpegLocator.bundled(cache)
          : FfmpegLocator.locate(cache, true);
      t = new Transcoder(tools);
      transcoders.put(build, t);
    }
    if (build == Build.SYSTEM) {
      Assumptions.assumeTrue("system".equals(t.tools().source()), "no system ffmpeg with libopus on the PATH");
    } else {
      assertEquals("bundled", t.tools().source());
    }
    return t;
  }

  /** A directory of its own for one test on one build. */
  Path dir(String name, Build build) {
    return dir.resolve(name + "-" + build.name().toLowerCase(java.util.Locale.ROOT));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Build.class)
  void legsMakeAStereoOriginalAndAnOpusCopyOfTheSameLength(Build build) throws Exception {
    Transcoder transcoder = transcoder(build);
    Path raw = dir("raw1", build);
    WavWriter.writeCall(raw.resolve("a.wav"), raw.resolve("a-customer.wav"), raw.resolve("a-agent.wav"), 42.3, 7);
    Transcoder.Output out = transcoder.process(Transcoder.Sources.of(raw, "a"), dir("out1", build), "a", List.of());
    assertEquals(Sidecar.LAYOUT_STEREO, out.layout());
    assertEquals(2, out.originalProbe().channels());
    assertEquals(8000, out.originalProbe().sampleRate());
    assertEquals("opus", out.playbackProbe().codec());
    assertEquals(2, out.playbackProbe().channels());
    assertEquals(42_300, out.originalProbe().durationMs(), 50);
    assertEquals(out.originalProbe().durationMs(), out.playbackProbe().durationMs(), 50);
    assertTrue(out.playbackProbe().bytes() * 8 <= out.originalProbe().bytes());
    // The headers read in Java say what ffprobe says.
    Transcoder.Probe wav = transcoder.ffprobe(out.original());
    assertEquals(wav.codec(), out.originalProbe().codec());
    assertEquals(wav.container(), out.originalProbe().container());
    assertEquals(wav.sampleRate(), out.originalProbe().sampleRate());
    assertEquals(wav.channels(), out.originalProbe().channels());
    assertEquals(wav.durationMs(), out.originalProbe().durationMs(), 1);
    assertEquals(wav.bitrate(), out.originalProbe().bitrate());
    Transcoder.Probe ogg = transcoder.ffprobe(out.playback());
    assertEquals(ogg.codec(), out.playbackProbe().codec());
    assertEquals(ogg.container(), out.playbackProbe().container());
    assertEquals(ogg.sampleRate(), out.playbackProbe().sampleRate());
    assertEquals(ogg.channels(), out.playbackProbe().channels());
    assertEquals(ogg.durationMs(), out.playbackProbe().durationMs(), 10);
    assertEquals(ogg.bytes(), out.playbackProbe().bytes());
    JsonObject peaks = Peaks.compute(out.original());
    assertEquals(2, peaks.getInteger("channels"));
    assertEquals((long) Math.ceil(42.3 * 8000 / Peaks.SAMPLES_PER_PIXEL), peaks.getLong("length"));
    assertEquals(peaks.getLong("length") * 4, peaks.getJsonArray("data").size());
    // The legs stay apart in the Opus copy: where only one side speaks, the other channel stays near the line
    // noise (about 53 dB below with either build; at 16 kbit/s libopus folds both into each channel, 0 dB).
    double[] separation = separationDb(transcoder, out.original(), out.playback());
    assertTrue(separation[0] >= 30 && separation[1] >= 30, "customer " + separation[0] + " dB, agent "
        + separation[1] + " dB");
  }

  /**
   * How far below the speaking side the other channel of the decoded Opus copy stays, in dB, over the 100 ms
   * windows where only the customer (left) or only the agent (right) speaks in the original: {customer, agent}.
   */
  static double[] separationDb(Transcoder t, Path wav, Path ogg) throws Exception {
    short[] original = pcm(t, wav);
    short[] decoded = pcm(t, ogg);
    assertEquals(original.length, decoded.length, "decoded samples");
    int w = 800;
    double[][] sums = new double[2][2]; // [customer-only, agent-only][speaking channel, other channel]
    for (int start = 0; start + 2 * w <= original.length; start += 2 * w) {
      double[] o = energy(original, start, w);
      double[] d = energy(decoded, start, w);
      for (int side = 0; side < 2; side++) {
        if (o[side] > 300 * 300 && o[1 - side] < 50 * 50) {
          sums[side][0] += d[side];
          sums[side][1] += d[1 - side];
        }
      }
    }
    assertTrue(sums[0][0] > 0 && sums[1][0] > 0, "no window with only one side speaking");
    return new double[] {10 * Math.log10(sums[0][0] / sums[0][1]), 10 * Math.log10(sums[1][0] / sums[1][1])};
  }

  /** Mean square of each channel of {@code frames} interleaved stereo frames from {@code start}. */
  private static double[] energy(short[] s, int start, int frames) {
    double[] e = new double[2];
    for (int i = 0; i < frames; i++) {
      e[0] += (double) s[start + 2 * i] * s[start + 2 * i];
      e[1] += (double) s[start + 2 * i + 1] * s[start + 2 * i + 1];
    }
    e[0] /= frames;
    e[1] /= frames;
    return e;
  }

  /** A file decoded by the build's own ffmpeg to interleaved 16-bit stereo at 8 kHz. */
  private static short[] pcm(Transcoder t, Path file) throws Exception {
    FfmpegLocator.Tools tools = t.tools();
    Process p = tools.command(List.of(tools.ffmpeg().toString(), "-v", "error", "-i", file.toString(), "-f",
        "s16le", "-ac", "2", "-ar", "8000", "-")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] b = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), "ffmpeg decoding " + file.getFileName());
    short[] s = new short[b.length / 2];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
    return s;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Build.class)
  void withoutLegsTheMixedFileIsKept(Build build) throws Exception {
    Transcoder transcoder = transcoder(build);
    Path raw = dir("raw2", build);
    WavWriter.writeCall(raw.resolve("b.wav"), raw.resolve("b-customer.wav"), raw.resolve("b-agent.wav"), 5, 8);
    Files.delete(raw.resolve("b-agent.wav"));
    Transcoder.Output out = transcoder.process(Transcoder.Sources.of(raw, "b"), dir("out2", build), "b", List.of());
    assertEquals(Sidecar.LAYOUT_MONO, out.layout());
    assertEquals(1, out.playbackProbe().channels());
    assertEquals(out.originalProbe().durationMs(), out.playbackProbe().durationMs(), 50);
    assertTrue(Files.exists(raw.resolve("b.wav")), "the transcoder never removes the PBX's files");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Build.class)
  void ffmpegFailingGivesItsOwnReasonAndLeavesTheSourcesAlone(Build build) throws Exception {
    FfmpegLocator.Tools tools = transcoder(build).tools();
    Path raw = dir("raw3", build);
    WavWriter.writeCall(raw.resolve("c.wav"), raw.resolve("c-customer.wav"), raw.resolve("c-agent.wav"), 3, 9);
    byte[] before = Files.readAllBytes(raw.resolve("c-customer.wav"));
    // An ffmpeg that answers -version (the wrapper checks it) but fails every conversion, as with a full disk.
    Path fake = dir("failing-ffmpeg", build);
    Files.writeString(fake, "#!/bin/sh\ncase \"$*\" in *-version*) exec '" + tools.ffmpeg() + "' \"$@\";; esac\n"
        + "echo 'Error writing trailer: No space left on device (simulated)' >&2\nexit 1\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Transcoder failing = new Transcoder(new FfmpegLocator.Tools(fake, tools.ffprobe(), tools.env(), "test",
        tools.version()));
    Transcoder.Failure f = assertThrows(Transcoder.Failure.class, () -> failing.process(
        Transcoder.Sources.of(raw, "c"), dir("out3", build), "c", List.of()));
    assertTrue(f.getMessage().contains("No space left on device (simulated)"), f.getMessage());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(raw.resolve("c-customer.wav"))));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Build.class)
  void aDamagedWavHeaderGoesToFfprobeForTheReason(Build build) throws Exception {
    Transcoder transcoder = transcoder(build);
    Path raw = dir("raw4", build);
    WavWriter.writeCall(raw.resolve("d.wav"), raw.resolve("d-customer.wav"), raw.resolve("d-agent.wav"), 2, 10);
    byte[] full = Files.readAllBytes(raw.resolve("d.wav"));
    // Cut inside the fmt chunk: no data chunk at all.
    Path cut = raw.resolve("cut.wav");
    Files.write(cut, java.util.Arrays.copyOf(full, 30));
    Transcoder.Failure f = assertThrows(Transcoder.Failure.class, () -> transcoder.probe(cut));
    assertTrue(f.getMessage().startsWith("corrupt") || f.getMessage().startsWith("empty"), f.getMessage());
    // Truncated audio (the header promises 2 s): not taken from the header, ffprobe measures what is there.
    Path truncated = raw.resolve("truncated.wav");
    Files.write(truncated, java.util.Arrays.copyOf(full, 44 + 8000));
    Transcoder.Probe p = transcoder.probe(truncated);
    assertEquals(transcoder.ffprobe(truncated), p);
    // A plain header is read in Java and agrees with ffprobe.
    assertEquals(transcoder.ffprobe(raw.resolve("d.wav")), transcoder.probe(raw.resolve("d.wav")));
  }

  @Test
  void mutedSpansBecomeOneFilterChain() {
    assertNull(Transcoder.muteFilter(List.of()));
    assertNull(Transcoder.muteFilter(List.of(new long[] {500, 500})));
    assertEquals("asetnsamples=n=80:p=0,volume=enable='between(t,1.250,2.000)':volume=0,"
        + "volume=enable='between(t,10.000,12.500)':volume=0",
        Transcoder.muteFilter(List.of(new long[] {1250, 2000}, new long[] {10_000, 12_500})));
  }
}
