package io.huifang.telephony;

import io.huifang.web.Push;
import io.huifang.pbx.agi.AgiSession;
import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code answered} FastAGI script: a customer picked up, give them an agent. The longest-idle READY agent of
 * the PBX serving the customer's campaign (skilled for it, {@link AgentLines.Line#serves}) is joined with the AMI
 * Bridge action and gets the screen pushed at the same instant; if no agent is free within 2 s of the answer, the
 * dialplan plays the safe-harbor message and hangs up (outcome ABANDONED). The script returns at once either way;
 * it only sets {@code HF_DECISION} for the dialplan.
 *
 * <p>Runs on the telephony context, shared by the AGI server, the AMI clients and the trackers.
 */
public final class AnsweredCalls {
  private static final Logger log = LoggerFactory.getLogger(AnsweredCalls.class);
  public static final String SCRIPT = "answered";
  /** Regulators' limit from answer to a live agent or the safe-harbor message. */
  public static final Duration SAFE_HARBOR_AFTER = Duration.ofSeconds(2);

  /** One PBX's trackers and lines. */
  public record Pbx(CallTracker tracker, AgentLines lines) {
    /** The PBX's name as configured (pbx.servers, emulator.pbxes); the pbx column of its attempts. */
    public String name() {
      return tracker.pbx();
    }
  }

  /** An answered call waiting for an agent. */
  private static final class Waiting {
    final AgiSession session;
    final Attempt attempt;
    final Pbx pbx;
    long timer = -1;
    /** How long the answer's lease check took, in microseconds (0: none asked of the database). */
    long fenceMicros;
    /** From the answer (the PBX's event or this script, whichever came first) to this script's start, microseconds. */
    long agiMicros;

    Waiting(AgiSession session, Attempt attempt, Pbx pbx) {
      this.session = session;
      this.attempt = attempt;
      this.pbx = pbx;
    }
  }

  private final Vertx vertx;
  private final Clock clock;
  private final List<Pbx> pbxes = new java.util.ArrayList<>();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private final Map<String, AgentLines.Line> onCall = new java.util.HashMap<>();
  private final LatencyRecorder answerToBridge = new LatencyRecorder(100_000);
  private long bridged;
  private long abandoned;

