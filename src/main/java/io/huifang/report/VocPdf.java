package io.huifang.report;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PDFontSupplier;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import com.openhtmltopdf.util.XRLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The dealer's voice-of-the-customer report (docs/report-api.md, {@code <Voc>}) as a PDF, in Chinese or English:
 * the header with scores, rank and deductions (each as a sentence of its inputs, {@link DeductionText}), the level-3 indicator bars, the weak items with
 * their suggested improvements, the execution rate, the loyalty pies and the leading index, the competitors (SSI),
 * the verbatims grouped by indicator and the trend.
 *
 * <p>Built as XHTML and rendered by openhtmltopdf. The charts are inline SVG (drawn by its batik plugin) holding
 * shapes only: every word stays in the HTML around them, set in Noto Sans SC, because batik would draw SVG text with
 * the machine's AWT fonts, which on a server often have no Chinese. The font is embedded as a subset (the glyphs
 * used), from the two weights the shaded jar keeps (see {@link ReportFont}). Blocking: call it on a worker.
 */
public final class VocPdf {
  private static final String FAMILY = "Noto Sans SC";

  /**
   * Parsed fonts ready for a render, one pair per render at a time (a parsed TrueType font reads its glyphs from one
   * stream, so it is not shared between threads); at most one pair per core is kept. Parsing the 10 MB files for
   * every render cost most of its time.
   */
  private static final BlockingQueue<TrueTypeFont[]> FONTS = new ArrayBlockingQueue<>(
      Math.max(1, Runtime.getRuntime().availableProcessors()));

  static {
    // openhtmltopdf logs several lines per render at INFO; only its warnings are worth a line.
    XRLog.listRegisteredLoggers().forEach(name -> XRLog.setLevel(name, java.util.logging.Level.WARNING));
  }

  /** Whether a render has run in this process (the first loads the PDF, SVG and font classes: seconds, not ms). */
  private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

  private VocPdf() {
  }

  /**
   * Renders a small report once per process, on the caller's (worker) thread, so that the first PDF a user asks for
   * takes the warm time, not the seconds of loading classes and parsing the fonts. Called when somebody opens a
   * dealer's report, the page the PDF is downloaded from; not at start, which would cost every start (tests too).
   */
  public static void warmUp() {
    if (WARM.compareAndSet(false, true)) {
      render(new JsonObject().put("dealer", new JsonObject().put("name", "预热").put("code", "-"))
          .put("kind", "csi").put("month", "2000-01"), false);
    }
  }

  /** The PDF's bytes. {@code english} false: Chinese (the default). */
  public static byte[] render(JsonObject voc, boolean english) {
    WARM.set(true);
    return pdf(html(voc, english));
  }

  /** The XHTML the PDF is rendered from (tests and the benchmark look at it too). */
  static String html(JsonObject voc, boolean english) {
    return new Page(voc, english ? Words.EN : Words.ZH).build();
  }

