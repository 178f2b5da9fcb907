package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A simulated channel. Only touched on the emulator's event-loop thread. */
final class Channel {
  static final int DOWN = 0;
  static final int RING = 4;
  static final int RINGING = 5;
  static final int UP = 6;
  static final int BUSY = 7;

  final String name;
  final String uniqueid;
  final String linkedid;
  final String type;
  final double createdAt;
  final Call call;
  /** 1 for the dialer's leg (;1 or the only leg), 2 for the Local ;2 half. */
  final int half;
  int state;
  String cidNum = "<unknown>";
  String cidName = "<unknown>";
  String connNum = "<unknown>";
  String connName = "<unknown>";
  String context;
  String exten;
  int priority = 1;
  String app = "";
  String appData = "";
  final Map<String, String> vars = new LinkedHashMap<>();
  Channel peer;
  Bridge bridge;
  Program program;
  /** Timers this channel owns; all are cancelled when it goes away, so no callback outlives it. */
  final List<Long> timers = new ArrayList<>(4);
  boolean hungUp;
  /** Soft-hangup requested (peer gone) while an app such as AGI still runs. */
  boolean dying;
  int pendingCause = 16;
  AgiRunner agi;
  Recordings.Recording recording;
  final StringBuilder dtmf = new StringBuilder();
  Runnable dtmfWaiter;
  boolean agentLine;
  /** The simulated far end of a non-Local channel: it runs a program but shows no events. */
  boolean hidden;
  /** Program index to resume at when a Bridge action releases this channel. */
  int resumePc = -1;
  /** Set while the channel runs an app that can be interrupted (Playback: PLAYBACKSTATUS on hangup). */
  boolean inPlayback;
  /** Set on both the caller and the callee's ;1 while a Dial() app connects them. */
  Dialer dialer;
  /** Set while the channel runs ChanSpy (Asterisk's AST_FLAG_SPYING: nobody can spy on it meanwhile). */
  Spies.Spy spy;
  /** The ChanSpy channels spying on this one. */
  final List<Channel> spiedBy = new ArrayList<>(0);
  /** The wall-clock timer of Set(TIMEOUT(absolute)=N) (Asterisk's whentohangup), -1 when none is set. */
  long absoluteTimer = -1;
  /**
   * The absolute timeout came (Asterisk's AST_SOFTHANGUP_TIMEOUT flag): the dialplan goes to {@code T} (or {@code e})
   * when the running application returns.
   */
  boolean timedOut;
  /** The reason of the last exception raised on the channel (${EXCEPTION(reason)}), e.g. ABSOLUTETIMEOUT. */
  String exception;

  Channel(String name, String uniqueid, String linkedid, String type, int half, Call call, double now) {
    this.name = name;
    this.uniqueid = uniqueid;
    this.linkedid = linkedid;
    this.type = type;
    this.half = half;
    this.call = call;
    this.createdAt = now;
  }

  static String stateDesc(int s) {
    return switch (s) {
      case DOWN -> "Down";
      case RING -> "Ring";
      case RINGING -> "Ringing";
      case UP -> "Up";
      case BUSY -> "Busy";
      default -> "Unknown";
    };
  }

  /** The standard channel block, in Asterisk's order, optionally with a prefix (Dest, LocalOne...). */
  AmiMessage block(AmiMessage m, String prefix) {
    return m.add(prefix + "Channel", name)
        .add(prefix + "ChannelState", Integer.toString(state))
        .add(prefix + "ChannelStateDesc", stateDesc(state))
        .add(prefix + "CallerIDNum", cidNum)
        .add(prefix + "CallerIDName", cidName)
        .add(prefix + "ConnectedLineNum", connNum)
        .add(prefix + "ConnectedLineName", connName)
        .add(prefix + "Language", "en")
        .add(prefix + "AccountCode", "")
        .add(prefix + "Context", context)
        .add(prefix + "Exten", exten)
        .add(prefix + "Priority", Integer.toString(priority))
        .add(prefix + "Uniqueid", uniqueid)
        .add(prefix + "Linkedid", linkedid);
  }

  AmiMessage block(AmiMessage m) {
    return block(m, "");
  }
}
