package io.huifang.recording;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who spoke when, per leg, from the stereo original (customer left, agent right: MixMonitor's two legs kept apart):
 * an energy voice-activity detector on 20 ms frames. A frame is speech when its level is at least
 * {@link #ABOVE_FLOOR_DB} above the leg's noise floor (the 10th percentile of its frame levels, digital silence left
 * out, kept between {@link #FLOOR_MIN_DB} and {@link #FLOOR_CAP_DB}: a muted span's zeros must not pull the floor under
 * the line noise, and a leg that talks nearly all the time still has a floor below its speech);
 * speech frames closer than {@link #BRIDGE_MS} are one span (the pauses between words), spans shorter than
 * {@link #MIN_SPAN_MS} are dropped (a click, a breath). Per leg: the share of the call in speech, the longest silence
 * and the spans (at most {@link #MAX_SPANS}: past that, the closest spans are joined); and the time both talk at once
 * (overtalk). QA's suspicious-call check and the player's "next speech" read it; a mono recording has no legs to
 * tell apart and gets none.
 */
public final class Activity {
  static final int FRAME_MS = 20;
  static final double ABOVE_FLOOR_DB = 15;
  static final double FLOOR_CAP_DB = -40;
  static final double FLOOR_MIN_DB = -70;
  static final double DIGITAL_SILENCE_DB = -90;
  static final int BRIDGE_MS = 300;
  static final int MIN_SPAN_MS = 100;
  static final int MAX_SPANS = 400;

  private Activity() {
  }

  /** The activity of a 16-bit PCM stereo WAV (customer left, agent right); null for a mono one. */
  public static JsonObject compute(Path wav) throws IOException {
    try (PcmWav w = PcmWav.open(wav, "activity")) {
      return w.channels == 2 ? levels(w.in, w.dataSize, w.sampleRate) : null;
    }
  }

  /** Reads the data chunk into per-frame levels (dBFS) of each channel. */
  private static JsonObject levels(DataInputStream in, long size, int rate) throws IOException {
    int frameSamples = rate * FRAME_MS / 1000;
    long samples = size / 4;
    int frames = (int) ((samples + frameSamples - 1) / frameSamples);
    double[] left = new double[frames];
    double[] right = new double[frames];
    byte[] buf = new byte[4 * frameSamples * 256];
    long done = 0;
    double sl = 0;
    double sr = 0;
    int inFrame = 0;
    int f = 0;
    while (done < samples) {
      int want = (int) Math.min(buf.length / 4, samples - done) * 4;
      int got = in.readNBytes(buf, 0, want);
      int n = got / 4;
      for (int i = 0, o = 0; i < n; i++, o += 4) {
        double l = (short) ((buf[o] & 0xff) | (buf[o + 1] << 8));
        double r = (short) ((buf[o + 2] & 0xff) | (buf[o + 3] << 8));
        sl += l * l;
        sr += r * r;
        if (++inFrame == frameSamples) {
          left[f] = db(sl, inFrame);
          right[f] = db(sr, inFrame);
          f++;
          sl = 0;
          sr = 0;
          inFrame = 0;
        }
      }
      done += n;
      if (got < want) {
        break;
      }
    }
    if (inFrame > 0) {
      left[f] = db(sl, inFrame);
      right[f] = db(sr, inFrame);
      f++;
    }
    long durationMs = samples * 1000 / rate;
    return of(Arrays.copyOf(left, f), Arrays.copyOf(right, f), durationMs);
  }

  private static double db(double sumSquares, int n) {
    double rms = Math.sqrt(sumSquares / n);
    return rms < 1 ? -96 : 20 * Math.log10(rms / 32768.0);
  }

  /** The activity from the two legs' 20 ms frame levels (dBFS). */
  static JsonObject of(double[] customer, double[] agent, long durationMs) {
    List<long[]> c = spans(customer, durationMs);
    List<long[]> a = spans(agent, durationMs);
    return new JsonObject().put("frameMs", FRAME_MS)
        .put("customer", leg(c, durationMs)).put("agent", leg(a, durationMs))
        .put("overtalkMs", overlap(c, a));
  }

  /** The activity of two legs given as 16-bit samples (tests, tools). */
  public static JsonObject ofSamples(short[] customer, short[] agent, int rate) {
    int frameSamples = rate * FRAME_MS / 1000;
    int n = Math.max(customer.length, agent.length);
    int frames = (n + frameSamples - 1) / frameSamples;
    double[] c = new double[frames];
    double[] a = new double[frames];
    for (int f = 0; f < frames; f++) {
      double sc = 0;
      double sa = 0;
      int from = f * frameSamples;
      int to = Math.min(n, from + frameSamples);
      for (int i = from; i < to; i++) {
        double x = i < customer.length ? customer[i] : 0;
        double y = i < agent.length ? agent[i] : 0;
        sc += x * x;
        sa += y * y;
      }
      c[f] = db(sc, to - from);
      a[f] = db(sa, to - from);
    }
    return of(c, a, (long) n * 1000 / rate);
  }

  private static JsonObject leg(List<long[]> spans, long durationMs) {
    long speech = 0;
    long longestSilence = 0;
    long last = 0;
    JsonArray out = new JsonArray();
    for (long[] s : spans) {
      speech += s[1] - s[0];
      longestSilence = Math.max(longestSilence, s[0] - last);
      last = s[1];
      out.add(new JsonArray().add(s[0]).add(s[1]));
    }
    longestSilence = Math.max(longestSilence, durationMs - last);
    double share = durationMs <= 0 ? 0 : Math.round(1000.0 * speech / durationMs) / 1000.0;
    return new JsonObject().put("speechShare", share).put("speechMs", speech)
        .put("longestSilenceMs", longestSilence).put("spans", out);
  }

  /** The merged speech spans of a leg, [fromMs, toMs], in order. */
  static List<long[]> spans(double[] levels, long durationMs) {
    if (levels.length == 0) {
      return List.of();
    }
    // Digital silence (a muted span, a leg the PBX did not write) says nothing of the line's noise: left out.
    double[] sorted = Arrays.stream(levels).filter(l -> l > DIGITAL_SILENCE_DB).sorted().toArray();
    if (sorted.length == 0) {
      return List.of();
    }
    double floor = Math.max(FLOOR_MIN_DB, Math.min(sorted[sorted.length / 10], FLOOR_CAP_DB));
    double threshold = floor + ABOVE_FLOOR_DB;
    List<long[]> raw = new ArrayList<>();
    int start = -1;
    for (int f = 0; f <= levels.length; f++) {
      boolean speech = f < levels.length && levels[f] >= threshold;
      if (speech && start < 0) {
        start = f;
      } else if (!speech && start >= 0) {
        raw.add(new long[] {(long) start * FRAME_MS, Math.min(durationMs, (long) f * FRAME_MS)});
        start = -1;
      }
    }
    List<long[]> merged = join(raw, BRIDGE_MS);
    merged.removeIf(s -> s[1] - s[0] < MIN_SPAN_MS);
    int bridge = BRIDGE_MS;
    while (merged.size() > MAX_SPANS) {
      bridge *= 2;
      merged = join(merged, bridge);
    }
    return merged;
  }

  private static List<long[]> join(List<long[]> spans, long gap) {
    List<long[]> out = new ArrayList<>();
    for (long[] s : spans) {
      long[] prev = out.isEmpty() ? null : out.get(out.size() - 1);
      if (prev != null && s[0] - prev[1] < gap) {
        prev[1] = Math.max(prev[1], s[1]);
      } else {
        out.add(new long[] {s[0], s[1]});
      }
    }
    return out;
  }

  private static long overlap(List<long[]> a, List<long[]> b) {
    long total = 0;
    int i = 0;
    int j = 0;
    while (i < a.size() && j < b.size()) {
      long from = Math.max(a.get(i)[0], b.get(j)[0]);
      long to = Math.min(a.get(i)[1], b.get(j)[1]);
      if (to > from) {
        total += to - from;
      }
      if (a.get(i)[1] < b.get(j)[1]) {
        i++;
      } else {
        j++;
      }
    }
    return total;
  }
}
