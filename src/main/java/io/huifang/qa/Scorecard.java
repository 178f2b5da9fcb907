package io.huifang.qa;

import io.huifang.core.Invalid;
import io.huifang.survey.Questionnaire.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A QA scorecard (质检评分表), one immutable version: sections with weights, items with points, items that may be
 * marked not applicable (N/A, left out of the denominator) and fatal items (a failed one fails the whole call), and
 * the passing score. The format and the arithmetic are in docs/qa-api.md; {@link ScorecardScoring} does the sums.
 */
public record Scorecard(String key, int version, Text name, double passScore, List<Section> sections) {
  public static final String DEFAULT = "qa-default";
  public static final List<String> BUILT_IN = List.of(DEFAULT);
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public record Section(String id, Text title, double weight, List<Item> items) {
    JsonObject toJson() {
      JsonArray arr = new JsonArray();
      items.forEach(i -> arr.add(i.toJson()));
      return new JsonObject().put("id", id).put("title", title.toJson()).put("weight", number(weight))
          .put("items", arr);
    }
  }

  /** {@code na}: the item may be marked not applicable; {@code fatal}: failing it fails the call (score 0). */
  public record Item(String id, Text text, int points, boolean fatal, boolean na) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("text", text.toJson()).put("points", points).put("fatal", fatal)
          .put("na", na);
    }
  }

  public Scorecard withVersion(int v) {
    return new Scorecard(key, v, name, passScore, sections);
  }

  /** Every item by id, in form order. */
  public Map<String, Item> items() {
    Map<String, Item> out = new LinkedHashMap<>();
    sections.forEach(s -> s.items().forEach(i -> out.put(i.id(), i)));
    return out;
  }

  public JsonObject toJson() {
    JsonArray arr = new JsonArray();
    sections.forEach(s -> arr.add(s.toJson()));
    return new JsonObject().put("key", key).put("version", version).put("name", name.toJson())
        .put("passScore", number(passScore)).put("sections", arr);
  }

  /** Reads and checks a form; throws {@link Invalid} naming the place, e.g. {@code sections[0].items[2].points}. */
  public static Scorecard parse(JsonObject json) {
    return ScorecardParser.parse(json);
  }

  private static final Map<String, Scorecard> builtIns = new java.util.concurrent.ConcurrentHashMap<>();

  /** A scorecard shipped with the server (src/main/resources/qa/&lt;key&gt;.json), as version 1. */
  public static Scorecard builtIn(String key) {
    return builtIns.computeIfAbsent(key, k -> {
      if (!BUILT_IN.contains(k)) {
        throw new IllegalArgumentException("no built-in scorecard " + k);
      }
      try (InputStream in = Scorecard.class.getResourceAsStream("/qa/" + k + ".json")) {
        if (in == null) {
          throw new IllegalStateException("resource qa/" + k + ".json is missing");
        }
        return parse(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8))).withVersion(1);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read qa/" + k + ".json", e);
      }
    });
  }

  /** Whole numbers as integers in JSON (30, not 30.0). */
  static Number number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e9 ? (Number) (long) d : (Number) d;
  }

  static List<String> ids(List<Section> sections) {
    List<String> out = new ArrayList<>();
    sections.forEach(s -> s.items().forEach(i -> out.add(i.id())));
    return out;
  }
}
