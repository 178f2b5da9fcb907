package io.huifang.qa;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an evaluation finds that changes the data: the survey is void (作废), items were falsified (虚假提报), items
 * carry wrong information (信息有误); the last two name the survey's items one by one.
 */
public record Findings(boolean voided, List<String> falsified, List<String> wrongInfo) {
  public static final Findings NONE = new Findings(false, List.of(), List.of());
  static final int MAX_ITEMS = 200;

  public boolean any() {
    return voided || !falsified.isEmpty() || !wrongInfo.isEmpty();
  }

  public JsonObject toJson() {
    return new JsonObject().put("void", voided).put("falsified", new JsonArray(new ArrayList<>(falsified)))
        .put("wrongInfo", new JsonArray(new ArrayList<>(wrongInfo)));
  }

  /** Stored findings (always well-formed); an empty object is none. */
  static Findings stored(JsonObject o) {
    if (o == null || o.isEmpty()) {
      return NONE;
    }
    return new Findings(Boolean.TRUE.equals(o.getBoolean("void")), strings(o.getJsonArray("falsified")),
        strings(o.getJsonArray("wrongInfo")));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }

  /**
   * Reads {@code {"void": bool, "falsified": [itemId], "wrongInfo": [itemId]}}, each item one of
   * {@code surveyItems} (the questionnaire the agent filled in; empty when the call has no survey). Refuses naming
   * {@code findings.falsified[1]} and the like.
   */
  static Findings parse(Object value, Set<String> surveyItems) {
    if (value == null) {
      return NONE;
    }
    if (!(value instanceof JsonObject o)) {
      throw new Invalid("findings", "must be {\"void\", \"falsified\": [...], \"wrongInfo\": [...]}",
          "必须是 {\"void\", \"falsified\": [...], \"wrongInfo\": [...]}");
    }
    for (String k : o.fieldNames()) {
      if (!Set.of("void", "falsified", "wrongInfo").contains(k)) {
        throw new Invalid("findings." + k, "unknown field \"" + k + "\"", "未知字段 \"" + k + "\"");
      }
    }
    Object v = o.getValue("void");
    if (v != null && !(v instanceof Boolean)) {
      throw new Invalid("findings.void", "must be true or false", "必须是 true 或 false");
    }
    return new Findings(Boolean.TRUE.equals(v), items(o.getValue("falsified"), "findings.falsified", surveyItems),
        items(o.getValue("wrongInfo"), "findings.wrongInfo", surveyItems));
  }

  private static List<String> items(Object value, String path, Set<String> surveyItems) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray a)) {
      throw new Invalid(path, "must be a list of survey item ids", "必须是问卷题目 id 的数组");
    }
    if (a.size() > MAX_ITEMS) {
      throw new Invalid(path, "at most " + MAX_ITEMS + " items", "最多 " + MAX_ITEMS + " 项");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < a.size(); i++) {
      Object id = a.getValue(i);
      if (!(id instanceof String s) || !surveyItems.contains(s)) {
        throw new Invalid(path + "[" + i + "]", "the survey has no item " + (id instanceof String ? "\"" + id + "\""
            : String.valueOf(id)), "问卷没有题目 " + id);
      }
      out.add(s);
    }
    return List.copyOf(out);
  }
}
