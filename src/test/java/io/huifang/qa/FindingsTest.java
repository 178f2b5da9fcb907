package io.huifang.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FindingsTest {
  static final Set<String> SURVEY = Set.of("q1", "q2", "owner");

  @Test
  void itemsAreTheSurveysAndNamedWhenNot() {
    Findings f = Findings.parse(new JsonObject().put("void", true)
        .put("falsified", new JsonArray().add("q1").add("q1")).put("wrongInfo", new JsonArray().add("owner")), SURVEY);
    assertTrue(f.voided());
    assertEquals(List.of("q1"), f.falsified(), "an item once");
    assertEquals(List.of("owner"), f.wrongInfo());
    assertEquals(f, Findings.stored(f.toJson()));
    assertEquals("findings.wrongInfo[1]", assertThrows(Invalid.class, () -> Findings.parse(new JsonObject()
        .put("wrongInfo", new JsonArray().add("q2").add("q9")), SURVEY)).field());
    assertEquals("findings.falsified[0]", assertThrows(Invalid.class, () -> Findings.parse(new JsonObject()
        .put("falsified", new JsonArray().add(3)), SURVEY)).field());
    assertEquals("findings.void", assertThrows(Invalid.class, () -> Findings.parse(new JsonObject()
        .put("void", "yes"), SURVEY)).field());
    assertEquals("findings.other", assertThrows(Invalid.class, () -> Findings.parse(new JsonObject()
        .put("other", 1), SURVEY)).field());
    assertEquals("findings.wrongInfo[0]", assertThrows(Invalid.class, () -> Findings.parse(new JsonObject()
        .put("wrongInfo", new JsonArray().add("q1")), Set.of())).field(), "a call without a survey has no items");
    assertFalse(Findings.parse(null, SURVEY).any());
  }
}
