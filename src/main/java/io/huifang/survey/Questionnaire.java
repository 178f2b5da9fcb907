package io.huifang.survey;

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
import java.util.regex.Pattern;

/**
 * A survey questionnaire (问卷) as the agent reads it: sections of items, scale items grouped into three-level
 * indicators, loyalty, yes/no, single-choice and free-text items, required flags, simple skip rules and the script
 * text. Immutable; made only by {@link #parse} ({@link QuestionnaireParser}), which checks everything, so a Questionnaire is always usable.
 * The JSON format is documented in {@code docs/questionnaire.md}; {@link #toJson()} gives it back.
 */
public final class Questionnaire {
  /** The answer to a scale item that is not a score (未调查). */
  public static final String NOT_SURVEYED = "not_surveyed";
  public static final String CSI_DEFAULT = "csi-default";
  public static final String SSI_DEFAULT = "ssi-default";
  /** The second callbacks' (二次回访) verification: resolved, satisfied, verdict, remark (docs/casework-api.md). */
  public static final String VERIFY_DEFAULT = "verify-default";
  public static final List<String> BUILT_IN = List.of(CSI_DEFAULT, SSI_DEFAULT, VERIFY_DEFAULT);

  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

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
   * reads (may be null: the label is read); {@code showIf} may be null. {@code competitor} (choice and text items
   * only): the answer names a competing model the customer considered (the SSI voice-of-the-customer report counts
   * them).
   */
  public record Item(String id, Type type, String sectionId, boolean required, Text label, Text script,
                     String indicator, Topic topic, List<Option> options, Category category, int maxLength,
                     ShowIf showIf, boolean competitor) {
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
      if (competitor) {
        o.put("competitor", true);
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

  /** Only {@link QuestionnaireParser} (which checks everything) and {@link #withVersion} make one. */
  Questionnaire(String key, Kind kind, int version, Text title, List<Indicator> indicators,
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
        q = QuestionnaireParser.parse(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read survey/" + key + ".json", e);
      }
      builtIns.put(key, q);
    }
    return q;
  }

  /** Reads a definition from JSON text; invalid JSON is reported at the path "" (the document). */
  public static Questionnaire parse(String json) {
    return QuestionnaireParser.parse(json);
  }

  /** Reads and checks a definition; throws {@link QuestionnaireException} naming the first problem's place. */
  public static Questionnaire parse(JsonObject json) {
    return QuestionnaireParser.parse(json);
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
