package io.huifang.desk;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.QuestionnaireStore;
import io.huifang.survey.SurveyResponses;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.Telephony;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's call after a reload, a dropped socket or a restart: from memory when the desk still has it, otherwise
 * rebuilt from the survey's stored draft (the call is then over unless a PBX still has it live).
 */
final class DraftRestore {
  private static final Logger log = LoggerFactory.getLogger(DraftRestore.class);
  private final DeskStore store;
  private final SurveyResponses responses;
  private final QuestionnaireStore questionnaires;
  private final CampaignStore campaigns;
  private final Telephony telephony;
  private final DeskCalls calls;
  private final DeskContext context;

  DraftRestore(DeskStore store, SurveyResponses responses, QuestionnaireStore questionnaires,
               CampaignStore campaigns, Telephony telephony, DeskCalls calls, DeskContext context) {
    this.store = store;
    this.responses = responses;
    this.questionnaires = questionnaires;
    this.campaigns = campaigns;
    this.telephony = telephony;
    this.calls = calls;
    this.context = context;
  }

  /**
   * The screen is pushed, the attempt then names its agent, and only then is the survey's draft inserted: a kill
   * between the last two left a customer the agent spoke to with no survey at all, and the task held for a
   * disposition that could never come. At start, each such call of the last day gets its draft back, for the agent
   * who had the customer (the campaign's questionnaire as it is now), who finds it on the desk like any draft a
   * crash left, finishes and submits it.
   */
  Future<Void> recreateLostDrafts(Instant since) {
    return store.reachedWithoutSurvey(since).compose(rows -> {
      List<Future<?>> made = new ArrayList<>();
      for (JsonObject r : rows) {
        String attempt = r.getString("id");
        long campaign = r.getLong("campaign_id");
        made.add(questionnaires.forCampaign(campaign)
            .compose(q -> responses.createDraft(attempt, campaign, r.getLong("task_id"), r.getLong("customer_id"),
                r.getLong("agent_id"), q.key(), q.version()))
            .onFailure(e -> log.atWarn().setMessage("survey draft a crash lost not recreated")
                .addKeyValue("attempt", attempt).addKeyValue("error", e.getMessage()).log()));
      }
      if (!rows.isEmpty()) {
        log.atWarn().setMessage("survey drafts a crash lost recreated for their agents").addKeyValue("calls",
            rows.size()).log();
      }
      return Future.join(made).<Void>mapEmpty();
    }).recover(e -> {
      log.atWarn().setMessage("survey drafts lost in a crash not checked").addKeyValue("error", e.getMessage()).log();
      return Future.succeededFuture();
    });
  }

  /** The call on the agent's screen, or the agent's newest draft; null when there is neither. On the context. */
  Future<DeskCall> onScreen(long agentId) {
    DeskCall c = calls.ofAgent(agentId);
    if (c != null && c.screen != null) {
      return Future.succeededFuture(c);
    }
    // Not in memory (a restart, or a call whose screen is still loading): the newest draft from the database.
    return responses.openDraft(agentId).compose(d -> d.isEmpty() ? Future.succeededFuture(null) : restore(d.get()));
  }

  /** The agent's call for this attempt, restored from its survey if need be; another agent's call is refused. */
  Future<DeskCall> callOf(long agentId, String attemptId) {
    return context.call(() -> {
      DeskCall c = calls.ofAttempt(attemptId);
      if (c != null) {
        return c.agentId == agentId ? Future.succeededFuture(c)
            : Future.failedFuture(new NoSuchElementException("not your call"));
      }
      return responses.response(attemptId).compose(r -> {
        if (r.isEmpty() || r.get().agentId() != agentId) {
          return Future.failedFuture(new NoSuchElementException("no survey of yours for this call"));
        }
        return restore(r.get()).compose(x -> {
          if (!"draft".equals(r.get().status())) {
            x.submitted = true;
          }
          return Future.succeededFuture(x);
        });
      });
    });
  }

  /** Rebuilds a screen from a stored draft; the call is over (it was not in memory). */
  private Future<DeskCall> restore(SurveyResponses.Response r) {
    Future<Optional<JsonObject>> customer = r.customerId() == null ? Future.succeededFuture(Optional.empty())
        : store.screenData(r.customerId(), r.taskId());
    Future<Questionnaire> q = questionnaires.version(r.questionnaireKey(), r.questionnaireVersion());
    Future<Optional<Campaign>> campaign = campaigns.get(r.campaignId());
    return Future.join(customer, q, campaign).transform(x -> context.call(() -> {
      DeskCall live = calls.ofAttempt(r.attemptId());
      if (live != null) {
        return Future.succeededFuture(live);
      }
      DeskCall c = new DeskCall(r.attemptId(), r.agentId(), r.campaignId(), r.taskId(), r.customerId());
      c.questionnaire = q.succeeded() ? q.result() : null;
      c.answers = r.answers().copy();
      c.saves = r.saves();
      c.note = r.note();
      c.savedAt = r.savedAt();
      c.hasDraft = true;
      Attempt a = null;
      for (AnsweredCalls.Pbx p : telephony.all()) {
        Attempt found = p.tracker().live(r.attemptId());
        if (found != null) {
          a = found;
          c.pbx = p;
        }
      }
      c.callUp = a != null;
      c.endedAt = a != null ? null : (r.callEndedAt() != null ? r.callEndedAt() : r.startedAt());
      c.wrapUpEndsAt = c.endedAt;
      if (campaign.succeeded()) {
        campaign.result().ifPresent(k -> c.wrapUpSeconds = k.wrapUpSeconds());
      }
      c.screen = Screens.screen(c, campaign.succeeded() ? campaign.result().orElse(null) : null,
          customer.succeeded() ? customer.result().orElse(null) : null);
      calls.restored(c);
      return Future.succeededFuture(c);
    }));
  }
}
