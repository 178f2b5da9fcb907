package io.huifang.survey;

import io.huifang.survey.Questionnaire.Item;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a set of answers against a questionnaire. Answers map item id to value: scale10 → whole number 1..10 or
 * {@code "not_surveyed"}; loyalty → option id ({@code surely}, {@code probably}, {@code unsure},
 * {@code probably_not}, {@code surely_not}); yesno → true/false; choice → option id; text → string. A missing key
 * or JSON null is "not answered yet".
 */
public final class SurveyCheck {
  private SurveyCheck() {
  }

  /**
   * The problems with {@code answers}, in questionnaire order (unknown item ids last). Wrong types, out-of-range
   * values and unknown items are always problems; missing required items only when {@code submitting}. Items
   * hidden by their skip rule are never required, and their answers are ignored.
   */
  public static List<AnswerProblem> validate(Questionnaire q, JsonObject answers, boolean submitting) {
    JsonObject a = answers == null ? new JsonObject() : answers;
    List<AnswerProblem> out = new ArrayList<>();
    for (Item item : q.items()) {
      if (!q.shown(item, a)) {
        continue;
      }
      Object v = a.getValue(item.id());
      if (v == null || (v instanceof String s && s.isBlank() && item.type() == Questionnaire.Type.TEXT)) {
        if (submitting && item.required()) {
          out.add(new AnswerProblem(item.id(), "this item is required", "此题必答"));
        }
        continue;
      }
      AnswerProblem p = check(item, v);
      if (p != null) {
        out.add(p);
      }
    }
    for (String k : a.fieldNames()) {
      if (q.item(k) == null) {
        out.add(new AnswerProblem(k, "no such item in questionnaire " + q.key() + " v" + q.version(),
            "问卷 " + q.key() + " v" + q.version() + " 中没有这道题"));
      }
    }
    return out;
  }

  /** Whether the value is a valid answer to the item (null when it is). */
  static AnswerProblem check(Item item, Object v) {
    return switch (item.type()) {
      case SCALE10 -> Questionnaire.NOT_SURVEYED.equals(v) || Questionnaire.scale(v) != null ? null
          : new AnswerProblem(item.id(), "must be a whole number from 1 to 10 or \"not_surveyed\", not "
              + Questionnaire.describe(v), "必须是 1 到 10 的整数或 \"not_surveyed\"（未调查），而不是 " + Questionnaire.describe(v));
      case YESNO -> v instanceof Boolean ? null
          : new AnswerProblem(item.id(), "must be true or false, not " + Questionnaire.describe(v),
              "必须是 true 或 false，而不是 " + Questionnaire.describe(v));
      case LOYALTY, CHOICE -> v instanceof String s && item.option(s) != null ? null
          : new AnswerProblem(item.id(), "must be one of the options " + optionIds(item) + ", not "
              + Questionnaire.describe(v), "必须是选项 " + optionIds(item) + " 之一，而不是 " + Questionnaire.describe(v));
      case TEXT -> {
        if (!(v instanceof String s)) {
          yield new AnswerProblem(item.id(), "must be text, not " + Questionnaire.describe(v),
              "必须是文本，而不是 " + Questionnaire.describe(v));
        }
        int len = s.codePointCount(0, s.length());
        yield len <= item.maxLength() ? null : new AnswerProblem(item.id(), "is " + len + " characters long; at most "
            + item.maxLength() + " are allowed", "长度为 " + len + " 个字符，最多允许 " + item.maxLength() + " 个");
      }
    };
  }

  private static String optionIds(Item item) {
    List<String> ids = new ArrayList<>();
    item.options().forEach(o -> ids.add(o.id()));
    return String.join(", ", ids);
  }
}
