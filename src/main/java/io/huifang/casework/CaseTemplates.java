package io.huifang.casework;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The information-recording templates (信息记录模板) by kind, as the centres' rules give them (DOMAIN.md "Casework"):
 * a note missing a required part fails the recording standard, so the server refuses it naming the part. The
 * summary is the template's sentence with the parts filled in.
 */
final class CaseTemplates {
  /** A part of a template: its key, whether it is required, and its names (for messages and the sentence). */
  record Part(String key, boolean required, String zh, String en) {
  }

  static final int MAX_PART = 500;

  static final Map<String, List<Part>> TEMPLATES = new LinkedHashMap<>();

  static {
    TEMPLATES.put("consultation", List.of(part("region", "地区", "region"), part("brand", "品牌", "brand"),
        part("date", "购车日期", "date"), part("mileage", "行驶里程", "mileage"), part("part", "咨询部件", "part"),
        part("policy", "告知的政策", "policy")));
    TEMPLATES.put("rescue", List.of(part("region", "地区", "region"), part("brand", "品牌", "brand"),
        part("place", "故障地点", "place"), part("symptom", "故障现象", "symptom"), part("plate", "车牌", "plate"),
        part("contact", "联系方式", "contact")));
    // VIN or plate: either identifies the car (checked below), so neither is required on its own
    TEMPLATES.put("complaint", List.of(part("region", "地区", "region"), part("brand", "品牌", "brand"),
        part("dealer", "经销商", "dealer"), part("date", "日期", "date"), part("repair", "维修/购车事项", "repair"),
        part("issue", "不满意之处", "dissatisfaction"), part("request", "客户诉求", "request"),
        new Part("vin", false, "VIN", "VIN"), new Part("plate", false, "车牌", "plate")));
  }

  private CaseTemplates() {
  }

  private static Part part(String key, String zh, String en) {
    return new Part(key, true, zh, en);
  }

  static boolean knownKind(String kind) {
    return TEMPLATES.containsKey(kind);
  }

  /**
   * The template as stored: the kind's parts that are given, trimmed; throws {@link Invalid} naming
   * {@code template.<part>} for a required part missing, an unknown part, or a part that is not a short text.
   */
  static JsonObject check(String kind, JsonObject template) {
    List<Part> parts = TEMPLATES.get(kind);
    if (parts == null) {
      throw new Invalid("kind", "kind must be complaint, consultation or rescue", "类型必须是投诉、咨询或救援");
    }
    JsonObject t = template == null ? new JsonObject() : template;
    for (String key : t.fieldNames()) {
      if (parts.stream().noneMatch(p -> p.key().equals(key))) {
        throw new Invalid("template." + key, "the " + kind + " template has no part \"" + key + "\"",
            "该模板没有“" + key + "”这一项");
      }
    }
    JsonObject out = new JsonObject();
    for (Part p : parts) {
      Object v = t.getValue(p.key());
      if (v != null && !(v instanceof String)) {
        throw new Invalid("template." + p.key(), p.en() + " must be a text", p.zh() + "必须是文字");
      }
      String s = v == null ? "" : ((String) v).strip();
      if (s.length() > MAX_PART) {
        throw new Invalid("template." + p.key(), p.en() + " is longer than " + MAX_PART + " characters",
            p.zh() + "超过 " + MAX_PART + " 个字");
      }
      if (s.isEmpty() && p.required()) {
        throw new Invalid("template." + p.key(), "the template's part \"" + p.en() + "\" (" + p.key()
            + ") is missing", "信息记录缺少“" + p.zh() + "”");
      }
      if (!s.isEmpty()) {
        out.put(p.key(), s);
      }
    }
    if ("complaint".equals(kind) && !out.containsKey("vin") && !out.containsKey("plate")) {
      throw new Invalid("template.vin", "a complaint needs the car's VIN or plate (vin or plate)",
          "投诉需记录车辆的 VIN 或车牌");
    }
    return out;
  }

  /** The template's sentence (DOMAIN.md's wording), with "…" for a part not given (a case opened from a survey). */
  static String summary(String kind, JsonObject t) {
    java.util.function.Function<String, String> v = k -> {
      String s = t == null ? null : t.getString(k);
      return s == null || s.isBlank() ? "…" : s;
    };
    return switch (kind) {
      case "consultation" -> v.apply("region") + "客户于" + v.apply("date") + "购买" + v.apply("brand") + "，行驶"
          + v.apply("mileage") + "公里，咨询" + v.apply("part") + "的保修；已告知：" + v.apply("policy") + "。";
      case "rescue" -> v.apply("region") + v.apply("brand") + "客户，车辆在" + v.apply("place") + "出现"
          + v.apply("symptom") + "，无法行驶，需要救援（车牌 " + v.apply("plate") + "，联系方式 " + v.apply("contact")
          + "）。";
      default -> v.apply("region") + v.apply("brand") + "客户于" + v.apply("date") + "在" + v.apply("dealer")
          + "办理" + v.apply("repair") + "，对" + v.apply("issue") + "不满意，要求" + v.apply("request") + "（"
          + (t != null && t.getString("vin") != null ? "VIN " + t.getString("vin") : "")
          + (t != null && t.getString("vin") != null && t.getString("plate") != null ? "，" : "")
          + (t != null && t.getString("plate") != null ? "车牌 " + t.getString("plate") : "")
          + (t == null || (t.getString("vin") == null && t.getString("plate") == null) ? "…" : "") + "）。";
    };
  }
}
