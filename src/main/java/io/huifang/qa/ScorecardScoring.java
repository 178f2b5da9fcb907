package io.huifang.qa;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scorecard arithmetic of docs/qa-api.md, pure. An item is {@code pass} (its points), {@code fail} (0) or
 * {@code na} (left out of the denominator; only where the item allows it). A section's ratio is earned / applicable
 * points; the score is Σ weight × ratio / Σ weight of the sections with an applicable item, × 100, rounded half up to
 * 0.1. A failed fatal item makes the score 0 and the call failed. Passed = no fatal failure and (rounded) score ≥
 * the passing score.
 */
public final class ScorecardScoring {
  public static final int MAX_NOTE = 2000;

  public enum Result {
    PASS, FAIL, NA;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One item's mark with the evaluator's note (may be null). */
  public record Mark(Result result, String note) {
    JsonObject toJson() {
      JsonObject o = new JsonObject().put("result", result.id());
      if (note != null) {
        o.put("note", note);
      }
      return o;
    }
  }

  /** The outcome: {@code score} null when no item is applicable. */
  public record Outcome(Double score, boolean passed, boolean fatalFailed, Map<String, Double> sectionRatios) {
  }

  private ScorecardScoring() {
  }

  /**
   * Scores a complete set of marks. Throws {@link Invalid} ({@code items.<id>}) when an item has no mark, and
   * ({@code items}) when every item is N/A: there is nothing to score.
   */
  public static Outcome score(Scorecard card, Map<String, Mark> marks) {
    double weighted = 0;
    double weights = 0;
    boolean fatal = false;
    Map<String, Double> ratios = new LinkedHashMap<>();
    for (Scorecard.Section s : card.sections()) {
      long earned = 0;
      long applicable = 0;
      for (Scorecard.Item i : s.items()) {
        Mark m = marks.get(i.id());
        if (m == null) {
          throw new Invalid("items." + i.id(), "item \"" + i.id() + "\" is not marked yet",
              "项目 \"" + i.id() + "\" 尚未评分");
        }
        switch (m.result()) {
          case PASS -> {
            earned += i.points();
            applicable += i.points();
          }
          case FAIL -> {
            applicable += i.points();
            fatal |= i.fatal();
          }
          case NA -> {
          }
        }
      }
      if (applicable > 0) {
        double ratio = (double) earned / applicable;
        ratios.put(s.id(), ratio);
        weighted += s.weight() * ratio;
        weights += s.weight();
      }
    }
    if (weights == 0) {
      throw new Invalid("items", "every item is N/A: there is nothing to score", "所有项目均为不适用，无法评分");
    }
    if (fatal) {
      return new Outcome(0.0, false, true, ratios);
    }
    double score = round1(weighted / weights * 100);
    return new Outcome(score, score >= card.passScore(), false, ratios);
  }

  static double round1(double d) {
    return new BigDecimal(Double.toString(d)).setScale(1, RoundingMode.HALF_UP).doubleValue();
  }

  /**
   * Reads {@code {"itemId": {"result": "pass"|"fail"|"na", "note"}}} against the form: unknown items, unknown
   * results, N/A where the item does not allow it and over-long notes are refused naming {@code items.<id>…}. A
   * draft may leave items unmarked; {@link #score} insists on every one.
   */
  public static Map<String, Mark> marks(Scorecard card, JsonObject items) {
    Map<String, Mark> out = new LinkedHashMap<>();
    if (items == null) {
      return out;
    }
    Map<String, Scorecard.Item> form = card.items();
    for (String id : items.fieldNames()) {
      Scorecard.Item item = form.get(id);
      String p = "items." + id;
      if (item == null) {
        throw new Invalid(p, "the scorecard has no item \"" + id + "\"", "评分表没有项目 \"" + id + "\"");
      }
      Object v = items.getValue(id);
      if (v == null) {
        continue; // cleared
      }
      if (!(v instanceof JsonObject o)) {
        throw new Invalid(p, "must be {\"result\": \"pass\"|\"fail\"|\"na\", \"note\": …}",
            "必须是 {\"result\": \"pass\"|\"fail\"|\"na\", \"note\": …}");
      }
      for (String k : o.fieldNames()) {
        if (!k.equals("result") && !k.equals("note")) {
          throw new Invalid(p + "." + k, "unknown field \"" + k + "\"", "未知字段 \"" + k + "\"");
        }
      }
      Object r = o.getValue("result");
      Result result;
      if ("pass".equals(r)) {
        result = Result.PASS;
      } else if ("fail".equals(r)) {
        result = Result.FAIL;
      } else if ("na".equals(r)) {
        if (!item.na()) {
          throw new Invalid(p + ".result", "item \"" + id + "\" cannot be N/A", "项目 \"" + id + "\" 不允许不适用");
        }
        result = Result.NA;
      } else {
        throw new Invalid(p + ".result", "must be \"pass\", \"fail\" or \"na\"", "必须是 \"pass\"、\"fail\" 或 \"na\"");
      }
      Object n = o.getValue("note");
      String note = null;
      if (n != null) {
        if (!(n instanceof String s)) {
          throw new Invalid(p + ".note", "must be a string", "必须是字符串");
        }
        if (s.length() > MAX_NOTE) {
          throw new Invalid(p + ".note", "at most " + MAX_NOTE + " characters", "最多 " + MAX_NOTE + " 个字符");
        }
        note = s.isBlank() ? null : s.trim();
      }
      out.put(id, new Mark(result, note));
    }
    return out;
  }

  public static JsonObject toJson(Map<String, Mark> marks) {
    JsonObject o = new JsonObject();
    marks.forEach((k, m) -> o.put(k, m.toJson()));
    return o;
  }
}
