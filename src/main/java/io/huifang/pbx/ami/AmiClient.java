package io.huifang.pbx.ami;

import io.huifang.core.HealthCheck;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-blocking AMI client on Vert.x, sharing its codec with the emulator: MD5 challenge login, ActionID
 * correlation (plain and list actions), keep-alive pings, and automatic reconnect with jittered exponential
 * backoff. Every callback (events, responses, state changes) runs on the client's own context, so the code that
 * tracks calls sees one ordered stream and needs no locks.
 */
public final class AmiClient {
  private static final Logger log = LoggerFactory.getLogger(AmiClient.class);
  /** Outstanding actions beyond this fail at once instead of queueing without bound. */
  static final int MAX_PENDING = 20_000;
  /** The pause before the next connect asked for by {@link #reconnect(Duration)}; -1: the backoff. */
  private long nextDelayMillis = -1;

  /** Headers in one message from the PBX: Asterisk's events carry a few dozen. */
  static final int MAX_HEADERS = 512;

  /**
   * What a hostile or broken PBX may cost: the banner and the login must be done within {@code loginTimeout} of the
   * TCP connect; a list action (CoreShowChannels...) must complete within {@code listTimeout} and
   * {@code maxListItems} items; the reconnect backoff starts again from its minimum only once a connection has
   * stayed up for {@code healthyAfter} (or its owner calls {@link #healthy()}, e.g. after a resync).
   */
  public record Limits(Duration loginTimeout, Duration listTimeout, int maxListItems, Duration healthyAfter) {
    public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 20_000,
        Duration.ofSeconds(30));

