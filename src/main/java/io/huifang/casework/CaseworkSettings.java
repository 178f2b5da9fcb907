package io.huifang.casework;

import io.huifang.core.Invalid;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Casework's settings, one document in {@code casework_settings}: due days of a case, the appeal window, the
 * second callback's days, which survey answers open a case, the department of a questionnaire's sections, the
 * severity criteria's texts and the raw score below which a survey counts as low (appeals). Defaults from DOMAIN.md.
 */
public final class CaseworkSettings {
  static final Set<String> DEPARTMENTS = Set.of("sales", "service", "parts", "other");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> FIELDS = Set.of("dueDays", "appealDays", "callbackDays", "autoOpen", "departments",
      "severity", "lowSurveyBelow");

  private final Pool pool;

  public CaseworkSettings(Pool pool) {
    this.pool = pool;
  }

  /** The defaults: 3 days to handle, 3 days to appeal, 2 days for the second callback, complaint texts open cases. */
  public static JsonObject defaults() {
    return new JsonObject().put("dueDays", 3).put("appealDays", 3).put("callbackDays", 2)
        .put("autoOpen", new JsonObject().put("complaintText", true).put("items", new JsonArray()))
        .put("departments", new JsonObject())
        .put("severity", new JsonObject()
            .put("red", text("人身伤害、重大财产损失、可能引起媒体曝光，或省级主管部门来函",
                "Injury, serious property loss, likely media exposure, or a provincial-level authority's notice"))
            .put("orange", text("轻微人身伤害或财产损失，或省级以下主管部门来函",
                "Minor injury or loss, or a lower authority's notice"))
            .put("yellow", text("无法维修或要求退换车，对服务质量或收费不满",
                "A repair that cannot be done or a return request, or dissatisfaction with service quality or charges")))
        .put("lowSurveyBelow", 8.0);
  }

  private static JsonObject text(String zh, String en) {
    return new JsonObject().put("zh", zh).put("en", en);
  }

  /** The current settings (the defaults until staff save them). */
  public Future<JsonObject> current() {
    return pool.query("select settings from casework_settings where id = 1").execute().map(rs -> {
      JsonObject s = defaults();
      if (rs.size() > 0) {
        s.mergeIn((JsonObject) rs.iterator().next().getValue("settings"));
      }
      return s;
    });
  }

  /** Applies {@code changes} over the current settings, checks the whole and stores it; the stored settings. */
  public Future<JsonObject> update(JsonObject changes, long userId) {
    return current().compose(cur -> {
      JsonObject next = cur.copy();
      for (String k : changes.fieldNames()) {
        if (!FIELDS.contains(k)) {
          return Future.failedFuture(new Invalid(k, "unknown setting " + k, "未知设置 " + k));
        }
        next.put(k, changes.getValue(k));
      }
      try {
        check(next);
      } catch (Invalid e) {
        return Future.failedFuture(e);
      }
      return pool.preparedQuery("insert into casework_settings (id, settings, updated_by, updated_at)"
              + " values (1, $1, $2, now()) on conflict (id) do update set settings = excluded.settings,"
              + " updated_by = excluded.updated_by, updated_at = now()")
          .execute(Tuple.of(next, userId)).map(next);
    });
  }

