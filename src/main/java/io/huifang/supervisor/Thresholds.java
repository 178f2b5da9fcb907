package io.huifang.supervisor;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The board's colours and limits (docs/supervisor-api.md, thresholds): per agent state the [amber, red] seconds in
 * state (VICIdial-style), per pause reason the longest pause before it is over the limit, and the tasks left under
 * which a list is nearly exhausted.
 */
final class Thresholds {
  static final List<String> STATES = List.of("ready", "on_call", "wrap_up", "paused");
  static final List<String> REASONS = List.of("break", "lunch", "training", "meeting", "supervisor", "other");
  /** A day: no state colour nor pause limit is longer. */
  static final int MAX_SECONDS = 86_400;

  private Thresholds() {
  }

  static JsonObject defaults() {
    return new JsonObject()
        .put("stateSeconds", new JsonObject().put("ready", new JsonArray().add(60).add(300))
            .put("on_call", new JsonArray().add(600).add(1200)).put("wrap_up", new JsonArray().add(60).add(180))
            .put("paused", new JsonArray().add(300).add(900)))
        .put("pauseLimits", new JsonObject().put("break", 900).put("lunch", 3600).put("training", 7200)
            .put("meeting", 3600).put("supervisor", 1800).put("other", 600))
        .put("listLowTasks", 20);
  }

  /** The pause limit of a reason in seconds: its own, else "other"'s (desk_closed and any reason not listed). */
  static int pauseLimit(JsonObject thresholds, String reason) {
    JsonObject limits = thresholds.getJsonObject("pauseLimits");
    // the desk calls lunch "meal"
    Integer own = reason == null ? null : limits.getInteger("meal".equals(reason) ? "lunch" : reason);
    return own != null ? own : limits.getInteger("other");
  }

  /**
   * A complete, checked copy of {@code body}: every state and reason given, whole seconds in [1, a day], amber below
   * red, listLowTasks in [0, 1,000,000]. Unknown keys are refused too (a typo would otherwise be silently kept).
   */
  static JsonObject validate(JsonObject body) {
    JsonObject out = new JsonObject();
    JsonObject states = object(body, "stateSeconds");
    unknownKeys(states, STATES, "stateSeconds");
    JsonObject statesOut = new JsonObject();
    for (String s : STATES) {
      String field = "stateSeconds." + s;
      if (!(states.getValue(s) instanceof JsonArray pair) || pair.size() != 2) {
        throw new Invalid(field, field + " must be [amber, red] seconds", field + " 应为 [黄色, 红色] 秒数");
      }
      int amber = seconds(pair.getValue(0), field);
      int red = seconds(pair.getValue(1), field);
      if (amber >= red) {
        throw new Invalid(field, field + ": amber must be below red", field + "：黄色阈值应小于红色阈值");
      }
      statesOut.put(s, new JsonArray().add(amber).add(red));
    }
    JsonObject limits = object(body, "pauseLimits");
    unknownKeys(limits, REASONS, "pauseLimits");
    JsonObject limitsOut = new JsonObject();
    for (String r : REASONS) {
      limitsOut.put(r, seconds(limits.getValue(r), "pauseLimits." + r));
    }
    Object low = body.getValue("listLowTasks");
    if (!(low instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0
        || n.longValue() > 1_000_000) {
      throw new Invalid("listLowTasks", "listLowTasks must be a whole number from 0 to 1,000,000",
          "listLowTasks 应为 0 到 1,000,000 的整数");
    }
    unknownKeys(body, List.of("stateSeconds", "pauseLimits", "listLowTasks"), null);
    return out.put("stateSeconds", statesOut).put("pauseLimits", limitsOut).put("listLowTasks", n.intValue());
  }

  private static JsonObject object(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof JsonObject o)) {
      throw new Invalid(field, field + " must be an object", field + " 应为对象");
    }
    return o;
  }

  private static void unknownKeys(JsonObject o, List<String> known, String prefix) {
    for (Map.Entry<String, Object> e : o) {
      if (!known.contains(e.getKey())) {
        String field = prefix == null ? e.getKey() : prefix + "." + e.getKey();
        throw new Invalid(field, field + " is not a threshold (known: " + known + ")", field + " 不是可设置的阈值");
      }
    }
  }

  private static int seconds(Object v, String field) {
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
        || n.longValue() > MAX_SECONDS) {
      throw new Invalid(field, field + " must be whole seconds from 1 to 86,400", field + " 应为 1 到 86,400 的整数秒");
    }
    return n.intValue();
  }
}
