package io.huifang.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What ffprobe would say about the two kinds of file the pipeline makes and reads, from their headers alone, without
 * starting a process: a plain PCM WAV (RIFF, fmt, data) and Opus in Ogg (OpusHead, and the granule position of the
 * last page for the length). Returns null for anything else or anything that does not add up, so that the caller
 * asks ffprobe (which then gives the reason a damaged file is refused).
 */
final class MediaHeaders {
  /** Where the last Ogg page is looked for: pages are at most 65,307 bytes. */
  private static final int OGG_TAIL = 65_536 + 1024;
  private static final int OPUS_RATE = 48_000;

  private MediaHeaders() {
  }

  static Transcoder.Probe read(Path file, long bytes) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(bytes, 4096)).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, head, 0);
      head.flip();
      if (head.remaining() >= 12 && tag(head, 0).equals("RIFF") && tag(head, 8).equals("WAVE")) {
        return wav(ch, bytes);
      }
      if (head.remaining() >= 28 && tag(head, 0).equals("OggS")) {
        return ogg(ch, head, bytes);
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** 16-bit PCM only (what MixMonitor and the merge write); the data chunk must be all there and not empty. */
  private static Transcoder.Probe wav(FileChannel ch, long bytes) throws IOException {
    long pos = 12;
    int format = -1;
    int channels = 0;
    int rate = 0;
    int blockAlign = 0;
    int bits = 0;
    ByteBuffer hdr = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    while (pos + 8 <= bytes) {
      hdr.clear();
      readFully(ch, hdr, pos);
      hdr.flip();
      String id = tag(hdr, 0);
      long size = Integer.toUnsignedLong(hdr.getInt(4));
      long body = pos + 8;
      if (id.equals("fmt ")) {
        if (size < 16 || size > 64 || body + size > bytes) {
          return null;
        }
        ByteBuffer f = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, f, body);
        format = Short.toUnsignedInt(f.getShort(0));
        channels = Short.toUnsignedInt(f.getShort(2));
        rate = f.getInt(4);
        blockAlign = Short.toUnsignedInt(f.getShort(12));
        bits = Short.toUnsignedInt(f.getShort(14));
        if (format == 0xFFFE && size >= 40) {
          format = Short.toUnsignedInt(f.getShort(24)); // the sub-format GUID starts with the format code
        }
      } else if (id.equals("data")) {
        if (format != 1 || bits != 16 || channels < 1 || channels > 8 || rate <= 0 || blockAlign != channels * 2) {
          return null;
        }
        // 0 or 0xFFFFFFFF is a header never finished (a recording cut off), a size past the end is a truncated
        // file: ffprobe's business.
        if (size == 0 || size == 0xFFFFFFFFL || body + size > bytes || size % blockAlign != 0) {
          return null;
        }
        long frames = size / blockAlign;
        long ms = Math.round(frames * 1000.0 / rate);
        if (ms <= 0) {
          return null;
        }
        return new Transcoder.Probe("pcm_s16le", "wav", rate, channels, ms, (long) rate * channels * 16, bytes);
      }
      pos = body + size + (size & 1);
    }
    return null;
  }

  /**
   * Opus in Ogg: the first page must carry OpusHead (channels, pre-skip); the length is the last page's granule
   * position (48 kHz samples) less the pre-skip, as ffprobe computes it.
   */
  private static Transcoder.Probe ogg(FileChannel ch, ByteBuffer head, long bytes) throws IOException {
    int segments = Byte.toUnsignedInt(head.get(26));
    int payload = 27 + segments;
    if (head.remaining() < payload + 19 || (head.get(5) & 0x02) == 0) {
      return null;
    }
    if (!new String(head.array(), payload, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
      return null;
    }
    int channels = Byte.toUnsignedInt(head.get(payload + 9));
    int preSkip = Short.toUnsignedInt(head.getShort(payload + 10));
    long serial = Integer.toUnsignedLong(head.getInt(14));
    int tailLen = (int) Math.min(bytes, OGG_TAIL);
    ByteBuffer tail = ByteBuffer.allocate(tailLen).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, tail, bytes - tailLen);
    tail.flip();
    long granule = -1;
    for (int i = tailLen - 27; i >= 0; i--) {
      if (tail.get(i) == 'O' && tail.get(i + 1) == 'g' && tail.get(i + 2) == 'g' && tail.get(i + 3) == 'S'
          && tail.get(i + 4) == 0 && Integer.toUnsignedLong(tail.getInt(i + 14)) == serial) {
        int n = Byte.toUnsignedInt(tail.get(i + 26));
        long len = 27L + n;
        for (int k = 0; k < n && i + 27 + k < tailLen; k++) {
          len += Byte.toUnsignedInt(tail.get(i + 27 + k));
        }
        // Only a complete page that ends the file (or is followed by another page) counts.
        if (i + len != tailLen) {
          return null;
        }
        if ((tail.get(i + 5) & 0x04) == 0) {
          return null; // no end-of-stream page: the encoder did not finish
        }
        granule = tail.getLong(i + 6);
        break;
      }
    }
    if (granule <= preSkip || channels < 1) {
      return null;
    }
    long ms = Math.round((granule - preSkip) * 1000.0 / OPUS_RATE);
    return new Transcoder.Probe("opus", "ogg", OPUS_RATE, channels, ms, ms > 0 ? bytes * 8000 / ms : null, bytes);
  }

  private static String tag(ByteBuffer b, int at) {
    byte[] t = new byte[4];
    for (int i = 0; i < 4; i++) {
      t[i] = b.get(at + i);
    }
    return new String(t, StandardCharsets.US_ASCII);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new IOException("short file");
      }
      pos += n;
    }
  }
}
