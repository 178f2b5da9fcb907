package io.huifang.report;

import io.huifang.casework.PlanDeadlines;
import io.huifang.report.DealerMonth.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The improvement plans (casework's, 整改) that count into a month's plan-late deduction: a dealer's plan of the
 * month's kind counts in the month [from, to) when one of its steps (meeting, signed minutes, result report) fell due
 * in the month and was done after its due time, or was still not done when the month is computed. A plan counts once
 * in a month however many of its steps were late, and in each month in which one of its late steps fell due. They
 * are added, as {@code plan-<id>}, to the dealer's manual {@code latePlans} input (the same id entered by hand is not
 * counted twice), each costing {@link ScoringRules#latePlanPoints()}.
 */
final class LatePlans {
  /** A plan with a step due in the month, as casework stores it. */
  record Plan(long id, long dealerId, PlanDeadlines.Steps steps) {
  }

  private LatePlans() {
  }

  static String idOf(long planId) {
    return "plan-" + planId;
  }

  /** The late plans' ids by dealer. */
  static Map<Long, List<String>> counted(List<Plan> plans, Instant from, Instant to, Instant now) {
    Map<Long, List<String>> out = new HashMap<>();
    for (Plan p : plans) {
      if (!p.steps().lateIn(from, to, now).isEmpty()) {
        out.computeIfAbsent(p.dealerId(), k -> new ArrayList<>()).add(idOf(p.id()));
      }
    }
    return out;
  }

  /** The manual inputs with each dealer's counted late plans added. */
  static Map<Long, Checks> merge(Map<Long, Checks> manual, List<Plan> plans, Instant from, Instant to, Instant now) {
    Map<Long, Checks> out = new HashMap<>(manual);
    counted(plans, from, to, now).forEach((dealer, ids) -> {
      Checks c = out.getOrDefault(dealer, Checks.NONE);
      Set<String> all = new LinkedHashSet<>(c.latePlans());
      all.addAll(ids);
      out.put(dealer, new Checks(c.audit(), c.volume(), new ArrayList<>(all)));
    });
    return out;
  }
}
