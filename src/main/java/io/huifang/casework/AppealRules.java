package io.huifang.casework;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * What may be appealed and until when (DOMAIN.md "Appeals"; docs/casework-api.md): a judged call — an error sample,
 * or a low survey (success with a raw score below {@code lowSurveyBelow}, or one that opened a complaint case) —
 * within {@code appealDays} days of its publication to the dealer (the survey's submission). Pure.
 *
 * @param appealDays     the window in days (3)
 * @param lowSurveyBelow a success scored below this raw score (10-point scale) is a low survey (8.0)
 */
public record AppealRules(int appealDays, double lowSurveyBelow) {
  public static final AppealRules DEFAULT = new AppealRules(3, 8.0);

  public static final String ERROR_SAMPLE = "error_sample";
  public static final String LOW_SURVEY = "low_survey";

  public AppealRules {
    if (appealDays < 1 || appealDays > 60) {
      throw new IllegalArgumentException("appealDays must be 1–60: " + appealDays);
    }
  }

  /** When the window closes for a call published at {@code publishedAt}. */
  public Instant closesAt(Instant publishedAt) {
    return publishedAt.plus(Duration.ofDays(appealDays));
  }

  /** The window is open up to and including its closing instant. */
  public boolean open(Instant publishedAt, Instant now) {
    return !now.isAfter(closesAt(publishedAt));
  }

  /**
   * What was held against the dealer in a submitted call: {@link #ERROR_SAMPLE}, {@link #LOW_SURVEY}, or null when
   * the call is not a judged one (a good survey, a call not reached).
   */
  public String judged(String group, BigDecimal rawScore, boolean complaintCase) {
    if (ERROR_SAMPLE.equals(group)) {
      return ERROR_SAMPLE;
    }
    if ("success".equals(group) && (complaintCase
        || (rawScore != null && rawScore.doubleValue() < lowSurveyBelow))) {
      return LOW_SURVEY;
    }
    return null;
  }

  /**
   * Why a call may not be appealed now, in the order the dealer is told: not a judged call ({@code not_judged}),
   * appealed already, once only ({@code already_appealed}), the window closed ({@code window_closed}); null when it
   * may be.
   */
  public String refusal(String judged, boolean appealed, Instant publishedAt, Instant now) {
    if (judged == null) {
      return "not_judged";
    }
    if (appealed) {
      return "already_appealed";
    }
    return open(publishedAt, now) ? null : "window_closed";
  }
}
