package io.huifang.recording;

import io.vertx.core.json.JsonObject;

/**
 * What the recordings module announces on the Vert.x event bus, for the modules above it (QA samples recordings
 * as they become playable). Published, not sent: every consumer gets each event; none is owed a reply.
 */
public final class RecordingEvents {
  /**
   * A recording is archived and playable (catalog status {@code ready}), once per successful processing run (a
   * retried recording that succeeds is announced then). The body: {"recordingId": "…", "attemptId": "…",
   * "campaignId": n|null, "agentId": n|null, "durationMs": n, "startedAt": "…"}; no phone number, as in the sidecar.
   */
  public static final String READY = "huifang.recording.ready";

  private RecordingEvents() {
  }

  /** The {@link #READY} body for a catalog row. */
  static JsonObject ready(JsonObject row) {
    return new JsonObject()
        .put("recordingId", row.getString("recordingId"))
        .put("attemptId", row.getString("attemptId"))
        .put("campaignId", row.getLong("campaignId"))
        .put("agentId", row.getLong("agentId"))
        .put("durationMs", row.getLong("durationMs"))
        .put("startedAt", row.getString("startedAt"));
  }
}
