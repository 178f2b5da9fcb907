package io.huifang.survey;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Which questionnaire a campaign names, asked of the campaign module (campaigns are its table; survey sits beside it
 * and does not read it). The wiring supplies it from the campaign store.
 */
@FunctionalInterface
public interface CampaignQuestionnaire {
  /** The campaign's kind and the key it names; empty when there is no such campaign. */
  Future<Optional<Choice>> of(long campaignId);

  /**
   * @param kind  csi, ssi or other
   * @param named the questionnaire key the campaign names, or null/blank for its kind's default
   */
  record Choice(String kind, String named) {
  }
}
