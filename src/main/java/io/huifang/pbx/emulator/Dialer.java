package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import java.util.SplittableRandom;

/**
 * The Dial() application for Local targets (trace 03h, [outbound-agent]): creates the callee's Local
 * pair, runs its dialplan, and on answer joins caller and callee in a basic bridge.
 */
final class Dialer {
  private static final String[] DIAL_VARS = {"DIALSTATUS", "DIALEDPEERNUMBER", "DIALEDPEERNAME", "ANSWEREDTIME",
      "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS", "RINGTIME", "RINGTIME_MS", "PROGRESSTIME", "PROGRESSTIME_MS"};

  private final World world;
  final Channel caller;
  private final String data;
  private Call call;
  private double startedAt;
  private double answeredAt;
  private long timer = -1;

  Dialer(World world, Channel caller, String data) {
    this.world = world;
    this.caller = caller;
    this.data = data;
  }

  void start() {
    String[] args = World.splitArgs(data);
    String target = args[0].trim();
    double timeout = args.length > 1 ? World.parseSeconds(args[1], 0) : 0;
    for (String v : DIAL_VARS) {
      world.varSet(caller, v, "");
    }
    if (!target.regionMatches(true, 0, "Local/", 0, 6) || target.indexOf('@') < 0) {
      world.varSet(caller, "DIALSTATUS", "CHANUNAVAIL");
      world.next(caller);
      return;
    }
    String spec = target.substring(6);
    int slash = spec.indexOf('/');
    if (slash >= 0) {
      spec = spec.substring(0, slash);
    }
    String number = spec.substring(0, spec.indexOf('@'));
    String ctx = spec.substring(spec.indexOf('@') + 1);
    Program farProgram;
    if (world.scenario.isCustomerContext(ctx)) {
      call = new Call(-1, new SplittableRandom(caller.uniqueid.hashCode()));
      Scenario.Plan plan = world.scenario.plan(number, call.rng, world.scenario.hourOfDay(world.clock.nowMillis()));
      if (plan.steps() == null) {
        farProgram = null;
      } else {
        java.util.List<Dialplan.Step> steps = new java.util.ArrayList<>();
        plan.steps().forEach(s -> steps.add(Originator.parseStep(s)));
        farProgram = new Program(ctx, number, steps, false);
      }
    } else {
      call = new Call(-1, new SplittableRandom(caller.uniqueid.hashCode()));
      farProgram = world.programFor(ctx, number);
    }
    if (farProgram == null) {
      world.varSet(caller, "DIALSTATUS", "CHANUNAVAIL");
      world.next(caller);
      return;
    }
    call.viaDial = this;
    call.dialString = spec;
    call.number = number;
    String hex = world.newLocalHex();
    String base = "Local/" + number + "@" + ctx + "-" + hex;
    double now = world.clock.elapsed();
    Channel a1 = new Channel(base + ";1", world.newUniqueid(), caller.linkedid, "Local", 1, call, now);
    Channel a2 = new Channel(base + ";2", world.newUniqueid(), caller.linkedid, "Local", 2, call, now);
    a1.peer = a2;
    a2.peer = a1;
    a1.context = ctx;
    a1.exten = number;
    a2.context = ctx;
    a2.exten = number;
    a1.state = Channel.DOWN;
    a2.state = Channel.RING;
    a1.dialer = this;
    caller.dialer = this;
    call.leg1 = a1;
    call.leg2 = a2;
    world.register(a1);
    world.register(a2);
    startedAt = now;
    world.emitChannel("Newchannel", "call", a1);
    world.emitChannel("Newchannel", "call", a2);
    world.varSet(a1, "DIALEDPEERNUMBER", spec);
    // Asterisk shows the callee's ;1 at extension "s" while dialling, and empty once answered (03h).
    a1.exten = "s";
    a1.app = "AppDial";
    a1.appData = "(Outgoing Line)";
    world.emitChannel("Newexten", "dialplan", a1, "Extension", a1.exten, "Application", a1.app, "AppData", a1.appData);
    a1.cidNum = caller.exten;
    a1.cidName = caller.cidName;
    world.emitChannel("NewCallerid", "call", a1, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
    a1.connNum = caller.cidNum;
    a1.connName = caller.cidName;
    world.emitChannel("NewConnectedLine", "call", a1);
    world.varSet(a2, "DIALEDPEERNUMBER", spec);
    a2.cidNum = caller.cidNum;
    a2.cidName = caller.cidName;
    world.emitChannel("NewCallerid", "call", a2, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
    a2.connNum = caller.exten;
    a2.connName = caller.cidName;
    world.emitChannel("NewConnectedLine", "call", a2);
    AmiMessage lb = AmiMessage.event("LocalBridge", "call");
    a1.block(lb, "LocalOne");
    a2.block(lb, "LocalTwo");
    lb.add("Context", ctx).add("Exten", number).add("LocalOptimization", "No");
    world.emitCall(lb);
    AmiMessage begin = caller.block(AmiMessage.event("DialBegin", "call"));
    a1.block(begin, "Dest").add("DialString", spec);
    world.emitCall(begin);
    if (timeout > 0) {
      timer = world.clock.after(timeout, t -> {
        timer = -1;
        if (!call.answered && !a2.hungUp) {
          world.cancelTimers(a2);
          dialEnd("NOANSWER");
          world.varSet(caller, "DIALSTATUS", "NOANSWER");
          world.emitHangupRequest(a2, 19);
          world.emitHangup(a1, 19);
          world.release(a1);
          world.emitHangup(a2, 19);
          world.release(a2);
          caller.dialer = null;
          world.next(caller);
        }
      });
    }
    a2.program = farProgram;
    world.next(a2);
  }

  private void dialEnd(String status) {
    AmiMessage end = caller.block(AmiMessage.event("DialEnd", "call"));
    call.leg1.block(end, "Dest").add("DialStatus", status);
    world.emitCall(end);
  }

  private void cancelTimer() {
    if (timer >= 0) {
      world.clock.cancel(timer);
      timer = -1;
    }
  }

  void answered() {
    cancelTimer();
    Channel a1 = call.leg1;
    answeredAt = world.clock.elapsed();
    world.varSet(caller, "DIALSTATUS", "ANSWER");
    world.varSet(caller, "DIALEDPEERNAME", a1.name);
    world.varSet(caller, "DIALEDPEERNUMBER", call.dialString);
    dialEnd("ANSWER");
    Bridge br = new Bridge(java.util.UUID.randomUUID().toString());
    world.emitCall(br.block(AmiMessage.event("BridgeCreate", "call")));
    a1.exten = "";
    world.emitChannel("Newexten", "dialplan", a1, "Extension", a1.exten, "Application", a1.app, "AppData", a1.appData);
    world.bridges.join(br, a1);
    world.bridges.join(br, caller);
    world.varSet(a1, "BRIDGEPEER", caller.name);
    world.varSet(caller, "BRIDGEPEER", a1.name);
  }

  void failed(String status) {
    cancelTimer();
    world.varSet(caller, "DIALSTATUS", status);
    caller.dialer = null;
    world.next(caller);
  }

  /** A bridge member left: the caller records how long the call lasted, as app_dial does. */
  void left(Channel ch) {
    if (ch != caller || answeredAt == 0) {
      return;
    }
    double now = world.clock.elapsed();
    long answered = Math.round((now - answeredAt) * 1000);
    long dialed = Math.round((now - startedAt) * 1000);
    world.varSet(caller, "ANSWEREDTIME", Long.toString(answered / 1000));
    world.varSet(caller, "ANSWEREDTIME_MS", Long.toString(answered));
    world.varSet(caller, "DIALEDTIME", Long.toString(dialed / 1000));
    world.varSet(caller, "DIALEDTIME_MS", Long.toString(dialed));
    world.varSet(caller, "DIALSTATUS", "ANSWER");
  }

  /** The bridge is gone and {@code ch} is still up. */
  void bridgeEnded(Channel ch) {
    caller.dialer = null;
    Channel a1 = call.leg1;
    a1.dialer = null;
    if (ch == a1) {
      // The caller left: app_dial hangs up the callee.
      world.hangups.endLeg1(a1, 16, false);
    } else {
      // The callee left: the caller goes on with the dialplan after Dial().
      world.next(caller);
    }
  }
}
