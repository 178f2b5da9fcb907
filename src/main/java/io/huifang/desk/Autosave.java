package io.huifang.desk;

import io.huifang.core.Invalid;
import io.huifang.survey.SurveyResponses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Autosave of the survey draft as the agent works: changed answers merged into the draft, each value checked
 * against the questionnaire (type, range, known item); required items are checked only on submit.
 */
final class Autosave {
  /** Most answers one autosave may change. */
  static final int MAX_CHANGES = 200;

  private final SurveyResponses responses;
  private final DraftRestore drafts;
  private final DeskContext context;

  Autosave(SurveyResponses responses, DraftRestore drafts, DeskContext context) {
    this.responses = responses;
    this.drafts = drafts;
    this.context = context;
  }

  /**
   * Merges changed answers ({@code null} clears one) into the draft, and the note when {@code noteChanged};
   * answers the draft as saved.
   */
  Future<JsonObject> save(long agentId, String attemptId, JsonObject changes, boolean noteChanged, String note) {
    if (changes.size() > MAX_CHANGES) {
      return Future.failedFuture(new Invalid("answers", "at most " + MAX_CHANGES + " answers per save",
          "每次最多保存 " + MAX_CHANGES + " 个答案"));
    }
    return drafts.callOf(agentId, attemptId).compose(c -> {
      if (c.submitted) {
        return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
      }
      JsonObject merged = Answers.merged(c.answers, changes);
      Invalid bad = Answers.firstProblem(c.questionnaire, merged, changes.fieldNames(), false);
      if (bad != null) {
        return Future.failedFuture(bad);
      }
      return c.draftCreated.transform(created -> responses.saveDraft(attemptId, agentId, changes,
          noteChanged, note)).compose(saved -> context.call(() -> {
        if (saved.isEmpty()) {
          return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
        }
        c.answers = saved.get().getJsonObject("answers");
        c.saves = saved.get().getInteger("saves");
        c.note = saved.get().getString("note");
        c.savedAt = java.time.Instant.parse(saved.get().getString("savedAt"));
        return Future.succeededFuture(new JsonObject().put("attemptId", attemptId).put("saves", c.saves)
            .put("answers", c.answers.copy()).put("note", c.note).put("savedAt", c.savedAt.toString()));
      }));
    });
  }
}
