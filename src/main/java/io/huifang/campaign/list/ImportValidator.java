package io.huifang.campaign.list;

import io.huifang.core.Invalid;
import io.huifang.campaign.Campaign;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Checks every row of one customer list before anything is written, and collects the rows to load. Fed row by row
 * by {@link ListReader}; finds the header row itself (exports often start with a title row), maps the columns by the
 * dealer's remembered mapping or by the usual Chinese and English headers, and builds the import report.
 */
public final class ImportValidator {
  /** The report lists at most this many rejected rows; the counts are always complete. */
  static final int MAX_LISTED = 1000;
  private static final int HEADER_SEARCH_ROWS = 30;
  /** How a NUL character is shown in the report (U+2400 SYMBOL FOR NULL): the report is stored as jsonb. */
  static final char NUL_SHOWN = '\u2400';
  private static final Set<String> CLOSED = Set.of("已结算", "已完工", "已关闭", "结算", "完工", "关闭", "已交车", "closed",
      "settled", "done", "completed", "是", "y", "yes", "1", "true");
  private static final Set<String> OPEN = Set.of("未结算", "未完工", "在修", "未关闭", "维修中", "open", "pending", "否", "n", "no",
      "0", "false");

  private final Field dateField;
  private final ZoneId zone;
  private final Map<String, Field> explicit = new HashMap<>();
  private final IntConsumer progress;

  private Map<Field, Integer> columns;
  private List<String> headerTexts;
  private int headerRow;
  private int rowsSeen;
  private int rowsRead;
  private int blankRows;
  private int accepted;
  private int rejectedRows;
  private final Map<SpecialKind, Integer> flagged = new EnumMap<>(SpecialKind.class);
  private final Map<String, Integer> rejectedByReason = new TreeMap<>();
  private final JsonArray rejected = new JsonArray();
  private final Map<String, Integer> rowKeys = new HashMap<>();
  private final Map<String, PhoneUse> phones = new HashMap<>();
  private int unusablePhones;
  private final LoadRows load = new LoadRows();

  private record PhoneUse(String firstName, List<Integer> rows, Set<String> names) {
  }

  /**
   * {@code mapping} is {@code field id -> header} (explicit or remembered for the dealer), may be empty;
   * {@code progress} hears the number of rows read so far.
   */
  public ImportValidator(Campaign campaign, JsonObject mapping, IntConsumer progress) {
    this.dateField = switch (campaign.deadlineBasis()) {
      case SERVICE_DATE -> Field.SERVICE_DATE;
      case SALE_DATE -> Field.SALE_DATE;
      case ORDER_DATE -> Field.ORDER_DATE;
    };
    this.zone = campaign.rules().zone();
    this.progress = progress;
    if (mapping != null) {
      for (String id : mapping.fieldNames()) {
        Field f = Field.byId(id);
        if (f == null || !(mapping.getValue(id) instanceof String header) || header.isBlank()) {
          throw new Invalid("mapping", "mapping: unknown field \"" + id + "\" or empty header",
              "列映射：未知字段“" + id + "”或表头为空");
        }
        explicit.put(Field.normaliseHeader(header), f);
      }
    }
  }

  public void accept(SourceRow row) {
    rowsSeen++;
    if (columns == null) {
      findHeader(row);
      return;
    }
    if (row.blank()) {
      blankRows++;
      return;
    }
    if (repeatsHeader(row)) {
      return;
    }
    rowsRead++;
    if ((rowsRead & 1023) == 0) {
      progress.accept(rowsRead);
    }
    check(row);
  }

  private void findHeader(SourceRow row) {
    if (row.blank()) {
      return;
    }
    Map<Field, Integer> found = new EnumMap<>(Field.class);
    java.util.Set<Integer> used = new java.util.HashSet<>();
    // The mapping's headers first (the dealer's own names win for the fields it names)...
    for (int i = 0; i < row.cells().size(); i++) {
      Field f = explicit.get(Field.normaliseHeader(row.cell(i).text()));
      if (f != null && !found.containsKey(f)) {
        found.put(f, i);
        used.add(i);
      }
    }
    // ... then the usual headers for every field still missing: a remembered mapping from older exports must not
    // hide a column this file names plainly (the DMS renamed a column, or the mapping named it in another file).
    for (int i = 0; i < row.cells().size(); i++) {
      Field f = Field.forHeader(Field.normaliseHeader(row.cell(i).text()));
      if (f != null && !found.containsKey(f) && !used.contains(i)) {
        found.put(f, i);
      }
    }
    if (found.size() >= 2) {
      headerRow = row.rowNo();
      headerTexts = row.cells().stream().map(c -> c.text().replace('\0', NUL_SHOWN).strip()).toList();
      for (Field required : List.of(Field.CUSTOMER_NAME, Field.PHONE, dateField)) {
        if (!found.containsKey(required)) {
          throw new Invalid("file", "required column \"" + required.chinese() + "\" (" + required.id()
              + ") is missing; the header row " + headerRow + " has: " + String.join(", ", nonBlank(headerTexts)),
              "缺少必需的列“" + required.chinese() + "”（" + required.id() + "）；第 " + headerRow + " 行表头为："
                  + String.join("、", nonBlank(headerTexts)));
        }
      }
      columns = found;
    } else if (rowsSeen >= HEADER_SEARCH_ROWS) {
      throw new Invalid("file", "no header row in the first " + HEADER_SEARCH_ROWS + " rows: expected columns such as"
          + " 客户姓名, 联系电话, " + dateField.chinese(), "前 " + HEADER_SEARCH_ROWS + " 行中找不到表头：应有“客户姓名”“联系电话”“"
          + dateField.chinese() + "”等列");
    }
  }

