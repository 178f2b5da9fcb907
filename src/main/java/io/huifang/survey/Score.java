package io.huifang.survey;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The score of one survey (see {@link Scoring#score}).
 *
 * @param raw            mean of the answered scale items, "not surveyed" left out; null when none was answered
 * @param scaledAnswered scale items answered with a score
 * @param belowSeven     scale items scored below 7
 * @param notSurveyed    scale items answered "not surveyed" (未调查)
 * @param needsReview    the recording must be reviewed (CSI: 5 or more items below 7, SSI: 4 or more)
 * @param isVoid         the survey is void, 作废 (CSI: 5 or more items not surveyed, SSI: 4 or more)
 * @param indicatorMeans mean item score per indicator id, at level 3 and rolled up to levels 2 and 1 (the mean of
 *                       all answered items under it); indicators without answered items are left out
 */
public record Score(Double raw, int scaledAnswered, int belowSeven, int notSurveyed, boolean needsReview,
                    boolean isVoid, Map<String, Double> indicatorMeans) {
  public Score {
    indicatorMeans = Map.copyOf(indicatorMeans);
  }

  public JsonObject toJson() {
    JsonObject means = new JsonObject();
    new java.util.TreeMap<>(indicatorMeans).forEach(means::put);
    return new JsonObject().put("raw", raw).put("scaledAnswered", scaledAnswered).put("belowSeven", belowSeven)
        .put("notSurveyed", notSurveyed).put("needsReview", needsReview).put("void", isVoid)
        .put("indicatorMeans", means);
  }
}
