package io.huifang.pbx.emulator;

import io.huifang.pbx.agi.AgiCommand;
import io.huifang.pbx.agi.AgiEnvironment;
import io.huifang.pbx.agi.AgiReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The AGI() application: a real FastAGI client connection to the configured AGI server, sending the
 * {@code agi_*} environment and honouring commands as Asterisk does (traces 05a/05b), including the
 * asynchronous {@code HANGUP} line and 511 on a dead channel.
 */
final class AgiRunner {
  private static final int MAX_LINE = 8192;
  /** Asterisk waits forever for a script; we stop waiting this long (simulated) after the hangup. */
  private static final double DEAD_SCRIPT_GRACE = 30.0;

  private final World world;
  private final Channel ch;
  private final String data;
  private final SplittableRandom ids;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private NetSocket sock;
  private boolean busy;
  private boolean dead;
  private boolean scriptHangup;
  private boolean done;
  private boolean connectFailed;
  private Runnable cancelPending;
  private long guard = -1;
  /** AGISIGHUP not false: the script is told HANGUP (res_agi.c's send_sighup). */
  private boolean sendSighup = true;
  /** AGIEXITONHANGUP true: AGI() returns as soon as it sees the hangup, without waiting for the script. */
  private boolean exitOnHangup;
  /** The channel's absolute timeout came during the script (AGISTATUS HANGUP, then the dialplan's T). */
  private boolean timedOut;

  AgiRunner(World world, Channel ch, String data) {
    this.world = world;
    this.ch = ch;
    this.data = data;
    this.ids = new SplittableRandom(ch.uniqueid.hashCode() ^ 0x2545F4914F6CDD1DL);
  }

