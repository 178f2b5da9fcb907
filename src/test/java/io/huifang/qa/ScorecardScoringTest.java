package io.huifang.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.core.Invalid;
import io.huifang.qa.ScorecardScoring.Mark;
import io.huifang.qa.ScorecardScoring.Outcome;
import io.huifang.qa.ScorecardScoring.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorecardScoringTest {
  /**
   * Section a (weight 30): a1 4 points, a2 6 points (N/A allowed). Section b (weight 10): b1 5 points fatal,
   * b2 5 points (N/A allowed). Pass at 80.
   */
  static Scorecard card() {
    return Scorecard.parse(new JsonObject().put("key", "t").put("name", "测试").put("passScore", 80)
        .put("sections", new JsonArray()
            .add(new JsonObject().put("id", "a").put("title", "A").put("weight", 30).put("items", new JsonArray()
                .add(item("a1", 4, false, false)).add(item("a2", 6, false, true))))
            .add(new JsonObject().put("id", "b").put("title", "B").put("weight", 10).put("items", new JsonArray()
                .add(item("b1", 5, true, false)).add(item("b2", 5, false, true))))));
  }

  static JsonObject item(String id, int points, boolean fatal, boolean na) {
    return new JsonObject().put("id", id).put("text", id).put("points", points).put("fatal", fatal).put("na", na);
  }

  static Map<String, Mark> marks(Result a1, Result a2, Result b1, Result b2) {
    Map<String, Mark> m = new HashMap<>();
    m.put("a1", new Mark(a1, null));
    m.put("a2", new Mark(a2, null));
    m.put("b1", new Mark(b1, null));
    m.put("b2", new Mark(b2, null));
    return m;
  }

  @Test
  void allPassedIs100() {
    Outcome o = ScorecardScoring.score(card(), marks(Result.PASS, Result.PASS, Result.PASS, Result.PASS));
    assertEquals(100.0, o.score());
    assertTrue(o.passed());
    assertFalse(o.fatalFailed());
  }

  @Test
  void sectionsAreWeightedByTheirRatio() {
    // a: 4 of 10 = 0.4 × 30; b: 10 of 10 × 10 → (12 + 10) / 40 = 55.0
    Outcome o = ScorecardScoring.score(card(), marks(Result.PASS, Result.FAIL, Result.PASS, Result.PASS));
    assertEquals(55.0, o.score());
    assertEquals(0.4, o.sectionRatios().get("a"), 1e-12);
    assertFalse(o.passed());
  }

  @Test
  void naLeavesTheDenominator() {
    // a2 N/A: a = 4 of 4 = 1; b: b2 failed: 5 of 10 = 0.5 → (30 + 5) / 40 = 87.5
    Outcome o = ScorecardScoring.score(card(), marks(Result.PASS, Result.NA, Result.PASS, Result.FAIL));
    assertEquals(87.5, o.score());
    assertTrue(o.passed());
  }

  @Test
  void aSectionWithEveryItemNaLeavesTheWeights() {
    Scorecard c = Scorecard.parse(card().toJson().put("sections", card().toJson().getJsonArray("sections").copy()));
    // Make b1 N/A-able: a section whose items are all N/A drops out of Σ weight.
    JsonObject json = c.toJson();
    json.getJsonArray("sections").getJsonObject(1).getJsonArray("items").getJsonObject(0).put("na", true)
        .put("fatal", false);
    Scorecard naB = Scorecard.parse(json);
    // a: 4 of 10 (a2 failed) = 0.4; b dropped → 0.4 × 30 / 30 = 40.0
    Outcome o = ScorecardScoring.score(naB, marks(Result.PASS, Result.FAIL, Result.NA, Result.NA));
    assertEquals(40.0, o.score());
    assertNull(o.sectionRatios().get("b"));
  }

  @Test
  void aFailedFatalItemIsZeroAndFailed() {
    Outcome o = ScorecardScoring.score(card(), marks(Result.PASS, Result.PASS, Result.FAIL, Result.PASS));
    assertEquals(0.0, o.score());
    assertTrue(o.fatalFailed());
    assertFalse(o.passed());
  }

  @Test
  void roundsHalfUpToATenth() {
    // a: 4 of 10 = 0.4, weight 30 → 12; b: 5 of 10 = 0.5, weight 10 → 5; 17 / 40 = 42.5 exactly.
    assertEquals(42.5, ScorecardScoring.score(card(), marks(Result.PASS, Result.FAIL, Result.PASS, Result.FAIL))
        .score());
    // Three sections weighted 1: 1/3 + 1 + 1 → 2.333.../3 = 77.777… → 77.8; 2/3 → 66.666… → 66.7.
    Scorecard thirds = Scorecard.parse(new JsonObject().put("key", "r").put("name", "r").put("passScore", 77.8)
        .put("sections", new JsonArray()
            .add(new JsonObject().put("id", "x").put("title", "X").put("weight", 1).put("items", new JsonArray()
                .add(item("x1", 1, false, false)).add(item("x2", 2, false, false))))
            .add(new JsonObject().put("id", "y").put("title", "Y").put("weight", 1).put("items", new JsonArray()
                .add(item("y1", 1, false, false))))
            .add(new JsonObject().put("id", "z").put("title", "Z").put("weight", 1).put("items", new JsonArray()
                .add(item("z1", 1, false, false))))));
    Map<String, Mark> m = new HashMap<>(Map.of("x1", new Mark(Result.PASS, null), "x2", new Mark(Result.FAIL, null),
        "y1", new Mark(Result.PASS, null), "z1", new Mark(Result.PASS, null)));
    Outcome o = ScorecardScoring.score(thirds, m);
    assertEquals(77.8, o.score());
    assertTrue(o.passed(), "the rounded score is what meets the passing score");
    m.put("x1", new Mark(Result.FAIL, null));
    m.put("x2", new Mark(Result.PASS, null));
    assertEquals(88.9, ScorecardScoring.score(thirds, m).score()); // 2/3 → (0.667 + 2) / 3 = 88.888… → 88.9
    assertEquals(0.1, ScorecardScoring.round1(0.05));
    assertEquals(66.7, ScorecardScoring.round1(200.0 / 3));
  }

  @Test
  void passThresholdIsInclusive() {
    // a all passed (1.0 × 30), b: b1 passed, b2 failed → 0.5 × 10 → 35 / 40 = 87.5
    Scorecard at875 = Scorecard.parse(card().toJson().put("passScore", 87.5));
    assertTrue(ScorecardScoring.score(at875, marks(Result.PASS, Result.PASS, Result.PASS, Result.FAIL)).passed());
    Scorecard at876 = Scorecard.parse(card().toJson().put("passScore", 87.6));
    assertFalse(ScorecardScoring.score(at876, marks(Result.PASS, Result.PASS, Result.PASS, Result.FAIL)).passed());
  }

  @Test
  void everyItemMustBeMarkedAndSomethingApplicable() {
    Map<String, Mark> m = marks(Result.PASS, Result.PASS, Result.PASS, Result.PASS);
    m.remove("b2");
    Invalid e = assertThrows(Invalid.class, () -> ScorecardScoring.score(card(), m));
    assertEquals("items.b2", e.field());
    JsonObject json = card().toJson();
    json.getJsonArray("sections").getJsonObject(0).getJsonArray("items").getJsonObject(0).put("na", true);
    json.getJsonArray("sections").getJsonObject(1).getJsonArray("items").getJsonObject(0).put("na", true);
    Invalid none = assertThrows(Invalid.class, () -> ScorecardScoring.score(Scorecard.parse(json),
        marks(Result.NA, Result.NA, Result.NA, Result.NA)));
    assertEquals("items", none.field());
  }

  @Test
  void marksAreCheckedAgainstTheForm() {
    Scorecard c = card();
    Map<String, Mark> m = ScorecardScoring.marks(c, new JsonObject()
        .put("a1", new JsonObject().put("result", "pass").put("note", " 很好 "))
        .put("a2", new JsonObject().put("result", "na")));
    assertEquals(Result.PASS, m.get("a1").result());
    assertEquals("很好", m.get("a1").note());
    assertEquals(Result.NA, m.get("a2").result());
    assertEquals("items.zz", assertThrows(Invalid.class, () -> ScorecardScoring.marks(c,
        new JsonObject().put("zz", new JsonObject().put("result", "pass")))).field());
    assertEquals("items.a1.result", assertThrows(Invalid.class, () -> ScorecardScoring.marks(c,
        new JsonObject().put("a1", new JsonObject().put("result", "na")))).field(), "a1 does not allow N/A");
    assertEquals("items.a1.result", assertThrows(Invalid.class, () -> ScorecardScoring.marks(c,
        new JsonObject().put("a1", new JsonObject().put("result", "good")))).field());
    assertEquals("items.a1.note", assertThrows(Invalid.class, () -> ScorecardScoring.marks(c,
        new JsonObject().put("a1", new JsonObject().put("result", "pass").put("note", "x".repeat(2001))))).field());
  }

  @Test
  void theDefaultScorecardScores() {
    Scorecard d = Scorecard.builtIn(Scorecard.DEFAULT);
    Map<String, Mark> all = new HashMap<>();
    d.items().keySet().forEach(id -> all.put(id, new Mark(Result.PASS, null)));
    assertEquals(100.0, ScorecardScoring.score(d, all).score());
    all.put("no-leading", new Mark(Result.FAIL, null));
    Outcome led = ScorecardScoring.score(d, all);
    assertTrue(led.fatalFailed(), "a leading question fails the call");
    assertEquals(0.0, led.score());
    all.put("no-leading", new Mark(Result.PASS, null));
    all.put("verbatim", new Mark(Result.FAIL, null));
    // script: 20 of 30 points = 2/3 × 30 weight = 20; others 70 → 90 / 100 = 90.0
    assertEquals(90.0, ScorecardScoring.score(d, all).score());
  }
}
