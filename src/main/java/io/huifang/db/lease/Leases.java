package io.huifang.db.lease;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases this node wants (every PBX's and every singleton job's), taken at start and kept: every
 * {@link #RENEW_EVERY} each held lease is renewed and each other one asked for. On one node every lease is taken at
 * once and kept, so nothing changes; with several nodes on one database each lease has one holder at a time. A lease
 * whose renewals fail (the database away) stops being held at the end of its last grant, locally, and the work in its
 * name stops with it; it is taken again, with a new epoch, when the database is back.
 */
public final class Leases {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);
  /**
   * How long a grant lasts in the database: a dead owner's PBX is taken over within this and a take-over tick, so
   * dialling resumes on another node within 10 s of a crash (issue 22; 10 s left 10.3-13.8 s measured).
   */
  public static final Duration TTL = Duration.ofSeconds(6);
  /** How often a holder renews (three renewals per grant: one or two may be lost to a busy database). */
  public static final Duration RENEW_EVERY = Duration.ofSeconds(2);
  /** How much before the end of a grant the holder stops acting, for clock rates and the tick's lateness. */
  public static final Duration MARGIN = Duration.ofSeconds(1);
  /** The lease of a PBX: its AMI connection, its campaigns' pacers, its originates. */
  public static final String PBX = "pbx:";
  /** The lease of a singleton job. */
  public static final String JOB = "job:";

  /** An epoch to write work with: the lease's name and its grant's epoch. */
  public record Fence(String name, long epoch) {
  }

  private final Vertx vertx;
  private final LeaseStore store;
  private final String holder;
  private final Duration ttl;
  private final Duration renewEvery;
  private final Duration margin;
  private final LongSupplier clock;
  private final Map<String, Lease> wanted = new ConcurrentHashMap<>();
  /** Whether each lease was held at the last tick, to log gains and losses once. */
  private final Map<String, Boolean> heldAtLastTick = new ConcurrentHashMap<>();
  private long timer = -1;

  public Leases(Vertx vertx, LeaseStore store, String holder) {
    this(vertx, store, holder, TTL, RENEW_EVERY, MARGIN, () -> System.nanoTime() / 1_000_000);
  }

  public Leases(Vertx vertx, LeaseStore store, String holder, Duration ttl, Duration renewEvery, Duration margin,
                LongSupplier monotonicMillis) {
    this.vertx = vertx;
    this.store = store;
    this.holder = holder;
    this.ttl = ttl;
    this.renewEvery = renewEvery;
    this.margin = margin;
    this.clock = monotonicMillis;
  }

  public String holder() {
    return holder;
  }

  /** Wants the lease of that name (asked for at the next tick, or at {@link #start}). */
  public Leases want(String name) {
    wanted.computeIfAbsent(name, n -> new Lease(n, ttl.toMillis(), renewEvery.toMillis(), margin.toMillis()));
    return this;
  }

  /** Asks for every wanted lease now, then keeps them; completes when the first round is answered. */
  public Future<Void> start() {
    Future<Void> first = tick();
    timer = vertx.setPeriodic(Math.max(100, renewEvery.toMillis() / 3), id -> tick());
    return first;
  }

  /** Is this node the holder of the lease now? (False for a lease not wanted.) */
  public boolean held(String name) {
    Lease l = wanted.get(name);
    return l != null && l.held(clock.getAsLong());
  }

  /** The fence to write work with in the lease's name, or null when the lease is not held now. */
  public Fence fence(String name) {
    Lease l = wanted.get(name);
    long e = l == null ? 0 : l.epoch(clock.getAsLong());
    return e == 0 ? null : new Fence(name, e);
  }

  /** Renews what is held and asks for the rest, whatever is due; completes when every answer is in. */
  public Future<Void> tick() {
    List<Future<?>> asked = new ArrayList<>();
    for (Lease l : wanted.values()) {
      asked.add(step(l));
    }
    return Future.join(asked).<Void>mapEmpty().recover(e -> Future.succeededFuture())
        .onComplete(v -> noteChanges());
  }

  private Future<?> step(Lease l) {
    long now = clock.getAsLong();
    Lease.Ask ask = l.next(now);
    if (ask == Lease.Ask.NOTHING) {
      return Future.succeededFuture();
    }
    long sentAt = l.asking(now);
    if (ask == Lease.Ask.RENEW) {
      long epoch = l.epoch(now);
      return store.renew(l.name(), holder, epoch, ttl).onComplete(ar -> {
        if (ar.failed()) {
          l.unanswered(sentAt);
          // every 3 s per lease while the database is away: the loss itself is logged once, when the grant ends
          log.atDebug().setMessage("lease not renewed: no answer").addKeyValue("lease", l.name())
              .addKeyValue("error", ar.cause().getMessage()).log();
        } else if (ar.result()) {
          l.renewed(sentAt);
        } else {
          l.refused(sentAt);
          log.atWarn().setMessage("lease lost: renewal refused").addKeyValue("lease", l.name())
              .addKeyValue("epoch", epoch).log();
        }
      });
    }
    return store.take(l.name(), holder, ttl).onComplete(ar -> {
      if (ar.failed()) {
        l.unanswered(sentAt);
      } else if (ar.result() > 0) {
        l.granted(ar.result(), sentAt);
      } else {
        l.refused(sentAt);
      }
    });
  }

  private void noteChanges() {
    long now = clock.getAsLong();
    for (Lease l : wanted.values()) {
      boolean held = l.held(now);
      Boolean before = heldAtLastTick.put(l.name(), held);
      if (before == null ? held : before != held) {
        log.atInfo().setMessage(held ? "lease taken" : "lease no longer held").addKeyValue("lease", l.name())
            .addKeyValue("holder", holder).addKeyValue("epoch", l.epoch(now)).log();
      }
    }
  }

  /** What this node holds, for /health and the supervisors: name, held, epoch. */
  public JsonArray status() {
    long now = clock.getAsLong();
    JsonArray out = new JsonArray();
    wanted.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(l -> out.add(new JsonObject()
        .put("name", l.name()).put("held", l.held(now)).put("epoch", l.epoch(now))));
    return out;
  }

  /** Stops renewing and gives every held lease back, so another node takes it at once instead of after its end. */
  public Future<Void> stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Future<?>> released = new ArrayList<>();
    for (Lease l : wanted.values()) {
      long epoch = l.release();
      if (epoch > 0) {
        released.add(store.release(l.name(), holder, epoch));
      }
    }
    return Future.join(released).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }
}
