package io.huifang.supervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The board's alerts (docs/supervisor-api.md, "Alerts"), worked out from each built board: an alert is raised once,
 * stays open while its condition holds (its severity may change) and is cleared when the condition ends. Whoever
 * listens (the live board: the audit log) hears of each raise and clear once.
 */
final class Alerts {
  /** How long a campaign with work due may have nobody ready or talking before it is an alert. */
  static final long NO_READY_AFTER_MS = 60_000;
  /** The hour's abandon rate, as a share of the limit, from which it is a warning. */
  static final double NEAR_LIMIT = 0.8;
  /** The share of the due tasks under which a list is nearly exhausted. */
  static final double LIST_LOW_SHARE = 0.05;

  private final BiConsumer<String, JsonObject> onChange;
  private final Map<String, JsonObject> open = new LinkedHashMap<>();
  /** Campaigns with work due and nobody ready or talking, since when. */
  private final Map<Long, Long> nobodySince = new HashMap<>();

  /** {@code onChange} is told ("raised" | "cleared", alert). */
  Alerts(BiConsumer<String, JsonObject> onChange) {
    this.onChange = onChange;
  }

  /** The open alerts after this board, oldest first. */
  JsonArray update(BoardState board, long now) {
    Map<String, JsonObject> found = new LinkedHashMap<>();
    JsonObject thresholds = (JsonObject) board.sections().get("thresholds");
    int listLow = thresholds == null ? 20 : thresholds.getInteger("listLowTasks", 20);
    JsonArray campaigns = (JsonArray) board.sections().getOrDefault("campaigns", new JsonArray());
    java.util.Set<Long> stillNobody = new java.util.HashSet<>();
    for (Object o : campaigns) {
      JsonObject c = (JsonObject) o;
      long id = c.getLong("campaignId");
      abandon(found, c, id);
      if (c.getBoolean("paused")) {
        continue;
      }
      JsonObject list = c.getJsonObject("list");
      boolean dialling = list != null && list.getValue("idleReason") == null && !"preview".equals(c.getString("mode"));
      long due = list == null ? 0 : list.getLong("due", 0L);
      long remaining = list == null ? 0 : list.getLong("remaining", 0L);
      if (dialling && due > 0 && (remaining < LIST_LOW_SHARE * due || remaining < listLow)) {
        found.put("list-" + id, alert("list_nearly_exhausted", "warn", id, null, null,
            new JsonObject().put("remaining", remaining).put("due", due)));
      }
      JsonObject agents = c.getJsonObject("agents");
      boolean nobody = agents.getInteger("ready") + agents.getInteger("reserved") + agents.getInteger("onCall") == 0;
      if (dialling && remaining > 0 && nobody) {
        stillNobody.add(id);
        long since = nobodySince.computeIfAbsent(id, k -> now);
        if (now - since >= NO_READY_AFTER_MS) {
          found.put("noready-" + id, alert("no_ready_agents", "warn", id, null, null,
              new JsonObject().put("nobodySince", since)));
        }
      }
    }
    nobodySince.keySet().retainAll(stillNobody);
    for (Object o : (JsonArray) board.sections().getOrDefault("pbxes", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      if (!p.getBoolean("up")) {
        found.put("pbx-" + p.getString("pbx"), alert("pbx_down", "critical", null, null, p.getString("pbx"),
            new JsonObject()));
      }
    }
    for (JsonObject row : board.rows().values()) {
      Integer limit = row.getInteger("pauseLimitSeconds");
      Long since = row.getLong("since");
      if ("paused".equals(row.getString("state")) && limit != null && since != null && now - since > limit * 1000L) {
        long agent = row.getLong("agentId");
        found.put("paused-" + agent, alert("agent_paused_over_limit", "warn", row.getLong("campaignId"), agent, null,
            new JsonObject().put("reason", row.getString("pauseReason")).put("limitSeconds", limit)));
      }
    }
    return apply(found, now);
  }

  private static void abandon(Map<String, JsonObject> found, JsonObject c, long id) {
    JsonObject abandon = c.getJsonObject("abandon");
    JsonObject hour = abandon.getJsonObject("hour");
    double limit = abandon.getDouble("limit");
    if (hour == null || hour.getLong("liveAnswered") == 0 || limit <= 0) {
      return;
    }
    double rate = hour.getDouble("rate");
    if (rate > NEAR_LIMIT * limit) {
      found.put("abandon-" + id, alert("abandon_near_limit", rate >= limit ? "critical" : "warn", id, null, null,
          new JsonObject().put("rate", rate).put("limit", limit)));
    }
  }

  private static JsonObject alert(String kind, String severity, Long campaignId, Long agentId, String pbx,
                                  JsonObject detail) {
    return new JsonObject().put("kind", kind).put("severity", severity).put("campaignId", campaignId)
        .put("agentId", agentId).put("pbx", pbx).put("detail", detail);
  }

  /** Raises the new, keeps the open ones (their since; severity and detail as now), clears the ended. */
  private JsonArray apply(Map<String, JsonObject> found, long now) {
    for (String id : java.util.List.copyOf(open.keySet())) {
      if (!found.containsKey(id)) {
        onChange.accept("cleared", open.remove(id));
      }
    }
    for (Map.Entry<String, JsonObject> e : found.entrySet()) {
      JsonObject was = open.get(e.getKey());
      JsonObject a = e.getValue().put("id", e.getKey()).put("since", was == null ? now : was.getLong("since"));
      open.put(e.getKey(), a);
      if (was == null) {
        onChange.accept("raised", a);
      }
    }
    JsonArray out = new JsonArray();
    open.values().forEach(a -> out.add(new JsonObject().put("id", a.getString("id")).put("kind", a.getString("kind"))
        .put("severity", a.getString("severity")).put("since", a.getLong("since"))
        .put("campaignId", a.getValue("campaignId")).put("agentId", a.getValue("agentId"))
        .put("pbx", a.getValue("pbx")).put("detail", a.getJsonObject("detail"))));
    return out;
  }
}
