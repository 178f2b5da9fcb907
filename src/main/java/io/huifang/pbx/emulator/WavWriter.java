package io.huifang.pbx.emulator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes MixMonitor-like recordings: 8 kHz, 16-bit PCM WAV. The audio is synthetic but plausible
 * speech: voiced syllables with a pitch and formant-like harmonics, in turns. The customer speaks
 * with a low pitch (~120 Hz), the agent with a high one (~210 Hz), so the two are easy to tell apart
 * by ear or by a pitch tracker, and they sit on separate channels when a stereo file is asked for.
 */
public final class WavWriter {
  public static final int RATE = 8000;

  /** Who speaks when, in seconds from the start of the recording. */
  record Turn(boolean customer, double start, double end) {}

  private WavWriter() {}

  /** Builds a conversation: "Hello?" first, then, once bridged, alternating agent/customer turns. */
  static List<Turn> conversation(double duration, double bridgedAt, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Turn> turns = new ArrayList<>();
    turns.add(new Turn(true, 0.05, Math.min(duration, 0.95)));
    if (bridgedAt < 0) {
      // Not connected to an agent: the "agent" side carries the announcement played to the customer.
      if (duration > 1.3) {
        turns.add(new Turn(false, 1.2, Math.min(duration, 1.2 + 4.0)));
      }
      return turns;
    }
    double t = Math.max(bridgedAt + 0.3, 1.0);
    boolean agent = true;
    while (t < duration) {
      double len = agent ? 1.5 + rng.nextDouble() * 3.5 : 0.8 + rng.nextDouble() * 3.0;
      turns.add(new Turn(!agent, t, Math.min(duration, t + len)));
      t += len + 0.25 + rng.nextDouble() * 0.6;
      agent = !agent;
    }
    return turns;
  }

  /**
   * Writes one file. {@code channels} 2 = customer left, agent right; 1 = the selected tracks mixed.
   */
  static void write(Path file, double duration, List<Turn> turns, boolean withCustomer, boolean withAgent,
      int channels, long seed) throws IOException {
    write(file, duration, turns, withCustomer, withAgent, channels, seed, List.of(), List.of());
  }

