package io.huifang.telephony;

import java.time.Instant;
import java.util.Set;

/** Agents' lines for unit tests outside telephony (the dialer's view of a PBX's agents), without a PBX. */
public final class TestLines {
  private TestLines() {
  }

  /** An open line in {@code state} since {@code since}, skilled for {@code skills} (none: every campaign). */
  public static AgentLines.Line line(long agentId, AgentLines.LineState state, Instant since, Long... skills) {
    AgentLines.Line l = new AgentLines.Line(agentId, "PJSIP/agent-" + agentId, "agent-" + agentId + "-1");
    l.channel = "PJSIP/agent-" + agentId + "-0001";
    l.state = state;
    l.since = since;
    l.idleSince = since;
    l.skills = Set.of(skills);
    return l;
  }

  /** The campaign the agent chose at the desk (null: any of their skills). */
  public static AgentLines.Line choosing(AgentLines.Line l, Long campaignId) {
    l.campaignId = campaignId;
    return l;
  }
}
