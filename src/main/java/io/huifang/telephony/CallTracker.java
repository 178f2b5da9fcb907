package io.huifang.telephony;

import io.huifang.db.lease.Leases;
import io.huifang.pbx.ami.AmiClient;
import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every attempt on one PBX from Originate to the last Hangup and decides its outcome. The attempt id is
 * the Originate's ChannelId, so the customer's channel carries it as its Uniqueid (and Local channels' second leg
 * as {@code <id>-2}); failed originates report {@code Uniqueid: <unknown>}, so those are matched by ActionID.
 *
 * <p>All state lives on the AMI client's context. After every (re)connect the tracker resynchronises with
 * {@code CoreShowChannels}: calls still up are kept (adopted from the database after a restart), calls that ended
 * while we could not see them are closed with what is known and a note saying so. An attempt ends exactly once.
 */
public final class CallTracker {
  private static final Logger log = LoggerFactory.getLogger(CallTracker.class);
  static final Pattern ATTEMPT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** After a failed OriginateResponse, how long to wait for the channels' Hangup events before closing anyway. */
  static final long FAILURE_GRACE_MS = 2000;

  /** What to dial and where the answered call goes. */
  public record OriginateRequest(String attemptId, Long campaignId, Long taskId, Long customerId, String dialString,
                                 String context, String exten, String callerId, Duration ringTimeout, boolean amd,
                                 Map<String, String> variables) {
  }

