package io.huifang.survey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class SurveyCheckTest {
  final Questionnaire q = Questionnaire.parse(QuestionnaireTest.sample());

  static List<String> ids(List<AnswerProblem> problems) {
    return problems.stream().map(AnswerProblem::itemId).toList();
  }

  @Test
  void typesAndRangesAreAlwaysChecked() {
    JsonObject a = new JsonObject().put("owner", "yes").put("q1", 11).put("rec", "maybe").put("why", "z")
        .put("c", "太长了太长了").put("ghost", 1);
    List<AnswerProblem> p = SurveyCheck.validate(q, a, false);
    assertEquals(List.of("owner", "rec", "why", "c", "ghost"), ids(p), "owner is not true, so q1 is hidden: " + p);
    // With owner answered right, q1's 11 is a problem.
    a.put("owner", true);
    p = SurveyCheck.validate(q, a, false);
    assertEquals(List.of("q1", "rec", "why", "c", "ghost"), ids(p));
    assertTrue(p.get(0).en().contains("1 to 10"), p.get(0).en());
    assertTrue(p.get(0).zh().contains("未调查"));
    assertEquals(List.of(), SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", 10)
        .put("rec", "surely_not").put("why", "x").put("c", "五个字符呀"), false));
    assertEquals(List.of(), SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", "not_surveyed"), false));
    assertEquals(List.of("q1"), ids(SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", 7.5), false)));
    assertEquals(List.of("q1"), ids(SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", 0), false)));
    assertEquals(List.of("q1"), ids(SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", "7"), false)));
    assertEquals(List.of(), SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", 7.0), false));
  }

  @Test
  void requiredOnlyWhenSubmittingAndOnlyWhenShown() {
    assertEquals(List.of(), SurveyCheck.validate(q, new JsonObject(), false), "saving a draft");
    assertEquals(List.of("owner"), ids(SurveyCheck.validate(q, new JsonObject(), true)), "q1 is hidden until owner=true");
    assertEquals(List.of("q1"), ids(SurveyCheck.validate(q, new JsonObject().put("owner", true), true)));
    assertEquals(List.of(), SurveyCheck.validate(q, new JsonObject().put("owner", false), true));
    assertEquals(List.of("q1"), ids(SurveyCheck.validate(q, new JsonObject().put("owner", true).putNull("q1"), true)));
    // Answers to hidden items are ignored, even wrong ones.
    assertEquals(List.of(), SurveyCheck.validate(q, new JsonObject().put("owner", false).put("q1", "rubbish"), true));
    assertEquals(List.of(), SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", 3)
        .put("why", "x").put("q2", 99), true), "q2 hidden unless why=y");
    assertEquals(List.of("q2"), ids(SurveyCheck.validate(q, new JsonObject().put("owner", true).put("q1", 3)
        .put("why", "y").put("q2", 99), true)));
  }

  @Test
  void requiredTextMustNotBeBlank() {
    Questionnaire t = Questionnaire.parse(new JsonObject("""
        {"key": "t", "kind": "csi", "title": "t", "sections": [{"id": "s", "title": "s", "items": [
          {"id": "c", "type": "text", "required": true, "label": "c"}]}]}"""));
    assertEquals(List.of("c"), ids(SurveyCheck.validate(t, new JsonObject().put("c", "  "), true)));
    assertEquals(List.of(), SurveyCheck.validate(t, new JsonObject().put("c", "还行"), true));
    assertEquals(List.of("c"), ids(SurveyCheck.validate(t, new JsonObject().put("c", 5), false)));
  }

  @Test
  void builtInAcceptsACompleteSurvey() {
    Questionnaire csi = Questionnaire.builtIn("csi-default");
    JsonObject a = new JsonObject();
    for (Questionnaire.Item i : csi.items()) {
      switch (i.type()) {
        case YESNO -> a.put(i.id(), true);
        case SCALE10 -> a.put(i.id(), 9);
        case LOYALTY, CHOICE -> a.put(i.id(), i.options().get(0).id());
        case TEXT -> a.put(i.id(), "无");
      }
    }
    assertEquals(List.of(), SurveyCheck.validate(csi, a, true));
    a.remove("s3");
    assertEquals(List.of("s3"), ids(SurveyCheck.validate(csi, a, true)));
    assertEquals(List.of(), SurveyCheck.validate(csi, new JsonObject().put("owner", false), true),
        "not the owner: nothing else is asked");
  }
}
