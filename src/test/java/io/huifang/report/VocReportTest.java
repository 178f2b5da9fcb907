package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.Sample;
import io.huifang.report.DealerScore.ItemScore;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.QuestionnaireException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The voice-of-the-customer JSON from a fixed score: indicator names, the weak-item rule (below 8.0 or the five
 * lowest, whichever are more), execution rate, loyalty, competitors (items marked "competitor"), verbatims grouped by
 * the section's indicator, the trend; and the stored score's JSON read back unchanged.
 */
class VocReportTest {
  static final YearMonth MONTH = YearMonth.of(2026, 11);

  /** SSI: section "A" (the level-1 indicator A) with x1–x3 → a1; section "end": rival (choice, competitor),
   *  rivalText (text, competitor), rec (loyalty), bad (complaint), idea (suggestion). */
  static Questionnaire questionnaire() {
    JsonArray a = new JsonArray();
    for (int i = 1; i <= 3; i++) {
      a.add(new JsonObject().put("id", "x" + i).put("type", "scale10").put("label", "题" + i).put("indicator", "a1"));
    }
    JsonArray end = new JsonArray()
        .add(new JsonObject().put("id", "rival").put("type", "choice").put("label", "考虑过的车型").put("competitor", true)
            .put("options", new JsonArray().add(new JsonObject().put("id", "m1").put("label", "雅阁"))
                .add(new JsonObject().put("id", "m2").put("label", "凯美瑞"))))
        .add(new JsonObject().put("id", "rivalText").put("type", "text").put("label", "其他车型").put("competitor", true))
        .add(new JsonObject().put("id", "rec").put("type", "loyalty").put("topic", "recommend").put("label", "推荐"))
        .add(new JsonObject().put("id", "bad").put("type", "text").put("category", "complaint").put("label", "不满"))
        .add(new JsonObject().put("id", "idea").put("type", "text").put("category", "suggestion").put("label", "建议"));
    JsonArray indicators = new JsonArray().add(new JsonObject().put("id", "A").put("label", "销售")
        .put("children", new JsonArray().add(new JsonObject().put("id", "A1").put("label", "接待")
            .put("children", new JsonArray().add(new JsonObject().put("id", "a1").put("label", "热情"))))));
    return Questionnaire.parse(new JsonObject().put("key", "voc").put("kind", "ssi").put("title", "VOC")
        .put("indicators", indicators).put("sections", new JsonArray()
            .add(new JsonObject().put("id", "A").put("title", "销售过程").put("items", a))
            .add(new JsonObject().put("id", "end").put("title", "总体").put("items", end))));
  }

  static final Questionnaire Q = questionnaire();

  static JsonObject answers(int x1, int x2, int x3) {
    return new JsonObject().put("x1", x1).put("x2", x2).put("x3", x3);
  }

