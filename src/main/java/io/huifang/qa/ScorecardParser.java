package io.huifang.qa;

import io.huifang.core.Invalid;
import io.huifang.qa.Scorecard.Item;
import io.huifang.qa.Scorecard.Section;
import io.huifang.survey.Questionnaire.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks a scorecard form (docs/qa-api.md), throwing {@link Invalid} at the first problem with its place
 * as the field ({@code sections[0].items[2].points}), as the questionnaire parser does.
 */
final class ScorecardParser {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
  static final int MAX_SECTIONS = 50;
  static final int MAX_ITEMS = 200;
  static final int MAX_POINTS = 100;
  static final int MAX_WEIGHT = 1000;
  static final int MAX_TEXT = 500;

  private ScorecardParser() {
  }

  static Scorecard parse(JsonObject json) {
    if (json == null) {
      throw problem("", "a JSON object is required", "必须是 JSON 对象");
    }
    known(json, "", Set.of("key", "version", "name", "passScore", "sections"));
    String key = string(json, "key", "");
    if (!Scorecard.KEY.matcher(key).matches()) {
      throw problem("key", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
          "须为 1-64 个字母、数字、'.'、'_' 或 '-'，以字母或数字开头");
    }
    int version = 1;
    Object v = json.getValue("version");
    if (v != null) {
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > Integer.MAX_VALUE) {
        throw problem("version", "must be a whole number from 1", "必须是从 1 起的整数");
      }
      version = n.intValue();
    }
    Text name = text(json, "name", "");
    double passScore = number(json, "passScore", "", 0, 100, false, "must be a number from 0 to 100",
        "必须是 0 到 100 之间的数");
    JsonArray secs = array(json.getValue("sections"), "sections");
    if (secs.isEmpty()) {
      throw problem("sections", "at least one section is required", "至少需要一个部分");
    }
    if (secs.size() > MAX_SECTIONS) {
      throw problem("sections", "at most " + MAX_SECTIONS + " sections", "最多 " + MAX_SECTIONS + " 个部分");
    }
    List<Section> sections = new ArrayList<>();
    Set<String> sectionIds = new HashSet<>();
    Set<String> itemIds = new HashSet<>();
    int itemCount = 0;
    for (int s = 0; s < secs.size(); s++) {
      String p = "sections[" + s + "]";
      JsonObject so = object(secs.getValue(s), p);
      known(so, p, Set.of("id", "title", "weight", "items"));
      String id = id(so, p);
      if (!sectionIds.add(id)) {
        throw problem(p + ".id", "duplicate section id \"" + id + "\"", "部分 id \"" + id + "\" 重复");
      }
      Text title = text(so, "title", p);
      double weight = number(so, "weight", p, 0, MAX_WEIGHT, true, "must be a number above 0 and at most "
          + MAX_WEIGHT, "必须是大于 0 且不超过 " + MAX_WEIGHT + " 的数");
      JsonArray its = array(so.getValue("items"), p + ".items");
      if (its.isEmpty()) {
        throw problem(p + ".items", "a section needs at least one item", "每个部分至少需要一个项目");
      }
      List<Item> items = new ArrayList<>();
      for (int i = 0; i < its.size(); i++) {
        String ip = p + ".items[" + i + "]";
        if (++itemCount > MAX_ITEMS) {
          throw problem(ip, "at most " + MAX_ITEMS + " items in a scorecard", "评分表最多 " + MAX_ITEMS + " 个项目");
        }
        JsonObject io = object(its.getValue(i), ip);
        known(io, ip, Set.of("id", "text", "points", "fatal", "na"));
        String itemId = id(io, ip);
        if (!itemIds.add(itemId)) {
          throw problem(ip + ".id", "duplicate item id \"" + itemId + "\"", "项目 id \"" + itemId + "\" 重复");
        }
        Text text = text(io, "text", ip);
        Object pv = io.getValue("points");
        if (!(pv instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
            || n.doubleValue() > MAX_POINTS) {
          throw problem(ip + ".points", "must be a whole number from 1 to " + MAX_POINTS,
              "必须是 1 到 " + MAX_POINTS + " 的整数");
        }
        boolean fatal = bool(io, "fatal", ip);
        boolean na = bool(io, "na", ip);
        items.add(new Item(itemId, text, n.intValue(), fatal, na));
      }
      sections.add(new Section(id, title, weight, List.copyOf(items)));
    }
    return new Scorecard(key, version, name, passScore, List.copyOf(sections));
  }

