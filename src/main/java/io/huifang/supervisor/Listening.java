package io.huifang.supervisor;

import io.huifang.auth.AuditLog;
import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.CallEvent;
import io.huifang.telephony.Softphone;
import io.huifang.telephony.SpyCalls;
import io.huifang.telephony.Telephony;
import io.huifang.telephony.TelephonyEvents;
import io.huifang.web.Push;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listening in (监听), whispering (耳语) and barging in (强插): a supervisor's softphone rings, and once answered hears
 * the agent's call through ChanSpy on the PBX carrying it (telephony's {@link SpyCalls}). One spy call per
 * supervisor: starting another replaces the one up. A spy call ends when the supervisor hangs up (the softphone, or
 * {@link #stop}) or when the agent's call ends (ChanSpy itself would go on scanning the agent's open line). Every
 * start and end goes to supervisor_listen and to the audit log, and the supervisor's pages are told each state
 * ({@code sup.listen}: ringing, listening, ended).
 */
public final class Listening {
  private static final Logger log = LoggerFactory.getLogger(Listening.class);

  public static final Set<String> MODES = Set.of("listen", "whisper", "barge");
  /** How long the supervisor's softphone rings. */
  static final Duration RING = Duration.ofSeconds(30);
  /** How long a replaced spy call may take to hang up before the new one rings anyway. */
  static final long REPLACE_WAIT_MS = 5_000;
  /** Spy calls' ChannelIds: the prefix and the row id, unique on every PBX across restarts. */
  private static final String CHANNEL_ID = "listen-";
  /** Why a spy call left open is ended: its node stopped and started again, or another node took its PBX over. */
  static final String RESTARTED = "the server restarted";
  static final String TAKEN_OVER = "the node following it stopped; its PBX was taken over by another node";

  /** A spy call this server follows. */
  private static final class Active {
    final long id;
    final User supervisor;
    final long agentId;
    final String attemptId;
    final String mode;
    final String pbx;
    final String clientIp;
    /** Why it is being ended, when the server ends it; else the PBX's word. */
    volatile String endReason;
    final Promise<Void> ended = Promise.promise();

    Active(long id, User supervisor, long agentId, String attemptId, String mode, String pbx, String clientIp) {
      this.id = id;
      this.supervisor = supervisor;
      this.agentId = agentId;
      this.attemptId = attemptId;
      this.mode = mode;
      this.pbx = pbx;
      this.clientIp = clientIp;
    }
  }

  /** The agent's call as the line carries it. */
  private record Target(String channel, String attemptId) {
  }

  private final Vertx vertx;
  private final Supplier<Telephony> telephony;
  private final ListenStore store;
  private final AuditLog audit;
  private final boolean emulator;
  private final Clock clock;
  private final Map<Long, Active> active = new ConcurrentHashMap<>();

  public Listening(Vertx vertx, Supplier<Telephony> telephony, ListenStore store, AuditLog audit, boolean emulator,
                   Clock clock) {
    this.vertx = vertx;
    this.telephony = telephony;
    this.store = store;
    this.audit = audit;
    this.emulator = emulator;
    this.clock = clock;
  }

  /**
   * Follows every PBX's spy calls and the ends of calls; closes what a stopped server left open. On a cluster only
   * the spy calls of the PBXes this node owns are its to close: now, and each time it takes a PBX over.
   */
  public Future<Void> start() {
    vertx.eventBus().<JsonObject>consumer(TelephonyEvents.ATTEMPT_ENDED, m -> attemptEnded(m.body().getString("attemptId")));
    Telephony t = telephony.get();
    if (t != null) {
      for (AnsweredCalls.Pbx p : t.all()) {
        SpyCalls s = t.spies(p.name());
        if (s != null) {
          s.onChange(this::changed);
        }
      }
    }
    if (!vertx.isClustered()) {
      return closeLeftovers(pbx -> true, RESTARTED);
    }
    List<Future<Void>> closed = new ArrayList<>();
    for (AnsweredCalls.Pbx p : t == null ? List.<AnsweredCalls.Pbx>of() : t.all()) {
      closed.add(leftoversOnceOwned(p));
    }
    return Future.join(closed).mapEmpty();
  }

  /**
   * On a cluster, the spy calls another node placed on {@code p} are that node's to follow (it may be up and
   * following them now): this node closes those left open on {@code p} only when it owns {@code p}, at start if it
   * does, and each time it takes {@code p} over (from a node that died or lost the lease: the spy calls it followed
   * are nobody's now). Asked on the PBX's context, so that a take-over is either seen as done or heard of after.
   */
  private Future<Void> leftoversOnceOwned(AnsweredCalls.Pbx p) {
    Promise<Boolean> ownedNow = Promise.promise();
    p.tracker().onContext(() -> {
      p.tracker().subscribe(e -> {
        if (e instanceof CallEvent.TakenOver) {
          closeLeftovers(p.name()::equals, TAKEN_OVER);
        }
      });
      ownedNow.complete(p.tracker().owned());
    });
    return ownedNow.future().compose(owned -> owned ? closeLeftovers(p.name()::equals, RESTARTED)
        : Future.succeededFuture());
  }

  public ListenStore store() {
    return store;
  }

  /**
   * Starts a spy call on the agent's current call; gives its id. 409 {@code no_softphone}, {@code agent_not_on_call},
   * {@code softphone_on_other_pbx}; 400 naming {@code mode}.
   */
  public Future<Long> listen(User supervisor, long agentId, String mode, String clientIp) {
    if (!MODES.contains(mode)) {
      return Future.failedFuture(new Invalid("mode", "mode must be listen, whisper or barge",
          "mode 应为 listen（监听）、whisper（耳语）或 barge（强插）"));
    }
    Softphone phone = softphoneOf(supervisor);
    if (phone == null) {
      return Future.failedFuture(new Problem(409, "no_softphone", "no softphone is set for you; ask an admin"));
    }
    Telephony t = telephony.get();
    if (t == null || t.all().isEmpty()) {
      return Future.failedFuture(new Problem(503, "pbx_unavailable", "no PBX is configured"));
    }
    AnsweredCalls.Pbx pbx = t.pbxOfAgent(agentId);
    if (pbx == null) {
      return Future.failedFuture(notOnCall(agentId));
    }
    return targetOf(pbx, agentId).compose(target -> {
      if (target == null) {
        return Future.failedFuture(notOnCall(agentId));
      }
      if (t.pbxOf(phone) != pbx) {
        // ChanSpy runs on the PBX of the agent's call, and can only ring a softphone registered there.
        return Future.failedFuture(new Problem(409, "softphone_on_other_pbx", "your softphone is not on PBX "
            + pbx.name() + ", which carries the agent's call"));
      }
      return replaceOwn(supervisor)
          .compose(v -> store.started(supervisor.id(), agentId, target.attemptId(), mode, pbx.name()))
          .compose(id -> {
            Active a = new Active(id, supervisor, agentId, target.attemptId(), mode, pbx.name(), clientIp);
            active.put(id, a);
            audit.record(supervisor, supervisor.username(), "supervisor.listen.start", "agent " + agentId, "ok",
                clientIp, detail(a));
            return t.spies(pbx.name()).start(CHANNEL_ID + id, phone.endpoint(), target.channel(),
                    SpyCalls.options(mode), RING)
                .recover(e -> Future.failedFuture(new Problem(502, "spy_failed", e.getMessage())))
                .map(id);
          });
    });
  }

  /** Hangs up a spy call: the supervisor's own, or any for an admin. 404 when there is no such call. */
  public Future<Void> stop(long id, User by) {
    Active a = active.get(id);
    if (a == null) {
      // Ended already (stopping twice is harmless), or never was.
      return store.one(id).compose(row -> row == null ? Future.failedFuture(Problem.notFound("spy call"))
          : Future.succeededFuture());
    }
    if (a.supervisor.id() != by.id() && by.role() != Role.ADMIN) {
      return Future.failedFuture(new Problem(403, "not_yours", "this spy call is another supervisor's"));
    }
    a.endReason = "stopped by " + by.username();
    return hangup(a);
  }

  public Future<JsonArray> log(int limit) {
    return store.log(limit);
  }

  /** The supervisor's softphone; with the emulator everyone has one on the first PBX by default. */
  private Softphone softphoneOf(User u) {
    Softphone set = Softphone.parse(u.softphone());
    if (set == null && emulator) {
      return new Softphone(null, "PJSIP/agent-" + u.id());
    }
    return set;
  }

  private static Problem notOnCall(long agentId) {
    return new Problem(409, "agent_not_on_call", "agent " + agentId + " is not on a call");
  }

  /** The agent's call, read on the PBX connection's context (where the line lives); null when not on one. */
  private static Future<Target> targetOf(AnsweredCalls.Pbx pbx, long agentId) {
    Promise<Target> p = Promise.promise();
    pbx.tracker().onContext(() -> {
      AgentLines.Line l = pbx.lines().line(agentId);
      p.complete(l == null || l.state() != AgentLines.LineState.ON_CALL || l.channel() == null
          || l.attemptId() == null ? null : new Target(l.channel(), l.attemptId()));
    });
    return p.future();
  }

  /** The supervisor's spy call up, if any, is hung up first; the new one rings once it is gone (or after 5 s). */
  private Future<Void> replaceOwn(User supervisor) {
    List<Future<Void>> gone = new ArrayList<>();
    for (Active a : active.values()) {
      if (a.supervisor.id() == supervisor.id()) {
        a.endReason = "replaced by a new spy call";
        gone.add(hangup(a).compose(v -> a.ended.future()).timeout(REPLACE_WAIT_MS, TimeUnit.MILLISECONDS)
            .recover(e -> Future.succeededFuture()));
      }
    }
    return Future.join(gone).mapEmpty();
  }

  private Future<Void> hangup(Active a) {
    Telephony t = telephony.get();
    SpyCalls s = t == null ? null : t.spies(a.pbx);
    return s == null ? Future.succeededFuture() : s.hangup(CHANNEL_ID + a.id);
  }

  /** The agent's call ended: ChanSpy would go on listening to the agent's open line, so the spy call ends too. */
  private void attemptEnded(String attemptId) {
    if (attemptId == null) {
      return;
    }
    for (Active a : active.values()) {
      if (attemptId.equals(a.attemptId)) {
        a.endReason = "the agent's call ended";
        hangup(a);
      }
    }
  }

  /** A change of a spy call, on its PBX connection's context. */
  private void changed(SpyCalls.Change c) {
    if (!c.id().startsWith(CHANNEL_ID)) {
      return;
    }
    Active a = active.get(Long.parseLong(c.id().substring(CHANNEL_ID.length())));
    if (a == null) {
      return;
    }
    switch (c.state()) {
      case RINGING -> push(a, "ringing", null);
      case ANSWERED -> {
        store.answered(a.id, c.at(), c.channel()).onFailure(e -> log.atWarn().setMessage("spy answer not written")
            .addKeyValue("spy", a.id).addKeyValue("error", e.getMessage()).log());
        // The agent's call may have ended while the softphone rang: nothing left to hear.
        AnsweredCalls.Pbx pbx = telephony.get().pbx(a.pbx);
        AgentLines.Line l = pbx == null ? null : pbx.lines().line(a.agentId);
        if (l == null || !a.attemptId.equals(l.attemptId())) {
          a.endReason = "the agent's call ended";
          hangup(a);
        }
      }
      case LISTENING -> push(a, "listening", null);
      case ENDED -> ended(a, c);
      default -> {
        // no other states
      }
    }
  }

  private void ended(Active a, SpyCalls.Change c) {
    if (active.remove(a.id) == null) {
      return;
    }
    String reason = a.endReason != null ? a.endReason : c.detail();
    store.ended(a.id, c.at(), reason, c.channel()).onComplete(ar -> {
      Integer seconds = ar.succeeded() ? ar.result() : null;
      if (ar.failed()) {
        log.atWarn().setMessage("spy end not written").addKeyValue("spy", a.id)
            .addKeyValue("error", ar.cause().getMessage()).log();
      }
      if (ar.succeeded() && seconds == null) {
        // Ended already by the node that took the PBX over from this one (docs/cluster.md): its end is the one told.
        push(a, "ended", null);
        a.ended.tryComplete();
        return;
      }
      audit.record(a.supervisor, a.supervisor.username(), "supervisor.listen.end", "agent " + a.agentId, "ok",
          a.clientIp, detail(a).put("seconds", seconds).put("reason", reason));
      push(a, "ended", seconds);
      a.ended.tryComplete();
    });
  }

  private void push(Active a, String state, Integer seconds) {
    JsonObject m = new JsonObject().put("type", "sup.listen").put("spyId", a.id).put("state", state)
        .put("agentId", a.agentId).put("mode", a.mode);
    if (seconds != null) {
      m.put("seconds", seconds);
    }
    Push.toUser(vertx.eventBus(), a.supervisor.id(), m);
  }

  private static JsonObject detail(Active a) {
    return new JsonObject().put("spyId", a.id).put("supervisorId", a.supervisor.id()).put("agentId", a.agentId)
        .put("mode", a.mode).put("attemptId", a.attemptId).put("pbx", a.pbx);
  }

  /**
   * Spy calls a stopped server left open: their channels are hung up (ChanSpy would keep the supervisor's softphone
   * forever) and their rows closed, the seconds counted up to now; the supervisor's pages are told the call ended
   * (on a cluster they are open on another node, and would otherwise show the listening going on).
   */
  private Future<Void> closeLeftovers(java.util.function.Predicate<String> ofPbx, String reason) {
    return store.leftovers().compose(rows -> {
      List<Future<?>> done = new ArrayList<>();
      Telephony t = telephony.get();
      for (ListenStore.Leftover row : rows) {
        if (active.containsKey(row.id()) || !ofPbx.test(row.pbx())) {
          continue;
        }
        SpyCalls s = t == null ? null : t.spies(row.pbx());
        if (s != null) {
          // Not answered yet, its channel's name was never kept: named by the ChannelId it was placed with (the
          // PBX finds a channel by its Uniqueid too), so that a softphone still ringing does not start a ChanSpy
          // nobody follows when answered.
          s.hangupChannel(row.channel() != null ? row.channel() : CHANNEL_ID + row.id());
        }
        done.add(store.ended(row.id(), clock.instant(), reason, null).compose(seconds -> {
          if (seconds == null) {
            return Future.succeededFuture(); // another node ended it first, and told the pages
          }
          Push.toUser(vertx.eventBus(), row.supervisorId(), new JsonObject().put("type", "sup.listen")
              .put("spyId", row.id()).put("state", "ended").put("agentId", row.agentId()).put("mode", row.mode())
              .put("seconds", seconds));
          return audit.record(null, "system", "supervisor.listen.end", "spy " + row.id(), "ok", null,
              new JsonObject().put("spyId", row.id()).put("seconds", seconds).put("reason", reason));
        }));
      }
      return Future.join(done).<Void>mapEmpty();
    }).recover(e -> {
      log.atWarn().setMessage("open spy calls of before a restart not closed").addKeyValue("error", e.getMessage())
          .log();
      return Future.succeededFuture();
    });
  }
}
