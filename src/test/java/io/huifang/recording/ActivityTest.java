package io.huifang.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The voice activity per leg, on synthetic PCM: speech-like bursts over line noise, silence, a talkative leg. */
class ActivityTest {
  static final int RATE = 8000;

  /** A leg of {@code ms} with speech-like bursts (a voiced tone with harmonics, in syllables) over line noise. */
  static short[] leg(long ms, long[][] bursts, double f0, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[(int) (ms * RATE / 1000)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (r.nextDouble() - 0.5) * 2 * noise;
    }
    for (long[] b : bursts) {
      double from = b[0] / 1000.0;
      for (int i = (int) (b[0] * RATE / 1000); i < Math.min(v.length, b[1] * RATE / 1000); i++) {
        double t = (double) i / RATE;
        double syl = Math.pow(Math.abs(Math.sin(Math.PI * 4.2 * (t - from))), 0.6);
        double x = 0;
        for (int h = 1; h <= 8; h++) {
          x += Math.sin(2 * Math.PI * f0 * h * t) / h;
        }
        v[i] += 5000 * x * syl;
      }
    }
    short[] s = new short[v.length];
    for (int i = 0; i < v.length; i++) {
      s[i] = (short) Math.max(-32768, Math.min(32767, Math.round(v[i])));
    }
    return s;
  }

  @Test
  void burstsAreSpeechAndTheGapsBetweenThemSilence() {
    long[][] customer = {{1000, 3000}, {5000, 6500}, {12000, 14000}};
    long[][] agent = {{2500, 4500}, {7000, 11000}};
    JsonObject a = Activity.ofSamples(leg(15000, customer, 120, 30, 1), leg(15000, agent, 210, 30, 2), RATE);
    JsonObject c = a.getJsonObject("customer");
    JsonObject g = a.getJsonObject("agent");
    assertSpans(customer, c.getJsonArray("spans"));
    assertSpans(agent, g.getJsonArray("spans"));
    assertEquals(5.5 / 15, c.getDouble("speechShare"), 0.03, c.encode());
    assertEquals(6.0 / 15, g.getDouble("speechShare"), 0.03, g.encode());
    assertEquals(5500, c.getLong("longestSilenceMs"), 150, "6.5 s to 12 s");
    assertEquals(4000, g.getLong("longestSilenceMs"), 150, "11 s to the end at 15 s");
    assertEquals(500, a.getLong("overtalkMs"), 150, "both talk from 2.5 s to 3 s");
  }

  @Test
  void aLegWithOnlyLineNoiseOrDigitalSilenceHasNoSpeech() {
    long[][] agent = {{500, 9000}};
    for (double noise : new double[] {0, 30, 600}) {
      JsonObject a = Activity.ofSamples(leg(10000, new long[0][], 120, noise, 3), leg(10000, agent, 210, 30, 4), RATE);
      JsonObject c = a.getJsonObject("customer");
      assertTrue(c.getDouble("speechShare") < 0.02, "noise " + noise + ": " + c.encode());
      assertEquals(10000, c.getLong("longestSilenceMs"), 100);
      assertEquals(0, a.getLong("overtalkMs"));
      assertTrue(a.getJsonObject("agent").getDouble("speechShare") > 0.8, a.encode());
    }
  }

  @Test
  void digitalSilenceInAMutedSpanDoesNotMakeTheLineNoiseSpeech() {
    // 2 s of zeros (a pause for a card number) out of 10: the noise floor stays the line's, not the zeros'
    long[][] agent = {{1000, 3000}};
    short[] c = leg(10000, new long[][] {{4000, 6000}}, 120, 30, 10);
    short[] g = leg(10000, agent, 210, 30, 11);
    java.util.Arrays.fill(c, 7 * RATE, 9 * RATE, (short) 0);
    java.util.Arrays.fill(g, 7 * RATE, 9 * RATE, (short) 0);
    JsonObject a = Activity.ofSamples(c, g, RATE);
    assertSpans(new long[][] {{4000, 6000}}, a.getJsonObject("customer").getJsonArray("spans"));
    assertSpans(agent, a.getJsonObject("agent").getJsonArray("spans"));
    assertEquals(0, a.getLong("overtalkMs"));
  }

  @Test
  void aLegThatTalksAlmostAllTheTimeIsStillSpeech() {
    // the 10th-percentile floor alone would sit in the speech; the cap keeps it below
    long[][] talk = {{0, 19_500}};
    JsonObject a = Activity.ofSamples(leg(20000, talk, 150, 30, 5), leg(20000, new long[][] {{100, 600}}, 210, 30, 6),
        RATE);
    assertTrue(a.getJsonObject("customer").getDouble("speechShare") > 0.9, a.encode());
  }

  @Test
  void spansAreBoundedForTheChoppiestLeg() {
    // 1,000 bursts of 150 ms, 350 ms apart: more than MAX_SPANS; the closest are joined
    long[][] bursts = new long[1000][];
    for (int i = 0; i < bursts.length; i++) {
      bursts[i] = new long[] {i * 500L, i * 500L + 150};
    }
    JsonObject a = Activity.ofSamples(leg(500_000L, bursts, 150, 30, 7), new short[0], RATE);
    assertTrue(a.getJsonObject("customer").getJsonArray("spans").size() <= Activity.MAX_SPANS, a.getJsonObject(
        "customer").getJsonArray("spans").size() + " spans");
  }

  @Test
  void theWavFileGivesWhatItsSamplesGiveAndMonoHasNone(@TempDir Path dir) throws Exception {
    short[] c = leg(6000, new long[][] {{500, 2500}}, 120, 30, 8);
    short[] g = leg(6000, new long[][] {{2000, 5000}}, 210, 30, 9);
    short[] stereo = new short[c.length * 2];
    for (int i = 0; i < c.length; i++) {
      stereo[2 * i] = c[i];
      stereo[2 * i + 1] = g[i];
    }
    Path wav = dir.resolve("s.wav");
    Files.write(wav, PeaksTest.wav(stereo, 2));
    assertEquals(Activity.ofSamples(c, g, RATE), Activity.compute(wav));
    Path mono = dir.resolve("m.wav");
    Files.write(mono, PeaksTest.wav(c, 1));
    assertNull(Activity.compute(mono));
  }

  private static void assertSpans(long[][] expected, JsonArray got) {
    assertEquals(expected.length, got.size(), got.encode());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i][0], got.getJsonArray(i).getLong(0), 80, got.encode());
      assertEquals(expected[i][1], got.getJsonArray(i).getLong(1), 80, got.encode());
    }
  }
}
