package io.huifang.qa;

import io.huifang.qa.ScorecardScoring.Mark;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How far apart the members of a calibration scored, pure: per item the points each member gave (pass = the item's
 * points, fail = 0; N/A left out) with min, max and population standard deviation; the same for the total score; and
 * each member against the chosen expert (score difference, share of items marked alike).
 */
public final class CalibrationSpread {
  /** One member's submitted scores. */
  public record Member(long userId, String name, Map<String, Mark> marks, double score, boolean passed) {
  }

  private CalibrationSpread() {
  }

  public static JsonObject of(Scorecard card, List<Member> members, Long expertId) {
    JsonArray items = new JsonArray();
    for (Scorecard.Item item : card.items().values()) {
      List<Double> points = new ArrayList<>();
      int pass = 0;
      int fail = 0;
      int na = 0;
      for (Member m : members) {
        Mark mark = m.marks().get(item.id());
        if (mark == null) {
          continue;
        }
        switch (mark.result()) {
          case PASS -> {
            pass++;
            points.add((double) item.points());
          }
          case FAIL -> {
            fail++;
            points.add(0.0);
          }
          case NA -> na++;
        }
      }
      items.add(stats(points).put("itemId", item.id()).put("text", item.text().toJson()).put("points", item.points())
          .put("pass", pass).put("fail", fail).put("na", na));
    }
    JsonObject out = new JsonObject().put("items", items)
        .put("score", stats(members.stream().map(Member::score).toList()));
    Member expert = expertId == null ? null
        : members.stream().filter(m -> m.userId() == expertId).findFirst().orElse(null);
    JsonArray against = new JsonArray();
    if (expert != null) {
      for (Member m : members) {
        if (m == expert) {
          continue;
        }
        int compared = 0;
        int alike = 0;
        for (String id : card.items().keySet()) {
          Mark a = m.marks().get(id);
          Mark b = expert.marks().get(id);
          if (a != null && b != null) {
            compared++;
            if (a.result() == b.result()) {
              alike++;
            }
          }
        }
        List<String> differing = new ArrayList<>();
        for (String id : card.items().keySet()) {
          Mark a = m.marks().get(id);
          Mark b = expert.marks().get(id);
          if (a != null && b != null && a.result() != b.result()) {
            differing.add(id);
          }
        }
        against.add(new JsonObject().put("userId", m.userId()).put("name", m.name())
            .put("score", m.score()).put("expertScore", expert.score())
            .put("scoreDiff", ScorecardScoring.round1(m.score() - expert.score()))
            .put("samePass", m.passed() == expert.passed())
            .put("itemsCompared", compared).put("itemsAlike", alike)
            .put("agreement", compared == 0 ? null : round2((double) alike / compared))
            .put("differingItems", new JsonArray(differing)));
      }
    }
    return out.put("expertId", expert == null ? null : expert.userId()).put("againstExpert", against);
  }

  /** n, min, max and population standard deviation (null figures when there is nothing). */
  static JsonObject stats(List<Double> values) {
    JsonObject o = new JsonObject().put("n", values.size());
    if (values.isEmpty()) {
      return o.put("min", null).put("max", null).put("mean", null).put("stdev", null);
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    double mean = sum / values.size();
    double sq = 0;
    for (double v : values) {
      sq += (v - mean) * (v - mean);
    }
    return o.put("min", min).put("max", max).put("mean", round2(mean))
        .put("stdev", round2(Math.sqrt(sq / values.size())));
  }

  static double round2(double d) {
    return new java.math.BigDecimal(Double.toString(d)).setScale(2, java.math.RoundingMode.HALF_UP).doubleValue();
  }

}
