package io.huifang.survey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The second callbacks' questionnaire (二次回访): as the contract names it, and it reads back as stored. */
class VerifyDefaultTest {
  @Test
  void itHasTheContractsItemsAndReadsBackFromItsJson() {
    Questionnaire q = Questionnaire.builtIn(Questionnaire.VERIFY_DEFAULT);
    assertEquals(List.of("resolved", "satisfied", "verdict", "remark"),
        q.items().stream().map(Questionnaire.Item::id).toList());
    Questionnaire.Item verdict = q.items().get(2);
    assertEquals(Questionnaire.Type.CHOICE, verdict.type());
    assertTrue(verdict.required());
    assertEquals(List.of("qualified", "unqualified", "untrue"),
        verdict.options().stream().map(Questionnaire.Option::id).toList());
    // stored as toJson gives it ("indicators": []) and read again when a campaign's screen is built
    Questionnaire again = Questionnaire.parse(q.toJson());
    assertEquals(q.toJson(), again.toJson());
    JsonObject answers = new JsonObject().put("verdict", "qualified");
    assertEquals(null, Scoring.score(q, answers).raw());
  }
}
