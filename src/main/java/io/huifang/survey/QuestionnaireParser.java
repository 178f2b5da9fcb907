package io.huifang.survey;

import static io.huifang.survey.Questionnaire.KEY;
import static io.huifang.survey.Questionnaire.LOYALTY_OPTIONS;
import static io.huifang.survey.Questionnaire.NOT_SURVEYED;
import static io.huifang.survey.Questionnaire.describe;
import static io.huifang.survey.Questionnaire.scale;

import io.huifang.survey.Questionnaire.Category;
import io.huifang.survey.Questionnaire.Indicator;
import io.huifang.survey.Questionnaire.Item;
import io.huifang.survey.Questionnaire.Kind;
import io.huifang.survey.Questionnaire.Option;
import io.huifang.survey.Questionnaire.Section;
import io.huifang.survey.Questionnaire.ShowIf;
import io.huifang.survey.Questionnaire.Text;
import io.huifang.survey.Questionnaire.Topic;
import io.huifang.survey.Questionnaire.Type;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks a questionnaire definition in the JSON format of {@code docs/questionnaire.md}, throwing
 * {@link QuestionnaireException} at the first problem with its place (e.g. {@code sections[1].items[0].indicator}).
 * One parser reads one definition: it keeps the indicators and items read so far, because an item names its
 * indicator and a skip rule names an earlier item. Reached through {@link Questionnaire#parse}.
 */
final class QuestionnaireParser {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
  static final int DEFAULT_MAX_LENGTH = 2000;
  static final int MAX_MAX_LENGTH = 20000;

  /** Reads a definition from JSON text; invalid JSON is reported at the path "" (the document). */
  static Questionnaire parse(String json) {
    JsonObject o;
    try {
      o = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new QuestionnaireException("", "not a JSON object: " + e.getMessage(), "不是有效的 JSON 对象：" + e.getMessage());
    }
    return parse(o);
  }

  /** Reads and checks a definition. */
  static Questionnaire parse(JsonObject json) {
    if (json == null) {
      throw new QuestionnaireException("", "a JSON object is required", "必须是 JSON 对象");
    }
    return new QuestionnaireParser().read(json);
  }

  private final List<Indicator> indicators = new ArrayList<>();
  private final Map<String, Indicator> indicatorById = new HashMap<>();
  private final Map<String, Item> items = new LinkedHashMap<>();

  private QuestionnaireParser() {
  }

  private Questionnaire read(JsonObject json) {
    known(json, "", Set.of("key", "kind", "version", "title", "indicators", "sections"));
    String key = string(json, "key", "", true);
    if (!KEY.matcher(key).matches()) {
      throw new QuestionnaireException("key", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter"
          + " or digit", "须为 1-64 个字母、数字、'.'、'_' 或 '-'，以字母或数字开头");
    }
    String kindText = string(json, "kind", "", true);
    Kind kind = switch (kindText.toLowerCase(Locale.ROOT)) {
      case "csi" -> Kind.CSI;
      case "ssi" -> Kind.SSI;
      default -> throw new QuestionnaireException("kind", "unknown kind \"" + kindText + "\" (csi or ssi)",
          "未知类型 \"" + kindText + "\"（应为 csi 或 ssi）");
    };
    int version = 1;
    Object v = json.getValue("version");
    if (v != null) {
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > Integer.MAX_VALUE) {
        throw new QuestionnaireException("version", "must be a whole number from 1", "必须是从 1 起的整数");
      }
      version = n.intValue();
    }
    Text title = text(json, "title", "", true);

    Object inds = json.getValue("indicators");
    // toJson writes "indicators": [] for a questionnaire without any (verify-default): it must read back
    if (inds != null && !(inds instanceof JsonArray none && none.isEmpty())) {
      indicators(array(inds, "indicators"), "indicators", 1, null);
    }

    JsonArray secs = array(json.getValue("sections"), "sections");
    if (secs.isEmpty()) {
      throw new QuestionnaireException("sections", "at least one section is required", "至少需要一个部分");
    }
    List<Section> sections = new ArrayList<>();
    Set<String> sectionIds = new HashSet<>();
    for (int s = 0; s < secs.size(); s++) {
      String p = "sections[" + s + "]";
      JsonObject so = object(secs.getValue(s), p);
      known(so, p, Set.of("id", "title", "intro", "items"));
      String id = id(so, p);
      if (!sectionIds.add(id)) {
        throw new QuestionnaireException(p + ".id", "duplicate section id \"" + id + "\"", "部分 id \"" + id + "\" 重复");
      }
      Text st = text(so, "title", p, true);
      Text intro = text(so, "intro", p, false);
      JsonArray its = array(so.getValue("items"), p + ".items");
      if (its.isEmpty()) {
        throw new QuestionnaireException(p + ".items", "a section needs at least one item", "每个部分至少需要一个题目");
      }
      List<Item> list = new ArrayList<>();
      for (int i = 0; i < its.size(); i++) {
        Item item = item(its.getValue(i), p + ".items[" + i + "]", id);
        items.put(item.id(), item);
        list.add(item);
      }
      sections.add(new Section(id, st, intro, list));
    }
    return new Questionnaire(key, kind, version, title, indicators, sections);
  }

  private void indicators(JsonArray arr, String path, int level, String parent) {
    if (arr.isEmpty()) {
      throw new QuestionnaireException(path, level == 1 ? "must not be empty (leave it out if there are none)"
          : "a level-" + (level - 1) + " indicator needs at least one level-" + level + " indicator",
          level == 1 ? "不能为空（没有指标时请省略）" : (level - 1) + " 级指标下至少需要一个 " + level + " 级指标");
    }
    for (int i = 0; i < arr.size(); i++) {
      String p = path + "[" + i + "]";
      JsonObject o = object(arr.getValue(i), p);
      known(o, p, level < 3 ? Set.of("id", "label", "children") : Set.of("id", "label"));
      String id = id(o, p);
      if (indicatorById.containsKey(id)) {
        throw new QuestionnaireException(p + ".id", "duplicate indicator id \"" + id + "\"", "指标 id \"" + id + "\" 重复");
      }
      Indicator ind = new Indicator(id, level, text(o, "label", p, true), parent);
      indicators.add(ind);
      indicatorById.put(id, ind);
      if (level < 3) {
        indicators(array(o.getValue("children"), p + ".children"), p + ".children", level + 1, id);
      }
    }
  }

  private Item item(Object value, String p, String sectionId) {
    JsonObject o = object(value, p);
    String typeText = string(o, "type", p, true);
    Type type;
    try {
      type = Type.valueOf(typeText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new QuestionnaireException(p + ".type", "unknown type \"" + typeText
          + "\" (scale10, loyalty, yesno, choice or text)",
          "未知题型 \"" + typeText + "\"（应为 scale10、loyalty、yesno、choice 或 text）");
    }
    Set<String> allowed = new HashSet<>(Set.of("id", "type", "required", "label", "script", "showIf"));
    switch (type) {
      case SCALE10 -> allowed.add("indicator");
      // Loyalty options are fixed; toJson lists them for readers, and they are ignored when read back.
      case LOYALTY -> allowed.addAll(Set.of("topic", "options"));
      case CHOICE -> allowed.addAll(Set.of("options", "competitor"));
      case TEXT -> allowed.addAll(Set.of("category", "maxLength", "competitor"));
      default -> { }
    }
    known(o, p, allowed);
    String id = id(o, p);
    if (items.containsKey(id)) {
      throw new QuestionnaireException(p + ".id", "duplicate item id \"" + id + "\"", "题目 id \"" + id + "\" 重复");
    }
    Object req = o.getValue("required");
    if (req != null && !(req instanceof Boolean)) {
      throw new QuestionnaireException(p + ".required", "must be true or false", "必须是 true 或 false");
    }
    boolean required = Boolean.TRUE.equals(req);
    Text label = text(o, "label", p, true);
    Text script = text(o, "script", p, false);

    String indicator = null;
    if (type == Type.SCALE10 && o.getValue("indicator") != null) {
      indicator = string(o, "indicator", p, true);
      Indicator ind = indicatorById.get(indicator);
      if (ind == null) {
        throw new QuestionnaireException(p + ".indicator", "unknown indicator \"" + indicator + "\"",
            "未知指标 \"" + indicator + "\"");
      }
      if (ind.level() != 3) {
        throw new QuestionnaireException(p + ".indicator", "\"" + indicator + "\" is a level-" + ind.level()
            + " indicator; items point to level-3 indicators",
            "\"" + indicator + "\" 是 " + ind.level() + " 级指标；题目须对应 3 级指标");
      }
    }
    Topic topic = null;
    if (type == Type.LOYALTY) {
      String t = string(o, "topic", p, true);
      try {
        topic = Topic.valueOf(t.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new QuestionnaireException(p + ".topic", "unknown topic \"" + t + "\" (recommend or return)",
            "未知主题 \"" + t + "\"（应为 recommend 或 return）");
      }
    }
    List<Option> options = List.of();
    if (type == Type.LOYALTY) {
      options = LOYALTY_OPTIONS;
    } else if (type == Type.CHOICE) {
      options = options(array(o.getValue("options"), p + ".options"), p + ".options");
    }
    Category category = null;
    int maxLength = 0;
    if (type == Type.TEXT) {
      if (o.getValue("category") != null) {
        String c = string(o, "category", p, true);
        try {
          category = Category.valueOf(c.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new QuestionnaireException(p + ".category", "unknown category \"" + c
              + "\" (complaint or suggestion)", "未知类别 \"" + c + "\"（应为 complaint 或 suggestion）");
        }
      }
      maxLength = DEFAULT_MAX_LENGTH;
      Object ml = o.getValue("maxLength");
      if (ml != null) {
        if (!(ml instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
            || n.longValue() > MAX_MAX_LENGTH) {
          throw new QuestionnaireException(p + ".maxLength", "must be a whole number from 1 to " + MAX_MAX_LENGTH,
              "必须是 1 到 " + MAX_MAX_LENGTH + " 之间的整数");
        }
        maxLength = n.intValue();
      }
    }
    ShowIf showIf = o.getValue("showIf") == null ? null : showIf(o.getValue("showIf"), p + ".showIf");
    Object comp = o.getValue("competitor");
    if (comp != null && !(comp instanceof Boolean)) {
      throw new QuestionnaireException(p + ".competitor", "must be true or false", "必须是 true 或 false");
    }
    return new Item(id, type, sectionId, required, label, script, indicator, topic, options, category, maxLength,
        showIf, Boolean.TRUE.equals(comp));
  }

  private List<Option> options(JsonArray arr, String path) {
    if (arr.isEmpty()) {
      throw new QuestionnaireException(path, "a choice item needs at least one option", "选择题至少需要一个选项");
    }
    List<Option> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < arr.size(); i++) {
      String p = path + "[" + i + "]";
      JsonObject o = object(arr.getValue(i), p);
      known(o, p, Set.of("id", "label"));
      String id = id(o, p);
      if (!ids.add(id)) {
        throw new QuestionnaireException(p + ".id", "duplicate option id \"" + id + "\"", "选项 id \"" + id + "\" 重复");
      }
      out.add(new Option(id, text(o, "label", p, true)));
    }
    return out;
  }

  private ShowIf showIf(Object value, String p) {
    JsonObject o = object(value, p);
    known(o, p, Set.of("item", "equals", "in"));
    String target = string(o, "item", p, true);
    Item t = items.get(target);
    if (t == null) {
      throw new QuestionnaireException(p + ".item", "\"" + target + "\" is not an earlier item (a skip rule can"
          + " only depend on an item that comes before it)", "\"" + target + "\" 不是前面的题目（跳题规则只能依赖前面的题目）");
    }
    if (t.type() == Type.TEXT) {
      throw new QuestionnaireException(p + ".item", "\"" + target + "\" is a free-text item; skip rules depend on"
          + " scale, loyalty, yes/no or choice items", "\"" + target + "\" 是文本题；跳题规则只能依赖评分、忠诚度、是否或选择题");
    }
    boolean hasEquals = o.containsKey("equals");
    boolean hasIn = o.containsKey("in");
    if (hasEquals == hasIn) {
      throw new QuestionnaireException(p, "give exactly one of \"equals\" and \"in\"", "\"equals\" 和 \"in\" 必须且只能给出一个");
    }
    if (hasEquals) {
      return new ShowIf(target, value(t, o.getValue("equals"), p + ".equals"), null);
    }
    JsonArray in = array(o.getValue("in"), p + ".in");
    if (in.isEmpty()) {
      throw new QuestionnaireException(p + ".in", "must not be empty", "不能为空");
    }
    List<Object> vals = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      vals.add(value(t, in.getValue(i), p + ".in[" + i + "]"));
    }
    return new ShowIf(target, null, vals);
  }

  /** A value the item {@code t} can be answered with, normalised (whole numbers as Integer). */
  private static Object value(Item t, Object v, String p) {
    switch (t.type()) {
      case SCALE10 -> {
        if (NOT_SURVEYED.equals(v)) {
          return v;
        }
        Integer n = scale(v);
        if (n == null) {
          throw new QuestionnaireException(p, "item \"" + t.id() + "\" is answered with a whole number from 1 to 10"
              + " or \"" + NOT_SURVEYED + "\"", "题目 \"" + t.id() + "\" 的答案是 1 到 10 的整数或 \"" + NOT_SURVEYED + "\"");
        }
        return n;
      }
      case YESNO -> {
        if (!(v instanceof Boolean)) {
          throw new QuestionnaireException(p, "item \"" + t.id() + "\" is answered with true or false",
              "题目 \"" + t.id() + "\" 的答案是 true 或 false");
        }
        return v;
      }
      default -> {
        if (!(v instanceof String s) || t.option(s) == null) {
          throw new QuestionnaireException(p, "item \"" + t.id() + "\" has no option " + describe(v),
              "题目 \"" + t.id() + "\" 没有选项 " + describe(v));
        }
        return v;
      }
    }
  }

  private static void known(JsonObject o, String p, Set<String> allowed) {
    for (String k : o.fieldNames()) {
      if (!allowed.contains(k)) {
        throw new QuestionnaireException(join(p, k), "unknown field \"" + k + "\"", "未知字段 \"" + k + "\"");
      }
    }
  }

  private static String id(JsonObject o, String p) {
    String id = string(o, "id", p, true);
    if (!ID.matcher(id).matches()) {
      throw new QuestionnaireException(join(p, "id"), "\"" + id + "\" is not a valid id (1-64 letters, digits,"
          + " '.', '_' or '-')", "\"" + id + "\" 不是有效的 id（1-64 个字母、数字、'.'、'_' 或 '-'）");
    }
    return id;
  }

  private static String string(JsonObject o, String field, String p, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw new QuestionnaireException(join(p, field), "is required", "必填");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new QuestionnaireException(join(p, field), "must be a non-empty string", "必须是非空字符串");
    }
    return s.trim();
  }

  /** {"zh": "...", "en": "..."} or a plain string (Chinese only). */
  private static Text text(JsonObject o, String field, String p, boolean required) {
    Object v = o.getValue(field);
    String path = join(p, field);
    if (v == null) {
      if (required) {
        throw new QuestionnaireException(path, "is required", "必填");
      }
      return null;
    }
    if (v instanceof String s) {
      if (s.isBlank()) {
        throw new QuestionnaireException(path, "must not be empty", "不能为空");
      }
      return new Text(s.trim(), null);
    }
    if (!(v instanceof JsonObject t)) {
      throw new QuestionnaireException(path, "must be a string or {\"zh\": \"…\", \"en\": \"…\"}",
          "必须是字符串或 {\"zh\": \"…\", \"en\": \"…\"}");
    }
    known(t, path, Set.of("zh", "en"));
    String zh = string(t, "zh", path, true);
    String en = string(t, "en", path, false);
    return new Text(zh, en);
  }

  private static JsonArray array(Object v, String p) {
    if (v == null) {
      throw new QuestionnaireException(p, "is required", "必填");
    }
    if (!(v instanceof JsonArray a)) {
      throw new QuestionnaireException(p, "must be a list", "必须是数组");
    }
    return a;
  }

  private static JsonObject object(Object v, String p) {
    if (!(v instanceof JsonObject o)) {
      throw new QuestionnaireException(p, "must be an object", "必须是对象");
    }
    return o;
  }

  private static String join(String p, String field) {
    return p.isEmpty() ? field : p + "." + field;
  }
}
