package io.huifang.pbx.emulator;

import java.util.List;
import java.util.SplittableRandom;

/** One Originate: the dialer's leg, the Local ;2 half (or a hidden far end), and how it resolves. */
final class Call {
  final long id;
  final SplittableRandom rng;
  String actionId;
  boolean sync;
  /** For a synchronous Originate: called once with true (answered) or false (failed). */
  java.util.function.Consumer<Boolean> syncDone;
  String requested;
  String dialString;
  String number;
  String targetContext;
  String targetExten;
  int targetPriority = 1;
  String application;
  String appData;
  List<String[]> variables;
  Channel leg1;
  Channel leg2;
  Scenario.Plan plan;
  boolean answered;
  boolean resolved;
  long timeoutTimer = -1;
  Double agentHangsUpAfter;
  /** Non-null when this pair was created by a Dial() app rather than by an Originate. */
  Dialer viaDial;

  Call(long id, SplittableRandom rng) {
    this.id = id;
    this.rng = rng;
  }
}
