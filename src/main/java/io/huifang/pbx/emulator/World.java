package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulated PBX: its channels and what they share (clock, scenario, dialplan, globals, recordings), and the
 * parts that act on them: {@link Originator} (new calls and their outcomes), {@link DialplanInterpreter},
 * {@link Bridges}, {@link Amd}, {@link MixMonitors}, {@link Hangups}, all emitting through {@link AmiEvents} in
 * the order real Asterisk 22 emits them (see ../shared/asterisk-traces). Single-threaded: every method runs on
 * the emulator's event-loop context.
 */
final class World {
  interface EventSink {
    void event(String eventClass, AmiMessage event);
  }

  static final String VERSION = "22.10.1";

  final Vertx vertx;
  final SimClock clock;
  final Scenario scenario;
  final Dialplan dialplan;
  final EmulatorOptions options;
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  final Map<String, String> globals = new LinkedHashMap<>();
  private final long idEpoch;
  private long uniqueCounter;
  private int localCounter;
  final Recordings recordings;
  final AmiEvents events;
  final Originator originator;
  final DialplanInterpreter interpreter;
  final Bridges bridges;
  final Amd amd;
  final MixMonitors mixMonitors;
  final Hangups hangups;
  final Spies spies;
  private io.vertx.core.net.NetClient agiClient;

  World(Vertx vertx, SimClock clock, Scenario scenario, Dialplan dialplan, EmulatorOptions options, EventSink sink) {
    this.vertx = vertx;
    this.clock = clock;
    this.scenario = scenario;
    this.dialplan = dialplan;
    this.options = options;
    this.events = new AmiEvents(sink);
    this.idEpoch = clock.nowMillis() / 1000;
    this.recordings = new Recordings(vertx, clock);
    globals.put("REC_DIR", options.recordingsDir() == null ? "/tmp" : options.recordingsDir().toString());
    String agi = options.agiUrl() == null ? "" : options.agiUrl();
    while (agi.endsWith("/")) {
      agi = agi.substring(0, agi.length() - 1);
    }
    globals.put("AGI_BASE", agi);
    // The production dialplan (dialplans/extensions.conf) names these in its [globals].
    globals.put("HUIFANG_AGI", agi);
    globals.put("HUIFANG_REC", globals.get("REC_DIR"));
    globals.put("AGI_URL", agi.isEmpty() ? "" : agi + "/survey");
    this.originator = new Originator(this);
    this.interpreter = new DialplanInterpreter(this);
    this.bridges = new Bridges(this);
    this.amd = new Amd(this);
    this.mixMonitors = new MixMonitors(this);
    this.hangups = new Hangups(this);
    this.spies = new Spies(this);
  }

  io.vertx.core.net.NetClient agiClient() {
    if (agiClient == null) {
      agiClient = vertx.createNetClient(new io.vertx.core.net.NetClientOptions().setConnectTimeout(5000)
          .setTcpNoDelay(true));
    }
    return agiClient;
  }

  void closeClients() {
    if (agiClient != null) {
      agiClient.close();
      agiClient = null;
    }
  }

  /** Read from any thread (leak checks); written only on the event loop. */
  private volatile int live;

  int liveChannels() {
    return live;
  }

  void redirect(Channel c, Program p) {
    if (c.bridge != null) {
      Bridge br = c.bridge;
      c.resumePc = -1;
      c.program = p;
      bridges.leave(c);
      if (br != null && c.program != p) {
        return;
      }
    }
    interpreter.cancelTimers(c);
    if (c.agi != null) {
      AgiRunner a = c.agi;
      c.agi = null;
      a.channelReleased();
    }
    c.dtmfWaiter = null;
    c.program = p;
    c.resumePc = -1;
    vertx.runOnContext(v -> interpreter.next(c));
  }

  long processedCalls() {
    return originator.processedCalls();
  }

  Collection<Channel> channels() {
    return channels.values();
  }

  Channel find(String name) {
    if (name == null) {
      return null;
    }
    Channel c = channels.get(name);
    if (c == null) {
      for (Channel ch : channels.values()) {
        if (ch.name.equalsIgnoreCase(name)) {
          return ch;
        }
      }
      // Then by Uniqueid, as Asterisk's ast_channel_get_by_name does (every action naming a Channel: Hangup,
      // Getvar, Redirect...): a channel whose name is not known yet can be named by the ChannelId it was given.
      for (Channel ch : channels.values()) {
        if (name.equals(ch.uniqueid)) {
          return ch;
        }
      }
    }
    return c;
  }

  private String nextUniqueid() {
    return idEpoch + "." + (uniqueCounter++);
  }

