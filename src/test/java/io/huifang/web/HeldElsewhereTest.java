package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** An operation's outcome on the holder, as a JSON reply, comes back to the page's node as it ended there. */
class HeldElsewhereTest {
  private static Future<JsonObject> across(JsonObject body, Throwable failure) {
    // what crosses the bus is the encoded JSON
    return HeldElsewhere.outcome(new JsonObject(HeldElsewhere.reply(body, failure).encode()));
  }

  @Test
  void anAnswerAndNoAnswer() {
    assertEquals(new JsonObject().put("state", "ready"), across(new JsonObject().put("state", "ready"), null)
        .result());
    Future<JsonObject> none = across(null, null);
    assertTrue(none.succeeded());
    assertNull(none.result(), "204");
  }

  @Test
  void badInputNamesItsFieldInBothLanguages() {
    Throwable e = across(null, new Invalid("reason", "pause reason must be one of …", "暂停原因无效")).cause();
    assertTrue(e instanceof Invalid);
    Invalid inv = (Invalid) e;
    assertEquals("reason", inv.field());
    assertEquals("pause reason must be one of …", inv.english());
    assertEquals("暂停原因无效", inv.chinese());
  }

  @Test
  void aProblemKeepsItsStatusAndCodeAnythingElseIsA500WithoutItsDetails() {
    Problem p = (Problem) across(null, Problem.conflict("no_line", "open your phone line first")).cause();
    assertEquals(409, p.status());
    assertEquals("no_line", p.code());
    assertEquals("open your phone line first", p.getMessage());
    Problem internal = (Problem) across(null, new IllegalArgumentException("secret detail")).cause();
    assertEquals(500, internal.status());
    assertTrue(!internal.getMessage().contains("secret"), "the holder logs it; the page gets no internals");
  }
}
