package io.huifang.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peaks read from byte blocks give, pixel for pixel, the min/max of every 400 samples per channel. */
class PeaksTest {
  @Test
  void blockReadPeaksEqualAPlainMinMaxOverEveryPixel(@TempDir Path dir) throws Exception {
    for (int channels = 1; channels <= 2; channels++) {
      // Not a whole number of pixels nor of read blocks; a LIST chunk before the data, as ffmpeg writes.
      int frames = Peaks.SAMPLES_PER_PIXEL * 64 * 3 + 1234;
      short[] s = new short[frames * channels];
      Random rnd = new Random(channels);
      for (int i = 0; i < s.length; i++) {
        s[i] = (short) rnd.nextInt(65536);
      }
      Path wav = dir.resolve("t" + channels + ".wav");
      Files.write(wav, wav(s, channels));
      JsonObject p = Peaks.compute(wav);
      JsonArray expected = new JsonArray();
      for (int start = 0; start < frames; start += Peaks.SAMPLES_PER_PIXEL) {
        for (int c = 0; c < channels; c++) {
          int min = Integer.MAX_VALUE;
          int max = Integer.MIN_VALUE;
          for (int f = start; f < Math.min(frames, start + Peaks.SAMPLES_PER_PIXEL); f++) {
            min = Math.min(min, s[f * channels + c]);
            max = Math.max(max, s[f * channels + c]);
          }
          expected.add(min >> 8).add(max >> 8);
        }
      }
      assertEquals(channels, p.getInteger("channels"));
      assertEquals(8000, p.getInteger("sample_rate"));
      assertEquals((frames + Peaks.SAMPLES_PER_PIXEL - 1) / Peaks.SAMPLES_PER_PIXEL, p.getLong("length"));
      assertEquals(expected, p.getJsonArray("data"));
    }
  }

  static byte[] wav(short[] samples, int channels) {
    ByteBuffer info = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
    info.put("LIST".getBytes()).putInt(26).put("INFO".getBytes()).put("ISFT".getBytes()).putInt(13)
        .put("Lavf61.7.100".getBytes()).put((byte) 0).put((byte) 0);
    byte[] list = info.array();
    int data = samples.length * 2;
    ByteBuffer b = ByteBuffer.allocate(44 + list.length + data).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + list.length + data).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(8000)
        .putInt(8000 * 2 * channels).putShort((short) (2 * channels)).putShort((short) 16);
    b.put(list);
    b.put("data".getBytes()).putInt(data);
    for (short v : samples) {
      b.putShort(v);
    }
    return b.array();
  }
}
