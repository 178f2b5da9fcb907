package io.huifang.campaign.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.campaign.Campaign;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and checking ugly real-world customer lists, without a database. */
class ImportCheckTest {
  static final Campaign CSI = Campaign.fromJson(new JsonObject().put("name", "t").put("kind", "csi"), null);
  static final Charset GBK = Charset.forName("GBK");

  @TempDir
  Path dir;

  static ImportService.Checked check(Path file, JsonObject mapping) throws Exception {
    return ImportService.check(CSI, file, mapping, new ImportService.Progress());
  }

  static Set<Integer> rejectedRows(JsonObject report) {
    return report.getJsonArray("rejected").stream().map(o -> ((JsonObject) o).getInteger("row"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static JsonObject rejection(JsonObject report, int row) {
    return report.getJsonArray("rejected").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getInteger("row") == row).findFirst().orElseThrow(() -> new AssertionError("row " + row
            + " not rejected: " + report.getJsonArray("rejected")));
  }

  static String serial(LocalDate d) {
    return String.valueOf(ChronoUnit.DAYS.between(LocalDate.of(1899, 12, 30), d));
  }

  @Test
  void uglyWorkbook() throws Exception {
    Path f = new RawXlsx()
        .row("北京东方4S店 2025年3月 售后进厂客户明细", "", "", "", "", "", "", "")
        .row()
        .row("客户姓名 ", "联系电话", "车型", "车牌号", "VIN", "出厂日期", "工单号", "工单状态")
        .row("张三", "n:13812345678", "速腾", "京A12345", "LFV2A21K0A1000001", "n:" + serial(LocalDate.of(2025, 3, 18)),
            "WO001", "已结算")
        .row("李四", "n:1.3912345678E10", "迈腾", "京B23456", "", "2025/3/18 14:30", "WO002", "未结算")
        .row("王五", "f:VALUE(J6)=13712345678", "宝来", "", "", "2025-03-18", "WO003", "")
        .row("00PDI赵六", "00000000000", "探岳", "", "", "2025-03-18", "WO004", "")
        .row("", "", "", "", "", "", "", "")
        .row("钱七", "00000000000", "速腾", "", "", "2025-03-18", "WO005", "")
        .row("孙八  ", "１３６ １２３４ ５６７８  ", "速腾", "", "", "2025年3月18日", "WO006", "")
        .row("周九", "fe:CONCATENATE(K11,L11)", "速腾", "", "", "2025-03-18", "WO007", "")
        .row("吴十", "13512345678", "速腾", "", "", "", "WO008", "")
        .row("00拒绝回访郑一", "13612340000", "速腾", "", "", "2025-03-18", "WO009", "")
        .row("冯二", "13812345678", "速腾", "", "", "2025-03-18", "WO010", "")
        .row("", "13312345678", "速腾", "", "", "2025-03-18", "WO011", "")
        .merge("A1:H1").merge("A14:A15")
        .write(dir.resolve("ugly.xlsx"));
    ImportService.Checked c = check(f, null);
    assertNull(c.error(), () -> c.error().english());
    JsonObject r = c.report();
    assertEquals("xlsx", r.getString("format"));
    assertEquals(3, r.getInteger("headerRow"), "the merged title row and the blank row are skipped");
    assertEquals(11, r.getInteger("rowsRead"));
    assertEquals(1, r.getInteger("blankRows"));
    assertEquals(5, r.getInteger("accepted"), r.encodePrettily());
    assertEquals(new JsonObject().put("pdi", 1).put("refused_callback", 1), r.getJsonObject("flagged"));
    assertEquals(Set.of(9, 11, 12, 15), rejectedRows(r), r.encodePrettily());
    assertEquals(4, r.getInteger("rejectedRows"));
    assertEquals("placeholder", rejection(r, 9).getString("reason"));
    assertEquals("联系电话", rejection(r, 9).getString("column"));
    assertEquals("B", rejection(r, 9).getString("columnLetter"));
    assertEquals("formula_without_value", rejection(r, 11).getString("reason"));
    assertEquals("service_date", rejection(r, 12).getString("field"));
    assertEquals("customer_name", rejection(r, 15).getString("field"), "the lower half of a merged name is empty");
    assertEquals(new JsonArray().add(new JsonObject().put("phone", "13812345678").put("rows", new JsonArray().add(4).add(14))
        .put("names", new JsonArray().add("张三").add("冯二"))), r.getJsonArray("duplicatePhones"));
    assertEquals("客户姓名", r.getJsonObject("columns").getString("customer_name"), "trailing space in the header");

    LoadRows rows = c.rows();
    assertEquals(7, rows.size(), "accepted + flagged rows are written");
    assertEquals(List.of("13812345678", "13912345678", "13712345678"), rows.phone.subList(0, 3),
        "numbers as numbers, scientific notation with all digits, a formula's value");
    assertEquals("13612345678", rows.phone.get(rows.rowNo.indexOf(10)), "full-width digits and trailing spaces");
    assertEquals("孙八", rows.name.get(rows.rowNo.indexOf(10)));
    assertEquals(LocalDate.of(2025, 3, 18), rows.eventDate.get(0), "a date stored as a spreadsheet serial");
    assertEquals("2025-03-18T14:30+08:00", rows.eventAt.get(1).toString(), "date with time, in the campaign's zone");
    assertEquals("2025-03-19T00:00+08:00", rows.eventAt.get(0).toString(), "a day without time counts from its end");
    assertEquals(Boolean.TRUE, rows.workOrderClosed.get(0));
    assertEquals(Boolean.FALSE, rows.workOrderClosed.get(1));
    assertEquals("pdi", rows.specialKind.get(rows.rowNo.indexOf(7)));
    assertNull(rows.phone.get(rows.rowNo.indexOf(7)), "the placeholder of a flagged record is not a phone");
  }

  @Test
  void gbkCsvWithUtf8LinesQuotesAndNumbersFromExcel() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write("客户姓名,联系电话,出厂日期,工单号,备注\r\n".getBytes(GBK));
    out.write("张三,13812345678.0,2025-03-18,A1,\"地址：北京,朝阳\"\r\n".getBytes(GBK));
    out.write("李四,1.38E+10,2025-03-18,A2,\r\n".getBytes(GBK));
    out.write("王五 ,\"139-1234-5678\",2025-03-18,A3,\"两行\n备注\"\r\n".getBytes(GBK));
    out.write("\r\n".getBytes(GBK));
    out.write("赵六,+86 137 1234 5678,2025.3.18,A4,追加的UTF-8行\r\n".getBytes(StandardCharsets.UTF_8));
    out.write("钱七,０１０－８７６５４３２１,20250318,A5,\r\n".getBytes(GBK));
    Path f = Files.write(dir.resolve("gbk.csv"), out.toByteArray());
    ImportService.Checked c = check(f, null);
    assertNull(c.error(), () -> c.error().english());
    JsonObject r = c.report();
    assertEquals("csv", r.getString("format"));
    assertEquals("GBK + UTF-8", r.getString("encoding"));
    assertEquals(5, r.getInteger("rowsRead"), r.encodePrettily());
    assertEquals(4, r.getInteger("accepted"));
    assertEquals(Set.of(3), rejectedRows(r));
    assertEquals("rounded", rejection(r, 3).getString("reason"));
    assertTrue(rejection(r, 3).getString("messageZh").contains("科学计数法"));
    assertEquals(List.of("张三", "王五", "赵六", "钱七"), c.rows().name);
    assertEquals(List.of("13812345678", "13912345678", "13712345678", "01087654321"), c.rows().phone);
    assertEquals(List.of(2, 4, 7, 8), c.rows().rowNo, "row numbers are file lines, a quoted line break included");
  }

  @Test
  void englishHeadersUtf8WithBomAndARememberedMapping() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    String csv = "Customer Name,Mobile,Service Date,RO No\nAnna Li,13812345678,2025-03-18,R1\n";
    Path f = dir.resolve("en.csv");
    try (OutputStream o = Files.newOutputStream(f)) {
      o.write(bom);
      o.write(csv.getBytes(StandardCharsets.UTF_8));
    }
    ImportService.Checked c = check(f, null);
    assertNull(c.error());
    assertEquals(1, c.report().getInteger("accepted"));
    assertEquals("Customer Name", c.report().getJsonObject("columns").getString("customer_name"));

    // A dealer whose system calls its columns something nobody could guess: the remembered mapping reads it.
    Path odd = Files.writeString(dir.resolve("odd.csv"), "甲,乙,丙\n张三,13812345678,2025-03-18\n", StandardCharsets.UTF_8);
    assertNotNull(check(odd, null).error(), "without a mapping there is no header");
    ImportService.Checked mapped = check(odd, new JsonObject().put("customer_name", "甲").put("phone", "乙")
        .put("service_date", "丙"));
    assertNull(mapped.error(), () -> mapped.error().english());
    assertEquals(1, mapped.report().getInteger("accepted"));
  }