  /** Throws {@link Invalid} naming the first wrong field. */
  static void check(JsonObject s) {
    whole(s, "dueDays", 1, 30);
    whole(s, "appealDays", 1, 30);
    whole(s, "callbackDays", 1, 14);
    if (!(s.getValue("lowSurveyBelow") instanceof Number n) || n.doubleValue() < 1 || n.doubleValue() > 10) {
      throw new Invalid("lowSurveyBelow", "lowSurveyBelow must be a number from 1 to 10", "低分线必须是 1 到 10 之间的数");
    }
    if (!(s.getValue("autoOpen") instanceof JsonObject auto)) {
      throw new Invalid("autoOpen", "autoOpen must be an object", "autoOpen 必须是对象");
    }
    for (String k : auto.fieldNames()) {
      if (!k.equals("complaintText") && !k.equals("items")) {
        throw new Invalid("autoOpen." + k, "unknown field autoOpen." + k, "未知字段 autoOpen." + k);
      }
    }
    if (!(auto.getValue("complaintText") instanceof Boolean)) {
      throw new Invalid("autoOpen.complaintText", "autoOpen.complaintText must be true or false",
          "autoOpen.complaintText 必须是 true 或 false");
    }
    if (!(auto.getValue("items") instanceof JsonArray items) || items.size() > 100) {
      throw new Invalid("autoOpen.items", "autoOpen.items must be a list of at most 100 rules",
          "autoOpen.items 必须是最多 100 条规则的列表");
    }
    for (int i = 0; i < items.size(); i++) {
      String p = "autoOpen.items[" + i + "]";
      if (!(items.getValue(i) instanceof JsonObject r) || !r.fieldNames().equals(Set.of("questionnaire", "item", "below"))) {
        throw new Invalid(p, p + " must be {\"questionnaire\",\"item\",\"below\"}",
            p + " 必须是 {\"questionnaire\",\"item\",\"below\"}");
      }
      id(r.getValue("questionnaire"), p + ".questionnaire");
      id(r.getValue("item"), p + ".item");
      if (!(r.getValue("below") instanceof Number b) || b.doubleValue() < 1 || b.doubleValue() > 10) {
        throw new Invalid(p + ".below", "below must be a score from 1 to 10", "低于的分数必须在 1 到 10 之间");
      }
    }
    if (!(s.getValue("departments") instanceof JsonObject deps) || deps.size() > 100) {
      throw new Invalid("departments", "departments must be {\"<questionnaire>\": {\"<section>\": department}}",
          "departments 必须是 {\"问卷\": {\"章节\": 部门}}");
    }
    for (String q : deps.fieldNames()) {
      id(q, "departments." + q);
      if (!(deps.getValue(q) instanceof JsonObject sections) || sections.size() > 100) {
        throw new Invalid("departments." + q, "must map section ids to departments", "必须是章节到部门的对应");
      }
      for (String sec : sections.fieldNames()) {
        id(sec, "departments." + q + "." + sec);
        if (!DEPARTMENTS.contains(String.valueOf(sections.getValue(sec)))) {
          throw new Invalid("departments." + q + "." + sec, "department must be sales, service, parts or other",
              "部门必须是 sales、service、parts 或 other");
        }
      }
    }
    if (!(s.getValue("severity") instanceof JsonObject sev) || !sev.fieldNames().equals(Set.of("red", "orange", "yellow"))) {
      throw new Invalid("severity", "severity must give red, orange and yellow", "严重程度必须包含红、橙、黄三级");
    }
    for (String level : sev.fieldNames()) {
      if (!(sev.getValue(level) instanceof JsonObject t) || !(t.getValue("zh") instanceof String zh)
          || zh.isBlank() || zh.length() > 1000 || (t.getValue("en") != null && !(t.getValue("en") instanceof String en
          && en.length() <= 1000)) || !Set.of("zh", "en").containsAll(t.fieldNames())) {
        throw new Invalid("severity." + level, "severity." + level + " must be {\"zh\",\"en\"} of at most 1000 characters",
            "severity." + level + " 必须是不超过 1000 字的 {\"zh\",\"en\"}");
      }
    }
  }

  private static void whole(JsonObject s, String k, int min, int max) {
    Object v = s.getValue(k);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < min
        || n.intValue() > max) {
      throw new Invalid(k, k + " must be a whole number from " + min + " to " + max,
          k + " 必须是 " + min + " 到 " + max + " 之间的整数");
    }
  }

  private static void id(Object v, String field) {
    if (!(v instanceof String s) || !ID.matcher(s).matches()) {
      throw new Invalid(field, field + " must be an id (letters, digits, . _ -)", field + " 必须是编号（字母、数字、. _ -）");
    }
  }
}
