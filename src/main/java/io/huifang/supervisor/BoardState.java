package io.huifang.supervisor;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * One built board: its top-level sections (campaigns, totals, pbxes, dealers, alerts, thresholds, timeZone) and the
 * agents' rows by id, without the figure that ticks by itself ({@code talkSeconds}, added when sent). Immutable once
 * built: the live board keeps the last one pushed and diffs the next against it.
 */
record BoardState(long at, Map<String, Object> sections, Map<Long, JsonObject> rows) {
  static final BoardState EMPTY = new BoardState(0, Map.of(), Map.of());

  /** The whole {@code <Board>} of the contract, numbered {@code seq}. */
  JsonObject toJson(long seq) {
    JsonObject board = new JsonObject().put("seq", seq).put("at", at);
    sections.forEach(board::put);
    JsonObject rowsJson = new JsonObject();
    rows.forEach((id, row) -> rowsJson.put(Long.toString(id), withTicking(row, at)));
    return board.put("agents", new JsonObject().put("rows", rowsJson));
  }

  /** The row as sent at {@code at}: with the current call's talk seconds (on a call since {@code since}). */
  static JsonObject withTicking(JsonObject row, long at) {
    JsonObject out = row.copy();
    Long since = row.getLong("since");
    out.put("talkSeconds", "on_call".equals(row.getString("state")) && since != null
        ? Math.max(0, (at - since) / 1000) : null);
    return out;
  }
}
