package io.huifang.testsupport;

import io.huifang.survey.Questionnaire;
import io.vertx.core.json.JsonObject;

/** A survey as an agent fills it in, for tests that submit one: every visible item answered, skip rules followed. */
public final class SurveyAnswers {
  private SurveyAnswers() {
  }

  /**
   * The first {@code low} scale items 4, the next {@code notSurveyed} "not surveyed", the other scale items
   * {@code score}; yes/no items yes, choices their first option, loyalty "surely", texts "无" (no complaint).
   */
  public static JsonObject full(Questionnaire q, int low, int notSurveyed, int score) {
    JsonObject a = new JsonObject();
    int scale = 0;
    for (Questionnaire.Item item : q.items()) {
      if (item.showIf() != null && !item.showIf().matches(a.getValue(item.showIf().item()))) {
        continue;
      }
      switch (item.type()) {
        case SCALE10 -> {
          a.put(item.id(), scale < low ? (Object) 4 : scale < low + notSurveyed ? Questionnaire.NOT_SURVEYED : score);
          scale++;
        }
        case LOYALTY -> a.put(item.id(), "surely");
        case YESNO -> a.put(item.id(), true);
        case CHOICE -> a.put(item.id(), item.options().get(0).id());
        case TEXT -> a.put(item.id(), "无");
        default -> throw new AssertionError(item.type());
      }
    }
    return a;
  }

  /** {@link #full(Questionnaire, int, int, int)} with the other scale items 9. */
  public static JsonObject full(Questionnaire q, int low, int notSurveyed) {
    return full(q, low, notSurveyed, 9);
  }
}
