package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.campaign.Campaign;
import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.dialer.pacing.DialMode;
import io.huifang.dialer.pacing.PacingSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A campaign whose abandonment history could not be read dials progressively until its own hour is whole. */
class DialerPacingTest {
  private static final long NOW = 1_760_000_000_000L;

  @Test
  void predictiveDialsProgressivelyForTheHourAfterItsHistoryWasLost() {
    Campaign predictive = campaign("predictive");
    long until = NOW + AbandonStats.HOUR;
    assertEquals(DialMode.PROGRESSIVE, CampaignRun.pacing(predictive, until, NOW).mode());
    assertEquals(DialMode.PROGRESSIVE, CampaignRun.pacing(predictive, until, until - 1).mode());
    assertEquals(DialMode.PREDICTIVE, CampaignRun.pacing(predictive, until, until).mode());
    assertEquals(0.03, CampaignRun.pacing(predictive, until, NOW).targetAbandonRate(), 1e-12,
        "the supervisors' target is kept");
  }

  @Test
  void withItsHistoryOrInAnotherModeTheCampaignDialsAsSet() {
    assertEquals(DialMode.PREDICTIVE, CampaignRun.pacing(campaign("predictive"), Long.MIN_VALUE, NOW).mode());
    assertEquals(DialMode.PROGRESSIVE,
        CampaignRun.pacing(campaign("progressive"), NOW + AbandonStats.HOUR, NOW).mode());
  }

  /**
   * The campaign's answering-machine detection sets the pacer's allowance for AMD mistakes, through the same
   * {@code PacingSettings.forCampaign} the benchmark runs.
   */
  @Test
  void aCampaignWithAnsweringMachineDetectionKeepsAnAllowanceForItsMistakes() {
    Campaign off = campaign("predictive");
    Campaign on = Campaign.fromJson(new JsonObject().put("amd", true), off);
    assertEquals(false, off.amd(), "off by default");
    assertEquals(0, CampaignRun.settings(off).amdFalsePositiveAllowance(), 1e-12);
    assertEquals(PacingSettings.AMD_ALLOWANCE, CampaignRun.settings(on).amdFalsePositiveAllowance(), 1e-12);
    assertEquals(PacingSettings.forCampaign(DialMode.PREDICTIVE, 0.03, true), CampaignRun.settings(on));
    Campaign lowTarget = Campaign.fromJson(new JsonObject().put("abandonTarget", 0.2), on);
    assertEquals(0.002, CampaignRun.settings(lowTarget).amdFalsePositiveAllowance(), 1e-12,
        "never more than the target");
  }

  /**
   * Ring cut is the campaign's switch, off by default, passed to the pacer through {@code PacingSettings.forCampaign};
   * a value that is not true or false is refused naming the field.
   */
  @Test
  void ringCutIsTheCampaignsSwitchOffByDefault() {
    Campaign off = campaign("predictive");
    Campaign on = Campaign.fromJson(new JsonObject().put("ringCut", true), off);
    assertEquals(false, off.ringCut(), "off by default");
    assertEquals(false, CampaignRun.settings(off).ringCut());
    assertEquals(true, CampaignRun.settings(on).ringCut());
    assertEquals(PacingSettings.forCampaign(DialMode.PREDICTIVE, 0.03, false, true), CampaignRun.settings(on));
    assertEquals(true, on.toJson().getBoolean("ringCut"));
    assertEquals(true, Campaign.fromJson(new JsonObject().put("amd", true), on).ringCut(), "kept when left out");
    io.huifang.core.Invalid bad = org.junit.jupiter.api.Assertions.assertThrows(io.huifang.core.Invalid.class,
        () -> Campaign.fromJson(new JsonObject().put("ringCut", "yes"), off));
    assertEquals("ringCut", bad.field());
  }

  /**
   * A cut line's end goes to its task as a ring cut (its own retry), also when found after a crash; a line that
   * reached an agent waits for the agent's disposition as ever.
   */
  @Test
  void aRingCutReachesTheSchedulerAsItsOwnOutcome() {
    assertEquals(io.huifang.campaign.schedule.Outcome.Kind.RING_CUT, DialerService.outcomeForScheduler(
        io.huifang.telephony.AttemptOutcome.RING_CUT, false).kind());
    for (io.huifang.telephony.AttemptOutcome o : io.huifang.telephony.AttemptOutcome.values()) {
      assertEquals(o == io.huifang.telephony.AttemptOutcome.ANSWERED_HUMAN,
          DialerService.outcomeForScheduler(o, true) == null, o.name());
    }
  }

  private static Campaign campaign(String mode) {
    return Campaign.fromJson(new JsonObject().put("name", "预测外呼").put("kind", "csi")
        .put("dealerIds", new JsonArray().add(1)).put("dialMode", mode).put("abandonTarget", 3), null);
  }
}
