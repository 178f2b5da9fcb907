package io.huifang.report;

import io.huifang.report.ScoringRules.AuditFinding;
import io.vertx.core.json.JsonObject;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one dealer's month score is computed from, for one campaign kind (CSI or SSI are scored apart): the
 * month's samples and the month's checks. Built by whoever reads the database; {@link DealerScoring} only computes.
 *
 * @param dealerId      the dealer (网点)
 * @param month         the calendar month
 * @param samples       the month's finished calls of the dealer's customers: successful and error samples
 * @param listExhausted every customer in the dealer's DMS data for the month was called (the "too few samples"
 *                      deduction applies only then: a dealer is not punished for customers the centre never called)
 * @param checks        the month's data-audit, on-site and improvement-plan results
 */
public record DealerMonth(long dealerId, YearMonth month, List<Sample> samples, boolean listExhausted, Checks checks) {
  public DealerMonth {
    Objects.requireNonNull(month);
    samples = List.copyOf(samples);
    Objects.requireNonNull(checks);
  }

  /** How a call to the customer ended, as the disposition's group says. */
  public enum Outcome {
    /** A valid sample: the survey was done. */
    SUCCESS("success"),
    /** Wrong or empty number, not the owner, refused, duplicate, PDI/stock/company vehicle, … */
    ERROR_SAMPLE("error_sample");

    public final String id;

    Outcome(String id) {
      this.id = id;
    }
  }

  /**
   * One finished call.
   *
   * @param attemptId    the call attempt (for drill-down)
   * @param outcome      success or error sample
   * @param answers      the submitted survey's answers, item id → value (docs/questionnaire.md); empty for an error
   *                     sample
   * @param voided       QA found the survey void (作废), or it was void by rule at submit
   * @param falsified    QA found items of it falsified (虚假提报)
   * @param appealedAway the dealer's appeal of this call was upheld: the call does not count against the dealer
   */
  public record Sample(long attemptId, Outcome outcome, JsonObject answers, boolean voided, boolean falsified,
                       boolean appealedAway) {
    public Sample {
      Objects.requireNonNull(outcome);
      answers = answers == null ? new JsonObject() : answers;
    }

    public static Sample success(long attemptId, JsonObject answers) {
      return new Sample(attemptId, Outcome.SUCCESS, answers, false, false, false);
    }

    public static Sample error(long attemptId) {
      return new Sample(attemptId, Outcome.ERROR_SAMPLE, null, false, false, false);
    }
  }

  /** The result of the on-site check of the dealer's own workshop volume against its DMS data. */
  public enum VolumeCheck {
    NOT_DONE("not_done"), MATCHING("matching"), NOT_MATCHING("not_matching"),
    /** The dealer could not show its figures: counts as not matching (DOMAIN.md). */
    NOT_SHOWN("not_shown");

    public final String id;

    VolumeCheck(String id) {
      this.id = id;
    }
  }

  /**
   * The month's checks.
   *
   * @param audit     the kinds of problem the data-audit spot check found in the dealer's DMS data (empty: none, or
   *                  no spot check)
   * @param volume    the on-site volume check
   * @param latePlans the improvement plans the dealer did not deliver in time this month (their ids, for the
   *                  deduction's inputs)
   */
  public record Checks(Set<AuditFinding> audit, VolumeCheck volume, List<String> latePlans) {
    public static final Checks NONE = new Checks(Set.of(), VolumeCheck.NOT_DONE, List.of());

    public Checks {
      audit = Set.copyOf(audit);
      Objects.requireNonNull(volume);
      latePlans = List.copyOf(latePlans);
    }
  }
}