  @Test
  void aRememberedMappingDoesNotHideHeadersThisFileNamesPlainly() throws Exception {
    // The dealer's mapping came from an older export with odd names; this export uses the usual headers.
    JsonObject remembered = new JsonObject().put("customer_name", "甲").put("phone", "乙").put("service_date", "丙");
    Path plain = Files.writeString(dir.resolve("plain.csv"), "客户姓名,联系电话,出厂日期\n张三,13812345678,2025-03-18\n",
        StandardCharsets.UTF_8);
    ImportService.Checked c = check(plain, remembered);
    assertNull(c.error(), () -> c.error().english());
    assertEquals(1, c.report().getInteger("accepted"));
    // Merged: the mapping's own name for one column, the usual header for the others.
    Path mixed = Files.writeString(dir.resolve("mixed.csv"), "甲,联系电话,出厂日期,客户姓名\n张三,13812345678,2025-03-18,X\n",
        StandardCharsets.UTF_8);
    ImportService.Checked m = check(mixed, remembered);
    assertNull(m.error(), () -> m.error().english());
    assertEquals("甲", m.report().getJsonObject("columns").getString("customer_name"), "the mapping's name wins");
    assertEquals(List.of("张三"), m.rows().name);
  }

  @Test
  void aNulCharacterInACellRejectsItsRowNamingTheCell() throws Exception {
    Path f = Files.writeString(dir.resolve("nul.csv"), "客户姓名,联系电话,出厂日期,车型\n张\u0000三,13812345678,2025-03-18,速腾\n"
        + "李四,13912345678,2025-03-18,迈\u0000腾\n王五,13712345678,2025-03-18,宝来\n", StandardCharsets.UTF_8);
    ImportService.Checked c = check(f, null);
    assertNull(c.error(), () -> c.error().english());
    JsonObject r = c.report();
    assertEquals(Set.of(2, 3), rejectedRows(r));
    assertEquals("nul_character", rejection(r, 2).getString("reason"));
    assertEquals("客户姓名", rejection(r, 2).getString("column"));
    assertEquals("车型", rejection(r, 3).getString("column"));
    assertEquals(List.of("王五"), c.rows().name);
    assertTrue(!r.encode().contains("\\u0000"), "the report can be stored as jsonb: " + r.encode());
  }