  static byte[] pdf(String xhtml) {
    TrueTypeFont[] fonts = FONTS.poll();
    try {
      if (fonts == null) {
        fonts = new TrueTypeFont[] {parse(ReportFont.REGULAR), parse(ReportFont.BOLD)};
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
      try (PDDocument doc = new PDDocument()) {
        PdfRendererBuilder b = new PdfRendererBuilder();
        b.useFastMode();
        b.usePDDocument(doc);
        // Loaded for this document from the parsed fonts; only the glyphs used are embedded when it is saved.
        b.useFont(new PDFontSupplier(PDType0Font.load(doc, fonts[0], true)), FAMILY, 400, FontStyle.NORMAL, true);
        b.useFont(new PDFontSupplier(PDType0Font.load(doc, fonts[1], true)), FAMILY, 700, FontStyle.NORMAL, true);
        b.useSVGDrawer(new BatikSVGDrawer());
        b.withHtmlContent(xhtml, null);
        b.toStream(out);
        b.run();
      }
      if (!FONTS.offer(fonts)) {
        closeQuietly(fonts);
      }
      fonts = null;
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (fonts != null) {
        closeQuietly(fonts); // a render that failed may have left them mid-read
      }
    }
  }

  private static TrueTypeFont parse(byte[] ttf) throws IOException {
    return new TTFParser().parse(new RandomAccessReadBuffer(ttf));
  }

  private static void closeQuietly(TrueTypeFont[] fonts) {
    for (TrueTypeFont f : fonts) {
      try {
        f.close();
      } catch (IOException ignored) {
        // only memory is held
      }
    }
  }

  /** The report's words in one language. */
  enum Words {
    ZH, EN;

    String w(String zh, String en) {
      return this == ZH ? zh : en;
    }
  }

  /** One render: the document built section by section. */
  private static final class Page {
    private final JsonObject voc;
    private final Words l;
    private final StringBuilder h = new StringBuilder(32 * 1024);
    private final Map<String, String> indicatorNames = new LinkedHashMap<>();

    Page(JsonObject voc, Words l) {
      this.voc = voc;
      this.l = l;
      for (Object o : array(voc, "indicators")) {
        if (o instanceof JsonObject i && i.getString("id") != null) {
          indicatorNames.put(i.getString("id"), i.getString("name", i.getString("id")));
        }
      }
    }

    String build() {
      h.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"")
          .append(l == Words.ZH ? "zh-CN" : "en").append("\"><head><meta charset=\"UTF-8\"/><title>")
          .append(esc(title())).append("</title><style>").append(CSS).append("</style></head><body>");
      header();
      scores();
      indicators();
      weakItems();
      executionAndLoyalty();
      competitors();
      verbatims();
      trend();
      h.append("</body></html>");
      return h.toString();
    }

    private String title() {
      JsonObject d = obj(voc, "dealer");
      return l.w("客户之声报告", "Voice of the customer") + " · " + d.getString("name", "") + " · "
          + voc.getString("month", "");
    }

    private void header() {
      JsonObject d = obj(voc, "dealer");
      h.append("<div class=\"head\"><div class=\"brand\">").append(l.w("客户满意度回访 · 客户之声报告",
          "Satisfaction callbacks · Voice of the customer")).append("</div><h1>").append(esc(d.getString("name", "")))
          .append(" <span class=\"code\">").append(esc(d.getString("code", ""))).append("</span></h1><div class=\"meta\">");
      meta(l.w("月份", "Month"), voc.getString("month", ""));
      meta(l.w("类型", "Kind"), kind());
      meta(l.w("状态", "State"), state(voc.getString("state", "")));
      meta(l.w("区域", "Region"), d.getString("region"));
      meta(l.w("集团", "Group"), d.getString("group"));
      h.append("</div></div>");
    }

    private String kind() {
      String k = voc.getString("kind", "");
      return switch (k) {
        case "csi" -> l.w("CSI 售后满意度", "CSI (after-sales)");
        case "ssi" -> l.w("SSI 销售满意度", "SSI (sales)");
        default -> k;
      };
    }

    private String state(String s) {
      return switch (s) {
        case "draft" -> l.w("编制（草稿）", "draft");
        case "reviewed" -> l.w("已审核", "reviewed");
        case "approved" -> l.w("已批准", "approved");
        default -> s;
      };
    }

    private void meta(String label, String value) {
      if (value == null || value.isEmpty()) {
        return;
      }
      h.append("<span class=\"m\"><span class=\"ml\">").append(esc(label)).append("</span> ").append(esc(value))
          .append("</span>");
    }

    private void scores() {
      JsonObject s = obj(voc, "score");
      h.append("<table class=\"kpi\"><tr>");
      kpi(l.w("原始得分（10 分制）", "Raw score (of 10)"), num(s.getValue("raw"), 2));
      kpi(l.w("考核得分（1000 分制）", "Assessment (of 1000)"), num(s.getValue("assessment"), 2));
      kpi(l.w("样本成功率", "Sample success rate"), pct(s.getValue("successRate")));
      String rank = s.getValue("rank") == null ? "—" : s.getValue("rank") + (s.getValue("of") == null ? ""
          : " / " + s.getValue("of"));
      kpi(l.w("排名", "Rank"), rank);
      kpi(l.w("区域排名", "Region rank"), s.getValue("regionRank") == null ? "—" : String.valueOf(s.getValue("regionRank")));
      h.append("</tr></table>");
      JsonObject c = obj(s, "counts");
      if (!c.isEmpty()) {
        h.append("<p class=\"counts\">").append(esc(l.w(
            "样本 " + c.getValue("samples", 0) + "，成功 " + c.getValue("successful", 0) + "，错误样本 "
                + c.getValue("errorSamples", 0) + "；剔除：作废 " + c.getValue("voided", 0) + "，造假 "
                + c.getValue("falsified", 0) + "，申诉成功 " + c.getValue("appealedAway", 0),
            c.getValue("samples", 0) + " samples, " + c.getValue("successful", 0) + " successful, "
                + c.getValue("errorSamples", 0) + " error samples; left out: " + c.getValue("voided", 0) + " void, "
                + c.getValue("falsified", 0) + " falsified, " + c.getValue("appealedAway", 0) + " appealed away")))
            .append("</p>");
      }
      h.append("<h2>").append(l.w("特殊扣分", "Deductions")).append("</h2>");
      JsonArray ds = array(s, "deductions");
      if (ds.isEmpty()) {
        h.append("<p class=\"none\">").append(l.w("无扣分", "No deduction")).append("</p>");
        return;
      }
      h.append("<table class=\"grid\"><tr><th>").append(l.w("规则", "Rule")).append("</th><th>")
          .append(l.w("说明", "Details")).append("</th><th class=\"n\">").append(l.w("扣分", "Points")).append("</th></tr>");
      for (Object o : ds) {
        if (!(o instanceof JsonObject d)) {
          continue;
        }
        h.append("<tr><td>").append(esc(rule(d.getString("rule", "")))).append("</td><td>")
            .append(esc(DeductionText.sentence(d, l == Words.EN))).append("</td><td class=\"n\">").append(num(d.getValue("points"), 2))
            .append("</td></tr>");
      }
      h.append("</table>");
    }

    private void kpi(String label, String value) {
      h.append("<td><div class=\"kl\">").append(esc(label)).append("</div><div class=\"kv\">").append(esc(value))
          .append("</div></td>");
    }

    private String rule(String r) {
      return switch (r) {
        case "success_rate" -> l.w("样本成功率低于 90%", "Success rate below 90 %");
        case "too_few_samples" -> l.w("成功样本不足 10 个（名单已拨完）", "Fewer than 10 samples (list exhausted)");
        case "data_audit" -> l.w("DMS 数据抽查", "DMS data spot check");
        case "volume_check" -> l.w("现场台次核查", "On-site volume check");
        case "plan_late" -> l.w("改进计划逾期", "Improvement plan late");
        default -> r;
      };
    }

    private void indicators() {
      List<JsonObject> rows = new ArrayList<>();
      int deepest = 0;
      for (Object o : array(voc, "indicators")) {
        if (o instanceof JsonObject i) {
          deepest = Math.max(deepest, i.getInteger("level", 0));
        }
      }
      // The third level is what the report charts; a questionnaire with fewer levels shows its deepest one.
      int level = Math.min(3, deepest);
      for (Object o : array(voc, "indicators")) {
        if (o instanceof JsonObject i && i.getInteger("level", 0) == level && i.getValue("score") instanceof Number) {
          rows.add(i);
        }
      }
      h.append("<h2>").append(l.w("三级指标得分", "Level-3 indicator scores")).append("</h2>");
      if (rows.isEmpty()) {
        h.append("<p class=\"none\">").append(l.w("本月无指标得分", "No indicator scored this month")).append("</p>");
        return;
      }
      h.append("<table class=\"bars\">");
      for (JsonObject i : rows) {
        double score = ((Number) i.getValue("score")).doubleValue();
        h.append("<tr><td class=\"bl\">").append(esc(i.getString("name", i.getString("id", "")))).append("</td><td class=\"bc\">");
        bar(score / 10.0, score < 8.0 ? "#d9822b" : "#2f6fb2", 0.8);
        h.append("</td><td class=\"n\">").append(num(score, 2)).append("</td><td class=\"n dim\">n=")
            .append(i.getValue("samples", "")).append("</td></tr>");
      }
      h.append("</table><p class=\"note\">").append(l.w("竖线：8.0 分（低于此分的指标以橙色标出）",
          "Line: 8.0 (indicators below it in orange)")).append("</p>");
    }

    /** A horizontal bar 0–1 of a fixed width, with an optional reference line (also 0–1). */
    private void bar(double share, String color, Double mark) {
      double w = 300 * clamp(share);
      h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"12\" viewBox=\"0 0 300 12\">")
          .append("<rect x=\"0\" y=\"0\" width=\"300\" height=\"12\" fill=\"#edf1f5\"/>")
          .append("<rect x=\"0\" y=\"0\" width=\"").append(fmt(w)).append("\" height=\"12\" fill=\"").append(color)
          .append("\"/>");
      if (mark != null) {
        double x = 300 * clamp(mark);
        h.append("<line x1=\"").append(fmt(x)).append("\" y1=\"0\" x2=\"").append(fmt(x))
            .append("\" y2=\"12\" stroke=\"#333\" stroke-width=\"1\"/>");
      }
      h.append("</svg>");
    }

