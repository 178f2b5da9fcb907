package io.huifang.web;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests only one node can serve, made on whichever node the page is connected to (docs/cluster.md, "Requests
 * held elsewhere"): an agent's line and call live in the memory of the node that owns the line's PBX. Each request is
 * an operation by name with the user's id and its checked arguments; the node holding the thing it acts on (named by
 * its lease, {@code pbx:<name>}) serves {@value #PREFIX}{@code <lease>} on the clustered bus, and a page's node that
 * does not hold it sends the request there (request/reply, JSON only, at most {@value #MAX_BYTES} bytes each way) and
 * answers the page with the holder's reply; no holder, or none within {@value #TIMEOUT_MS} ms: 503 saying so.
 * Served here, the same operation is answered the same way, without the bus.
 */
public final class HeldElsewhere {
  private static final Logger log = LoggerFactory.getLogger(HeldElsewhere.class);
  public static final String PREFIX = "huifang.held.";
  /** The largest request or reply sent across: a survey screen with its questionnaire is some tens of kB. */
  public static final int MAX_BYTES = 512 * 1024;
  public static final long TIMEOUT_MS = 5_000;

  /** An operation: run on the node holding what it acts on, for the user, with its arguments as checked. */
  public interface Op {
    /** The answer's body (null: 204), or a failure: {@link Invalid} 400, {@link Problem} its status, else 500. */
    Future<JsonObject> run(long userId, JsonObject args);
  }

  private final Vertx vertx;
  /** Whether this node holds the lease now: a request reaching a node that lost it since it served it is refused. */
  private final java.util.function.Predicate<String> holds;
  private final Map<String, Op> ops = new ConcurrentHashMap<>();
  private final Map<String, MessageConsumer<JsonObject>> serving = new ConcurrentHashMap<>();

  public HeldElsewhere(Vertx vertx, java.util.function.Predicate<String> holds) {
    this.vertx = vertx;
    this.holds = holds;
  }

  /** Registers an operation by its name (unique over the node). */
  public void op(String name, Op op) {
    if (ops.putIfAbsent(name, op) != null) {
      throw new IllegalArgumentException("operation registered twice: " + name);
    }
  }

  /** This node holds {@code lease} (or no longer does): it serves the requests for it (or stops). */
  public void serve(String lease, boolean held) {
    if (held && !serving.containsKey(lease)) {
      String address = PREFIX + lease;
      serving.put(lease, vertx.eventBus().<JsonObject>consumer(address, this::served));
      log.atInfo().setMessage("serving requests held here").addKeyValue("lease", lease).log();
    } else if (!held) {
      MessageConsumer<JsonObject> c = serving.remove(lease);
      if (c != null) {
        c.unregister();
        log.atInfo().setMessage("no longer serving requests held here").addKeyValue("lease", lease).log();
      }
    }
  }

  /**
   * Answers the page's request: runs {@code op} here when {@code lease} is null (held here), else on the node
   * serving {@code lease}; {@code what} names the holder for the 503 ("PBX pbx1").
   */
  public void run(RoutingContext ctx, String lease, String what, String op, JsonObject args) {
    call(lease, what, op, Api.user(ctx).id(), args).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result() == null) {
          ctx.response().setStatusCode(204).end();
        } else {
          Api.json(ctx, 200, ar.result());
        }
      } else if (ar.cause() instanceof Invalid || ar.cause() instanceof Problem) {
        Api.fail(ctx, ar.cause());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /**
   * Runs {@code op} for {@code userId} here ({@code lease} null) or on the node serving {@code lease}: its answer,
   * or its failure as it failed there ({@link Invalid}, {@link Problem}; 503 {@code holder_unavailable} when no
   * node answered).
   */
  public Future<JsonObject> call(String lease, String what, String op, long userId, JsonObject args) {
    if (lease == null) {
      try {
        return ops.get(op).run(userId, args);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    JsonObject request = new JsonObject().put("op", op).put("userId", userId).put("args", args);
    if (request.encode().length() > MAX_BYTES) {
      return Future.failedFuture(new Problem(413, "too_large", "the request is larger than " + MAX_BYTES + " bytes"));
    }
    return vertx.eventBus().<JsonObject>request(PREFIX + lease, request,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .recover(e -> {
          boolean none = e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
          log.atWarn().setMessage("request held elsewhere not answered").addKeyValue("op", op)
              .addKeyValue("holder", what).addKeyValue("error", String.valueOf(e)).log();
          return Future.failedFuture(new Problem(503, "holder_unavailable", none
              ? "no node holds " + what + " at the moment (another is taking it over); try again in a few seconds"
              : "the node holding " + what + " did not answer within " + TIMEOUT_MS / 1000 + " s; try again"));
        })
        .compose(m -> outcome(m.body()));
  }

  /** On the holder: one request from another node's page. */
  private void served(Message<JsonObject> m) {
    JsonObject request = m.body();
    Op op = request == null ? null : ops.get(request.getString("op"));
    Long userId = request == null ? null : request.getLong("userId");
    if (op == null || userId == null) {
      m.reply(new JsonObject().put("status", 400).put("error", "invalid").put("message", "no such operation"));
      return;
    }
    String lease = m.address().substring(PREFIX.length());
    if (!holds.test(lease)) {
      // it lost the lease since it last checked (within a second): another node is taking the lines over
      m.reply(new JsonObject().put("status", 503).put("error", "holder_unavailable")
          .put("message", "this node no longer holds " + lease + "; try again in a few seconds"));
      return;
    }
    Future<JsonObject> f;
    try {
      f = op.run(userId, request.getJsonObject("args", new JsonObject()));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed() && !(ar.cause() instanceof Invalid) && !(ar.cause() instanceof Problem)) {
        log.atError().setMessage("request held here failed").addKeyValue("op", request.getString("op"))
            .setCause(ar.cause()).log();
      }
      JsonObject reply = reply(ar.succeeded() ? ar.result() : null, ar.cause());
      if (reply.encode().length() > MAX_BYTES) {
        reply = new JsonObject().put("status", 502).put("error", "too_large")
            .put("message", "the answer is larger than " + MAX_BYTES + " bytes");
      }
      m.reply(reply);
    });
  }

  /** The operation's outcome as a reply: {status, body} or {status, error, message} or {status: 400, field, …}. */
  static JsonObject reply(JsonObject body, Throwable failure) {
    if (failure == null) {
      return body == null ? new JsonObject().put("status", 204) : new JsonObject().put("status", 200).put("body", body);
    }
    if (failure instanceof Invalid inv) {
      return new JsonObject().put("status", 400).put("field", inv.field()).put("english", inv.english())
          .put("chinese", inv.chinese());
    }
    if (failure instanceof Problem p) {
      return new JsonObject().put("status", p.status()).put("error", p.code()).put("message", p.getMessage());
    }
    return new JsonObject().put("status", 500).put("error", "internal").put("message", "the request failed");
  }

  /** A reply back as the operation's outcome, the way it ended on the holder. */
  static Future<JsonObject> outcome(JsonObject reply) {
    int status = reply.getInteger("status", 500);
    if (status == 204) {
      return Future.succeededFuture(null);
    }
    if (status == 200) {
      return Future.succeededFuture(reply.getJsonObject("body", new JsonObject()));
    }
    if (status == 400 && reply.containsKey("field")) {
      return Future.failedFuture(new Invalid(reply.getString("field"), reply.getString("english"),
          reply.getString("chinese")));
    }
    return Future.failedFuture(new Problem(status, reply.getString("error", "internal"),
        reply.getString("message")));
  }
}
