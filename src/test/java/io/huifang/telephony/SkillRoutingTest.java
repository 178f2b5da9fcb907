package io.huifang.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * Agents shared across campaigns (issue 23): who takes which answered call. An answered customer goes to the
 * longest-idle ready agent skilled for the campaign; an agent who comes free takes the waiting customer of the
 * highest-priority campaign they are skilled for, the oldest among equals.
 */
class SkillRoutingTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final long CSI = 11;
  private static final long SSI = 22;

  private static AgentLines.Line ready(long agent, int idleSeconds, Long... skills) {
    AgentLines.Line l = new AgentLines.Line(agent, "PJSIP/agent-" + agent, "agent-" + agent + "-1");
    l.channel = "PJSIP/agent-" + agent + "-0001";
    l.state = AgentLines.LineState.READY;
    l.idleSince = T0.minusSeconds(idleSeconds);
    l.skills = Set.of(skills);
    return l;
  }

  @Test
  void anAnsweredCustomerGoesToTheLongestIdleAgentSkilledForTheCampaign() {
    AgentLines.Line ssiOnly = ready(1, 300, SSI);
    AgentLines.Line both = ready(2, 60, CSI, SSI);
    AgentLines.Line csiOnly = ready(3, 30, CSI);
    List<AgentLines.Line> lines = List.of(ssiOnly, both, csiOnly);
    assertSame(both, AgentLines.longestIdle(lines, CSI), "the SSI agent idle longest is not skilled for CSI");
    assertSame(ssiOnly, AgentLines.longestIdle(lines, SSI));
    both.state = AgentLines.LineState.ON_CALL;
    assertSame(csiOnly, AgentLines.longestIdle(lines, CSI));
    csiOnly.state = AgentLines.LineState.WRAP_UP;
    assertNull(AgentLines.longestIdle(lines, CSI), "free agents of another campaign only: the customer waits");
  }

  @Test
  void anAgentWithNoSkillsListedTakesEveryCampaign() {
    AgentLines.Line anyone = ready(1, 100);
    AgentLines.Line ssi = ready(2, 10, SSI);
    assertTrue(anyone.serves(CSI) && anyone.serves(SSI));
    assertSame(anyone, AgentLines.longestIdle(List.of(anyone, ssi), SSI));
    assertSame(anyone, AgentLines.longestIdle(List.of(anyone, ssi), CSI));
  }

  @Test
  void theAgentsOwnChoiceOfCampaignNarrowsWithinTheirSkills() {
    AgentLines.Line both = ready(1, 100, CSI, SSI);
    both.campaignId = SSI;
    assertFalse(both.serves(CSI), "chose SSI: no CSI customers");
    assertTrue(both.serves(SSI));
    assertTrue(both.skilledFor(CSI), "still skilled for CSI");
    AgentLines.Line ssiOnly = ready(2, 100, SSI);
    ssiOnly.campaignId = CSI;
    assertFalse(ssiOnly.serves(CSI), "a choice outside the skills does not widen them");
    assertFalse(ssiOnly.skilledFor(CSI));
  }

  @Test
  void aFreedAgentTakesTheWaitingCustomerOfTheHighestPriorityCampaignTheyAreSkilledFor() {
    ToIntFunction<Long> priority = Map.of(CSI, 2, SSI, 5, 33L, 1)::get;
    // waiting, oldest first: an SSI customer, a CSI one, another CSI one, one of campaign 33
    List<Long> waiting = Arrays.asList(SSI, CSI, CSI, 33L);
    assertEquals(1, AnsweredCalls.nextFor(ready(1, 0, CSI, SSI), waiting, priority),
        "CSI (2) before the older SSI customer (5); the oldest CSI customer of the two");
    assertEquals(0, AnsweredCalls.nextFor(ready(2, 0, SSI), waiting, priority), "SSI only: the SSI customer");
    assertEquals(3, AnsweredCalls.nextFor(ready(3, 0), waiting, priority),
        "skilled for everything: campaign 33 (priority 1) first");
    assertEquals(-1, AnsweredCalls.nextFor(ready(4, 0, 44L), waiting, priority), "nobody of theirs waiting");
    ToIntFunction<Long> equal = c -> AnsweredCalls.EQUAL_PRIORITY;
    assertEquals(0, AnsweredCalls.nextFor(ready(5, 0), waiting, equal), "equal priorities: the oldest");
  }
}
