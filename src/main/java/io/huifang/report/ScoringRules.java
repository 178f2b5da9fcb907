package io.huifang.report;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The numbers of the SEM-CSI deductions (DOMAIN.md, "Scoring a dealer") that a car maker may set: the success-rate
 * target and its points, the floor of successful samples and its points, the data-audit spot check's points per kind
 * of finding (each 10–30), the on-site volume check's points and the points of an improvement plan delivered late.
 * {@link #DEFAULT} carries the numbers DOMAIN.md names and, where it names none (the spot check's kinds, a late
 * plan), this project's defaults.
 *
 * @param successTargetPercent   the success rate below which points are taken, in whole percent (90)
 * @param pointsPerPercentShort  points per percentage point short of the target, taken pro rata (5)
 * @param minSuccessful          successful samples a dealer must have when every DMS customer was called (10)
 * @param pointsPerSampleShort   points per successful sample short of that (100)
 * @param auditPoints            the data-audit spot check: points per kind of finding, each 10–30
 * @param volumeMismatchPoints   the on-site volume check not matching, or figures not shown (50)
 * @param latePlanPoints         each improvement plan not delivered in time
 */
public record ScoringRules(int successTargetPercent, int pointsPerPercentShort, int minSuccessful,
                           int pointsPerSampleShort, Map<AuditFinding, Integer> auditPoints, int volumeMismatchPoints,
                           int latePlanPoints) {
  public static final ScoringRules DEFAULT = new ScoringRules(90, 5, 10, 100, defaultAuditPoints(), 50, 20);

  public ScoringRules {
    if (successTargetPercent < 0 || successTargetPercent > 100) {
      throw new IllegalArgumentException("successTargetPercent must be 0–100: " + successTargetPercent);
    }
    if (pointsPerPercentShort < 0 || pointsPerSampleShort < 0 || minSuccessful < 0 || volumeMismatchPoints < 0
        || latePlanPoints < 0) {
      throw new IllegalArgumentException("points and counts must not be negative");
    }
    EnumMap<AuditFinding, Integer> points = new EnumMap<>(AuditFinding.class);
    for (AuditFinding f : AuditFinding.values()) {
      Integer p = auditPoints.get(f);
      // DOMAIN.md: the spot check costs 10–30 points; a kind without points would make a finding free
      if (p == null || p < 10 || p > 30) {
        throw new IllegalArgumentException("auditPoints." + f.id + " must be 10–30: " + p);
      }
      points.put(f, p);
    }
    auditPoints = Collections.unmodifiableMap(points);
  }

  private static Map<AuditFinding, Integer> defaultAuditPoints() {
    EnumMap<AuditFinding, Integer> m = new EnumMap<>(AuditFinding.class);
    m.put(AuditFinding.DUPLICATE_PHONES, 10);
    m.put(AuditFinding.REFUSALS, 10);
    m.put(AuditFinding.MISSING_NUMBERS, 20);
    m.put(AuditFinding.WORK_ORDERS_OPEN, 20);
    m.put(AuditFinding.VEHICLES_NOT_MATCHING, 30);
    return m;
  }

  /** What the data-audit spot check of a dealer's DMS data may find (DOMAIN.md lists these). */
  public enum AuditFinding {
    DUPLICATE_PHONES("duplicate_phones"), REFUSALS("refusals"), MISSING_NUMBERS("missing_numbers"),
    WORK_ORDERS_OPEN("work_orders_open"), VEHICLES_NOT_MATCHING("vehicles_not_matching");

    public final String id;

    AuditFinding(String id) {
      this.id = id;
    }
  }
}
