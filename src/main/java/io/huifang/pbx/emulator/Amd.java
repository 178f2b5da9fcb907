package io.huifang.pbx.emulator;

/**
 * AMD(): tells a person from an answering machine by how long the far end talks first after answering (the
 * scenario's greeting): silence or a long greeting is a machine, a short one a person; AMDSTATUS and AMDCAUSE are
 * set after the time app_amd would take to decide.
 */
final class Amd {
  private final World w;
  private final Scenario scenario;

  Amd(World w) {
    this.w = w;
    this.scenario = w.scenario;
  }

  void detect(Channel ch) {
    Channel far = ch.peer;
    String status;
    String cause;
    double after;
    double greeting = greetingLength(far);
    if (greeting < 0) {
      status = "MACHINE";
      cause = "INITIALSILENCE-2500-2500";
      after = 2.5;
    } else if (greeting > 1.5) {
      status = "MACHINE";
      cause = "MAXWORDS-3-2";
      after = 2.46;
    } else {
      status = "HUMAN";
      cause = "HUMAN-808-800";
      after = 1.83;
    }
    w.interpreter.waitThen(ch, after, () -> {
      w.events.varSet(ch, "AMDSTATUS", status);
      w.events.varSet(ch, "AMDCAUSE", cause);
      w.interpreter.next(ch);
    });
  }

  /** How long the far end talks first after answering (its first Playback), or -1 for silence. */
  private static double greetingLengthOf(Program p, Scenario sc) {
    if (p == null) {
      return -1;
    }
    for (int i = p.pc; i < p.steps.size(); i++) {
      Dialplan.Step s = p.steps.get(i);
      if (s.app().equalsIgnoreCase("Playback")) {
        return sc.soundLength(s.data());
      }
      if (s.app().equalsIgnoreCase("Hangup")) {
        break;
      }
    }
    return -1;
  }

  private double greetingLength(Channel far) {
    if (far == null) {
      return -1;
    }
    // The far end may already be past its Playback step; look at the whole program.
    Program p = far.program;
    if (p == null) {
      return -1;
    }
    Program whole = new Program(p.context, p.exten, p.steps, p.hidden);
    return greetingLengthOf(whole, scenario);
  }
}
