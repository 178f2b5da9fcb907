package io.huifang.report;

import io.huifang.report.DealerMonth.Outcome;
import io.huifang.report.DealerMonth.Sample;
import io.huifang.report.DealerMonth.VolumeCheck;
import io.huifang.report.DealerScore.Counts;
import io.huifang.report.DealerScore.Deduction;
import io.huifang.report.DealerScore.IndicatorScore;
import io.huifang.report.DealerScore.ItemScore;
import io.huifang.report.DealerScore.Loyalty;
import io.huifang.report.DealerScore.Shares;
import io.huifang.report.ScoringRules.AuditFinding;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.Questionnaire.Indicator;
import io.huifang.survey.Questionnaire.Item;
import io.huifang.survey.Questionnaire.ShowIf;
import io.huifang.survey.Questionnaire.Type;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dealer's month score by the SEM-CSI rules of DOMAIN.md ("Scoring a dealer"), pure: no I/O, no clock. One instance
 * per questionnaire and rules; it reads the questionnaire once into arrays (which item decides whether which is shown,
 * each scale item's indicators at the three levels, the loyalty items) so that a month of 2,000 dealers is scored
 * without looking anything up by name but the answers themselves. Safe to use from several threads.
 *
 * <p>The rules as implemented (README, "Dealer scores (SEM-CSI)"):
 * <ul>
 * <li>A sample is left out of everything (scores, success rate, sample floor) when it is void (flagged, or by the
 * questionnaire's rule: 5 CSI / 4 SSI items 未调查 or more), falsified or appealed away.</li>
 * <li>Raw score: the mean over the counted successful samples of each sample's mean over its shown scale items
 * answered with a score; 未调查 leaves an item out of the sample's mean, and a sample with no scored item out of the
 * dealer's mean (it still counts as a successful sample).</li>
 * <li>Success rate = successful / (successful + error samples) over the counted samples. Below the target (90 %)
 * the points are taken pro rata: 5 × (90 − rate in %), rounded half up to 0.01, so 89.5 % costs 2.5 points and
 * 88.89 % (8 of 9) 5.56; with no counted sample there is no rate and no deduction.</li>
 * <li>Every DMS customer called and fewer than 10 counted successful samples: 100 points per sample short; not
 * every customer called: no deduction.</li>
 * <li>Data-audit spot check: the points of the most serious kind found (each kind 10–30), once.</li>
 * <li>On-site volume check not matching or figures not shown: 50 points.</li>
 * <li>Each improvement plan delivered late: the configured points.</li>
 * <li>Assessment score = raw × 100 − the deductions' sum, rounded half up to 0.01; not floored at 0.</li>
 * </ul>
 */
public final class DealerScoring {
  private static final String[] LOYALTY = {"surely", "probably", "unsure", "probably_not", "surely_not"};

  private final Questionnaire questionnaire;
  private final ScoringRules rules;
  private final int voidAt;
  // the questionnaire's items in order
  private final String[] ids;
  private final int[] showTarget; // index of the item a skip rule names, −1 without a rule
  private final ShowIf[] showIf;
  private final boolean[] read; // whether the item's answer is needed (scale, loyalty, named by a skip rule)
  // scale items
  private final int[] scaleItem; // index into ids
  private final int[][] scalePath; // indicator indexes, level 1 down to 3 (empty without an indicator)
  // loyalty items
  private final int[] loyaltyItem;
  private final boolean[] loyaltyRecommend;
  private final List<Indicator> indicators;

  public DealerScoring(Questionnaire questionnaire, ScoringRules rules) {
    this.questionnaire = questionnaire;
    this.rules = rules;
    this.voidAt = questionnaire.kind().voidAt();
    List<Item> items = questionnaire.items();
    int n = items.size();
    ids = new String[n];
    showTarget = new int[n];
    showIf = new ShowIf[n];
    read = new boolean[n];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(items.get(i).id(), i);
    }
    indicators = questionnaire.indicators();
    Map<String, Integer> indicatorIndex = new HashMap<>();
    for (int i = 0; i < indicators.size(); i++) {
      indicatorIndex.put(indicators.get(i).id(), i);
    }
    List<Integer> scales = new ArrayList<>();
    List<Integer> loyalties = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Item it = items.get(i);
      ids[i] = it.id();
      showIf[i] = it.showIf();
      showTarget[i] = it.showIf() == null ? -1 : index.get(it.showIf().item());
      if (showTarget[i] >= 0) {
        read[showTarget[i]] = true;
      }
      if (it.type() == Type.SCALE10) {
        scales.add(i);
        read[i] = true;
      } else if (it.type() == Type.LOYALTY) {
        loyalties.add(i);
        read[i] = true;
      }
    }
    scaleItem = scales.stream().mapToInt(Integer::intValue).toArray();
    scalePath = new int[scaleItem.length][];
    for (int k = 0; k < scaleItem.length; k++) {
      String ind = items.get(scaleItem[k]).indicator();
      scalePath[k] = ind == null ? new int[0]
          : questionnaire.indicatorPath(ind).stream().mapToInt(indicatorIndex::get).toArray();
    }
    loyaltyItem = loyalties.stream().mapToInt(Integer::intValue).toArray();
    loyaltyRecommend = new boolean[loyaltyItem.length];
    for (int k = 0; k < loyaltyItem.length; k++) {
      loyaltyRecommend[k] = items.get(loyaltyItem[k]).topic() == Questionnaire.Topic.RECOMMEND;
    }
  }

  public Questionnaire questionnaire() {
    return questionnaire;
  }

  /** The month's score of one dealer; its samples are read by item id against this questionnaire. */
  public DealerScore score(DealerMonth month) {
    Month m = new Month();
    for (Sample s : month.samples()) {
      m.add(s);
    }
    List<Deduction> deductions = deductions(month, m.successful, m.errors);
    BigDecimal deducted = BigDecimal.ZERO.setScale(2);
    for (Deduction d : deductions) {
      deducted = deducted.add(d.points());
    }
    Double raw = m.scored == 0 ? null : m.rawSum / m.scored;
    BigDecimal assessment = raw == null ? null
        : new BigDecimal(Double.toString(raw)).movePointRight(2).subtract(deducted).setScale(2, RoundingMode.HALF_UP);
    int counted = m.successful + m.errors;
    return new DealerScore(month.dealerId(), month.month(), questionnaire.kind(),
        new Counts(month.samples().size(), m.successful, m.errors, m.voided, m.falsified, m.appealedAway, m.scored),
        counted == 0 ? null : (double) m.successful / counted, raw, assessment, deducted,
        Collections.unmodifiableList(deductions), m.indicatorScores(), m.itemScores(), m.loyalty());
  }

  /** The deductions in rule order; see the class comment for the rules. */
  List<Deduction> deductions(DealerMonth month, int successful, int errors) {
    List<Deduction> out = new ArrayList<>();
    int counted = successful + errors;
    int target = rules.successTargetPercent();
    // 100 × successful < target × counted ⇔ rate < target %; the shortfall in points is then exactly
    // (target × counted − 100 × successful) / counted, taken pro rata and rounded once, at the end
    long shortHundredths = (long) target * counted - 100L * successful;
    if (counted > 0 && shortHundredths > 0) {
      BigDecimal points = BigDecimal.valueOf(shortHundredths * rules.pointsPerPercentShort())
          .divide(BigDecimal.valueOf(counted), 2, RoundingMode.HALF_UP);
      out.add(new Deduction("success_rate", new JsonObject().put("successful", successful).put("errorSamples", errors)
          .put("successRatePercent", BigDecimal.valueOf(100L * successful)
              .divide(BigDecimal.valueOf(counted), 4, RoundingMode.HALF_UP).doubleValue())
          .put("targetPercent", target).put("pointsPerPercent", rules.pointsPerPercentShort()), points));
    }
    if (month.listExhausted() && successful < rules.minSuccessful()) {
      int shortBy = rules.minSuccessful() - successful;
      out.add(new Deduction("too_few_samples", new JsonObject().put("successful", successful)
          .put("minimum", rules.minSuccessful()).put("listExhausted", true)
          .put("pointsPerSample", rules.pointsPerSampleShort()),
          BigDecimal.valueOf((long) shortBy * rules.pointsPerSampleShort()).setScale(2)));
    }
    if (!month.checks().audit().isEmpty()) {
      // DOMAIN.md: the spot check costs 10–30 points, so one deduction at the most serious finding's points
      int worst = 0;
      JsonArray found = new JsonArray();
      JsonObject table = new JsonObject();
      for (AuditFinding f : AuditFinding.values()) {
        if (month.checks().audit().contains(f)) {
          int p = rules.auditPoints().get(f);
          found.add(f.id);
          table.put(f.id, p);
          worst = Math.max(worst, p);
        }
      }
      out.add(new Deduction("data_audit", new JsonObject().put("findings", found).put("points", table),
          BigDecimal.valueOf(worst).setScale(2)));
    }
    VolumeCheck v = month.checks().volume();
    if (v == VolumeCheck.NOT_MATCHING || v == VolumeCheck.NOT_SHOWN) {
      out.add(new Deduction("volume_check", new JsonObject().put("result", v.id),
          BigDecimal.valueOf(rules.volumeMismatchPoints()).setScale(2)));
    }
    List<String> late = month.checks().latePlans();
    if (!late.isEmpty()) {
      out.add(new Deduction("plan_late", new JsonObject().put("plans", new JsonArray(new ArrayList<>(late)))
          .put("pointsEach", rules.latePlanPoints()),
          BigDecimal.valueOf((long) late.size() * rules.latePlanPoints()).setScale(2)));
    }
    return out;
  }

  /** A scale answer 1..10, or 0 when the value is not one (not answered, 未调查, out of range). */
  static int scale(Object v) {
    if (v instanceof Integer i) {
      return i >= 1 && i <= 10 ? i : 0;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && d >= 1 && d <= 10) {
        return (int) d;
      }
    }
    return 0;
  }

  /** The running sums of one dealer's month. */
  private final class Month {
    final Object[] values = new Object[ids.length];
    final boolean[] shown = new boolean[ids.length];
    final int[] sampleScores = new int[scaleItem.length];
    final double[] sampleIndSum = new double[indicators.size()];
    final int[] sampleIndCount = new int[indicators.size()];
    final double[] indSum = new double[indicators.size()];
    final int[] indCount = new int[indicators.size()];
    final long[] itemSum = new long[scaleItem.length];
    final int[] itemCount = new int[scaleItem.length];
    final int[][] loyaltyCounts = new int[2][LOYALTY.length]; // [recommend, come back][option]
    int successful;
    int errors;
    int voided;
    int falsified;
    int appealedAway;
    int scored;
    double rawSum;

    void add(Sample s) {
      boolean success = s.outcome() == Outcome.SUCCESS;
      int notSurveyed = 0;
      int sum = 0;
      int count = 0;
      if (success) {
        read(s.answers());
        for (int k = 0; k < scaleItem.length; k++) {
          int i = scaleItem[k];
          int score = 0;
          if (shown[i]) {
            Object v = values[i];
            if (Questionnaire.NOT_SURVEYED.equals(v)) {
              notSurveyed++;
            } else {
              score = scale(v);
            }
          }
          sampleScores[k] = score;
          if (score > 0) {
            sum += score;
            count++;
          }
        }
      }
      if (s.voided() || (success && notSurveyed >= voidAt)) {
        voided++;
        return;
      }
      if (s.falsified()) {
        falsified++;
        return;
      }
      if (s.appealedAway()) {
        appealedAway++;
        return;
      }
      if (!success) {
        errors++;
        return;
      }
      successful++;
      countLoyalty();
      if (count == 0) {
        return;
      }
      scored++;
      rawSum += (double) sum / count;
      for (int k = 0; k < scaleItem.length; k++) {
        int score = sampleScores[k];
        if (score == 0) {
          continue;
        }
        itemSum[k] += score;
        itemCount[k]++;
        for (int j : scalePath[k]) {
          sampleIndSum[j] += score;
          sampleIndCount[j]++;
        }
      }
      for (int j = 0; j < sampleIndCount.length; j++) {
        if (sampleIndCount[j] > 0) {
          indSum[j] += sampleIndSum[j] / sampleIndCount[j];
          indCount[j]++;
          sampleIndSum[j] = 0;
          sampleIndCount[j] = 0;
        }
      }
    }

    /** The answers this scoring needs, and which items are shown (a skip rule names an earlier item). */
    private void read(JsonObject answers) {
      for (int i = 0; i < ids.length; i++) {
        int t = showTarget[i];
        shown[i] = t < 0 || (shown[t] && showIf[i].matches(values[t]));
        values[i] = read[i] && shown[i] ? answers.getValue(ids[i]) : null;
      }
    }

    private void countLoyalty() {
      for (int k = 0; k < loyaltyItem.length; k++) {
        int i = loyaltyItem[k];
        if (!shown[i] || values[i] == null) {
          continue;
        }
        for (int o = 0; o < LOYALTY.length; o++) {
          if (LOYALTY[o].equals(values[i])) {
            loyaltyCounts[loyaltyRecommend[k] ? 0 : 1][o]++;
            break;
          }
        }
      }
    }

    Map<String, IndicatorScore> indicatorScores() {
      Map<String, IndicatorScore> out = new LinkedHashMap<>();
      for (int j = 0; j < indCount.length; j++) {
        if (indCount[j] > 0) {
          Indicator ind = indicators.get(j);
          out.put(ind.id(), new IndicatorScore(ind.id(), ind.level(), indSum[j] / indCount[j], indCount[j]));
        }
      }
      return Collections.unmodifiableMap(out);
    }

    Map<String, ItemScore> itemScores() {
      Map<String, ItemScore> out = new LinkedHashMap<>();
      List<Item> items = questionnaire.items();
      for (int k = 0; k < scaleItem.length; k++) {
        if (itemCount[k] > 0) {
          Item it = items.get(scaleItem[k]);
          out.put(it.id(), new ItemScore(it.id(), it.indicator(), (double) itemSum[k] / itemCount[k], itemCount[k]));
        }
      }
      return Collections.unmodifiableMap(out);
    }

    Loyalty loyalty() {
      Shares recommend = shares(loyaltyCounts[0]);
      Shares comeBack = shares(loyaltyCounts[1]);
      return new Loyalty(recommend, comeBack, recommend.plus(comeBack));
    }

    private Shares shares(int[] c) {
      return new Shares(c[0] + c[1] + c[2] + c[3] + c[4], c[0], c[1], c[2], c[3], c[4]);
    }
  }
}
