package io.huifang.recording;

import io.vertx.core.Future;

/**
 * How a campaign records. The campaign table belongs to the campaigns work; until it carries these settings the
 * server uses {@link #DEFAULT}: record every connected call, agents may not play recordings, keep two years.
 */
@FunctionalInterface
public interface RecordingPolicies {
  /** Whether calls are recorded: every connected call, none, or only those someone asks for during the call. */
  enum Capture {
    ALL, NONE, ON_DEMAND
  }

  /** One campaign's rules. */
  record Rules(Capture capture, boolean agentsMayListen, int retentionDays) {
    public Rules {
      if (capture == null || retentionDays < 1) {
        throw new IllegalArgumentException("capture and a positive retention are required");
      }
    }
  }

  Rules DEFAULT_RULES = new Rules(Capture.ALL, false, 730);
  RecordingPolicies DEFAULT = campaignId -> Future.succeededFuture(DEFAULT_RULES);

  /** The rules for a campaign ({@code campaignId} may be null: a call outside any campaign). */
  Future<Rules> rules(Long campaignId);
}
