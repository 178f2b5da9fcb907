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

  /**
   * This node took the PBX over under lease epoch {@code epoch} (issue 22: the owner died or lost its lease) and has
   * adopted its calls: {@code channels} are the PBX's channels up (Uniqueid to channel name), {@code live} every
   * attempt the tracker now follows (the dead owner's bridged calls among them). Told once per epoch, before
   * {@link CallTracker#owned()} lets anything dial under it: the agents' lines and the dialer's abandon figures are
   * taken over first. {@code endedUnseen}: the calls given to an agent that ended while no node watched (the customer
   * hung up between the owner's death and this take-over); their {@link Ended} follows, once each is written.
   */
  record TakenOver(long epoch, java.util.Map<String, String> channels, java.util.List<Attempt> live,
                   java.util.List<Attempt> endedUnseen) implements CallEvent {
  }
}
