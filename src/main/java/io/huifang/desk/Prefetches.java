package io.huifang.desk;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.QuestionnaireStore;
import io.huifang.telephony.Attempt;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the desk loads for each dialled customer while the phone rings (customer, questionnaire, campaign), so the
 * screen is ready to push with the bridge. Confined to the telephony context.
 */
final class Prefetches {
  /** What the desk has loaded for one dialled customer, ahead of the answer. */
  record Prefetch(Future<Optional<JsonObject>> customer, Future<Questionnaire> questionnaire,
                  Future<Optional<Campaign>> campaign) {
    Future<Void> done() {
      return Future.join(customer, questionnaire, campaign).mapEmpty();
    }
  }

  private final DeskStore store;
  private final QuestionnaireStore questionnaires;
  private final CampaignStore campaigns;
  private final Map<String, Prefetch> byAttempt = new HashMap<>();

  Prefetches(DeskStore store, QuestionnaireStore questionnaires, CampaignStore campaigns) {
    this.store = store;
    this.questionnaires = questionnaires;
    this.campaigns = campaigns;
  }

  /** A campaign's customer is being dialled: starts loading the screen. */
  void originating(Attempt a) {
    Long campaignId = a.request().campaignId();
    Long customerId = a.request().customerId();
    if (campaignId == null || customerId == null) {
      return;
    }
    byAttempt.put(a.id(), load(customerId, a.request().taskId(), campaignId));
  }

  /** Takes what was loaded for the attempt (null if nothing was). */
  Prefetch remove(String attemptId) {
    return byAttempt.remove(attemptId);
  }

  Prefetch load(long customerId, Long taskId, long campaignId) {
    return new Prefetch(store.screenData(customerId, taskId), questionnaires.forCampaign(campaignId),
        campaigns.get(campaignId));
  }
}
