package io.huifang.report;

import io.huifang.report.DealerScore.Counts;
import io.huifang.report.DealerScore.Deduction;
import io.huifang.report.DealerScore.IndicatorScore;
import io.huifang.report.DealerScore.ItemScore;
import io.huifang.report.DealerScore.Loyalty;
import io.huifang.report.DealerScore.Shares;
import io.huifang.survey.Questionnaire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link DealerScore} as the JSON stored with the month ({@code report_dealer_score.score}) and read back for the
 * voice-of-the-customer report: the stored score is what was published, never recomputed on reading.
 */
public final class ScoreJson {
  private ScoreJson() {
  }

  public static JsonObject toJson(DealerScore s) {
    Counts c = s.counts();
    JsonArray deductions = new JsonArray();
    s.deductions().forEach(d -> deductions.add(deduction(d)));
    JsonObject indicators = new JsonObject();
    s.indicators().values().forEach(i -> indicators.put(i.id(), new JsonObject().put("level", i.level())
        .put("score", i.score()).put("samples", i.samples())));
    JsonObject items = new JsonObject();
    s.items().values().forEach(i -> items.put(i.id(), new JsonObject().put("indicator", i.indicator())
        .put("score", i.score()).put("samples", i.samples())));
    return new JsonObject().put("dealerId", s.dealerId()).put("month", s.month().toString())
        .put("kind", s.kind().id()).put("counts", counts(c)).put("successRate", s.successRate()).put("raw", s.raw())
        .put("assessment", s.assessment() == null ? null : s.assessment().doubleValue())
        .put("deducted", s.deducted().doubleValue()).put("deductions", deductions).put("indicators", indicators)
        .put("items", items).put("loyalty", new JsonObject().put("recommend", shares(s.loyalty().recommend()))
            .put("comeBack", shares(s.loyalty().comeBack())).put("all", shares(s.loyalty().all())));
  }

  public static JsonObject counts(Counts c) {
    return new JsonObject().put("samples", c.samples()).put("successful", c.successful())
        .put("errorSamples", c.errorSamples()).put("voided", c.voided()).put("falsified", c.falsified())
        .put("appealedAway", c.appealedAway()).put("scored", c.scored());
  }

  public static JsonObject deduction(Deduction d) {
    return new JsonObject().put("rule", d.rule()).put("inputs", d.inputs()).put("points", d.points().doubleValue());
  }

  public static JsonObject shares(Shares s) {
    return new JsonObject().put("answered", s.answered()).put("surely", s.surely()).put("probably", s.probably())
        .put("unsure", s.unsure()).put("probablyNot", s.probablyNot()).put("surelyNot", s.surelyNot());
  }

  public static DealerScore fromJson(JsonObject o) {
    JsonObject c = o.getJsonObject("counts");
    Counts counts = new Counts(c.getInteger("samples"), c.getInteger("successful"), c.getInteger("errorSamples"),
        c.getInteger("voided"), c.getInteger("falsified"), c.getInteger("appealedAway"), c.getInteger("scored"));
    List<Deduction> deductions = new ArrayList<>();
    o.getJsonArray("deductions").forEach(x -> {
      JsonObject d = (JsonObject) x;
      deductions.add(new Deduction(d.getString("rule"), d.getJsonObject("inputs"), money(d.getDouble("points"))));
    });
    Map<String, IndicatorScore> indicators = new LinkedHashMap<>();
    o.getJsonObject("indicators").forEach(e -> {
      JsonObject i = (JsonObject) e.getValue();
      indicators.put(e.getKey(), new IndicatorScore(e.getKey(), i.getInteger("level"), i.getDouble("score"),
          i.getInteger("samples")));
    });
    Map<String, ItemScore> items = new LinkedHashMap<>();
    o.getJsonObject("items").forEach(e -> {
      JsonObject i = (JsonObject) e.getValue();
      items.put(e.getKey(), new ItemScore(e.getKey(), i.getString("indicator"), i.getDouble("score"),
          i.getInteger("samples")));
    });
    JsonObject l = o.getJsonObject("loyalty");
    Double assessment = o.getDouble("assessment");
    return new DealerScore(o.getLong("dealerId"), YearMonth.parse(o.getString("month")),
        Questionnaire.Kind.valueOf(o.getString("kind").toUpperCase(java.util.Locale.ROOT)), counts,
        o.getDouble("successRate"), o.getDouble("raw"), assessment == null ? null : money(assessment),
        money(o.getDouble("deducted")), Collections.unmodifiableList(deductions),
        Collections.unmodifiableMap(indicators), Collections.unmodifiableMap(items),
        new Loyalty(sharesOf(l.getJsonObject("recommend")), sharesOf(l.getJsonObject("comeBack")),
            sharesOf(l.getJsonObject("all"))));
  }

  private static Shares sharesOf(JsonObject s) {
    return new Shares(s.getInteger("answered"), s.getInteger("surely"), s.getInteger("probably"),
        s.getInteger("unsure"), s.getInteger("probablyNot"), s.getInteger("surelyNot"));
  }

  private static BigDecimal money(double v) {
    return BigDecimal.valueOf(v).setScale(2, java.math.RoundingMode.HALF_UP);
  }
}
