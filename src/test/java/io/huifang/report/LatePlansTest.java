package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.casework.PlanDeadlines;
import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.VolumeCheck;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which of casework's improvement plans count into a month's plan-late deduction, and how they add to the input. */
class LatePlansTest {
  static final YearMonth DEC = YearMonth.of(2026, 12);
  static final Instant FROM = MonthService.start(DEC).toInstant();
  static final Instant TO = MonthService.end(DEC).toInstant();
  static final Instant NOW = Instant.parse("2027-01-02T01:00:00Z");

  static LatePlans.Plan plan(long id, long dealer, Instant meetingDue, Instant meetingAt) {
    return new LatePlans.Plan(id, dealer, new PlanDeadlines.Steps(meetingDue, meetingAt,
        meetingDue.plus(Duration.ofDays(2)), meetingAt == null ? null : meetingAt.plusSeconds(60), null, null));
  }

  @Test
  void onlyPlansWithAStepFallenDueLateInTheMonthCount() {
    Instant dec10 = Instant.parse("2026-12-10T02:00:00Z");
    List<LatePlans.Plan> plans = List.of(
        plan(1, 7, dec10, null),                                        // missing meeting, due in December
        plan(2, 7, dec10, dec10.minusSeconds(60)),                       // done on time
        plan(3, 8, dec10, dec10.plus(Duration.ofDays(1))),               // done a day late: meeting and minutes
        plan(4, 8, Instant.parse("2026-11-20T02:00:00Z"), null),         // due in November: counts there, not here
        plan(5, 9, Instant.parse("2027-01-01T02:00:00Z"), null));        // due in January
    assertEquals(Map.of(7L, List.of("plan-1"), 8L, List.of("plan-3")), LatePlans.counted(plans, FROM, TO, NOW));
    // November's compute sees plan 4 only
    assertEquals(Map.of(8L, List.of("plan-4")), LatePlans.counted(plans, MonthService.start(DEC.minusMonths(1))
        .toInstant(), FROM, NOW));
  }

  @Test
  void thePlansAddToTheManualInputOnceAndCostTheirPointsEach() {
    Instant dec10 = Instant.parse("2026-12-10T02:00:00Z");
    Checks manual = new Checks(Set.of(), VolumeCheck.MATCHING, List.of("Z-2026-11", "plan-1"));
    Map<Long, Checks> merged = LatePlans.merge(Map.of(7L, manual), List.of(plan(1, 7, dec10, null),
        plan(6, 7, dec10, null), plan(3, 8, dec10, null)), FROM, TO, NOW);
    assertEquals(List.of("Z-2026-11", "plan-1", "plan-6"), merged.get(7L).latePlans());
    assertEquals(VolumeCheck.MATCHING, merged.get(7L).volume());
    assertEquals(List.of("plan-3"), merged.get(8L).latePlans());
    assertEquals(VolumeCheck.NOT_DONE, merged.get(8L).volume());
    DealerScore s = new DealerScoring(io.huifang.survey.Questionnaire.builtIn(io.huifang.survey.Questionnaire.CSI_DEFAULT),
        ScoringRules.DEFAULT).score(new DealerMonth(7, DEC, List.of(), false, merged.get(7L)));
    DealerScore.Deduction late = s.deductions().stream().filter(d -> d.rule().equals("plan_late")).findFirst()
        .orElseThrow();
    assertEquals(3 * ScoringRules.DEFAULT.latePlanPoints(), late.points().intValue());
  }
}
