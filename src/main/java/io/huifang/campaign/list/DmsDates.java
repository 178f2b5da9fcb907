package io.huifang.campaign.list;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates as DMS exports write them: 2025-03-18, 2025/3/18, 2025.3.18, 20250318, 2025年3月18日, each optionally with a
 * time (14:30 or 14:30:00); or a spreadsheet serial number (days since 1899-12-30, fraction = time of day; in a
 * workbook saved with Excel's 1904 date system, days since 1904-01-01).
 */
public final class DmsDates {
  private static final Pattern DATE = Pattern.compile(
      "(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?(?:[T\\s]+(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?)?");
  private static final Pattern COMPACT = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
  private static final LocalDate EXCEL_EPOCH = LocalDate.of(1899, 12, 30);
  /** Serial 0 of a workbook whose workbookPr says date1904 (old Mac Excel, some DMS report engines). */
  private static final LocalDate EXCEL_1904_EPOCH = LocalDate.of(1904, 1, 1);
  /** Serials read as dates: 1954-10-03 … 2119-01-09 in the 1900 system, anything else is not a visit date. */
  private static final int FIRST_SERIAL = 20000;
  private static final int LAST_SERIAL = 80000;

  private DmsDates() {
  }

  /** A date with an optional time; {@code time} is null when the file gave only the day. */
  public record When(LocalDate date, LocalTime time) {
  }

  /** Null when the text is not a date. Serial numbers in the 1900 date system. */
  public static When parse(String raw, boolean spreadsheetNumber) {
    return parse(raw, spreadsheetNumber, false);
  }

  /** Null when the text is not a date; {@code date1904}: the workbook counts serials from 1904-01-01. */
  public static When parse(String raw, boolean spreadsheetNumber, boolean date1904) {
    if (raw == null) {
      return null;
    }
    String s = Normalizer.normalize(raw, Normalizer.Form.NFKC).strip();
    if (s.isEmpty()) {
      return null;
    }
    try {
      if (spreadsheetNumber || s.matches("\\d{5}(\\.\\d+)?")) {
        BigDecimal serial = new BigDecimal(s);
        long days = serial.longValue();
        LocalDate d = (date1904 ? EXCEL_1904_EPOCH : EXCEL_EPOCH).plusDays(days);
        long asIn1900 = java.time.temporal.ChronoUnit.DAYS.between(EXCEL_EPOCH, d);
        if (serial.signum() < 0 || asIn1900 < FIRST_SERIAL || asIn1900 > LAST_SERIAL) {
          return null;
        }
        BigDecimal fraction = serial.subtract(BigDecimal.valueOf(days));
        if (fraction.signum() == 0) {
          return new When(d, null);
        }
        long seconds = Math.round(fraction.doubleValue() * 86400);
        return new When(d, LocalTime.ofSecondOfDay(Math.min(seconds, 86399)));
      }
      Matcher m = DATE.matcher(s);
      if (m.matches()) {
        LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)));
        LocalTime t = m.group(4) == null ? null : LocalTime.of(Integer.parseInt(m.group(4)),
            Integer.parseInt(m.group(5)), m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
        return new When(d, t);
      }
      Matcher c = COMPACT.matcher(s);
      if (c.matches()) {
        return new When(LocalDate.of(Integer.parseInt(c.group(1)), Integer.parseInt(c.group(2)),
            Integer.parseInt(c.group(3))), null);
      }
      LocalDateTime iso = LocalDateTime.parse(s);
      return new When(iso.toLocalDate(), iso.toLocalTime());
    } catch (java.time.DateTimeException | NumberFormatException e) {
      return null;
    }
  }
}
