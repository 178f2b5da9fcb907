package io.huifang.web;

import io.huifang.core.Role;
import io.huifang.core.User;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint through which the server pushes to browsers (screen-pops, live dashboards). Sockets are
 * indexed by user; everything runs on the HTTP verticle's event loop, so the maps need no locks.
 */
public final class PushHub {
  private static final Logger log = LoggerFactory.getLogger(PushHub.class);
  public static final String PATH = "/ws";
  static final int MAX_SOCKETS_PER_USER = 8;
  /** Close code for a page that stopped reading; the page reconnects and gets the current state again. */
  static final short NOT_READING = 4001;
  /** The largest message a page may send (pages send only small pings). */
  static final int MAX_MESSAGE = 256 * 1024;
  private io.vertx.core.eventbus.EventBus bus;

  private final Map<Long, Set<ServerWebSocket>> byUser = new HashMap<>();
  private final Map<ServerWebSocket, User> users = new HashMap<>();
  /** The session each socket was opened in ({@link Push#sessionId}). */
  private final Map<ServerWebSocket, String> sessionOf = new HashMap<>();
  private volatile long closedForNotReading;

  public void register(Api api, io.vertx.core.eventbus.EventBus bus) {
    this.bus = bus;
    // Dealer users too: their bell is fed from here, and a socket carries only what is addressed to its user or role.
    api.webSocket(PATH, Role.EVERYONE, this::upgrade);
    bus.<JsonObject>consumer(Push.TO_USER, m -> toUser(m.body().getLong("userId"), m.body().getJsonObject("message")));
    bus.<JsonObject>consumer(Push.SESSIONS_ENDED, m -> sessionsEnded(m.body().getLong("userId"),
        m.body().getString("except")));
    bus.<JsonObject>consumer(Push.TO_ROLE, m -> Role.parse(m.body().getString("role"))
        .ifPresent(r -> toRole(r, m.body().getJsonObject("message"))));
  }

  public int openSockets() {
    return users.size();
  }

  /** Sockets closed because their page stopped reading (see {@link #send}). */
  public long closedForNotReading() {
    return closedForNotReading;
  }

  private void upgrade(RoutingContext ctx) {
    User user = Api.user(ctx);
    if (!ctx.request().canUpgradeToWebSocket()) {
      Api.error(ctx, 400, "websocket_required", "connect with a WebSocket");
      return;
    }
    Set<ServerWebSocket> mine = byUser.computeIfAbsent(user.id(), k -> new LinkedHashSet<>());
    if (mine.size() >= MAX_SOCKETS_PER_USER) {
      // The oldest page of this user is most likely a forgotten tab.
      ServerWebSocket oldest = mine.iterator().next();
      oldest.close((short) 4000, "too many open pages");
    }
    ctx.request().toWebSocket().onFailure(e -> log.atWarn().setMessage("websocket upgrade failed")
        .addKeyValue("user", user.username()).addKeyValue("error", e.getMessage()).log()).onSuccess(ws -> {
          byUser.computeIfAbsent(user.id(), k -> new LinkedHashSet<>()).add(ws);
          users.put(ws, user);
          String token = Api.sessionToken(ctx);
          if (token != null) {
            sessionOf.put(ws, Push.sessionId(token));
          }
          Incoming incoming = new Incoming();
          ws.frameHandler(frame -> onFrame(ws, incoming, frame));
          ws.exceptionHandler(e -> {
            // RFC 6455 §7.4.1: a frame Netty finds corrupt (reserved bits set, bad opcode, too large) closes with
            // the status it names (1002, 1009), not as a normal closure.
            if (e instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c
                && c.closeStatus() != null) {
              ws.close((short) c.closeStatus().code(), c.closeStatus().reasonText());
            } else {
              ws.close();
            }
          });
          ws.closeHandler(v -> forget(ws));
          ws.writeTextMessage(new JsonObject().put("type", "hello").put("user", user.toJson()).encode());
          // After the hello: whatever belongs on this user's screen now (a call's screen) follows it.
          bus.publish(Push.SOCKET_OPENED, new JsonObject().put("userId", user.id()).put("role", user.role().name()));
        });
  }

  /** A message being received, possibly over several frames. */
  private static final class Incoming {
    io.vertx.core.buffer.Buffer data;
  }

