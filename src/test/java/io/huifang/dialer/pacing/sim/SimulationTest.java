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

  private static Scenario withoutAmdMistakes(Scenario s) {
    return new Scenario(s.name(), s.agents(), s.liveAnswerRates(), s.talkShape(), s.talkMeanSeconds(),
        s.wrapUpMillis(), s.ringMinMillis(), s.ringMaxMillis(), s.noAnswerMillis(), s.machineRate(), 0,
        s.warmUpMillis(), s.measuredMillis());
  }

  @Test
  void progressiveNeverAbandonsWhenAgentsAreFree() {
    SimResult r = new Simulation(withoutAmdMistakes(day(25)),
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

  @Test
  void sameSeedSameDay() {
    SimResult a = new Simulation(day(10), new RatioDialer(1.2), 3).run();
    SimResult b = new Simulation(day(10), new RatioDialer(1.2), 3).run();
    assertEquals(a, b);
  }
}