    private void weakItems() {
      h.append("<h2>").append(l.w("薄弱项与改进建议", "Weak items and suggested improvements")).append("</h2>");
      JsonArray items = array(voc, "weakItems");
      if (items.isEmpty()) {
        h.append("<p class=\"none\">").append(l.w("无薄弱项", "No weak item")).append("</p>");
        return;
      }
      h.append("<table class=\"grid\"><tr><th>").append(l.w("题目", "Item")).append("</th><th>")
          .append(l.w("所属指标", "Indicator")).append("</th><th class=\"n\">").append(l.w("得分", "Score"))
          .append("</th><th>").append(l.w("改进建议", "Suggested improvement")).append("</th></tr>");
      for (Object o : items) {
        if (!(o instanceof JsonObject w)) {
          continue;
        }
        String ind = w.getString("indicator", "");
        h.append("<tr><td>").append(esc(w.getString("label", w.getString("itemId", "")))).append("</td><td>")
            .append(esc(indicatorNames.getOrDefault(ind, ind))).append("</td><td class=\"n\">")
            .append(num(w.getValue("score"), 2)).append("</td><td>");
        String s = w.getString("suggestion");
        if (s == null || s.isBlank()) {
          h.append("<span class=\"dim\">").append(l.w("（尚未填写）", "(none yet)")).append("</span>");
        } else {
          h.append(esc(s));
          if (w.getString("suggestionBy") != null) {
            h.append(" <span class=\"dim\">— ").append(esc(w.getString("suggestionBy"))).append("</span>");
          }
        }
        h.append("</td></tr>");
      }
      h.append("</table>");
    }

