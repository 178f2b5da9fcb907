package io.huifang.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.huifang.qa.CalibrationSpread.Member;
import io.huifang.qa.ScorecardScoring.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationSpreadTest {
  static JsonObject item(JsonObject spread, String id) {
    return spread.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> i.getString("itemId").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void spreadPerItemAndAgainstTheExpert() {
    Scorecard card = ScorecardScoringTest.card(); // a1 4, a2 6 (N/A ok), b1 5 fatal, b2 5 (N/A ok)
    Member expert = new Member(1, "专家", ScorecardScoringTest.marks(Result.PASS, Result.PASS, Result.PASS, Result.PASS),
        100, true);
    Member m2 = new Member(2, "乙", ScorecardScoringTest.marks(Result.FAIL, Result.PASS, Result.PASS, Result.NA), 85,
        true);
    Member m3 = new Member(3, "丙", ScorecardScoringTest.marks(Result.PASS, Result.NA, Result.PASS, Result.FAIL), 87.5,
        true);
    JsonObject s = CalibrationSpread.of(card, List.of(expert, m2, m3), 1L);
    JsonObject a1 = item(s, "a1");
    assertEquals(3, a1.getInteger("n"));
    assertEquals(0.0, a1.getDouble("min"));
    assertEquals(4.0, a1.getDouble("max"));
    assertEquals(1.89, a1.getDouble("stdev")); // 4, 0, 4: √(32/9) = 1.8856
    assertEquals(2, a1.getInteger("pass"));
    assertEquals(1, a1.getInteger("fail"));
    JsonObject b2 = item(s, "b2");
    assertEquals(2, b2.getInteger("n"), "N/A is left out");
    assertEquals(1, b2.getInteger("na"));
    assertEquals(2.5, b2.getDouble("stdev")); // 5, 0
    assertEquals(0.0, item(s, "b1").getDouble("stdev"));
    JsonObject score = s.getJsonObject("score");
    assertEquals(85.0, score.getDouble("min"));
    assertEquals(100.0, score.getDouble("max"));
    JsonArray against = s.getJsonArray("againstExpert");
    assertEquals(2, against.size(), "the expert is not compared with itself");
    JsonObject vs2 = against.getJsonObject(0);
    assertEquals(2, vs2.getLong("userId"));
    assertEquals(-15.0, vs2.getDouble("scoreDiff"));
    assertEquals(4, vs2.getInteger("itemsCompared"));
    assertEquals(2, vs2.getInteger("itemsAlike"));
    assertEquals(0.5, vs2.getDouble("agreement"));
    assertEquals(new JsonArray().add("a1").add("b2"), vs2.getJsonArray("differingItems"));
    assertEquals(-12.5, against.getJsonObject(1).getDouble("scoreDiff"));
  }

  @Test
  void withoutAnExpertOrScoresThereIsNothingToCompare() {
    JsonObject s = CalibrationSpread.of(ScorecardScoringTest.card(), List.of(), null);
    assertEquals(0, s.getJsonArray("againstExpert").size());
    assertNull(s.getJsonObject("score").getValue("stdev"));
    assertNull(s.getValue("expertId"));
  }
}