  public AnsweredCalls(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /** Adds a PBX; call on the telephony context. */
  public void add(Pbx p) {
    pbxes.add(p);
    p.lines().onReady(line -> offerWaiting(p, line));
    // The customer's call ended: the agent wraps it up; the agent desk ends the wrap-up.
    p.tracker().subscribe(e -> {
      if (e instanceof CallEvent.Ended ended) {
        callEnded(p, ended.attempt());
      }
    });
  }

  /**
   * A call joined to an agent by the PBX's previous owner, adopted with the agent's line at a take-over (issue 22): its
   * end puts the line in wrap-up and reaches the desk as any call's does. Call on the telephony context.
   */
  void adoptedOnCall(String attemptId, AgentLines.Line line) {
    onCall.putIfAbsent(attemptId, line);
  }

  private void callEnded(Pbx p, Attempt a) {
    AgentLines.Line line = onCall.remove(a.id());
    if (line != null) {
      if (line.state() == AgentLines.LineState.RESERVED || line.state() == AgentLines.LineState.ON_CALL) {
        p.lines().wrapUp(line);
      }
      for (ScreenListener l : screenListeners) {
        l.ended(p, line, a);
      }
    }
  }

  /**
   * The agent desk: told at the instant a customer is given to an agent (to push the screen with the Bridge), and
   * when that call ends.
   */
  public interface ScreenListener {
    void connected(Pbx pbx, AgentLines.Line line, Attempt attempt, long bridgedAtMicros);

    /**
     * The call given to the agent ended: hung up, or cut under them (the agent's line or the whole PBX lost,
     * {@link Attempt#cutByPbxLoss()}); the agent had the customer and writes the call up.
     */
    void ended(Pbx pbx, AgentLines.Line line, Attempt attempt);

    /** The PBX refused the Bridge: the agent never had the customer. */
    void bridgeFailed(Pbx pbx, AgentLines.Line line, Attempt attempt);
  }

  private final List<ScreenListener> screenListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private java.util.function.Function<Attempt, Long> preferredAgent = a -> null;

  /** Priorities when nobody says otherwise: every campaign equal, so the customer waiting longest goes first. */
  public static final int EQUAL_PRIORITY = 5;
  private java.util.function.ToIntFunction<Long> campaignPriority = campaign -> EQUAL_PRIORITY;

  /**
   * Each campaign's priority, 1 highest (the dialer: the campaigns' own setting): an agent who comes free takes the
   * waiting customer of the highest-priority campaign they serve.
   */
  public void campaignPriority(java.util.function.ToIntFunction<Long> rule) {
    this.campaignPriority = rule;
  }

  private java.util.function.Supplier<java.util.Set<Long>> currentCampaigns = java.util.Set::of;

  /**
   * The campaigns being dialled now (the dialer's running campaigns): of the free agents serving an answered
   * customer's campaign, the one serving the fewest of these takes the call, so that the others stay free for the
   * other campaigns ({@link AgentLines#whoTakes}).
   */
  public void currentCampaigns(java.util.function.Supplier<java.util.Set<Long>> campaigns) {
    this.currentCampaigns = campaigns;
  }

  /** Which agent should take an answered call if free (the dialer: a callback booked "for me"). */
  public void preferredAgent(java.util.function.Function<Attempt, Long> rule) {
    this.preferredAgent = rule;
  }

  public AnsweredCalls onScreen(ScreenListener listener) {
    screenListeners.add(listener);
    return this;
  }

  public Map<String, Object> stats() {
    return Map.of("bridged", bridged, "abandoned", abandoned, "waiting", waiting.size());
  }

  /** Answer-event-to-Bridge-sent latencies, in microseconds. */
  public LatencyRecorder answerToBridge() {
    return answerToBridge;
  }

  /** The AGI entry point. */
  public void run(AgiSession session) {
    String attemptId = session.args().isEmpty() ? session.uniqueId() : session.args().get(0);
    Pbx pbx = null;
    Attempt attempt = null;
    for (Pbx p : pbxes) {
      Attempt a = p.tracker().live(attemptId);
      if (a != null) {
        pbx = p;
        attempt = a;
        break;
      }
    }
    if (attempt == null) {
      log.atWarn().setMessage("answered call for an unknown attempt").addKeyValue("attempt", attemptId)
          .addKeyValue("channel", session.channel()).log();
      decide(session, "abandon");
      if (!pbxes.isEmpty()) {
        // Answered, and abandoned by this decision: the attempt's row must say so, whoever closes it.
        pbxes.get(0).tracker().answeredUnfollowed(attemptId);
      }
      return;
    }
    pbx.tracker().markAnswered(attempt, session.channel());
    long agiMicros = Duration.between(attempt.answeredAt(), clock.instant()).toNanos() / 1000;
    String epoch = session.args().size() > 1 ? session.args().get(1) : "";
    // A call this node adopted when it took the PBX over (dialled under the previous owner's grant, its answer come
    // here on the dialplan's second try): this node is the owner deciding, so the old epoch does not fence it.
    if (epoch.isBlank() || (attempt.epoch == 0 && attempt.sentOnConnection == 0 && pbx.tracker().owned())) {
      proceed(session, pbx, attempt, agiMicros, 0);
      return;
    }
    // Dialled in the name of a PBX lease's grant (HF_EPOCH): the call goes on only if the database still knows that
    // grant as the PBX's current one. A node frozen between writing the attempt and sending the Originate, then
    // resumed after another node took the PBX, gets no customer joined to an agent: the call ends with the
    // safe-harbor message, as the regulators want of an answered call no agent takes.
    Pbx p = pbx;
    Attempt a = attempt;
    long asked = System.nanoTime();
    io.vertx.core.Future<Boolean> current = p.tracker().grantStillCurrent(a, epoch);
    if (current.isComplete()) {
      // decided here, without the database (CallTracker's confirmation after the Originate): no turn of the context
      fenceDecided(session, p, a, epoch, current.result(), agiMicros, 0);
      return;
    }
    current.onComplete(ar -> p.tracker().onContext(() -> fenceDecided(session, p, a, epoch, ar.result(), agiMicros,
        (System.nanoTime() - asked) / 1000)));
  }

  private void fenceDecided(AgiSession session, Pbx p, Attempt a, String epoch, boolean current, long agiMicros,
                            long fenceMicros) {
    if (session.hungUp()) {
      session.close();
      return;
    }
    if (current) {
      proceed(session, p, a, agiMicros, fenceMicros);
      return;
    }
    p.tracker().markFenced(a, epoch);
    abandon(new Waiting(session, a, p));
  }

  private void proceed(AgiSession session, Pbx pbx, Attempt attempt, long agiMicros, long fenceMicros) {
    Waiting w = new Waiting(session, attempt, pbx);
    w.agiMicros = agiMicros;
    w.fenceMicros = fenceMicros;
    session.onHangup(v -> {
      if (waiting.remove(w) && w.timer >= 0) {
        vertx.cancelTimer(w.timer);
      }
    });
    if (!assign(w)) {
      // The 2 s run from the person's greeting: after answering-machine detection, i.e. now, when the dialplan
      // hands the call to us. Without AMD that is a few milliseconds after the answer.
      long left = SAFE_HARBOR_AFTER.toMillis();
      w.timer = vertx.setTimer(left, t -> {
        if (waiting.remove(w)) {
          abandon(w);
        }
      });
      waiting.add(w);
    }
  }

  /** Answered customers of this campaign still waiting for an agent (the pacer's "answered, waiting"). */
  public int waiting(Long campaignId) {
    int n = 0;
    for (Waiting w : waiting) {
      if (campaignId == null || campaignId.equals(w.attempt.request().campaignId())) {
        n++;
      }
    }
    return n;
  }

  /**
   * An agent became ready: of the calls waiting on that PBX for a campaign the agent serves, the one of the
   * highest-priority campaign takes them, the one waiting longest among equals.
   */
  private void offerWaiting(Pbx p, AgentLines.Line line) {
    List<Waiting> here = new java.util.ArrayList<>();
    List<Long> campaigns = new java.util.ArrayList<>();
    for (Waiting w : waiting) {
      if (w.pbx == p) {
        here.add(w);
        campaigns.add(w.attempt.request().campaignId());
      }
    }
    int next = nextFor(line, campaigns, campaignPriority);
    if (next < 0) {
      return;
    }
    Waiting w = here.get(next);
    waiting.remove(w);
    if (w.timer >= 0) {
      vertx.cancelTimer(w.timer);
    }
    if (!w.session.hungUp() && !assign(w)) {
      waiting.addFirst(w);
    }
  }

  /**
   * Which waiting customer an agent who comes free takes: of those of a campaign the agent serves (given by campaign,
   * in the order they began to wait), the first of the highest-priority campaign (1 highest); -1 when none.
   */
  static int nextFor(AgentLines.Line line, List<Long> waitingCampaigns,
                     java.util.function.ToIntFunction<Long> priority) {
    int best = -1;
    int bestPriority = Integer.MAX_VALUE;
    for (int i = 0; i < waitingCampaigns.size(); i++) {
      Long c = waitingCampaigns.get(i);
      if (!line.serves(c)) {
        continue;
      }
      int pr = c == null ? EQUAL_PRIORITY : priority.applyAsInt(c);
      if (pr < bestPriority) {
        best = i;
        bestPriority = pr;
      }
    }
    return best;
  }

  private boolean assign(Waiting w) {
    AgentLines.Line line = w.pbx.lines().claim(w.attempt.id(), w.attempt.request().campaignId(),
        preferredAgent.apply(w.attempt), currentCampaigns.get());
    if (line == null) {
      return false;
    }
    Attempt a = w.attempt;
    CallTracker tracker = w.pbx.tracker();
    tracker.markBridged(a, line.agentId(), line.channel());
    // The screen goes out with the Bridge, so it is on the agent's page before they say hello.
    long bridgedAtMicros = epochMicros();
    if (screenListeners.isEmpty()) {
      Push.toUser(vertx.eventBus(), line.agentId(),
          new JsonObject().put("type", "call.connected").put("attemptId", a.id())
              .put("campaignId", a.request().campaignId()).put("taskId", a.request().taskId())
              .put("customerId", a.request().customerId())
              // Wall-clock microseconds of the Bridge: clients on the same host measure bridge-to-screen from it.
              .put("bridgedAtMicros", bridgedAtMicros));
    }
    for (ScreenListener l : screenListeners) {
      l.connected(w.pbx, line, a, bridgedAtMicros);
    }
    AmiMessage bridge = AmiMessage.action("Bridge").add("Channel1", a.channel()).add("Channel2", line.channel())
        .add("Tone", "no");
    long micros = Duration.between(a.answeredAt(), clock.instant()).toNanos() / 1000;
    answerToBridge.record(micros);
    tracker.ami().send(bridge).onComplete(ar -> {
      if (ar.succeeded() && "Success".equalsIgnoreCase(ar.result().get("Response"))) {
        w.pbx.lines().onCall(line);
        bridged++;
        log.atInfo().setMessage("customer bridged to agent").addKeyValue("attempt", a.id())
            .addKeyValue("agent", line.agentId()).addKeyValue("answerToBridgeMicros", micros)
            .addKeyValue("agiMicros", w.agiMicros).addKeyValue("fenceCheckMicros", w.fenceMicros).log();
      } else if (ar.failed() && tracker.ami().state() != io.huifang.pbx.ami.AmiClient.State.CONNECTED) {
        // The connection dropped before the PBX answered: whether the two are talking is not known. The call stays
        // with the agent; the resync after the reconnect keeps it (still up) or ends it as cut by the PBX loss, and
        // the agent keeps the screen either way rather than lose a customer they may have greeted.
        log.atWarn().setMessage("bridge answer lost with the PBX connection").addKeyValue("attempt", a.id())
            .addKeyValue("agent", line.agentId()).addKeyValue("reason", ar.cause().getMessage()).log();
      } else {
        String why = ar.succeeded() ? ar.result().get("Message", "") : ar.cause().getMessage();
        log.atWarn().setMessage("bridge failed").addKeyValue("attempt", a.id()).addKeyValue("agent", line.agentId())
            .addKeyValue("reason", why).log();
        w.pbx.lines().release(line);
        if (onCall.remove(a.id()) != null) {
          for (ScreenListener l : screenListeners) {
            l.bridgeFailed(w.pbx, line, a); // the desk withdraws the screen: the agent never had the customer
          }
        }
      }
    });
    onCall.put(a.id(), line);
    decide(w.session, "bridge");
    return true;
  }

  public static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private void abandon(Waiting w) {
    abandoned++;
    w.pbx.tracker().markAbandoned(w.attempt);
    log.atWarn().setMessage("no agent within 2 s: safe-harbor").addKeyValue("attempt", w.attempt.id()).log();
    decide(w.session, "abandon");
  }

  private static void decide(AgiSession session, String decision) {
    if (session.hungUp()) {
      session.close();
      return;
    }
    session.setVariable("HF_DECISION", decision).onComplete(ar -> session.close());
  }
}
