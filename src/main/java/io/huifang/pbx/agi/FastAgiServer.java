package io.huifang.pbx.agi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Huifang's FastAGI server. Scripts are mapped explicitly by name (the AGI URL's path); an unknown name is
 * refused, never resolved to a class. The environment block is bounded in lines and size, and a PBX that opens a
 * connection and says nothing is dropped after a few seconds.
 */
public final class FastAgiServer {
  private static final Logger log = LoggerFactory.getLogger(FastAgiServer.class);
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_ENV_LINES = 200;
  static final long ENV_TIMEOUT_MS = 10_000;

  /** What runs for one AGI request. It owns the session; it should return quickly and close it. */
  @FunctionalInterface
  public interface Script {
    void run(AgiSession session);
  }

  private final Vertx vertx;
  private final Map<String, Script> scripts;
  private NetServer server;
  private volatile long sessions;

  public FastAgiServer(Vertx vertx, Map<String, Script> scripts) {
    this.vertx = vertx;
    this.scripts = Map.copyOf(scripts);
  }

  public Future<Integer> listen(String host, int port) {
    server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true));
    return server.connectHandler(this::accept).listen().map(s -> {
      log.atInfo().setMessage("FastAGI server listening").addKeyValue("host", host)
          .addKeyValue("port", s.actualPort()).addKeyValue("scripts", scripts.keySet()).log();
      return s.actualPort();
    });
  }

  public long sessions() {
    return sessions;
  }

  private void accept(NetSocket socket) {
    AgiEnvironment env = new AgiEnvironment();
    AgiSession[] session = new AgiSession[1];
    int[] envLines = new int[1];
    long envTimer = vertx.setTimer(ENV_TIMEOUT_MS, t -> {
      if (session[0] == null) {
        socket.close();
      }
    });
    LineSplitter parser = new LineSplitter(MAX_LINE, socket::close);
    socket.exceptionHandler(e -> socket.close());
    parser.handler(line0 -> {
      String line = line0;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (session[0] != null) {
        session[0].onLine(line);
        return;
      }
      if (++envLines[0] > MAX_ENV_LINES) {
        socket.close();
        return;
      }
      if (env.parseLine(line)) {
        return;
      }
      vertx.cancelTimer(envTimer);
      AgiSession s = new AgiSession(socket, env);
      session[0] = s;
      sessions++;
      start(s);
    });
    socket.handler(parser);
    socket.closeHandler(v -> {
      vertx.cancelTimer(envTimer);
      if (session[0] != null) {
        session[0].onClosed();
      }
    });
  }

  /** Splits the byte stream at LF, bounded: a line longer than the limit calls {@code tooLong} and stops. */
  static final class LineSplitter implements io.vertx.core.Handler<io.vertx.core.buffer.Buffer> {
    private final int max;
    private final Runnable tooLong;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
    private io.vertx.core.Handler<String> handler = l -> { };
    private boolean failed;

    LineSplitter(int max, Runnable tooLong) {
      this.max = max;
      this.tooLong = tooLong;
    }

    void handler(io.vertx.core.Handler<String> h) {
      this.handler = h;
    }

    @Override
    public void handle(io.vertx.core.buffer.Buffer buf) {
      for (int i = 0, n = buf.length(); i < n && !failed; i++) {
        byte b = buf.getByte(i);
        if (b == '\n') {
          String text = line.toString(StandardCharsets.UTF_8);
          line.reset();
          handler.handle(text);
        } else if (line.size() >= max) {
          failed = true;
          tooLong.run();
        } else {
          line.write(b);
        }
      }
    }
  }

  private void start(AgiSession s) {
    Script script = scripts.get(s.script());
    if (script == null) {
      log.atWarn().setMessage("unknown AGI script requested").addKeyValue("script", s.script())
          .addKeyValue("channel", s.channel()).log();
      s.command("VERBOSE \"Huifang: no AGI script named " + s.script().replace("\"", "") + "\" 1")
          .onComplete(ar -> s.close());
      return;
    }
    try {
      script.run(s);
    } catch (RuntimeException e) {
      log.atError().setMessage("AGI script failed").addKeyValue("script", s.script()).setCause(e).log();
      s.close();
    }
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
