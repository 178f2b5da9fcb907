package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** PostgreSQL text cannot hold U+0000: a JSON body holding one is refused naming where it is. */
class ApiBodyTest {
  @Test
  void namesTheFieldHoldingANul() {
    assertNull(Api.fieldWithNul(new JsonObject().put("name", "张三").put("n", 1).put("list", new io.vertx.core.json.JsonArray()
        .add("a").add(new JsonObject().put("x", "y"))), ""));
    assertEquals("displayName", Api.fieldWithNul(new JsonObject().put("displayName", "X\u0000Y"), ""));
    assertEquals("answers.q3", Api.fieldWithNul(new JsonObject("{\"answers\":{\"q1\":1,\"q3\":\"bad\\u0000\"}}"), ""));
    assertEquals("items[1].note", Api.fieldWithNul(new JsonObject("{\"items\":[{},{\"note\":\"\\u0000\"}]}"), ""));
    assertEquals("a\u0000b", Api.fieldWithNul(new JsonObject("{\"a\\u0000b\":1}"), ""), "a key with one");
  }
}
