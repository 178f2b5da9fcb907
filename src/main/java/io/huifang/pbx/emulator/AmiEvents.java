package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;

/**
 * The AMI events of the simulated world, with the fields and in the order real Asterisk 22 sends them (checked
 * byte for byte against ../shared/asterisk-traces). Every event of a channel goes through here; a hidden channel
 * (the invisible far end of a trunk call) emits nothing.
 */
final class AmiEvents {
  private final World.EventSink sink;

  AmiEvents(World.EventSink sink) {
    this.sink = sink;
  }

  void emit(String cls, AmiMessage m) {
    sink.event(cls, m);
  }

  void chanEvent(String name, String cls, Channel ch, String... extra) {
    if (ch.hidden) {
      return;
    }
    AmiMessage m = ch.block(AmiMessage.event(name, cls));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      m.add(extra[i], extra[i + 1]);
    }
    emit(cls, m);
  }

  void varSet(Channel ch, String var, String value) {
    ch.vars.put(var, value);
    chanEvent("VarSet", "dialplan", ch, "Variable", var, "Value", value);
  }

  void newstate(Channel ch, int state) {
    ch.state = state;
    chanEvent("Newstate", "call", ch);
  }

  void newexten(Channel ch) {
    chanEvent("Newexten", "dialplan", ch, "Extension", ch.exten, "Application", ch.app, "AppData", ch.appData);
  }

  void dialEvent(String name, Call call, String... extra) {
    Channel dest = call.leg1;
    AmiMessage m = AmiMessage.event(name, "call");
    if (call.viaDial != null) {
      call.viaDial.caller.block(m);
    }
    dest.block(m, "Dest");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      m.add(extra[i], extra[i + 1]);
    }
    emit("call", m);
  }

  void hangupEvent(Channel ch, int cause) {
    chanEvent("Hangup", "call", ch, "Cause", Integer.toString(cause), "Cause-txt", causeText(cause));
  }

  void hangupRequest(Channel ch, int cause) {
    chanEvent("HangupRequest", "call", ch, "Cause", Integer.toString(cause));
  }

  void softHangupRequest(Channel ch, int cause) {
    chanEvent("SoftHangupRequest", "call", ch, "Cause", Integer.toString(cause));
  }

  static String causeText(int cause) {
    return switch (cause) {
      case 0 -> "Unknown";
      case 1 -> "Unallocated (unassigned) number";
      case 16 -> "Normal Clearing";
      case 17 -> "User busy";
      case 18 -> "No user responding";
      case 19 -> "User alerting, no answer";
      case 21 -> "Call Rejected";
      case 32 -> "Circuit/channel congestion";
      case 34 -> "Circuit/channel congestion";
      case 38 -> "Network out of order";
      default -> "Unknown";
    };
  }
}
