package io.huifang.dialer.pacing.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.DialMode;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.PacingSettings;
import org.junit.jupiter.api.Test;

/** Short simulated days through the server's own pacer. */
class SimulationTest {
  private static Scenario day(int agents) {
    return Scenario.of(agents, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120)
        .withMeasured(30 * 60_000L, 2 * 3_600_000L);
  }

  @Test
  void progressiveNeverAbandonsWhenAgentsAreFree() {
    SimResult r = new Simulation(day(25).withoutAmdMistakes(),
        new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), OriginateThrottle.unlimited()), 5).run();
    assertTrue(r.liveAnswers() > 500);
    assertEquals(0, r.abandons());
  }

  @Test
  void predictiveHoldsTheBoundAndKeepsAgentsBusy() {
    SimResult predictive = new Simulation(day(50),
        new CampaignPacer(PacingSettings.defaults(DialMode.PREDICTIVE).withAmdAllowance(0.002),
            OriginateThrottle.unlimited()), 11).run();
    SimResult progressive = new Simulation(day(50),
        new CampaignPacer(PacingSettings.defaults(DialMode.PROGRESSIVE), OriginateThrottle.unlimited()), 11).run();
    assertTrue(predictive.worstHourRate() <= 0.03, "worst hour " + predictive.worstHourRate());
    assertTrue(predictive.busyShare() >= 0.85, "busy share " + predictive.busyShare());
    assertTrue(predictive.busyShare() > progressive.busyShare() + 0.15);
  }

  /**
   * A campaign's first minutes count too: the rolling hour that ends 3 minutes after the start holds those 3 minutes.
   * 100 agents, 55 % answering, long calls: the earlier pacer abandoned 19 customers in its second minute (15 %).
   */
  @Test
  void aYoungCampaignOfAHundredAgentsIsUnderTheTargetFromItsFirstMinutes() {
    Scenario s = Scenario.of(100, new double[] {0.55}, Scenario.TalkShape.LOGNORMAL, 240).withoutAmdMistakes();
    for (long minutes : new long[] {2, 3, 5, 10}) {
      SimResult r = new Simulation(s.withMeasured(0, minutes * 60_000L),
          new CampaignPacer(PacingSettings.defaults(DialMode.PREDICTIVE).withAmdAllowance(0.002),
              OriginateThrottle.unlimited()), 505).run();
      assertTrue(r.liveAnswers() > 100);
      assertTrue(r.abandonRate() <= 0.03, "first " + minutes + " min: " + r.abandons() + " abandons in "
          + r.liveAnswers() + " answers");
    }
  }

  /** The server's pacer on the same customers decides the same way: a day is repeatable from its seed. */
  @Test
  void sameSeedSameDay() {
    SimResult a = new Simulation(day(10), predictive(), 3).run();
    SimResult b = new Simulation(day(10), predictive(), 3).run();
    SimResult other = new Simulation(day(10), predictive(), 4).run();
    assertTrue(a.abandons() > 0 && a.liveAnswers() > 100, "a day with answers and abandons: " + a);
    assertEquals(a, b);
    assertTrue(!a.equals(other), "another seed is another day");
  }

  private static CampaignPacer predictive() {
    return new CampaignPacer(PacingSettings.defaults(DialMode.PREDICTIVE), OriginateThrottle.unlimited());
  }
}
