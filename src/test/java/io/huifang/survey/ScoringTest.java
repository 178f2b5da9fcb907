package io.huifang.survey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ScoringTest {
  /** {@code n} scale items s0..s(n-1) of the given kind, in two indicators, after a gate yes/no item. */
  static Questionnaire scales(String kind, int n) {
    JsonArray items = new JsonArray().add(new JsonObject().put("id", "gate").put("type", "yesno").put("label", "门"));
    for (int i = 0; i < n; i++) {
      items.add(new JsonObject().put("id", "s" + i).put("type", "scale10").put("label", "题" + i)
          .put("indicator", i % 2 == 0 ? "even" : "odd"));
    }
    items.add(new JsonObject().put("id", "hidden").put("type", "scale10").put("label", "隐")
        .put("indicator", "odd").put("showIf", new JsonObject().put("item", "gate").put("equals", true)));
    return Questionnaire.parse(new JsonObject().put("key", "h").put("kind", kind).put("title", "手工")
        .put("indicators", new JsonArray().add(new JsonObject().put("id", "top").put("label", "顶")
            .put("children", new JsonArray().add(new JsonObject().put("id", "mid").put("label", "中")
                .put("children", new JsonArray()
                    .add(new JsonObject().put("id", "even").put("label", "偶"))
                    .add(new JsonObject().put("id", "odd").put("label", "奇")))))))
        .put("sections", new JsonArray().add(new JsonObject().put("id", "s").put("title", "s").put("items", items))));
  }

  /** The first {@code low} items score 6, the next {@code ns} are not surveyed, the rest score 9. */
  static JsonObject answers(Questionnaire q, int low, int ns) {
    JsonObject a = new JsonObject().put("gate", false).put("hidden", 1);
    int i = 0;
    for (Questionnaire.Item item : q.items()) {
      if (item.type() != Questionnaire.Type.SCALE10 || item.id().equals("hidden")) {
        continue;
      }
      a.put(item.id(), i < low ? (Object) 6 : i < low + ns ? (Object) "not_surveyed" : (Object) 9);
      i++;
    }
    return a;
  }

  @Test
  void csiReviewAtFiveItemsBelowSeven() {
    Questionnaire q = scales("csi", 12);
    Score four = Scoring.score(q, answers(q, 4, 0));
    assertEquals(4, four.belowSeven());
    assertFalse(four.needsReview());
    Score five = Scoring.score(q, answers(q, 5, 0));
    assertEquals(5, five.belowSeven());
    assertTrue(five.needsReview());
    assertFalse(five.isVoid());
  }

  @Test
  void ssiReviewAtFourItemsBelowSeven() {
    Questionnaire q = scales("ssi", 12);
    assertFalse(Scoring.score(q, answers(q, 3, 0)).needsReview());
    assertTrue(Scoring.score(q, answers(q, 4, 0)).needsReview());
  }

  @Test
  void csiVoidAtFiveNotSurveyed() {
    Questionnaire q = scales("csi", 12);
    Score four = Scoring.score(q, answers(q, 0, 4));
    assertEquals(4, four.notSurveyed());
    assertFalse(four.isVoid());
    Score five = Scoring.score(q, answers(q, 0, 5));
    assertEquals(5, five.notSurveyed());
    assertTrue(five.isVoid());
    assertFalse(five.needsReview());
  }

  @Test
  void ssiVoidAtFourNotSurveyed() {
    Questionnaire q = scales("ssi", 12);
    assertFalse(Scoring.score(q, answers(q, 0, 3)).isVoid());
    assertTrue(Scoring.score(q, answers(q, 0, 4)).isVoid());
    assertFalse(Scoring.score(q, answers(q, 3, 3)).needsReview(), "not surveyed is not below seven");
  }

  @Test
  void rawIsTheMeanOfAnsweredItemsNotSurveyedLeftOut() {
    Questionnaire q = scales("csi", 6);
    // s0..s1 = 6, s2..s3 not surveyed, s4..s5 = 9; the hidden item (1) does not count.
    Score s = Scoring.score(q, answers(q, 2, 2));
    assertEquals(7.5, s.raw());
    assertEquals(4, s.scaledAnswered());
    assertEquals(2, s.notSurveyed());
    assertEquals(2, s.belowSeven());
    // even: s0=6, s2=ns, s4=9 -> 7.5; odd: s1=6, s3=ns, s5=9 -> 7.5
    assertEquals(7.5, s.indicatorMeans().get("even"));
    assertEquals(7.5, s.indicatorMeans().get("mid"));
    assertEquals(7.5, s.indicatorMeans().get("top"));
    JsonObject a = new JsonObject().put("s0", 10).put("s1", 7).put("s3", 4).put("s2", "not_surveyed");
    Score t = Scoring.score(q, a);
    assertEquals(7.0, t.raw());
    assertEquals(10.0, t.indicatorMeans().get("even"));
    assertEquals(5.5, t.indicatorMeans().get("odd"));
    assertEquals(7.0, t.indicatorMeans().get("top"));
    assertEquals(1, t.belowSeven(), "7 is not below seven");
    JsonObject j = t.toJson();
    assertEquals(7.0, j.getDouble("raw"));
    assertEquals(false, j.getBoolean("void"));
    assertEquals(5.5, j.getJsonObject("indicatorMeans").getDouble("odd"));
  }

  @Test
  void hiddenAndInvalidAnswersDoNotCount() {
    Questionnaire q = scales("ssi", 3);
    Score s = Scoring.score(q, new JsonObject().put("gate", false).put("hidden", "not_surveyed").put("s0", 99));
    assertNull(s.raw());
    assertEquals(0, s.notSurveyed());
    assertEquals(0, s.scaledAnswered());
    Score shown = Scoring.score(q, new JsonObject().put("gate", true).put("hidden", 2));
    assertEquals(2.0, shown.raw());
    assertEquals(1, shown.belowSeven());
    assertTrue(Scoring.score(q, new JsonObject()).toJson().containsKey("raw"));
  }
}
