package io.huifang.report;

import io.huifang.survey.Questionnaire;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * One dealer's month score for one campaign kind, as {@link DealerScoring} computes it.
 *
 * @param dealerId    the dealer
 * @param month       the month
 * @param kind        CSI or SSI (the questionnaire's kind)
 * @param counts      what the samples were and which were left out
 * @param successRate successful / (successful + error samples), 0–1; null with no sample counted
 * @param raw         the 10-point raw score (average of averages); null when no counted sample has a score
 * @param assessment  the 1000-point assessment score, raw × 100 − deductions, rounded half up to 0.01; null when raw
 *                    is null (the deductions are still listed)
 * @param deducted    the sum of the deductions' points
 * @param deductions  every deduction taken, in rule order
 * @param indicators  indicator id → score, every level, in the questionnaire's order; only indicators with answers
 * @param items       scale item id → score, in the questionnaire's order; only items with answers
 * @param loyalty     the loyalty answers' counts per topic and pooled
 */
public record DealerScore(long dealerId, YearMonth month, Questionnaire.Kind kind, Counts counts, Double successRate,
                         Double raw, BigDecimal assessment, BigDecimal deducted, List<Deduction> deductions,
                         Map<String, IndicatorScore> indicators, Map<String, ItemScore> items, Loyalty loyalty) {

  /**
   * @param samples      every sample given
   * @param successful   successful samples counted (not left out)
   * @param errorSamples error samples counted (not left out)
   * @param voided       left out: void by QA, at submit, or by rule (too many items 未调查)
   * @param falsified    left out: falsified (not already void)
   * @param appealedAway left out: appealed away (not already void or falsified)
   * @param scored       counted successful samples with at least one item scored (those the raw score averages)
   */
  public record Counts(int samples, int successful, int errorSamples, int voided, int falsified, int appealedAway,
                       int scored) {
  }

  /**
   * A deduction: its rule, what it was computed from and its points (positive: taken off).
   *
   * @param rule   {@code success_rate}, {@code too_few_samples}, {@code data_audit}, {@code volume_check},
   *               {@code plan_late}
   */
  public record Deduction(String rule, JsonObject inputs, BigDecimal points) {
  }

  /**
   * @param level   1, 2 or 3
   * @param score   mean over the samples with an answered item below the indicator of each sample's mean over
   *                those items (average of averages, as the raw score)
   * @param samples how many samples that mean is over
   */
  public record IndicatorScore(String id, int level, double score, int samples) {
  }

  /** @param score the item's mean over the counted samples that scored it; {@code samples} how many */
  public record ItemScore(String id, String indicator, double score, int samples) {
  }

  /** Answers to loyalty items, by option. */
  public record Shares(int answered, int surely, int probably, int unsure, int probablyNot, int surelyNot) {
    public static final Shares NONE = new Shares(0, 0, 0, 0, 0, 0);

    /** Share of "surely" (肯定会): loyal customers; null with no answer. */
    public Double loyal() {
      return answered == 0 ? null : (double) surely / answered;
    }

    /** Share of "surely not" (肯定不会): detractors; null with no answer. */
    public Double detractors() {
      return answered == 0 ? null : (double) surelyNot / answered;
    }

    /** The leading index: loyal share − detractor share, −1…1; null with no answer. */
    public Double leadingIndex() {
      return answered == 0 ? null : (double) (surely - surelyNot) / answered;
    }

    Shares plus(Shares o) {
      return new Shares(answered + o.answered, surely + o.surely, probably + o.probably, unsure + o.unsure,
          probablyNot + o.probablyNot, surelyNot + o.surelyNot);
    }
  }

  /**
   * @param recommend answers to the "would you recommend the dealer" items
   * @param comeBack  answers to the "would you come back" items
   * @param all       both pooled: its leading index is the dealer's
   */
  public record Loyalty(Shares recommend, Shares comeBack, Shares all) {
  }
}
