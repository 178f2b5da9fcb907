package io.huifang.pbx.agi;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One FastAGI connection from the PBX, after its {@code agi_*} block: commands go out one at a time (AGI is
 * strictly sequential), replies come back as {@link AgiReply}. The asynchronous {@code HANGUP} line may arrive
 * between a command and its reply (trace 05a); it marks the session hung up and does not disturb the reply.
 */
public final class AgiSession {
  private record Queued(String command, Promise<AgiReply> reply) {
  }

  private final NetSocket socket;
  private final AgiEnvironment env;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final List<Handler<Void>> hangupHandlers = new ArrayList<>();
  private final List<String> usageLines = new ArrayList<>();
  private Queued inFlight;
  private boolean hungUp;
  private boolean closed;

  AgiSession(NetSocket socket, AgiEnvironment env) {
    this.socket = socket;
    this.env = env;
  }

  public AgiEnvironment env() {
    return env;
  }

  /** The script name: the path of the AGI URL ({@code agi_network_script}). */
  public String script() {
    String s = env.get("network_script");
    return s == null ? "" : s;
  }

  public List<String> args() {
    return env.args();
  }

  public String channel() {
    return env.get("channel");
  }

  public String uniqueId() {
    return env.get("uniqueid");
  }

  public boolean hungUp() {
    return hungUp;
  }

  public boolean closed() {
    return closed;
  }

  /** Called once when the PBX reports the channel hung up (async HANGUP line or the connection closing). */
  public AgiSession onHangup(Handler<Void> h) {
    if (hungUp) {
      h.handle(null);
    } else {
      hangupHandlers.add(h);
    }
    return this;
  }

  /** Sends one command line; completes with its reply, or fails if the connection closes first. */
  public Future<AgiReply> command(String line) {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      return Future.failedFuture(new IllegalArgumentException("an AGI command is one line"));
    }
    if (closed) {
      return Future.failedFuture(new IllegalStateException("AGI session closed"));
    }
    Promise<AgiReply> p = Promise.promise();
    queue.add(new Queued(line, p));
    pump();
    return p.future();
  }

  public Future<AgiReply> setVariable(String name, String value) {
    return command("SET VARIABLE " + name + " \"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
  }

  public Future<AgiReply> streamFile(String file) {
    return command("STREAM FILE " + file + " \"\"");
  }

  /** Ends the session: Asterisk continues the dialplan at the next priority. */
  public void close() {
    if (!closed) {
      closed = true;
      socket.close();
    }
  }

  private void pump() {
    if (inFlight != null || queue.isEmpty() || closed) {
      return;
    }
    inFlight = queue.poll();
    socket.write(Buffer.buffer(inFlight.command() + "\n"));
  }

  void onLine(String line) {
    if (AgiReply.isHangupNotice(line)) {
      markHungUp();
      return;
    }
    if (line.startsWith("520-")) {
      // Multi-line usage text; the reply ends with "520 End of proper usage.". Asterisk's longest is a few dozen
      // lines: a PBX sending them without end is broken or hostile, and would otherwise fill the memory.
      if (usageLines.size() >= FastAgiServer.MAX_USAGE_LINES) {
        close();
        return;
      }
      usageLines.add(line);
      return;
    }
    Queued q = inFlight;
    inFlight = null;
    if (q == null) {
      return; // a reply nobody asked for: ignore
    }
    AgiReply reply;
    try {
      reply = AgiReply.parse(line);
    } catch (IllegalArgumentException e) {
      q.reply().fail(e);
      pump();
      return;
    }
    usageLines.clear();
    q.reply().complete(reply);
    pump();
  }

  void onClosed() {
    closed = true;
    markHungUp();
    IllegalStateException e = new IllegalStateException("AGI connection closed");
    if (inFlight != null) {
      inFlight.reply().tryFail(e);
      inFlight = null;
    }
    while (!queue.isEmpty()) {
      queue.poll().reply().tryFail(e);
    }
  }

  private void markHungUp() {
    if (hungUp) {
      return;
    }
    hungUp = true;
    for (Handler<Void> h : hangupHandlers) {
      h.handle(null);
    }
    hangupHandlers.clear();
  }
}
