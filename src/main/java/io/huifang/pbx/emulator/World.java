package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The simulated PBX: channels, their dialplan programs, bridges, and the AMI events they cause, in
 * the order real Asterisk 22 emits them (see ../shared/asterisk-traces). Single-threaded: every method
 * runs on the emulator's event-loop context.
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
  private final EventSink sink;
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  final Map<String, String> globals = new LinkedHashMap<>();
  private final long idEpoch;
  private long uniqueCounter;
  private int localCounter;
  private long callCounter;
  private long processedCalls;
  final Recordings recordings;
  private io.vertx.core.net.NetClient agiClient;

  World(Vertx vertx, SimClock clock, Scenario scenario, Dialplan dialplan, EmulatorOptions options, EventSink sink) {
    this.vertx = vertx;
    this.clock = clock;
    this.scenario = scenario;
    this.dialplan = dialplan;
    this.options = options;
    this.sink = sink;
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
      leaveBridge(c);
      if (br != null && c.program != p) {
        return;
      }
    }
    cancelTimers(c);
    if (c.agi != null) {
      AgiRunner a = c.agi;
      c.agi = null;
      a.channelReleased();
    }
    c.dtmfWaiter = null;
    c.program = p;
    c.resumePc = -1;
    vertx.runOnContext(v -> next(c));
  }

  long processedCalls() {
    return processedCalls;
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
    }
    return c;
  }

  private String nextUniqueid() {
    return idEpoch + "." + (uniqueCounter++);
  }

  // ------------------------------------------------------------------ events

  private void emit(String cls, AmiMessage m) {
    sink.event(cls, m);
  }

  private void chanEvent(String name, String cls, Channel ch, String... extra) {
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

  private void newstate(Channel ch, int state) {
    ch.state = state;
    chanEvent("Newstate", "call", ch);
  }

  private void newexten(Channel ch) {
    chanEvent("Newexten", "dialplan", ch, "Extension", ch.exten, "Application", ch.app, "AppData", ch.appData);
  }

  private void dialEvent(String name, Call call, String... extra) {
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

  private void hangupEvent(Channel ch, int cause) {
    chanEvent("Hangup", "call", ch, "Cause", Integer.toString(cause), "Cause-txt", causeText(cause));
  }

  private void hangupRequest(Channel ch, int cause) {
    chanEvent("HangupRequest", "call", ch, "Cause", Integer.toString(cause));
  }

  private void softHangupRequest(Channel ch, int cause) {
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

  // ------------------------------------------------------------------ originate

  /** Why an Originate was refused before any channel existed; null when accepted. */
  String validateOriginate(AmiMessage action) {
    String chan = action.get("Channel");
    if (chan == null || chan.isEmpty()) {
      return "Channel not specified";
    }
    if (chan.indexOf('/') <= 0) {
      return "Invalid channel";
    }
    String app = action.get("Application");
    if (app == null || app.isEmpty()) {
      String ctx = action.get("Context", "default");
      String exten = action.get("Exten", "s");
      if (dialplan.find(ctx, exten) == null) {
        return "Extension does not exist.";
      }
    }
    return null;
  }

  /** Starts an already-validated Originate. {@code syncDone} is non-null for a synchronous one. */
  void originate(AmiMessage action, Consumer<Boolean> syncDone) {
    long n = callCounter++;
    // One generator per call, derived from the seed and the call's ordinal only, so the world's draws
    // do not depend on how timers of concurrent calls interleave.
    Call call = new Call(n, new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + n * 0xBF58476D1CE4E5B9L));
    call.actionId = action.get("ActionID");
    call.sync = syncDone != null;
    call.syncDone = syncDone;
    String chan = action.get("Channel").trim();
    call.requested = chan;
    call.application = emptyToNull(action.get("Application"));
    call.appData = action.get("Data", "");
    if (call.application == null) {
      call.targetContext = action.get("Context", "default");
      call.targetExten = action.get("Exten", "s");
      try {
        call.targetPriority = Integer.parseInt(action.get("Priority", "1").trim());
      } catch (NumberFormatException e) {
        call.targetPriority = 1;
      }
    }
    List<String[]> vars = new ArrayList<>();
    for (String v : action.getAll("Variable")) {
      for (String part : v.split(",")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          vars.add(new String[] {part.substring(0, eq).trim(), part.substring(eq + 1)});
        }
      }
    }
    call.variables = vars;
    double timeout = 30.0;
    try {
      timeout = Long.parseLong(action.get("Timeout", "30000").trim()) / 1000.0;
    } catch (NumberFormatException ignored) {
      // Asterisk falls back to its default as well
    }
    String[] cid = parseCallerId(action.get("CallerID"));
    String tech = chan.substring(0, chan.indexOf('/'));
    String rest = chan.substring(chan.indexOf('/') + 1);
    boolean local = tech.equalsIgnoreCase("Local");
    String hex = String.format(Locale.ROOT, "%08x", localCounter++);
    String number;
    String farContext;
    if (local) {
      String r = rest;
      int slash = r.indexOf('/');
      if (slash >= 0) {
        r = r.substring(0, slash);
      }
      int at = r.indexOf('@');
      number = at < 0 ? r : r.substring(0, at);
      farContext = at < 0 ? "default" : r.substring(at + 1);
      call.dialString = r;
    } else {
      int at = rest.indexOf('@');
      number = at < 0 ? rest : rest.substring(0, at);
      int slash = number.lastIndexOf('/');
      if (slash >= 0) {
        number = number.substring(slash + 1);
      }
      if (number.startsWith("sip:")) {
        number = number.substring(4);
      }
      farContext = at < 0 ? "sim-customers" : "sim-customers";
      call.dialString = rest;
    }
    call.number = number;
    processedCalls++;
    String uid1 = emptyToNull(action.get("ChannelId"));
    String uid2 = emptyToNull(action.get("OtherChannelId"));
    if (uid1 == null) {
      uid1 = nextUniqueid();
    }
    if (uid2 == null) {
      uid2 = local ? nextUniqueid() : uid1 + "-far";
    }
    double now = clock.elapsed();
    Channel l1;
    Channel l2;
    if (local) {
      String base = "Local/" + number + "@" + farContext + "-" + hex;
      l1 = new Channel(base + ";1", uid1, uid1, "Local", 1, call, now);
      l2 = new Channel(base + ";2", uid2, uid1, "Local", 2, call, now);
    } else {
      String endpoint = rest.contains("@") ? rest.substring(rest.indexOf('@') + 1) : rest;
      l1 = new Channel(tech + "/" + endpoint + "-" + hex, uid1, uid1, tech, 1, call, now);
      l2 = new Channel(tech + "/far-" + hex, uid2, uid1, tech, 2, call, now);
      l2.hidden = true;
    }
    l1.peer = l2;
    l2.peer = l1;
    l1.context = farContext;
    l1.exten = number;
    l2.context = farContext;
    l2.exten = number;
    l1.state = Channel.DOWN;
    l2.state = Channel.RING;
    call.leg1 = l1;
    call.leg2 = l2;
    channels.put(l1.name, l1);
    live = channels.size();
    if (!l2.hidden) {
      channels.put(l2.name, l2);
      live = channels.size();
    }

    // Where the far end goes: a scenario customer, or a dialplan context such as [sim-agents].
    List<Dialplan.Step> farSteps = null;
    if (!local || scenario.isCustomerContext(farContext)) {
      call.plan = scenario.plan(number, call.rng, scenario.hourOfDay(clock.nowMillis()));
      if (call.plan.steps() != null) {
        farSteps = new ArrayList<>();
        for (String s : call.plan.steps()) {
          farSteps.add(parseStep(s));
        }
      }
      call.agentHangsUpAfter = call.plan.agentHangsUpAfter();
    } else {
      Dialplan.Extension e = dialplan.find(farContext, number);
      if (e != null) {
        farSteps = e.steps();
      }
    }

    chanEvent("Newchannel", "call", l1);
    chanEvent("Newchannel", "call", l2);
    l1.app = "AppDial2";
    l1.appData = "(Outgoing Line)";
    newexten(l1);
    for (int i = vars.size() - 1; i >= 0; i--) {
      varSet(l1, vars.get(i)[0], vars.get(i)[1]);
    }
    if (cid != null) {
      l1.cidNum = cid[0];
      l1.cidName = cid[1];
      chanEvent("NewCallerid", "call", l1, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
      l1.connNum = cid[0];
      l1.connName = cid[1];
      chanEvent("NewConnectedLine", "call", l1);
    }
    for (String[] v : vars) {
      varSet(l2, v[0], v[1]);
    }
    if (cid != null) {
      l2.cidNum = cid[0];
      l2.cidName = cid[1];
      l2.connNum = cid[0];
      l2.connName = cid[1];
      chanEvent("NewCallerid", "call", l2, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
      chanEvent("NewConnectedLine", "call", l2);
    }
    if (farSteps == null) {
      // No such extension on the far side (03e): both legs die with cause 0, no DialBegin.
      hangupEvent(l2, 0);
      release(l2);
      hangupEvent(l1, 0);
      release(l1);
      resolveFailure(call, 0);
      return;
    }
    if (local) {
      AmiMessage lb = AmiMessage.event("LocalBridge", "call");
      l1.block(lb, "LocalOne");
      l2.block(lb, "LocalTwo");
      lb.add("Context", farContext).add("Exten", number).add("LocalOptimization", "Yes");
      emit("call", lb);
    }
    dialEvent("DialBegin", call, "DialString", call.dialString);
    if (timeout > 0) {
      call.timeoutTimer = clock.after(timeout, t -> originateTimeout(call));
    }
    l2.program = new Program(farContext, number, farSteps, l2.hidden);
    next(l2);
  }

  static Dialplan.Step parseStep(String s) {
    int p = s.indexOf('(');
    if (p < 0) {
      return new Dialplan.Step(null, s.trim(), "");
    }
    return new Dialplan.Step(null, s.substring(0, p).trim(), s.substring(p + 1, s.lastIndexOf(')')));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** {@code "Dialer" <5550100>} → [num, name]. */
  static String[] parseCallerId(String cid) {
    if (cid == null || cid.isBlank()) {
      return null;
    }
    String s = cid.trim();
    int lt = s.indexOf('<');
    int gt = s.indexOf('>', lt + 1);
    if (lt >= 0 && gt > lt) {
      String name = s.substring(0, lt).trim();
      if (name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2) {
        name = name.substring(1, name.length() - 1);
      }
      return new String[] {s.substring(lt + 1, gt), name.isEmpty() ? "<unknown>" : name};
    }
    return new String[] {s, "<unknown>"};
  }

  private void originateTimeout(Call call) {
    call.timeoutTimer = -1;
    if (call.resolved || call.answered) {
      return;
    }
    Channel l1 = call.leg1;
    Channel l2 = call.leg2;
    cancelTimers(l2);
    hangupRequest(l2, 19);
    resolveFailure(call, 3);
    softHangupRequest(l2, 16);
    hangupEvent(l2, 19);
    release(l2);
    hangupEvent(l1, 19);
    release(l1);
  }

  /** The OriginateResponse for a failed call, or the synchronous "Originate failed". */
  private void resolveFailure(Call call, int reason) {
    if (call.resolved) {
      return;
    }
    call.resolved = true;
    cancelOriginateTimer(call);
    if (call.viaDial != null) {
      return;
    }
    if (call.sync) {
      call.syncDone.accept(false);
      return;
    }
    AmiMessage m = AmiMessage.event("OriginateResponse", "call");
    if (call.actionId != null) {
      m.add("ActionID", call.actionId);
    }
    m.add("Response", "Failure").add("Channel", call.requested);
    addTarget(m, call);
    m.add("Reason", Integer.toString(reason)).add("Uniqueid", "<unknown>")
        .add("CallerIDNum", call.leg1.cidNum).add("CallerIDName", call.leg1.cidName);
    emit("call", m);
  }

  private void resolveSuccess(Call call) {
    if (call.resolved) {
      return;
    }
    call.resolved = true;
    cancelOriginateTimer(call);
    if (call.viaDial != null) {
      return;
    }
    if (call.sync) {
      call.syncDone.accept(true);
      return;
    }
    AmiMessage m = AmiMessage.event("OriginateResponse", "call");
    if (call.actionId != null) {
      m.add("ActionID", call.actionId);
    }
    m.add("Response", "Success").add("Channel", call.leg1.name);
    addTarget(m, call);
    m.add("Reason", "4").add("Uniqueid", call.leg1.uniqueid)
        .add("CallerIDNum", call.leg1.cidNum).add("CallerIDName", call.leg1.cidName);
    emit("call", m);
  }

  private static void addTarget(AmiMessage m, Call call) {
    if (call.application != null) {
      m.add("Application", call.application).add("Data", call.appData);
    } else {
      m.add("Context", call.targetContext).add("Exten", call.targetExten);
    }
  }

  private void cancelOriginateTimer(Call call) {
    if (call.timeoutTimer >= 0) {
      clock.cancel(call.timeoutTimer);
      call.timeoutTimer = -1;
    }
  }

  // ------------------------------------------------------------------ dialplan interpreter

  /** Runs the channel's next dialplan step. */
  void next(Channel ch) {
    if (ch.hungUp || ch.dying) {
      return;
    }
    Program p = ch.program;
    if (p == null) {
      return;
    }
    if (p.pc >= p.steps.size()) {
      // Falling off the end of an extension hangs up, as Asterisk's autofallthrough does.
      dialplanHangup(ch, 16);
      return;
    }
    Dialplan.Step s = p.steps.get(p.pc);
    ch.priority = p.pc + 1;
    ch.context = p.context;
    ch.exten = p.exten;
    ch.app = s.app();
    ch.appData = expand(ch, s.data());
    p.pc++;
    newexten(ch);
    if (ch.half == 2 && dialStatePending(ch)) {
      // Asterisk reports the ;1 side's ringing (DialState) after the ;2 side moved to its next step.
      ch.call.leg2.vars.remove("\u0000dialstate");
      dialEvent("DialState", ch.call, "DialStatus", "RINGING");
    }
    exec(ch, s.app(), ch.appData);
  }

  private static boolean dialStatePending(Channel ch) {
    return ch.vars.containsKey("\u0000dialstate");
  }

  private void exec(Channel ch, String app, String data) {
    switch (app.toLowerCase(Locale.ROOT)) {
      case "noop", "verbose", "set" -> {
        if (app.equalsIgnoreCase("Set") && data.contains("=")) {
          int eq = data.indexOf('=');
          // Writes to dialplan functions (CHANNEL(hangup_handler_push)=...) are not variables: no VarSet.
          if (data.substring(0, eq).indexOf('(') < 0) {
            varSet(ch, data.substring(0, eq), data.substring(eq + 1));
          }
        }
        next(ch);
      }
      case "ringing" -> {
        if (ch.half == 2) {
          Channel l1 = ch.call.leg1;
          l1.state = Channel.RINGING;
          chanEvent("Newstate", "call", l1);
          if (ch.hidden) {
            dialEvent("DialState", ch.call, "DialStatus", "RINGING");
          } else {
            ch.vars.put("\u0000dialstate", "1");
          }
        }
        next(ch);
      }
      case "wait" -> waitThen(ch, parseSeconds(data, 1), () -> next(ch));
      case "answer" -> {
        if (ch.half == 2 && !ch.call.answered) {
          answer(ch.call);
          // Media settles for about half a second before the far end's next step (traces 03h, 06a).
          waitThen(ch, 0.5, () -> next(ch));
        } else {
          if (ch.state != Channel.UP) {
            newstate(ch, Channel.UP);
          }
          next(ch);
        }
      }
      case "playback" -> {
        double len = scenario.soundLength(data.split(",")[0]);
        if (len < 0) {
          varSet(ch, "PLAYBACKSTATUS", "FAILED");
          next(ch);
          return;
        }
        ch.inPlayback = true;
        waitThen(ch, len, () -> {
          ch.inPlayback = false;
          varSet(ch, "PLAYBACKSTATUS", "SUCCESS");
          next(ch);
        });
      }
      case "hangup" -> dialplanHangup(ch, data.isBlank() ? 16 : parseInt(data, 16));
      case "busy" -> farFailure(ch.call, Channel.BUSY, "BUSY", 5, 17);
      case "congestion" -> farFailure(ch.call, Channel.BUSY, "CONGESTION", 8, 34);
      case "senddtmf" -> sendDtmf(ch, data);
      case "mixmonitor" -> {
        startMixMonitor(ch, data);
        next(ch);
      }
      case "agi" -> new AgiRunner(this, ch, data).start();
      case "amd" -> amd(ch);
      case "gotoif" -> gotoIf(ch, data);
      case "goto" -> {
        jump(ch, data);
        next(ch);
      }
      case "userevent" -> {
        String[] parts = data.split(",");
        AmiMessage m = ch.block(AmiMessage.event("UserEvent", "user")).add("UserEvent", parts[0]);
        for (int i = 1; i < parts.length; i++) {
          int c = parts[i].indexOf(':');
          if (c > 0) {
            m.add(parts[i].substring(0, c).trim(), parts[i].substring(c + 1).trim());
          }
        }
        if (!ch.hidden) {
          emit("user", m);
        }
        next(ch);
      }
      case "dial" -> new Dialer(this, ch, data).start();
      case "echo", "musiconhold" -> {
        // Holds the line until something else ends it.
      }
      default -> next(ch);
    }
  }

  void waitThen(Channel ch, double seconds, Runnable then) {
    long[] id = new long[1];
    id[0] = clock.after(seconds, t -> {
      ch.timers.remove(id[0]);
      if (!ch.hungUp && !ch.dying) {
        then.run();
      }
    });
    ch.timers.add(id[0]);
  }

  void cancelTimers(Channel ch) {
    for (Long t : ch.timers) {
      clock.cancel(t);
    }
    ch.timers.clear();
  }

  private void gotoIf(Channel ch, String data) {
    int q = data.indexOf('?');
    String cond = q < 0 ? data : data.substring(0, q);
    String dest = q < 0 ? "" : data.substring(q + 1);
    String yes = dest;
    String no = null;
    int colon = dest.indexOf(':');
    if (colon >= 0) {
      yes = dest.substring(0, colon);
      no = dest.substring(colon + 1);
    }
    boolean truth = !cond.isBlank() && !cond.trim().equals("0");
    String target = truth ? yes : no;
    if (target != null && !target.isBlank()) {
      jump(ch, target);
    }
    next(ch);
  }

  private void jump(Channel ch, String target) {
    Program p = ch.program;
    String t = target.trim();
    int idx = p.indexOf(t);
    if (idx >= 0) {
      p.pc = idx;
      return;
    }
    String[] parts = t.split(",");
    if (parts.length == 3) {
      // Goto(context,exten,priority): the production dialplan's jump to [huifang-safe-harbor].
      String ctx = parts[0].trim();
      Dialplan.Extension e = dialplan.find(ctx, parts[1].trim());
      if (e != null) {
        ch.program = new Program(ctx, parts[1].trim(), e.steps(), p.hidden);
        ch.program.pc = Math.max(0, parseInt(parts[2], 1) - 1);
      }
      return;
    }
    if (parts.length >= 2) {
      Dialplan.Extension e = dialplan.find(p.context, parts[0]);
      if (e != null) {
        ch.program = new Program(p.context, parts[0], e.steps(), p.hidden);
        ch.program.pc = Math.max(0, parseInt(parts[1], 1) - 1);
      }
    }
  }

  private void amd(Channel ch) {
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
    waitThen(ch, after, () -> {
      varSet(ch, "AMDSTATUS", status);
      varSet(ch, "AMDCAUSE", cause);
      next(ch);
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

  private void sendDtmf(Channel ch, String data) {
    String[] parts = data.split(",");
    String digits = parts[0];
    double dur = parts.length > 1 ? parseInt(parts[1], 250) / 1000.0 : 0.25;
    Channel target = ch.peer;
    sendDigit(ch, target, digits, 0, dur);
  }

  private void sendDigit(Channel ch, Channel target, String digits, int i, double dur) {
    if (i >= digits.length()) {
      next(ch);
      return;
    }
    char d = digits.charAt(i);
    waitThen(ch, 0.1, () -> {
      if (target == null || target.hungUp) {
        next(ch);
        return;
      }
      chanEvent("DTMFBegin", "dtmf", target, "Digit", String.valueOf(d), "Direction", "Received");
      waitThen(ch, 0.1, () -> {
        chanEvent("DTMFEnd", "dtmf", target, "Digit", String.valueOf(d), "DurationMs", "100", "Direction",
            "Received");
        target.dtmf.append(d);
        Runnable w = target.dtmfWaiter;
        if (w != null) {
          w.run();
        }
        waitThen(ch, Math.max(0.01, dur - 0.1), () -> sendDigit(ch, target, digits, i + 1, dur));
      });
    });
  }

  // ------------------------------------------------------------------ answer / failure / hangup

  private void answer(Call call) {
    call.answered = true;
    Channel l1 = call.leg1;
    Channel l2 = call.leg2;
    l2.state = Channel.UP;
    chanEvent("Newstate", "call", l2);
    newstate(l1, Channel.UP);
    if (call.viaDial != null) {
      call.resolved = true;
      call.viaDial.answered();
      return;
    }
    dialEvent("DialEnd", call, "DialStatus", "ANSWER");
    resolveSuccess(call);
    l1.vars.put("\u0000answeredAt", Double.toString(clock.elapsed()));
    if (call.agentHangsUpAfter != null) {
      waitThen(l1, call.agentHangsUpAfter, () -> requestHangup(l1, 16));
    }
    if (call.application != null) {
      runApplication(l1, call.application, call.appData);
    } else {
      Dialplan.Extension e = dialplan.find(call.targetContext, call.targetExten);
      l1.program = new Program(call.targetContext, call.targetExten, e.steps(), false);
      l1.program.pc = Math.max(0, Math.min(call.targetPriority - 1, e.steps().size()));
      next(l1);
    }
  }

  /** The Application/Data form of Originate: one app, no dialplan (no Newexten), then hang up with cause 0. */
  private void runApplication(Channel l1, String app, String data) {
    l1.app = app;
    l1.appData = data;
    Runnable done = () -> endLeg1(l1, 0, false);
    switch (app.toLowerCase(Locale.ROOT)) {
      case "playback" -> {
        double len = scenario.soundLength(data.split(",")[0]);
        if (len < 0) {
          varSet(l1, "PLAYBACKSTATUS", "FAILED");
          done.run();
        } else {
          waitThen(l1, len, () -> {
            varSet(l1, "PLAYBACKSTATUS", "SUCCESS");
            done.run();
          });
        }
      }
      case "wait" -> waitThen(l1, parseSeconds(data, 1), done);
      case "echo", "musiconhold" -> {
        // holds until hung up
      }
      case "agi" -> {
        l1.program = new Program(l1.context, l1.exten, List.of(new Dialplan.Step(null, "AGI", data)), true);
        new AgiRunner(this, l1, data).start();
      }
      default -> done.run();
    }
  }

  /** The far end refused: Busy() or Congestion() on the ;2 side (03c, 03d). */
  private void farFailure(Call call, int state, String dialStatus, int reason, int cause) {
    Channel l1 = call.leg1;
    Channel l2 = call.leg2;
    l2.state = state;
    chanEvent("Newstate", "call", l2);
    dialEvent("DialEnd", call, "DialStatus", dialStatus);
    hangupRequest(l2, 0);
    resolveFailure(call, reason);
    if (call.viaDial != null) {
      call.viaDial.failed(dialStatus);
    }
    // A Local ;1 leg never saw a cause of its own: Asterisk reports 0 there. A trunk channel carries it.
    hangupEvent(l1, l2.hidden ? cause : 0);
    release(l1);
    softHangupRequest(l2, 16);
    hangupEvent(l2, cause);
    release(l2);
  }

  /** A Hangup(cause) app, or the end of the dialplan, on any channel. */
  private void dialplanHangup(Channel ch, int cause) {
    Call call = ch.call;
    if (ch.half == 2 && call != null && !call.answered) {
      // The far end gave up while ringing (03a: cause 19).
      Channel l1 = call.leg1;
      cancelTimers(ch);
      resolveFailure(call, cause == 17 ? 5 : cause == 34 ? 8 : 0);
      softHangupRequest(ch, 16);
      hangupRequest(l1, cause);
      dialEvent("DialEnd", call, "DialStatus", cause == 17 ? "BUSY" : cause == 34 ? "CONGESTION" : "NOANSWER");
      hangupEvent(l1, cause);
      release(l1);
      hangupEvent(ch, cause);
      release(ch);
      return;
    }
    if (ch.half == 2) {
      farHangup(ch, cause);
    } else {
      endLeg1(ch, cause, true);
    }
  }

  /** The answered far end hung up: its side goes first, then the dialer's leg follows (02). */
  private void farHangup(Channel l2, int cause) {
    Channel l1 = l2.peer;
    cancelTimers(l2);
    softHangupRequest(l2, cause);
    if (l1 != null && !l1.hungUp) {
      hangupRequest(l1, cause);
    }
    hangupEvent(l2, cause);
    release(l2);
    if (l1 != null && !l1.hungUp) {
      lose(l1, cause);
    }
  }

  /** The channel's other side is gone: interrupt what it does and hang it up once its app lets go. */
  void lose(Channel ch, int cause) {
    if (ch.hungUp || ch.dying) {
      return;
    }
    ch.dying = true;
    ch.pendingCause = cause;
    cancelTimers(ch);
    Runnable w = ch.dtmfWaiter;
    if (ch.agi != null) {
      ch.agi.channelHungUp();
      return;
    }
    if (w != null) {
      w.run();
    }
    finishDeadLeg(ch);
  }

  /** Called when the app that kept a dead channel (AGI) returns. */
  void finishDeadLeg(Channel ch) {
    if (ch.hungUp) {
      return;
    }
    if (ch.bridge != null) {
      leaveBridge(ch);
    }
    softHangupRequest(ch, ch.pendingCause);
    hangupEvent(ch, ch.pendingCause);
    release(ch);
  }

  /**
   * The dialer's leg ends itself: Hangup() in its dialplan, the end of an Application originate, an
   * AGI HANGUP, or an AMI Hangup. The ;2 half follows (06a, 03g, 05, 08).
   */
  void endLeg1(Channel l1, int cause, boolean soft) {
    if (l1.hungUp) {
      return;
    }
    cancelTimers(l1);
    if (l1.bridge != null) {
      leaveBridge(l1);
    }
    if (soft) {
      softHangupRequest(l1, 16);
    }
    Channel l2 = l1.peer;
    boolean peerAlive = l2 != null && !l2.hungUp;
    if (peerAlive) {
      hangupRequest(l2, cause);
    }
    hangupEvent(l1, cause);
    release(l1);
    if (peerAlive) {
      cancelTimers(l2);
      if (l2.inPlayback) {
        l2.inPlayback = false;
        varSet(l2, "PLAYBACKSTATUS", "SUCCESS");
      }
      softHangupRequest(l2, 16);
      hangupEvent(l2, cause);
      release(l2);
    }
  }

  /** AMI Hangup, or the simulated agent ending the call. */
  void requestHangup(Channel ch, int cause) {
    if (ch.hungUp) {
      return;
    }
    Call call = ch.call;
    if (call != null && !call.answered && !call.resolved) {
      Channel l1 = call.leg1;
      Channel l2 = call.leg2;
      cancelTimers(l2);
      hangupRequest(l2, cause);
      resolveFailure(call, 1);
      softHangupRequest(l2, 16);
      hangupEvent(l2, cause);
      release(l2);
      hangupEvent(l1, cause);
      release(l1);
      return;
    }
    if (ch.half == 2) {
      farHangup(ch, cause);
      return;
    }
    if (ch.agi != null) {
      softHangupRequest(ch, cause);
      Channel l2 = ch.peer;
      if (l2 != null && !l2.hungUp) {
        hangupRequest(l2, cause);
        cancelTimers(l2);
        softHangupRequest(l2, 16);
        hangupEvent(l2, cause);
        release(l2);
      }
      lose(ch, cause);
      return;
    }
    endLeg1(ch, cause, true);
  }

  /** Removes a hung-up channel and everything it owns (timers, recordings, AGI socket). */
  void release(Channel ch) {
    if (ch.hungUp) {
      return;
    }
    ch.hungUp = true;
    ch.dying = true;
    cancelTimers(ch);
    ch.dtmfWaiter = null;
    if (ch.recording != null) {
      recordings.stop(ch.recording);
      ch.recording = null;
    }
    if (ch.bridge != null) {
      leaveBridge(ch);
    }
    if (ch.agi != null) {
      ch.agi.channelReleased();
    }
    channels.remove(ch.name);
    live = channels.size();
    Call call = ch.call;
    if (call != null && call.timeoutTimer >= 0 && call.leg1.hungUp && call.leg2.hungUp) {
      cancelOriginateTimer(call);
    }
    if (ch.peer != null && ch.peer.hidden && !ch.peer.hungUp) {
      // The invisible far end of a trunk call goes with its channel.
      Channel far = ch.peer;
      far.hungUp = true;
      cancelTimers(far);
    }
  }

  // ------------------------------------------------------------------ bridges

  String bridge(Channel a, Channel b) {
    if (a.bridge != null) {
      leaveBridge(a);
    }
    if (b.bridge != null) {
      leaveBridge(b);
    }
    Bridge br = new Bridge(UUID.randomUUID().toString());
    emit("call", br.block(AmiMessage.event("BridgeCreate", "call")));
    for (Channel c : new Channel[] {a, b}) {
      // The channel leaves its app; a Bridge action returns it to this step afterwards.
      if (c.agi == null) {
        cancelTimers(c);
        if (c.program != null) {
          c.resumePc = Math.max(0, c.program.pc - 1);
        }
      }
      c.bridge = br;
      br.members.add(c);
      emit("call", c.block(br.block(AmiMessage.event("BridgeEnter", "call"))));
      recordings.bridged(c);
    }
    varSet(a, "BRIDGEPEER", b.name);
    varSet(b, "BRIDGEPEER", a.name);
    return br.id;
  }

  void joinBridge(Bridge br, Channel c) {
    c.bridge = br;
    br.members.add(c);
    emit("call", c.block(br.block(AmiMessage.event("BridgeEnter", "call"))));
    recordings.bridged(c);
  }

  /** A member leaves; the bridge dissolves when fewer than two remain, releasing the other member. */
  void leaveBridge(Channel ch) {
    Bridge br = ch.bridge;
    if (br == null) {
      return;
    }
    for (Channel m : br.members) {
      if (!m.hidden) {
        varSet(m, "BRIDGEPEER", "");
      }
    }
    br.members.remove(ch);
    ch.bridge = null;
    emit("call", ch.block(br.block(AmiMessage.event("BridgeLeave", "call"))));
    if (ch.dialer != null) {
      ch.dialer.left(ch);
    }
    if (br.members.size() < 2) {
      List<Channel> rest = new ArrayList<>(br.members);
      br.members.clear();
      for (Channel other : rest) {
        other.bridge = null;
        emit("call", other.block(br.block(AmiMessage.event("BridgeLeave", "call"))));
      }
      emit("call", br.block(AmiMessage.event("BridgeDestroy", "call")));
      for (Channel other : rest) {
        afterBridge(other);
      }
    }
  }

  private void afterBridge(Channel c) {
    if (c.hungUp || c.dying) {
      return;
    }
    if (c.dialer != null) {
      c.dialer.bridgeEnded(c);
      return;
    }
    if (c.agi != null) {
      return;
    }
    if (c.program != null && c.resumePc >= 0) {
      c.program.pc = c.resumePc;
      c.resumePc = -1;
      // Leave the bridge's event burst first; the dialplan resumes on the next tick.
      vertx.runOnContext(v -> next(c));
    } else {
      endLeg1(c, 16, true);
    }
  }

  // ------------------------------------------------------------------ recordings

  void startMixMonitor(Channel ch, String data) {
    String[] parts = splitArgs(data);
    String file = parts.length > 0 ? parts[0] : "";
    String opts = parts.length > 1 ? parts[1] : "";
    if (!file.startsWith("/") && options.recordingsDir() != null) {
      file = options.recordingsDir().resolve(file).toString();
    }
    varSet(ch, "MIXMONITOR_FILENAME", file);
    chanEvent("MixMonitorStart", "call", ch);
    if (ch.recording != null) {
      recordings.stop(ch.recording);
    }
    ch.recording = recordings.start(ch, file, opts);
    bridgePeersAgain(ch);
  }

  /** Attaching or detaching an audiohook on a bridged channel makes Asterisk restate BRIDGEPEER (08). */
  private void bridgePeersAgain(Channel ch) {
    Bridge br = ch.bridge;
    if (br == null || br.members.size() != 2) {
      return;
    }
    Channel other = br.members.get(0) == ch ? br.members.get(1) : br.members.get(0);
    varSet(other, "BRIDGEPEER", ch.name);
    varSet(ch, "BRIDGEPEER", other.name);
  }

  /** MixMonitorMute on a channel with a MixMonitor: silence from now in the given direction(s), then the event. */
  void muteMixMonitor(Channel ch, boolean read, boolean write, boolean on, String direction, boolean stateTrue) {
    recordings.mute(ch.recording, read, write, on);
    chanEvent("MixMonitorMute", "call", ch, "Direction", direction, "State", stateTrue ? "1" : "0");
  }

  boolean stopMixMonitor(Channel ch) {
    if (ch.recording == null) {
      return false;
    }
    recordings.stop(ch.recording);
    ch.recording = null;
    chanEvent("MixMonitorStop", "call", ch);
    bridgePeersAgain(ch);
    return true;
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

  /** Dialplan expressions: ${VAR}, ${CHANNEL}, ${UNIQUEID}, ${EXTEN}, ${CALLERID(num|name)}, ${CHANNEL(state)}, $[a = b]. */
  String expand(Channel ch, String s) {
    if (s == null || (s.indexOf('$') < 0)) {
      return s == null ? "" : s;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '$' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '[')) {
        char open = s.charAt(i + 1);
        char close = open == '{' ? '}' : ']';
        int depth = 0;
        int j = i + 1;
        for (; j < s.length(); j++) {
          char d = s.charAt(j);
          if (d == open) {
            depth++;
          } else if (d == close && --depth == 0) {
            break;
          }
        }
        if (j >= s.length()) {
          out.append(s.substring(i));
          break;
        }
        String inner = expand(ch, s.substring(i + 2, j));
        out.append(open == '{' ? variable(ch, inner) : evalExpr(inner));
        i = j + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  String variable(Channel ch, String name) {
    switch (name) {
      case "CHANNEL":
        return ch.name;
      case "UNIQUEID":
        return ch.uniqueid;
      case "EXTEN":
        return ch.exten;
      case "CONTEXT":
        return ch.context;
      case "CALLERID(num)":
        return ch.cidNum;
      case "CALLERID(name)":
        return ch.cidName;
      case "CHANNEL(state)":
        return Channel.stateDesc(ch.state);
      case "CHANNEL(name)":
        return ch.name;
      case "CHANNEL(linkedid)":
        return ch.linkedid;
      default:
        break;
    }
    if (name.startsWith("GLOBAL(") && name.endsWith(")")) {
      return globals.getOrDefault(name.substring(7, name.length() - 1), "");
    }
    String v = ch.vars.get(name);
    if (v == null) {
      v = globals.get(name);
    }
    return v == null ? "" : v;
  }

  private static String evalExpr(String e) {
    String[] ops = {"!=", "="};
    for (String op : ops) {
      int k = e.indexOf(op);
      if (k > 0) {
        String a = unquote(e.substring(0, k).trim());
        String b = unquote(e.substring(k + op.length()).trim());
        boolean eq = a.equals(b);
        return (op.equals("=") == eq) ? "1" : "0";
      }
    }
    return e.trim();
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  /** Shuts everything down without events (the emulator is going away). */
  void clear() {
    for (Channel ch : new ArrayList<>(channels.values())) {
      cancelTimers(ch);
      if (ch.agi != null) {
        ch.agi.channelReleased();
      }
      if (ch.recording != null) {
        recordings.stop(ch.recording);
        ch.recording = null;
      }
      ch.hungUp = true;
      if (ch.peer != null) {
        cancelTimers(ch.peer);
      }
    }
    channels.clear();
    live = 0;
  }

  void emitUserEvent(AmiMessage m) {
    emit("user", m);
  }

  void emitCall(AmiMessage m) {
    emit("call", m);
  }

  void emitAgi(Channel ch, String name, String... extra) {
    chanEvent(name, "agi", ch, extra);
  }

  void emitSoftHangup(Channel ch, int cause) {
    softHangupRequest(ch, cause);
  }

  void emitNewstate(Channel ch) {
    chanEvent("Newstate", "call", ch);
  }

  void emitHangupRequest(Channel ch, int cause) {
    hangupRequest(ch, cause);
  }

  void emitHangup(Channel ch, int cause) {
    hangupEvent(ch, cause);
  }

  void emitChannel(String name, String cls, Channel ch, String... extra) {
    chanEvent(name, cls, ch, extra);
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
    next(ch);
  }

  Program programFor(String ctx, String exten) {
    Dialplan.Extension e = dialplan.find(ctx, exten);
    return e == null ? null : new Program(ctx, exten, e.steps(), false);
  }
}
