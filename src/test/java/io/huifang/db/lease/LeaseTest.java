package io.huifang.db.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lease's decisions on a fake clock (ms): lease 10 s, renewal every 3 s, stop acting 1 s before the end. */
class LeaseTest {
  final Lease lease = new Lease("pbx:a", 10_000, 3_000, 1_000);

  @Test
  void aNewLeaseIsTakenAtOnceAndActsUntilItsGrantEndsLessTheMargin() {
    assertFalse(lease.held(0));
    assertEquals(Lease.Ask.TAKE, lease.next(0));
    long sent = lease.asking(0);
    assertEquals(Lease.Ask.NOTHING, lease.next(500), "one request at a time");
    lease.granted(1, sent);
    assertTrue(lease.held(500));
    assertEquals(1, lease.epoch(500));
    assertTrue(lease.held(8_999));
    assertFalse(lease.held(9_000), "9 s after the request was sent: 10 s lease less 1 s margin");
    assertEquals(0, lease.epoch(9_000));
  }

  @Test
  void aLeaseAnotherNodeHoldsIsAskedForEverySecondSoThatADeadHoldersIsTakenWithinASecondOfItsEnd() {
    long sent = lease.asking(0);
    lease.refused(sent);
    assertEquals(Lease.Ask.NOTHING, lease.next(999));
    assertEquals(Lease.Ask.TAKE, lease.next(1_000), "a third of the renewal period");
    lease.refused(lease.asking(1_000));
    assertEquals(Lease.Ask.TAKE, lease.next(2_000));
  }

  @Test
  void theGrantCountsFromWhenTheRequestWasSentNotFromTheAnswer() {
    long sent = lease.asking(0);
    lease.granted(4, sent); // the answer came late, at 2 s: the database's 10 s may have started at 0
    assertFalse(lease.held(9_000));
  }

  @Test
  void aHolderRenewsEveryThreeSecondsAndKeepsTheLease() {
    lease.granted(1, lease.asking(0));
    assertEquals(Lease.Ask.NOTHING, lease.next(2_999));
    for (long t = 3_000; t <= 60_000; t += 3_000) {
      assertEquals(Lease.Ask.RENEW, lease.next(t), "at " + t);
      lease.renewed(lease.asking(t));
      assertTrue(lease.held(t + 2_999));
      assertEquals(1, lease.epoch(t + 2_999), "renewals keep the epoch");
    }
  }

  @Test
  void aHolderWhoseRenewalsGoUnansweredStopsActingAtTheEndOfItsLastGrant() {
    lease.granted(1, lease.asking(0));
    lease.renewed(lease.asking(3_000)); // acts until 12 s
    lease.unanswered(lease.asking(6_000)); // the database away
    assertTrue(lease.held(11_999));
    assertEquals(Lease.Ask.RENEW, lease.next(9_000));
    lease.unanswered(lease.asking(9_000));
    assertFalse(lease.held(12_000), "no grant renewed since 3 s: stops at 3 + 10 - 1");
    assertEquals(Lease.Ask.TAKE, lease.next(12_000), "asks for it again, as a new grant");
  }

  @Test
  void aRenewalThatNeverComesBackStopsTheHolderToo() {
    lease.granted(1, lease.asking(0));
    lease.asking(3_000); // sent, no answer at all (frozen connection)
    assertEquals(Lease.Ask.NOTHING, lease.next(6_000));
    assertFalse(lease.held(9_000));
    assertEquals(Lease.Ask.TAKE, lease.next(13_000), "given up on after a lease time");
  }

  @Test
  void aRefusedRenewalLosesTheLeaseAtOnce() {
    lease.granted(1, lease.asking(0));
    lease.refused(lease.asking(3_000)); // another holder has it: epoch 2 elsewhere
    assertFalse(lease.held(3_001));
    assertEquals(0, lease.epoch(3_001));
  }

  @Test
  void eachNewGrantHasTheEpochTheDatabaseGaveAndAnAnswerToAnAbandonedRequestIsIgnored() {
    lease.granted(1, lease.asking(0));
    long lost = lease.asking(3_000); // never answered
    long again = lease.asking(14_000);
    lease.granted(2, again);
    assertEquals(2, lease.epoch(14_001));
    lease.refused(lost); // the late answer to the old renewal
    assertTrue(lease.held(14_001), "a stale answer does not undo the newer grant");
    assertEquals(2, lease.epoch(14_001));
  }

  @Test
  void releaseGivesTheEpochBackToTellTheDatabase() {
    lease.granted(7, lease.asking(0));
    assertEquals(7, lease.release());
    assertFalse(lease.held(1));
    assertEquals(0, lease.release());
  }

  @Test
  void renewalsMustFitInTheLease() {
    assertThrows(IllegalArgumentException.class, () -> new Lease("x", 3_000, 3_000, 0));
    assertThrows(IllegalArgumentException.class, () -> new Lease("x", 10_000, 3_000, 7_000));
  }
}
