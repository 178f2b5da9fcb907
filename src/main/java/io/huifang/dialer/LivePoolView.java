package io.huifang.dialer;

import io.huifang.dialer.pacing.PacerView;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool planner's view of one live PBX: the campaigns dialled there, in priority order, and the agents working on
 * it (ready, about to take a call, on one, or writing one up) who serve at least one of them, with who serves which
 * (their skills, narrowed by the campaign they chose). Each campaign's ringing lines are its own, with the due tasks
 * asked of the scheduler and not yet originated counted as ringing since now; its answered customers waiting for an
 * agent are its own too. Built on the telephony context, read at once.
 */
final class LivePoolView {
  private final List<PbxRun> campaigns;
  private final List<AgentLines.Line> agents = new ArrayList<>();
  private final long now;
  private final long[][] ringingSince;
  private final int[] waiting;

  /** {@code runs}: the campaigns' runs on {@code pbx}, in priority order (0 first). */
  LivePoolView(AnsweredCalls.Pbx pbx, List<PbxRun> runs, long now) {
    this.campaigns = List.copyOf(runs);
    this.now = now;
    for (AgentLines.Line l : pbx.lines().lines()) {
      if (LiveView.working(l) && servesAny(l)) {
        agents.add(l);
      }
    }
    ringingSince = new long[campaigns.size()][];
    waiting = new int[campaigns.size()];
    for (int c = 0; c < campaigns.size(); c++) {
      PbxRun r = campaigns.get(c);
      ringingSince[c] = LiveView.ringingSince(r, now);
      waiting[c] = LiveView.answeredWaiting(r);
    }
  }

  private boolean servesAny(AgentLines.Line l) {
    for (PbxRun r : campaigns) {
      if (l.serves(r.campaignId())) {
        return true;
      }
    }
    return false;
  }

  public int campaigns() {
    return campaigns.size();
  }

  public int agents() {
    return agents.size();
  }

  public boolean skilled(int agent, int campaign) {
    return agents.get(agent).serves(campaigns.get(campaign).campaignId());
  }

  public PacerView.Activity activity(int agent) {
    return LiveView.activity(agents.get(agent));
  }

  public long activitySince(int agent) {
    Instant since = agents.get(agent).since();
    return since == null ? now : since.toEpochMilli();
  }

  public int ringingLines(int campaign) {
    return ringingSince[campaign].length;
  }

  public long ringingSince(int campaign, int line) {
    return ringingSince[campaign][line];
  }

  public int answeredWaiting(int campaign) {
    return waiting[campaign];
  }

  /** The agents serving more than one of the campaigns: the pool the campaigns share. */
  int sharedAgents() {
    int n = 0;
    for (int a = 0; a < agents.size(); a++) {
      int serves = 0;
      for (int c = 0; c < campaigns.size(); c++) {
        if (skilled(a, c)) {
          serves++;
        }
      }
      if (serves > 1) {
        n++;
      }
    }
    return n;
  }
}
