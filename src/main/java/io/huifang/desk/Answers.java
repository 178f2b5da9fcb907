package io.huifang.desk;

import io.huifang.core.Invalid;
import io.huifang.survey.AnswerProblem;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.SurveyCheck;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/** The survey answers as autosave and submit handle them: changes merged into what was saved, then checked. */
final class Answers {
  /** The longest free text any answer (or the note) may have. */
  static final int MAX_TEXT = 4000;

  private Answers() {
  }

  /** The answers with the changes applied; a change to {@code null} clears that answer. */
  static JsonObject merged(JsonObject answers, JsonObject changes) {
    JsonObject merged = answers.copy();
    changes.forEach(e -> {
      if (e.getValue() == null) {
        merged.remove(e.getKey());
      } else {
        merged.put(e.getKey(), e.getValue());
      }
    });
    return merged;
  }

  /**
   * The first problem with the answers, or null: text too long, no questionnaire, or what the questionnaire refuses
   * (of the items in {@code only} when given; required items only when {@code submitting}).
   */
  static Invalid firstProblem(Questionnaire q, JsonObject answers, Set<String> only, boolean submitting) {
    for (String k : answers.fieldNames()) {
      if (answers.getValue(k) instanceof String s && s.length() > MAX_TEXT) {
        return new Invalid("answers." + k, "an answer may have at most " + MAX_TEXT + " characters",
            "答案最多 " + MAX_TEXT + " 个字符");
      }
    }
    if (q == null) {
      return new Invalid("questionnaire", "the campaign's questionnaire is not available",
          "无法加载该活动的问卷");
    }
    List<AnswerProblem> problems = SurveyCheck.validate(q, answers, submitting);
    for (AnswerProblem p : problems) {
      if (only == null || only.contains(p.itemId())) {
        return new Invalid("answers." + p.itemId(), p.en(), p.zh());
      }
    }
    return null;
  }
}
