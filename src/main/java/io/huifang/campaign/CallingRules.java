package io.huifang.campaign;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * When a campaign may ring a customer: calling hours per weekday in the campaign's time zone, minus holidays, and
 * the day parts (时间段) used to spread retries over the day. All answers are computed from an {@code Instant}
 * given by the caller, never from the system clock, so that tests run on a fake clock.
 */
public record CallingRules(ZoneId zone, Map<DayOfWeek, List<TimeRange>> hours, Set<LocalDate> holidays,
                           List<TimeRange> dayParts) {
  /** Far enough to cover any deadline (≤ 90 days) without looping forever on a campaign that never calls. */
  private static final int MAX_DAYS_AHEAD = 120;

  public CallingRules {
    hours = Map.copyOf(hours);
    holidays = Set.copyOf(holidays);
    dayParts = List.copyOf(dayParts);
  }

  /** True when {@code t} falls in calling hours on a working day. */
  public boolean isCallable(Instant t) {
    ZonedDateTime z = t.atZone(zone);
    if (holidays.contains(z.toLocalDate())) {
      return false;
    }
    LocalTime lt = z.toLocalTime();
    return hours.getOrDefault(z.getDayOfWeek(), List.of()).stream().anyMatch(r -> r.contains(lt));
  }

  /** The index of the day part {@code t} falls in, if any. */
  public OptionalInt dayPartAt(Instant t) {
    LocalTime lt = t.atZone(zone).toLocalTime();
    for (int i = 0; i < dayParts.size(); i++) {
      if (dayParts.get(i).contains(lt)) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The earliest instant at or after {@code from} and strictly before {@code before} that is callable and lies in a
   * day part accepted by {@code part} (with no day parts configured, any callable time qualifies).
   */
  public Optional<Instant> nextCallable(Instant from, IntPredicate part, Instant before) {
    ZonedDateTime start = from.atZone(zone);
    LocalDate day = start.toLocalDate();
    for (int d = 0; d <= MAX_DAYS_AHEAD; d++, day = day.plusDays(1)) {
      if (!day.atStartOfDay(zone).toInstant().isBefore(before)) {
        return Optional.empty();
      }
      if (holidays.contains(day)) {
        continue;
      }
      LocalTime notBefore = d == 0 ? start.toLocalTime() : LocalTime.MIN;
      LocalTime best = null;
      for (TimeRange window : hours.getOrDefault(day.getDayOfWeek(), List.of())) {
        if (dayParts.isEmpty()) {
          best = earlier(best, startIn(window.start(), window.end(), notBefore));
          continue;
        }
        for (int i = 0; i < dayParts.size(); i++) {
          if (!part.test(i)) {
            continue;
          }
          TimeRange p = dayParts.get(i);
          LocalTime a = max(p.start(), window.start());
          LocalTime b = min(p.end(), window.end());
          best = earlier(best, startIn(a, b, notBefore));
        }
      }
      if (best != null) {
        Instant at = ZonedDateTime.of(day, best, zone).toInstant();
        if (at.isBefore(from)) {
          at = from; // only when a DST change moved the local time; still inside the window
        }
        return at.isBefore(before) ? Optional.of(at) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The first callable instant on a local day after the day of {@code from}, before {@code before}. */
  public Optional<Instant> firstCallableOnLaterDay(Instant from, Instant before) {
    Instant nextDay = from.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
    return nextCallable(nextDay, i -> true, before);
  }

  private static LocalTime startIn(LocalTime a, LocalTime b, LocalTime notBefore) {
    LocalTime s = max(a, notBefore);
    return s.isBefore(b) ? s : null;
  }

  private static LocalTime earlier(LocalTime x, LocalTime y) {
    if (x == null) {
      return y;
    }
    return y == null || x.isBefore(y) ? x : y;
  }

  private static LocalTime max(LocalTime a, LocalTime b) {
    return a.isAfter(b) ? a : b;
  }

  private static LocalTime min(LocalTime a, LocalTime b) {
    return a.isBefore(b) ? a : b;
  }
}
