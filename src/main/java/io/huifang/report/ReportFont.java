package io.huifang.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Noto Sans SC for the PDF reports, read once from the ph-fonts-noto-sans-sc jar on the classpath.
 *
 * <p>Why not the file as it is: Noto maps a Kangxi radical and its ideograph to one glyph (U+2F3E ⼾ and U+6237 户,
 * U+2ECB ⻋ and U+8F66 车, …), and PDFBox writes a PDF's ToUnicode table from the lowest code point of each glyph in
 * the font's full-Unicode cmap, the radical. The page looks right, but its text (copy, search, screen readers, our
 * tests) says 客⼾ and 汽⻋. So in that cmap (format 12, the one PDFBox reads) every single-code-point group in the
 * radical and compatibility blocks whose glyph an ideograph also uses is pointed at glyph 0, in place: the radicals
 * as such are never in a report, and nothing else in the file moves.
 */
final class ReportFont {
  private static final String DIR = "/fonts/ttf/NotoSansSC/";

  static final byte[] REGULAR = load("NotoSansSC-Regular.ttf");
  static final byte[] BOLD = load("NotoSansSC-Bold.ttf");

  private ReportFont() {
  }

  private static byte[] load(String file) {
    try (InputStream in = ReportFont.class.getResourceAsStream(DIR + file)) {
      if (in == null) {
        throw new IllegalStateException("font " + DIR + file + " is not on the classpath (ph-fonts-noto-sans-sc)");
      }
      byte[] ttf = in.readAllBytes();
      unaliasRadicals(ttf);
      return ttf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CJK Radicals Supplement, Kangxi Radicals, CJK Compatibility Ideographs: alternative code points of a glyph. */
  static boolean aliasBlock(long cp) {
    return (cp >= 0x2E80 && cp <= 0x2FDF) || (cp >= 0xF900 && cp <= 0xFAFF);
  }

  /** Rewrites the format-12 cmap subtables of {@code ttf} as described above; returns how many groups changed. */
  static int unaliasRadicals(byte[] ttf) {
    ByteBuffer b = ByteBuffer.wrap(ttf); // big-endian, as TrueType
    int tables = b.getShort(4) & 0xFFFF;
    int cmap = -1;
    for (int i = 0; i < tables; i++) {
      int rec = 12 + 16 * i;
      if (b.getInt(rec) == 0x636D6170) { // 'cmap'
        cmap = b.getInt(rec + 8);
      }
    }
    if (cmap < 0) {
      return 0;
    }
    int changed = 0;
    int subtables = b.getShort(cmap + 2) & 0xFFFF;
    BitSet done = new BitSet();
    for (int i = 0; i < subtables; i++) {
      int at = cmap + b.getInt(cmap + 4 + 8 * i + 4);
      if ((b.getShort(at) & 0xFFFF) != 12 || done.get(at)) {
        continue; // one subtable may be listed under two encodings
      }
      done.set(at);
      long groups = b.getInt(at + 12) & 0xFFFFFFFFL;
      BitSet ideographGlyphs = new BitSet();
      for (long g = 0; g < groups; g++) {
        int rec = at + 16 + (int) (12 * g);
        long start = b.getInt(rec) & 0xFFFFFFFFL;
        long end = b.getInt(rec + 4) & 0xFFFFFFFFL;
        int glyph = b.getInt(rec + 8);
        for (long c = start; c <= end; c++) {
          if (!aliasBlock(c)) {
            ideographGlyphs.set(glyph + (int) (c - start));
          }
        }
      }
      for (long g = 0; g < groups; g++) {
        int rec = at + 16 + (int) (12 * g);
        long start = b.getInt(rec) & 0xFFFFFFFFL;
        if (start == (b.getInt(rec + 4) & 0xFFFFFFFFL) && aliasBlock(start) && ideographGlyphs.get(b.getInt(rec + 8))) {
          b.putInt(rec + 8, 0);
          changed++;
        }
      }
    }
    return changed;
  }
}
