package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a channel's dialplan program step by step: the applications the emulator knows (Set, Ringing, Wait, Answer,
 * Playback, Hangup, Busy, Congestion, SendDTMF, MixMonitor, AGI, AMD, GotoIf, Goto, UserEvent, Dial, Echo), the
 * channel's timers, and the expansion of ${...} and $[...] in arguments.
 */
final class DialplanInterpreter {
  private final World w;
  private final SimClock clock;
  private final Scenario scenario;
  private final Dialplan dialplan;
  private final Map<String, String> globals;

  DialplanInterpreter(World w) {
    this.w = w;
    this.clock = w.clock;
    this.scenario = w.scenario;
    this.dialplan = w.dialplan;
    this.globals = w.globals;
  }

  /** Runs the channel's next dialplan step. */
  void next(Channel ch) {
    if (ch.hungUp || ch.dying) {
      return;
    }
    Program p = ch.program;
    if (p == null) {
      return;
    }
    if (ch.timedOut) {
      // The PBX loop checks for a hangup after every application (ast_check_hangup in __ast_pbx_run).
      timeoutReached(ch);
      return;
    }
    if (p.pc >= p.steps.size()) {
      // Falling off the end of an extension hangs up, as Asterisk's autofallthrough does.
      w.hangups.dialplanHangup(ch, 16);
      return;
    }
    Dialplan.Step s = p.steps.get(p.pc);
    ch.priority = p.pc + 1;
    ch.context = p.context;
    ch.exten = p.exten;
    ch.app = s.app();
    ch.appData = expand(ch, s.data());
    p.pc++;
    w.events.newexten(ch);
    if (ch.half == 2 && dialStatePending(ch)) {
      // Asterisk reports the ;1 side's ringing (DialState) after the ;2 side moved to its next step.
      ch.call.leg2.vars.remove("\u0000dialstate");
      w.events.dialEvent("DialState", ch.call, "DialStatus", "RINGING");
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
          String name = data.substring(0, eq);
          if (name.indexOf('(') < 0) {
            w.events.varSet(ch, name, data.substring(eq + 1));
          } else if (isAbsoluteTimeout(name)) {
            setAbsoluteTimeout(ch, data.substring(eq + 1));
          }
        }
        next(ch);
      }
      case "ringing" -> {
        if (ch.half == 2) {
          Channel l1 = ch.call.leg1;
          l1.state = Channel.RINGING;
          w.events.chanEvent("Newstate", "call", l1);
          if (ch.hidden) {
            w.events.dialEvent("DialState", ch.call, "DialStatus", "RINGING");
          } else {
            ch.vars.put("\u0000dialstate", "1");
          }
        }
        next(ch);
      }
      case "wait" -> waitThen(ch, World.parseSeconds(data, 1), () -> next(ch));
      case "answer" -> {
        if (ch.half == 2 && !ch.call.answered) {
          w.originator.answer(ch.call);
          // Media settles for about half a second before the far end's next step (traces 03h, 06a).
          waitThen(ch, 0.5, () -> next(ch));
        } else {
          if (ch.state != Channel.UP) {
            w.events.newstate(ch, Channel.UP);
          }
          next(ch);
        }
      }
      case "playback" -> {
        double len = scenario.soundLength(data.split(",")[0]);
        if (len < 0) {
          w.events.varSet(ch, "PLAYBACKSTATUS", "FAILED");
          next(ch);
          return;
        }
        ch.inPlayback = true;
        waitThen(ch, len, () -> {
          ch.inPlayback = false;
          w.events.varSet(ch, "PLAYBACKSTATUS", "SUCCESS");
          next(ch);
        });
      }
      case "hangup" -> w.hangups.dialplanHangup(ch, data.isBlank() ? 16 : World.parseInt(data, 16));
      case "busy" -> w.originator.farFailure(ch.call, Channel.BUSY, "BUSY", 5, 17);
      case "congestion" -> w.originator.farFailure(ch.call, Channel.BUSY, "CONGESTION", 8, 34);
      case "senddtmf" -> sendDtmf(ch, data);
      case "mixmonitor" -> {
        w.mixMonitors.start(ch, data);
        next(ch);
      }
      case "agi" -> new AgiRunner(w, ch, data).start();
      case "amd" -> w.amd.detect(ch);
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
          w.events.emit("user", m);
        }
        next(ch);
      }
      case "dial" -> new Dialer(w, ch, data).start();
      case "echo", "musiconhold" -> {
        // Holds the line until something else ends it.
      }
      default -> next(ch);
    }
  }

  /**
   * TIMEOUT(absolute): func_timeout.c switches on the argument's first letter ('a' absolute, 'r' response, 'd' digit);
   * the response and digit timeouts only matter while the PBX collects digits, which the emulator does not do.
   */
  private static boolean isAbsoluteTimeout(String name) {
    String n = name.trim();
    return n.regionMatches(true, 0, "TIMEOUT(", 0, 8) && n.length() > 8
        && Character.toLowerCase(n.charAt(8)) == 'a';
  }

  /**
   * Set(TIMEOUT(absolute)=N), as func_timeout.c's timeout_write and ast_channel_setwhentohangup_tv: N seconds from now
   * (fractions allowed), replacing any earlier one; 0, a negative or a non-number clears it. No event (a function,
   * not a variable). The timer runs on the wall clock, not the emulator's time scale: what it bounds in practice is an
   * outside party (the FastAGI server) that answers in real time, so scaled at speed 20 a 5 s bound would cut that
   * server's own 2 s wait for an agent (docs/pbx-emulator.md, "The absolute timeout").
   */
  void setAbsoluteTimeout(Channel ch, String value) {
    clearAbsoluteTimeout(ch);
    long micros = timeoutMicros(value);
    if (micros == 0) {
      return;
    }
    long[] id = new long[1];
    id[0] = w.vertx.setTimer(Math.max(1L, micros / 1000), t -> {
      if (ch.absoluteTimer == id[0]) {
        ch.absoluteTimer = -1;
        timeoutCame(ch);
      }
    });
    ch.absoluteTimer = id[0];
  }

  /** Cancels the channel's absolute timeout (Set(TIMEOUT(absolute)=0), a T jump, the channel gone). */
  void clearAbsoluteTimeout(Channel ch) {
    if (ch.absoluteTimer >= 0) {
      w.vertx.cancelTimer(ch.absoluteTimer);
      ch.absoluteTimer = -1;
    }
  }

  private static final java.util.regex.Pattern LEADING_LONG = java.util.regex.Pattern.compile("^[+-]?\\d{1,18}");
  private static final java.util.regex.Pattern LEADING_DOUBLE =
      java.util.regex.Pattern.compile("^\\s*([+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?)");

  /**
   * The value as timeout_write reads it, {@code sscanf(value, "%30ld%30lf", &sec, &x)}, in microseconds: no leading
   * integer or a negative one is 0 (cleared); "2.5" is 2 s and 0.5 s; "5" is 5 s. A result that is not zero but not
   * positive is a time already past.
   */
  static long timeoutMicros(String value) {
    String v = value == null ? "" : value.stripLeading();
    java.util.regex.Matcher sec = LEADING_LONG.matcher(v);
    if (!sec.find()) {
      return 0;
    }
    long s = Long.parseLong(sec.group().startsWith("+") ? sec.group().substring(1) : sec.group());
    if (s < 0) {
      return 0;
    }
    java.util.regex.Matcher frac = LEADING_DOUBLE.matcher(v.substring(sec.end()));
    double x = frac.find() ? Double.parseDouble(frac.group(1)) : 0;
    if (s == 0 && (long) (x * 1_000_000) == 0) {
      return 0;
    }
    // at most a year: the timer is a Vert.x one, in milliseconds
    return (long) Math.max(1, Math.min(365 * 86_400e6, s * 1e6 + (long) (x * 1_000_000)));
  }

  /**
   * The absolute timeout came. Where the channel waits on itself (ast_waitfor_nandfds bounds its wait by whentohangup
   * and sets AST_SOFTHANGUP_TIMEOUT), the application sees a hangup and returns -1: Wait, Playback (PLAYBACKSTATUS
   * SUCCESS, as app_playback leaves it), Echo, MusicOnHold, and AGI (res_agi.c's run_agi: see AgiRunner#timedOut).
   * Applications the emulator cannot interrupt (Dial, AMD, SendDTMF, ChanSpy) and a channel in a bridge notice it when
   * they return to the dialplan, as the PBX loop checks after every application; Asterisk would interrupt them sooner.
   */
  private void timeoutCame(Channel ch) {
    if (ch.hungUp || ch.dying) {
      return;
    }
    ch.timedOut = true;
    if (ch.agi != null) {
      ch.agi.timedOut();
      return;
    }
    if (ch.bridge != null || ch.program == null) {
      return;
    }
    switch (ch.app.toLowerCase(Locale.ROOT)) {
      case "wait", "playback", "echo", "musiconhold" -> {
        cancelTimers(ch);
        if (ch.inPlayback) {
          ch.inPlayback = false;
          w.events.varSet(ch, "PLAYBACKSTATUS", "SUCCESS");
        }
        next(ch);
      }
      default -> {
        // noticed when the application returns (next)
      }
    }
  }

  /**
   * __ast_pbx_run with AST_SOFTHANGUP_TIMEOUT set: to {@code T},1 of the current context if it exists, else to
   * {@code e},1 with the exception ABSOLUTETIMEOUT; either way the timeout is cleared ("If the AbsoluteTimeout is not
   * reset to 0, we'll get an infinite loop") and so is the flag. Neither: the call ends as at the end of its dialplan.
   */
  private void timeoutReached(Channel ch) {
    ch.timedOut = false;
    clearAbsoluteTimeout(ch);
    Program p = ch.program;
    Dialplan.Extension t = dialplan.find(p.context, "T");
    Dialplan.Extension e = t == null ? dialplan.find(p.context, "e") : null;
    if (t == null && e == null) {
      w.hangups.dialplanHangup(ch, 16);
      return;
    }
    if (t == null) {
      ch.exception = "ABSOLUTETIMEOUT";
    }
    ch.program = new Program(p.context, t != null ? "T" : "e", (t != null ? t : e).steps(), p.hidden);
    ch.resumePc = -1;
    next(ch);
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
        ch.program.pc = priorityIndex(e, parts[2]);
      }
      return;
    }
    if (parts.length >= 2) {
      Dialplan.Extension e = dialplan.find(p.context, parts[0].trim());
      if (e != null) {
        ch.program = new Program(p.context, parts[0].trim(), e.steps(), p.hidden);
        ch.program.pc = priorityIndex(e, parts[1]);
      }
    }
  }

  /** A Goto's priority: a number, or a label of the extension (Goto(s,tried)). */
  private static int priorityIndex(Dialplan.Extension e, String priority) {
    String p = priority.trim();
    int label = e.indexOfLabel(p);
    return label >= 0 ? label : Math.max(0, World.parseInt(p, 1) - 1);
  }

  private void sendDtmf(Channel ch, String data) {
    String[] parts = data.split(",");
    String digits = parts[0];
    double dur = parts.length > 1 ? World.parseInt(parts[1], 250) / 1000.0 : 0.25;
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
      w.events.chanEvent("DTMFBegin", "dtmf", target, "Digit", String.valueOf(d), "Direction", "Received");
      waitThen(ch, 0.1, () -> {
        w.events.chanEvent("DTMFEnd", "dtmf", target, "Digit", String.valueOf(d), "DurationMs", "100", "Direction",
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
      case "EXCEPTION(reason)":
        return ch.exception == null ? "" : ch.exception;
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
}
