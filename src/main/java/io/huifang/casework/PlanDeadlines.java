package io.huifang.casework;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The deadlines of an improvement plan (整改, DOMAIN.md "Casework"): the meeting within 3 days of the month's
 * approval, the signed minutes within 2 days after the meeting's day, a plan period of at most one month from the
 * meeting, the result report within 3 days after the period. Days end at midnight in the centre's zone (Asia/Shanghai,
 * as the months do). A step is done when the dealer records it in Huifang. Pure: the caller says what "now" is.
 */
public final class PlanDeadlines {
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  public static final Duration MEETING = Duration.ofDays(3);
  public static final Duration MINUTES = Duration.ofDays(2);
  public static final Duration RESULT = Duration.ofDays(3);

  public static final String STEP_MEETING = "meeting";
  public static final String STEP_MINUTES = "minutes";
  public static final String STEP_RESULT = "result";

  private PlanDeadlines() {
  }

  /** The meeting is due 3 days after the month was approved (the dealer received its report). */
  public static Instant meetingDue(Instant approvedAt) {
    return approvedAt.plus(MEETING);
  }

  /** Before the meeting is held its minutes are due 2 days after the meeting's own due time. */
  public static Instant minutesDueBefore(Instant meetingDue) {
    return meetingDue.plus(MINUTES);
  }

  /** Once held: 2 days after the end of the meeting's day. */
  public static Instant minutesDue(LocalDate heldOn) {
    return endOf(heldOn).plus(MINUTES);
  }

  /** 3 days after the end of the period's last day. */
  public static Instant resultDue(LocalDate periodEnd) {
    return endOf(periodEnd).plus(RESULT);
  }

  /** The latest allowed end of the period: one month after the meeting's day. */
  public static LocalDate latestPeriodEnd(LocalDate heldOn) {
    return heldOn.plusMonths(1);
  }

  /** Midnight after {@code day} in the centre's zone. */
  static Instant endOf(LocalDate day) {
    return day.plusDays(1).atStartOfDay(ZONE).toInstant();
  }

  /** The day it is at {@code at} in the centre's zone. */
  public static LocalDate dayOf(Instant at) {
    return at.atZone(ZONE).toLocalDate();
  }

  /**
   * A plan's three steps: each due at a time and done at a time (null: not yet). {@code resultDue} is null until the
   * meeting has set the period.
   */
  public record Steps(Instant meetingDue, Instant meetingAt, Instant minutesDue, Instant minutesAt,
                      Instant resultDue, Instant resultAt) {

    public static Steps of(OffsetDateTime meetingDue, OffsetDateTime meetingAt, OffsetDateTime minutesDue,
                           OffsetDateTime minutesAt, OffsetDateTime resultDue, OffsetDateTime resultAt) {
      return new Steps(i(meetingDue), i(meetingAt), i(minutesDue), i(minutesAt), i(resultDue), i(resultAt));
    }

    private static Instant i(OffsetDateTime t) {
      return t == null ? null : t.toInstant();
    }

    /** The steps late at {@code now}: done after their due time, or not done and their due time passed. */
    public List<String> late(Instant now) {
      List<String> out = new ArrayList<>();
      add(out, STEP_MEETING, meetingDue, meetingAt, now, false);
      add(out, STEP_MINUTES, minutesDue, minutesAt, now, false);
      add(out, STEP_RESULT, resultDue, resultAt, now, false);
      return out;
    }

    /** The late steps not done at all (a subset of {@link #late}). */
    public List<String> missing(Instant now) {
      List<String> out = new ArrayList<>();
      add(out, STEP_MEETING, meetingDue, meetingAt, now, true);
      add(out, STEP_MINUTES, minutesDue, minutesAt, now, true);
      add(out, STEP_RESULT, resultDue, resultAt, now, true);
      return out;
    }

    /**
     * The steps that make this plan late in a month [from, to): a step whose due time falls in the month and that
     * was done after it, or was still not done at {@code now} with the due time passed. A plan counts in the month
     * its late step fell due, once however many of its steps did (docs/casework-api.md, "Improvement plans").
     */
    public List<String> lateIn(Instant from, Instant to, Instant now) {
      List<String> out = new ArrayList<>();
      for (String step : late(now)) {
        Instant due = due(step);
        if (!due.isBefore(from) && due.isBefore(to)) {
          out.add(step);
        }
      }
      return out;
    }

    Instant due(String step) {
      return switch (step) {
        case STEP_MEETING -> meetingDue;
        case STEP_MINUTES -> minutesDue;
        default -> resultDue;
      };
    }

    private static void add(List<String> out, String step, Instant due, Instant done, Instant now,
                            boolean missingOnly) {
      if (due == null) {
        return;
      }
      boolean missing = done == null && now.isAfter(due);
      boolean lateDone = done != null && done.isAfter(due);
      if (missing || (!missingOnly && lateDone)) {
        out.add(step);
      }
    }
  }
}