  /**
   * Messages are put together from their frames here rather than by Vert.x, which decodes text leniently: a text
   * message that is not valid UTF-8 must close the socket with 1007 (RFC 6455 §8.1).
   */
  private void onFrame(ServerWebSocket ws, Incoming in, io.vertx.core.http.WebSocketFrame frame) {
    if (frame.isBinary()) {
      ws.close((short) 1003, "text frames only");
      return;
    }
    if (frame.isText()) {
      in.data = io.vertx.core.buffer.Buffer.buffer().appendBuffer(frame.binaryData());
    } else if (frame.isContinuation() && in.data != null) {
      in.data.appendBuffer(frame.binaryData());
    } else {
      return; // ping, pong and close are answered by Vert.x
    }
    if (in.data.length() > MAX_MESSAGE) {
      in.data = null;
      ws.close((short) 1009, "message too big");
      return;
    }
    if (!frame.isFinal()) {
      return;
    }
    byte[] bytes = in.data.getBytes();
    in.data = null;
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      ws.close((short) 1007, "text message is not valid UTF-8");
      return;
    }
    onText(ws, text);
  }

  private void onText(ServerWebSocket ws, String text) {
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      send(ws, new JsonObject().put("type", "error").put("message", "not a JSON object").encode());
      return;
    }
    if ("ping".equals(msg.getString("type"))) {
      send(ws, "{\"type\":\"pong\"}");
    } else {
      send(ws, new JsonObject().put("type", "error")
          .put("message", "unknown message type: " + msg.getValue("type")).encode());
    }
  }

  /** Close code for a page whose session ended elsewhere (a password change, an admin's reset). */
  static final short SIGNED_OUT = 4002;

  private void sessionsEnded(Long userId, String except) {
    if (userId == null) {
      return;
    }
    for (ServerWebSocket ws : List.copyOf(byUser.getOrDefault(userId, Set.of()))) {
      if (except == null || !except.equals(sessionOf.get(ws))) {
        forget(ws);
        ws.close(SIGNED_OUT, "signed out");
      }
    }
  }

  private void forget(ServerWebSocket ws) {
    sessionOf.remove(ws);
    User u = users.remove(ws);
    if (u != null) {
      Set<ServerWebSocket> set = byUser.get(u.id());
      if (set != null) {
        set.remove(ws);
        if (set.isEmpty()) {
          byUser.remove(u.id());
          bus.publish(Push.LAST_SOCKET_CLOSED, new JsonObject().put("userId", u.id()).put("role", u.role().name()));
        }
      }
    }
  }

  private void toUser(Long userId, JsonObject message) {
    if (userId == null || message == null) {
      return;
    }
    String text = message.encode();
    for (ServerWebSocket ws : List.copyOf(byUser.getOrDefault(userId, Set.of()))) {
      send(ws, text);
    }
  }

  private void toRole(Role role, JsonObject message) {
    if (message == null) {
      return;
    }
    String text = message.encode();
    List<ServerWebSocket> slow = new ArrayList<>();
    users.forEach((ws, u) -> {
      if (u.role() == role && !write(ws, text)) {
        slow.add(ws);
      }
    });
    slow.forEach(this::closeNotReading);
  }

  /**
   * A page that does not read (a stalled browser, a laptop gone to sleep with the tab open) would make every push to
   * it pile up in the server's memory. Once its socket's write queue is full, the socket is dropped and closed: the
   * page's reconnect brings the current state (its screen, the live figures), which is all a push ever carries.
   */
  private void send(ServerWebSocket ws, String text) {
    if (!write(ws, text)) {
      closeNotReading(ws);
    }
  }

  private static boolean write(ServerWebSocket ws, String text) {
    if (ws.isClosed()) {
      return true; // closing: its close handler forgets it (and writeQueueFull would throw)
    }
    if (ws.writeQueueFull()) {
      return false;
    }
    ws.writeTextMessage(text);
    return true;
  }

  private void closeNotReading(ServerWebSocket ws) {
    User u = users.get(ws);
    forget(ws);
    closedForNotReading++;
    log.atWarn().setMessage("closing a page's socket: it stopped reading")
        .addKeyValue("user", u == null ? null : u.username()).log();
    ws.close(NOT_READING, "not reading: reconnect");
  }

  /** Ends every socket, as the server shuts down. */
  public void closeAll() {
    for (ServerWebSocket ws : Set.copyOf(users.keySet())) {
      ws.close((short) 1001, "server shutting down");
    }
  }
}
