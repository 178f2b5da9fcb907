package io.huifang.dialer;

import io.huifang.dialer.pacing.PacerView;
import io.huifang.dialer.pacing.PoolView;
import io.huifang.telephony.AgentLines;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The pool planner's view of one live PBX: the campaigns dialled there, in priority order, and the agents working on
 * it (ready, about to take a call, on one, or writing one up) who serve at least one of them, with who serves which
 * (their skills, narrowed by the campaign they chose). Each campaign's ringing lines are its own, with the due tasks
 * asked of the scheduler and not yet originated counted as ringing since now; its answered customers waiting for an
 * agent are its own too. Built on the telephony context, read at once.
 */
final class LivePoolView implements PoolView {
  private final List<PbxRun> campaigns;
  private final List<AgentLines.Line> agents = new ArrayList<>();
  private final long now;
  private final long[][] ringingSince;
  private final int[] waiting;

  /** {@code lines}: the PBX's agents' lines; {@code runs}: the campaigns' runs on it, in priority order (0 first). */
  LivePoolView(Collection<AgentLines.Line> lines, List<PbxRun> runs, long now) {
    this.campaigns = List.copyOf(runs);
    this.now = now;
    for (AgentLines.Line l : lines) {
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

  /**
   * The runs (in priority order) grouped by the agents they share: two campaigns are in one group when a working agent
   * of the PBX serves both, or through a chain of such agents. Each group decides together; a campaign with agents of
   * its own only, or none working, is a group of its own, as when each campaign was paced alone. Groups keep the
   * priority order, and so do the runs in each.
   */
  static List<List<PbxRun>> sharingAgents(Collection<AgentLines.Line> lines, List<PbxRun> runs) {
    int[] group = new int[runs.size()];
    for (int c = 0; c < group.length; c++) {
      group[c] = c;
    }
    for (AgentLines.Line l : lines) {
      if (!LiveView.working(l)) {
        continue;
      }
      int first = -1;
      for (int c = 0; c < runs.size(); c++) {
        if (l.serves(runs.get(c).campaignId())) {
          if (first < 0) {
            first = c;
          } else {
            join(group, first, c);
          }
        }
      }
    }
    java.util.Map<Integer, List<PbxRun>> byRoot = new java.util.LinkedHashMap<>();
    for (int c = 0; c < runs.size(); c++) {
      byRoot.computeIfAbsent(root(group, c), k -> new ArrayList<>()).add(runs.get(c));
    }
    return new ArrayList<>(byRoot.values());
  }

  private static int root(int[] group, int c) {
    while (group[c] != c) {
      c = group[c];
    }
    return c;
  }

  private static void join(int[] group, int a, int b) {
    int ra = root(group, a);
    int rb = root(group, b);
    if (ra != rb) {
      group[Math.max(ra, rb)] = Math.min(ra, rb);
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

  @Override
  public int campaigns() {
    return campaigns.size();
  }

  /** The campaign's own priority (1 first): who is handed the pool's next line first on a tie ({@link PoolPlanner}). */
  @Override
  public int priority(int campaign) {
    return campaigns.get(campaign).campaignRun.campaign.priority();
  }

  @Override
  public int agents() {
    return agents.size();
  }

  @Override
  public boolean skilled(int agent, int campaign) {
    return agents.get(agent).serves(campaigns.get(campaign).campaignId());
  }

  @Override
  public PacerView.Activity activity(int agent) {
    return LiveView.activity(agents.get(agent));
  }

  @Override
  public long activitySince(int agent) {
    Instant since = agents.get(agent).since();
    return since == null ? now : since.toEpochMilli();
  }

  @Override
  public int ringingLines(int campaign) {
    return ringingSince[campaign].length;
  }

  @Override
  public long ringingSince(int campaign, int line) {
    return ringingSince[campaign][line];
  }

  @Override
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
