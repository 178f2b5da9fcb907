package io.huifang.survey;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A survey questionnaire (问卷) as the agent reads it: sections of items, scale items grouped into three-level
 * indicators, loyalty, yes/no, single-choice and free-text items, required flags, simple skip rules and the script
 * text. Immutable; made only by {@link #parse}, which checks everything, so a Questionnaire is always usable.
 * The JSON format is documented in {@code docs/questionnaire.md}; {@link #toJson()} gives it back.
 */
public final class Questionnaire {
  /** The answer to a scale item that is not a score (未调查). */
  public static final String NOT_SURVEYED = "not_surveyed";
  public static final String CSI_DEFAULT = "csi-default";
  public static final String SSI_DEFAULT = "ssi-default";
  public static final List<String> BUILT_IN = List.of(CSI_DEFAULT, SSI_DEFAULT);

  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
  static final int DEFAULT_MAX_LENGTH = 2000;
  static final int MAX_MAX_LENGTH = 20000;

  /** Which thresholds of DOMAIN.md (quality control) apply. Campaign kind "other" uses CSI. */
  public enum Kind {
    CSI(5, 5), SSI(4, 4);

    private final int reviewAt;
    private final int voidAt;

    Kind(int reviewAt, int voidAt) {
      this.reviewAt = reviewAt;
      this.voidAt = voidAt;
    }

    /** This many items scored below 7 or more: the recording must be reviewed. */
    public int reviewAt() {
      return reviewAt;
    }

    /** This many items answered "not surveyed" or more: the survey is void (作废). */
    public int voidAt() {
      return voidAt;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The thresholds for a campaign kind: ssi → SSI; csi, other (and null) → CSI. */
    public static Kind ofCampaign(String campaignKind) {
      return "ssi".equalsIgnoreCase(campaignKind) ? SSI : CSI;
    }

    /** The built-in questionnaire's key for a campaign kind (csi, ssi, other; null means csi). */
    public static String defaultKeyFor(String campaignKind) {
      return "ssi".equalsIgnoreCase(campaignKind) ? SSI_DEFAULT : CSI_DEFAULT;
    }
  }

  public enum Type {
    SCALE10, LOYALTY, YESNO, CHOICE, TEXT;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a loyalty item asks: would the customer recommend the dealer, would they come back. */
  public enum Topic {
    RECOMMEND, RETURN;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a free-text item collects. */
  public enum Category {
    COMPLAINT, SUGGESTION;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A text in Chinese (always) and English (may be null: the Chinese is shown). */
  public record Text(String zh, String en) {
    public Text {
      Objects.requireNonNull(zh);
    }

    public String get(String lang) {
      return lang != null && lang.toLowerCase(Locale.ROOT).startsWith("en") && en != null ? en : zh;
    }

    public JsonObject toJson() {
      JsonObject o = new JsonObject().put("zh", zh);
      if (en != null) {
        o.put("en", en);
      }
      return o;
    }
  }

  /** An option of a choice or loyalty item. */
  public record Option(String id, Text label) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("label", label.toJson());
    }
  }

  /** The fixed answers of loyalty items, from the most to the least loyal. */
  public static final List<Option> LOYALTY_OPTIONS = List.of(
      new Option("surely", new Text("肯定会", "Surely")),
      new Option("probably", new Text("可能会", "Probably")),
      new Option("unsure", new Text("不确定", "Not sure")),
      new Option("probably_not", new Text("可能不会", "Probably not")),
      new Option("surely_not", new Text("肯定不会", "Surely not")));

  /**
   * An indicator (指标) at level 1, 2 or 3; {@code parent} is null at level 1. Scale items point to level-3
   * indicators.
   */
  public record Indicator(String id, int level, Text label, String parent) {
  }

  /**
   * A skip rule: the item is shown only when the earlier item {@code item} is shown and its answer equals
   * {@code equals}, or is one of {@code in}. Exactly one of the two is set.
   */
  public record ShowIf(String item, Object equals, List<Object> in) {
    public ShowIf {
      in = in == null ? null : Collections.unmodifiableList(new ArrayList<>(in));
    }

    /** Whether {@code answer} (a JSON value, may be null) satisfies the rule's condition. */
    public boolean matches(Object answer) {
      if (answer == null) {
        return false;
      }
      if (in == null) {
        return same(equals, answer);
      }
      for (Object v : in) {
        if (same(v, answer)) {
          return true;
        }
      }
      return false;
    }

    public JsonObject toJson() {
      JsonObject o = new JsonObject().put("item", item);
      if (in == null) {
        o.put("equals", equals);
      } else {
        o.put("in", new JsonArray(new ArrayList<>(in)));
      }
      return o;
    }
  }

  /**
   * One question. {@code indicator} only for scale items (may be null); {@code topic} only for loyalty items;
   * {@code options} for choice items (the fixed {@link #LOYALTY_OPTIONS} for loyalty items, listed by toJson too;
   * else empty);
   * {@code category} (may be null) and {@code maxLength} only for text items; {@code script} is what the agent
   * reads (may be null: the label is read); {@code showIf} may be null.
   */
  public record Item(String id, Type type, String sectionId, boolean required, Text label, Text script,
                     String indicator, Topic topic, List<Option> options, Category category, int maxLength,
                     ShowIf showIf) {
    public Item {
      options = List.copyOf(options);
    }

    /** The option with this id, or null. */
    public Option option(String optionId) {
      for (Option o : options) {
        if (o.id().equals(optionId)) {
          return o;
        }
      }
      return null;
    }

    public JsonObject toJson() {
      JsonObject o = new JsonObject().put("id", id).put("type", type.id());
      if (required) {
        o.put("required", true);
      }
      o.put("label", label.toJson());
      if (script != null) {
        o.put("script", script.toJson());
      }
      if (indicator != null) {
        o.put("indicator", indicator);
      }
      if (topic != null) {
        o.put("topic", topic.id());
      }
      if (type == Type.CHOICE || type == Type.LOYALTY) {
        JsonArray arr = new JsonArray();
        options.forEach(opt -> arr.add(opt.toJson()));
        o.put("options", arr);
      }
      if (type == Type.TEXT) {
        if (category != null) {
          o.put("category", category.id());
        }
        o.put("maxLength", maxLength);
      }
      if (showIf != null) {
        o.put("showIf", showIf.toJson());
      }
      return o;
    }
  }

  /** A section (部分): a title, an optional introduction the agent reads, its items. */
  public record Section(String id, Text title, Text intro, List<Item> items) {
    public Section {
      items = List.copyOf(items);
    }
  }

  private final String key;
  private final Kind kind;
  private final int version;
  private final Text title;
  private final List<Indicator> indicators;
  private final List<Section> sections;
  private final List<Item> items;
  private final Map<String, Item> byId;
  private final Map<String, Indicator> indicatorById;

  private Questionnaire(String key, Kind kind, int version, Text title, List<Indicator> indicators,
                        List<Section> sections) {
    this.key = key;
    this.kind = kind;
    this.version = version;
    this.title = title;
    this.indicators = List.copyOf(indicators);
    this.sections = List.copyOf(sections);
    List<Item> all = new ArrayList<>();
    sections.forEach(s -> all.addAll(s.items()));
    this.items = List.copyOf(all);
    Map<String, Item> m = new LinkedHashMap<>();
    all.forEach(i -> m.put(i.id(), i));
    this.byId = Collections.unmodifiableMap(m);
    Map<String, Indicator> im = new LinkedHashMap<>();
    indicators.forEach(i -> im.put(i.id(), i));
    this.indicatorById = Collections.unmodifiableMap(im);
  }

  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  public int version() {
    return version;
  }

  public Text title() {
    return title;
  }

  /** The title in {@code lang} ("en…" for English, anything else Chinese). */
  public String title(String lang) {
    return title.get(lang);
  }

  /** All indicators, depth first in definition order (each level-1, then its level-2s each followed by their level-3s). */
  public List<Indicator> indicators() {
    return indicators;
  }

  /** The indicator with this id (at any level), or null. */
  public Indicator indicator(String id) {
    return indicatorById.get(id);
  }

  /** The ids from level 1 down to {@code indicatorId}, e.g. [service-start, reception, explained-work]. */
  public List<String> indicatorPath(String indicatorId) {
    List<String> path = new ArrayList<>();
    for (Indicator i = indicatorById.get(indicatorId); i != null; i = i.parent() == null ? null
        : indicatorById.get(i.parent())) {
      path.add(0, i.id());
    }
    return path;
  }

  public List<Section> sections() {
    return sections;
  }

  /** Every item in order. */
  public List<Item> items() {
    return items;
  }

  /** The item with this id, or null. */
  public Item item(String id) {
    return byId.get(id);
  }

  /** The same questionnaire under another version number (the store numbers versions). */
  public Questionnaire withVersion(int newVersion) {
    if (newVersion < 1) {
      throw new IllegalArgumentException("version " + newVersion);
    }
    return new Questionnaire(key, kind, newVersion, title, indicators, sections);
  }

  /**
   * Whether {@code item} is shown given {@code answers}: it has no skip rule, or the item its rule names is shown
   * and answered as the rule says.
   */
  public boolean shown(Item item, JsonObject answers) {
    for (Item i = item; i.showIf() != null; ) {
      Item target = byId.get(i.showIf().item());
      if (!i.showIf().matches(answers == null ? null : answers.getValue(target.id()))) {
        return false;
      }
      i = target;
    }
    return true;
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("key", key).put("kind", kind.id()).put("version", version)
        .put("title", title.toJson());
    o.put("indicators", indicatorsJson(null));
    JsonArray secs = new JsonArray();
    for (Section s : sections) {
      JsonObject so = new JsonObject().put("id", s.id()).put("title", s.title().toJson());
      if (s.intro() != null) {
        so.put("intro", s.intro().toJson());
      }
      JsonArray its = new JsonArray();
      s.items().forEach(i -> its.add(i.toJson()));
      secs.add(so.put("items", its));
    }
    return o.put("sections", secs);
  }

  private JsonArray indicatorsJson(String parent) {
    JsonArray arr = new JsonArray();
    for (Indicator i : indicators) {
      if (Objects.equals(i.parent(), parent)) {
        JsonObject o = new JsonObject().put("id", i.id()).put("label", i.label().toJson());
        if (i.level() < 3) {
          o.put("children", indicatorsJson(i.id()));
        }
        arr.add(o);
      }
    }
    return arr;
  }

  @Override
  public String toString() {
    return key + " v" + version;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Built-ins

  private static final Map<String, Questionnaire> builtIns = new HashMap<>();

  /** A questionnaire shipped with the server ({@link #BUILT_IN}), as version 1. */
  public static synchronized Questionnaire builtIn(String key) {
    Questionnaire q = builtIns.get(key);
    if (q == null) {
      if (!BUILT_IN.contains(key)) {
        throw new IllegalArgumentException("no built-in questionnaire " + key);
      }
      try (InputStream in = Questionnaire.class.getResourceAsStream("/survey/" + key + ".json")) {
        if (in == null) {
          throw new IllegalStateException("resource survey/" + key + ".json is missing");
        }
        q = parse(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read survey/" + key + ".json", e);
      }
      builtIns.put(key, q);
    }
    return q;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Parsing

  /** Reads a definition from JSON text; invalid JSON is reported at the path "" (the document). */
  public static Questionnaire parse(String json) {
    JsonObject o;
    try {
      o = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new QuestionnaireException("", "not a JSON object: " + e.getMessage(), "不是有效的 JSON 对象：" + e.getMessage());
    }
    return parse(o);
  }

  /** Reads and checks a definition; throws {@link QuestionnaireException} naming the first problem's place. */
  public static Questionnaire parse(JsonObject json) {
    if (json == null) {
      throw new QuestionnaireException("", "a JSON object is required", "必须是 JSON 对象");
    }
    return new Parser().parse(json);
  }

  private static final class Parser {
    private final List<Indicator> indicators = new ArrayList<>();
    private final Map<String, Indicator> indicatorById = new HashMap<>();
    private final Map<String, Item> items = new LinkedHashMap<>();

    Questionnaire parse(JsonObject json) {
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
      if (inds != null) {
        indicators(array(inds, "indicators"), "indicators", 1, null);
      }

      JsonArray secs = array(json.getValue("sections"), "sections");
      if (secs.isEmpty()) {
        throw new QuestionnaireException("sections", "at least one section is required", "至少需要一个部分");
      }
      List<Section> sections = new ArrayList<>();
      Set<String> sectionIds = new java.util.HashSet<>();
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
      Set<String> allowed = new java.util.HashSet<>(Set.of("id", "type", "required", "label", "script", "showIf"));
      switch (type) {
        case SCALE10 -> allowed.add("indicator");
        // Loyalty options are fixed; toJson lists them for readers, and they are ignored when read back.
        case LOYALTY -> allowed.addAll(Set.of("topic", "options"));
        case CHOICE -> allowed.add("options");
        case TEXT -> allowed.addAll(Set.of("category", "maxLength"));
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
      return new Item(id, type, sectionId, required, label, script, indicator, topic, options, category, maxLength,
          showIf);
    }

    private List<Option> options(JsonArray arr, String path) {
      if (arr.isEmpty()) {
        throw new QuestionnaireException(path, "a choice item needs at least one option", "选择题至少需要一个选项");
      }
      List<Option> out = new ArrayList<>();
      Set<String> ids = new java.util.HashSet<>();
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

  // ---------------------------------------------------------------------------------------------------------------
  // Values

  /** A scale answer as 1..10, or null when {@code v} is not a whole number in that range. */
  static Integer scale(Object v) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && d >= 1 && d <= 10) {
        return (int) d;
      }
    }
    return null;
  }

  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(a, b);
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    return String.valueOf(v);
  }
}