  static Invalid problem(String path, String english, String chinese) {
    return new Invalid(path.isEmpty() ? "body" : path, path.isEmpty() ? english : path + ": " + english,
        path.isEmpty() ? chinese : path + ": " + chinese);
  }

  private static void known(JsonObject o, String p, Set<String> allowed) {
    for (String k : o.fieldNames()) {
      if (!allowed.contains(k)) {
        throw problem(join(p, k), "unknown field \"" + k + "\"", "未知字段 \"" + k + "\"");
      }
    }
  }

  private static String id(JsonObject o, String p) {
    String id = string(o, "id", p);
    if (!ID.matcher(id).matches()) {
      throw problem(join(p, "id"), "\"" + id + "\" is not a valid id (1-64 letters, digits, '.', '_' or '-')",
          "\"" + id + "\" 不是有效的 id（1-64 个字母、数字、'.'、'_' 或 '-'）");
    }
    return id;
  }

  private static String string(JsonObject o, String field, String p) {
    Object v = o.getValue(field);
    if (v == null) {
      throw problem(join(p, field), "is required", "必填");
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw problem(join(p, field), "must be a non-empty string", "必须是非空字符串");
    }
    if (s.length() > MAX_TEXT) {
      throw problem(join(p, field), "at most " + MAX_TEXT + " characters", "最多 " + MAX_TEXT + " 个字符");
    }
    return s.trim();
  }

  /** {"zh": "...", "en": "..."} or a plain string (Chinese only). */
  private static Text text(JsonObject o, String field, String p) {
    Object v = o.getValue(field);
    String path = join(p, field);
    if (v instanceof String) {
      return new Text(string(o, field, p), null);
    }
    if (v == null) {
      throw problem(path, "is required", "必填");
    }
    if (!(v instanceof JsonObject t)) {
      throw problem(path, "must be a string or {\"zh\": \"…\", \"en\": \"…\"}", "必须是字符串或 {\"zh\": \"…\", \"en\": \"…\"}");
    }
    known(t, path, Set.of("zh", "en"));
    String zh = string(t, "zh", path);
    String en = t.getValue("en") == null ? null : string(t, "en", path);
    return new Text(zh, en);
  }

  /** A number in [min, max], or in (min, max] when {@code aboveMin}. */
  private static double number(JsonObject o, String field, String p, double min, double max, boolean aboveMin,
                               String english, String chinese) {
    Object v = o.getValue(field);
    if (v == null) {
      throw problem(join(p, field), "is required", "必填");
    }
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() > max
        || (aboveMin ? n.doubleValue() <= min : n.doubleValue() < min)) {
      throw problem(join(p, field), english, chinese);
    }
    return n.doubleValue();
  }

  private static boolean bool(JsonObject o, String field, String p) {
    Object v = o.getValue(field);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw problem(join(p, field), "must be true or false", "必须是 true 或 false");
    }
    return b;
  }

  private static JsonArray array(Object v, String p) {
    if (v == null) {
      throw problem(p, "is required", "必填");
    }
    if (!(v instanceof JsonArray a)) {
      throw problem(p, "must be a list", "必须是数组");
    }
    return a;
  }

  private static JsonObject object(Object v, String p) {
    if (!(v instanceof JsonObject o)) {
      throw problem(p, "must be an object", "必须是对象");
    }
    return o;
  }

  private static String join(String p, String field) {
    return p.isEmpty() ? field : p + "." + field;
  }
}
