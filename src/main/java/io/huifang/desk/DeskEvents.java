package io.huifang.desk;

import io.vertx.core.json.JsonObject;

/** What the desk publishes on the event bus for the modules above it (reports, QA, the demo). */
public final class DeskEvents {
  /**
   * Published once for every survey an agent submits, after the disposition has reached the scheduler:
   * {@code {"attemptId", "campaignId", "taskId", "agentId", "disposition", "group", "score"}}. The score summary
   * (raw score, items below seven and not surveyed, needs-review and void flags, indicator means) is null for any
   * disposition but success; taskId is null for a call without a task.
   */
  public static final String SURVEY_SUBMITTED = "huifang.survey.submitted";

  private DeskEvents() {
  }

  static JsonObject surveySubmitted(DeskCall c, Disposition d, JsonObject score) {
    return new JsonObject().put("attemptId", c.attemptId).put("campaignId", c.campaignId).put("taskId", c.taskId)
        .put("agentId", c.agentId).put("disposition", d.id()).put("group", d.group().id())
        .put("score", score == null ? null : score.copy());
  }
}