  private static List<String> nonBlank(List<String> l) {
    return l.stream().filter(s -> !s.isBlank()).toList();
  }

  private boolean repeatsHeader(SourceRow row) {
    int phoneCol = columns.get(Field.PHONE);
    return Field.normaliseHeader(row.cell(phoneCol).text()).equals(Field.normaliseHeader(headerTexts.get(phoneCol)));
  }

  /** Called once the whole file is read. Throws when the file had no usable header. */
  public JsonObject finish(ListReader.FileInfo info) {
    if (columns == null) {
      throw new Invalid("file", "no header row found: expected columns such as 客户姓名, 联系电话, " + dateField.chinese(),
          "找不到表头：应有“客户姓名”“联系电话”“" + dateField.chinese() + "”等列");
    }
    progress.accept(rowsRead);
    JsonObject mappingUsed = new JsonObject();
    columns.forEach((f, i) -> mappingUsed.put(f.id(), headerTexts.get(i)));
    JsonObject flaggedJson = new JsonObject();
    flagged.forEach((k, v) -> flaggedJson.put(k.id(), v));
    JsonArray dups = new JsonArray();
    phones.forEach((phone, use) -> {
      if (use.names().size() > 1) {
        dups.add(new JsonObject().put("phone", phone).put("rows", new JsonArray(new ArrayList<>(use.rows())))
            .put("names", new JsonArray(new ArrayList<>(use.names()))));
      }
    });
    List<Object> sorted = new ArrayList<>(dups.getList());
    sorted.sort((a, b) -> Integer.compare(((JsonObject) a).getJsonArray("rows").getInteger(0),
        ((JsonObject) b).getJsonArray("rows").getInteger(0)));
    JsonObject byReason = new JsonObject();
    rejectedByReason.forEach(byReason::put);
    return new JsonObject().put("format", info.format()).put("encoding", info.encoding()).put("sheet", info.sheet())
        .put("headerRow", headerRow).put("columns", mappingUsed)
        .put("rowsRead", rowsRead).put("blankRows", blankRows).put("accepted", accepted)
        .put("flagged", flaggedJson).put("flaggedTotal", flagged.values().stream().mapToInt(Integer::intValue).sum())
        .put("rejectedRows", rejectedRows).put("rejectedByReason", byReason)
        .put("rejected", rejected).put("rejectedListed", rejected.size())
        .put("duplicatePhones", new JsonArray(sorted)).put("unusablePhones", unusablePhones);
  }

  public LoadRows rows() {
    return load;
  }

  public JsonObject mappingUsed() {
    JsonObject m = new JsonObject();
    columns.forEach((f, i) -> m.put(f.id(), headerTexts.get(i)));
    return m;
  }

  public int unusablePhones() {
    return unusablePhones;
  }

  // ------------------------------------------------------------------ one row

  private final List<JsonObject> problems = new ArrayList<>();

