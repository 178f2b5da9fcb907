package io.huifang.telephony;

import java.util.Set;

/**
 * What happens to the calls of one PBX, in the order it happens, told on the telephony context by
 * {@link CallTracker#subscribe}. One stream instead of a listener list per kind: a subscriber sees every kind in
 * the order the tracker saw them, and a new kind is one more record here.
 */
public sealed interface CallEvent {
  /** An Originate is going out (the desk loads the customer's screen while the phone rings). */
  record Originating(Attempt attempt) implements CallEvent {
  }

  /** A person (or a machine) answered. */
  record Answered(Attempt attempt) implements CallEvent {
  }

  /** The customer's channel entered the bridge with an agent (recording starts). */
  record Bridged(Attempt attempt) implements CallEvent {
  }

  /** The attempt ended and its end was written (once per attempt). */
  record Ended(Attempt attempt) implements CallEvent {
  }

  /** After a (re)connect: the Uniqueids of every channel up on the PBX (agents' lines reconcile). */
  record Resynced(Set<String> liveChannels) implements CallEvent {
  }
}