  /**
   * As above, with the spans (seconds from the start, in order) where the customer's direction (read) or the
   * agent's (write) is muted: those samples are digital silence, line noise included, as a muted audiohook gives.
   */
  static void write(Path file, double duration, List<Turn> turns, boolean withCustomer, boolean withAgent,
      int channels, long seed, List<double[]> customerMuted, List<double[]> agentMuted) throws IOException {
    int n = (int) Math.max(0, Math.round(duration * RATE));
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Voice cust = new Voice(118, seed ^ 0x5DEECE66DL);
    Voice agent = new Voice(212, seed ^ 0xB5AD4ECEDA1CE2A9L);
    SplittableRandom noise = new SplittableRandom(seed);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      writeHeader(out, n, channels);
      int ti = 0;
      int cmi = 0;
      int ami = 0;
      byte[] buf = new byte[4096];
      int bi = 0;
      for (int i = 0; i < n; i++) {
        double t = (double) i / RATE;
        while (ti < turns.size() && turns.get(ti).end() <= t) {
          ti++;
        }
        double c = 0;
        double a = 0;
        for (int k = ti; k < turns.size() && turns.get(k).start() <= t; k++) {
          Turn tr = turns.get(k);
          if (t < tr.end()) {
            if (tr.customer()) {
              c = cust.sample(t - tr.start(), tr.end() - tr.start());
            } else {
              a = agent.sample(t - tr.start(), tr.end() - tr.start());
            }
          }
        }
        // A quiet line-noise floor, as a real phone line has.
        double nc = (noise.nextDouble() - 0.5) * 60;
        double na = (noise.nextDouble() - 0.5) * 60;
        while (cmi < customerMuted.size() && customerMuted.get(cmi)[1] <= t) {
          cmi++;
        }
        while (ami < agentMuted.size() && agentMuted.get(ami)[1] <= t) {
          ami++;
        }
        boolean cm = cmi < customerMuted.size() && customerMuted.get(cmi)[0] <= t;
        boolean am = ami < agentMuted.size() && agentMuted.get(ami)[0] <= t;
        if (channels == 2) {
          bi = put(buf, bi, cm ? 0 : withCustomer ? c + nc : nc, out);
          bi = put(buf, bi, am ? 0 : withAgent ? a + na : na, out);
        } else {
          boolean live = (withCustomer && !cm) || (withAgent && !am) || (!withCustomer && !withAgent);
          double v = (withCustomer && !cm ? c : 0) + (withAgent && !am ? a : 0) + (live ? nc : 0);
          bi = put(buf, bi, v, out);
        }
      }
      out.write(buf, 0, bi);
    }
  }

  private static int put(byte[] buf, int bi, double v, OutputStream out) throws IOException {
    int s = (int) Math.max(-32768, Math.min(32767, Math.round(v)));
    if (bi + 2 > buf.length) {
      out.write(buf, 0, bi);
      bi = 0;
    }
    buf[bi++] = (byte) s;
    buf[bi++] = (byte) (s >> 8);
    return bi;
  }

  static void writeHeader(OutputStream out, int samples, int channels) throws IOException {
    int dataLen = samples * channels * 2;
    out.write(new byte[] {'R', 'I', 'F', 'F'});
    le32(out, 36 + dataLen);
    out.write(new byte[] {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
    le32(out, 16);
    le16(out, 1);
    le16(out, channels);
    le32(out, RATE);
    le32(out, RATE * channels * 2);
    le16(out, channels * 2);
    le16(out, 16);
    out.write(new byte[] {'d', 'a', 't', 'a'});
    le32(out, dataLen);
  }

  private static void le32(OutputStream o, int v) throws IOException {
    o.write(v);
    o.write(v >> 8);
    o.write(v >> 16);
    o.write(v >> 24);
  }

  private static void le16(OutputStream o, int v) throws IOException {
    o.write(v);
    o.write(v >> 8);
  }

  /** A crude voiced-speech generator: a pitch contour, harmonics shaped by two formants, syllables. */
  private static final class Voice {
    private final double f0;
    private final double syllableRate;
    private final double formant1;
    private final double formant2;

    Voice(double f0, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      this.f0 = f0 * (0.95 + r.nextDouble() * 0.1);
      this.syllableRate = 3.5 + r.nextDouble() * 1.5;
      this.formant1 = 500 + r.nextDouble() * 200;
      this.formant2 = 1400 + r.nextDouble() * 500;
    }

    double sample(double t, double len) {
      double pitch = f0 * (1 + 0.08 * Math.sin(2 * Math.PI * 0.7 * t));
      double phase = 2 * Math.PI * (f0 * t + f0 * 0.08 / (2 * Math.PI * 0.7) * (1 - Math.cos(2 * Math.PI * 0.7 * t)));
      double v = 0;
      for (int h = 1; h <= 12; h++) {
        double f = pitch * h;
        if (f > 3600) {
          break;
        }
        double w = Math.exp(-Math.pow((f - formant1) / 250, 2)) + 0.6 * Math.exp(-Math.pow((f - formant2) / 350, 2))
            + 0.15 / h;
        v += w * Math.sin(h * phase);
      }
      double syl = Math.max(0, Math.sin(Math.PI * syllableRate * t));
      double edge = Math.min(1, Math.min(t, len - t) / 0.05);
      return 4200 * v * Math.pow(syl, 0.6) * Math.max(0, edge);
    }
  }

  /**
   * The three files MixMonitor writes for a bridged call of {@code seconds} (mixed, customer leg, agent leg), as
   * the emulator writes them; for benchmarks and tools outside the emulator.
   */
  public static void writeCall(Path mixed, Path customer, Path agent, double seconds, long seed) throws IOException {
    List<Turn> turns = conversation(seconds, 0.5, seed);
    write(mixed, seconds, turns, true, true, 1, seed);
    write(customer, seconds, turns, true, false, 1, seed);
    write(agent, seconds, turns, false, true, 1, seed);
  }
}