    private void executionAndLoyalty() {
      JsonObject e = obj(voc, "execution");
      h.append("<h2>").append(l.w("回访执行率", "Callback execution rate")).append("</h2>");
      if (e.getValue("rate") instanceof Number rate) {
        h.append("<table class=\"bars\"><tr><td class=\"bl\">").append(esc(l.w(
            "已回访 " + e.getValue("called", 0) + " / 应回访 " + e.getValue("due", 0),
            e.getValue("called", 0) + " called of " + e.getValue("due", 0) + " due"))).append("</td><td class=\"bc\">");
        bar(rate.doubleValue(), rate.doubleValue() < 0.95 ? "#d9822b" : "#3c9a5f", 0.95);
        h.append("</td><td class=\"n\">").append(pct(rate)).append("</td><td></td></tr></table><p class=\"note\">")
            .append(l.w("竖线：目标 95%", "Line: the 95 % target")).append("</p>");
      } else {
        h.append("<p class=\"none\">").append(l.w("本月无应回访名单", "No callback due this month")).append("</p>");
      }

      JsonObject loy = obj(voc, "loyalty");
      h.append("<h2>").append(l.w("忠诚度", "Loyalty")).append("</h2><table class=\"pies\"><tr>");
      pie(l.w("是否愿意推荐本店", "Would recommend the dealer"), obj(loy, "recommend"));
      pie(l.w("是否会再次光顾", "Would come back"), obj(loy, "comeBack"));
      h.append("</tr></table><table class=\"kpi\"><tr>");
      kpi(l.w("忠诚客户占比", "Loyal share"), pct(loy.getValue("loyalShare")));
      kpi(l.w("流失风险占比", "Detractor share"), pct(loy.getValue("detractorShare")));
      kpi(l.w("领先指数", "Leading index"), signedPct(loy.getValue("leadingIndex")));
      h.append("</tr></table><p class=\"note\">").append(l.w(
          "领先指数 = 忠诚客户（肯定会）占比 − 流失风险（肯定不会）占比",
          "Leading index = the share of loyal customers (surely) − the share of detractors (surely not)"))
          .append("</p>");
    }

