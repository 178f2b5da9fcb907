package io.huifang.campaign.list;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes .xlsx files by hand, for the things a library writer will not produce but real DMS exports contain:
 * formulas with (or without) the value Excel computed, merged cells, numbers stored as numbers, inline strings.
 * Cells: "text", "n:13812345678" (number), "f:FORMULA=VALUE" (numeric formula with cached value),
 * "fs:FORMULA=VALUE" (text formula), "fe:FORMULA" (formula never computed), "" (no cell).
 */
final class RawXlsx {
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> merges = new ArrayList<>();
  private boolean date1904;

  RawXlsx row(String... cells) {
    rows.add(List.of(cells));
    return this;
  }

  /** The workbook counts date serials from 1904-01-01 (workbookPr date1904="1", as old Mac Excel saved). */
  RawXlsx date1904() {
    date1904 = true;
    return this;
  }

  RawXlsx merge(String ref) {
    merges.add(ref);
    return this;
  }

  Path write(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, "[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
          + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
          + "</Types>");
      put(zip, "_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
          + "</Relationships>");
      put(zip, "xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
          + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
          + (date1904 ? "<workbookPr date1904=\"1\"/>" : "") + "<sheets><sheet name=\"进厂明细\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
      put(zip, "xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
          + "</Relationships>");
      StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
          + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
      for (int r = 0; r < rows.size(); r++) {
        sb.append("<row r=\"").append(r + 1).append("\">");
        List<String> cells = rows.get(r);
        for (int c = 0; c < cells.size(); c++) {
          String v = cells.get(c);
          if (v.isEmpty()) {
            continue;
          }
          String ref = ImportValidator.letter(c) + (r + 1);
          if (v.startsWith("n:")) {
            sb.append("<c r=\"").append(ref).append("\"><v>").append(v.substring(2)).append("</v></c>");
          } else if (v.startsWith("f:") || v.startsWith("fs:")) {
            boolean text = v.startsWith("fs:");
            String[] fv = v.substring(text ? 3 : 2).split("=", 2);
            sb.append("<c r=\"").append(ref).append(text ? "\" t=\"str\">" : "\">").append("<f>").append(esc(fv[0]))
                .append("</f><v>").append(esc(fv[1])).append("</v></c>");
          } else if (v.startsWith("fe:")) {
            sb.append("<c r=\"").append(ref).append("\"><f>").append(esc(v.substring(3))).append("</f></c>");
          } else {
            sb.append("<c r=\"").append(ref).append("\" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
                .append(esc(v)).append("</t></is></c>");
          }
        }
        sb.append("</row>");
      }
      sb.append("</sheetData>");
      if (!merges.isEmpty()) {
        sb.append("<mergeCells count=\"").append(merges.size()).append("\">");
        merges.forEach(m -> sb.append("<mergeCell ref=\"").append(m).append("\"/>"));
        sb.append("</mergeCells>");
      }
      sb.append("</worksheet>");
      put(zip, "xl/worksheets/sheet1.xml", sb.toString());
    }
    return file;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static void put(ZipOutputStream zip, String name, String content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }
}