  /** Removes a hung-up channel and everything it owns (timers, recordings, AGI socket). */
  void release(Channel ch) {
    if (ch.hungUp) {
      return;
    }
    ch.hungUp = true;
    ch.dying = true;
    interpreter.cancelTimers(ch);
    interpreter.clearAbsoluteTimeout(ch);
    ch.dtmfWaiter = null;
    if (ch.recording != null) {
      recordings.stop(ch.recording);
      ch.recording = null;
    }
    if (ch.bridge != null) {
      bridges.leave(ch);
    }
    if (ch.agi != null) {
      ch.agi.channelReleased();
    }
    // Every path to a Hangup event says ChanSpyStop first (Hangups); this only forgets what is left.
    spies.spyerLeaving(ch);
    spies.spyeeGone(ch);
    channels.remove(ch.name);
    live = channels.size();
    Call call = ch.call;
    if (call != null && call.timeoutTimer >= 0 && call.leg1.hungUp && call.leg2.hungUp) {
      originator.cancelOriginateTimer(call);
    }
    if (ch.peer != null && ch.peer.hidden && !ch.peer.hungUp) {
      // The invisible far end of a trunk call goes with its channel.
      Channel far = ch.peer;
      far.hungUp = true;
      interpreter.cancelTimers(far);
    }
  }

  // ------------------------------------------------------------------ the basic verbs, used by every part

  /** Sets a channel variable, with its VarSet event. */
  void varSet(Channel ch, String var, String value) {
    events.varSet(ch, var, value);
  }

  /** Runs the channel's next dialplan step. */
  void next(Channel ch) {
    interpreter.next(ch);
  }

  void waitThen(Channel ch, double seconds, Runnable then) {
    interpreter.waitThen(ch, seconds, then);
  }

  void cancelTimers(Channel ch) {
    interpreter.cancelTimers(ch);
  }

  String expand(Channel ch, String s) {
    return interpreter.expand(ch, s);
  }

  String variable(Channel ch, String name) {
    return interpreter.variable(ch, name);
  }

  // ------------------------------------------------------------------ helpers

  /** Splits "a,b(x,y),c" at top-level commas. */
  static String[] splitArgs(String data) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : data.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out.toArray(new String[0]);
  }

  static double parseSeconds(String s, double dflt) {
    try {
      return Double.parseDouble(s.split(",")[0].trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  static int parseInt(String s, int dflt) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  /** Asterisk's ast_true (main/utils.c): yes, true, y, t, 1, on, in any case. */
  static boolean isTrue(String s) {
    return s != null && java.util.Set.of("yes", "true", "y", "t", "1", "on").contains(s.toLowerCase(Locale.ROOT));
  }

  /** Asterisk's ast_false: no, false, n, f, 0, off, in any case (an empty value is neither). */
  static boolean isFalse(String s) {
    return s != null && java.util.Set.of("no", "false", "n", "f", "0", "off").contains(s.toLowerCase(Locale.ROOT));
  }

  /** Shuts everything down without events (the emulator is going away). */
  void clear() {
    for (Channel ch : new ArrayList<>(channels.values())) {
      interpreter.cancelTimers(ch);
      interpreter.clearAbsoluteTimeout(ch);
      if (ch.agi != null) {
        ch.agi.channelReleased();
      }
      if (ch.recording != null) {
        recordings.stop(ch.recording);
        ch.recording = null;
      }
      ch.hungUp = true;
      if (ch.peer != null) {
        interpreter.cancelTimers(ch.peer);
      }
    }
    channels.clear();
    live = 0;
  }

  void emitUserEvent(AmiMessage m) {
    events.emit("user", m);
  }

  void emitCall(AmiMessage m) {
    events.emit("call", m);
  }

  void emitAgi(Channel ch, String name, String... extra) {
    events.chanEvent(name, "agi", ch, extra);
  }

  void emitSoftHangup(Channel ch, int cause) {
    events.softHangupRequest(ch, cause);
  }

  void emitNewstate(Channel ch) {
    events.chanEvent("Newstate", "call", ch);
  }

  void emitHangupRequest(Channel ch, int cause) {
    events.hangupRequest(ch, cause);
  }

  void emitHangup(Channel ch, int cause) {
    events.hangupEvent(ch, cause);
  }

  void emitChannel(String name, String cls, Channel ch, String... extra) {
    events.chanEvent(name, cls, ch, extra);
  }

  void register(Channel ch) {
    channels.put(ch.name, ch);
    live = channels.size();
  }

  String newUniqueid() {
    return nextUniqueid();
  }

  String newLocalHex() {
    return String.format(Locale.ROOT, "%08x", localCounter++);
  }

  void startProgram(Channel ch, Dialplan.Extension e, String ctx, String exten) {
    ch.program = new Program(ctx, exten, e.steps(), ch.hidden);
    interpreter.next(ch);
  }

  Program programFor(String ctx, String exten) {
    Dialplan.Extension e = dialplan.find(ctx, exten);
    return e == null ? null : new Program(ctx, exten, e.steps(), false);
  }
}
