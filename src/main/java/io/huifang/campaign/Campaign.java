package io.huifang.campaign;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A calling campaign: which dealers' customers are called, with which questionnaire, when (calling hours, holidays,
 * the deadline rule), how often (maximum attempts, the day parts retries are spread over) and how (dial mode,
 * abandonment target, caller ID, recording policy).
 */
public record Campaign(long id, String name, Kind kind, String questionnaire, List<Long> dealerIds,
                       CallingRules rules, DeadlineBasis deadlineBasis, int deadlineHours, int maxAttempts,
                       DialMode dialMode, BigDecimal abandonTarget, String callerId, RecordingPolicy recordingPolicy,
                       boolean active, int wrapUpSeconds, boolean amd, boolean ringCut, int priority) {

  /** A campaign without ring cut (off by default), of the middle priority. */
  public Campaign(long id, String name, Kind kind, String questionnaire, List<Long> dealerIds, CallingRules rules,
                  DeadlineBasis deadlineBasis, int deadlineHours, int maxAttempts, DialMode dialMode,
                  BigDecimal abandonTarget, String callerId, RecordingPolicy recordingPolicy, boolean active,
                  int wrapUpSeconds, boolean amd) {
    this(id, name, kind, questionnaire, dealerIds, rules, deadlineBasis, deadlineHours, maxAttempts, dialMode,
        abandonTarget, callerId, recordingPolicy, active, wrapUpSeconds, amd, false, DEFAULT_PRIORITY);
  }

  /** CSI after-sales, SSI sales, or anything else. */
  public enum Kind {
    CSI, SSI, OTHER;

    /** The deadline rule of DOMAIN.md §4 for this kind, used when a new campaign does not give one. */
    DeadlineBasis defaultBasis() {
      return switch (this) {
        case CSI -> DeadlineBasis.SERVICE_DATE;
        case SSI -> DeadlineBasis.SALE_DATE;
        case OTHER -> DeadlineBasis.ORDER_DATE;
      };
    }

    int defaultHours() {
      return this == SSI ? 24 : 72;
    }
  }

  /** Which DMS date the calling deadline counts from. */
  public enum DeadlineBasis {
    SERVICE_DATE, SALE_DATE, ORDER_DATE
  }

  public enum DialMode {
    PREVIEW, PROGRESSIVE, PREDICTIVE
  }

  public enum RecordingPolicy {
    ALL, NONE, ON_DEMAND
  }

  public static final int DEFAULT_WRAP_UP_SECONDS = 15;
  /**
   * A campaign's priority among the campaigns sharing agents: 1 is the highest, 9 the lowest. An agent who comes
   * free takes the waiting customer of the highest-priority campaign they are skilled for, and the dialer plans the
   * campaigns of a PBX in this order. Equal by default.
   */
  public static final int DEFAULT_PRIORITY = 5;
  public static final String DEFAULT_ZONE = "Asia/Shanghai";
  public static final List<String> DEFAULT_DAY_PARTS = List.of("09:00-12:00", "12:00-14:00", "14:00-18:00",
      "18:00-20:00");
  public static final BigDecimal DEFAULT_ABANDON_TARGET = new BigDecimal("3.00");
  private static final String[] DAY_KEYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

  public static String id(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  public JsonObject toJson() {
    JsonObject hours = new JsonObject();
    for (DayOfWeek d : DayOfWeek.values()) {
      JsonArray a = new JsonArray();
      rules.hours().getOrDefault(d, List.of()).forEach(r -> a.add(r.toString()));
      hours.put(DAY_KEYS[d.getValue() - 1], a);
    }
    JsonArray parts = new JsonArray();
    rules.dayParts().forEach(p -> parts.add(p.toString()));
    JsonArray holidays = new JsonArray();
    new TreeSet<>(rules.holidays()).forEach(h -> holidays.add(h.toString()));
    return new JsonObject().put("id", id).put("name", name).put("kind", id(kind))
        .put("questionnaire", questionnaire).put("dealerIds", new JsonArray(new ArrayList<>(dealerIds)))
        .put("timeZone", rules.zone().getId()).put("callingHours", hours).put("holidays", holidays)
        .put("dayParts", parts)
        .put("deadline", new JsonObject().put("basis", id(deadlineBasis)).put("hours", deadlineHours))
        .put("maxAttempts", maxAttempts).put("dialMode", id(dialMode))
        .put("abandonTarget", abandonTarget.doubleValue()).put("callerId", callerId)
        .put("recordingPolicy", id(recordingPolicy)).put("active", active).put("wrapUpSeconds", wrapUpSeconds)
        .put("amd", amd).put("ringCut", ringCut).put("priority", priority);
  }

  /**
   * Whether the calling hours hold at {@code now}, and if not when they open next (within 30 days; none for a
   * campaign without hours): what the campaigns page shows as "outside calling hours, next dial at …".
   */
  public JsonObject callingJson(java.time.Instant now) {
    boolean open = rules.isCallable(now);
    JsonObject o = new JsonObject().put("now", open).put("timeZone", rules.zone().getId());
    if (!open) {
      rules.nextCallable(now, i -> true, now.plus(java.time.Duration.ofDays(30)))
          .ifPresent(at -> o.put("nextAt", at.toString()));
    }
    return o;
  }

  /** The calling-hours document as stored (same shape as the API's). */
  public JsonObject hoursJson() {
    return toJson().getJsonObject("callingHours");
  }

  /**
   * Reads a campaign from the API's JSON. Fields left out take the defaults of a new campaign, or those of
   * {@code base} when editing one. Throws {@link Invalid} naming the first bad field.
   */
  public static Campaign fromJson(JsonObject b, Campaign base) {
    String name = text(b, "name", base == null ? null : base.name());
    if (name == null || name.isBlank() || name.length() > 100) {
      throw new Invalid("name", "campaign name is required (at most 100 characters)", "请输入活动名称（最多 100 个字符）");
    }
    Kind kind = enumValue(b, "kind", Kind.class, base == null ? null : base.kind(),
        "kind must be csi, ssi or other", "活动类型必须是 CSI、SSI 或其他");
    if (kind == null) {
      throw new Invalid("kind", "kind is required: csi, ssi or other", "请选择活动类型：CSI、SSI 或其他");
    }
    String questionnaire = text(b, "questionnaire", base == null ? null : base.questionnaire());
    List<Long> dealers = base == null ? List.of() : base.dealerIds();
    if (b.containsKey("dealerIds")) {
      if (!(b.getValue("dealerIds") instanceof JsonArray arr)) {
        throw new Invalid("dealerIds", "dealerIds must be a list of dealer ids", "经销商必须是经销商编号列表");
      }
      Set<Long> ids = new LinkedHashSet<>();
      for (Object o : arr) {
        if (!(o instanceof Number n) || n.longValue() <= 0) {
          throw new Invalid("dealerIds", "dealerIds must be a list of dealer ids", "经销商必须是经销商编号列表");
        }
        ids.add(n.longValue());
      }
      dealers = List.copyOf(ids);
    }
    ZoneId zone;
    String zoneText = text(b, "timeZone", base == null ? DEFAULT_ZONE : base.rules().zone().getId());
    try {
      // Named zones only: PostgreSQL reads an offset such as "+08:00" or "GMT+8" the POSIX way, east and west
      // swapped, so the store's day boundaries would disagree with the scheduler's by twice the offset.
      if (!ZoneId.getAvailableZoneIds().contains(zoneText)) {
        throw new DateTimeException("not a named zone");
      }
      zone = ZoneId.of(zoneText);
    } catch (DateTimeException | NullPointerException e) {
      throw new Invalid("timeZone", "unknown time zone \"" + zoneText + "\" (e.g. Asia/Shanghai)",
          "未知时区“" + zoneText + "”（例如 Asia/Shanghai）");
    }
    Map<DayOfWeek, List<TimeRange>> hours = base == null ? defaultHours() : base.rules().hours();
    if (b.containsKey("callingHours")) {
      hours = parseHours(b.getValue("callingHours"));
    }
    if (hours.values().stream().allMatch(List::isEmpty)) {
      throw new Invalid("callingHours", "calling hours are empty: give at least one day a window",
          "呼叫时间为空：请至少为一天设置时段");
    }
    Set<LocalDate> holidays = base == null ? Set.of() : base.rules().holidays();
    if (b.containsKey("holidays")) {
      holidays = parseHolidays(b.getValue("holidays"));
    }
    List<TimeRange> parts = base == null ? ranges(DEFAULT_DAY_PARTS, "dayParts") : base.rules().dayParts();
    if (b.containsKey("dayParts")) {
      if (!(b.getValue("dayParts") instanceof JsonArray arr) || arr.size() > 8) {
        throw new Invalid("dayParts", "dayParts must be a list of at most 8 \"HH:mm-HH:mm\"",
            "时间段必须是最多 8 个“HH:mm-HH:mm”");
      }
      List<String> list = new ArrayList<>();
      arr.forEach(o -> list.add(o instanceof String s ? s : null));
      parts = ranges(list, "dayParts");
      for (int i = 1; i < parts.size(); i++) {
        if (parts.get(i).start().isBefore(parts.get(i - 1).end())) {
          throw new Invalid("dayParts", "day parts must be in order and must not overlap",
              "时间段必须按时间顺序且不能重叠");
        }
      }
    }
    DeadlineBasis basis = base == null ? kind.defaultBasis() : base.deadlineBasis();
    int deadlineHours = base == null ? kind.defaultHours() : base.deadlineHours();
    if (b.containsKey("deadline")) {
      if (!(b.getValue("deadline") instanceof JsonObject d)) {
        throw new Invalid("deadline", "deadline must be {basis, hours}", "截止规则必须包含依据日期和小时数");
      }
      basis = enumValue(d, "basis", DeadlineBasis.class, basis,
          "deadline basis must be service_date, sale_date or order_date", "截止依据必须是出厂日期、交车日期或开单日期");
      deadlineHours = integer(d, "hours", deadlineHours, 1, 2160, "deadline",
          "deadline hours must be 1–2160", "截止小时数必须为 1–2160");
    }
    int maxAttempts = integer(b, "maxAttempts", base == null ? 6 : base.maxAttempts(), 1, 50, "maxAttempts",
        "maximum attempts must be 1–50", "最多拨打次数必须为 1–50");
    DialMode mode = enumValue(b, "dialMode", DialMode.class, base == null ? DialMode.PREVIEW : base.dialMode(),
        "dial mode must be preview, progressive or predictive", "外呼模式必须是预览、渐进或预测");
    BigDecimal abandon = base == null ? DEFAULT_ABANDON_TARGET : base.abandonTarget();
    if (b.containsKey("abandonTarget")) {
      if (!(b.getValue("abandonTarget") instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 100) {
        throw new Invalid("abandonTarget", "abandonment target must be a percentage from 0 to 100",
            "放弃率目标必须是 0–100 的百分比");
      }
      abandon = new BigDecimal(n.toString()).setScale(2, java.math.RoundingMode.HALF_UP);
    }
    String callerId = text(b, "callerId", base == null ? null : base.callerId());
    if (callerId != null && !callerId.isBlank() && !callerId.matches("\\+?[0-9]{3,20}")) {
      throw new Invalid("callerId", "caller ID must be 3–20 digits, optionally with a leading +",
          "主叫号码必须是 3–20 位数字，可带前导 +");
    }
    RecordingPolicy rec = enumValue(b, "recordingPolicy", RecordingPolicy.class,
        base == null ? RecordingPolicy.ALL : base.recordingPolicy(),
        "recording policy must be all, on_demand or none", "录音策略必须是全部录音、按需录音或不录音");
    // After hang-up the agent has this long to finish the survey before going ready again.
    int wrapUp = integer(b, "wrapUpSeconds", base == null ? DEFAULT_WRAP_UP_SECONDS : base.wrapUpSeconds(), 0, 600,
        "wrapUpSeconds", "wrap-up time must be 0–600 seconds", "话后处理时间必须为 0–600 秒");
    boolean active = b.getValue("active") instanceof Boolean x ? x : base == null || base.active();
    if (b.containsKey("active") && !(b.getValue("active") instanceof Boolean)) {
      throw new Invalid("active", "active must be true or false", "启用状态必须是 true 或 false");
    }
    // answering-machine detection: machines hung up on, part of the abandon target kept for its mistakes
    boolean amd = b.getValue("amd") instanceof Boolean x ? x : base != null && base.amd();
    if (b.containsKey("amd") && !(b.getValue("amd") instanceof Boolean)) {
      throw new Invalid("amd", "amd must be true or false", "答录机检测必须是 true 或 false");
    }
    // ring cut: a predictive campaign may end a long-ringing line whose answer would likely find no agent
    boolean ringCut = b.getValue("ringCut") instanceof Boolean x ? x : base != null && base.ringCut();
    if (b.containsKey("ringCut") && !(b.getValue("ringCut") instanceof Boolean)) {
      throw new Invalid("ringCut", "ringCut must be true or false", "提前挂断振铃必须是 true 或 false");
    }
    // which waiting customer an agent shared by several campaigns takes first: 1 highest … 9 lowest
    int priority = integer(b, "priority", base == null ? DEFAULT_PRIORITY : base.priority(), 1, 9, "priority",
        "priority must be a whole number from 1 (highest) to 9 (lowest)", "优先级必须是 1（最高）到 9（最低）的整数");
    return new Campaign(base == null ? 0 : base.id(), name.trim(), kind, blankToNull(questionnaire), dealers,
        new CallingRules(zone, hours, holidays, parts), basis, deadlineHours, maxAttempts, mode, abandon,
        blankToNull(callerId), rec, active, wrapUp, amd, ringCut, priority);
  }

  /** Monday–Sunday 09:00–20:00: the hours most centres use. */
  static Map<DayOfWeek, List<TimeRange>> defaultHours() {
    Map<DayOfWeek, List<TimeRange>> m = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d : DayOfWeek.values()) {
      m.put(d, List.of(TimeRange.parse("09:00-20:00")));
    }
    return m;
  }

  public static Map<DayOfWeek, List<TimeRange>> parseHours(Object value) {
    if (!(value instanceof JsonObject o)) {
      throw new Invalid("callingHours", "callingHours must map mon…sun to lists of \"HH:mm-HH:mm\"",
          "呼叫时间必须为周一至周日各给出“HH:mm-HH:mm”时段列表");
    }
    Map<DayOfWeek, List<TimeRange>> m = new EnumMap<>(DayOfWeek.class);
    for (String key : o.fieldNames()) {
      int idx = List.of(DAY_KEYS).indexOf(key.toLowerCase(Locale.ROOT));
      if (idx < 0) {
        throw new Invalid("callingHours", "unknown day \"" + key + "\" (use mon, tue, wed, thu, fri, sat, sun)",
            "未知的星期“" + key + "”（请用 mon、tue、wed、thu、fri、sat、sun）");
      }
      if (!(o.getValue(key) instanceof JsonArray arr)) {
        throw new Invalid("callingHours", key + " must be a list of \"HH:mm-HH:mm\"",
            key + " 必须是“HH:mm-HH:mm”时段列表");
      }
      List<String> list = new ArrayList<>();
      arr.forEach(x -> list.add(x instanceof String s ? s : null));
      List<TimeRange> ranges = ranges(list, "callingHours");
      ranges.sort(java.util.Comparator.comparing(TimeRange::start));
      m.put(DayOfWeek.of(idx + 1), List.copyOf(ranges));
    }
    return m;
  }

  static Set<LocalDate> parseHolidays(Object value) {
    if (!(value instanceof JsonArray arr)) {
      throw new Invalid("holidays", "holidays must be a list of dates (YYYY-MM-DD)", "节假日必须是日期列表（YYYY-MM-DD）");
    }
    Set<LocalDate> out = new TreeSet<>();
    for (Object o : arr) {
      try {
        out.add(LocalDate.parse(String.valueOf(o).trim()));
      } catch (DateTimeParseException e) {
        throw new Invalid("holidays", "holiday \"" + o + "\" is not a date (YYYY-MM-DD)",
            "节假日“" + o + "”不是日期（YYYY-MM-DD）");
      }
    }
    return out;
  }

  private static List<TimeRange> ranges(List<String> list, String field) {
    List<TimeRange> out = new ArrayList<>();
    for (String s : list) {
      try {
        out.add(TimeRange.parse(s));
      } catch (IllegalArgumentException e) {
        throw new Invalid(field, field + ": " + e.getMessage(), field + "：时段格式应为“HH:mm-HH:mm”，收到“" + s + "”");
      }
    }
    return out;
  }

  private static String text(JsonObject o, String key, String dflt) {
    if (!o.containsKey(key)) {
      return dflt;
    }
    Object v = o.getValue(key);
    if (v != null && !(v instanceof String)) {
      throw new Invalid(key, key + " must be text", key + " 必须是文本");
    }
    return (String) v;
  }

  private static <E extends Enum<E>> E enumValue(JsonObject o, String key, Class<E> type, E dflt, String en,
                                                 String zh) {
    if (!o.containsKey(key)) {
      return dflt;
    }
    if (o.getValue(key) instanceof String s) {
      for (E e : type.getEnumConstants()) {
        if (id(e).equals(s.trim().toLowerCase(Locale.ROOT))) {
          return e;
        }
      }
    }
    throw new Invalid(key, en, zh);
  }

  private static int integer(JsonObject o, String key, int dflt, int min, int max, String field, String en,
                             String zh) {
    if (!o.containsKey(key)) {
      return dflt;
    }
    if (o.getValue(key) instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= min && n.longValue() <= max) {
      return n.intValue();
    }
    throw new Invalid(field, en, zh);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