  void start() {
    ch.agi = this;
    // run_agi reads both once, when it starts (res_agi.c: ast_false / ast_true).
    sendSighup = !World.isFalse(world.variable(ch, "AGISIGHUP"));
    exitOnHangup = World.isTrue(world.variable(ch, "AGIEXITONHANGUP"));
    String[] args = World.splitArgs(data);
    String url = args[0].trim();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || !"agi".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      connectFailed = true;
      world.vertx.runOnContext(v -> finish());
      return;
    }
    String script = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    AgiEnvironment env = AgiEnvironment.forChannel(url, script, ch.name, ch.type, ch.uniqueid, World.VERSION,
        ch.cidNum, ch.cidName, ch.context, ch.exten, ch.priority, "", 139762501932736L + (ch.uniqueid.hashCode() & 0xffff));
    for (int i = 1; i < args.length; i++) {
      env.arg(args[i]);
    }
    int port = uri.getPort() < 0 ? 4573 : uri.getPort();
    world.agiClient().connect(port, uri.getHost()).onComplete(ar -> {
      if (ar.failed()) {
        connectFailed = true;
        finish();
        return;
      }
      NetSocket s = ar.result();
      if (done) {
        s.close();
        return;
      }
      sock = s;
      RecordParser parser = RecordParser.newDelimited("\n", this::onLine);
      parser.maxRecordSize(MAX_LINE);
      parser.exceptionHandler(e -> s.close());
      s.handler(parser);
      s.closeHandler(v -> {
        sock = null;
        finish();
      });
      s.exceptionHandler(e -> s.close());
      s.write(env.encode());
      if (dead) {
        // the hangup came while connecting: run_agi sees it at its first wait, after sending the environment
        hangupNoticeSent = true;
        if (sendSighup) {
          write(AgiReply.HANGUP_LINE);
        }
        if (exitOnHangup) {
          exitNow();
        }
      }
    });
  }

  private void onLine(Buffer b) {
    String line = b.toString();
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isBlank()) {
      return;
    }
    queue.add(line);
    drain();
  }

  private void drain() {
    while (!busy && !done && !queue.isEmpty()) {
      execute(queue.poll());
    }
  }

  private void write(String line) {
    if (sock != null) {
      sock.write(line + "\n");
    }
  }

  private void execute(String line) {
    busy = true;
    String id = Integer.toString(ids.nextInt(1, Integer.MAX_VALUE));
    world.emitAgi(ch, "AGIExecStart", "CommandId", id, "Command", line);
    AgiCommand cmd = AgiCommand.parse(line);
    String head1 = cmd.head(1);
    String head2 = cmd.head(2);
    String head3 = cmd.head(3);
    boolean variableCmd = head2.equals("SET VARIABLE") || head2.equals("GET VARIABLE")
        || head3.equals("GET FULL VARIABLE");
    if (dead && !variableCmd) {
      reply(id, line, 511, AgiReply.DEAD_CHANNEL, false);
      return;
    }
    switch (head1) {
      case "ANSWER" -> {
        if (ch.state != Channel.UP) {
          ch.state = Channel.UP;
          world.emitNewstate(ch);
        }
        ok(id, line, "200 result=0");
      }
      case "NOOP" -> ok(id, line, "200 result=0");
      case "VERBOSE" -> ok(id, line, "200 result=1");
      case "HANGUP" -> {
        world.emitSoftHangup(ch, 32);
        scriptHangup = true;
        markDead();
        ok(id, line, "200 result=1");
      }
      case "CHANNEL" -> {
        if (head2.equals("CHANNEL STATUS")) {
          ok(id, line, "200 result=" + ch.state);
        } else {
          unknown(id, line);
        }
      }
      case "GET" -> {
        if (head3.equals("GET FULL VARIABLE") && cmd.size() >= 4) {
          ok(id, line, AgiReply.ok("1", world.expand(ch, cmd.word(3))));
        } else if (head2.equals("GET VARIABLE") && cmd.size() >= 3) {
          String name = cmd.word(2);
          String v = world.variable(ch, name);
          boolean known = ch.vars.containsKey(name) || !v.isEmpty();
          ok(id, line, known ? AgiReply.ok("1", v) : "200 result=0");
        } else if (head2.equals("GET DATA")) {
          if (cmd.size() < 3) {
            usage(id, line, "Stream the given <replaceable>file</replaceable>, and receive DTMF data.",
                "Returns the digits received from the channel at the other end.");
          } else {
            getData(id, line, cmd);
          }
        } else if (head2.equals("GET VARIABLE") || head3.equals("GET FULL VARIABLE")) {
          usage(id, line, "Usage: " + head2);
        } else {
          unknown(id, line);
        }
      }
      case "SET" -> {
        if (head2.equals("SET VARIABLE") && cmd.size() >= 4) {
          world.varSet(ch, cmd.word(2), cmd.word(3));
          ok(id, line, "200 result=1");
        } else if (head2.equals("SET VARIABLE")) {
          usage(id, line, "Sets a variable to the current channel.");
        } else if (cmd.size() >= 3) {
          ok(id, line, "200 result=0");
        } else {
          unknown(id, line);
        }
      }
      case "STREAM" -> {
        if (!head2.equals("STREAM FILE")) {
          unknown(id, line);
        } else if (cmd.size() < 4) {
          usage(id, line, "Sends audio file on channel.");
        } else {
          play(id, line, cmd.word(2), true);
        }
      }
      case "WAIT" -> {
        if (head3.equals("WAIT FOR DIGIT") && cmd.size() >= 4) {
          waitForDigit(id, line, World.parseInt(cmd.word(3), -1));
        } else {
          unknown(id, line);
        }
      }
      case "EXEC" -> exec(id, line, cmd);
      default -> unknown(id, line);
    }
  }

  private void ok(String id, String line, String reply) {
    reply(id, line, 200, reply, false);
  }

  private void unknown(String id, String line) {
    reply(id, line, 510, AgiReply.UNKNOWN_COMMAND, false);
  }

  private void usage(String id, String line, String... text) {
    StringBuilder sb = new StringBuilder("520-Invalid command syntax.  Proper usage follows:");
    for (String t : text) {
      sb.append('\n').append(t);
    }
    sb.append("\n520 End of proper usage.");
    reply(id, line, 520, sb.toString(), false);
  }

  private void reply(String id, String line, int code, String text, boolean failure) {
    String result = switch (code) {
      case 200 -> failure ? "Failure" : "Success";
      case 510 -> "Invalid or unknown command";
      case 511 -> "Command Not Permitted on a dead channel or intercept routine";
      case 520 -> "Usage";
      default -> "Failure";
    };
    if (!ch.hungUp || ch.agi == this) {
      // A failed 200 (a missing sound file) is logged by Asterisk with ResultCode -1 (trace 05).
      world.emitAgi(ch, "AGIExecEnd", "CommandId", id, "Command", line, "ResultCode",
          failure ? "-1" : Integer.toString(code),
          "Result", result);
    }
    write(text);
    busy = false;
    cancelPending = null;
    if (scriptHangup && dead && sock != null && !hangupNoticeSent) {
      hangupNoticeSent = true;
      write(AgiReply.HANGUP_LINE);
    }
    world.vertx.runOnContext(v -> drain());
  }

  private boolean hangupNoticeSent;

  private void play(String id, String line, String file, boolean streamFile) {
    double len = world.scenario.soundLength(file);
    if (len < 0) {
      reply(id, line, 200, streamFile ? "200 result=-1 endpos=0" : "200 result=-1", true);
      return;
    }
    long endpos = Math.round(len * 8000);
    long t = world.clock.after(len, x -> {
      cancelPending = null;
      world.varSet(ch, "PLAYBACKSTATUS", "SUCCESS");
      ok(id, line, streamFile ? "200 result=0 endpos=" + endpos : "200 result=0");
    });
    cancelPending = () -> {
      world.clock.cancel(t);
      ok(id, line, streamFile ? "200 result=-1 endpos=" + endpos : "200 result=-1");
    };
  }

  private void exec(String id, String line, AgiCommand cmd) {
    String app = cmd.word(1) == null ? "" : cmd.word(1).toLowerCase(Locale.ROOT);
    String arg = cmd.size() > 2 ? cmd.word(2) : "";
    switch (app) {
      case "playback" -> play(id, line, arg.split(",")[0], false);
      case "wait" -> {
        long t = world.clock.after(World.parseSeconds(arg, 1), x -> ok(id, line, "200 result=0"));
        cancelPending = () -> {
          world.clock.cancel(t);
          ok(id, line, "200 result=-1");
        };
      }
      case "" -> usage(id, line, "Executes a given Application");
      default -> ok(id, line, "200 result=0");
    }
  }

  private void getData(String id, String line, AgiCommand cmd) {
    String file = cmd.word(2);
    double len = Math.max(0, world.scenario.soundLength(file));
    double timeout = cmd.size() > 3 ? World.parseInt(cmd.word(3), 6000) / 1000.0 : 6.0;
    int max = cmd.size() > 4 ? World.parseInt(cmd.word(4), 1024) : 1024;
    StringBuilder got = new StringBuilder();
    long[] timer = new long[1];
    Runnable finishOk = () -> {
      ch.dtmfWaiter = null;
      world.clock.cancel(timer[0]);
      ok(id, line, "200 result=" + got);
    };
    Runnable check = () -> {
      while (ch.dtmf.length() > 0) {
        char d = ch.dtmf.charAt(0);
        ch.dtmf.deleteCharAt(0);
        if (d == '#') {
          finishOk.run();
          return;
        }
        got.append(d);
        if (got.length() >= max) {
          finishOk.run();
          return;
        }
      }
    };
    timer[0] = world.clock.after(len + timeout, x -> {
      ch.dtmfWaiter = null;
      cancelPending = null;
      ok(id, line, got.length() == 0 ? "200 result= (timeout)" : "200 result=" + got + " (timeout)");
    });
    cancelPending = () -> {
      ch.dtmfWaiter = null;
      world.clock.cancel(timer[0]);
      ok(id, line, "200 result=-1");
    };
    ch.dtmfWaiter = () -> {
      if (!dead) {
        check.run();
      }
    };
    check.run();
  }

  private void waitForDigit(String id, String line, int timeoutMs) {
    long[] timer = {-1};
    Runnable check = () -> {
      if (ch.dtmf.length() > 0) {
        char d = ch.dtmf.charAt(0);
        ch.dtmf.deleteCharAt(0);
        ch.dtmfWaiter = null;
        if (timer[0] >= 0) {
          world.clock.cancel(timer[0]);
        }
        ok(id, line, "200 result=" + (int) d);
      }
    };
    if (timeoutMs >= 0) {
      timer[0] = world.clock.after(timeoutMs / 1000.0, x -> {
        ch.dtmfWaiter = null;
        cancelPending = null;
        ok(id, line, "200 result=0");
      });
    }
    cancelPending = () -> {
      ch.dtmfWaiter = null;
      if (timer[0] >= 0) {
        world.clock.cancel(timer[0]);
      }
      ok(id, line, "200 result=-1");
    };
    ch.dtmfWaiter = () -> {
      if (!dead) {
        check.run();
      }
    };
    check.run();
  }

  private void markDead() {
    if (dead) {
      return;
    }
    dead = true;
    guard = world.clock.after(DEAD_SCRIPT_GRACE, x -> {
      guard = -1;
      if (sock != null) {
        sock.close();
      } else {
        finish();
      }
    });
  }

  /** The channel hung up under the script: end the command in flight with -1, then push HANGUP. */
  void channelHungUp() {
    if (done) {
      return;
    }
    markDead();
    Runnable c = cancelPending;
    if (c != null) {
      cancelPending = null;
      c.run();
    }
    if (sock != null && !hangupNoticeSent) {
      hangupNoticeSent = true;
      if (sendSighup) {
        write(AgiReply.HANGUP_LINE);
      }
      if (exitOnHangup) {
        exitNow();
      }
    }
  }

  /**
   * The channel's absolute timeout came (Set(TIMEOUT(absolute)=N)): to the script it is a hangup. run_agi's wait on the
   * channel and the script's socket is bounded by the channel's whentohangup; at it the channel gets
   * AST_SOFTHANGUP_TIMEOUT, ast_read returns nothing, and run_agi goes on as for any hangup: the command in flight ends
   * with -1, the script is sent HANGUP and the channel is dead to it (511 but for the variable commands). AGI()
   * returns only when the script closes the connection, unless AGIEXITONHANGUP is true: then at once. It returns -1
   * with AGISTATUS HANGUP, and the PBX goes to the context's T extension (DialplanInterpreter#next).
   */
  void timedOut() {
    if (done) {
      return;
    }
    timedOut = true;
    channelHungUp();
  }

  /**
   * AGIEXITONHANGUP: run_agi breaks out of its loop right after sending HANGUP, sends HANGUP once more after the loop
   * (as it does at every end) and closes the socket, without waiting for the script.
   */
  private void exitNow() {
    if (sock != null) {
      if (sendSighup) {
        write(AgiReply.HANGUP_LINE);
      }
      NetSocket s = sock;
      sock = null;
      s.close();
    }
    finish();
  }

  /** The channel was removed without waiting for the script (emulator shutdown). */
  void channelReleased() {
    done = true;
    if (guard >= 0) {
      world.clock.cancel(guard);
      guard = -1;
    }
    if (sock != null) {
      NetSocket s = sock;
      sock = null;
      s.close();
    }
  }

  private void finish() {
    if (done) {
      return;
    }
    done = true;
    if (guard >= 0) {
      world.clock.cancel(guard);
      guard = -1;
    }
    Runnable c = cancelPending;
    cancelPending = null;
    if (c != null) {
      // The script went away mid-command; Asterisk abandons the command silently.
      ch.dtmfWaiter = null;
    }
    if (ch.agi == this) {
      ch.agi = null;
    }
    if (ch.hungUp) {
      return;
    }
    String status = connectFailed ? "FAILURE" : scriptHangup ? "FAILURE" : ch.dying || timedOut ? "HANGUP"
        : "SUCCESS";
    world.varSet(ch, "AGISTATUS", status);
    if (scriptHangup) {
      world.hangups.endLeg1(ch, 0, true);
    } else if (ch.dying) {
      world.hangups.finishDeadLeg(ch);
    } else if (ch.bridge != null) {
      // Bridged by the server while the script ran: the channel stays in the bridge.
      ch.resumePc = -1;
    } else if (ch.program != null && ch.program.hidden) {
      world.hangups.endLeg1(ch, 0, false);
    } else {
      world.next(ch);
    }
  }
}
