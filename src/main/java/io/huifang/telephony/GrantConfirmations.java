package io.huifang.telephony;

/**
 * The answer's lease check without a database round trip on the answer (issue 22, docs/cluster.md "Fencing the
 * originate"). The check exists for the window between an attempt's row and its Originate: a node frozen there, the
 * PBX taken by another node meanwhile, must not give the customer an agent. The database closes that window as well
 * when it says the grant is still current <em>after</em> the Originate went out as when it says so at the answer: a
 * grant current after the Originate left was current when it left. So the tracker asks the database about its
 * current grant now and then (at most one question at a time, only when Originates went out since the last answer),
 * and an answer is decided here when such a confirmation, asked after the call's Originate was sent, said "current"
 * for the call's grant, and this node still holds that grant now (its lease's own clock: a grant ends here before
 * the database could hand it to another node). Anything else is asked of the database at the answer, as before.
 *
 * <p>Order is by a sequence number, one per Originate sent and per question asked, on the tracker's context: no clock
 * decides. Not thread-safe: the tracker's context only.
 */
final class GrantConfirmations {
  /** Sequence of Originates sent and questions asked. */
  private long seq;
  /** The latest Originate's number; 0 before any. */
  private long lastOriginate;
  /** The grant the latest "current" answer was about, and the number its question was asked at (0: none). */
  private long confirmedEpoch;
  private long confirmedAt;
  private boolean asking;

  /** An Originate is being sent now: its number, to keep with the call. */
  long originateSent() {
    lastOriginate = ++seq;
    return lastOriginate;
  }

  /**
   * Whether to ask the database about grant {@code epoch} now: an Originate went out since the latest confirmation of
   * that grant was asked, and no question is under way.
   */
  boolean due(long epoch) {
    if (epoch <= 0 || asking) {
      return false;
    }
    return epoch != confirmedEpoch || lastOriginate > confirmedAt;
  }

  /** A question about the current grant is sent now: its number, to give back with the answer. */
  long asking() {
    asking = true;
    return ++seq;
  }

  /** The database's answer to the question asked at {@code askedAt} about grant {@code epoch}. */
  void answered(long epoch, long askedAt, boolean current) {
    asking = false;
    confirmed(epoch, askedAt, current);
  }

  /** The question could not be answered (the database away): nothing learned. */
  void unanswered() {
    asking = false;
  }

  /**
   * An answer about grant {@code epoch} to a question asked at {@code askedAt} ({@code 0}: an answered call's own
   * question, which only ever withdraws): "current" vouches for the calls sent before it; "not current" withdraws every
   * vouch for that grant.
   */
  void confirmed(long epoch, long askedAt, boolean current) {
    if (!current) {
      if (epoch == confirmedEpoch) {
        confirmedEpoch = 0;
        confirmedAt = 0;
      }
      return;
    }
    // a later grant replaces an earlier one (epochs only grow); an answer about an earlier grant teaches nothing new
    if (askedAt > 0 && (epoch > confirmedEpoch || (epoch == confirmedEpoch && askedAt > confirmedAt))) {
      confirmedEpoch = epoch;
      confirmedAt = askedAt;
    }
  }

  /**
   * Whether the database said grant {@code epoch} was current in answer to a question asked after the Originate
   * numbered {@code originate} was sent (0: a call not sent by this process, never vouched for).
   */
  boolean vouches(long epoch, long originate) {
    return originate > 0 && epoch > 0 && epoch == confirmedEpoch && confirmedAt > originate;
  }
}