    public Limits {
      if (loginTimeout.isNegative() || loginTimeout.isZero() || listTimeout.isNegative() || listTimeout.isZero()
          || maxListItems < 1 || healthyAfter.isNegative()) {
        throw new IllegalArgumentException("AMI limits must be positive");
      }
    }
  }

  /** Where and how to connect. */
  public record Options(String name, String host, int port, String user, String secret, Duration actionTimeout,
                        Duration pingInterval, Duration minBackoff, Duration maxBackoff, Limits limits) {
    public static Options of(String name, String host, int port, String user, String secret) {
      return new Options(name, host, port, user, secret, Duration.ofSeconds(10), Duration.ofSeconds(15),
          Duration.ofMillis(250), Duration.ofSeconds(30), Limits.DEFAULT);
    }

    public Options withBackoff(Duration min, Duration max) {
      return new Options(name, host, port, user, secret, actionTimeout, pingInterval, min, max, limits);
    }

    public Options withPingInterval(Duration ping) {
      return new Options(name, host, port, user, secret, actionTimeout, ping, minBackoff, maxBackoff, limits);
    }

    public Options withLimits(Limits l) {
      return new Options(name, host, port, user, secret, actionTimeout, pingInterval, minBackoff, maxBackoff, l);
    }
  }

  /** The connection's life. */
  public enum State {
    DISCONNECTED, CONNECTING, CONNECTED, CLOSED
  }

  /** An action waiting for its response (and, for lists, its item events). */
  private static final class Pending {
    final Promise<AmiMessage> response = Promise.promise();
    final Promise<List<AmiMessage>> items;
    final List<AmiMessage> collected;
    final String action;
    final long timer;
    /** A list whose Success response came: its items are flowing. */
    boolean listStarted;

    Pending(String action, boolean list, long timer) {
      this.action = action;
      this.items = list ? Promise.promise() : null;
      this.collected = list ? new ArrayList<>() : null;
      this.timer = timer;
    }
  }

  /** A list action whose items passed the count or time limit; the connection it came on is dropped. */
  public static final class ListOverflowException extends RuntimeException {
    public ListOverflowException(String message) {
      super(message);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Options options;
  private final NetClient net;
  private final Map<String, Pending> pending = new HashMap<>();
  private final List<Handler<AmiMessage>> eventHandlers = new CopyOnWriteArrayList<>();
  private final List<Handler<State>> stateHandlers = new CopyOnWriteArrayList<>();
  private NetSocket socket;
  private volatile State state = State.DISCONNECTED;
  private volatile String lastError = "not connected yet";
  private volatile String lastLoss;
  private volatile String banner;
  private volatile Instant connectedSince;
  private long actionCounter;
  private long pingTimer = -1;
  private long reconnectTimer = -1;
  private long loginTimer = -1;
  private long healthyTimer = -1;
  /** Connections lost since the last one that proved healthy: the exponent of the backoff. */
  private volatile int failures;
  /** Why this client closed the current connection itself (null: it did not, so the PBX or the network did). */
  private String closedByUs;
  private String socketError;
  private boolean bannerSeen;
  private volatile long eventsReceived;
  private volatile long connects;
  private final Promise<Void> firstConnect = Promise.promise();

  public AmiClient(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    if (options.limits() == null) {
      throw new IllegalArgumentException("AMI options without limits");
    }
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(3000).setTcpNoDelay(true)
        .setTcpKeepAlive(true));
  }

  public Options options() {
    return options;
  }

  public State state() {
    return state;
  }

  public Context context() {
    return context;
  }

  public long connects() {
    return connects;
  }

  /** Why the last connection ended (who closed it, and why), or null before any loss. */
  public String lastLoss() {
    return lastLoss;
  }

  /** Connections lost since one last proved healthy (the backoff's exponent); for tests. */
  int failuresInARow() {
    return failures;
  }

  /** Completes at the first successful login. */
  public Future<Void> connected() {
    return firstConnect.future();
  }

  /** Every event, on the client's context, in arrival order. */
  public AmiClient onEvent(Handler<AmiMessage> handler) {
    eventHandlers.add(handler);
    return this;
  }

  /** CONNECTED after each successful login (reconnects included), DISCONNECTED when the connection is lost. */
  public AmiClient onState(Handler<State> handler) {
    stateHandlers.add(handler);
    return this;
  }

  /** Starts connecting; keeps retrying with backoff until {@link #close()}. */
  public void start() {
    context.runOnContext(v -> connect());
  }

  public HealthCheck health() {
    String where = options.name() + " " + options.host() + ":" + options.port();
    return state == State.CONNECTED
        ? HealthCheck.up("AMI " + where + " connected since " + connectedSince + " (" + banner + ", "
            + eventsReceived + " events)")
        : HealthCheck.down("AMI " + where + " " + state.name().toLowerCase() + ": " + lastError);
  }

  /** Sends an action and completes with its response (Success, Error, Goodbye alike). */
  public Future<AmiMessage> send(AmiMessage action) {
    return send(action, options.actionTimeout());
  }

  public Future<AmiMessage> send(AmiMessage action, Duration timeout) {
    Promise<AmiMessage> p = Promise.promise();
    context.runOnContext(v -> doSend(action, timeout, false, false).response.future().onComplete(p));
    return p.future();
  }

  /**
   * A list action (CoreShowChannels, Status, ...): completes with the item events once the {@code ...Complete}
   * event arrives, or fails with the error response.
   */
  public Future<List<AmiMessage>> sendList(AmiMessage action) {
    Promise<List<AmiMessage>> p = Promise.promise();
    context.runOnContext(v -> {
      Pending pd = doSend(action, options.limits().listTimeout(), true, false);
      pd.response.future().onFailure(p::tryFail).onSuccess(r -> {
        if (!"Success".equalsIgnoreCase(r.get("Response"))) {
          p.tryFail(new AmiException(action.get("Action"), r));
        }
      });
      pd.items.future().onComplete(p);
    });
    return p.future();
  }

  private Pending doSend(AmiMessage action, Duration timeout, boolean list, boolean internal) {
    String id = action.get("ActionID");
    if (id == null) {
      id = "hf-" + (++actionCounter);
      action.add("ActionID", id);
    }
    String actionId = id;
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> expire(actionId, timeout));
    Pending p = new Pending(action.get("Action"), list, timer);
    if (state != State.CONNECTED && !internal) {
      vertx.cancelTimer(timer);
      fail(p, new IllegalStateException("AMI " + options.name() + " is " + state.name().toLowerCase() + ": "
          + lastError));
      return p;
    }
    if (pending.size() >= MAX_PENDING) {
      vertx.cancelTimer(timer);
      fail(p, new IllegalStateException("AMI " + options.name() + ": too many outstanding actions"));
      return p;
    }
    if (pending.putIfAbsent(actionId, p) != null) {
      vertx.cancelTimer(timer);
      fail(p, new IllegalArgumentException("duplicate ActionID " + actionId));
      return p;
    }
    socket.write(AmiWriter.toBuffer(action));
    return p;
  }

  private void expire(String actionId, Duration timeout) {
    Pending p = pending.remove(actionId);
    if (p == null) {
      return;
    }
    if (p.listStarted) {
      overflow(p, "did not complete within " + timeout.toMillis() + " ms (" + p.collected.size() + " items so far)");
      return;
    }
    fail(p, new java.util.concurrent.TimeoutException("no AMI response to " + actionId + " within "
        + timeout.toMillis() + " ms"));
  }

  /**
   * A list past its limits: its caller gets the failure, and the connection is dropped, since the PBX would go on
   * sending the rest of it (an endless one, without end) and every item would have to be read and thrown away.
   */
  private void overflow(Pending p, String what) {
    String why = p.action + " list " + what;
    ListOverflowException e = new ListOverflowException("AMI " + options.name() + ": " + why);
    log.atError().setMessage("AMI list over its limit; dropping the connection").addKeyValue("pbx", options.name())
        .addKeyValue("reason", why).log();
    fail(p, e);
    closeSocket(why);
  }

  private static void fail(Pending p, Throwable e) {
    p.response.tryFail(e);
    if (p.items != null) {
      p.items.tryFail(e);
    }
  }

  private void connect() {
    if (state == State.CLOSED) {
      return;
    }
    reconnectTimer = -1;
    setState(State.CONNECTING);
    net.connect(options.port(), options.host()).onComplete(ar -> {
      if (ar.failed()) {
        lost("connect failed: " + ar.cause().getMessage());
        return;
      }
      if (state == State.CLOSED) {
        ar.result().close();
        return;
      }
      attach(ar.result());
    });
  }

  private void attach(NetSocket s) {
    socket = s;
    closedByUs = null;
    socketError = null;
    bannerSeen = false;
    // A PBX that accepts the connection and then says nothing (or never answers the login) would otherwise leave
    // this client "connecting" for ever: the whole greeting has a deadline.
    long loginMs = options.limits().loginTimeout().toMillis();
    loginTimer = vertx.setTimer(loginMs, t -> {
      loginTimer = -1;
      if (socket == s && state != State.CONNECTED) {
        closeSocket(bannerSeen ? "no answer to the login within " + loginMs + " ms"
            : "no banner within " + loginMs + " ms of connecting");
      }
    });
    AmiParser parser = new AmiParser(this::onMessage)
        .maxHeaders(MAX_HEADERS)
        .bannerHandler(b -> {
          banner = b;
          bannerSeen = true;
          login();
        })
        .errorHandler(why -> closeSocket("bad data from PBX: " + why));
    s.handler(parser);
    s.closeHandler(v -> {
      if (socket == s) {
        lost(lossReason());
      }
    });
    s.exceptionHandler(e -> socketError = e.getMessage());
  }

  /** Who closed the connection, and why: this client (a limit, a failed keep-alive, a request), or the PBX. */
  private String lossReason() {
    if (closedByUs != null) {
      return "closed by Huifang: " + closedByUs;
    }
    String stage = state == State.CONNECTED ? "" : bannerSeen ? " during the login" : " before its banner";
    return socketError != null ? "connection error" + stage + ": " + socketError : "connection closed by PBX" + stage;
  }

  private void login() {
    Duration timeout = options.limits().loginTimeout();
    AmiMessage challenge = AmiMessage.action("Challenge").add("AuthType", "MD5");
    doSend(challenge, timeout, false, true).response.future()
        .compose(r -> {
          String c = r.get("Challenge");
          AmiMessage login = AmiMessage.action("Login").add("Username", options.user());
          if ("Success".equalsIgnoreCase(r.get("Response")) && c != null) {
            login.add("AuthType", "MD5").add("Key", md5Hex(c + options.secret()));
          } else {
            login.add("Secret", options.secret()); // a PBX without MD5 challenges
          }
          return doSend(login, timeout, false, true).response.future();
        })
        .onComplete(ar -> {
          if (state == State.CLOSED || socket == null) {
            return; // lost (or closed) meanwhile: lost() has already said why
          }
          if (ar.failed()) {
            closeSocket("login: " + ar.cause().getMessage());
          } else if (!"Success".equalsIgnoreCase(ar.result().get("Response"))) {
            log.atWarn().setMessage("AMI login refused").addKeyValue("pbx", options.name())
                .addKeyValue("reason", ar.result().get("Message", "")).log();
            closeSocket("login refused: " + ar.result().get("Message", ""));
          } else {
            cancelLoginTimer();
            // Not failures = 0 yet: a PBX that accepts the login and then breaks the connection at once would get a
            // tight reconnect loop. The backoff starts again once this connection has proved healthy.
            NetSocket current = socket;
            long healthyMs = options.limits().healthyAfter().toMillis();
            healthyTimer = vertx.setTimer(Math.max(1, healthyMs), t -> {
              healthyTimer = -1;
              if (socket == current && state == State.CONNECTED) {
                failures = 0;
              }
            });
            connects++;
            connectedSince = Instant.now();
            lastError = "";
            log.atInfo().setMessage("AMI connected").addKeyValue("pbx", options.name())
                .addKeyValue("address", options.host() + ":" + options.port()).addKeyValue("banner", banner).log();
            setState(State.CONNECTED);
            firstConnect.tryComplete();
            schedulePing();
          }
        });
  }

  private void schedulePing() {
    pingTimer = vertx.setTimer(options.pingInterval().toMillis(), t -> {
      pingTimer = -1;
      if (state != State.CONNECTED) {
        return;
      }
      // A live PBX answers a Ping at once; waiting as long as for other actions would keep a dead link open.
      Duration pingTimeout = Duration.ofMillis(Math.min(options.actionTimeout().toMillis(),
          Math.max(1000, options.pingInterval().toMillis())));
      send(AmiMessage.action("Ping"), pingTimeout).onComplete(ar -> {
        if (ar.failed() && state == State.CONNECTED) {
          closeSocket("keep-alive: " + ar.cause().getMessage()); // a silent PBX: drop and reconnect
        } else {
          schedulePing();
        }
      });
    });
  }

  private void onMessage(AmiMessage m) {
    String id = m.get("ActionID");
    if (m.isResponse()) {
      Pending p = id == null ? null : pending.get(id);
      if (p == null) {
        return; // answer to an action that timed out
      }
      boolean listStarts = p.items != null && "Success".equalsIgnoreCase(m.get("Response"));
      p.listStarted |= listStarts;
      if (!listStarts) {
        pending.remove(id);
        vertx.cancelTimer(p.timer);
        if (p.items != null) {
          p.items.tryFail(new AmiException(p.action, m));
        }
      }
      p.response.tryComplete(m);
      return;
    }
    if (m.isEvent()) {
      eventsReceived++;
      Pending p = id == null ? null : pending.get(id);
      if (p != null && p.items != null) {
        if ("Complete".equalsIgnoreCase(m.get("EventList"))) {
          pending.remove(id);
          vertx.cancelTimer(p.timer);
          p.items.tryComplete(p.collected);
        } else if (p.collected.size() >= options.limits().maxListItems()) {
          pending.remove(id);
          vertx.cancelTimer(p.timer);
          overflow(p, "passed " + options.limits().maxListItems() + " items");
        } else {
          p.collected.add(m);
        }
        return;
      }
      for (Handler<AmiMessage> h : eventHandlers) {
        try {
          h.handle(m);
        } catch (RuntimeException e) {
          log.atError().setMessage("AMI event handler failed").addKeyValue("pbx", options.name())
              .addKeyValue("event", m.get("Event")).setCause(e).log();
        }
      }
    }
  }

  private void lost(String why) {
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
      pingTimer = -1;
    }
    cancelLoginTimer();
    if (healthyTimer >= 0) {
      vertx.cancelTimer(healthyTimer);
      healthyTimer = -1;
    }
    socket = null;
    lastError = why;
    lastLoss = why;
    IllegalStateException e = new IllegalStateException("AMI connection lost: " + why);
    for (Pending p : new ArrayList<>(pending.values())) {
      vertx.cancelTimer(p.timer);
      fail(p, e);
    }
    pending.clear();
    if (state == State.CLOSED) {
      return;
    }
    boolean wasConnected = state == State.CONNECTED;
    setState(State.DISCONNECTED);
    long delay = nextDelayMillis >= 0 ? nextDelayMillis : backoff(failures++);
    nextDelayMillis = -1;
    if (wasConnected) {
      log.atWarn().setMessage("AMI connection lost; reconnecting").addKeyValue("pbx", options.name())
          .addKeyValue("reason", why).addKeyValue("retryMs", delay).log();
    } else if (failures == 1 || failures % 20 == 0) {
      log.atWarn().setMessage("AMI not reachable; retrying").addKeyValue("pbx", options.name())
          .addKeyValue("reason", why).addKeyValue("attempts", failures).addKeyValue("retryMs", delay).log();
    }
    reconnectTimer = vertx.setTimer(delay, t -> connect());
  }

  /** Full jitter over an exponential range: reconnect storms of many clients spread out. */
  long backoff(int attempt) {
    long min = options.minBackoff().toMillis();
    long max = options.maxBackoff().toMillis();
    long ceiling = Math.min(max, min << Math.min(attempt, 20));
    return min + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - min + 1));
  }

  /** Closes the current connection on this client's own initiative; the loss is reported with {@code why}. */
  private void closeSocket(String why) {
    NetSocket s = socket;
    if (s != null) {
      if (closedByUs == null) {
        closedByUs = why;
      }
      s.close();
    }
  }

  private void cancelLoginTimer() {
    if (loginTimer >= 0) {
      vertx.cancelTimer(loginTimer);
      loginTimer = -1;
    }
  }

  /**
   * The connection has proved itself (e.g. a resync went through): the next loss reconnects after the minimum
   * backoff again. Until then, or {@link Limits#healthyAfter()}, each loss doubles the backoff.
   */
  public void healthy() {
    context.runOnContext(v -> {
      if (state == State.CONNECTED) {
        failures = 0;
      }
    });
  }

  /**
   * Drops connection number {@code connection} (see {@link #connects()}) because its owner found it unusable (say,
   * a resync failed); nothing happens if that connection is already gone. The client reconnects after the backoff,
   * which keeps growing while connections do not prove healthy.
   */
  public void drop(long connection, String why) {
    context.runOnContext(v -> {
      if (state == State.CONNECTED && connects == connection) {
        closeSocket(why);
      }
    });
  }

  private void setState(State s) {
    if (state == s) {
      return;
    }
    state = s;
    for (Handler<State> h : stateHandlers) {
      h.handle(s);
    }
  }

  /** Drops the connection now and reconnects as after any loss (operators' "reconnect" button, tests). */
  public void reconnect() {
    reconnect(null);
  }

  /**
   * Drops the connection and connects again no sooner than {@code pause} from now (null: the usual backoff), e.g.
   * to let a PBX restart or, in tests, to act on the PBX while this client is away.
   */
  public void reconnect(Duration pause) {
    context.runOnContext(v -> {
      nextDelayMillis = pause == null ? -1 : pause.toMillis();
      closeSocket("reconnect requested");
    });
  }

  /** Logs off politely when connected, then stops reconnecting. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (reconnectTimer >= 0) {
        vertx.cancelTimer(reconnectTimer);
      }
      Future<AmiMessage> logoff = state == State.CONNECTED
          ? send(AmiMessage.action("Logoff"), Duration.ofSeconds(2)) : Future.succeededFuture();
      logoff.onComplete(ar -> {
        setState(State.CLOSED);
        closeSocket("client closed");
        net.close().onComplete(x -> done.complete());
      });
    });
    return done.future();
  }

  static String md5Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An action answered with {@code Response: Error}. */
  public static final class AmiException extends RuntimeException {
    private final transient AmiMessage response;

    public AmiException(String action, AmiMessage response) {
      super((action == null ? "" : action + ": ") + response.get("Message", response.get("Response", "error")));
      this.response = response;
    }

    public AmiMessage response() {
      return response;
    }
  }
}
