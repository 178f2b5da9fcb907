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
    int added = 0;
    for (Map.Entry<Long, JsonObject> e : after.rows().entrySet()) {
      JsonObject old = before.rows().get(e.getKey());
      if (old == null) {
        added++;
      }
      // A row kept from the last build is the same object (BoardBuilder.Rows): passed over without comparing it.
      if (e.getValue() != old && !e.getValue().equals(old)) {
        rows.put(Long.toString(e.getKey()), BoardState.withTicking(e.getValue(), after.at()));
      }
    }
    if (before.rows().size() != after.rows().size() - added) {
      // Some row is gone: before holds more than the rows after holds of it.
      for (Long id : before.rows().keySet()) {
        if (!after.rows().containsKey(id)) {
          rows.putNull(Long.toString(id));
        }
      }
    }
    if (!rows.isEmpty()) {
      out.put("agents", new JsonObject().put("rows", rows));
    }
    return out.isEmpty() ? null : out;
  }
}