  @Test
  void aCellLongerThanExcelAllowsIsAClearFileErrorBeforeAnythingIsRead() throws Exception {
    Path f = new RawXlsx().row("客户姓名", "联系电话", "出厂日期")
        .row("张".repeat(XlsxLimits.EXCEL_CELL_CHARS * 3), "13812345678", "2025-03-18").write(dir.resolve("long.xlsx"));
    ImportService.Checked c = check(f, null);
    assertNotNull(c.error(), "a giant cell is refused, not read into memory");
    assertEquals("file", c.error().field());
    assertTrue(c.error().english().contains("32,767 characters"), c.error().english());
    assertTrue(c.error().chinese().contains("工作簿过大"), c.error().chinese());
  }

  @Test
  void sharedStringBombsAreBoundedInCountSizeAndLength() throws Exception {
    XlsxLimits small = new XlsxLimits(100, 1024, 3, 10_000, 100_000, 50);
    String one = "<si><t>abc</t></si>";
    small.scan(stream("<sst count=\"3\">" + one.repeat(3) + "</sst>"), "xl/sharedStrings.xml", true);
    assertTrue(bounded(small, "<sst>" + one.repeat(4) + "</sst>", true).contains("over 3 shared strings"));
    assertTrue(bounded(small, "<sst><si><t>" + "a".repeat(101) + "</t></si></sst>", true).contains("longer than"));
    // A rich-text string counts all its runs together.
    assertTrue(bounded(small, "<sst><si>" + "<r><t>aaaaaaaaaa</t></r>".repeat(11) + "</si></sst>", true)
        .contains("longer than"));
    assertTrue(bounded(small, "<sst" + " x=\"1\"".repeat(300) + ">", true).contains("tag"));
    assertTrue(bounded(small, "<sst>" + "<si><t>ab</t></si>\n".repeat(6000) + "</sst>", false)
        .contains("inflates"), "the sheet's size is bounded too (here: no shared strings counted)");
    assertTrue(bounded(small, "<sst>" + one.repeat(2) + "x".repeat(10_000) + "</sst>", true).contains("inflates"));
  }

