package io.huifang.survey;

import io.vertx.core.json.JsonObject;

/** One thing wrong with a set of answers: the item it concerns and why, in English and Chinese. */
public record AnswerProblem(String itemId, String en, String zh) {
  public JsonObject toJson() {
    return new JsonObject().put("itemId", itemId).put("en", en).put("zh", zh);
  }
}