  @Test
  void theReportFromAFixedScore() {
    List<JsonObject> given = List.of(
        answers(9, 6, 10).put("rival", "m1").put("rec", "surely").put("bad", "交车太慢"),
        answers(7, 8, 10).put("rival", "m1").put("rivalText", "  Model Y ").put("rec", "surely_not")
            .put("idea", "无"),
        answers(8, 7, 10).put("rival", "m2").put("rec", "surely").put("idea", "增加试驾车型"));
    DealerScore score = new DealerScoring(Q, ScoringRules.DEFAULT).score(new DealerMonth(3, MONTH,
        List.of(Sample.success(1, given.get(0)), Sample.success(2, given.get(1)), Sample.success(3, given.get(2))),
        false, Checks.NONE));
    // round trip through the stored JSON first: the report is built from what was stored
    DealerScore stored = ScoreJson.fromJson(new JsonObject(ScoreJson.toJson(score).encode()));
    assertEquals(ScoreJson.toJson(score), ScoreJson.toJson(stored));

    List<VocReport.Answered> answered = List.of(new VocReport.Answered(given.get(0), LocalDate.of(2026, 11, 3)),
        new VocReport.Answered(given.get(1), LocalDate.of(2026, 11, 4)),
        new VocReport.Answered(given.get(2), LocalDate.of(2026, 11, 5)));
    JsonObject trend = new JsonObject().put("months", new JsonArray().add("2026-10").add("2026-11"))
        .put("scores", new JsonArray().add(800.5).add(null));
    JsonObject voc = VocReport.build(new VocReport.Input(new JsonObject().put("id", 3).put("code", "D003"), "ssi",
        MONTH, "approved", stored, 2, 7, 1, Q, Map.of("x2", new JsonObject().put("text", "培训接待").put("by", "王")),
        50, 48, answered, trend));

    // raw: (25/3 + 25/3 + 25/3) / 3 = 8.333…; success rate 1.0; no deduction (list not exhausted)
    JsonObject s = voc.getJsonObject("score");
    assertEquals(25.0 / 3, s.getDouble("raw"), 1e-9);
    assertEquals(833.33, s.getDouble("assessment"));
    assertEquals(1.0, s.getDouble("successRate"));
    assertEquals(2, s.getInteger("rank"));
    assertEquals(7, s.getInteger("of"));
    assertEquals(3, s.getJsonObject("counts").getInteger("successful"));
    assertEquals(new JsonArray(), s.getJsonArray("deductions"));

    // indicators at every level, named from the questionnaire
    JsonArray ind = voc.getJsonArray("indicators");
    assertEquals(List.of("A", "A1", "a1"), ind.stream().map(o -> ((JsonObject) o).getString("id")).toList());
    assertEquals("热情", ind.getJsonObject(2).getString("name"));
    assertEquals(3, ind.getJsonObject(2).getInteger("level"));
    assertEquals("A1", ind.getJsonObject(2).getString("parent"));
    assertEquals(8.33, ind.getJsonObject(2).getDouble("score"));

    // three items, fewer than five: all weak, lowest first (x2 7.0, x1 8.0, x3 10.0)
    JsonArray weak = voc.getJsonArray("weakItems");
    assertEquals(List.of("x2", "x1", "x3"), weak.stream().map(o -> ((JsonObject) o).getString("itemId")).toList());
    assertEquals("培训接待", weak.getJsonObject(0).getString("suggestion"));
    assertEquals("王", weak.getJsonObject(0).getString("suggestionBy"));
    assertNull(weak.getJsonObject(1).getString("suggestion"));
    assertEquals("题2", weak.getJsonObject(0).getString("label"));
    assertEquals("热情", weak.getJsonObject(0).getString("indicatorName"));

    assertEquals(new JsonObject().put("due", 50).put("called", 48).put("rate", 0.96), voc.getJsonObject("execution"));

    // loyalty: 2 surely, 1 surely not of 3
    JsonObject loyalty = voc.getJsonObject("loyalty");
    assertEquals(3, loyalty.getJsonObject("recommend").getInteger("answered"));
    assertEquals(0.6667, loyalty.getDouble("loyalShare"));
    assertEquals(0.3333, loyalty.getDouble("detractorShare"));
    assertEquals(0.3333, loyalty.getDouble("leadingIndex"));
    assertEquals(0, loyalty.getJsonObject("comeBack").getInteger("answered"));

    // competitors: by option label and by text, most first
    assertEquals(new JsonArray().add(new JsonObject().put("model", "雅阁").put("count", 2))
        .add(new JsonObject().put("model", "凯美瑞").put("count", 1))
        .add(new JsonObject().put("model", "Model Y").put("count", 1)), voc.getJsonArray("competitors"));

    // verbatims: "无" left out; grouped under the section "end" (no indicator of that id: its title names it)
    JsonArray v = voc.getJsonArray("verbatims");
    assertEquals(2, v.size(), v.encode());
    assertEquals("complaint", v.getJsonObject(0).getString("kind"));
    assertEquals("交车太慢", v.getJsonObject(0).getString("text"));
    assertEquals("2026-11-03", v.getJsonObject(0).getString("date"));
    assertEquals("end", v.getJsonObject(0).getString("indicator"));
    assertEquals("总体", v.getJsonObject(0).getString("indicatorName"));
    assertEquals("增加试驾车型", v.getJsonObject(1).getString("text"));

    assertEquals(trend.getJsonArray("scores"), voc.getJsonObject("trend").getJsonArray("assessment"));
    assertEquals("approved", voc.getString("state"));
    assertEquals("2026-11", voc.getString("month"));
  }

  static DealerScore withItems(double... scores) {
    Map<String, ItemScore> items = new LinkedHashMap<>();
    for (int i = 0; i < scores.length; i++) {
      items.put("i" + i, new ItemScore("i" + i, null, scores[i], 10));
    }
    return new DealerScore(1, MONTH, Questionnaire.Kind.CSI, new DealerScore.Counts(10, 10, 0, 0, 0, 0, 10), 1.0,
        8.0, BigDecimal.valueOf(800), BigDecimal.ZERO, List.of(), Map.of(), items,
        new DealerScore.Loyalty(DealerScore.Shares.NONE, DealerScore.Shares.NONE, DealerScore.Shares.NONE));
  }

  @Test
  void weakItemsAreThoseBelowEightOrTheFiveLowestWhicheverAreMore() {
    // none below 8: the five lowest, ties in the questionnaire's order
    assertEquals(List.of("i6", "i1", "i3", "i0", "i2"),
        VocReport.weakItemIds(withItems(9.0, 8.5, 9.0, 8.5, 9.5, 9.9, 8.0)));
    // six below 8: all six
    assertEquals(List.of("i5", "i4", "i3", "i2", "i1", "i0"),
        VocReport.weakItemIds(withItems(7.9, 7.5, 7.0, 6.0, 5.0, 4.0, 9.0)));
    // exactly 8.0 is not below 8
    assertEquals(5, VocReport.weakItemIds(withItems(8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0)).size());
    assertEquals(List.of("i1", "i0"), VocReport.weakItemIds(withItems(9.0, 3.0)));
    assertEquals(List.of(), VocReport.weakItemIds(withItems()));
  }

  @Test
  void competitorIsAFlagOfChoiceAndTextItemsOnly() {
    assertTrue(Q.item("rival").competitor());
    assertTrue(Q.item("rivalText").competitor());
    assertEquals(Boolean.TRUE, Q.item("rival").toJson().getBoolean("competitor"));
    assertNull(Q.item("x1").toJson().getValue("competitor"));
    assertEquals(Q.toJson(), Questionnaire.parse(Q.toJson()).toJson(), "the flag survives a round trip");
    JsonObject bad = Q.toJson();
    bad.getJsonArray("sections").getJsonObject(0).getJsonArray("items").getJsonObject(0).put("competitor", true);
    QuestionnaireException e = assertThrows(QuestionnaireException.class, () -> Questionnaire.parse(bad));
    assertTrue(e.getMessage().contains("competitor"), e.getMessage());
    JsonObject notBool = Q.toJson();
    notBool.getJsonArray("sections").getJsonObject(1).getJsonArray("items").getJsonObject(0).put("competitor", "yes");
    assertThrows(QuestionnaireException.class, () -> Questionnaire.parse(notBool));
  }
}
