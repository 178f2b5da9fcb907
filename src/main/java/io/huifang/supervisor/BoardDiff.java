package io.huifang.supervisor;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between two boards, as the {@code changed} of a {@code sup.update}: the top-level sections that differ,
 * and inside {@code agents} only the rows that differ (a row gone is {@code null}). Sections and rows are small JSON
 * values compared with equals; rows hold no ticking figure (talk seconds are derived from {@code since} when sent),
 * so an agent talking on does not change every second.
 */
final class BoardDiff {
  private BoardDiff() {
  }

  /** The partial board that turns {@code before} into {@code after}; null when nothing changed. */
  static JsonObject changed(BoardState before, BoardState after) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> e : after.sections().entrySet()) {
      if (!Objects.equals(before.sections().get(e.getKey()), e.getValue())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    JsonObject rows = new JsonObject();
    for (Map.Entry<Long, JsonObject> e : after.rows().entrySet()) {
      JsonObject old = before.rows().get(e.getKey());
      if (!e.getValue().equals(old)) {
        rows.put(Long.toString(e.getKey()), BoardState.withTicking(e.getValue(), after.at()));
      }
    }
    for (Long id : before.rows().keySet()) {
      if (!after.rows().containsKey(id)) {
        rows.putNull(Long.toString(id));
      }
    }
    if (!rows.isEmpty()) {
      out.put("agents", new JsonObject().put("rows", rows));
    }
    return out.isEmpty() ? null : out;
  }
}
