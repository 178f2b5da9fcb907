package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Originate: the two legs of a new call, where the far end goes (a scenario customer or a dialplan context), and
 * the call's outcome: the OriginateResponse (or the synchronous answer), the answer that starts the dialplan or
 * application on the dialer's leg, and the far end's refusals (busy, congestion).
 */
final class Originator {
  private final World w;
  private final SimClock clock;
  private final Scenario scenario;
  private final Dialplan dialplan;
  private final EmulatorOptions options;
  private long callCounter;
  private long processedCalls;

  Originator(World w) {
    this.w = w;
    this.clock = w.clock;
    this.scenario = w.scenario;
    this.dialplan = w.dialplan;
    this.options = w.options;
  }

  long processedCalls() {
    return processedCalls;
  }

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
    String hex = w.newLocalHex();
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
      uid1 = w.newUniqueid();
    }
    if (uid2 == null) {
      uid2 = local ? w.newUniqueid() : uid1 + "-far";
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
    w.register(l1);
    if (!l2.hidden) {
      w.register(l2);
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

    w.events.chanEvent("Newchannel", "call", l1);
    w.events.chanEvent("Newchannel", "call", l2);
    l1.app = "AppDial2";
    l1.appData = "(Outgoing Line)";
    w.events.newexten(l1);
    for (int i = vars.size() - 1; i >= 0; i--) {
      w.events.varSet(l1, vars.get(i)[0], vars.get(i)[1]);
    }
    if (cid != null) {
      l1.cidNum = cid[0];
      l1.cidName = cid[1];
      w.events.chanEvent("NewCallerid", "call", l1, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
      l1.connNum = cid[0];
      l1.connName = cid[1];
      w.events.chanEvent("NewConnectedLine", "call", l1);
    }
    for (String[] v : vars) {
      w.events.varSet(l2, v[0], v[1]);
    }
    if (cid != null) {
      l2.cidNum = cid[0];
      l2.cidName = cid[1];
      l2.connNum = cid[0];
      l2.connName = cid[1];
      w.events.chanEvent("NewCallerid", "call", l2, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
      w.events.chanEvent("NewConnectedLine", "call", l2);
    }
    if (farSteps == null) {
      // No such extension on the far side (03e): both legs die with cause 0, no DialBegin.
      w.events.hangupEvent(l2, 0);
      w.release(l2);
      w.events.hangupEvent(l1, 0);
      w.release(l1);
      resolveFailure(call, 0);
      return;
    }
    if (local) {
      AmiMessage lb = AmiMessage.event("LocalBridge", "call");
      l1.block(lb, "LocalOne");
      l2.block(lb, "LocalTwo");
      lb.add("Context", farContext).add("Exten", number).add("LocalOptimization", "Yes");
      w.events.emit("call", lb);
    }
    w.events.dialEvent("DialBegin", call, "DialString", call.dialString);
    if (timeout > 0) {
      call.timeoutTimer = clock.after(timeout, t -> originateTimeout(call));
    }
    l2.program = new Program(farContext, number, farSteps, l2.hidden);
    w.interpreter.next(l2);
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
    w.interpreter.cancelTimers(l2);
    w.events.hangupRequest(l2, 19);
    resolveFailure(call, 3);
    w.events.softHangupRequest(l2, 16);
    w.events.hangupEvent(l2, 19);
    w.release(l2);
    w.events.hangupEvent(l1, 19);
    w.release(l1);
  }

  /** The OriginateResponse for a failed call, or the synchronous "Originate failed". */
  void resolveFailure(Call call, int reason) {
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
    w.events.emit("call", m);
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
    w.events.emit("call", m);
  }

  private static void addTarget(AmiMessage m, Call call) {
    if (call.application != null) {
      m.add("Application", call.application).add("Data", call.appData);
    } else {
      m.add("Context", call.targetContext).add("Exten", call.targetExten);
    }
  }

  void cancelOriginateTimer(Call call) {
    if (call.timeoutTimer >= 0) {
      clock.cancel(call.timeoutTimer);
      call.timeoutTimer = -1;
    }
  }

  void answer(Call call) {
    call.answered = true;
    Channel l1 = call.leg1;
    Channel l2 = call.leg2;
    l2.state = Channel.UP;
    w.events.chanEvent("Newstate", "call", l2);
    w.events.newstate(l1, Channel.UP);
    if (call.viaDial != null) {
      call.resolved = true;
      call.viaDial.answered();
      return;
    }
    w.events.dialEvent("DialEnd", call, "DialStatus", "ANSWER");
    resolveSuccess(call);
    l1.vars.put("\u0000answeredAt", Double.toString(clock.elapsed()));
    if (call.agentHangsUpAfter != null) {
      w.interpreter.waitThen(l1, call.agentHangsUpAfter, () -> w.hangups.requestHangup(l1, 16));
    }
    if (call.application != null) {
      runApplication(l1, call.application, call.appData);
    } else {
      Dialplan.Extension e = dialplan.find(call.targetContext, call.targetExten);
      l1.program = new Program(call.targetContext, call.targetExten, e.steps(), false);
      l1.program.pc = Math.max(0, Math.min(call.targetPriority - 1, e.steps().size()));
      w.interpreter.next(l1);
    }
  }

  /** The Application/Data form of Originate: one app, no dialplan (no Newexten), then hang up with cause 0. */
  private void runApplication(Channel l1, String app, String data) {
    l1.app = app;
    l1.appData = data;
    Runnable done = () -> w.hangups.endLeg1(l1, 0, false);
    switch (app.toLowerCase(Locale.ROOT)) {
      case "playback" -> {
        double len = scenario.soundLength(data.split(",")[0]);
        if (len < 0) {
          w.events.varSet(l1, "PLAYBACKSTATUS", "FAILED");
          done.run();
        } else {
          w.interpreter.waitThen(l1, len, () -> {
            w.events.varSet(l1, "PLAYBACKSTATUS", "SUCCESS");
            done.run();
          });
        }
      }
      case "wait" -> w.interpreter.waitThen(l1, World.parseSeconds(data, 1), done);
      case "echo", "musiconhold" -> {
        // holds until hung up
      }
      case "chanspy" -> w.spies.run(l1, data);
      case "agi" -> {
        l1.program = new Program(l1.context, l1.exten, List.of(new Dialplan.Step(null, "AGI", data)), true);
        new AgiRunner(w, l1, data).start();
      }
      default -> done.run();
    }
  }

  /** The far end refused: Busy() or Congestion() on the ;2 side (03c, 03d). */
  void farFailure(Call call, int state, String dialStatus, int reason, int cause) {
    Channel l1 = call.leg1;
    Channel l2 = call.leg2;
    l2.state = state;
    w.events.chanEvent("Newstate", "call", l2);
    w.events.dialEvent("DialEnd", call, "DialStatus", dialStatus);
    w.events.hangupRequest(l2, 0);
    resolveFailure(call, reason);
    if (call.viaDial != null) {
      call.viaDial.failed(dialStatus);
    }
    // A Local ;1 leg never saw a cause of its own: Asterisk reports 0 there. A trunk channel carries it.
    w.events.hangupEvent(l1, l2.hidden ? cause : 0);
    w.release(l1);
    w.events.softHangupRequest(l2, 16);
    w.events.hangupEvent(l2, cause);
    w.release(l2);
  }
}
