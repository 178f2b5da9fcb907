package io.huifang.casework;

import io.huifang.survey.Questionnaire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which submitted surveys open a case by themselves (settings {@code autoOpen}): a complaint text item answered with
 * something (not "无" and the like, which agents type for "no complaint"), or a scale answer below the configured
 * score on a configured item. The department is the one configured for the triggering item's section, else service
 * for CSI and sales for SSI.
 */
final class AutoOpen {
  /** What the agents write for "nothing to complain about". */
  private static final Set<String> NOTHING = Set.of("", "无", "没有", "暂无", "没", "无意见", "没有意见", "无抱怨",
      "没有不满意", "没有了", "都挺好", "none", "no", "nothing", "n/a", "na", "-", "—", "/");

  /** Why the survey opens a case: the items that did, the complaint texts, the department. */
  record Trigger(List<String> reasons, String complaint, String department, String firstItem) {
  }

  private AutoOpen() {
  }

  static boolean isNothing(String text) {
    if (text == null) {
      return true;
    }
    String t = text.strip().toLowerCase(Locale.ROOT).replaceAll("[。.!！,，~～\\s]+$", "");
    return NOTHING.contains(t);
  }

  static Optional<Trigger> decide(Questionnaire q, JsonObject answers, JsonObject settings) {
    JsonObject auto = settings.getJsonObject("autoOpen", new JsonObject());
    List<String> reasons = new ArrayList<>();
    StringBuilder complaint = new StringBuilder();
    String section = null;
    String firstItem = null;
    if (Boolean.TRUE.equals(auto.getBoolean("complaintText"))) {
      for (Questionnaire.Item item : q.items()) {
        if (item.type() != Questionnaire.Type.TEXT || item.category() != Questionnaire.Category.COMPLAINT
            || !q.shown(item, answers) || !(answers.getValue(item.id()) instanceof String text) || isNothing(text)) {
          continue;
        }
        reasons.add(item.label().zh() + "：" + text.strip());
        complaint.append(complaint.length() == 0 ? "" : "；").append(text.strip());
        if (section == null) {
          section = item.sectionId();
          firstItem = item.id();
        }
      }
    }
    JsonArray rules = auto.getJsonArray("items", new JsonArray());
    for (int i = 0; i < rules.size(); i++) {
      JsonObject r = rules.getJsonObject(i);
      if (!q.key().equals(r.getString("questionnaire"))) {
        continue;
      }
      Questionnaire.Item item = q.items().stream().filter(x -> x.id().equals(r.getString("item"))).findFirst()
          .orElse(null);
      if (item == null || item.type() != Questionnaire.Type.SCALE10 || !q.shown(item, answers)
          || !(answers.getValue(item.id()) instanceof Number n)) {
        continue; // "not surveyed" is no score
      }
      double below = r.getDouble("below");
      if (n.doubleValue() < below) {
        reasons.add(item.label().zh() + " 评分 " + n.intValue() + " 分（低于 " + fmt(below) + " 分）");
        if (section == null) {
          section = item.sectionId();
          firstItem = item.id();
        }
      }
    }
    if (reasons.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Trigger(reasons, complaint.length() == 0 ? null : complaint.toString(),
        department(q, section, settings), firstItem));
  }

  /** The configured department of the questionnaire's section; else service (CSI) or sales (SSI). */
  static String department(Questionnaire q, String section, JsonObject settings) {
    JsonObject byQ = settings.getJsonObject("departments", new JsonObject()).getJsonObject(q.key());
    if (byQ != null && section != null && byQ.getString(section) != null) {
      return byQ.getString(section);
    }
    return q.kind() == Questionnaire.Kind.SSI ? "sales" : "service";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
