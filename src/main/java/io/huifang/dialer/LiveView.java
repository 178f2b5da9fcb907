package io.huifang.dialer;

import io.huifang.dialer.pacing.PacerView;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.Attempt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The pacer's view of one campaign on one live PBX: that PBX's agents serving it, its ringing lines. */
final class LiveView implements PacerView {
  private final PbxRun run;
  private final long now;
  private final List<AgentLines.Line> agents = new ArrayList<>();
  private final long[] ringingSince;
  /** The attempt of each ringing line; null for a line asked of the scheduler and not yet dialled. */
  private final String[] ringingIds;

  LiveView(PbxRun run, long now) {
    this.run = run;
    this.now = now;
    for (AgentLines.Line l : run.pbx.lines().lines()) {
      if (working(l) && l.serves(run.campaignId())) {
        agents.add(l);
      }
    }
    ringingSince = ringingSince(run, now);
    ringingIds = new String[ringingSince.length];
    int i = 0;
    for (String id : run.ringing.keySet()) {
      ringingIds[i++] = id;
    }
  }

  /** When each of the run's lines began to ring (in the run's order); due tasks asked of the scheduler ring from now. */
  static long[] ringingSince(PbxRun run, long now) {
    long[] since = new long[run.ringing.size() + run.requesting];
    int i = 0;
    for (long t : run.ringing.values()) {
      since[i++] = t;
    }
    while (i < since.length) {
      since[i++] = now; // asked of the scheduler, about to ring
    }
    return since;
  }

  /** The run's customers who answered and have no agent yet. */
  static int answeredWaiting(PbxRun run) {
    int n = 0;
    for (String id : run.answered) {
      Attempt a = run.pbx.tracker().live(id);
      if (a != null && a.agentId() == null) {
        n++;
      }
    }
    return n;
  }

  /** What a working agent is doing, as the pacer counts it. */
  static Activity activity(AgentLines.Line l) {
    AgentLines.LineState s = l.state();
    return s == AgentLines.LineState.READY ? Activity.FREE
        : s == AgentLines.LineState.WRAP_UP ? Activity.WRAP_UP : Activity.TALKING;
  }

  /** Logged in and not paused: ready, about to take a call, on one, or writing one up. */
  static boolean working(AgentLines.Line l) {
    AgentLines.LineState s = l.state();
    return s == AgentLines.LineState.READY || s == AgentLines.LineState.RESERVED
        || s == AgentLines.LineState.ON_CALL || s == AgentLines.LineState.WRAP_UP;
  }

  @Override
  public int loggedInAgents() {
    return agents.size();
  }

  @Override
  public Activity activity(int agent) {
    return activity(agents.get(agent));
  }

  @Override
  public long activitySince(int agent) {
    Instant since = agents.get(agent).since();
    return since == null ? now : since.toEpochMilli();
  }

  @Override
  public int freeAgents() {
    int n = 0;
    for (AgentLines.Line l : agents) {
      if (l.state() == AgentLines.LineState.READY) {
        n++;
      }
    }
    return n;
  }

  @Override
  public int ringingLines() {
    return ringingSince.length;
  }

  @Override
  public long ringingSince(int line) {
    return ringingSince[line];
  }

  /** The attempt ringing on line {@code line} of this view; null for a line not yet dialled. */
  String ringingAttempt(int line) {
    return ringingIds[line];
  }

  @Override
  public int answeredWaiting() {
    return answeredWaiting(run);
  }

  @Override
  public int trunkLinesInUse() {
    return 0;
  }
}
