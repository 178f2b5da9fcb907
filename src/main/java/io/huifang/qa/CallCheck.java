package io.huifang.qa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The suspicious-call check (a check no anchor has), pure: a survey answered faster than it can be read out
 * ({@code too_fast}: more than one item per {@code secondsPerItem} of talk time), a success recorded while the
 * customer's leg stayed silent ({@code customer_silent}: speaking under 5 % of the call), and an agent whose leg
 * speaks under 20 % of the call ({@code agent_quiet}). The legs' figures come from the recording's activity (the
 * pipeline's voice-activity detection on the two separate legs); a mono recording has none, and only too_fast
 * applies to it.
 */
public final class CallCheck {
  static final double CUSTOMER_SILENT = 0.05;
  static final double AGENT_QUIET = 0.20;

  /** Written in a complaint field when there was none: not a complaint. */
  private static final Set<String> NO_COMPLAINT = Set.of("无", "没有", "无抱怨", "无不满", "没有不满", "none", "no", "n/a",
      "-", "/", "无。", "没有。");

  private CallCheck() {
  }

  /** Items the agent answered: every answer that is not empty. */
  public static int itemsAnswered(JsonObject answers) {
    if (answers == null) {
      return 0;
    }
    int n = 0;
    for (String k : answers.fieldNames()) {
      Object v = answers.getValue(k);
      if (v == null || (v instanceof String s && s.isBlank()) || (v instanceof JsonArray a && a.isEmpty())) {
        continue;
      }
      n++;
    }
    return n;
  }

  /**
   * Whether the customer's complaint was written down: any answer to an item of category {@code complaint} in the
   * questionnaire (the built-ins have one, "不满意之处（抱怨）") that says something other than "none".
   */
  public static boolean complaint(JsonObject questionnaire, JsonObject answers) {
    if (questionnaire == null || answers == null) {
      return false;
    }
    Set<String> ids = new HashSet<>();
    collectComplaintItems(questionnaire, ids);
    for (String id : ids) {
      if (answers.getValue(id) instanceof String s && !s.isBlank()
          && !NO_COMPLAINT.contains(s.trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static void collectComplaintItems(Object node, Set<String> ids) {
    if (node instanceof JsonObject o) {
      if ("complaint".equals(o.getValue("category")) && o.getValue("id") instanceof String id) {
        ids.add(id);
      }
      for (String k : o.fieldNames()) {
        collectComplaintItems(o.getValue(k), ids);
      }
    } else if (node instanceof JsonArray a) {
      for (Object x : a) {
        collectComplaintItems(x, ids);
      }
    }
  }

  /** The verdict: {@code [{"kind", "detail", …figures}]}, empty when nothing is suspicious. */
  public static JsonArray verdict(boolean success, int itemsAnswered, Long talkMs, JsonObject activity,
                                  double secondsPerItem) {
    JsonArray out = new JsonArray();
    if (success && itemsAnswered > 0 && talkMs != null && itemsAnswered * secondsPerItem * 1000 > talkMs) {
      out.add(new JsonObject().put("kind", "too_fast").put("items", itemsAnswered).put("talkMs", talkMs)
          .put("detail", itemsAnswered + " items in " + Math.round(talkMs / 1000.0) + " s (at least "
              + fmt(secondsPerItem) + " s each)"));
    }
    if (activity != null) {
      double customer = share(activity, "customer");
      double agent = share(activity, "agent");
      if (success && customer >= 0 && customer < CUSTOMER_SILENT) {
        out.add(new JsonObject().put("kind", "customer_silent").put("speechShare", customer)
            .put("detail", "a success, with the customer speaking " + pct(customer) + " of the call"));
      }
      if (agent >= 0 && agent < AGENT_QUIET) {
        out.add(new JsonObject().put("kind", "agent_quiet").put("speechShare", agent)
            .put("detail", "the agent speaks " + pct(agent) + " of the call"));
      }
    }
    return out;
  }

  private static double share(JsonObject activity, String leg) {
    JsonObject l = activity.getJsonObject(leg);
    return l == null || l.getValue("speechShare") == null ? -1 : l.getDouble("speechShare");
  }

  private static String pct(double share) {
    return Math.round(share * 1000) / 10.0 + " %";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
