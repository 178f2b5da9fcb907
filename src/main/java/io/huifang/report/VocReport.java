package io.huifang.report;

import io.huifang.report.DealerScore.Shares;
import io.huifang.report.ReportStore.SampleRow;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.Questionnaire.Category;
import io.huifang.survey.Questionnaire.Indicator;
import io.huifang.survey.Questionnaire.Item;
import io.huifang.survey.Questionnaire.Type;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One dealer's voice-of-the-customer report (客户之声, docs/report-api.md {@code <Voc>}) as JSON, pure: from the
 * month's stored score, the questionnaire it was scored on (indicator and item names), the suggestions written for
 * its weak items, its tasks of the month and its customers' answers. The page and the PDF render this JSON.
 *
 * <ul>
 * <li>Weak items: the scored items whose mean is below {@value #WEAK_BELOW}, or the {@value #WEAK_LOWEST} lowest,
 * whichever are more; lowest first (ties in the questionnaire's order).</li>
 * <li>Execution rate (回访执行率): the dealer's tasks due in the month called at least once / those due.</li>
 * <li>Competitors: the answers to items marked {@code "competitor": true} (a choice by its option's Chinese label,
 * a text as written), counted, most first.</li>
 * <li>Verbatims: the answers to complaint and suggestion text items, grouped by indicator: a text item belongs to
 * its section, whose id names the level-1 indicator in the built-ins (the section's title names it otherwise);
 * blank answers and the agents' "none" (无 / 没有 / 无意见) are left out.</li>
 * <li>Competitors and verbatims come from the samples the score counts: successful, not void nor falsified.</li>
 * </ul>
 */
public final class VocReport {
  public static final double WEAK_BELOW = 8.0;
  public static final int WEAK_LOWEST = 5;
  private static final Set<String> NONE_SAID = Set.of("无", "没有", "无意见", "none", "no");

  private VocReport() {
  }

  /** A counted sample's answers and the day it was taken. */
  public record Answered(JsonObject answers, LocalDate date) {
  }

  /**
   * @param dealer      {id, code, name, region, group}
   * @param of          how many dealers were ranked
   * @param suggestions item id → {text, by}
   * @param trend12     the stored 12-month trend {months, scores}
   */
  public record Input(JsonObject dealer, String kind, YearMonth month, String state, DealerScore score, Integer rank,
                      int of, Integer regionRank, Questionnaire questionnaire, Map<String, JsonObject> suggestions,
                      int due, int called, List<Answered> answers, JsonObject trend12) {
  }

  /** The answers the score counted: successful samples, not void nor falsified. */
  public static List<Answered> answersOf(List<SampleRow> samples) {
    List<Answered> out = new ArrayList<>();
    for (SampleRow s : samples) {
      if ("success".equals(s.outcome()) && !s.voided() && !s.qaVoid() && !s.falsified()) {
        out.add(new Answered(s.answers(), s.submittedAt().atZoneSameInstant(MonthService.ZONE).toLocalDate()));
      }
    }
    return out;
  }

  public static JsonObject build(Input in) {
    DealerScore s = in.score();
    Questionnaire q = in.questionnaire();
    JsonArray deductions = new JsonArray();
    s.deductions().forEach(d -> deductions.add(ScoreJson.deduction(d)));
    JsonObject counts = ScoreJson.counts(s.counts());
    counts.remove("scored");
    JsonObject score = new JsonObject().put("raw", s.raw())
        .put("assessment", s.assessment() == null ? null : s.assessment().doubleValue())
        .put("successRate", s.successRate()).put("rank", in.rank()).put("of", in.of())
        .put("regionRank", in.regionRank()).put("deductions", deductions).put("counts", counts);
    return new JsonObject().put("dealer", in.dealer()).put("kind", in.kind()).put("month", in.month().toString())
        .put("state", in.state()).put("score", score).put("indicators", indicators(s, q))
        .put("weakItems", weakItems(s, q, in.suggestions())).put("execution", execution(in.due(), in.called()))
        .put("loyalty", loyalty(s.loyalty())).put("competitors", competitors(q, in.answers()))
        .put("verbatims", verbatims(q, in.answers())).put("trend", trend(in.trend12()));
  }

  static JsonArray indicators(DealerScore s, Questionnaire q) {
    JsonArray out = new JsonArray();
    s.indicators().values().forEach(i -> {
      Indicator ind = q.indicator(i.id());
      out.add(new JsonObject().put("id", i.id()).put("name", ind == null ? i.id() : ind.label().zh())
          .put("nameEn", ind == null ? null : ind.label().en()).put("level", i.level())
          .put("parent", ind == null ? null : ind.parent()).put("score", round2(i.score()))
          .put("samples", i.samples()));
    });
    return out;
  }

  /** The weak items' ids, lowest first: below {@link #WEAK_BELOW}, or the {@link #WEAK_LOWEST} lowest. */
  public static List<String> weakItemIds(DealerScore s) {
    List<DealerScore.ItemScore> items = new ArrayList<>(s.items().values());
    // stable: equal scores keep the questionnaire's order
    items.sort(Comparator.comparingDouble(DealerScore.ItemScore::score));
    long below = items.stream().filter(i -> i.score() < WEAK_BELOW).count();
    int n = (int) Math.min(items.size(), Math.max(below, WEAK_LOWEST));
    return items.subList(0, n).stream().map(DealerScore.ItemScore::id).toList();
  }

  static JsonArray weakItems(DealerScore s, Questionnaire q, Map<String, JsonObject> suggestions) {
    JsonArray out = new JsonArray();
    for (String id : weakItemIds(s)) {
      DealerScore.ItemScore i = s.items().get(id);
      Item item = q.item(id);
      Indicator ind = i.indicator() == null ? null : q.indicator(i.indicator());
      JsonObject sug = suggestions.get(id);
      out.add(new JsonObject().put("itemId", id).put("label", item == null ? id : item.label().zh())
          .put("labelEn", item == null ? null : item.label().en()).put("indicator", i.indicator())
          .put("indicatorName", ind == null ? null : ind.label().zh()).put("score", round2(i.score()))
          .put("samples", i.samples()).put("suggestion", sug == null ? null : sug.getString("text"))
          .put("suggestionBy", sug == null ? null : sug.getString("by")));
    }
    return out;
  }

  static JsonObject execution(int due, int called) {
    return new JsonObject().put("due", due).put("called", called)
        .put("rate", due == 0 ? null : round4((double) called / due));
  }

  static JsonObject loyalty(DealerScore.Loyalty l) {
    Shares all = l.all();
    return new JsonObject().put("recommend", ScoreJson.shares(l.recommend()))
        .put("comeBack", ScoreJson.shares(l.comeBack())).put("loyalShare", round4(all.loyal()))
        .put("detractorShare", round4(all.detractors())).put("leadingIndex", round4(all.leadingIndex()));
  }

  static JsonArray competitors(Questionnaire q, List<Answered> answers) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Item item : q.items()) {
      if (!item.competitor()) {
        continue;
      }
      for (Answered a : answers) {
        Object v = a.answers().getValue(item.id());
        String model = null;
        if (item.type() == Type.CHOICE && v instanceof String id) {
          Questionnaire.Option o = item.option(id);
          model = o == null ? id : o.label().zh();
        } else if (v instanceof String t && !said(t).isEmpty()) {
          model = said(t);
        }
        if (model != null) {
          counts.merge(model, 1, Integer::sum);
        }
      }
    }
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    JsonArray out = new JsonArray();
    sorted.forEach(e -> out.add(new JsonObject().put("model", e.getKey()).put("count", e.getValue())));
    return out;
  }

  /** The text as said, or "" for a blank answer or the agents' "none". */
  private static String said(String t) {
    String s = t.strip();
    return NONE_SAID.contains(s.toLowerCase(java.util.Locale.ROOT)) ? "" : s;
  }

  static JsonArray verbatims(Questionnaire q, List<Answered> answers) {
    JsonArray out = new JsonArray();
    for (Questionnaire.Section sec : q.sections()) {
      Indicator ind = q.indicator(sec.id());
      for (Item item : sec.items()) {
        if (item.type() != Type.TEXT || item.category() == null || item.competitor()) {
          continue;
        }
        for (Answered a : answers) {
          if (a.answers().getValue(item.id()) instanceof String t && !said(t).isEmpty()) {
            out.add(new JsonObject().put("indicator", sec.id())
                .put("indicatorName", ind != null ? ind.label().zh() : sec.title().zh())
                .put("kind", item.category() == Category.COMPLAINT ? "complaint" : "suggestion")
                .put("itemId", item.id()).put("text", said(t)).put("date", a.date().toString()));
          }
        }
      }
    }
    return out;
  }

  static JsonObject trend(JsonObject trend12) {
    if (trend12 == null) {
      return new JsonObject().put("months", new JsonArray()).put("assessment", new JsonArray());
    }
    return new JsonObject().put("months", trend12.getJsonArray("months"))
        .put("assessment", trend12.getJsonArray("scores"));
  }

  private static Double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static Double round4(Double v) {
    return v == null ? null : Math.round(v * 10_000) / 10_000.0;
  }
}
