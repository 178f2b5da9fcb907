package io.huifang.campaign;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/**
 * A stretch of a local day, {@code [start, end)}, written "09:00-12:00". An end of "24:00" means midnight at the end
 * of the day, stored as {@link LocalTime#MAX} so that comparisons stay simple.
 */
public record TimeRange(LocalTime start, LocalTime end) {

  public TimeRange {
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("start must be before end");
    }
  }

  /** Parses "HH:mm-HH:mm"; throws IllegalArgumentException naming what is wrong. */
  public static TimeRange parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("expected \"HH:mm-HH:mm\"");
    }
    String[] parts = s.trim().split("\\s*[-–~]\\s*");
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected \"HH:mm-HH:mm\", got \"" + s + "\"");
    }
    try {
      LocalTime a = LocalTime.parse(pad(parts[0]));
      LocalTime b = "24:00".equals(pad(parts[1])) ? LocalTime.MAX : LocalTime.parse(pad(parts[1]));
      if (!a.isBefore(b)) {
        throw new IllegalArgumentException("\"" + s + "\" ends before it starts");
      }
      return new TimeRange(a, b);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected \"HH:mm-HH:mm\", got \"" + s + "\"");
    }
  }

  private static String pad(String t) {
    return t.length() == 4 && t.charAt(1) == ':' ? "0" + t : t;
  }

  public boolean contains(LocalTime t) {
    return !t.isBefore(start) && t.isBefore(end);
  }

  @Override
  public String toString() {
    return fmt(start) + "-" + (end.equals(LocalTime.MAX) ? "24:00" : fmt(end));
  }

  private static String fmt(LocalTime t) {
    return String.format("%02d:%02d", t.getHour(), t.getMinute());
  }
}
