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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The transcoder alone, with real ffmpeg, on files written by the emulator's WAV writer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscoderIT {
  Path dir;
  FfmpegLocator.Tools tools;
  Transcoder transcoder;

  @BeforeAll
  void tools(@TempDir Path tmp) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse("unit".equals(System.getProperty("huifang.test.phase")),
        "an integration test: runs in the integration-test phase");
    dir = tmp;
    tools = FfmpegLocator.locate(tmp.resolve("cache"), true);
    transcoder = new Transcoder(tools);
  }

  @Test
  void legsMakeAStereoOriginalAndAnOpusCopyOfTheSameLength() throws Exception {
    Path raw = dir.resolve("raw1");
    WavWriter.writeCall(raw.resolve("a.wav"), raw.resolve("a-customer.wav"), raw.resolve("a-agent.wav"), 42.3, 7);
    Transcoder.Output out = transcoder.process(Transcoder.Sources.of(raw, "a"), dir.resolve("out1"), "a", List.of());
    assertEquals(Sidecar.LAYOUT_STEREO, out.layout());
    assertEquals(2, out.originalProbe().channels());
    assertEquals(8000, out.originalProbe().sampleRate());
    assertEquals("opus", out.playbackProbe().codec());
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
  }

  @Test
  void withoutLegsTheMixedFileIsKept() throws Exception {
    Path raw = dir.resolve("raw2");
    WavWriter.writeCall(raw.resolve("b.wav"), raw.resolve("b-customer.wav"), raw.resolve("b-agent.wav"), 5, 8);
    Files.delete(raw.resolve("b-agent.wav"));
    Transcoder.Output out = transcoder.process(Transcoder.Sources.of(raw, "b"), dir.resolve("out2"), "b", List.of());
    assertEquals(Sidecar.LAYOUT_MONO, out.layout());
    assertEquals(1, out.playbackProbe().channels());
    assertTrue(Files.exists(raw.resolve("b.wav")), "the transcoder never removes the PBX's files");
  }

  @Test
  void ffmpegFailingGivesItsOwnReasonAndLeavesTheSourcesAlone() throws Exception {
    Path raw = dir.resolve("raw3");
    WavWriter.writeCall(raw.resolve("c.wav"), raw.resolve("c-customer.wav"), raw.resolve("c-agent.wav"), 3, 9);
    byte[] before = Files.readAllBytes(raw.resolve("c-customer.wav"));
    // An ffmpeg that answers -version (the wrapper checks it) but fails every conversion, as with a full disk.
    Path fake = dir.resolve("failing-ffmpeg");
    Files.writeString(fake, "#!/bin/sh\ncase \"$*\" in *-version*) exec '" + tools.ffmpeg() + "' \"$@\";; esac\n"
        + "echo 'Error writing trailer: No space left on device (simulated)' >&2\nexit 1\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Transcoder failing = new Transcoder(new FfmpegLocator.Tools(fake, tools.ffprobe(), tools.env(), "test",
        tools.version()));
    Transcoder.Failure f = assertThrows(Transcoder.Failure.class, () -> failing.process(
        Transcoder.Sources.of(raw, "c"), dir.resolve("out3"), "c", List.of()));
    assertTrue(f.getMessage().contains("No space left on device (simulated)"), f.getMessage());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(raw.resolve("c-customer.wav"))));
  }

  @Test
  void aDamagedWavHeaderGoesToFfprobeForTheReason() throws Exception {
    Path raw = dir.resolve("raw4");
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
