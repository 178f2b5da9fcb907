package io.huifang.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Form validation: each problem is refused naming its place, as the questionnaire parser does. */
class ScorecardTest {
  static String fieldOf(Consumer<JsonObject> change) {
    JsonObject json = ScorecardScoringTest.card().toJson();
    change.accept(json);
    return assertThrows(Invalid.class, () -> Scorecard.parse(json)).field();
  }

  static JsonObject section(JsonObject json, int s) {
    return json.getJsonArray("sections").getJsonObject(s);
  }

  static JsonObject item(JsonObject json, int s, int i) {
    return section(json, s).getJsonArray("items").getJsonObject(i);
  }

  @Test
  void problemsNameTheirPlace() {
    assertEquals("sections[1].items[0].points", fieldOf(j -> item(j, 1, 0).put("points", 0)));
    assertEquals("sections[1].items[0].points", fieldOf(j -> item(j, 1, 0).put("points", 2.5)));
    assertEquals("sections[1].items[0].points", fieldOf(j -> item(j, 1, 0).put("points", "5")));
    assertEquals("sections[0].items[1].id", fieldOf(j -> item(j, 0, 1).put("id", "a1")));
    assertEquals("sections[0].items[1].fatal", fieldOf(j -> item(j, 0, 1).put("fatal", "yes")));
    assertEquals("sections[0].items[1].text", fieldOf(j -> item(j, 0, 1).remove("text")));
    assertEquals("sections[0].items[1].colour", fieldOf(j -> item(j, 0, 1).put("colour", "red")));
    assertEquals("sections[0].weight", fieldOf(j -> section(j, 0).put("weight", 0)));
    assertEquals("sections[0].weight", fieldOf(j -> section(j, 0).remove("weight")));
    assertEquals("sections[1].id", fieldOf(j -> section(j, 1).put("id", "a")));
    assertEquals("sections[1].items", fieldOf(j -> section(j, 1).put("items", new io.vertx.core.json.JsonArray())));
    assertEquals("passScore", fieldOf(j -> j.put("passScore", 101)));
    assertEquals("passScore", fieldOf(j -> j.remove("passScore")));
    assertEquals("sections", fieldOf(j -> j.put("sections", new io.vertx.core.json.JsonArray())));
    assertEquals("key", fieldOf(j -> j.put("key", "has space")));
    assertEquals("name", fieldOf(j -> j.remove("name")));
    Invalid e = assertThrows(Invalid.class, () -> {
      JsonObject json = ScorecardScoringTest.card().toJson();
      item(json, 1, 0).put("points", 0);
      Scorecard.parse(json);
    });
    assertTrue(e.english().startsWith("sections[1].items[0].points: "), e.english());
    assertTrue(e.chinese().startsWith("sections[1].items[0].points: "), e.chinese());
  }

  @Test
  void aFormSurvivesItsOwnJson() {
    Scorecard c = ScorecardScoringTest.card();
    assertEquals(c, Scorecard.parse(c.toJson()));
    Scorecard d = Scorecard.builtIn(Scorecard.DEFAULT);
    assertEquals(d, Scorecard.parse(d.toJson()));
    assertEquals(1, d.version());
  }

  @Test
  void theDefaultCoversTheCallQualityAndRecordingStandards() {
    Scorecard d = Scorecard.builtIn(Scorecard.DEFAULT);
    assertEquals(80.0, d.passScore());
    for (String id : new String[] {"greeting", "identity", "verbatim", "no-leading", "not-surveyed", "template",
        "thanks"}) {
      assertTrue(d.items().containsKey(id), id);
      assertTrue(d.items().get(id).text().en() != null, id + " has an English text");
    }
    assertTrue(d.items().get("no-leading").fatal());
    assertTrue(d.items().get("template").na(), "a call without a complaint has no note to template");
  }
}
