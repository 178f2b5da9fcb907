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
 * Agents shared across campaigns (issue 23): who takes which answered call. An answered customer goes to the ready
 * agent skilled for the campaign who serves the fewest of the current campaigns, the longest idle among equals (the
 * simulator's rule); an agent who comes free takes the waiting customer of the highest-priority campaign they are
 * skilled for, the oldest among equals.
 */
class SkillRoutingTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final long CSI = 11;
  private static final long SSI = 22;
  private static final Set<Long> BOTH_DIALLED = Set.of(CSI, SSI);

  private static AgentLines.Line ready(long agent, int idleSeconds, Long... skills) {
    AgentLines.Line l = new AgentLines.Line(agent, "PJSIP/agent-" + agent, "agent-" + agent + "-1");
    l.channel = "PJSIP/agent-" + agent + "-0001";
    l.state = AgentLines.LineState.READY;
    l.idleSince = T0.minusSeconds(idleSeconds);
    l.skills = Set.of(skills);
    return l;
  }

  @Test
  void anAnsweredCustomerGoesOnlyToAReadyAgentSkilledForTheCampaign() {
    AgentLines.Line ssiOnly = ready(1, 300, SSI);
    AgentLines.Line both = ready(2, 60, CSI, SSI);
    List<AgentLines.Line> lines = List.of(ssiOnly, both);
    assertSame(both, AgentLines.whoTakes(lines, CSI, BOTH_DIALLED),
        "the SSI agent idle longest is not skilled for CSI");
    both.state = AgentLines.LineState.ON_CALL;
    assertNull(AgentLines.whoTakes(lines, CSI, BOTH_DIALLED),
        "free agents of another campaign only: the customer waits");
    ssiOnly.channel = null;
    assertNull(AgentLines.whoTakes(lines, SSI, BOTH_DIALLED), "no open line: nobody to bridge to");
  }

  @Test
  void theFreeAgentServingFewestCampaignsTakesTheCallSoThatTheOthersStayFree() {
    AgentLines.Line anyone = ready(1, 600);
    AgentLines.Line both = ready(2, 300, CSI, SSI);
    AgentLines.Line csiOnly = ready(3, 30, CSI);
    List<AgentLines.Line> lines = List.of(anyone, both, csiOnly);
    assertSame(csiOnly, AgentLines.whoTakes(lines, CSI, BOTH_DIALLED),
        "the CSI specialist, though idle the shortest: the other two stay free for SSI");
    assertSame(both, AgentLines.whoTakes(lines, SSI, Set.of(CSI, SSI, 33L)),
        "no skills listed serves all three dialled campaigns: the agent of two takes it");
    assertSame(anyone, AgentLines.whoTakes(lines, SSI, BOTH_DIALLED),
        "no skills listed with two campaigns dialled is two, as many as both's: the longest idle of the two");
    csiOnly.state = AgentLines.LineState.RESERVED;
    assertSame(anyone, AgentLines.whoTakes(lines, CSI, BOTH_DIALLED), "the specialist busy: the longest idle");
  }

  @Test
  void onlyTheCurrentCampaignsCountAndAChoiceIsOne() {
    AgentLines.Line csiAndOld = ready(1, 300, CSI, 99L);
    AgentLines.Line csiOnly = ready(2, 30, CSI);
    AgentLines.Line chose = ready(3, 600, CSI, SSI);
    List<AgentLines.Line> two = List.of(csiAndOld, csiOnly);
    assertSame(csiAndOld, AgentLines.whoTakes(two, CSI, BOTH_DIALLED),
        "campaign 99 is not dialled: both serve one, the longer idle takes it");
    assertSame(csiOnly, AgentLines.whoTakes(two, CSI, Set.of(CSI, SSI, 99L)), "99 dialled: the specialist");
    chose.campaignId = CSI;
    assertSame(chose, AgentLines.whoTakes(List.of(csiAndOld, csiOnly, chose), CSI, Set.of(CSI, SSI, 99L)),
        "an agent who chose CSI serves one campaign: the longest idle of the specialists");
  }

  @Test
  void anAgentWithNoSkillsListedTakesEveryCampaign() {
    AgentLines.Line anyone = ready(1, 100);
    AgentLines.Line ssi = ready(2, 10, SSI);
    assertTrue(anyone.serves(CSI) && anyone.serves(SSI));
    assertSame(anyone, AgentLines.whoTakes(List.of(anyone, ssi), CSI, BOTH_DIALLED));
    assertSame(ssi, AgentLines.whoTakes(List.of(anyone, ssi), SSI, BOTH_DIALLED), "the SSI agent first for SSI");
    assertSame(ssi, AgentLines.whoTakes(List.of(anyone, ssi), SSI, Set.of()),
        "the dialled campaigns unknown: every campaign is more than any list");
    AgentLines.Line another = ready(3, 500);
    assertSame(another, AgentLines.whoTakes(List.of(anyone, another), CSI, Set.of()),
        "nobody skilled: the longest idle, as before skills existed");
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
