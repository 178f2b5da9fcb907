package io.huifang.pbx.agi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Huifang's FastAGI server. Scripts are mapped explicitly by name (the AGI URL's path); an unknown name is
 * refused, never resolved to a class. The environment block is bounded in lines and size, and a PBX that opens a
 * connection and says nothing is dropped after a few seconds.
 *
 * <p>Connections are capped in total and per peer address ({@link Limits}): one past either cap is closed as soon as
 * it is accepted, so a flood of connections costs a file handle for an instant, not for ever (it once took the web
 * server's handles). A session on which the PBX sends nothing for the idle timeout is closed.
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

  /** Lines of a command's usage text ({@code 520-...}) kept before the reply; more closes the session. */
  static final int MAX_USAGE_LINES = 200;
  /** Refused connections are logged at most this often (a flood would otherwise flood the log too). */
  private static final long REFUSED_LOG_EVERY_NANOS = 10_000_000_000L;

  /**
   * What the PBX (or anyone reaching the port) may hold: connections in total and per peer address, and how long a
   * connection may stay with nothing received from the PBX.
   */
  public record Limits(Duration idleTimeout, int maxSessions, int maxSessionsPerPeer) {
    public static final Limits DEFAULT = new Limits(Duration.ofSeconds(60), 1000, 500);

    public Limits {
      if (idleTimeout.isNegative() || idleTimeout.isZero() || maxSessions < 1 || maxSessionsPerPeer < 1) {
        throw new IllegalArgumentException("FastAGI limits must be positive");
      }
    }
  }

  private final Vertx vertx;
  private final Map<String, Script> scripts;
  private final Limits limits;
  private NetServer server;
  private volatile long sessions;
  // Connections may be accepted on more than one event loop (a server listened outside a verticle): atomics.
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, AtomicInteger> openByPeer = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong idleClosed = new AtomicLong();
  private final AtomicLong lastRefusedLog = new AtomicLong(System.nanoTime() - REFUSED_LOG_EVERY_NANOS);

  public FastAgiServer(Vertx vertx, Map<String, Script> scripts) {
    this(vertx, scripts, Limits.DEFAULT);
  }

  public FastAgiServer(Vertx vertx, Map<String, Script> scripts, Limits limits) {
    this.vertx = vertx;
    this.scripts = Map.copyOf(scripts);
    this.limits = limits;
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

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  /** Connections closed at once because a cap was reached. */
  public long refused() {
    return refused.get();
  }

  /** Connections closed because the PBX sent nothing for the idle timeout. */
  public long idleClosed() {
    return idleClosed.get();
  }

  private void accept(NetSocket socket) {
    String peer = socket.remoteAddress() == null ? "?" : socket.remoteAddress().hostAddress();
    AtomicInteger ofPeer = openByPeer.computeIfAbsent(peer, k -> new AtomicInteger());
    int peerCount = ofPeer.incrementAndGet();
    int total = open.incrementAndGet();
    if (total > limits.maxSessions() || peerCount > limits.maxSessionsPerPeer()) {
      release(peer, ofPeer);
      refuse(socket, peer, total > limits.maxSessions() ? "total" : "per peer");
      return;
    }
    serve(new Connection(socket, peer, ofPeer));
  }

  /** One accepted connection: its peer, and when the PBX last sent anything on it. */
  private static final class Connection {
    final NetSocket socket;
    final String peer;
    final AtomicInteger ofPeer;
    long lastRead = System.nanoTime();
    boolean closed;

    Connection(NetSocket socket, String peer, AtomicInteger ofPeer) {
      this.socket = socket;
      this.peer = peer;
      this.ofPeer = ofPeer;
    }
  }

  private void release(String peer, AtomicInteger ofPeer) {
    open.decrementAndGet();
    if (ofPeer.decrementAndGet() <= 0) {
      openByPeer.remove(peer, ofPeer);
    }
  }

  private void refuse(NetSocket socket, String peer, String which) {
    long n = refused.incrementAndGet();
    long last = lastRefusedLog.get();
    long now = System.nanoTime();
    if (now - last >= REFUSED_LOG_EVERY_NANOS && lastRefusedLog.compareAndSet(last, now)) {
      log.atWarn().setMessage("FastAGI connection refused: too many sessions").addKeyValue("peer", peer)
          .addKeyValue("cap", which).addKeyValue("maxSessions", limits.maxSessions())
          .addKeyValue("maxSessionsPerPeer", limits.maxSessionsPerPeer()).addKeyValue("refusedSoFar", n).log();
    }
    socket.close();
  }

  /** Closes the connection once nothing has come from the PBX for the idle timeout (one timer, re-armed). */
  private void armIdle(Connection c, long idleNanos) {
    long wait = Math.max(1, (c.lastRead + idleNanos - System.nanoTime()) / 1_000_000);
    vertx.setTimer(wait, t -> {
      if (c.closed) {
        return;
      }
      if (System.nanoTime() - c.lastRead < idleNanos) {
        armIdle(c, idleNanos);
        return;
      }
      idleClosed.incrementAndGet();
      log.atInfo().setMessage("FastAGI session idle; closed").addKeyValue("peer", c.peer)
          .addKeyValue("idleMs", idleNanos / 1_000_000).log();
      c.socket.close();
    });
  }

  private void serve(Connection c) {
    NetSocket socket = c.socket;
    AgiEnvironment env = new AgiEnvironment();
    AgiSession[] session = new AgiSession[1];
    int[] envLines = new int[1];
    long envTimer = vertx.setTimer(ENV_TIMEOUT_MS, t -> {
      if (session[0] == null) {
        socket.close();
      }
    });
    armIdle(c, limits.idleTimeout().toNanos());
    LineSplitter parser = new LineSplitter(MAX_LINE, () -> {
      log.atWarn().setMessage("FastAGI line too long; connection closed").addKeyValue("peer", c.peer)
          .addKeyValue("maxBytes", MAX_LINE).log();
      socket.close();
    });
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
    socket.handler(buf -> {
      c.lastRead = System.nanoTime();
      parser.handle(buf);
    });
    socket.closeHandler(v -> {
      c.closed = true;
      release(c.peer, c.ofPeer);
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
