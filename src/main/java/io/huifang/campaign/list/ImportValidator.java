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
  /** The dealer chosen for the import, to check a dealer column against; null: not checked. */
  private final Dealer dealer;
  /** Rows naming another dealer, by the value they give (in file order). */
  private final Map<String, List<Integer>> otherDealerRows = new java.util.LinkedHashMap<>();
  private int dealerRowsChecked;
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

  /** The dealer an import is for: a dealer column in the file must name it by its code or its name. */
  public record Dealer(String code, String name) {
    /** Whether a cell of the dealer column names this dealer (code or name, ignoring case, width and spaces). */
    boolean named(String value) {
      String v = squeeze(value);
      String c = squeeze(code);
      String n = squeeze(name);
      return v.isEmpty() || v.equals(c) || v.equals(n) || (!c.isEmpty() && v.startsWith(c))
          || (!n.isEmpty() && (v.contains(n) || (v.length() >= 2 && n.contains(v))));
    }

    private static String squeeze(String s) {
      return s == null ? "" : java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC)
          .toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
    }

    String shown() {
      return code + " " + name;
    }
  }

  /**
   * {@code mapping} is {@code field id -> header} (explicit or remembered for the dealer), may be empty;
   * {@code progress} hears the number of rows read so far.
   */
  public ImportValidator(Campaign campaign, JsonObject mapping, IntConsumer progress) {
    this(campaign, mapping, null, progress);
  }

  /** {@code dealer}: the dealer chosen for the import; rows whose dealer column names another are refused. */
  public ImportValidator(Campaign campaign, JsonObject mapping, Dealer dealer, IntConsumer progress) {
    this.dealer = dealer;
    this.dateField = dateField(campaign);
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

  /** The date a campaign's deadline counts from, which every row must have. */
  static Field dateField(Campaign campaign) {
    return switch (campaign.deadlineBasis()) {
      case SERVICE_DATE -> Field.SERVICE_DATE;
      case SALE_DATE -> Field.SALE_DATE;
      case ORDER_DATE -> Field.ORDER_DATE;
    };
  }

  /** The fields a file must have for this campaign, in the order the page lists them. */
  static List<Field> required(Campaign campaign) {
    return List.of(Field.CUSTOMER_NAME, Field.PHONE, dateField(campaign));
  }

  /** The explicit mapping ({@code field id -> header}) keyed by normalised header; invalid entries refused. */
  Map<String, Field> explicit() {
    return explicit;
  }

  /**
   * The columns a row names, if it is a header: the mapping's headers first (the dealer's own names win for the
   * fields it names), then the usual headers for every field still missing: a remembered mapping from older
   * exports must not hide a column this file names plainly (the DMS renamed a column, or the mapping named it in
   * another file).
   */
  static Map<Field, Integer> match(SourceRow row, Map<String, Field> explicit) {
    Map<Field, Integer> found = new EnumMap<>(Field.class);
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (int i = 0; i < row.cells().size(); i++) {
      Field f = explicit.get(Field.normaliseHeader(row.cell(i).text()));
      if (f != null && !found.containsKey(f)) {
        found.put(f, i);
        used.add(i);
      }
    }
    for (int i = 0; i < row.cells().size(); i++) {
      Field f = Field.forHeader(Field.normaliseHeader(row.cell(i).text()));
      if (f != null && !found.containsKey(f) && !used.contains(i)) {
        found.put(f, i);
      }
    }
    return found;
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
    Map<Field, Integer> found = match(row, explicit);
    if (found.size() >= 2) {
      headerRow = row.rowNo();
      headerTexts = row.cells().stream().map(c -> c.text().replace('\0', NUL_SHOWN).strip()).toList();
      List<Field> missing = List.of(Field.CUSTOMER_NAME, Field.PHONE, dateField).stream()
          .filter(f -> !found.containsKey(f)).toList();
      if (!missing.isEmpty()) {
        // Named as the page names the fields (出厂日期), never by the API's ids (service_date).
        throw new Invalid("file", "required column " + String.join(", ", missing.stream()
            .map(f -> f.chinese() + " (" + f.english() + ")").toList()) + " is missing; the header row " + headerRow
            + " has: " + String.join(", ", nonBlank(headerTexts)) + ". Map the file's columns to the fields.",
            "缺少必需的列" + String.join("", missing.stream().map(f -> "“" + f.chinese() + "”").toList()) + "；第 "
                + headerRow + " 行表头为：" + String.join("、", nonBlank(headerTexts)) + "。请为文件的列指定对应字段。");
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
    int otherRows = otherDealerRows.values().stream().mapToInt(List::size).sum();
    if (otherRows > 0 && otherRows == dealerRowsChecked) {
      // Not one row of the chosen dealer: the wrong dealer was picked (or the wrong file); nothing is written.
      String which = String.join("、", otherDealerRows.entrySet().stream()
          .map(e -> "“" + e.getKey() + "”（" + RowRanges.of(e.getValue()) + "）").toList());
      String whichEn = String.join(", ", otherDealerRows.entrySet().stream()
          .map(e -> "\"" + e.getKey() + "\" (rows " + RowRanges.of(e.getValue()) + ")").toList());
      throw new Invalid("dealerId", "the file's dealer column names " + whichEn + ", not the dealer chosen, "
          + dealer.shown() + ": choose the dealer this file belongs to", "文件的经销商列为" + which + "，不是所选的经销商 "
          + dealer.shown() + "：请选择此文件所属的经销商");
    }
    JsonArray others = new JsonArray();
    otherDealerRows.forEach((value, rows) -> others.add(new JsonObject().put("value", value).put("count", rows.size())
        .put("rows", RowRanges.of(rows))));
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
        .put("duplicatePhones", new JsonArray(sorted)).put("unusablePhones", unusablePhones)
        .put("otherDealers", others).put("date1904", info.date1904());
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
    if (dealer != null && columns.containsKey(Field.DEALER)) {
      String named = text(row, Field.DEALER);
      if (!named.isEmpty()) {
        dealerRowsChecked++;
        if (!dealer.named(named)) {
          otherDealerRows.computeIfAbsent(named, k -> new ArrayList<>()).add(row.rowNo());
          problem(row, Field.DEALER, named, "other_dealer", "this row is dealer \"" + named + "\"'s, not "
              + dealer.shown() + "'s chosen for this import", "此行属于经销商“" + named + "”，不是本次所选的 "
              + dealer.shown());
          reject();
          return;
        }
      }
    }
    String nameText = text(row, Field.CUSTOMER_NAME);
    SpecialKind.Parsed parsed = SpecialKind.parse(nameText);
    if (parsed.kind() == null && parsed.name().isEmpty()) {
      problem(row, Field.CUSTOMER_NAME, nameText, "empty", "customer name is empty", "客户姓名为空");
    }
    SourceRow.Cell phoneCell = cell(row, Field.PHONE);
    String phone = null;
    String extension = null;
    if (!cellUsable(row, Field.PHONE)) {
      unusablePhones++;
    } else {
      ChinaPhone.Result r = ChinaPhone.normalise(phoneCell.text());
      if (r.ok()) {
        phone = r.phone();
        extension = r.extension();
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
      when = DmsDates.parse(dc.text(), dc.number(), row.date1904());
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
        blankToNull(phoneCell.text().strip()), phone, extension, blankToNull(text(row, Field.VEHICLE_MODEL)),
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
