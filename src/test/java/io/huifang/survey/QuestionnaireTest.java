package io.huifang.survey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class QuestionnaireTest {
  /** A small hand-made questionnaire with every item type, indicators and a skip rule. */
  static JsonObject sample() {
    return new JsonObject("""
        {"key": "t1", "kind": "csi", "title": {"zh": "测试问卷", "en": "Test"},
         "indicators": [{"id": "a", "label": "甲", "children": [{"id": "a1", "label": "甲一", "children": [
            {"id": "a11", "label": {"zh": "甲一一", "en": "A11"}}, {"id": "a12", "label": "甲一二"}]}]}],
         "sections": [
          {"id": "s1", "title": "第一部分", "intro": {"zh": "您好", "en": "Hello"}, "items": [
            {"id": "owner", "type": "yesno", "required": true, "label": "本人"},
            {"id": "q1", "type": "scale10", "required": true, "label": "一", "indicator": "a11",
             "script": {"zh": "请打分", "en": "Please rate"}, "showIf": {"item": "owner", "equals": true}}]},
          {"id": "s2", "title": "第二部分", "items": [
            {"id": "rec", "type": "loyalty", "topic": "recommend", "label": "推荐"},
            {"id": "why", "type": "choice", "label": "原因", "options": [{"id": "x", "label": "叉"}, {"id": "y", "label": "歪"}]},
            {"id": "q2", "type": "scale10", "label": "二", "indicator": "a12", "showIf": {"item": "why", "in": ["y"]}},
            {"id": "c", "type": "text", "category": "complaint", "label": "抱怨", "maxLength": 5}]}]}
        """);
  }

  static String error(Consumer<JsonObject> change) {
    JsonObject j = sample();
    change.accept(j);
    return assertThrows(QuestionnaireException.class, () -> Questionnaire.parse(j)).getMessage();
  }

  static JsonObject item(JsonObject j, int section, int item) {
    return j.getJsonArray("sections").getJsonObject(section).getJsonArray("items").getJsonObject(item);
  }

  @Test
  void parsesEverythingAndRoundTrips() {
    Questionnaire q = Questionnaire.parse(sample());
    assertEquals("t1", q.key());
    assertEquals(Questionnaire.Kind.CSI, q.kind());
    assertEquals(1, q.version());
    assertEquals("测试问卷", q.title("zh-CN"));
    assertEquals("Test", q.title("en"));
    assertEquals(List.of("owner", "q1", "rec", "why", "q2", "c"), q.items().stream().map(Questionnaire.Item::id).toList());
    assertEquals(Questionnaire.Type.LOYALTY, q.item("rec").type());
    assertEquals(5, q.item("rec").options().size());
    assertEquals(Questionnaire.Topic.RECOMMEND, q.item("rec").topic());
    assertEquals(Questionnaire.Category.COMPLAINT, q.item("c").category());
    assertEquals(5, q.item("c").maxLength());
    assertEquals("s2", q.item("q2").sectionId());
    assertEquals(List.of("a", "a1", "a11"), q.indicatorPath("a11"));
    assertEquals(3, q.indicator("a12").level());
    assertEquals("Please rate", q.item("q1").script().get("en"));
    assertEquals("一", q.item("q1").label().get("en"), "no English: the Chinese");
    assertNull(q.item("nope"));

    JsonObject json = q.toJson();
    assertEquals("肯定不会", json.getJsonArray("sections").getJsonObject(1).getJsonArray("items").getJsonObject(0)
        .getJsonArray("options").getJsonObject(4).getJsonObject("label").getString("zh"), "loyalty options listed");
    Questionnaire again = Questionnaire.parse(json);
    assertEquals(json, again.toJson());
    assertEquals(4, q.withVersion(4).version());
    assertEquals(4, Questionnaire.parse(q.withVersion(4).toJson()).version());
  }

  @Test
  void builtInsParseAndRoundTrip() {
    Questionnaire csi = Questionnaire.builtIn("csi-default");
    Questionnaire ssi = Questionnaire.builtIn("ssi-default");
    assertEquals(Questionnaire.Kind.CSI, csi.kind());
    assertEquals(Questionnaire.Kind.SSI, ssi.kind());
    long csiScale = csi.items().stream().filter(i -> i.type() == Questionnaire.Type.SCALE10).count();
    long ssiScale = ssi.items().stream().filter(i -> i.type() == Questionnaire.Type.SCALE10).count();
    assertTrue(csiScale >= 15 && csiScale <= 20, "CSI scale items: " + csiScale);
    assertTrue(ssiScale >= 12 && ssiScale <= 15, "SSI scale items: " + ssiScale);
    for (Questionnaire q : List.of(csi, ssi)) {
      assertEquals("owner", q.items().get(0).id(), "verification first");
      assertEquals(Questionnaire.Type.YESNO, q.items().get(0).type());
      assertEquals(q.toJson(), Questionnaire.parse(q.toJson()).toJson());
      assertTrue(q.items().stream().anyMatch(i -> i.topic() == Questionnaire.Topic.RECOMMEND));
      assertTrue(q.items().stream().anyMatch(i -> i.topic() == Questionnaire.Topic.RETURN));
      assertTrue(q.items().stream().anyMatch(i -> i.category() == Questionnaire.Category.COMPLAINT));
      assertTrue(q.items().stream().anyMatch(i -> i.category() == Questionnaire.Category.SUGGESTION));
      assertTrue(q.items().stream().anyMatch(i -> i.type() == Questionnaire.Type.CHOICE));
      // Everything after the verification is hidden when the person is not the owner.
      JsonObject notOwner = new JsonObject().put("owner", false);
      assertTrue(q.items().stream().skip(1).noneMatch(i -> q.shown(i, notOwner)));
      assertTrue(q.items().stream().filter(i -> i.type() == Questionnaire.Type.SCALE10)
          .allMatch(i -> i.indicator() != null && q.indicator(i.indicator()).level() == 3));
    }
    assertEquals("csi-default", Questionnaire.Kind.defaultKeyFor("other"));
    assertEquals("ssi-default", Questionnaire.Kind.defaultKeyFor("ssi"));
    assertEquals(Questionnaire.Kind.CSI, Questionnaire.Kind.ofCampaign("other"));
    assertEquals(Questionnaire.Kind.SSI, Questionnaire.Kind.ofCampaign("ssi"));
    assertTrue(csi.item("owner").script().zh().contains("{customer}"));
    assertThrows(IllegalArgumentException.class, () -> Questionnaire.builtIn("nope"));
  }

  @Test
  void errorsNameThePlace() {
    assertEquals("sections[1].items[3].type: unknown type \"scal10\" (scale10, loyalty, yesno, choice or text)",
        error(j -> item(j, 1, 3).put("type", "scal10")));
    assertEquals("sections[1].items[0].id: duplicate item id \"q1\"", error(j -> item(j, 1, 0).put("id", "q1")));
    assertTrue(error(j -> item(j, 0, 1).put("showIf", new JsonObject().put("item", "rec").put("equals", "surely")))
        .startsWith("sections[0].items[1].showIf.item: \"rec\" is not an earlier item"), "later item");
    assertTrue(error(j -> item(j, 0, 1).put("showIf", new JsonObject().put("item", "zz").put("equals", true)))
        .startsWith("sections[0].items[1].showIf.item: \"zz\" is not an earlier item"), "unknown item");
    assertTrue(error(j -> item(j, 0, 1).put("showIf", new JsonObject().put("item", "owner")))
        .startsWith("sections[0].items[1].showIf: give exactly one"));
    assertTrue(error(j -> item(j, 0, 1).put("showIf", new JsonObject().put("item", "owner").put("equals", "yes")))
        .startsWith("sections[0].items[1].showIf.equals: item \"owner\" is answered with true or false"));
    assertTrue(error(j -> item(j, 1, 2).put("showIf", new JsonObject().put("item", "why").put("in", new JsonArray().add("y").add("z"))))
        .startsWith("sections[1].items[2].showIf.in[1]: item \"why\" has no option \"z\""));
    assertEquals("sections[0].items[1].indicator: unknown indicator \"a99\"",
        error(j -> item(j, 0, 1).put("indicator", "a99")));
    assertTrue(error(j -> item(j, 0, 1).put("indicator", "a1"))
        .startsWith("sections[0].items[1].indicator: \"a1\" is a level-2 indicator"));
    assertEquals("sections[1].items[1].options: a choice item needs at least one option",
        error(j -> item(j, 1, 1).put("options", new JsonArray())));
    assertEquals("sections[1].items[1].options[1].id: duplicate option id \"x\"",
        error(j -> item(j, 1, 1).getJsonArray("options").getJsonObject(1).put("id", "x")));
    assertEquals("sections[1].items[0].topic: unknown topic \"buy\" (recommend or return)",
        error(j -> item(j, 1, 0).put("topic", "buy")));
    assertEquals("sections[1].items[0].topic: is required", error(j -> item(j, 1, 0).remove("topic")));
    assertEquals("sections[1].items[3].maxLength: must be a whole number from 1 to 20000",
        error(j -> item(j, 1, 3).put("maxLength", 0)));
    assertEquals("sections[0].items[0].label: is required", error(j -> item(j, 0, 0).remove("label")));
    assertEquals("sections[0].items[0].required: must be true or false", error(j -> item(j, 0, 0).put("required", "yes")));
    assertEquals("sections[0].items[0].colour: unknown field \"colour\"", error(j -> item(j, 0, 0).put("colour", 1)));
    assertEquals("sections[1].id: duplicate section id \"s1\"",
        error(j -> j.getJsonArray("sections").getJsonObject(1).put("id", "s1")));
    assertEquals("sections[1].items: a section needs at least one item",
        error(j -> j.getJsonArray("sections").getJsonObject(1).put("items", new JsonArray())));
    assertEquals("indicators[0].children[0].children[1].id: duplicate indicator id \"a11\"",
        error(j -> j.getJsonArray("indicators").getJsonObject(0).getJsonArray("children").getJsonObject(0)
            .getJsonArray("children").getJsonObject(1).put("id", "a11")));
    assertEquals("kind: unknown kind \"nps\" (csi or ssi)", error(j -> j.put("kind", "nps")));
    assertEquals("key: is required", error(j -> j.remove("key")));
    assertEquals("sections: at least one section is required", error(j -> j.put("sections", new JsonArray())));
    assertEquals("title.fr: unknown field \"fr\"", error(j -> j.put("title", new JsonObject().put("zh", "x").put("fr", "y"))));
    QuestionnaireException e = assertThrows(QuestionnaireException.class, () -> Questionnaire.parse("{not json"));
    assertEquals("", e.path());
    e = assertThrows(QuestionnaireException.class,
        () -> Questionnaire.parse(sample().put("kind", "nps")));
    assertEquals("kind", e.path());
    assertTrue(e.chinese().startsWith("kind: 未知类型"));
  }

  @Test
  void skipRulesAreTransitive() {
    Questionnaire q = Questionnaire.parse(new JsonObject("""
        {"key": "t", "kind": "ssi", "title": "t", "sections": [{"id": "s", "title": "s", "items": [
          {"id": "a", "type": "yesno", "label": "a"},
          {"id": "b", "type": "scale10", "label": "b", "showIf": {"item": "a", "equals": true}},
          {"id": "c", "type": "text", "label": "c", "showIf": {"item": "b", "in": [1, 2, "not_surveyed"]}}]}]}
        """));
    assertTrue(q.shown(q.item("c"), new JsonObject().put("a", true).put("b", 2)));
    assertTrue(q.shown(q.item("c"), new JsonObject().put("a", true).put("b", "not_surveyed")));
    assertFalse(q.shown(q.item("c"), new JsonObject().put("a", true).put("b", 3)));
    assertFalse(q.shown(q.item("c"), new JsonObject().put("a", false).put("b", 2)), "b is hidden, so c is too");
    assertFalse(q.shown(q.item("b"), new JsonObject()));
  }
}