  private void check(SourceRow row) {
    problems.clear();
    // PostgreSQL text (and the report's jsonb) cannot hold U+0000: the row is refused, naming its cell.
    columns.forEach((f, i) -> {
      String t = row.cell(i).text();
      if (t.indexOf('\0') >= 0) {
        problem(row, f, t.replace('\0', NUL_SHOWN), "nul_character", f.chinese() + " contains a NUL character (U+0000)",
            f.chinese() + "含有空字符（U+0000）");
      }
    });
    if (!problems.isEmpty()) {
      reject();
      return;
    }
    String nameText = text(row, Field.CUSTOMER_NAME);
    SpecialKind.Parsed parsed = SpecialKind.parse(nameText);
    if (parsed.kind() == null && parsed.name().isEmpty()) {
      problem(row, Field.CUSTOMER_NAME, nameText, "empty", "customer name is empty", "客户姓名为空");
    }
    SourceRow.Cell phoneCell = cell(row, Field.PHONE);
    String phone = null;
    if (!cellUsable(row, Field.PHONE)) {
      unusablePhones++;
    } else {
      ChinaPhone.Result r = ChinaPhone.normalise(phoneCell.text());
      if (r.ok()) {
        phone = r.phone();
      } else {
        unusablePhones++;
        if (parsed.kind() == null) {
          problem(row, Field.PHONE, phoneCell.text(), r.problem(), r.english(), r.chinese());
        }
      }
    }
    DmsDates.When when = null;
    if (cellUsable(row, dateField)) {
      SourceRow.Cell dc = cell(row, dateField);
      when = DmsDates.parse(dc.text(), dc.number());
      if (when == null && parsed.kind() == null) {
        String shown = dc.text().strip();
        problem(row, dateField, dc.text(), shown.isEmpty() ? "empty" : "not_a_date",
            shown.isEmpty() ? dateField.chinese() + " is empty" : "\"" + shown + "\" is not a date",
            shown.isEmpty() ? dateField.chinese() + "为空" : "“" + shown + "”不是日期");
      }
    }
    String wo = text(row, Field.WORK_ORDER_NO);
    String vin = text(row, Field.VIN).toUpperCase(Locale.ROOT);
    String day = when == null ? "" : when.date().toString();
    String key = !wo.isEmpty() ? "wo:" + wo : !vin.isEmpty() ? "vin:" + vin + "|" + day
        : "np:" + parsed.name() + "|" + (phone == null ? phoneCell.text().strip() : phone) + "|" + day;
    if (problems.isEmpty()) {
      Integer earlier = rowKeys.putIfAbsent(key, row.rowNo());
      if (earlier != null) {
        Field f = !wo.isEmpty() ? Field.WORK_ORDER_NO : !vin.isEmpty() ? Field.VIN : Field.CUSTOMER_NAME;
        problem(row, f, text(row, f), "duplicate_row", "same " + (f == Field.WORK_ORDER_NO ? "work order" : "vehicle"
            + " and date") + " as row " + earlier, "与第 " + earlier + " 行重复（" + f.chinese() + "相同）");
      }
    }
    if (!problems.isEmpty()) {
      reject();
      return;
    }
    if (phone != null) {
      PhoneUse use = phones.computeIfAbsent(phone, p -> new PhoneUse(parsed.name(), new ArrayList<>(2),
          new java.util.LinkedHashSet<>(2)));
      use.rows().add(row.rowNo());
      use.names().add(parsed.name());
    }
    if (parsed.kind() != null) {
      flagged.merge(parsed.kind(), 1, Integer::sum);
    } else {
      accepted++;
    }
    OffsetDateTime eventAt = null;
    if (when != null) {
      // A day without a time counts from the end of that day: the customer left some time that day.
      ZonedDateTime z = when.time() == null ? when.date().plusDays(1).atStartOfDay(zone)
          : when.date().atTime(when.time()).atZone(zone);
      eventAt = z.toOffsetDateTime();
    }
    String status = text(row, Field.WORK_ORDER_STATUS).toLowerCase(Locale.ROOT);
    Boolean closed = status.isEmpty() ? null : CLOSED.contains(status) ? Boolean.TRUE
        : OPEN.contains(status) ? Boolean.FALSE : null;
    load.add(row.rowNo(), key, parsed.name(), parsed.kind() == null ? null : parsed.kind().id(),
        blankToNull(phoneCell.text().strip()), phone, blankToNull(text(row, Field.VEHICLE_MODEL)),
        blankToNull(text(row, Field.PLATE)), blankToNull(vin), when == null ? null : when.date(), eventAt,
        blankToNull(wo), closed);
  }

  private void reject() {
    rejectedRows++;
    for (JsonObject p : problems) {
      rejectedByReason.merge(p.getString("reason"), 1, Integer::sum);
      if (rejected.size() < MAX_LISTED) {
        rejected.add(p);
      }
    }
  }

  private boolean cellUsable(SourceRow row, Field f) {
    SourceRow.Cell c = cell(row, f);
    if (c.formula() && c.text().isEmpty()) {
      problem(row, f, "", "formula_without_value", "formula without a computed value (save the file in Excel first)",
          "公式没有计算结果（请先在 Excel 中保存文件）");
      return false;
    }
    if (c.error()) {
      problem(row, f, c.text(), "spreadsheet_error", "spreadsheet error " + c.text(), "表格错误值 " + c.text());
      return false;
    }
    return true;
  }

  private void problem(SourceRow row, Field f, String value, String reason, String english, String chinese) {
    Integer col = columns.get(f);
    problems.add(new JsonObject().put("row", row.rowNo()).put("column", col == null ? f.chinese() : headerTexts.get(col))
        .put("columnLetter", col == null ? null : letter(col)).put("field", f.id()).put("value", value)
        .put("reason", reason).put("message", english).put("messageZh", chinese));
  }

  static String letter(int col) {
    StringBuilder sb = new StringBuilder();
    for (int c = col + 1; c > 0; c = (c - 1) / 26) {
      sb.insert(0, (char) ('A' + (c - 1) % 26));
    }
    return sb.toString();
  }

  private SourceRow.Cell cell(SourceRow row, Field f) {
    Integer i = columns.get(f);
    return i == null ? SourceRow.Cell.EMPTY : row.cell(i);
  }

  private String text(SourceRow row, Field f) {
    return java.text.Normalizer.normalize(cell(row, f).text(), java.text.Normalizer.Form.NFKC)
        .replace('\u00a0', ' ').strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
