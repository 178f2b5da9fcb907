package io.huifang.campaign.list;

import io.huifang.core.Invalid;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

/**
 * Reads a DMS export row by row, streaming: XLSX through FastExcel's reader, CSV with its encoding detected line by
 * line (UTF-8 when the bytes are valid UTF-8, otherwise GBK/GB18030, so that a file glued together from exports of
 * both kinds still reads right). Blocking: run it on a worker.
 */
public final class ListReader {
  private static final Charset GB18030 = Charset.forName("GB18030");

  private ListReader() {
  }

  /** Thrown by a row consumer that has read enough: reading stops there, quietly. */
  public static final class Enough extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Enough() {
      super("enough rows read", null, false, false);
    }
  }

  /** What kind of file it turned out to be; {@code date1904}: an XLSX counting dates from 1904. */
  public record FileInfo(String format, String encoding, String sheet, boolean date1904) {
  }

  public static FileInfo read(Path file, Consumer<SourceRow> rows) {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new Invalid("file", "cannot read the file: " + e.getMessage(), "无法读取文件：" + e.getMessage());
    }
    if (n == 0) {
      throw new Invalid("file", "the file is empty", "文件为空");
    }
    if (ReadableWorkbook.isOLE2Header(head)) {
      throw new Invalid("file", "old Excel 97–2003 (.xls) files are not read: save it as .xlsx or CSV",
          "不支持旧版 Excel 97–2003（.xls）文件，请另存为 .xlsx 或 CSV");
    }
    if (ReadableWorkbook.isOOXMLZipHeader(head)) {
      return readXlsx(file, rows);
    }
    return readCsv(file, rows);
  }

  // ------------------------------------------------------------------ XLSX

  private static FileInfo readXlsx(Path file, Consumer<SourceRow> rows) {
    XlsxLimits.DEFAULT.check(file);
    try (ReadableWorkbook wb = new ReadableWorkbook(file.toFile())) {
      Sheet sheet = wb.getFirstSheet();
      // FastExcel reads workbookPr's date1904; its serials are 1,462 days off the usual ones.
      boolean date1904 = wb.isDate1904();
      try (var stream = sheet.openStream()) {
        stream.forEach(r -> rows.accept(toSourceRow(r, date1904)));
      } catch (Enough e) {
        // The consumer has read what it needed (a preview of the first rows).
      }
      return new FileInfo("xlsx", null, sheet.getName(), date1904);
    } catch (IOException | RuntimeException e) {
      if (e instanceof Invalid inv) {
        throw inv;
      }
      throw new Invalid("file", "not a readable .xlsx workbook: " + e.getMessage(),
          "不是可读取的 .xlsx 工作簿：" + e.getMessage());
    }
  }

  private static SourceRow toSourceRow(Row r, boolean date1904) {
    List<SourceRow.Cell> cells = new ArrayList<>(r.getCellCount());
    for (int i = 0; i < r.getCellCount(); i++) {
      Cell c = r.getCell(i);
      if (c == null || c.getType() == CellType.EMPTY) {
        cells.add(SourceRow.Cell.EMPTY);
        continue;
      }
      String raw = c.getRawValue();
      cells.add(switch (c.getType()) {
        case NUMBER -> new SourceRow.Cell(raw, true, false, false);
        // A formula's cell holds the value Excel last computed; without one there is nothing to read.
        case FORMULA -> new SourceRow.Cell(raw == null ? "" : raw, raw != null && looksNumeric(raw), true, false);
        case ERROR -> new SourceRow.Cell(raw == null ? "#ERROR" : raw, false, false, true);
        default -> SourceRow.Cell.text(raw == null ? c.getText() : raw);
      });
    }
    return new SourceRow(r.getRowNum(), cells, date1904);
  }

  private static boolean looksNumeric(String s) {
    return s.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
  }

  // ------------------------------------------------------------------ CSV

  private static FileInfo readCsv(Path file, Consumer<SourceRow> rows) {
    Set<String> encodings = new LinkedHashSet<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      in.mark(4);
      int b0 = in.read();
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
        // Excel's "Unicode text" export: UTF-16 with a byte-order mark, usually tab-separated.
        String all = new String(in.readAllBytes(), StandardCharsets.UTF_16);
        encodings.add("UTF-16");
        parseCsv(all.lines().iterator(), rows);
      } else {
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
          in.skipNBytes(3);
        }
        parseCsv(new LineIterator(in, encodings), rows);
      }
    } catch (Enough e) {
      // The consumer has read what it needed.
    } catch (IOException e) {
      throw new Invalid("file", "cannot read the file: " + e.getMessage(), "无法读取文件：" + e.getMessage());
    }
    String enc = encodings.isEmpty() ? "UTF-8" : String.join(" + ", encodings);
    return new FileInfo("csv", enc, null, false);
  }

  /** Lines of a byte stream, each decoded as UTF-8 if it is valid UTF-8, else as GB18030 (a superset of GBK). */
  private static final class LineIterator implements java.util.Iterator<String> {
    private final InputStream in;
    private final Set<String> encodings;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private String next;
    private boolean done;

    LineIterator(InputStream in, Set<String> encodings) {
      this.in = in;
      this.encodings = encodings;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        next = readLine();
      }
      return next != null;
    }

    @Override
    public String next() {
      hasNext();
      String s = next;
      next = null;
      return s;
    }

    private String readLine() {
      buf.reset();
      try {
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
          buf.write(b);
        }
        if (b == -1 && buf.size() == 0) {
          done = true;
          return null;
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      byte[] bytes = buf.toByteArray();
      int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      boolean ascii = true;
      for (int i = 0; i < len && ascii; i++) {
        ascii = bytes[i] >= 0;
      }
      if (ascii) {
        return new String(bytes, 0, len, StandardCharsets.US_ASCII);
      }
      try {
        String s = utf8.reset().decode(ByteBuffer.wrap(bytes, 0, len)).toString();
        encodings.add("UTF-8");
        return s;
      } catch (CharacterCodingException e) {
        encodings.add("GBK");
        return new String(bytes, 0, len, GB18030);
      }
    }
  }

  /**
   * RFC 4180 records over lines (quoted fields may span lines, "" is a quote). The delimiter is the first of
   * comma, tab or semicolon found outside quotes on the first line that has one.
   */
  static void parseCsv(java.util.Iterator<String> lines, Consumer<SourceRow> rows) {
    char delimiter = 0;
    int lineNo = 0;
    while (lines.hasNext()) {
      String line = lines.next();
      lineNo++;
      int start = lineNo;
      if (delimiter == 0) {
        delimiter = detectDelimiter(line);
      }
      char d = delimiter == 0 ? ',' : delimiter;
      List<SourceRow.Cell> cells = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      int i = 0;
      while (true) {
        if (i >= line.length()) {
          if (quoted && lines.hasNext()) {
            field.append('\n');
            line = lines.next();
            lineNo++;
            i = 0;
            continue;
          }
          break;
        }
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"') {
            if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
              field.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else {
            field.append(c);
          }
        } else if (c == '"' && field.toString().isBlank()) {
          field.setLength(0);
          quoted = true;
        } else if (c == d) {
          cells.add(SourceRow.Cell.text(field.toString()));
          field.setLength(0);
        } else {
          field.append(c);
        }
        i++;
      }
      cells.add(SourceRow.Cell.text(field.toString()));
      rows.accept(new SourceRow(start, cells));
    }
  }

  private static char detectDelimiter(String line) {
    int comma = 0;
    int tab = 0;
    int semi = 0;
    boolean q = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        q = !q;
      } else if (!q && c == ',') {
        comma++;
      } else if (!q && c == '\t') {
        tab++;
      } else if (!q && c == ';') {
        semi++;
      }
    }
    if (comma == 0 && tab == 0 && semi == 0) {
      return 0;
    }
    return tab > comma && tab >= semi ? '\t' : semi > comma ? ';' : ',';
  }
}
