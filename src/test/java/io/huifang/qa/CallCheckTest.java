package io.huifang.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suspicious-call verdicts and the facts they are read from (answered items, a written complaint). */
class CallCheckTest {
  static JsonObject activity(double customer, double agent) {
    return new JsonObject().put("customer", new JsonObject().put("speechShare", customer))
        .put("agent", new JsonObject().put("speechShare", agent)).put("overtalkMs", 0);
  }

  static List<String> kinds(JsonArray verdict) {
    return verdict.stream().map(o -> ((JsonObject) o).getString("kind")).toList();
  }

  @Test
  void eighteenItemsInFortySecondsIsTooFastAndInTwoMinutesIsNot() {
    JsonArray v = CallCheck.verdict(true, 18, 40_000L, activity(0.4, 0.5), 4);
    assertEquals(List.of("too_fast"), kinds(v));
    assertEquals("18 items in 40 s (at least 4 s each)", v.getJsonObject(0).getString("detail"));
    assertEquals(List.of(), kinds(CallCheck.verdict(true, 18, 120_000L, activity(0.4, 0.5), 4)));
    assertEquals(List.of(), kinds(CallCheck.verdict(false, 18, 40_000L, activity(0.4, 0.5), 4)),
        "only a success claims a survey was read out");
    assertEquals(List.of(), kinds(CallCheck.verdict(true, 18, null, null, 4)), "no talk time, no verdict");
  }

  @Test
  void aSilentCustomerOnASuccessAndAQuietAgentAreSuspicious() {
    assertEquals(List.of("customer_silent"), kinds(CallCheck.verdict(true, 0, 60_000L, activity(0.04, 0.5), 4)));
    assertEquals(List.of(), kinds(CallCheck.verdict(false, 0, 60_000L, activity(0.04, 0.5), 4)),
        "a refusal may well be short on the customer's side");
    assertEquals(List.of("agent_quiet"), kinds(CallCheck.verdict(false, 0, 60_000L, activity(0.3, 0.19), 4)));
    assertEquals(List.of(), kinds(CallCheck.verdict(true, 0, 60_000L, activity(0.05, 0.20), 4)), "the bounds");
    assertEquals(List.of("too_fast", "customer_silent", "agent_quiet"),
        kinds(CallCheck.verdict(true, 20, 10_000L, activity(0.0, 0.1), 4)));
    assertEquals(List.of(), kinds(CallCheck.verdict(true, 0, 60_000L, null, 4)), "a mono recording has no legs");
  }

  @Test
  void answeredItemsAndComplaintsAreReadFromTheSurvey() {
    JsonObject answers = new JsonObject().put("s1", 9).put("s2", "not_surveyed").put("owner", true).put("note", "")
        .put("empty", null).put("complaint", "无");
    assertEquals(4, CallCheck.itemsAnswered(answers));
    JsonObject q = new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", "s1").put("type", "scale10"))
        .add(new JsonObject().put("id", "complaint").put("type", "text").put("category", "complaint")))));
    assertFalse(CallCheck.complaint(q, answers), "无: no complaint");
    assertTrue(CallCheck.complaint(q, answers.copy().put("complaint", "等了两个小时才交车")));
    assertFalse(CallCheck.complaint(q, answers.copy().put("complaint", "  ")));
    assertFalse(CallCheck.complaint(null, answers.copy().put("complaint", "等了两个小时")));
  }
}