  static java.io.InputStream stream(String s) {
    return new java.io.ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  static String bounded(XlsxLimits limits, String xml, boolean shared) {
    try {
      limits.scan(stream(xml), "xl/sharedStrings.xml", shared);
    } catch (io.huifang.core.Invalid e) {
      return e.english();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError("not refused: " + xml.substring(0, Math.min(80, xml.length())));
  }

  @Test
  void aMissingRequiredColumnIsAClearFileError() throws Exception {
    Path f = Files.writeString(dir.resolve("nodate.csv"), "客户姓名,联系电话,车型\n张三,13812345678,速腾\n",
        StandardCharsets.UTF_8);
    ImportService.Checked c = check(f, null);
    assertNotNull(c.error());
    assertEquals("file", c.error().field());
    // Named as the page names the field, never by the API's id.
    assertTrue(c.error().english().contains("出厂日期") && c.error().english().contains("service date"),
        c.error().english());
    assertTrue(!c.error().english().contains("service_date") && !c.error().chinese().contains("service_date"),
        c.error().english() + " / " + c.error().chinese());
    assertTrue(c.error().chinese().contains("“出厂日期”"), c.error().chinese());
    assertTrue(c.error().english().contains("header row 1"), c.error().english());
    assertTrue(c.error().chinese().contains("缺少必需的列"), c.error().chinese());
    assertNull(c.rows());
  }

  @Test
  void tenThousandRowsWithThreeBadOnes() throws Exception {
    Path f = dir.resolve("10k.xlsx");
    Set<Integer> bad = Set.of(1235, 5679, 9999);
    try (OutputStream o = Files.newOutputStream(f)) {
      Workbook wb = new Workbook(o, "test", "1.0");
      Worksheet ws = wb.newWorksheet("Sheet1");
      String[] header = {"客户姓名", "联系电话", "车型", "VIN", "出厂日期", "工单号"};
      for (int i = 0; i < header.length; i++) {
        ws.value(0, i, header[i]);
      }
      for (int r = 1; r <= 10_000; r++) {
        int sheetRow = r + 1;
        ws.value(r, 0, "客户" + r);
        if (sheetRow == 1235) {
          ws.value(r, 1, "00000000000");
        } else if (sheetRow == 5679) {
          ws.value(r, 1, "1.38E+10");
        } else {
          ws.value(r, 1, 13800000000L + r);
        }
        ws.value(r, 2, "速腾");
        ws.value(r, 3, String.format("LFV2A21K%09d", r));
        ws.value(r, 4, sheetRow == 9999 ? "2025-02-30" : "2025-03-18");
        ws.value(r, 5, "WO" + r);
      }
      wb.finish();
    }
    ImportService.Checked c = check(f, null);
    assertNull(c.error());
    assertEquals(10_000, c.report().getInteger("rowsRead"));
    assertEquals(9_997, c.report().getInteger("accepted"));
    assertEquals(bad, rejectedRows(c.report()));
    assertEquals("not_a_date", rejection(c.report(), 9999).getString("reason"));
    assertEquals(9_997, c.rows().size());
  }

  @Test
  void aWorkbookInThe1904DateSystemReadsItsDatesRight() throws Exception {
    // 2025-03-18 is serial 45734 in the usual 1900 system and 44272 in the 1904 system (1,462 days apart).
    long serial1904 = ChronoUnit.DAYS.between(LocalDate.of(1904, 1, 1), LocalDate.of(2025, 3, 18));
    assertEquals(44272, serial1904);
    Path mac = new RawXlsx().date1904().row("客户姓名", "联系电话", "出厂日期")
        .row("张三", "13812345678", "n:" + serial1904)
        .row("李四", "13912345678", "n:" + serial1904 + ".5")
        .write(dir.resolve("mac.xlsx"));
    ImportService.Checked c = check(mac, null);
    assertNull(c.error(), () -> c.error().english());
    assertEquals(List.of(LocalDate.of(2025, 3, 18), LocalDate.of(2025, 3, 18)), c.rows().eventDate);
    assertEquals(java.time.LocalTime.NOON, c.rows().eventAt.get(1).atZoneSameInstant(CSI.rules().zone())
        .toLocalTime(), "the fraction is the time of day in the 1904 system too");
    assertEquals(true, c.report().getBoolean("date1904"));
    // The same serial without the flag is a date four years earlier: the flag is what decides.
    Path pc = new RawXlsx().row("客户姓名", "联系电话", "出厂日期").row("张三", "13812345678", "n:" + serial1904)
        .write(dir.resolve("pc.xlsx"));
    assertEquals(List.of(LocalDate.of(2021, 3, 17)), check(pc, null).rows().eventDate);
    assertEquals(LocalDate.of(2025, 3, 18), DmsDates.parse("44272", true, true).date());
    assertNull(DmsDates.parse("100", true, true), "serial 100 is 1904-04-10: no visit date");
  }

  @Test
  void anExtensionIsKeptApartAndTheRowIsAccepted() throws Exception {
    Path f = Files.writeString(dir.resolve("ext.csv"), "客户姓名,联系电话,出厂日期\n张三,010-12345678转8001,2025-03-18\n"
        + "李四,0755-8123456-12,2025-03-18\n王五,13812345678,2025-03-18\n", StandardCharsets.UTF_8);
    ImportService.Checked c = check(f, null);
    assertNull(c.error(), () -> c.error().english());
    assertEquals(3, c.report().getInteger("accepted"));
    assertEquals(0, c.report().getInteger("rejectedRows"));
    assertEquals(List.of("01012345678", "07558123456", "13812345678"), c.rows().phone);
    assertEquals(java.util.Arrays.asList("8001", "12", null), c.rows().phoneExt);
  }

  static final ImportValidator.Dealer BJ01 = new ImportValidator.Dealer("BJ01", "北京东方4S店");

  @Test
  void aDealerColumnIsCheckedAgainstTheChosenDealer() throws Exception {
    Path f = Files.writeString(dir.resolve("group.csv"), "经销商代码,客户姓名,联系电话,出厂日期\n"
        + "BJ01,张三,13812345678,2025-03-18\n"
        + "bj01,李四,13912345678,2025-03-18\n"
        + "SH02,王五,13712345678,2025-03-18\n"
        + ",赵六,13612345678,2025-03-18\n"
        + "SH02,钱七,13512345678,2025-03-18\n"
        + "北京东方4S店,孙八,13412345678,2025-03-18\n", StandardCharsets.UTF_8);
    ImportService.Checked c = ImportService.check(CSI, BJ01, f, null, new ImportService.Progress());
    assertNull(c.error(), () -> c.error().english());
    JsonObject r = c.report();
    assertEquals(Set.of(4, 6), rejectedRows(r), "the other dealer's rows, and only they, are refused");
    assertEquals("other_dealer", rejection(r, 4).getString("reason"));
    assertTrue(rejection(r, 4).getString("messageZh").contains("SH02")
        && rejection(r, 4).getString("messageZh").contains("BJ01"), rejection(r, 4).encode());
    assertEquals("经销商代码", rejection(r, 4).getString("column"));
    assertEquals(new JsonArray().add(new JsonObject().put("value", "SH02").put("count", 2).put("rows", "4, 6")),
        r.getJsonArray("otherDealers"));
    assertEquals(List.of("张三", "李四", "赵六", "孙八"), c.rows().name, "the dealer's own rows are kept");

    // A file wholly of another dealer: the wrong dealer was chosen; a clear error naming the rows, nothing loaded.
    Path other = Files.writeString(dir.resolve("other.csv"), "经销商,客户姓名,联系电话,出厂日期\n"
        + "SH02,王五,13712345678,2025-03-18\nSH02,钱七,13512345678,2025-03-18\nSH02,周九,13312345678,2025-03-18\n",
        StandardCharsets.UTF_8);
    ImportService.Checked o = ImportService.check(CSI, BJ01, other, null, new ImportService.Progress());
    assertNotNull(o.error());
    assertEquals("dealerId", o.error().field());
    assertTrue(o.error().chinese().contains("“SH02”（2–4）") && o.error().chinese().contains("BJ01 北京东方4S店"),
        o.error().chinese());
    assertNull(o.rows());
    // Without a chosen dealer (the old callers) nothing is checked.
    assertEquals(3, check(other, null).report().getInteger("accepted"));
  }

  @Test
  void anUnknownHeaderIsPreviewedThenMappedAndTheMappingReadsTheNextFile() throws Exception {
    // 进厂日期 is the usual name of the order date; this CSI campaign needs 出厂日期.
    Path first = Files.writeString(dir.resolve("dms1.csv"), "4S店进厂明细\n姓名,手机号码,进厂日期,车型\n"
        + "张三,13812345678,2025-03-18,速腾\n李四,13912345678,2025/3/19,迈腾\n", StandardCharsets.UTF_8);
    assertTrue(check(first, null).error().chinese().contains("“出厂日期”"));
    JsonObject p = HeaderPreview.of(CSI, first, null);
    assertEquals(2, p.getInteger("headerRow"));
    assertEquals(new JsonArray().add("service_date"), p.getJsonArray("missing"));
    assertEquals("进厂日期", p.getJsonObject("mapping").getString("order_date"));
    assertEquals(List.of("姓名", "手机号码", "进厂日期", "车型"), p.getJsonArray("columns").stream()
        .map(o -> ((JsonObject) o).getString("header")).toList());
    assertEquals(2, p.getJsonArray("rows").size());
    assertEquals("李四", p.getJsonArray("rows").getJsonObject(1).getJsonArray("cells").getJsonObject(0)
        .getString("text"));
    JsonObject field = p.getJsonArray("fields").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("id").equals("service_date")).findFirst().orElseThrow();
    assertEquals("出厂日期", field.getString("name"));
    assertEquals(true, field.getBoolean("required"));

    // The admin maps 进厂日期 to 出厂日期; the import uses it, and the mapping it used is what is remembered.
    JsonObject mapping = new JsonObject().put("service_date", "进厂日期");
    JsonObject after = HeaderPreview.of(CSI, first, mapping);
    assertEquals(new JsonArray(), after.getJsonArray("missing"));
    ImportService.Checked c = check(first, mapping);
    assertNull(c.error(), () -> c.error().english());
    assertEquals(List.of(LocalDate.of(2025, 3, 18), LocalDate.of(2025, 3, 19)), c.rows().eventDate);
    JsonObject remembered = c.mappingUsed();
    assertEquals("进厂日期", remembered.getString("service_date"));
    assertNull(remembered.getString("order_date"), "the column is the service date now, not also the order date");

    // The dealer's next export, same names: read with the remembered mapping, nothing missing.
    Path next = Files.writeString(dir.resolve("dms2.csv"), "姓名,手机号码,进厂日期,车型\n王五,13712345678,2025-04-01,宝来\n",
        StandardCharsets.UTF_8);
    assertEquals(new JsonArray(), HeaderPreview.of(CSI, next, remembered).getJsonArray("missing"));
    ImportService.Checked n = check(next, remembered);
    assertNull(n.error(), () -> n.error().english());
    assertEquals(List.of(LocalDate.of(2025, 4, 1)), n.rows().eventDate);
  }

  @Test
  void aHeaderWithNoKnownNameIsStillPreviewedWithItsRows() throws Exception {
    Path f = Files.writeString(dir.resolve("odd.csv"), "导出报表\n甲,乙,丙\n张三,13812345678,2025-03-18\n", StandardCharsets.UTF_8);
    JsonObject p = HeaderPreview.of(CSI, f, null);
    assertEquals(2, p.getInteger("headerRow"));
    assertEquals(new JsonArray().add("customer_name").add("phone").add("service_date"), p.getJsonArray("missing"));
    assertEquals(1, p.getJsonArray("rows").size());
    // A date serial in the preview shows as the date it is.
    Path x = new RawXlsx().date1904().row("客户姓名", "联系电话", "进厂日期").row("张三", "13812345678", "n:44272")
        .write(dir.resolve("x.xlsx"));
    assertEquals("2025-03-18", HeaderPreview.of(CSI, x, null).getJsonArray("rows").getJsonObject(0)
        .getJsonArray("cells").getJsonObject(2).getString("date"));
  }
}
