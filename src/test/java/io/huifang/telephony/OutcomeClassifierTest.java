package io.huifang.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.telephony.OutcomeClassifier.Evidence;
import org.junit.jupiter.api.Test;

/** The cases of the Asterisk 22 traces, plus the Q.850 causes a real SIP trunk gives. */
class OutcomeClassifierTest {
  private static AttemptOutcome c(Integer reason, Integer cause, boolean answered, boolean dialBegan, String amd,
                                  boolean abandoned) {
    return OutcomeClassifier.classify(new Evidence(reason, cause, answered, dialBegan, amd, abandoned, false));
  }

  @Test
  void tracesOutcomes() {
    assertEquals(AttemptOutcome.ANSWERED_HUMAN, c(4, 16, true, true, null, false), "02 answered");
    assertEquals(AttemptOutcome.NO_ANSWER, c(0, 19, false, true, null, false), "03a rang out, cause 19");
    assertEquals(AttemptOutcome.NO_ANSWER, c(3, 19, false, true, null, false), "03b originate timeout");
    assertEquals(AttemptOutcome.BUSY, c(5, 17, false, true, null, false), "03c busy");
    assertEquals(AttemptOutcome.CONGESTION, c(8, 34, false, true, null, false), "03d congestion");
    assertEquals(AttemptOutcome.INVALID_NUMBER, c(0, 0, false, false, null, false), "03e invalid extension");
    assertEquals(AttemptOutcome.ANSWERED_HUMAN, c(4, 16, true, true, "HUMAN", false), "06a AMD human");
    assertEquals(AttemptOutcome.ANSWERED_MACHINE, c(4, 16, true, true, "MACHINE", false), "06b AMD machine");
    assertEquals(AttemptOutcome.ABANDONED, c(4, 16, true, true, "HUMAN", true), "no agent within 2 s");
    assertEquals(AttemptOutcome.FAILED,
        OutcomeClassifier.classify(new Evidence(null, null, false, false, null, false, true)), "03f refused");
  }

  /**
   * A line the dialer hung up while it rang is a ring cut (the PBX says Reason 0, cause 16: derived, see
   * docs/pbx-emulator.md), whatever else the ring came to meanwhile; one answered first is an answered call.
   */
  @Test
  void ringCutUnlessTheCustomerAnsweredFirst() {
    assertEquals(AttemptOutcome.RING_CUT, OutcomeClassifier.ringCut(new Evidence(0, 16, false, true, null, false,
        false)), "cut while ringing");
    assertEquals(AttemptOutcome.RING_CUT, OutcomeClassifier.ringCut(new Evidence(0, 19, false, true, null, false,
        false)), "the far end gave up as the cut went out");
    assertEquals(AttemptOutcome.ABANDONED, OutcomeClassifier.ringCut(new Evidence(4, 16, true, true, null, true,
        false)), "answered in the race, hung up before an agent: an abandon, never a ring cut");
    assertEquals(AttemptOutcome.ANSWERED_HUMAN, OutcomeClassifier.ringCut(new Evidence(4, 16, true, true, null, false,
        false)), "answered in the race and joined to an agent");
    assertEquals(AttemptOutcome.ANSWERED_MACHINE, OutcomeClassifier.ringCut(new Evidence(4, 16, true, true, "MACHINE",
        false, false)));
    assertEquals(AttemptOutcome.FAILED, c(0, 16, false, true, null, false), "not cut by the dialer: a failure");
  }

  @Test
  void sipTrunkCauses() {
    assertEquals(AttemptOutcome.INVALID_NUMBER, c(0, 1, false, true, null, false), "unallocated number");
    assertEquals(AttemptOutcome.INVALID_NUMBER, c(0, 28, false, true, null, false), "invalid number format");
    assertEquals(AttemptOutcome.CONGESTION, c(0, 38, false, true, null, false), "network out of order");
    assertEquals(AttemptOutcome.NO_ANSWER, c(0, 18, false, true, null, false), "no user responding");
    assertEquals(AttemptOutcome.BUSY, c(0, 17, false, true, null, false), "busy by cause only");
    assertEquals(AttemptOutcome.FAILED, c(0, 0, false, true, null, false), "cause 0 after dialling began");
    assertEquals(AttemptOutcome.FAILED, c(null, 127, false, true, null, false), "interworking, unspecified");
  }
}