    private static final String[] SLICES = {"surely", "probably", "unsure", "probablyNot", "surelyNot"};
    private static final String[] COLORS = {"#2f6fb2", "#7fb0de", "#c9ced6", "#f0b27a", "#c0392b"};

    private void pie(String title, JsonObject answers) {
      String[] names = {l.w("肯定会", "Surely"), l.w("可能会", "Probably"), l.w("不确定", "Unsure"),
          l.w("可能不会", "Probably not"), l.w("肯定不会", "Surely not")};
      int total = 0;
      int[] n = new int[SLICES.length];
      for (int i = 0; i < SLICES.length; i++) {
        n[i] = answers.getValue(SLICES[i]) instanceof Number x ? x.intValue() : 0;
        total += n[i];
      }
      h.append("<td><div class=\"pt\">").append(esc(title)).append("</div>");
      h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"110\" height=\"110\" viewBox=\"-1 -1 2 2\">");
      if (total == 0) {
        h.append("<circle cx=\"0\" cy=\"0\" r=\"0.98\" fill=\"#edf1f5\"/>");
      } else {
        double start = 0;
        for (int i = 0; i < n.length; i++) {
          if (n[i] == 0) {
            continue;
          }
          double share = (double) n[i] / total;
          if (share >= 0.9999) {
            h.append("<circle cx=\"0\" cy=\"0\" r=\"0.98\" fill=\"").append(COLORS[i]).append("\"/>");
            break;
          }
          double a0 = 2 * Math.PI * start - Math.PI / 2;
          double a1 = 2 * Math.PI * (start + share) - Math.PI / 2;
          h.append("<path d=\"M0 0 L").append(fmt4(0.98 * Math.cos(a0))).append(' ').append(fmt4(0.98 * Math.sin(a0)))
              .append(" A0.98 0.98 0 ").append(share > 0.5 ? 1 : 0).append(" 1 ").append(fmt4(0.98 * Math.cos(a1)))
              .append(' ').append(fmt4(0.98 * Math.sin(a1))).append(" Z\" fill=\"").append(COLORS[i])
              .append("\" stroke=\"#fff\" stroke-width=\"0.01\"/>");
          start += share;
        }
      }
      h.append("</svg></td><td class=\"legend\">");
      for (int i = 0; i < n.length; i++) {
        h.append("<div><span class=\"sw\" style=\"background-color:").append(COLORS[i]).append("\"></span> ")
            .append(esc(names[i])).append(" ").append(n[i]).append(total == 0 ? "" : " (" + pct((double) n[i] / total) + ")")
            .append("</div>");
      }
      h.append("<div class=\"dim\">").append(l.w("作答 ", "answered ")).append(answers.getValue("answered", total))
          .append("</div></td>");
    }

    private void competitors() {
      JsonArray cs = array(voc, "competitors");
      if (!"ssi".equals(voc.getString("kind")) && cs.isEmpty()) {
        return;
      }
      h.append("<h2>").append(l.w("客户考虑过的竞品车型", "Competitor models customers considered")).append("</h2>");
      if (cs.isEmpty()) {
        h.append("<p class=\"none\">").append(l.w("无", "None named")).append("</p>");
        return;
      }
      int max = 1;
      for (Object o : cs) {
        if (o instanceof JsonObject c) {
          max = Math.max(max, c.getInteger("count", 0));
        }
      }
      h.append("<table class=\"bars\">");
      for (Object o : cs) {
        if (o instanceof JsonObject c) {
          h.append("<tr><td class=\"bl\">").append(esc(c.getString("model", ""))).append("</td><td class=\"bc\">");
          bar((double) c.getInteger("count", 0) / max, "#6b7fa8", null);
          h.append("</td><td class=\"n\">").append(c.getInteger("count", 0)).append("</td><td></td></tr>");
        }
      }
      h.append("</table>");
    }

    private void verbatims() {
      h.append("<h2>").append(l.w("客户原话（按指标）", "Verbatims by indicator")).append("</h2>");
      Map<String, List<JsonObject>> groups = new LinkedHashMap<>();
      Map<String, String> names = new LinkedHashMap<>();
      for (Object o : array(voc, "verbatims")) {
        if (o instanceof JsonObject v) {
          String key = v.getString("indicator", "");
          groups.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
          names.putIfAbsent(key, v.getString("indicatorName", indicatorNames.getOrDefault(key, key)));
        }
      }
      if (groups.isEmpty()) {
        h.append("<p class=\"none\">").append(l.w("本月无投诉或建议", "No complaint or suggestion this month"))
            .append("</p>");
        return;
      }
      for (var g : groups.entrySet()) {
        String name = names.get(g.getKey());
        h.append("<h3>").append(esc(name == null || name.isEmpty() ? l.w("其他", "Other") : name)).append("</h3><ul>");
        for (JsonObject v : g.getValue()) {
          boolean complaint = "complaint".equals(v.getString("kind"));
          h.append("<li><span class=\"tag ").append(complaint ? "c" : "s").append("\">")
              .append(complaint ? l.w("投诉", "Complaint") : l.w("建议", "Suggestion")).append("</span> ")
              .append(esc(v.getString("text", ""))).append(" <span class=\"dim\">").append(esc(v.getString("date", "")))
              .append("</span></li>");
        }
        h.append("</ul>");
      }
    }

    private void trend() {
      JsonObject t = obj(voc, "trend");
      JsonArray months = array(t, "months");
      JsonArray values = array(t, "assessment");
      h.append("<h2>").append(l.w("考核得分趋势", "Assessment score trend")).append("</h2>");
      List<double[]> pts = new ArrayList<>();
      for (int i = 0; i < months.size() && i < values.size(); i++) {
        if (values.getValue(i) instanceof Number v) {
          pts.add(new double[] {i, v.doubleValue()});
        }
      }
      if (pts.isEmpty()) {
        h.append("<p class=\"none\">").append(l.w("尚无历史得分", "No score yet")).append("</p>");
        return;
      }
      double lo = pts.stream().mapToDouble(p -> p[1]).min().orElse(0);
      double hi = pts.stream().mapToDouble(p -> p[1]).max().orElse(1000);
      if (hi - lo < 20) {
        lo -= 10;
        hi += 10;
      }
      double w = 480;
      double ht = 90;
      int n = Math.max(1, months.size() - 1);
      h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"500\" height=\"100\" viewBox=\"-10 -5 500 100\">")
          .append("<line x1=\"0\" y1=\"").append(fmt(ht)).append("\" x2=\"").append(fmt(w)).append("\" y2=\"")
          .append(fmt(ht)).append("\" stroke=\"#c9ced6\" stroke-width=\"1\"/>");
      // One line per run of months with a score: a month without one leaves a gap, not a made-up slope.
      StringBuilder dots = new StringBuilder();
      double prev = -2;
      for (double[] p : pts) {
        double x = months.size() == 1 ? w / 2 : w * p[0] / n;
        double y = ht - ht * (p[1] - lo) / (hi - lo);
        h.append(p[0] == prev + 1 ? " " : (prev < -1 ? "" : "\"/>")
            + "<polyline fill=\"none\" stroke=\"#2f6fb2\" stroke-width=\"2\" points=\"")
            .append(fmt(x)).append(',').append(fmt(y));
        prev = p[0];
        dots.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
            .append("\" r=\"3\" fill=\"#2f6fb2\"/>");
      }
      h.append("\"/>").append(dots).append("</svg><table class=\"grid trend\"><tr><th>").append(l.w("月份", "Month"))
          .append("</th>");
      for (Object m : months) {
        h.append("<th class=\"n\">").append(esc(String.valueOf(m))).append("</th>");
      }
      h.append("</tr><tr><td>").append(l.w("考核得分", "Assessment")).append("</td>");
      for (int i = 0; i < months.size(); i++) {
        h.append("<td class=\"n\">").append(i < values.size() ? num(values.getValue(i), 1) : "—").append("</td>");
      }
      h.append("</tr></table>");
    }
  }

  private static final String CSS = """
      @page { size: A4; margin: 14mm 14mm 16mm 14mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-family: 'Noto Sans SC'; font-size: 8pt;
          color: #888; } }
      body { font-family: 'Noto Sans SC'; font-size: 9.5pt; color: #1d2430; }
      .head { border-bottom: 2px solid #2f6fb2; padding-bottom: 6px; margin-bottom: 8px; }
      .brand { color: #2f6fb2; font-size: 8.5pt; }
      h1 { font-size: 17pt; margin: 2px 0 4px 0; font-weight: 700; }
      h1 .code { font-size: 10pt; color: #667; font-weight: 400; }
      h2 { font-size: 11.5pt; font-weight: 700; margin: 12px 0 4px 0; color: #1d3d66;
        border-left: 3px solid #2f6fb2; padding-left: 5px; page-break-after: avoid; }
      h3 { font-size: 9.5pt; font-weight: 700; margin: 6px 0 2px 0; page-break-after: avoid; }
      .meta .m { margin-right: 14px; }
      .ml { color: #667; }
      table { border-collapse: collapse; }
      table.kpi { width: 100%; margin: 4px 0; }
      table.kpi td { border: 1px solid #d5dbe3; padding: 4px 6px; width: 20%; }
      .kl { color: #667; font-size: 8pt; }
      .kv { font-size: 13pt; font-weight: 700; }
      table.grid { width: 100%; }
      table.grid th { background-color: #eef2f7; text-align: left; font-weight: 700; }
      table.grid th, table.grid td { border: 1px solid #d5dbe3; padding: 2px 5px; vertical-align: top; }
      tr { page-break-inside: avoid; }
      table.bars td { padding: 1px 4px; vertical-align: middle; }
      td.bl { width: 180px; }
      td.bc { width: 306px; }
      .n { text-align: right; white-space: nowrap; }
      .dim { color: #7a8290; }
      .none, .note { color: #7a8290; font-size: 8.5pt; margin: 2px 0; }
      .counts { color: #4a5260; font-size: 8.5pt; margin: 2px 0; }
      table.pies td { vertical-align: top; padding-right: 10px; }
      .pt { font-weight: 700; margin-bottom: 3px; }
      .legend div { font-size: 8.5pt; }
      .sw { display: inline-block; width: 8px; height: 8px; }
      ul { margin: 0 0 4px 0; padding-left: 14px; }
      li { margin: 1px 0; page-break-inside: avoid; }
      .tag { font-size: 7.5pt; padding: 0 3px; color: #fff; }
      .tag.c { background-color: #c0392b; }
      .tag.s { background-color: #2f6fb2; }
      table.trend { margin-top: 4px; }
      table.trend td, table.trend th { font-size: 8pt; }
      """;

  private static JsonObject obj(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonObject x ? x : new JsonObject();
  }

  private static JsonArray array(JsonObject o, String key) {
    return o != null && o.getValue(key) instanceof JsonArray x ? x : new JsonArray();
  }

  private static double clamp(double v) {
    return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
  }

  private static String num(Object v, int decimals) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%." + decimals + "f", n.doubleValue()) : "—";
  }

  private static String pct(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.1f%%", 100 * n.doubleValue()) : "—";
  }

  private static String signedPct(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%+.1f%%", 100 * n.doubleValue()) : "—";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String fmt4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** XML text escaping; characters XML 1.0 cannot carry (controls) are dropped. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
