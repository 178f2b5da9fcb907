package io.huifang.survey;

import io.huifang.survey.Questionnaire.Item;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Scores one survey by the rules of DOMAIN.md: the raw score is the mean of the answered 10-point items, items
 * answered "not surveyed" left out; the quality-control flags count items below 7 (review) and items not surveyed
 * (void), 5 or more for CSI, 4 or more for SSI. Items hidden by their skip rule and invalid answers do not count.
 */
public final class Scoring {
  private Scoring() {
  }

  public static Score score(Questionnaire q, JsonObject answers) {
    JsonObject a = answers == null ? new JsonObject() : answers;
    int answered = 0;
    int below = 0;
    int notSurveyed = 0;
    long sum = 0;
    Map<String, long[]> byIndicator = new HashMap<>(); // id -> {sum, count}
    for (Item item : q.items()) {
      if (item.type() != Questionnaire.Type.SCALE10 || !q.shown(item, a)) {
        continue;
      }
      Object v = a.getValue(item.id());
      if (Questionnaire.NOT_SURVEYED.equals(v)) {
        notSurveyed++;
        continue;
      }
      Integer n = Questionnaire.scale(v);
      if (n == null) {
        continue;
      }
      answered++;
      sum += n;
      if (n < 7) {
        below++;
      }
      if (item.indicator() != null) {
        for (String id : q.indicatorPath(item.indicator())) {
          long[] acc = byIndicator.computeIfAbsent(id, k -> new long[2]);
          acc[0] += n;
          acc[1]++;
        }
      }
    }
    Map<String, Double> means = new HashMap<>();
    byIndicator.forEach((id, acc) -> means.put(id, (double) acc[0] / acc[1]));
    Questionnaire.Kind k = q.kind();
    return new Score(answered == 0 ? null : (double) sum / answered, answered, below, notSurveyed,
        below >= k.reviewAt(), notSurveyed >= k.voidAt(), means);
  }
}
