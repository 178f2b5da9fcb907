package io.huifang.recording;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A 16-bit PCM WAV opened at its data chunk: the header walked once (RIFF, WAVE, {@code fmt }, other chunks skipped)
 * so that the readers of the samples ({@link Peaks}, {@link Activity}) share one parser and refuse the same files.
 */
final class PcmWav implements Closeable {
  final int channels;
  final int sampleRate;
  /** The data chunk's size in bytes, as its header says (a truncated file holds less). */
  final long dataSize;
  /** Positioned at the first sample; blocks of whole frames are read from it. */
  final DataInputStream in;

  private PcmWav(DataInputStream in, int channels, int sampleRate, long dataSize) {
    this.in = in;
    this.channels = channels;
    this.sampleRate = sampleRate;
    this.dataSize = dataSize;
  }

  /**
   * Opens {@code wav} at its data chunk. {@code what} names the reader in the error for a format it cannot read
   * (anything but 16-bit PCM, mono or stereo, at 1 kHz or more).
   */
  static PcmWav open(Path wav, String what) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(wav), 1 << 16));
    try {
      if (!"RIFF".equals(tag(in))) {
        throw new IOException("not a RIFF file");
      }
      le32(in);
      if (!"WAVE".equals(tag(in))) {
        throw new IOException("not a WAVE file");
      }
      int channels = 0;
      int rate = 0;
      while (true) {
        String id = tag(in);
        long size = le32(in) & 0xffffffffL;
        if (id.equals("fmt ")) {
          int format = le16(in);
          channels = le16(in);
          rate = le32(in);
          le32(in);
          le16(in);
          int bits = le16(in);
          in.skipNBytes(size - 16 + (size & 1));
          if ((format != 1 && format != 0xFFFE) || bits != 16 || channels < 1 || channels > 2 || rate < 1000) {
            throw new IOException(what + " need 16-bit PCM, mono or stereo (format " + format + ", " + bits
                + " bits, " + channels + " channels, " + rate + " Hz)");
          }
        } else if (id.equals("data")) {
          if (channels == 0) {
            throw new IOException("data before fmt");
          }
          return new PcmWav(in, channels, rate, size);
        } else {
          in.skipNBytes(size + (size & 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static String tag(DataInputStream in) throws IOException {
    byte[] b = in.readNBytes(4);
    if (b.length < 4) {
      throw new EOFException("no data chunk");
    }
    return new String(b, StandardCharsets.US_ASCII);
  }

  private static int le16(DataInputStream in) throws IOException {
    int a = in.read();
    int b = in.read();
    if ((a | b) < 0) {
      throw new EOFException();
    }
    return a | (b << 8);
  }

  private static int le32(DataInputStream in) throws IOException {
    return le16(in) | (le16(in) << 16);
  }
}
