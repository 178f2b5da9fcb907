package io.huifang.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deduction of {@link DealerScoring} as one sentence built from its inputs, in Chinese or English, for the PDF.
 * The page says the same from web/assets/i18n/reports.js: the templates here are those strings under the same keys
 * with the same {placeholders} (DeductionTextTest compares the two), so the wording is written once and checked to
 * be the same in both.
 */
final class DeductionText {
  /** Key → {zh, en}; the keys and texts of web/assets/i18n/reports.js. */
  static final Map<String, String[]> TEMPLATES = new LinkedHashMap<>();

  static {
    put("rep.ded.success_rate", "样本成功率 {rate}%（成功 {successful}，错误样本 {errorSamples}），低于 {target}% 每 1% 扣 {per} 分",
        "Success rate {rate}% ({successful} successful, {errorSamples} error samples), {per} points per 1% below {target}%");
    put("rep.ded.too_few_samples", "名单已拨完，成功样本 {successful} 个，少于 {minimum} 个，每少 1 个扣 {per} 分",
        "List exhausted with {successful} successful samples, fewer than {minimum}: {per} points per sample short");
    put("rep.ded.data_audit", "DMS 抽查发现：{findings}；按最严重的一项扣分",
        "DMS spot check found: {findings}; the most serious one counts");
    put("rep.ded.finding", "{finding}（{points} 分）", "{finding} ({points} points)");
    put("rep.ded.join", "、", ", ");
    put("rep.audit.duplicate_phones", "客户电话重复", "duplicate customer phones");
    put("rep.audit.refusals", "拒访客户", "customers refusing calls");
    put("rep.audit.missing_numbers", "电话号码缺失", "missing phone numbers");
    put("rep.audit.work_orders_open", "工单未结算", "work orders left open");
    put("rep.audit.vehicles_not_matching", "车辆信息不符", "vehicles not matching");
    put("rep.ded.volume_check", "现场台次核查：{result}，扣 {points} 分", "On-site volume check: {result}, {points} points");
    put("rep.volume.not_matching", "台次与系统不符", "figures do not match the system");
    put("rep.volume.not_shown", "未能出示台次数据", "figures not shown");
    put("rep.ded.plan_late", "{count} 份改进计划逾期（{plans}），每份扣 {per} 分",
        "{count} improvement plans late ({plans}), {per} points each");
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

  private DeductionText() {
  }

  private static void put(String key, String zh, String en) {
    TEMPLATES.put(key, new String[] {zh, en});
  }

  /** The text of a key with its {placeholders} filled; a key without a template is shown as itself. */
  static String t(String key, boolean english, Map<String, ?> params) {
    String[] both = TEMPLATES.get(key);
    String text = both == null ? key : both[english ? 1 : 0];
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object v = params.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : String.valueOf(v)));
    }
    return m.appendTail(out).toString();
  }

  /** The sentence of one deduction ({"rule", "inputs", "points"} as in the API); an unknown rule lists its inputs. */
  static String sentence(JsonObject deduction, boolean english) {
    String rule = deduction.getString("rule", "");
    JsonObject in = deduction.getValue("inputs") instanceof JsonObject o ? o : new JsonObject();
    Map<String, Object> p = new LinkedHashMap<>();
    switch (rule) {
      case "success_rate" -> {
        p.put("rate", oneDecimal(in.getValue("successRatePercent")));
        p.put("successful", in.getValue("successful"));
        p.put("errorSamples", in.getValue("errorSamples"));
        p.put("target", plain(in.getValue("targetPercent")));
        p.put("per", plain(in.getValue("pointsPerPercent")));
      }
      case "too_few_samples" -> {
        p.put("successful", in.getValue("successful"));
        p.put("minimum", in.getValue("minimum"));
        p.put("per", plain(in.getValue("pointsPerSample")));
      }
      case "data_audit" -> {
        JsonObject points = in.getValue("points") instanceof JsonObject o ? o : new JsonObject();
        List<String> found = new ArrayList<>();
        for (Object f : in.getValue("findings") instanceof JsonArray a ? a : new JsonArray()) {
          String name = t("rep.audit." + f, english, Map.of());
          Object pts = points.getValue(String.valueOf(f));
          found.add(pts == null ? name : t("rep.ded.finding", english, Map.of("finding", name, "points", plain(pts))));
        }
        p.put("findings", String.join(t("rep.ded.join", english, Map.of()), found));
      }
      case "volume_check" -> {
        p.put("result", t("rep.volume." + in.getString("result", ""), english, Map.of()));
        p.put("points", plain(deduction.getValue("points")));
      }
      case "plan_late" -> {
        JsonArray plans = in.getValue("plans") instanceof JsonArray a ? a : new JsonArray();
        p.put("count", plans.size());
        p.put("plans", String.join(t("rep.ded.join", english, Map.of()), plans.stream().map(String::valueOf).toList()));
        p.put("per", plain(in.getValue("pointsEach")));
      }
      default -> {
        List<String> parts = new ArrayList<>();
        in.forEach(e -> parts.add(e.getKey() + ": " + e.getValue()));
        return String.join("; ", parts);
      }
    }
    return t("rep.ded." + rule, english, p);
  }

  /** 89.3617 → "89.4" (half up), as the page's toFixed(1) shows it. */
  private static String oneDecimal(Object v) {
    return v instanceof Number n ? new BigDecimal(n.toString()).setScale(1, RoundingMode.HALF_UP).toPlainString() : "—";
  }

  /** 5 → "5", 50.0 → "50", 2.5 → "2.5". */
  private static String plain(Object v) {
    return v instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros().toPlainString() : "—";
  }
}
