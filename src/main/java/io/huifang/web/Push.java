package io.huifang.web;

import io.huifang.core.Role;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * How any module pushes to browsers: publish on the event bus, and every {@link PushHub} (one per node; with
 * several nodes, on every node of the clustered bus) delivers to the sockets it holds. Modules never hold sockets or
 * the hub itself. Every message is a {@link JsonObject}, which crosses nodes with Vert.x's own codec.
 */
public final class Push {
  /** {"userId": n, "message": {...}} pushes to one user's open pages. */
  public static final String TO_USER = "huifang.push.user";
  /** {"role": "supervisor", "message": {...}} pushes to everyone with that role. */
  public static final String TO_ROLE = "huifang.push.role";
  /** Published when a page's socket opens: {"userId": n, "role": "AGENT"} (the desk re-sends the screen). */
  public static final String SOCKET_OPENED = "huifang.push.opened";
  /**
   * Published when a user's last open page closes its socket: {"userId": n, "role": "AGENT"} (the desk pauses an
   * agent who is ready with no screen to show calls on).
   */
  public static final String LAST_SOCKET_CLOSED = "huifang.push.lastClosed";
  /**
   * {"userId": n, "except": "…"}: the user's sessions ended (all but {@code except}, when given): the sockets their
   * pages opened close, so that a signed-out session stops receiving pushes at once.
   */
  public static final String SESSIONS_ENDED = "huifang.push.sessionsEnded";

  private Push() {
  }

  public static void toUser(EventBus bus, long userId, JsonObject message) {
    bus.publish(TO_USER, new JsonObject().put("userId", userId).put("message", message));
  }

  /** Closes the pages of every session of {@code userId} except the one holding {@code keepToken} (null: all). */
  public static void sessionsEnded(EventBus bus, long userId, String keepToken) {
    bus.publish(SESSIONS_ENDED, new JsonObject().put("userId", userId)
        .put("except", keepToken == null ? null : sessionId(keepToken)));
  }

  /** How a session is named on the bus: the SHA-256 of its token, so that the token itself never travels. */
  static String sessionId(String token) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void toRole(EventBus bus, Role role, JsonObject message) {
    bus.publish(TO_ROLE, new JsonObject().put("role", role.id()).put("message", message));
  }

  /** Delivery to this node's hub only, for what a node builds from its own state (docs/cluster.md). */
  private static final DeliveryOptions HERE = new DeliveryOptions().setLocalOnly(true);

  /** As {@link #toUser}, to the user's pages connected to this node only. */
  public static void toUserHere(EventBus bus, long userId, JsonObject message) {
    bus.publish(TO_USER, new JsonObject().put("userId", userId).put("message", message), HERE);
  }

  /** As {@link #toRole}, to the role's pages connected to this node only. */
  public static void toRoleHere(EventBus bus, Role role, JsonObject message) {
    bus.publish(TO_ROLE, new JsonObject().put("role", role.id()).put("message", message), HERE);
  }
}