  private final Vertx vertx;
  private final String pbx;
  private final AmiClient ami;
  private final AttemptStore store;
  private final Clock clock;
  private final Map<String, Attempt> byId = new HashMap<>();
  private final Map<String, Attempt> byUniqueId = new HashMap<>();
  private final Map<String, Attempt> byActionId = new HashMap<>();
  private final List<Consumer<CallEvent>> subscribers = new CopyOnWriteArrayList<>();
  /** Ends of attempts adopted from the database, for subscribers that come later ({@link #subscribeWithAdoptedEnds}). */
  private final java.util.ArrayDeque<CallEvent.Ended> adoptedEnds = new java.util.ArrayDeque<>();
  /** A restart adopts the calls that were in flight: a few hundred at most on one PBX. */
  static final int MAX_ADOPTED_ENDS_KEPT = 5000;
  private long ended;
  /** Ids ended lately, so a resync racing the database write does not adopt and end them again. */
  private final java.util.Set<String> recentlyEnded = java.util.Collections.newSetFromMap(
      new java.util.LinkedHashMap<String, Boolean>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 20_000;
        }
      });

  public CallTracker(Vertx vertx, String pbx, AmiClient ami, AttemptStore store, Clock clock) {
    this.vertx = vertx;
    this.pbx = pbx;
    this.ami = ami;
    this.store = store;
    this.clock = clock;
    ami.onEvent(this::onEvent);
    ami.onState(s -> {
      if (s == AmiClient.State.CONNECTED) {
        resync();
      }
    });
  }

  public String pbx() {
    return pbx;
  }

  /** No fence: every originate goes out (tools and tests that run no leases). */
  private volatile java.util.function.Supplier<Leases.Fence> fence = null;
  private final java.util.concurrent.atomic.AtomicLong fenced = new java.util.concurrent.atomic.AtomicLong();
  /**
   * Calls of this PBX followed here whose answered-call FastAGI script was cut by the dialplan's absolute timeout
   * (counted once per call, at its first timeout), since start: in all, and by campaign (0L: a call of none).
   */
  private final java.util.concurrent.atomic.AtomicLong agiTimedOut = new java.util.concurrent.atomic.AtomicLong();
  private final Map<Long, java.util.concurrent.atomic.AtomicLong> agiTimedOutByCampaign =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Originates only in the name of this PBX's lease (issue 22): {@code fence} gives the lease's current grant, or null
   * when this node does not hold it. An originate without a grant is not sent; one with a grant carries its epoch
   * (the variable HF_EPOCH) and its attempt's row is written only if that grant is still the current one in the
   * database, so that a node that lost the PBX (frozen, cut off) cannot get a call placed, whatever it believes.
   */
  public void fenceWith(java.util.function.Supplier<Leases.Fence> fence) {
    this.fence = fence;
    // A grant this node has not yet taken the PBX over under (its first, or one taken from a dead owner) is noticed
    // within a quarter second, and the calls in progress are adopted before anything is dialled under it.
    vertx.setPeriodic(TAKE_OVER_CHECK_MS, t -> onContext(() -> {
      takeOverIfGranted();
      confirmGrant();
    }));
  }

  /** The database's word on this node's grant after its Originates went out, so answers need not ask it. */
  private final GrantConfirmations confirmations = new GrantConfirmations();
  private final java.util.concurrent.atomic.AtomicLong answersAskedOfDatabase = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Asks the database whether the grant this node dials under is still current, when Originates went out since it
   * last said so (at most one question at a time, every {@link #TAKE_OVER_CHECK_MS}): the answers to those calls are
   * then decided without a round trip ({@link GrantConfirmations}). On the tracker's context.
   */
  private void confirmGrant() {
    long epoch = currentEpoch();
    if (!confirmations.due(epoch)) {
      return;
    }
    long askedAt = confirmations.asking();
    // One more turn of the context before asking: every Originate numbered before the question has its write queued on
    // this context already (AmiClient.send), so it is on the wire before the question leaves.
    onContext(() -> store.grantIsCurrent(new Leases.Fence(Leases.PBX + pbx, epoch)).onComplete(ar -> onContext(() -> {
      if (ar.succeeded()) {
        confirmations.answered(epoch, askedAt, ar.result());
      } else {
        confirmations.unanswered();
      }
    })));
  }

  /** Answered calls whose lease check went to the database (not vouched for by a confirmation); since start. */
  public long answersAskedOfDatabase() {
    return answersAskedOfDatabase.get();
  }

  static final long TAKE_OVER_CHECK_MS = 250;
  /** The epoch of the grant under which this node took the PBX over (adopted its calls); 0 before any. */
  private volatile long takenOverEpoch;
  /**
   * Every grant this process took the PBX over under. A node that lost its own lease for a moment (the database away
   * longer than the grant's slack) takes it back with a new epoch; the calls it dialled under its earlier grants are
   * still its own, followed by this very process: they are neither hung up at that take-over nor fenced at their
   * answer. Another process's grants (a dead or frozen owner, this node's own former run) are never in here.
   */
  private final java.util.Set<Long> ownGrants = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * May this node dial on this PBX now: no fence, or it holds the PBX's lease and has taken the PBX over under that
   * grant (re-read the PBX's channels and adopted the calls the previous holder left up: {@link CallEvent.TakenOver}).
   */
  public boolean owned() {
    java.util.function.Supplier<Leases.Fence> f = fence;
    if (f == null) {
      return true;
    }
    Leases.Fence g = f.get();
    return g != null && g.epoch() == takenOverEpoch;
  }

  /**
   * Whether this node owns the PBX now, asked of the database: {@link #owned()} and its grant still the current one
   * there (for agents' lines, which the answer's fence does not cover). True with no fence, and when the database
   * cannot answer (the node's own view of its grant decides then, as for an answered call).
   */
  public Future<Boolean> stillOwned() {
    java.util.function.Supplier<Leases.Fence> f = fence;
    if (f == null) {
      return Future.succeededFuture(true);
    }
    Leases.Fence g = f.get();
    if (g == null || g.epoch() != takenOverEpoch) {
      return Future.succeededFuture(false);
    }
    return store.grantIsCurrent(g).otherwise(x -> true);
  }

  /** Whether this tracker acts in the name of a PBX lease ({@link #fenceWith}); false for tools and tests. */
  boolean leased() {
    return fence != null;
  }

  /** The PBX lease's grant this node holds now; null without one (or with no leases at all: {@link #leased()}). */
  Leases.Fence grant() {
    java.util.function.Supplier<Leases.Fence> f = fence;
    return f == null ? null : f.get();
  }

  /** What must be read before a take-over's {@link CallEvent.TakenOver} is told ({@link #beforeTakeOver}). */
  private final List<java.util.function.Supplier<Future<?>>> takeOverReads = new CopyOnWriteArrayList<>();

  /**
   * {@code read} runs at every take-over, alongside the reading of the calls in progress, and the take-over is told
   * only once it has completed (failed or not): what the subscribers need of the database (the agents' wishes for
   * their lines) is at hand when they adopt, without a window in which the PBX is owned and they have not.
   */
  public CallTracker beforeTakeOver(java.util.function.Supplier<Future<?>> read) {
    takeOverReads.add(read);
    return this;
  }

  /** The current grant's epoch; 0 without one, -1 with no fence at all (tools and tests that run no leases). */
  private long currentEpoch() {
    java.util.function.Supplier<Leases.Fence> f = fence;
    if (f == null) {
      return -1;
    }
    Leases.Fence g = f.get();
    return g == null ? 0 : g.epoch();
  }

  private void takeOverIfGranted() {
    long epoch = currentEpoch();
    if (epoch <= 0 || epoch == takenOverEpoch || resyncing || ami.state() != AmiClient.State.CONNECTED) {
      return;
    }
    log.atInfo().setMessage("taking the PBX over: re-reading its channels").addKeyValue("pbx", pbx)
        .addKeyValue("epoch", epoch).log();
    resync();
  }

  /**
   * Whether the grant with epoch {@code epoch} (the HF_EPOCH an answered call carries) is still this PBX's latest
   * lease grant in the database (nobody granted it since, even if it has run out); true with no fence, an epoch that is no number, or when the database cannot answer
   * (the dialer is paused then anyway, and a customer already on the line is not dropped for want of an answer).
   */
  public Future<Boolean> grantStillCurrent(Attempt call, String epoch) {
    long e;
    try {
      e = Long.parseLong(epoch.trim());
    } catch (NumberFormatException x) {
      return Future.succeededFuture(true);
    }
    if (fence == null) {
      return Future.succeededFuture(true);
    }
    Leases.Fence current = fence.get();
    // A call this process dialled under an earlier grant of its own: fine while this process holds the current one.
    Leases.Fence asked = ownGrants.contains(e) && current != null && current.epoch() == takenOverEpoch ? current
        : new Leases.Fence(Leases.PBX + pbx, e);
    // Held here now, and the database said it was current after this call's Originate went out: what it would say now.
    if (current != null && current.epoch() == asked.epoch() && confirmations.vouches(asked.epoch(), call.originateSeq)) {
      return Future.succeededFuture(true);
    }
    answersAskedOfDatabase.incrementAndGet();
    // "not current" withdraws every vouch for that grant; "current" here vouches for nothing more (Originates queued
    // on the context may not be on the wire yet: only confirmGrant's questions are asked after them)
    // The latest grant, run out or not (LeaseStore.latestGrant): a lapse of this node's own renewals under load is no
    // reason to abandon its customers; a grant to anyone since is (2026-12-06 kill runs: 19 of 27 abandons of a run
    // were answers fenced in such a lapse, before this node took its own PBX back).
    return store.grantIsLatest(asked).onSuccess(isCurrent -> onContext(() -> {
      if (!isCurrent) {
        confirmations.confirmed(asked.epoch(), 0, false);
      }
    })).otherwise(x -> {
      log.atWarn().setMessage("lease epoch of an answered call not checked: database away").addKeyValue("pbx", pbx)
          .addKeyValue("epoch", e).addKeyValue("error", x.getMessage()).log();
      return true;
    });
  }

  /** An answered call of a stale grant: counted, and its attempt says why it got no agent. */
  public void markFenced(Attempt a, String epoch) {
    fenced.incrementAndGet();
    a.fenced = true;
    a.detail = "fenced: lease epoch " + epoch + " of PBX " + pbx + " is no longer the current grant";
    log.atWarn().setMessage("answered call of a stale lease epoch: no agent, safe-harbor").addKeyValue("attempt", a.id)
        .addKeyValue("pbx", pbx).addKeyValue("epoch", epoch).log();
  }

  /** Originates refused by the fence since start: no grant here, or a grant the database no longer knows as current. */
  public long fencedOriginates() {
    return fenced.get();
  }

  /**
   * Calls whose answered-call script the dialplan's absolute timeout cut (its node frozen or cut off, docs/cluster.md
   * "A node that stops answering during the script"), since start: those this node followed, each once.
   */
  public long agiTimeouts() {
    return agiTimedOut.get();
  }

  /** The same, of one campaign's calls. */
  public long agiTimeouts(long campaignId) {
    java.util.concurrent.atomic.AtomicLong n = agiTimedOutByCampaign.get(campaignId);
    return n == null ? 0 : n.get();
  }

  static final long NOT_SENT = -1;

  private volatile String agiUrl;

  /**
   * Every Originate carries HUIFANG_AGI={@code url}, this node's FastAGI address as the PBX reaches it, so that the
   * answered calls of this node's dials come to it, whichever node the dialplan's global names (several nodes:
   * docs/cluster.md). Null: the dialplan's global decides (one node).
   */
  public void answeredCallsTo(String url) {
    this.agiUrl = url;
  }

  public AmiClient ami() {
    return ami;
  }

  /**
   * Follows this PBX's calls: every {@link CallEvent}, on the telephony context, in the order they happen.
   * Subscribers are told in the order they subscribed; one that throws does not keep the event from the others.
   */
  public CallTracker subscribe(Consumer<CallEvent> subscriber) {
    subscribers.add(subscriber);
    return this;
  }

  /**
   * As {@link #subscribe}, and first told (on the tracker's context) of the ends of attempts adopted from the
   * database that the tracker closed before this subscription: the calls of before a restart that ended while the
   * server was down are closed by the first resync, which may run before a subscriber that comes later (the dialer,
   * which must tell each one's task) is in place. Each such end reaches the subscriber once, replayed or live.
   */
  public CallTracker subscribeWithAdoptedEnds(Consumer<CallEvent> subscriber) {
    Runnable join = () -> {
      for (CallEvent.Ended e : new ArrayList<>(adoptedEnds)) {
        try {
          subscriber.accept(e);
        } catch (RuntimeException x) {
          log.atError().setMessage("call event subscriber failed").addKeyValue("event", "Ended")
              .addKeyValue("pbx", pbx).setCause(x).log();
        }
      }
      subscribers.add(subscriber);
    };
    if (io.vertx.core.Vertx.currentContext() == ami.context()) {
      join.run();
    } else {
      onContext(join);
    }
    return this;
  }

  private void emit(CallEvent event) {
    if (event instanceof CallEvent.Ended ended && ended.attempt().sentOnConnection == 0) {
      if (adoptedEnds.size() >= MAX_ADOPTED_ENDS_KEPT) {
        adoptedEnds.removeFirst();
      }
      adoptedEnds.add(ended);
    }
    for (Consumer<CallEvent> s : subscribers) {
      try {
        s.accept(event);
      } catch (RuntimeException e) {
        log.atError().setMessage("call event subscriber failed").addKeyValue("event", event.getClass().getSimpleName())
            .addKeyValue("pbx", pbx).setCause(e).log();
      }
    }
  }

  /** Attempts not yet ended (read on the AMI context). */
  public int liveAttempts() {
    return byId.size();
  }

  public long endedCount() {
    return ended;
  }

  /**
   * The tasks of the attempts not yet ended, those this server dialled and those adopted after a restart (whose
   * leases the dialer keeps alive while the calls are up); call on the AMI context.
   */
  public Set<Long> liveTaskIds() {
    Set<Long> out = new HashSet<>();
    for (Attempt a : byId.values()) {
      if (a.request.taskId() != null) {
        out.add(a.request.taskId());
      }
    }
    return out;
  }

  /** The live attempt with this id, or null; call on the AMI context. */
  public Attempt live(String attemptId) {
    return byId.get(attemptId);
  }

  /** Runs {@code action} on the tracker's context. */
  public void onContext(Runnable action) {
    ami.context().runOnContext(v -> action.run());
  }

  /**
   * Sends an asynchronous Originate carrying the attempt id (ChannelId and HF_ATTEMPT). Completes when the PBX has
   * queued it (or refused it: the attempt then ends as FAILED); the outcome arrives through {@link #onEnded}.
   */
  public Future<Attempt> originate(OriginateRequest req) {
    if (!ATTEMPT_ID.matcher(req.attemptId()).matches()) {
      return Future.failedFuture(new IllegalArgumentException("attempt id must be 1–64 of [A-Za-z0-9._-]"));
    }
    Promise<Attempt> result = Promise.promise();
    onContext(() -> {
      if (byId.containsKey(req.attemptId())) {
        result.fail(new IllegalStateException("attempt " + req.attemptId() + " is already live"));
        return;
      }
      java.util.function.Supplier<Leases.Fence> fencing = fence;
      Leases.Fence grant = fencing == null ? null : fencing.get();
      if (fencing != null && grant == null) {
        fenced.incrementAndGet();
        log.atWarn().setMessage("not dialled: this node does not hold the PBX's lease").addKeyValue("attempt",
            req.attemptId()).addKeyValue("pbx", pbx).log();
        result.fail(new NotDialled(req.attemptId(), false, new AttemptStore.Fenced(pbx, 0)));
        return;
      }
      Attempt a = new Attempt(req.attemptId(), pbx, req, clock.instant());
      a.actionId = "orig-" + req.attemptId();
      byId.put(a.id, a);
      byUniqueId.put(a.id, a);
      byUniqueId.put(a.id + "-2", a);
      byActionId.put(a.actionId, a);
      AmiMessage o = AmiMessage.action("Originate")
          .add("ActionID", a.actionId)
          .add("Channel", req.dialString())
          .add("Context", req.context())
          .add("Exten", req.exten())
          .add("Priority", "1")
          .add("Timeout", Long.toString(req.ringTimeout().toMillis()))
          .add("Async", "true")
          .add("ChannelId", a.id)
          .add("OtherChannelId", a.id + "-2");
      if (req.callerId() != null && !req.callerId().isBlank()) {
        o.add("CallerID", req.callerId());
      }
      o.add("Variable", "HF_ATTEMPT=" + a.id);
      o.add("Variable", "HF_AMD=" + (req.amd() ? "yes" : "no"));
      if (grant != null) {
        o.add("Variable", "HF_EPOCH=" + grant.epoch());
        a.epoch = grant.epoch();
      }
      if (agiUrl != null) {
        // The answered call's FastAGI comes to this node, the one that dialled it (a channel variable wins over the
        // dialplan's global of the same name); see dialplans/extensions.conf for when this node is gone.
        o.add("Variable", "HUIFANG_AGI=" + agiUrl);
      }
      req.variables().forEach((k, v) -> o.add("Variable", k + "=" + v));
      // The row first, the call after: the database refuses a second open attempt of one task, and a refused row
      // must mean that no call goes out (a customer already on the line is not called again).
      store.inserted(a, grant).onComplete(stored -> onContext(() -> {
        if (stored.failed()) {
          notDialled(a, stored.cause(), result);
          return;
        }
        emit(new CallEvent.Originating(a));
        a.sentOnConnection = ami.connects();
        a.originateSeq = confirmations.originateSent();
        sendOriginate(a, o, result);
      }));
    });
    return result.future();
  }

  /**
   * The attempt's row was refused (or could not be written): nothing was sent, the attempt is forgotten without an
   * end (there is no call), and the caller is told through the originate's failure.
   */
  private void notDialled(Attempt a, Throwable cause, Promise<Attempt> result) {
    byId.remove(a.id);
    byUniqueId.remove(a.id);
    byUniqueId.remove(a.id + "-2");
    byActionId.remove(a.actionId);
    boolean secondCall = AttemptStore.isSecondOpenAttempt(cause);
    if (cause instanceof AttemptStore.Fenced) {
      fenced.incrementAndGet();
    }
    log.atWarn().setMessage(secondCall ? "not dialled: the task already has a call under way"
            : cause instanceof AttemptStore.Fenced ? "not dialled: refused by the database, stale lease epoch"
            : "not dialled: attempt not stored").addKeyValue("attempt", a.id).addKeyValue("pbx", pbx)
        .addKeyValue("task", a.request.taskId()).addKeyValue("error", cause.getMessage()).log();
    result.fail(new NotDialled(a.id, secondCall, cause));
  }

  /** An originate whose attempt could not be stored, so no call went out; {@code taskBusy}: its task has one up. */
  public static final class NotDialled extends RuntimeException {
    private final boolean taskBusy;

    NotDialled(String attemptId, boolean taskBusy, Throwable cause) {
      super((taskBusy ? "the task of attempt " + attemptId + " already has an open attempt"
          : "attempt " + attemptId + " not stored: " + cause.getMessage()), cause);
      this.taskBusy = taskBusy;
    }

    public boolean taskBusy() {
      return taskBusy;
    }

    /** Refused because this node's grant of the PBX's lease is not (or no longer) the current one. */
    public boolean fenced() {
      return getCause() instanceof AttemptStore.Fenced;
    }
  }

  private void sendOriginate(Attempt a, AmiMessage o, Promise<Attempt> result) {
    ami.send(o, Duration.ofSeconds(10)).onComplete(ar -> onContext(() -> {
      if (ar.succeeded() && "Success".equalsIgnoreCase(ar.result().get("Response"))) {
        log.atInfo().setMessage("originate queued").addKeyValue("attempt", a.id).addKeyValue("pbx", pbx).log();
        result.complete(a);
        return;
      }
      a.originateRefused = true;
      a.detail = ar.succeeded() ? "Originate refused: " + ar.result().get("Message", "")
          : "Originate not sent: " + ar.cause().getMessage();
      end(a);
      result.complete(a);
    }));
  }

  /** Hangs up the customer's channel; {@code byAgent} records who ended the call. */
  public Future<Void> hangup(String attemptId, boolean byAgent) {
    Promise<Void> p = Promise.promise();
    onContext(() -> {
      Attempt a = byId.get(attemptId);
      if (a == null || a.channel == null) {
        p.fail(new IllegalStateException("no live call for attempt " + attemptId));
        return;
      }
      if (byAgent) {
        a.hangupRequestedByAgent = true;
      }
      ami.send(AmiMessage.action("Hangup").add("Channel", a.channel).add("Cause", "16"))
          .onComplete(ar -> p.handle(ar.<Void>mapEmpty()));
    });
    return p.future();
  }

  /**
   * Ring cut: hangs up the attempt's outbound channel while it rings, unanswered (the dialer's pacer judged that its
   * answer would likely find no agent). True when the Hangup went out; false when the attempt is no longer live, was
   * answered, or its channel is not known yet. The attempt then ends as {@link AttemptOutcome#RING_CUT}, unless the
   * customer answered in the race with the Hangup: that is an answered call (and, hung up before an agent took it,
   * an abandon, as regulators count it), never a ring cut. The window is the Hangup's trip to the PBX, the same race
   * an Originate's own Timeout has.
   */
  public Future<Boolean> cutRinging(String attemptId) {
    Promise<Boolean> p = Promise.promise();
    onContext(() -> {
      Attempt a = byId.get(attemptId);
      if (a == null || a.answeredAt != null || a.channel == null
          || (a.state != Attempt.State.DIALING && a.state != Attempt.State.RINGING)) {
        p.complete(false);
        return;
      }
      a.ringCut = true;
      ami.send(AmiMessage.action("Hangup").add("Channel", a.channel).add("Cause", "16"))
          .onComplete(ar -> onContext(() -> {
            boolean sent = ar.succeeded() && "Success".equalsIgnoreCase(ar.result().get("Response"));
            if (!sent && a.state != Attempt.State.ENDED) {
              a.ringCut = false; // the PBX did not take it (no such channel any more): the line ends by itself
            }
            log.atInfo().setMessage(sent ? "ringing line cut" : "ringing line not cut").addKeyValue("attempt", a.id)
                .addKeyValue("pbx", pbx).addKeyValue("channel", a.channel).log();
            p.complete(sent);
          }));
    });
    return p.future();
  }

  /** The answered-call script's view: marks the attempt answered (the AGI may arrive before the AMI event). */
  public void markAnswered(Attempt a, String channel) {
    if (a.channel == null) {
      a.channel = channel;
    }
    answered(a);
  }

  /**
   * The answered-call script reached this node for an attempt it does not follow and answered "abandon": the answer
   * is written on the attempt's open row ({@link AttemptStore#answeredUnfollowed}), so the abandon is counted when the
   * PBX's owner closes it. Call on the telephony context.
   */
  public void answeredUnfollowed(String attemptId) {
    if (attemptId == null || !ATTEMPT_ID.matcher(attemptId).matches() || byId.containsKey(attemptId)) {
      return;
    }
    store.answeredUnfollowed(attemptId, clock.instant()).onComplete(ar -> {
      if (ar.failed()) {
        log.atWarn().setMessage("answer of a call not followed here not stored").addKeyValue("attempt", attemptId)
            .addKeyValue("error", ar.cause().getMessage()).log();
      } else if (ar.result()) {
        log.atInfo().setMessage("answer of a call not followed here stored on its open row")
            .addKeyValue("attempt", attemptId).addKeyValue("pbx", pbx).log();
      }
    });
  }

  public void markAbandoned(Attempt a) {
    a.abandoned = true;
  }

  /**
   * The customer is given to the agent: the agent goes on the attempt's row at once ({@link Attempt#written()}
   * completes when it is there), so that a crash before the BridgeEnter still leaves the row saying the customer
   * reached an agent (the resync then holds the task for the agent's draft instead of counting an abandon).
   */
  public void markBridged(Attempt a, long agentId, String agentChannel) {
    a.agentId = agentId;
    a.agentChannel = agentChannel;
    writeProgress(a);
  }

  private void onEvent(AmiMessage e) {
    String event = e.get("Event");
    if (event == null) {
      return;
    }
    switch (event) {
      case "Newchannel" -> {
        Attempt a = byUniqueId.get(e.get("Uniqueid"));
        if (a != null) {
          a.live.put(e.get("Uniqueid"), e.get("Channel"));
          a.everHadChannel = true;
          if (a.id.equals(e.get("Uniqueid"))) {
            a.channel = e.get("Channel");
          }
        }
      }
      case "DialBegin" -> {
        Attempt a = byUniqueId.get(e.get("DestUniqueid"));
        if (a == null) {
          a = byUniqueId.get(e.get("Uniqueid"));
        }
        if (a != null) {
          a.dialBegan = true;
        }
      }
      case "Newstate" -> onNewstate(e);
      case "OriginateResponse" -> onOriginateResponse(e);
      case "UserEvent" -> onUserEvent(e);
      case "BridgeEnter" -> {
        Attempt a = byUniqueId.get(e.get("Uniqueid"));
        if (a != null && a.id.equals(e.get("Uniqueid")) && a.bridgedAt == null && a.agentId != null) {
          a.bridgedAt = clock.instant();
          a.state = Attempt.State.BRIDGED;
          writeProgress(a);
          emit(new CallEvent.Bridged(a));
        }
      }
      case "Hangup" -> onHangup(e);
      default -> {
        // other events are not about attempts
      }
    }
  }

  /**
   * Writes a milestone once the attempt's earlier writes are done. The pool runs statements on several connections,
   * so the answer's write and the bridge's a few ms later could otherwise land in the other order, and the row would
   * lose its agent and bridge time until the call ended (CI caught a desk showing a call whose row had no agent). A
   * write that starts later writes the attempt as it is then, so nothing newer is lost by waiting.
   */
  private void writeProgress(Attempt a) {
    a.lastWrite = a.lastWrite.transform(written -> onContextWrite(() -> store.progressed(a)));
  }

  /** A write that reads the attempt, begun on the tracker's context (where the attempt changes). */
  private <T> Future<T> onContextWrite(java.util.function.Supplier<Future<T>> write) {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    onContext(() -> write.get().onComplete(done));
    return done.future();
  }

  private void onNewstate(AmiMessage e) {
    Attempt a = byUniqueId.get(e.get("Uniqueid"));
    if (a == null || !a.id.equals(e.get("Uniqueid"))) {
      return;
    }
    String desc = e.get("ChannelStateDesc", "");
    if (desc.equals("Ringing") && a.ringingAt == null) {
      a.ringingAt = clock.instant();
      if (a.state == Attempt.State.DIALING) {
        a.state = Attempt.State.RINGING;
      }
    } else if (desc.equals("Up")) {
      a.channel = e.get("Channel");
      answered(a);
    }
  }

  private void answered(Attempt a) {
    if (a.answeredAt != null) {
      return;
    }
    a.answeredAt = clock.instant();
    if (a.state.ordinal() < Attempt.State.ANSWERED.ordinal()) {
      a.state = Attempt.State.ANSWERED;
    }
    writeProgress(a);
    log.atInfo().setMessage("customer answered").addKeyValue("attempt", a.id).addKeyValue("pbx", pbx).log();
    emit(new CallEvent.Answered(a));
  }

  private void onOriginateResponse(AmiMessage e) {
    Attempt a = byActionId.get(e.get("ActionID"));
    if (a == null) {
      return;
    }
    a.originateResponseSeen = true;
    try {
      a.originateReason = Integer.valueOf(e.get("Reason", "").trim());
    } catch (NumberFormatException ignored) {
      a.originateReason = null;
    }
    if ("Success".equalsIgnoreCase(e.get("Response"))) {
      a.channel = e.get("Channel");
      answered(a);
    } else {
      // Failed originates may report the Hangups after this event (03a) or before it (03e).
      maybeEnd(a);
      vertx.setTimer(FAILURE_GRACE_MS, t -> onContext(() -> {
        if (a.state != Attempt.State.ENDED) {
          a.live.clear();
          end(a);
        }
      }));
    }
  }

  private void onUserEvent(AmiMessage e) {
    String name = e.get("UserEvent", "");
    if (name.equalsIgnoreCase("HuifangAgiTimeout")) {
      agiTimedOut(e);
      return;
    }
    if (!name.equalsIgnoreCase("HuifangAmd")) {
      return;
    }
    Attempt a = byId.get(e.get("Attempt"));
    if (a != null) {
      a.amdStatus = e.get("Status");
      a.amdCause = e.get("Cause");
      writeProgress(a);
    }
  }

  /**
   * The dialplan's T extension: a FastAGI script of this attempt's answer gave no decision within the absolute timeout
   * (its node frozen, or cut off with the connection still open); the dialplan goes on as after a failed script (the
   * global address once, then the safe-harbor message). Said in the attempt's end if no agent took the call.
   */
  private void agiTimedOut(AmiMessage e) {
    Attempt a = byId.get(e.get("Attempt"));
    if (a == null) {
      return; // not followed here (another node's call): its own node records it
    }
    if (++a.agiTimeouts == 1) {
      agiTimedOut.incrementAndGet();
      Long campaign = a.request().campaignId();
      agiTimedOutByCampaign.computeIfAbsent(campaign == null ? 0L : campaign,
          k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
    }
    log.atWarn().setMessage("answered call: no decision from FastAGI within the dialplan's timeout")
        .addKeyValue("attempt", a.id).addKeyValue("pbx", pbx).addKeyValue("try", e.get("Try"))
        .addKeyValue("agiStatus", e.get("Status")).log();
  }

  private void onHangup(AmiMessage e) {
    String uid = e.get("Uniqueid");
    Attempt a = byUniqueId.get(uid);
    if (a == null) {
      if (resyncing && hungUpWhileResyncing.size() < MAX_HANGUPS_KEPT) {
        hungUpWhileResyncing.add(uid); // perhaps a call of before a restart, about to be adopted as up
      }
      return;
    }
    a.live.remove(uid);
    Integer cause = parseInt(e.get("Cause"));
    // Local channels report cause 0 on the dialer leg and the real cause on the far leg (03c/03d).
    if (cause != null && (a.hangupCause == null || (a.hangupCause == 0 && cause != 0))) {
      a.hangupCause = cause;
      a.hangupCauseTxt = e.get("Cause-txt");
    }
    if (uid.equals(a.id) && a.hangupBy == null && a.answeredAt != null) {
      // The safe-harbor message after a script that never answered is the system's hang-up too.
      a.hangupBy = a.hangupRequestedByAgent ? "agent"
          : a.abandoned || (a.agiTimeouts > 0 && a.agentId == null) ? "system" : "customer";
    }
    maybeEnd(a);
  }

  private void maybeEnd(Attempt a) {
    if (a.state == Attempt.State.ENDED) {
      return;
    }
    boolean channelsGone = a.live.isEmpty();
    boolean known = a.originateResponseSeen || a.answeredAt != null;
    if (channelsGone && known && (a.everHadChannel || a.originateResponseSeen)) {
      end(a);
    }
  }

  private void end(Attempt a) {
    if (a.state == Attempt.State.ENDED) {
      return;
    }
    a.state = Attempt.State.ENDED;
    a.endedAt = clock.instant();
    boolean abandonDecided = a.abandoned; // by the answered-call script (no agent within 2 s, fenced)
    // Regulators count every answered person who never reached an agent, whoever hung up first.
    if (a.answeredAt != null && a.agentId == null && !"MACHINE".equalsIgnoreCase(a.amdStatus)) {
      a.abandoned = true;
    }
    OutcomeClassifier.Evidence seen = new OutcomeClassifier.Evidence(a.originateReason, a.hangupCause,
        a.answeredAt != null, a.dialBegan, a.amdStatus, a.abandoned, a.originateRefused);
    a.outcome = a.ringCut ? OutcomeClassifier.ringCut(seen) : OutcomeClassifier.classify(seen);
    if (a.outcome == AttemptOutcome.ABANDONED && a.agiTimeouts > 0 && !abandonDecided && a.detail == null) {
      a.detail = "no agent: the answered-call FastAGI script gave no decision within the dialplan's timeout ("
          + a.agiTimeouts + (a.agiTimeouts == 1 ? " try" : " tries") + "; its node frozen or cut off)";
    }
    if (a.outcome == AttemptOutcome.RING_CUT) {
      a.hangupBy = "system";
      a.detail = "ring cut: hung up unanswered after " + a.ringSeconds() + " s of ringing; an answer would likely"
          + " have found no agent";
    }
    byId.remove(a.id);
    byUniqueId.remove(a.id);
    byUniqueId.remove(a.id + "-2");
    byActionId.remove(a.actionId);
    ended++;
    log.atInfo().setMessage("attempt ended").addKeyValue("attempt", a.id).addKeyValue("pbx", pbx)
        .addKeyValue("outcome", a.outcome.code()).addKeyValue("reason", a.originateReason)
        .addKeyValue("cause", a.hangupCause).addKeyValue("ringSeconds", a.ringSeconds())
        .addKeyValue("hangupBy", a.hangupBy).log();
    recentlyEnded.add(a.id);
    Future<Boolean> end = a.lastWrite.transform(written -> onContextWrite(() -> store.ended(a)));
    a.lastWrite = end;
    end.onComplete(ar -> onContext(() -> {
      if (ar.failed()) {
        log.atError().setMessage("attempt end not stored").addKeyValue("attempt", a.id)
            .addKeyValue("error", ar.cause().getMessage()).log();
      } else if (!ar.result()) {
        return; // the database already had it ended: it is not counted twice
      }
      emit(new CallEvent.Ended(a));
    }));
  }

  /**
   * After a (re)connect: which of our calls are still up? Live channels keep their attempts (and attempts known
   * only to the database, from before a restart, are adopted); attempts whose channels are all gone are closed.
   */
  /**
   * Channels hung up while a resync is under way that no attempt in memory owned yet: the channel list is taken
   * first and the attempts of before a restart are read from the database after it, so a call that hangs up in
   * between would be adopted as up and never end. Kept only during a resync.
   */
  private final Set<String> hungUpWhileResyncing = new HashSet<>();
  private boolean resyncing;
  static final int MAX_HANGUPS_KEPT = 100_000;

  void resync() {
    long connection = ami.connects(); // counted before CONNECTED is announced
    resyncing = true;
    hungUpWhileResyncing.clear();
    // The grant this resync works under, read before the channels: only the PBX's lease holder adopts the calls of
    // the database (another node's calls are that node's), and a grant not yet taken over under is taken over here.
    long epoch = currentEpoch();
    // First: is this the PBX we saw before, or did it restart (crash, power loss) while we were away?
    ami.send(AmiMessage.action("CoreStatus"), Duration.ofSeconds(3)).onComplete(status -> onContext(() -> {
      boolean restarted = noteStartup(status.succeeded() ? status.result() : null);
      resync(connection, restarted, epoch);
    }));
  }

  /** The PBX's start time and processed-call count at the last connection; null before the first. */
  private String pbxStartup;
  private long pbxProcessedCalls = -1;

  /**
   * Whether the PBX restarted since the last connection: its start time (CoreStatus CoreStartupDate/Time) changed,
   * or its count of processed calls went down. False when it cannot tell (the first connection, no CoreStatus).
   */
  private boolean noteStartup(AmiMessage status) {
    if (status == null || !"Success".equalsIgnoreCase(status.get("Response"))) {
      return false;
    }
    String startup = status.get("CoreStartupDate", "") + " " + status.get("CoreStartupTime", "");
    long processed = -1;
    try {
      processed = Long.parseLong(status.get("CoreProcessedCalls", "-1").trim());
    } catch (NumberFormatException ignored) {
      // not given: the start time decides alone
    }
    boolean restarted = pbxStartup != null && (!pbxStartup.equals(startup)
        || (processed >= 0 && pbxProcessedCalls >= 0 && processed < pbxProcessedCalls));
    if (restarted) {
      log.atWarn().setMessage("the PBX restarted while the AMI connection was down").addKeyValue("pbx", pbx)
          .addKeyValue("startedBefore", pbxStartup).addKeyValue("startedNow", startup).log();
    }
    pbxStartup = startup;
    pbxProcessedCalls = processed;
    return restarted;
  }

  private void resync(long connection, boolean pbxRestarted, long epoch) {
    ami.sendList(AmiMessage.action("CoreShowChannels")).onComplete(ar -> onContext(() -> {
      if (ar.failed()) {
        resyncing = false;
        hungUpWhileResyncing.clear();
        // Without the PBX's list of channels the calls of before this connection can be neither kept nor closed:
        // this connection is no use. Drop it (if the failure has not already: a list over its limits, a loss) and
        // resync on the next one; the AMI client's backoff grows while connections fail like this.
        log.atError().setMessage("resync failed; reconnecting").addKeyValue("pbx", pbx)
            .addKeyValue("error", ar.cause().getMessage()).log();
        ami.drop(connection, "resync failed: " + ar.cause().getMessage());
        return;
      }
      ami.healthy();
      Map<String, AmiMessage> up = new HashMap<>();
      for (AmiMessage ch : ar.result()) {
        up.put(ch.get("Uniqueid"), ch);
      }
      int kept = 0;
      int closed = 0;
      for (Attempt a : new ArrayList<>(byId.values())) {
        // Only what went out before this connection: a call sent on it may not have its channel yet when the PBX
        // lists channels, and its own events arrive on this connection anyway.
        if (a.sentOnConnection == NOT_SENT || a.sentOnConnection >= connection) {
          kept++;
          continue;
        }
        if (reconcile(a, up, pbxRestarted)) {
          kept++;
        } else {
          closed++;
        }
      }
      emit(new CallEvent.Resynced(up.keySet()));
      int memoryKept = kept;
      int memoryClosed = closed;
      // Not the lease holder: the calls in the database are the holder's to follow and end, not this node's.
      Future<List<JsonObject>> rows = epoch == 0 ? Future.succeededFuture(List.of()) : store.open(pbx);
      List<Future<?>> reads = new ArrayList<>();
      if (epoch > 0 && epoch != takenOverEpoch) {
        for (java.util.function.Supplier<Future<?>> read : takeOverReads) {
          try {
            reads.add(read.get());
          } catch (RuntimeException x) {
            log.atWarn().setMessage("take-over read failed").addKeyValue("pbx", pbx).setCause(x).log();
          }
        }
      }
      reads.add(rows);
      Future.join(reads).onComplete(joined -> onContext(() -> {
        Future<List<JsonObject>> open = rows;
        int adopted = 0;
        int closedFromDb = 0;
        // Calls given to an agent that ended while no node watched (the owner dead, its customer gone meanwhile):
        // the take-over tells them with the lines, so the agent's line is adopted on the call and goes to wrap-up for
        // it, and the page hears of its end, when its end is told just after.
        List<Attempt> endedUnseen = new ArrayList<>();
        up.keySet().removeAll(hungUpWhileResyncing);
        resyncing = false;
        hungUpWhileResyncing.clear();
        if (open.failed() && epoch > 0 && epoch != takenOverEpoch) {
          // Without the database's list of calls in progress the PBX cannot be taken over: not now; the take-over
          // check tries again within a quarter second.
          log.atWarn().setMessage("PBX not taken over: calls in progress not read").addKeyValue("pbx", pbx)
              .addKeyValue("epoch", epoch).addKeyValue("error", open.cause().getMessage()).log();
          return;
        }
        if (open.succeeded()) {
          for (JsonObject row : open.result()) {
            String id = row.getString("id");
            if (byId.containsKey(id) || recentlyEnded.contains(id)) {
              continue;
            }
            Attempt a = adopt(row);
            if (reconcile(a, up, false)) {
              adopted++;
            } else {
              closedFromDb++;
              if (a.agentId != null && a.answeredAt != null) {
                endedUnseen.add(a);
              }
            }
          }
        }
        log.atInfo().setMessage("resynchronised with PBX").addKeyValue("pbx", pbx)
            .addKeyValue("channelsUp", up.size()).addKeyValue("kept", memoryKept).addKeyValue("adopted", adopted)
            .addKeyValue("closed", memoryClosed + closedFromDb).log();
        if (epoch > 0 && epoch != takenOverEpoch && epoch == currentEpoch()) {
          takenOver(epoch, up, endedUnseen);
        }
      }));
    }));
  }

  /**
   * The PBX is this node's under {@code epoch}, its calls adopted: calls still ringing that were dialled under another
   * grant are hung up now (answered, they would get no agent: the answer's check of HF_EPOCH fences them, and an
   * answered call without an agent is an abandon; hung up while ringing it is only a call not answered, retried by
   * the rules), then the agents' lines and the dialer take over ({@link CallEvent.TakenOver}), and only then does
   * {@link #owned()} let anything be dialled.
   */
  private void takenOver(long epoch, Map<String, AmiMessage> up, List<Attempt> endedUnseen) {
    int hungUp = 0;
    for (Attempt a : new ArrayList<>(byId.values())) {
      if (a.answeredAt == null && a.epoch != epoch && !(epoch == takenOverEpoch + 1 && ownGrants.contains(a.epoch))
          && !a.live.isEmpty()) {
        a.detail = "hung up ringing at the take-over of PBX " + pbx + " (lease epoch " + epoch
            + "): dialled under an older grant";
        for (String channel : new ArrayList<>(a.live.values())) {
          ami.send(AmiMessage.action("Hangup").add("Channel", channel).add("Cause", "16"));
        }
        hungUp++;
      }
    }
    Map<String, String> channels = new HashMap<>();
    up.forEach((uid, ch) -> channels.put(uid, ch.get("Channel")));
    emit(new CallEvent.TakenOver(epoch, java.util.Collections.unmodifiableMap(channels),
        List.copyOf(byId.values()), List.copyOf(endedUnseen)));
    // Every grant raises the epoch by one: the next epoch after this process's own means nobody held the PBX in
    // between, and its earlier calls stay its own; a gap means another holder did, and they are stale.
    if (epoch != takenOverEpoch + 1) {
      ownGrants.clear();
    }
    takenOverEpoch = epoch;
    ownGrants.add(epoch);
    log.atInfo().setMessage("PBX taken over").addKeyValue("pbx", pbx).addKeyValue("epoch", epoch)
        .addKeyValue("callsFollowed", byId.size()).addKeyValue("ringingHungUp", hungUp).log();
  }

  /** True when the attempt still has channels up; otherwise it is ended with what is known. */
  private boolean reconcile(Attempt a, Map<String, AmiMessage> up, boolean pbxRestarted) {
    Set<String> ids = new HashSet<>(Set.of(a.id, a.id + "-2"));
    a.live.keySet().retainAll(up.keySet());
    for (String uid : ids) {
      AmiMessage ch = up.get(uid);
      if (ch != null) {
        a.live.put(uid, ch.get("Channel"));
        a.everHadChannel = true;
        if (uid.equals(a.id)) {
          a.channel = ch.get("Channel");
          if ("Up".equals(ch.get("ChannelStateDesc"))) {
            answered(a);
          }
        }
      }
    }
    if (!a.live.isEmpty()) {
      return true;
    }
    if (a.state != Attempt.State.ENDED) {
      if (a.answeredAt != null && pbxRestarted) {
        // Up when the connection dropped, and the PBX has restarted since (a crash or restart drops every channel
        // without a Hangup): the call was cut under the customer and the agent. The desk keeps the agent's screen.
        a.cutByPbxLoss = true;
        a.detail = "cut by a PBX loss: up when the AMI connection dropped; the PBX restarted meanwhile;"
            + " hangup cause not seen";
      } else {
        a.detail = "ended while the AMI connection was down; hangup cause not seen";
      }
      if (a.answeredAt != null && a.hangupBy == null) {
        a.hangupBy = "unknown";
      }
      end(a);
    }
    return false;
  }

  private Attempt adopt(JsonObject row) {
    OriginateRequest req = new OriginateRequest(row.getString("id"), row.getLong("campaign_id"),
        row.getLong("task_id"), row.getLong("customer_id"), row.getString("dial_string"), null, null, null,
        Duration.ZERO, false, Map.of());
    Attempt a = new Attempt(row.getString("id"), pbx, req, instant(row.getValue("originated_at"), clock.instant()));
    a.actionId = "orig-" + a.id;
    a.sentOnConnection = 0;
    a.channel = row.getString("channel");
    a.ringingAt = instant(row.getValue("ringing_at"), null);
    a.answeredAt = instant(row.getValue("answered_at"), null);
    a.bridgedAt = instant(row.getValue("bridged_at"), null);
    a.agentId = row.getLong("agent_id");
    a.state = Attempt.State.valueOf(row.getString("state").toUpperCase());
    a.originateResponseSeen = a.answeredAt != null;
    byId.put(a.id, a);
    byUniqueId.put(a.id, a);
    byUniqueId.put(a.id + "-2", a);
    byActionId.put(a.actionId, a);
    return a;
  }

  private static Instant instant(Object v, Instant dflt) {
    if (v == null) {
      return dflt;
    }
    if (v instanceof Instant i) {
      return i;
    }
    try {
      return java.time.OffsetDateTime.parse(v.toString()).toInstant();
    } catch (RuntimeException e) {
      return dflt;
    }
  }

  private static Integer parseInt(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
