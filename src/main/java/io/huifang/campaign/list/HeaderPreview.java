package io.huifang.campaign.list;

import io.huifang.campaign.Campaign;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the column-mapping screen shows of a file before it is imported: the header row (found as the import finds
 * it, or the first row that looks like one when none of its names is known), its columns with a few sample values,
 * the first rows, the fields with their names, the mapping the import would use and the required fields it does not
 * find. Reads only as far as it needs (the header and {@link #ROWS} rows after it). Blocking: run on a worker.
 */
final class HeaderPreview {
  static final int ROWS = 5;
  private static final int SEARCH_ROWS = 30;

  private final Map<String, Field> explicit;
  private SourceRow header;
  private Map<Field, Integer> found;
  private SourceRow fallback;
  private int seen;
  private final List<SourceRow> rows = new ArrayList<>();

  private HeaderPreview(Map<String, Field> explicit) {
    this.explicit = explicit;
  }

  /** {@code mapping}: field id → header (given by the page or remembered for the dealer), may be null. */
  static JsonObject of(Campaign campaign, Path file, JsonObject mapping) {
    // The validator checks the mapping's field ids the way the import will.
    ImportValidator v = new ImportValidator(campaign, mapping, n -> { });
    HeaderPreview p = new HeaderPreview(v.explicit());
    ListReader.FileInfo info = ListReader.read(file, p::accept);
    return p.toJson(campaign, info);
  }

  private void accept(SourceRow row) {
    seen++;
    if (header != null) {
      if (!row.blank()) {
        rows.add(row);
        if (rows.size() >= ROWS) {
          throw new ListReader.Enough();
        }
      }
      return;
    }
    if (row.blank()) {
      return;
    }
    Map<Field, Integer> m = ImportValidator.match(row, explicit);
    if (m.size() >= 2) {
      header = row;
      found = m;
      rows.clear();
      return;
    }
    if (fallback == null && nonBlankCells(row) >= 3) {
      // A header none of whose names we know: the first row with three or more filled cells (a title row has one).
      fallback = row;
    } else if (fallback != null && rows.size() < ROWS) {
      rows.add(row);
    }
    if (seen >= SEARCH_ROWS && fallback != null) {
      header = fallback;
      found = ImportValidator.match(fallback, explicit);
      if (rows.size() >= ROWS) {
        throw new ListReader.Enough();
      }
    }
  }

  private static int nonBlankCells(SourceRow row) {
    return (int) row.cells().stream().filter(c -> !c.text().isBlank()).count();
  }

  private JsonObject toJson(Campaign campaign, ListReader.FileInfo info) {
    if (header == null && fallback != null) {
      // A short file: fewer than the rows searched. Its data rows are those after the fallback header.
      header = fallback;
      found = ImportValidator.match(fallback, explicit);
    }
    JsonObject out = new JsonObject().put("format", info.format()).put("encoding", info.encoding())
        .put("sheet", info.sheet()).put("date1904", info.date1904());
    List<Field> required = ImportValidator.required(campaign);
    JsonArray fields = new JsonArray();
    for (Field f : Field.values()) {
      fields.add(new JsonObject().put("id", f.id()).put("name", f.chinese()).put("nameEn", f.english())
          .put("required", required.contains(f)).put("date", f.isDate()));
    }
    out.put("fields", fields);
    if (header == null) {
      return out.put("headerRow", null).put("columns", new JsonArray()).put("rows", new JsonArray())
          .put("mapping", new JsonObject()).put("missing", new JsonArray(required.stream().map(Field::id).toList()));
    }
    JsonArray columns = new JsonArray();
    int width = header.cells().size();
    for (SourceRow r : rows) {
      width = Math.max(width, r.cells().size());
    }
    for (int i = 0; i < width; i++) {
      columns.add(new JsonObject().put("index", i).put("letter", ImportValidator.letter(i))
          .put("header", header.cell(i).text().replace('\0', ImportValidator.NUL_SHOWN).strip()));
    }
    JsonObject mapping = new JsonObject();
    found.forEach((f, i) -> mapping.put(f.id(), header.cell(i).text().strip()));
    JsonArray data = new JsonArray();
    for (SourceRow r : rows) {
      JsonArray cells = new JsonArray();
      for (int i = 0; i < width; i++) {
        SourceRow.Cell c = r.cell(i);
        JsonObject cell = new JsonObject().put("text", c.text().replace('\0', ImportValidator.NUL_SHOWN));
        // A number in a date column is a serial day: the page shows it as the date it is (1900 or 1904 system).
        DmsDates.When when = c.number() ? DmsDates.parse(c.text(), true, r.date1904()) : null;
        if (when != null) {
          cell.put("date", when.time() == null ? when.date().toString() : when.date() + " " + when.time());
        }
        cells.add(cell);
      }
      data.add(new JsonObject().put("row", r.rowNo()).put("cells", cells));
    }
    return out.put("headerRow", header.rowNo()).put("columns", columns).put("rows", data).put("mapping", mapping)
        .put("missing", new JsonArray(required.stream().filter(f -> !found.containsKey(f)).map(Field::id).toList()));
  }
}
