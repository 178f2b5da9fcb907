package io.huifang.dialer.pacing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.huifang.dialer.pacing.PacerView.Activity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool planner's rules, on hand-built pools. */
class PoolPlannerTest {
  private static final long T0 = 1_000_000_000L;

  private static CampaignPacer progressive() {
    return new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), OriginateThrottle.unlimited());
  }

  @Test
  void theFirstCampaignFillsTheSharedAgentsAndTheNextSeesItsLines() {
    FakePool pool = new FakePool(2).agents(4, Activity.FREE, T0, 0, 1);
    assertArrayEquals(new int[] {4, 0}, new PoolPlanner().linesToDial(pool, List.of(progressive(), progressive()), T0));
  }

  @Test
  void eachCampaignCountsOnlyTheAgentsSkilledForIt() {
    // 3 free for campaign 0 only, 2 free for campaign 1 only
    FakePool pool = new FakePool(2).agents(3, Activity.FREE, T0, 0).agents(2, Activity.FREE, T0, 1)
        .agents(4, Activity.TALKING, T0, 0, 1);
    assertArrayEquals(new int[] {3, 0}, new PoolPlanner().linesToDial(pool, List.of(progressive(), progressive()), T0),
        "today's view: campaign 0's 3 lines count against campaign 1's 2 free agents");
  }

  @Test
  void customersWaitingAndLinesRingingOfEveryCampaignCount() {
    FakePool pool = new FakePool(2).agents(5, Activity.FREE, T0, 0, 1).ringing(1, 2, T0 - 3_000).waiting(1, 1);
    assertArrayEquals(new int[] {2, 0}, new PoolPlanner().linesToDial(pool, List.of(progressive(), progressive()), T0));
  }

  @Test
  void campaignsOfEqualPriorityShareThePool() {
    // 4 free agents for both, campaign 0 already has 2 lines ringing: of equal priority, the room left (2) goes to
    // campaign 1, which has none in flight; a strictly higher priority still fills the room first
    FakePool pool = new FakePool(2).agents(4, Activity.FREE, T0, 0, 1).ringing(0, 2, T0 - 1_000);
    assertArrayEquals(new int[] {0, 2}, new PoolPlanner().linesToDial(pool.priorities(5, 5),
        List.of(progressive(), progressive()), T0), "equal priorities: the room goes to the campaign behind");
    assertArrayEquals(new int[] {2, 0}, new PoolPlanner().linesToDial(pool.priorities(4, 5),
        List.of(progressive(), progressive()), T0), "a higher priority goes first");
    // equal priorities and none in flight: the room is handed out in turn, the view's order (the older campaign) first
    FakePool even = new FakePool(2).agents(3, Activity.FREE, T0, 0, 1).priorities(5, 5);
    assertArrayEquals(new int[] {2, 1}, new PoolPlanner().linesToDial(even, List.of(progressive(), progressive()), T0));
  }

  @Test
  void onePacerPerCampaign() {
    FakePool pool = new FakePool(2).agents(1, Activity.FREE, T0, 0, 1);
    assertThrows(IllegalArgumentException.class, () -> new PoolPlanner().linesToDial(pool, List.of(progressive()), T0));
  }
}
