package io.huifang.dialer;

import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.pbx.ami.AmiClient;
import io.huifang.telephony.AnsweredCalls;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** One campaign being dialled on one PBX, for that PBX's agents: what its pacer knows and what is under way. */
final class PbxRun {
  final CampaignRun campaignRun;
  final AnsweredCalls.Pbx pbx;
  final CampaignPacer pacer;
  /** Attempts dialled and not yet answered or ended, with when they were dialled. */
  final Map<String, Long> ringing = new LinkedHashMap<>();
  /**
   * Answered and not yet joined to an agent: between the answer and the AGI's claim of an agent a call is in
   * neither the ringing lines nor the AGI's waiting list, and must not be forgotten (or the pacer over-dials).
   */
  final Set<String> answered = new LinkedHashSet<>();
  /**
   * Lines hung up by ring cut and not yet ended, with when they were dialled: no longer ringing lines for the pacer;
   * one that answered in the race with the Hangup is an answered call like any other.
   */
  final Map<String, Long> cutting = new LinkedHashMap<>();
  /** Ringing attempts whose line the dialer may end (ring cut): not callbacks, not tasks cut to the cap already. */
  final Set<String> mayCut = new java.util.HashSet<>();
  /** Due tasks asked for and not yet originated. */
  int requesting;
  long dialled;

  PbxRun(CampaignRun campaignRun, AnsweredCalls.Pbx pbx, CampaignPacer pacer) {
    this.campaignRun = campaignRun;
    this.pbx = pbx;
    this.pacer = pacer;
  }

  long campaignId() {
    return campaignRun.id();
  }

  /**
   * The PBX can take calls from this node: while its AMI connection is away nothing is dialled on it, nor while this
   * node does not hold the PBX's lease (issue 22: another node owns it, or the lease ran out with the database away).
   */
  boolean pbxConnected() {
    return pbx.tracker().ami().state() == AmiClient.State.CONNECTED && pbx.tracker().owned();
  }
}
