package io.huifang.dialer.pacing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.dialer.pacing.PacerView.Activity;
import io.huifang.telephony.AttemptOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool planner's rules, on hand-built pools. */
class PoolPlannerTest {
  private static final long T0 = 1_000_000_000L;

  private static CampaignPacer progressive() {
    return new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), OriginateThrottle.unlimited());
  }

  private static CampaignPacer predictive() {
    return new CampaignPacer(PacingSettings.defaults(DialMode.PREDICTIVE), OriginateThrottle.unlimited());
  }

  /** A pacer that has seen {@code dials} lines end, {@code answered} of them answered by a person. */
  private static CampaignPacer predictiveAnswering(int answered, int dials) {
    CampaignPacer p = predictive();
    for (int i = 0; i < dials; i++) {
      p.onOriginateResult(i < answered ? AttemptOutcome.ANSWERED_HUMAN : AttemptOutcome.NO_ANSWER, 10_000,
          T0 - 600_000 + i);
    }
    return p;
  }

  @Test
  void campaignsOfDifferentPrioritiesShareThePoolToo() {
    // 4 free agents for both: the group dials 4 (the fewest either asks), handed out in turn, not 4 to the first
    FakePool pool = new FakePool(2).agents(4, Activity.FREE, T0, 0, 1);
    assertArrayEquals(new int[] {2, 2}, new PoolPlanner().linesToDial(pool, List.of(progressive(), progressive()), T0));
  }

  @Test
  void progressiveCampaignsAreChargedEveryLineWhole() {
    // 3 free for campaign 0 only, 2 free for campaign 1 only, 4 talking for both: progressive campaign 1 counts every
    // line of the pool whole and has room for 2, so the group dials 2 (one each), not 5
    FakePool pool = new FakePool(2).agents(3, Activity.FREE, T0, 0).agents(2, Activity.FREE, T0, 1)
        .agents(4, Activity.TALKING, T0, 0, 1);
    assertArrayEquals(new int[] {1, 1}, new PoolPlanner().linesToDial(pool, List.of(progressive(), progressive()), T0));
  }

  @Test
  void aLineIsChargedToAnotherCampaignOnlyAsItsViewCountsIt() {
    // predictive campaigns: 3 free agents for campaign 0 only; campaign 1's only agents are talking, so it asks for
    // none, but none of campaign 0's agents takes campaign 1: its lines cost campaign 1 nothing, and it dials its 3
    // (the first pass's fewest ask dialled none)
    FakePool apart = new FakePool(2).agents(3, Activity.FREE, T0, 0).agents(2, Activity.TALKING, T0, 1);
    assertArrayEquals(new int[] {3, 0},
        new PoolPlanner().linesToDial(apart, List.of(predictive(), predictive()), T0));
    assertArrayEquals(new int[] {0, 0}, new PoolPlanner(PoolPlanner.Bound.FEWEST_ASK).linesToDial(apart,
        List.of(predictive(), predictive()), T0), "the first pass's rule, kept to measure against");
    // 2 free for campaign 0 only, 2 free for both, 2 talking for campaign 1 only: each campaign's line costs the other
    // half a line (half of each one's agents take the other)
    FakePool mixed = new FakePool(2).agents(2, Activity.FREE, T0, 0).agents(2, Activity.FREE, T0, 0, 1)
        .agents(2, Activity.TALKING, T0, 1);
    List<CampaignPacer> pacers = List.of(predictive(), predictive());
    assertEquals(0.5, PoolPlanner.weight(mixed, pacers, 0, 1), 1e-9);
    assertEquals(0.5, PoolPlanner.weight(mixed, pacers, 1, 0), 1e-9);
    int[] asks = {pacers.get(0).linesToDial(PoolPlanner.viewOf(mixed, pacers, 0), T0),
        pacers.get(1).linesToDial(PoolPlanner.viewOf(mixed, pacers, 1), T0)};
    assertArrayEquals(new int[] {4, 2}, asks, "campaign 0 sees 4 free agents, campaign 1 2");
    // handed out in turn: 0 (budgets 3 / 1.5), 1 (2.5 / 0.5), 0 (1.5 / 0); then a line of 0 would overdraw campaign
    // 1's budget, and one of 1 its own
    assertArrayEquals(new int[] {2, 1},
        new PoolPlanner().linesToDial(mixed, List.of(predictive(), predictive()), T0));
    assertArrayEquals(new int[] {1, 1}, new PoolPlanner(PoolPlanner.Bound.FEWEST_ASK).linesToDial(mixed,
        List.of(predictive(), predictive()), T0));
  }

  @Test
  void noBudgetIsOverdrawn() {
    // as above: the session-12 second pass let a budget be overdrawn by half a line, and a fourth line went out (0's
    // third, leaving campaign 1's budget at -0.5); without it the three-campaign pool went over on 2 of 10 tuning days
    FakePool mixed = new FakePool(2).agents(2, Activity.FREE, T0, 0).agents(2, Activity.FREE, T0, 0, 1)
        .agents(2, Activity.TALKING, T0, 1);
    assertArrayEquals(new int[] {2, 1},
        new PoolPlanner().linesToDial(mixed, List.of(predictive(), predictive()), T0));
    assertArrayEquals(new int[] {3, 1}, new PoolPlanner(PoolPlanner.Bound.ASKS_CHARGED).linesToDial(mixed,
        List.of(predictive(), predictive()), T0), "the second pass, kept to measure against");
  }

  @Test
  void aPacerHandedFewerLinesThanItAskedCountsOnlyThoseAsDialled() {
    // 4 free agents for both of two campaigns whose customers answer alike (still in their cautious start: each asks
    // for the 4 free agents); every line costs both budgets a whole line, so the group dials 4, two each. Each pacer
    // asked for 4 and is handed 2: its dialling pace (the surge reserve's) counts the 2, not the 4
    FakePool pool = new FakePool(2).agents(4, Activity.FREE, T0, 0, 1);
    CampaignPacer asked = predictiveAnswering(60, 200);
    List<CampaignPacer> both = List.of(asked, predictiveAnswering(60, 200));
    assertEquals(4, asked.ask(PoolPlanner.viewOf(pool, both, 0), T0));
    assertEquals(0, asked.surgeReserve(T0), 1e-12, "asked, not yet charged");
    CampaignPacer pooled = predictiveAnswering(60, 200);
    assertArrayEquals(new int[] {2, 2},
        new PoolPlanner().linesToDial(pool, List.of(pooled, predictiveAnswering(60, 200)), T0));
    CampaignPacer alone = predictiveAnswering(60, 200);
    assertEquals(2, alone.placed(2, T0));
    assertTrue(alone.surgeReserve(T0) > 0);
    assertEquals(alone.surgeReserve(T0), pooled.surgeReserve(T0), 1e-12, "the pace of the 2 lines handed");
    CampaignPacer charged = predictiveAnswering(60, 200);
    assertArrayEquals(new int[] {2, 2}, new PoolPlanner(PoolPlanner.Bound.ASKS_CHARGED).linesToDial(pool,
        List.of(charged, predictiveAnswering(60, 200)), T0));
    assertEquals(2 * alone.surgeReserve(T0), charged.surgeReserve(T0), 1e-12,
        "the second pass charged the 4 asked for");
  }

  @Test
  void aSharedThrottleIsTakenOnlyForTheLinesPlaced() {
    // two progressive campaigns on one PBX, 3 originates a second between them, 6 free agents for both: each asks
    // for the 3 the throttle has, the group dials 3 (every line costs each progressive budget a whole line), and the
    // throttle is taken for those 3. Were an ask charged, the first would take all 3 originates, the second ask none
    // and its empty budget hold every line back: nothing dialled, and the originates lost
    OriginateThrottle perPbx = new OriginateThrottle(3);
    CampaignPacer a = new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), perPbx);
    CampaignPacer b = new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), perPbx);
    FakePool pool = new FakePool(2).agents(6, Activity.FREE, T0, 0, 1);
    assertArrayEquals(new int[] {2, 1}, new PoolPlanner().linesToDial(pool, List.of(a, b), T0));
    assertEquals(0, perPbx.available(3, T0), "the 3 placed were taken");
    OriginateThrottle second = new OriginateThrottle(3);
    assertArrayEquals(new int[] {0, 0}, new PoolPlanner(PoolPlanner.Bound.ASKS_CHARGED).linesToDial(pool,
        List.of(new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), second),
            new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), second)), T0),
        "the second pass: the first pacer took the throttle for its whole ask");
    // a campaign handed more than the throttle grants it places what it is granted
    OriginateThrottle one = new OriginateThrottle(1);
    CampaignPacer c = new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), one);
    assertEquals(1, c.ask(PoolPlanner.viewOf(pool, List.of(c, b), 0), T0));
    one.take(1, T0);
    assertEquals(0, c.placed(1, T0), "the throttle was emptied meanwhile");
  }

  @Test
  void customersWaitingAndLinesRingingOfEveryCampaignCount() {
    FakePool pool = new FakePool(2).agents(5, Activity.FREE, T0, 0, 1).ringing(1, 2, T0 - 3_000).waiting(1, 1);
    assertArrayEquals(new int[] {2, 0}, new PoolPlanner().linesToDial(pool, List.of(progressive(), progressive()), T0));
  }

  @Test
  void theLinesGoToTheCampaignWithFewestInFlightAndToTheHigherPriorityOnATie() {
    // 4 free agents for both, campaign 0 already has 2 lines ringing: the room left (2) goes to campaign 1, whichever
    // has the higher priority
    FakePool pool = new FakePool(2).agents(4, Activity.FREE, T0, 0, 1).ringing(0, 2, T0 - 1_000);
    assertArrayEquals(new int[] {0, 2}, new PoolPlanner().linesToDial(pool.priorities(4, 5),
        List.of(progressive(), progressive()), T0), "the campaign behind, although of lower priority");
    // none in flight: handed out in turn, the higher priority first; the view's order (the older campaign) first
    // among equal priorities
    FakePool even = new FakePool(2).agents(3, Activity.FREE, T0, 0, 1);
    assertArrayEquals(new int[] {2, 1}, new PoolPlanner().linesToDial(even.priorities(5, 5),
        List.of(progressive(), progressive()), T0));
    assertArrayEquals(new int[] {1, 2}, new PoolPlanner().linesToDial(even.priorities(6, 5),
        List.of(progressive(), progressive()), T0), "campaign 1 has the higher priority: first on the tie");
  }

  @Test
  void anotherCampaignsLinesCountInTheShareOfItsAgentsWhoAlsoTakeThisOne() {
    // campaign 1 has 8 agents, 4 of whom also take campaign 0; its 6 lines ringing reach campaign 0's agents in that
    // share: campaign 0's pacer sees 3 of them (and its own 2), campaign 1's all 6 and campaign 0's 2 whole (every
    // agent of campaign 0 also takes 1)
    FakePool pool = new FakePool(2).agents(4, Activity.FREE, T0, 1).agents(4, Activity.FREE, T0, 0, 1)
        .ringing(1, 6, T0 - 5_000).ringing(0, 2, T0 - 1_000);
    List<CampaignPacer> pacers = List.of(predictive(), predictive());
    assertEquals(5, PoolPlanner.viewOf(pool, pacers, 0).ringingLines());
    assertEquals(4, PoolPlanner.viewOf(pool, pacers, 0).loggedInAgents());
    assertEquals(8, PoolPlanner.viewOf(pool, pacers, 1).ringingLines());
    assertEquals(8, PoolPlanner.viewOf(pool, pacers, 1).loggedInAgents());
    // the counted lines are spread over the other campaign's lines: its oldest is among them
    assertEquals(T0 - 5_000, PoolPlanner.viewOf(pool, pacers, 0).ringingSince(2));
  }

  /** A campaign's view says whether its agents also take another campaign's calls: it then keeps the pool's margin. */
  @Test
  void aViewSaysWhetherItsAgentsAreShared() {
    List<CampaignPacer> pacers = List.of(predictive(), predictive());
    FakePool mixed = new FakePool(2).agents(4, Activity.FREE, T0, 1).agents(1, Activity.TALKING, T0, 0, 1);
    assertTrue(PoolPlanner.viewOf(mixed, pacers, 0).agentsShared());
    assertTrue(PoolPlanner.viewOf(mixed, pacers, 1).agentsShared());
    FakePool apart = new FakePool(2).agents(3, Activity.FREE, T0, 0).agents(2, Activity.FREE, T0, 1);
    assertFalse(PoolPlanner.viewOf(apart, pacers, 0).agentsShared());
    assertFalse(PoolPlanner.viewOf(apart, pacers, 1).agentsShared());
    FakePool alone = new FakePool(1).agents(3, Activity.FREE, T0, 0);
    assertFalse(PoolPlanner.viewOf(alone, List.of(predictive()), 0).agentsShared());
  }

  @Test
  void aProgressiveCampaignCountsEveryLineOfTheAgentsItSharesWhole() {
    // as above, progressive: campaign 0 counts campaign 1's 6 lines whole against its 4 free agents and dials none
    FakePool pool = new FakePool(2).agents(4, Activity.FREE, T0, 1).agents(4, Activity.FREE, T0, 0, 1)
        .ringing(1, 6, T0 - 5_000);
    assertEquals(6, PoolPlanner.viewOf(pool, List.of(progressive(), progressive()), 0).ringingLines());
    assertArrayEquals(new int[] {0, 0}, new PoolPlanner().linesToDial(pool, List.of(progressive(), progressive()), T0),
        "an answer of campaign 1 may take any of the 4 agents both share: no room for campaign 0");
  }

  @Test
  void anotherCampaignsLinesCountByItsAnswerRateOverThisOnes() {
    // campaign 0's customers answer 15 %, campaign 1's 45 %: each of 1's lines brings three times the answers
    CampaignPacer low = predictiveAnswering(30, 200);
    CampaignPacer high = predictiveAnswering(90, 200);
    FakePool pool = new FakePool(2).agents(6, Activity.FREE, T0, 0, 1).ringing(0, 4, T0 - 2_000)
        .ringing(1, 4, T0 - 2_000);
    int lowSees = PoolPlanner.viewOf(pool, List.of(low, high), 0).ringingLines();
    int highSees = PoolPlanner.viewOf(pool, List.of(low, high), 1).ringingLines();
    assertTrue(lowSees >= 4 + 10 && lowSees <= 4 + 12, "its own 4 and 1's 4 at about three times: " + lowSees);
    assertEquals(4 + 2, highSees, "its own 4 and 0's 4 at about a third, rounded up");
  }

  @Test
  void onePacerPerCampaign() {
    FakePool pool = new FakePool(2).agents(1, Activity.FREE, T0, 0, 1);
    assertThrows(IllegalArgumentException.class, () -> new PoolPlanner().linesToDial(pool, List.of(progressive()), T0));
  }
}
