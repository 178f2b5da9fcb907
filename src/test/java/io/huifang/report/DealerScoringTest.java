package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.Outcome;
import io.huifang.report.DealerMonth.Sample;
import io.huifang.report.DealerMonth.VolumeCheck;
import io.huifang.report.DealerScore.Deduction;
import io.huifang.report.DealerScore.Shares;
import io.huifang.report.ScoringRules.AuditFinding;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.Score;
import io.huifang.survey.Scoring;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SEM-CSI rules against hand-computed months. The questionnaire {@link #Q}: a yes/no gate, scale items s1–s6
 * (s1, s2 → a1; s3 → a2; a1, a2 under A1 under A; s4, s5 → b1 under B1 under B; s6 without indicator), h1 (→ b1)
 * shown only when gate = true, and the loyalty items rec (recommend) and back (come back). CSI: 5 items 未调查 or
 * more make a survey void.
 */
class DealerScoringTest {
  static final YearMonth MONTH = YearMonth.of(2026, 11);
  static final String NS = Questionnaire.NOT_SURVEYED;
  static final Questionnaire Q = questionnaire(6);
  static final DealerScoring SCORING = new DealerScoring(Q, ScoringRules.DEFAULT);

  static Questionnaire questionnaire(int scales) {
    JsonArray items = new JsonArray().add(new JsonObject().put("id", "gate").put("type", "yesno").put("label", "门"));
    String[] ind = {"a1", "a1", "a2", "b1", "b1", null};
    for (int i = 1; i <= scales; i++) {
      JsonObject it = new JsonObject().put("id", "s" + i).put("type", "scale10").put("label", "题" + i);
      if (ind[i - 1] != null) {
        it.put("indicator", ind[i - 1]);
      }
      items.add(it);
    }
    items.add(new JsonObject().put("id", "h1").put("type", "scale10").put("label", "隐").put("indicator", "b1")
        .put("showIf", new JsonObject().put("item", "gate").put("equals", true)));
    items.add(new JsonObject().put("id", "rec").put("type", "loyalty").put("topic", "recommend").put("label", "推荐"));
    items.add(new JsonObject().put("id", "back").put("type", "loyalty").put("topic", "return").put("label", "再来"));
    JsonArray indicators = new JsonArray()
        .add(new JsonObject().put("id", "A").put("label", "甲").put("children", new JsonArray()
            .add(new JsonObject().put("id", "A1").put("label", "甲一").put("children", new JsonArray()
                .add(new JsonObject().put("id", "a1").put("label", "a1"))
                .add(new JsonObject().put("id", "a2").put("label", "a2"))))))
        .add(new JsonObject().put("id", "B").put("label", "乙").put("children", new JsonArray()
            .add(new JsonObject().put("id", "B1").put("label", "乙一").put("children", new JsonArray()
                .add(new JsonObject().put("id", "b1").put("label", "b1"))))));
    return Questionnaire.parse(new JsonObject().put("key", "hand").put("kind", "csi").put("title", "手算")
        .put("indicators", indicators)
        .put("sections", new JsonArray().add(new JsonObject().put("id", "s").put("title", "s").put("items", items))));
  }

  /** Answers s1, s2, … in order (Integer scores or NS; null leaves the item unanswered), gate = false. */
  static JsonObject answers(Object... scores) {
    JsonObject a = new JsonObject().put("gate", false);
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] != null) {
        a.put("s" + (i + 1), scores[i]);
      }
    }
    return a;
  }

  static JsonObject allEight() {
    return answers(8, 8, 8, 8, 8, 8);
  }

  /** {@code ok} successful samples all scored 8 (raw 8.0) and {@code err} error samples. */
  static List<Sample> samples(int ok, int err) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < ok; i++) {
      out.add(Sample.success(i, allEight()));
    }
    for (int i = 0; i < err; i++) {
      out.add(Sample.error(1000 + i));
    }
    return out;
  }

  static DealerScore score(List<Sample> samples, boolean exhausted) {
    return SCORING.score(new DealerMonth(7, MONTH, samples, exhausted, Checks.NONE));
  }

  static BigDecimal bd(String s) {
    return new BigDecimal(s);
  }

  static Deduction only(DealerScore s, String rule) {
    List<Deduction> ds = s.deductions().stream().filter(d -> d.rule().equals(rule)).toList();
    assertEquals(1, ds.size(), rule + " in " + s.deductions());
    return ds.get(0);
  }

  @Test
  void rawIsTheAverageOfEachCustomersAverageWithNotSurveyedLeftOutOfBoth() {
    // sample 1: 10, 8, 9, 7, 6, 8 → 48 / 6 = 8.0; h1 = 1 is hidden (gate = false) and must not count
    // sample 2: 9, 未调查, 6, 9, 未调查, 9 → 33 / 4 = 8.25 (two 未调查: not void, left out of the count)
    // raw = (8.0 + 8.25) / 2 = 8.125 (the pooled mean 81 / 10 = 8.1 would be wrong); assessment 812.50, no deduction
    // (2 successful < 10 but the list is not exhausted; success rate 100 %)
    DealerScore s = score(List.of(Sample.success(1, answers(10, 8, 9, 7, 6, 8).put("h1", 1)),
        Sample.success(2, answers(9, NS, 6, 9, NS, 9))), false);
    assertEquals(8.125, s.raw(), 1e-12);
    assertEquals(bd("812.50"), s.assessment());
    assertEquals(List.of(), s.deductions());
    assertEquals(bd("0.00"), s.deducted());
    assertEquals(1.0, s.successRate());
    assertEquals(new DealerScore.Counts(2, 2, 0, 0, 0, 0, 2), s.counts());
    // level 3: a1 (s1, s2): sample 1 (10 + 8) / 2 = 9, sample 2 9 → 9.0; a2 (s3): (9 + 6) / 2 = 7.5;
    // b1 (s4, s5): sample 1 (7 + 6) / 2 = 6.5, sample 2 9 → 7.75
    // level 2 A1 (s1–s3): sample 1 27 / 3 = 9, sample 2 15 / 2 = 7.5 → 8.25; level 1 A the same; B1, B as b1
    Map<String, DealerScore.IndicatorScore> ind = s.indicators();
    assertEquals(List.of("A", "A1", "a1", "a2", "B", "B1", "b1"), List.copyOf(ind.keySet()));
    assertEquals(9.0, ind.get("a1").score(), 1e-12);
    assertEquals(7.5, ind.get("a2").score(), 1e-12);
    assertEquals(8.25, ind.get("A1").score(), 1e-12);
    assertEquals(8.25, ind.get("A").score(), 1e-12);
    assertEquals(1, ind.get("A").level());
    assertEquals(3, ind.get("b1").level());
    assertEquals(7.75, ind.get("b1").score(), 1e-12);
    assertEquals(7.75, ind.get("B").score(), 1e-12);
    assertEquals(2, ind.get("b1").samples());
    // items: s1 (10 + 9) / 2 = 9.5 over 2; s2 8 over 1 (sample 2 未调查); h1 never shown → absent
    assertEquals(9.5, s.items().get("s1").score(), 1e-12);
    assertEquals(8.0, s.items().get("s2").score(), 1e-12);
    assertEquals(1, s.items().get("s2").samples());
    assertTrue(!s.items().containsKey("h1"));
  }

  @Test
  void aHiddenItemCountsOnceItsSkipRuleShowsIt() {
    // gate = true shows h1 = 1: 8 × 6 + 1 = 49 over 7 = 7.0 exactly; b1 = (8 + 8 + 1) / 3
    DealerScore s = score(List.of(Sample.success(1, allEight().put("gate", true).put("h1", 1))), false);
    assertEquals(7.0, s.raw(), 1e-12);
    assertEquals(17.0 / 3, s.indicators().get("b1").score(), 1e-12);
  }

  @Test
  void successRateOfExactly90PercentCostsNothing() {
    // 18 / (18 + 2) = 90 %: not below 90 % → no deduction; 18 ≥ 10, raw 8 → 800.00
    DealerScore s = score(samples(18, 2), true);
    assertEquals(0.9, s.successRate(), 1e-12);
    assertEquals(List.of(), s.deductions());
    assertEquals(bd("800.00"), s.assessment());
  }

  @Test
  void successRateOf89Point5PercentCosts2Point5PointsProRata() {
    // 179 / 200 = 89.5 %: 0.5 point short × 5 = 2.50 → 800 − 2.50 = 797.50
    DealerScore s = score(samples(179, 21), true);
    Deduction d = only(s, "success_rate");
    assertEquals(bd("2.50"), d.points());
    assertEquals(89.5, d.inputs().getDouble("successRatePercent"));
    assertEquals(179, d.inputs().getInteger("successful"));
    assertEquals(21, d.inputs().getInteger("errorSamples"));
    assertEquals(bd("797.50"), s.assessment());
  }

  @Test
  void successRateOf89PercentCosts5Points() {
    // 89 / 100 = 89 %: 1 point short × 5 = 5.00 → 795.00
    DealerScore s = score(samples(89, 11), true);
    assertEquals(bd("5.00"), only(s, "success_rate").points());
    assertEquals(bd("795.00"), s.assessment());
  }

  @Test
  void aRepeatingShortfallIsRoundedOnceHalfUp() {
    // 8 / 9 = 88.888…%: (90 × 9 − 800) / 9 = 10 / 9 = 1.111… points short × 5 = 50 / 9 = 5.555… → 5.56;
    // not exhausted → no sample-floor deduction; 800 − 5.56 = 794.44
    DealerScore s = score(samples(8, 1), false);
    assertEquals(bd("5.56"), only(s, "success_rate").points());
    assertEquals(88.8889, only(s, "success_rate").inputs().getDouble("successRatePercent"));
    assertEquals(bd("794.44"), s.assessment());
  }

  @Test
  void noSampleMeansNoRateNoScoreAndTheFullFloorDeductionWhenTheListIsExhausted() {
    // nothing counted: success rate undefined → no success-rate deduction; raw and assessment null
    DealerScore none = score(List.of(), false);
    assertNull(none.successRate());
    assertNull(none.raw());
    assertNull(none.assessment());
    assertEquals(List.of(), none.deductions());
    // every customer called, 0 successful: 10 short × 100 = 1000 points, listed though there is no score
    DealerScore exhausted = score(List.of(), true);
    assertEquals(bd("1000.00"), only(exhausted, "too_few_samples").points());
    assertEquals(bd("1000.00"), exhausted.deducted());
    assertNull(exhausted.assessment());
  }

  @Test
  void onlyErrorSamplesMeanARateOfZero() {
    // 0 / 3 = 0 %: 90 points short × 5 = 450; exhausted: 10 short × 100 = 1000; no raw score
    DealerScore s = score(samples(0, 3), true);
    assertEquals(0.0, s.successRate());
    assertEquals(bd("450.00"), only(s, "success_rate").points());
    assertEquals(bd("1000.00"), only(s, "too_few_samples").points());
    assertEquals(bd("1450.00"), s.deducted());
    assertNull(s.assessment());
  }

  @Test
  void nineSamplesCost100PointsOnlyWhenEveryCustomerWasCalled() {
    // 9 successful, list exhausted: (10 − 9) × 100 = 100 → 800 − 100 = 700.00
    DealerScore exhausted = score(samples(9, 0), true);
    Deduction d = only(exhausted, "too_few_samples");
    assertEquals(bd("100.00"), d.points());
    assertEquals(9, d.inputs().getInteger("successful"));
    assertEquals(10, d.inputs().getInteger("minimum"));
    assertEquals(bd("700.00"), exhausted.assessment());
    // 9 successful, customers left uncalled: no deduction → 800.00
    DealerScore notExhausted = score(samples(9, 0), false);
    assertEquals(List.of(), notExhausted.deductions());
    assertEquals(bd("800.00"), notExhausted.assessment());
    // 10 successful, exhausted: none
    assertEquals(List.of(), score(samples(10, 0), true).deductions());
  }

  @Test
  void aSurveyWithEveryItemNotSurveyedIsVoidByRuleAndLeftOut() {
    // six items 未调查 ≥ 5 (CSI): void by the questionnaire's rule even without a QA finding → left out of
    // everything: 10 successful of 8 remain, raw 8, no floor deduction (10 ≥ 10), 800.00
    List<Sample> ss = new ArrayList<>(samples(10, 0));
    ss.add(Sample.success(99, answers(NS, NS, NS, NS, NS, NS)));
    DealerScore s = score(ss, true);
    assertEquals(new DealerScore.Counts(11, 10, 0, 1, 0, 0, 10), s.counts());
    assertEquals(bd("800.00"), s.assessment());
    // four 未调查 (below 5) and 10, 4 on the rest: not void → (10 + 4) / 2 = 7 for that customer;
    // raw = (10 × 8 + 7) / 11 = 87 / 11 = 7.909090…
    ss.set(10, Sample.success(99, answers(NS, NS, NS, NS, 10, 4)));
    assertEquals(87.0 / 11, score(ss, true).raw(), 1e-12);
    // exactly five 未调查 (the CSI threshold) and a 10: void, left out → 10 of 8 remain, raw 8.0
    ss.set(10, Sample.success(99, answers(NS, NS, NS, NS, NS, 10)));
    assertEquals(new DealerScore.Counts(11, 10, 0, 1, 0, 0, 10), score(ss, true).counts());
    assertEquals(8.0, score(ss, true).raw(), 1e-12);
  }

  @Test
  void anSsiSurveyIsVoidFromFourItemsNotSurveyed() {
    // the same items under an SSI questionnaire: 4 未调查 + 10, 10 is void (SSI: 4 or more) and left out, so the
    // raw score is the other survey's 6.0; under CSI the same answers count: (10 + 10) / 2 = 10 → (6 + 10) / 2 = 8.0
    JsonObject json = Q.toJson().put("kind", "ssi");
    DealerScoring ssi = new DealerScoring(Questionnaire.parse(json), ScoringRules.DEFAULT);
    List<Sample> ss = List.of(Sample.success(1, answers(NS, NS, NS, NS, 10, 10)),
        Sample.success(2, answers(6, 6, 6, 6, 6, 6)));
    DealerScore s = ssi.score(new DealerMonth(7, MONTH, ss, false, Checks.NONE));
    assertEquals(Questionnaire.Kind.SSI, s.kind());
    assertEquals(1, s.counts().voided());
    assertEquals(6.0, s.raw(), 1e-12);
    assertEquals(8.0, score(ss, false).raw(), 1e-12);
  }

  @Test
  void anErrorSampleQaFoundFalsifiedIsNotAnErrorSample() {
    // 9 successful + 1 error = 90 % → nothing; + 1 error sample found falsified (the agent made the outcome up):
    // left out, still 90 % → nothing (counted it would be 9 / 11 = 81.8 %)
    List<Sample> ss = new ArrayList<>(samples(9, 1));
    ss.add(new Sample(66, Outcome.ERROR_SAMPLE, null, false, true, false));
    DealerScore s = score(ss, false);
    assertEquals(0.9, s.successRate(), 1e-12);
    assertEquals(List.of(), s.deductions());
    assertEquals(new DealerScore.Counts(11, 9, 1, 0, 1, 0, 9), s.counts());
  }

  @Test
  void aSuccessfulSurveyWithNoScoredItemCountsAsASampleButNotInTheRawScore() {
    // a questionnaire of 3 scale items: all 3 未调查 is below the void threshold (5), so the call is a successful
    // sample (success rate, floor) without a score: raw = the other customer's 9.0, successful 2, scored 1
    DealerScoring three = new DealerScoring(questionnaire(3), ScoringRules.DEFAULT);
    DealerScore s = three.score(new DealerMonth(7, MONTH, List.of(Sample.success(1, answers(NS, NS, NS)),
        Sample.success(2, answers(9, 9, 9))), true, Checks.NONE));
    assertEquals(9.0, s.raw(), 1e-12);
    assertEquals(2, s.counts().successful());
    assertEquals(1, s.counts().scored());
    // 2 successful, exhausted: 8 short × 100 = 800 → 900 − 800 = 100.00
    assertEquals(bd("800.00"), only(s, "too_few_samples").points());
    assertEquals(bd("100.00"), s.assessment());
    // every customer answered 未调查 everywhere: no raw score at all
    DealerScore nothing = three.score(new DealerMonth(7, MONTH, List.of(Sample.success(1, answers(NS, NS, NS))),
        false, Checks.NONE));
    assertNull(nothing.raw());
    assertNull(nothing.assessment());
    assertEquals(1, nothing.counts().successful());
  }

  @Test
  void aVoidSurveyIsLeftOutOfTheScoreTheRateAndTheFloor() {
    // 9 successful of 8 + a survey QA found void, scored 2 everywhere; list exhausted.
    // Left out: raw 8 (counted: (9 × 8 + 2) / 10 = 7.4), successful 9 → 100 points → 700.00
    List<Sample> ss = new ArrayList<>(samples(9, 0));
    ss.add(new Sample(50, Outcome.SUCCESS, answers(2, 2, 2, 2, 2, 2), true, false, false));
    DealerScore s = score(ss, true);
    assertEquals(8.0, s.raw(), 1e-12);
    assertEquals(new DealerScore.Counts(10, 9, 0, 1, 0, 0, 9), s.counts());
    assertEquals(bd("100.00"), only(s, "too_few_samples").points());
    assertEquals(bd("700.00"), s.assessment());
  }

  @Test
  void aFalsifiedSurveyIsLeftOutLikeAVoidOne() {
    // as above with the survey falsified instead: the same 700.00, counted under falsified
    List<Sample> ss = new ArrayList<>(samples(9, 0));
    ss.add(new Sample(50, Outcome.SUCCESS, answers(2, 2, 2, 2, 2, 2), false, true, false));
    DealerScore s = score(ss, true);
    assertEquals(new DealerScore.Counts(10, 9, 0, 0, 1, 0, 9), s.counts());
    assertEquals(bd("700.00"), s.assessment());
    // void and falsified at once: counted once, under void
    ss.set(9, new Sample(50, Outcome.SUCCESS, answers(2, 2, 2, 2, 2, 2), true, true, true));
    assertEquals(new DealerScore.Counts(10, 9, 0, 1, 0, 0, 9), score(ss, true).counts());
  }

  @Test
  void anAppealedAwayCallIsLeftOutOfTheRate() {
    // 17 successful + 3 error samples = 85 %: 5 short × 5 = 25.00 → 775.00
    DealerScore before = score(samples(17, 3), true);
    assertEquals(bd("25.00"), only(before, "success_rate").points());
    assertEquals(bd("775.00"), before.assessment());
    // one error sample appealed away: 17 / 19 = 89.47…%; (90 × 19 − 1700) / 19 = 10 / 19 short × 5 = 50 / 19
    // = 2.6315… → 2.63 → 797.37
    List<Sample> ss = new ArrayList<>(samples(17, 2));
    ss.add(new Sample(77, Outcome.ERROR_SAMPLE, null, false, false, true));
    DealerScore after = score(ss, true);
    assertEquals(new DealerScore.Counts(20, 17, 2, 0, 0, 1, 17), after.counts());
    assertEquals(bd("2.63"), only(after, "success_rate").points());
    assertEquals(bd("797.37"), after.assessment());
    // an appealed-away successful survey scored 1 everywhere leaves the raw score at 8
    ss.add(new Sample(78, Outcome.SUCCESS, answers(1, 1, 1, 1, 1, 1), false, false, true));
    assertEquals(8.0, score(ss, true).raw(), 1e-12);
  }

  @Test
  void deductionsStackInRuleOrderEachWithItsInputs() {
    // 8 successful + 2 error samples, exhausted: 80 % → 10 short × 5 = 50; 2 samples short × 100 = 200;
    // spot check found duplicate phones (10) and vehicles not matching (30) → the worse, 30, once;
    // figures not shown at the on-site check → 50; two plans late × 20 = 40.
    // 50 + 200 + 30 + 50 + 40 = 370 → 800 − 370 = 430.00
    Checks checks = new Checks(Set.of(AuditFinding.VEHICLES_NOT_MATCHING, AuditFinding.DUPLICATE_PHONES),
        VolumeCheck.NOT_SHOWN, List.of("plan-3", "plan-4"));
    DealerScore s = SCORING.score(new DealerMonth(7, MONTH, samples(8, 2), true, checks));
    assertEquals(List.of("success_rate", "too_few_samples", "data_audit", "volume_check", "plan_late"),
        s.deductions().stream().map(Deduction::rule).toList());
    assertEquals(List.of(bd("50.00"), bd("200.00"), bd("30.00"), bd("50.00"), bd("40.00")),
        s.deductions().stream().map(Deduction::points).toList());
    assertEquals(bd("370.00"), s.deducted());
    assertEquals(bd("430.00"), s.assessment());
    assertEquals(new JsonObject().put("findings", new JsonArray().add("duplicate_phones").add("vehicles_not_matching"))
        .put("points", new JsonObject().put("duplicate_phones", 10).put("vehicles_not_matching", 30)),
        only(s, "data_audit").inputs());
    assertEquals("not_shown", only(s, "volume_check").inputs().getString("result"));
    assertEquals(new JsonArray().add("plan-3").add("plan-4"), only(s, "plan_late").inputs().getJsonArray("plans"));
  }

  @Test
  void theVolumeCheckCostsPointsOnlyWhenItDoesNotMatch() {
    for (VolumeCheck v : VolumeCheck.values()) {
      DealerScore s = SCORING.score(new DealerMonth(7, MONTH, samples(10, 0), true,
          new Checks(Set.of(), v, List.of())));
      boolean costs = v == VolumeCheck.NOT_MATCHING || v == VolumeCheck.NOT_SHOWN;
      // 800 − 50 = 750.00 or 800.00
      assertEquals(costs ? bd("750.00") : bd("800.00"), s.assessment(), v.id);
    }
  }

  @Test
  void theRulesNumbersAreTheirs() {
    // target 95 %, 10 points per percent, floor 12 × 50, missing numbers 25, mismatch 60, late plan 35:
    // 18 / 20 = 90 % → 5 short × 10 = 50; exhausted, 18 ≥ 12: none; missing numbers 25; 60; 35 → 170 → 630.00
    EnumMap<AuditFinding, Integer> audit = new EnumMap<>(ScoringRules.DEFAULT.auditPoints());
    audit.put(AuditFinding.MISSING_NUMBERS, 25);
    ScoringRules rules = new ScoringRules(95, 10, 12, 50, audit, 60, 35);
    DealerScore s = new DealerScoring(Q, rules).score(new DealerMonth(7, MONTH, samples(18, 2), true,
        new Checks(Set.of(AuditFinding.MISSING_NUMBERS), VolumeCheck.NOT_MATCHING, List.of("p"))));
    assertEquals(List.of(bd("50.00"), bd("25.00"), bd("60.00"), bd("35.00")),
        s.deductions().stream().map(Deduction::points).toList());
    assertEquals(bd("630.00"), s.assessment());
    // the spot check's points stay within 10–30, every kind must have some
    audit.put(AuditFinding.REFUSALS, 31);
    assertThrows(IllegalArgumentException.class, () -> new ScoringRules(90, 5, 10, 100, audit, 50, 20));
    audit.put(AuditFinding.REFUSALS, 9);
    assertThrows(IllegalArgumentException.class, () -> new ScoringRules(90, 5, 10, 100, audit, 50, 20));
    audit.remove(AuditFinding.REFUSALS);
    assertThrows(IllegalArgumentException.class, () -> new ScoringRules(90, 5, 10, 100, audit, 50, 20));
  }

  @Test
  void theAssessmentScoreIsNotFlooredAtZero() {
    // 3 successful scored 2 everywhere, exhausted: raw 2 → 200; 7 short × 100 = 700 → −500.00
    List<Sample> ss = List.of(Sample.success(1, answers(2, 2, 2, 2, 2, 2)),
        Sample.success(2, answers(2, 2, 2, 2, 2, 2)), Sample.success(3, answers(2, 2, 2, 2, 2, 2)));
    assertEquals(bd("-500.00"), score(ss, true).assessment());
  }

  @Test
  void loyaltySharesAndTheLeadingIndex() {
    // recommend: surely, surely, probably, surely_not → 4 answered, loyal 2/4, detractors 1/4, index 0.25
    // come back: surely, unsure, surely_not, (not answered) → 3 answered, 1/3 − 1/3 = 0
    // pooled: 7 answers, 3 surely, 2 surely_not → (3 − 2) / 7
    // a void survey's "surely" does not count
    List<Sample> ss = List.of(
        Sample.success(1, allEight().put("rec", "surely").put("back", "surely")),
        Sample.success(2, allEight().put("rec", "surely").put("back", "unsure")),
        Sample.success(3, allEight().put("rec", "probably").put("back", "surely_not")),
        Sample.success(4, allEight().put("rec", "surely_not")),
        new Sample(5, Outcome.SUCCESS, allEight().put("rec", "surely").put("back", "surely"), true, false, false));
    DealerScore.Loyalty l = score(ss, false).loyalty();
    assertEquals(new Shares(4, 2, 1, 0, 0, 1), l.recommend());
    assertEquals(0.5, l.recommend().loyal());
    assertEquals(0.25, l.recommend().detractors());
    assertEquals(0.25, l.recommend().leadingIndex());
    assertEquals(new Shares(3, 1, 0, 1, 0, 1), l.comeBack());
    assertEquals(0.0, l.comeBack().leadingIndex());
    assertEquals(7, l.all().answered());
    assertEquals(1.0 / 7, l.all().leadingIndex(), 1e-12);
    assertNull(Shares.NONE.leadingIndex());
  }

  @Test
  void eachSurveyScoresAsSurveyScoringScoresIt() {
    // the compiled reading of the built-in CSI questionnaire (skip rules owner → convenient → the rest) agrees with
    // survey.Scoring, one survey at a time, on random answers: raw and every indicator mean
    Questionnaire csi = Questionnaire.builtIn(Questionnaire.CSI_DEFAULT);
    DealerScoring scoring = new DealerScoring(csi, ScoringRules.DEFAULT);
    SplittableRandom r = new SplittableRandom(19);
    int compared = 0;
    for (int n = 0; n < 2000; n++) {
      JsonObject a = ReportScoringBenchmark.randomAnswers(csi, r);
      Score expected = Scoring.score(csi, a);
      DealerScore got = scoring.score(new DealerMonth(1, MONTH, List.of(Sample.success(n, a)), false, Checks.NONE));
      if (expected.isVoid()) {
        assertEquals(1, got.counts().voided());
        continue;
      }
      if (expected.raw() == null) {
        assertNull(got.raw());
        continue;
      }
      compared++;
      assertEquals(expected.raw(), got.raw(), 1e-12);
      assertEquals(expected.indicatorMeans().keySet(), got.indicators().keySet());
      expected.indicatorMeans().forEach((id, mean) -> assertEquals(mean, got.indicators().get(id).score(), 1e-12));
    }
    assertTrue(compared > 1000, "compared " + compared);
  }
}
