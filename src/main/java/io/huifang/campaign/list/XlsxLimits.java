package io.huifang.campaign.list;

import io.huifang.core.Invalid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Bounds an .xlsx before FastExcel reads it. A workbook is a zip of XML: a few megabytes uploaded can inflate to
 * gigabytes, and FastExcel keeps each cell's text (and the shared strings it is asked for) in memory, so one giant
 * cell or shared string would reach OutOfMemoryError. The shared strings and worksheets are scanned, streaming and
 * without parsing, for: the text of one cell or shared string (Excel itself stops at 32,767 characters), the length of
 * one tag, the number of shared strings, and the inflated size of each part. Blocking: run it on a worker.
 */
final class XlsxLimits {
  /** Excel's own limit on a cell's text. */
  static final int EXCEL_CELL_CHARS = 32_767;

  static final XlsxLimits DEFAULT = new XlsxLimits(
      // Text as bytes in the XML: up to 3 UTF-8 bytes a character, escapes (&amp;) longer still.
      EXCEL_CELL_CHARS * 6L,
      64 * 1024,
      4_000_000,
      256L * 1024 * 1024,
      2L * 1024 * 1024 * 1024,
      10_000);

  private final long maxCellBytes;
  private final int maxTagBytes;
  private final long maxSharedStrings;
  private final long maxSharedStringsBytes;
  private final long maxSheetBytes;
  private final int maxEntries;

  XlsxLimits(long maxCellBytes, int maxTagBytes, long maxSharedStrings, long maxSharedStringsBytes,
             long maxSheetBytes, int maxEntries) {
    this.maxCellBytes = maxCellBytes;
    this.maxTagBytes = maxTagBytes;
    this.maxSharedStrings = maxSharedStrings;
    this.maxSharedStringsBytes = maxSharedStringsBytes;
    this.maxSheetBytes = maxSheetBytes;
    this.maxEntries = maxEntries;
  }

  /** Throws {@link Invalid} (field "file") naming the limit the workbook goes over. */
  void check(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > maxEntries) {
        throw tooBig("the workbook holds " + zip.size() + " parts (at most " + maxEntries + ")",
            "工作簿包含 " + zip.size() + " 个部件（最多 " + maxEntries + " 个）");
      }
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        String name = e.getName();
        boolean shared = name.equalsIgnoreCase("xl/sharedStrings.xml");
        boolean sheet = name.startsWith("xl/worksheets/") && name.endsWith(".xml");
        if (shared || sheet) {
          try (InputStream in = zip.getInputStream(e)) {
            scan(in, name, shared);
          }
        }
      }
    } catch (IOException e) {
      throw new Invalid("file", "not a readable .xlsx workbook: " + e.getMessage(),
          "不是可读取的 .xlsx 工作簿：" + e.getMessage());
    }
  }

  /** One XML part, byte by byte: text between tags counts towards the cell (or shared string) being read. */
  void scan(InputStream in, String part, boolean shared) throws IOException {
    long maxBytes = shared ? maxSharedStringsBytes : maxSheetBytes;
    byte[] buf = new byte[1 << 16];
    long total = 0;
    long cellText = 0;
    long strings = 0;
    boolean inTag = false;
    int tagBytes = 0;
    boolean naming = false;
    StringBuilder tagName = new StringBuilder();
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > maxBytes) {
        throw tooBig(part + " inflates to over " + maxBytes / (1024 * 1024) + " MiB",
            part + " 解压后超过 " + maxBytes / (1024 * 1024) + " MiB");
      }
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (inTag) {
          if (b == '>') {
            inTag = false;
          } else if (++tagBytes > maxTagBytes) {
            throw tooBig("a tag in " + part + " is over " + maxTagBytes / 1024 + " KiB",
                part + " 中有超过 " + maxTagBytes / 1024 + " KiB 的标签");
          }
          if (naming && (b == '>' || b == ' ' || b == '/' && tagName.length() > 0 || b == '\t' || b == '\n'
              || b == '\r')) {
            naming = false;
            String local = tagName.substring(tagName.indexOf(":") + 1);
            // A new cell or shared string: its text starts from nothing.
            if (local.equals("c") || local.equals("si")) {
              cellText = 0;
              if (shared && local.equals("si") && ++strings > maxSharedStrings) {
                throw tooBig("over " + maxSharedStrings + " shared strings", "共享字符串超过 " + maxSharedStrings + " 个");
              }
            }
          } else if (naming && tagName.length() < 16) {
            tagName.append((char) b);
          }
        } else if (b == '<') {
          inTag = true;
          tagBytes = 0;
          naming = true;
          tagName.setLength(0);
        } else if (++cellText > maxCellBytes) {
          throw tooBig("a cell or shared string in " + part + " is longer than Excel allows ("
              + String.format("%,d", EXCEL_CELL_CHARS) + " characters)",
              part + " 中有单元格或共享字符串超过 Excel 的上限（" + EXCEL_CELL_CHARS + " 个字符）");
        }
      }
    }
  }

  private static Invalid tooBig(String english, String chinese) {
    return new Invalid("file", "the workbook is too large to read: " + english, "工作簿过大，无法读取：" + chinese);
  }
}
