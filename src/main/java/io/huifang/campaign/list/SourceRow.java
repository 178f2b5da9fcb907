package io.huifang.campaign.list;

import java.util.List;

/**
 * One row of a customer list as read from the file, before any interpretation. {@code rowNo} is the row number
 * a person sees: the spreadsheet's row, or the CSV line where the record starts. {@code date1904}: the workbook counts
 * date serials from 1904 (its workbookPr date1904 flag), which decides what a number in a date column means.
 */
public record SourceRow(int rowNo, List<Cell> cells, boolean date1904) {

  public SourceRow(int rowNo, List<Cell> cells) {
    this(rowNo, cells, false);
  }

  /** A cell's text; {@code number} when the spreadsheet stored it as a number; {@code formula} when computed. */
  public record Cell(String text, boolean number, boolean formula, boolean error) {
    public static final Cell EMPTY = new Cell("", false, false, false);

    public static Cell text(String s) {
      return new Cell(s == null ? "" : s, false, false, false);
    }
  }

  public Cell cell(int i) {
    return i >= 0 && i < cells.size() ? cells.get(i) : Cell.EMPTY;
  }

  public boolean blank() {
    return cells.stream().allMatch(c -> c.text().strip().isEmpty() && !c.formula());
  }
}
