package io.huifang.dialer;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.campaign.schedule.DueTask;
import io.huifang.campaign.schedule.Outcome;
import io.huifang.campaign.schedule.Scheduler;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.PoolPlanner;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.AttemptOutcome;
import io.huifang.telephony.AttemptStore;
import io.huifang.telephony.CallEvent;
import io.huifang.telephony.CallTracker;
import io.huifang.telephony.Telephony;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dialer: for every active campaign in progressive or predictive mode and every PBX, asks the campaign's
 * pacer on that PBX how many numbers to dial now for that PBX's agents, takes that many due tasks from the scheduler
 * and originates them there; reports every attempt's end back to the scheduler (retries, DNC) and the pacer (what it
 * learns from). Decisions are taken on every answer, agent-free and attempt end, and on a 1 s tick. Runs on the
 * telephony context, beside the trackers and the agents' lines it reads. Which campaigns run is
 * {@link CampaignReload}'s; one campaign on every PBX is a {@link CampaignRun}; the supervisors' view is
 * {@link DialerStatus}.
 */
public final class DialerService {
  private static final Logger log = LoggerFactory.getLogger(DialerService.class);
  static final long TICK_MS = 1000;
  static final long CAMPAIGN_RELOAD_MS = 10_000;
  static final Duration RING_TIMEOUT = Duration.ofSeconds(25);
  /**
   * A customer reached before a restart is not dialled again while their agent finishes the draft the restart left
   * (as the desk holds a task while the agent writes a call up).
   */
  static final Duration DISPOSITION_HOLD = Duration.ofHours(12);

  /** An agent's wrap-up after a call dialled by this run, since {@code at}. */
  private record WrapUp(PbxRun run, long at) {
  }

  private final Vertx vertx;
  private final Telephony telephony;
  private final Scheduler scheduler;
  private final AttemptStore attempts;
  private final String dialTemplate;
  private final Clock clock;
  private final double originatesPerSecond;
  /** Each PBX's originate throttle, shared by the campaigns dialling through it. */
  private final Map<String, OriginateThrottle> throttles = new HashMap<>();
  private final CampaignReload reload;
  private final Map<String, PbxRun> byAttempt = new HashMap<>();
  /** Callbacks an agent booked for themself: that agent takes the customer if free. */
  private final Map<String, Long> bookedBy = new HashMap<>();
  private final Map<Long, WrapUp> wrappingUp = new HashMap<>();
  /**
   * Per campaign, the ends of attempts this dialer did not dial (closed or adopted at a take-over or a restart) whose
   * writing to their tasks has not completed: the campaign asks the scheduler for no task meanwhile. Otherwise a task
   * whose lease ran out during a slow restart was handed out again with its old end still on its way, and dialled
   * before its retry rule allowed (ServerCrashIT, once ready agents came back ready at the take-over).
   */
  private final Map<Long, Integer> endsBeingWritten = new HashMap<>();
  /** Decides for the campaigns sharing a PBX's agents together. */
  private final PoolPlanner planner = new PoolPlanner();
  private long tickTimer = -1;
  private long reloadTimer = -1;
  private long leaseTimer = -1;

  public DialerService(Vertx vertx, Telephony telephony, CampaignStore campaigns, Scheduler scheduler,
                       AttemptStore attempts, String dialTemplate, double originatesPerSecond, Clock clock) {
    this.vertx = vertx;
    this.telephony = telephony;
    this.scheduler = scheduler;
    this.attempts = attempts;
    this.dialTemplate = dialTemplate;
    this.clock = clock;
    this.originatesPerSecond = originatesPerSecond;
    this.reload = new CampaignReload(telephony.telephonyContext(), campaigns, attempts, clock, this::newRun);
  }

  private volatile java.util.function.BooleanSupplier mayDial = () -> true;

  /**
   * Dials only while {@code ok} says so (the wiring: the database answers and its write journal is empty). The
   * database refuses a lease and an attempt's row while it is away anyway; this keeps the dialer from asking, and from
   * dialling before the outcomes kept meanwhile are written.
   */
  public void dialOnlyWhen(java.util.function.BooleanSupplier ok) {
    this.mayDial = ok;
  }

  /** Starts dialling on every connected PBX; call after telephony has connected them. */
  public void start() {
    telephony.telephonyContext().runOnContext(v -> {
      List<AnsweredCalls.Pbx> pbxes = telephony.all();
      if (pbxes.isEmpty()) {
        return;
      }
      pbxes.forEach(this::follow);
      telephony.answered().preferredAgent(a -> bookedBy.get(a.id()));
      telephony.answered().campaignPriority(this::priorityOf);
      telephony.answered().currentCampaigns(this::campaignsRunning);
      // Before any dialling: the ends a crash cut off from their tasks reach them, so that none is dialled again
      // as if never tried.
      endsLostInACrash().onComplete(done -> telephony.telephonyContext().runOnContext(x -> {
        reload.reload();
        reloadTimer = vertx.setPeriodic(CAMPAIGN_RELOAD_MS, t -> reload.reload());
        tickTimer = vertx.setPeriodic(TICK_MS, t -> decideAll());
        leaseTimer = vertx.setPeriodic(leaseRenewalMillis(scheduler.lease()), t -> renewLeases());
      }));
    });
  }

  /** How far back a start looks for ends that did not reach their tasks. */
  static final Duration LOST_ENDS_WINDOW = Duration.ofDays(1);

  /**
   * An attempt's end is stored first and its task's outcome after it: a crash (kill -9, power loss) between the two
   * left the task leased but without the outcome, so it was dialled again once the lease ran out, with the same
   * attempt number. At start, every task's latest attempt of the last day that ended without its task's history
   * naming it gets its outcome now (the scheduler applies an attempt's outcome once, however often it is sent);
   * one that reached an agent holds the task for the agent's disposition.
   */
  private Future<Void> endsLostInACrash() {
    Instant now = clock.instant();
    return attempts.latestEndedPerTask(now.minus(LOST_ENDS_WINDOW)).compose(ended -> {
      java.util.Map<String, JsonObject> byId = new java.util.HashMap<>();
      java.util.Map<String, Long> tasks = new java.util.HashMap<>();
      for (JsonObject a : ended) {
        byId.put(a.getString("id"), a);
        tasks.put(a.getString("id"), a.getLong("task_id"));
      }
      return scheduler.notInHistory(tasks).compose(lost -> {
        List<Future<?>> applied = new java.util.ArrayList<>();
        for (String id : lost) {
          applied.add(applyLostEnd(byId.get(id), now));
        }
        if (!lost.isEmpty()) {
          log.atWarn().setMessage("attempt ends a crash kept from their tasks applied at start")
              .addKeyValue("attempts", lost.size()).log();
        }
        return Future.join(applied).<Void>mapEmpty();
      });
    }).onFailure(e -> log.atWarn().setMessage("ends lost in a crash not checked").addKeyValue("error", e.getMessage())
        .log()).recover(e -> Future.succeededFuture());
  }

  private Future<?> applyLostEnd(JsonObject a, Instant now) {
    long taskId = a.getLong("task_id");
    AttemptOutcome outcome = AttemptOutcome.valueOf(a.getString("outcome").toUpperCase(java.util.Locale.ROOT));
    Outcome o = outcomeForScheduler(outcome, a.getLong("agent_id") != null);
    Instant dialledAt = java.time.OffsetDateTime.parse(a.getString("originated_at")).toInstant();
    if (o == null) {
      return scheduler.holdForDisposition(taskId, dialledAt, now.plus(DISPOSITION_HOLD));
    }
    Instant endedAt = a.getString("ended_at") == null ? now
        : java.time.OffsetDateTime.parse(a.getString("ended_at")).toInstant();
    return scheduler.recordOutcome(taskId, a.getString("id"), o, endedAt)
        .onFailure(e -> log.atWarn().setMessage("outcome not recorded").addKeyValue("attempt", a.getString("id"))
            .addKeyValue("task", taskId).addKeyValue("error", e.getMessage()).log());
  }

  /** Three renewals in every lease: one lost write (a slow or busy database) does not let a lease run out. */
  static long leaseRenewalMillis(Duration lease) {
    return Math.max(500, lease.toMillis() / 3);
  }

  /**
   * The tasks whose calls are up on any PBX, those dialled here and those adopted after a restart, keep their leases:
   * a call may last far longer than the lease, and the scheduler must not hand its task out meanwhile.
   */
  private void renewLeases() {
    java.util.Set<Long> live = new java.util.HashSet<>();
    for (AnsweredCalls.Pbx pbx : telephony.all()) {
      live.addAll(pbx.tracker().liveTaskIds());
    }
    if (live.isEmpty()) {
      return;
    }
    scheduler.renewLeases(live, clock.instant())
        .onFailure(e -> log.atWarn().setMessage("leases of live calls not renewed").addKeyValue("tasks", live.size())
            .addKeyValue("error", e.getMessage()).log());
  }

  /** Hears of one PBX's answers, ends and agents, and gives it an originate throttle of its own. */
  private void follow(AnsweredCalls.Pbx pbx) {
    throttles.put(pbx.name(), new OriginateThrottle(originatesPerSecond));
    // With the ends of calls from before a restart that the first resync closed before this subscription: every
    // attempt's end reaches its task.
    pbx.tracker().subscribeWithAdoptedEnds(e -> {
      if (e instanceof CallEvent.Answered answered) {
        onAnswered(answered.attempt());
      } else if (e instanceof CallEvent.Ended ended) {
        onEnded(ended.attempt());
      } else if (e instanceof CallEvent.TakenOver taken) {
        tookOver(pbx, taken.epoch());
      }
    });
    pbx.lines().onReady(line -> decideOn(pbx));
    pbx.lines().onState(this::lineChanged);
  }

  /**
   * This node took a PBX over from another (issue 22): that node's answers and abandons of the rolling hour are in
   * the database, not in this node's figures, which hold only what was read at this node's start and what it dialled
   * itself. Every campaign's run starts again, each once its history is read back (as at start), so the pacers
   * plan with the whole campaign's hour and nothing is dialled before. Calls under way end through the runs that
   * dialled them.
   */
  private void tookOver(AnsweredCalls.Pbx pbx, long epoch) {
    log.atInfo().setMessage("PBX taken over: campaigns' abandonment history read back before dialling")
        .addKeyValue("pbx", pbx.name()).addKeyValue("epoch", epoch).log();
    reload.restart();
  }

  /** The campaign's run on every PBX, all of them counting into the campaign's one set of abandon figures. */
  private CampaignRun newRun(Campaign campaign, boolean historyRestored, long now) {
    CampaignRun r = new CampaignRun(campaign, historyRestored, now);
    for (AnsweredCalls.Pbx pbx : telephony.all()) {
      r.addPbx(pbx, throttles.get(pbx.name()), now);
    }
    return r;
  }

  public void stop() {
    telephony.telephonyContext().runOnContext(v -> {
      vertx.cancelTimer(tickTimer);
      vertx.cancelTimer(reloadTimer);
      vertx.cancelTimer(leaseTimer);
      reload.clear();
    });
  }

  /** What the dialer is doing, per campaign and per PBX (for supervisors); read on the telephony context. */
  public Future<JsonObject> status() {
    Promise<JsonObject> p = Promise.promise();
    telephony.telephonyContext().runOnContext(v -> p.complete(DialerStatus.of(inPriorityOrder(reload.runs()),
        telephony.all(), clock.millis())));
    return p.future();
  }

  /**
   * What the dialer does now, for the supervisors' live board. Call on the telephony context (the board reads the
   * agents' lines in the same hop).
   */
  public DialerStatus.Live liveNow() {
    return DialerStatus.live(reload.runs(), telephony.all(), clock.millis());
  }

  /**
   * Reads the campaigns now rather than at the next reload: a supervisor's pause stops new dials as soon as this
   * completes (calls already up finish), a resume dials again.
   */
  public Future<Void> reloadNow() {
    Promise<Void> p = Promise.promise();
    telephony.telephonyContext().runOnContext(v -> reload.reload().onComplete(p));
    return p.future();
  }

  /** The campaign's current run, or null; call on the telephony context (tests look at its pacers). */
  CampaignRun runOf(long campaignId) {
    return reload.current(campaignId);
  }

  /** The customer's number in a dial string this dialer made (the template's {number}), or null. */
  public String customerNumber(String dialString) {
    int at = dialTemplate.indexOf("{number}");
    if (dialString == null || at < 0) {
      return null;
    }
    String before = dialTemplate.substring(0, at);
    String after = dialTemplate.substring(at + "{number}".length());
    if (!dialString.startsWith(before) || !dialString.endsWith(after)
        || dialString.length() < before.length() + after.length()) {
      return null;
    }
    return dialString.substring(before.length(), dialString.length() - after.length());
  }

  // ---- deciding and dialling ---------------------------------------------------------------------------------

  private void decideAll() {
    telephony.all().forEach(this::decideOn);
  }

  /**
   * Something changed for the run (an answer, an end, an agent free): its PBX's campaigns decide again, together,
   * since the campaigns sharing agents there plan over the same agents.
   */
  private void decide(PbxRun r) {
    decideOn(r.pbx);
  }

  /**
   * An agent of this PBX became ready, or the tick: the PBX's current campaigns decide. Those sharing agents decide
   * together through the {@link PoolPlanner} (each keeping its own pacer, abandon figures and target; the group's
   * lines handed out to the campaign with the fewest in flight, the higher priority on a tie), so that two campaigns
   * never both count the same free agent and a lower priority is still dialled.
   */
  private void decideOn(AnsweredCalls.Pbx pbx) {
    if (!mayDial.getAsBoolean()) {
      return;
    }
    // a call of a campaign paused meanwhile still ends through the run it was dialled by: that run dials no more
    List<PbxRun> runs = new java.util.ArrayList<>();
    for (CampaignRun c : inPriorityOrder(reload.runs())) {
      PbxRun r = c.on(pbx.name());
      if (r != null && r.pbxConnected()) {
        runs.add(r);
      }
    }
    long now = clock.millis();
    for (List<PbxRun> shared : LivePoolView.sharingAgents(pbx.lines().lines(), runs)) {
      int[] lines = planner.linesToDial(new LivePoolView(pbx.lines().lines(), shared, now), pacersOf(shared), now);
      for (int i = 0; i < lines.length; i++) {
        dueTasksFor(shared.get(i), lines[i], now);
        cutRinging(shared.get(i), now);
      }
    }
  }

  private static List<CampaignPacer> pacersOf(List<PbxRun> runs) {
    List<CampaignPacer> out = new java.util.ArrayList<>();
    for (PbxRun r : runs) {
      out.add(r.pacer);
    }
    return out;
  }

  /** The campaigns by their priority (1 first), the older campaign first among equals. */
  static List<CampaignRun> inPriorityOrder(List<CampaignRun> runs) {
    List<CampaignRun> out = new java.util.ArrayList<>(runs);
    out.sort(java.util.Comparator.<CampaignRun>comparingInt(r -> r.campaign.priority()).thenComparingLong(
        CampaignRun::id));
    return out;
  }

  /** A running campaign's priority, for the answered calls' routing; campaigns not dialled rank in the middle. */
  private int priorityOf(Long campaignId) {
    for (CampaignRun r : reload.runs()) {
      if (campaignId != null && r.id() == campaignId) {
        return r.campaign.priority();
      }
    }
    return AnsweredCalls.EQUAL_PRIORITY;
  }

  /** The campaigns running now, for the answered calls' routing (who serves the fewest of them takes a call). */
  private java.util.Set<Long> campaignsRunning() {
    java.util.Set<Long> out = new java.util.HashSet<>();
    for (CampaignRun r : reload.runs()) {
      out.add(r.id());
    }
    return out;
  }

  /** Asks the scheduler for the {@code n} due tasks the run's pacer decided to dial now, and dials them. */
  private void dueTasksFor(PbxRun r, int n, long now) {
    if (n <= 0 || endsBeingWritten.containsKey(r.campaignId())) {
      return; // (the next tick decides again)
    }
    r.requesting += n;
    scheduler.nextDue(r.campaignId(), Instant.ofEpochMilli(now), n)
        .onComplete(ar -> telephony.telephonyContext().runOnContext(v -> dueTasks(r, n, ar)));
  }

  /**
   * Ring cut (a campaign option): after the decision, with the lines just asked for counted as ringing (as the
   * simulator does), the pacer names lines that have rung 15 s or more whose answer would likely find no agent; those
   * the dialer may end are hung up. A cut line leaves the ringing lines at once; its end is not reported to the pacer
   * as an outcome (it says nothing of whether the customer would answer).
   */
  private void cutRinging(PbxRun r, long now) {
    if (!r.campaignRun.campaign.ringCut() || r.ringing.isEmpty()) {
      return;
    }
    LiveView view = new LiveView(r, now);
    for (int line : r.pacer.ringingToEnd(view, now)) {
      String id = view.ringingAttempt(line);
      if (id != null && r.mayCut.contains(id) && r.ringing.containsKey(id)) {
        cut(r, id);
      }
    }
  }

  /** Hangs the ringing line up; if the tracker will not (answered meanwhile, gone), it stays a ringing line. */
  private void cut(PbxRun r, String attemptId) {
    Long dialledAt = r.ringing.remove(attemptId);
    r.cutting.put(attemptId, dialledAt);
    r.pbx.tracker().cutRinging(attemptId).onComplete(sent -> telephony.telephonyContext().runOnContext(v -> {
      if ((sent.failed() || !sent.result()) && r.cutting.remove(attemptId) != null && byAttempt.get(attemptId) == r) {
        r.ringing.put(attemptId, dialledAt);
      }
    }));
  }

  private void dueTasks(PbxRun r, int asked, AsyncResult<List<DueTask>> ar) {
    r.requesting -= asked;
    if (ar.succeeded() && !ar.result().isEmpty() && !reload.isCurrent(r.campaignRun)) {
      // Paused (or switched off) while the scheduler answered: nothing more is dialled; the leases run out.
      log.atInfo().setMessage("due tasks not dialled: the campaign stopped meanwhile").addKeyValue("campaign",
          r.campaignId()).addKeyValue("tasks", ar.result().size()).log();
      return;
    }
    if (ar.failed()) {
      log.atWarn().setMessage("no due tasks").addKeyValue("campaign", r.campaignId()).addKeyValue("pbx", r.pbx.name())
          .addKeyValue("error", ar.cause().getMessage()).log();
      return;
    }
    for (DueTask t : ar.result()) {
      dial(dialledBy(r, t), t);
    }
  }

  /**
   * The run that dials the task: a callback an agent booked for themself goes out on the PBX where that agent's line
   * is, so that they can take it; any other task on the PBX whose pacer asked for it.
   */
  private PbxRun dialledBy(PbxRun asked, DueTask t) {
    if (!t.callback() || t.callbackAgentId() == null) {
      return asked;
    }
    AnsweredCalls.Pbx agentsPbx = telephony.pbxOfAgent(t.callbackAgentId());
    PbxRun there = agentsPbx == null ? null : asked.campaignRun.on(agentsPbx.name());
    return there != null && there.pbxConnected() ? there : asked;
  }

  private void dial(PbxRun r, DueTask t) {
    String attemptId = "t" + t.taskId() + "-" + t.attempt() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    String dialString = dialTemplate.replace("{number}", t.phone());
    CallTracker.OriginateRequest req = new CallTracker.OriginateRequest(attemptId, t.campaignId(), t.taskId(),
        t.customerId(), dialString, "huifang-answered", "s", r.campaignRun.campaign.callerId(), RING_TIMEOUT,
        r.campaignRun.campaign.amd(),
        Map.of());
    r.ringing.put(attemptId, clock.millis());
    if (t.mayRingCut()) {
      r.mayCut.add(attemptId);
    }
    byAttempt.put(attemptId, r);
    if (t.callback() && t.callbackAgentId() != null) {
      bookedBy.put(attemptId, t.callbackAgentId());
    }
    r.dialled++;
    r.pbx.tracker().originate(req).onFailure(e -> notDialled(r, attemptId, e));
  }

  /**
   * The attempt's row was refused, so no call went out: most often the task's lease ran out while its customer was
   * still on the line, and the database keeps the second call from happening. The run forgets it.
   */
  private void notDialled(PbxRun r, String attemptId, Throwable e) {
    r.ringing.remove(attemptId);
    r.mayCut.remove(attemptId);
    byAttempt.remove(attemptId);
    bookedBy.remove(attemptId);
    r.dialled--;
    log.atInfo().setMessage("task not dialled").addKeyValue("attempt", attemptId).addKeyValue("pbx", r.pbx.name())
        .addKeyValue("fenced", e instanceof CallTracker.NotDialled nd && nd.fenced())
        .addKeyValue("reason", e.getMessage()).log();
  }

  // ---- what the PBXes tell -----------------------------------------------------------------------------------

  private void onAnswered(Attempt a) {
    PbxRun r = byAttempt.get(a.id());
    if (r == null || !reload.isCurrent(r.campaignRun)) {
      heardOutsideRun(a, a.answeredAt(), 1, 0);
    }
    if (r == null) {
      return;
    }
    Long started = r.ringing.remove(a.id());
    if (started == null) {
      started = r.cutting.remove(a.id()); // answered in the race with its ring cut: an answered call
    }
    r.mayCut.remove(a.id());
    r.answered.add(a.id());
    long now = clock.millis();
    r.pacer.onOriginateResult(AttemptOutcome.ANSWERED_HUMAN, started == null ? 0 : now - started, now);
    decide(r);
  }

  private void onEnded(Attempt a) {
    bookedBy.remove(a.id());
    PbxRun r = byAttempt.remove(a.id());
    if (a.outcome() == AttemptOutcome.ABANDONED && (r == null || !reload.isCurrent(r.campaignRun))) {
      heardOutsideRun(a, a.endedAt(), 0, 1);
    }
    if (r == null) {
      notDialledHere(a);
      return;
    }
    long now = clock.millis();
    Long started = r.ringing.remove(a.id());
    r.answered.remove(a.id());
    r.mayCut.remove(a.id());
    if (r.cutting.remove(a.id()) != null || a.outcome() == AttemptOutcome.RING_CUT) {
      ringCutEnded(r, a, now);
    } else if (started != null) {
      // Never answered: the ring ended this attempt.
      r.pacer.onOriginateResult(a.outcome(), now - started, now);
    }
    teachPacer(r, a, now);
    recordOutcome(a, now);
    if (a.cutByPbxLoss() && outcomeForScheduler(a) == null) {
      // The PBX went away under a customer talking to an agent: the task waits for the agent's disposition from
      // the screen the desk keeps, even if the desk could not hold it itself (no screen had loaded yet).
      holdForDisposition(a, now);
    }
    decide(r);
  }

  /**
   * A line hung up by ring cut ended. Unanswered, it is counted for supervisors and not reported to the pacer (the
   * simulator does the same): the customer was not given the full ring, so it says nothing of the answer rate. One
   * that answered first is an answered call and was reported at its answer.
   */
  private void ringCutEnded(PbxRun r, Attempt a, long now) {
    if (a.outcome() == AttemptOutcome.RING_CUT) {
      r.campaignRun.ringCutEnded(now);
    }
  }

  /** An abandon counts for the whole campaign (the figures are shared); a connected call teaches talk times. */
  private void teachPacer(PbxRun r, Attempt a, long now) {
    JsonObject s = a.snapshot();
    if (a.outcome() == AttemptOutcome.ABANDONED) {
      r.pacer.onAbandoned(now);
    } else if (a.agentId() != null && s.getString("bridgedAt") != null) {
      long answered = Instant.parse(s.getString("answeredAt")).toEpochMilli();
      long bridged = Instant.parse(s.getString("bridgedAt")).toEpochMilli();
      r.pacer.onConnected(bridged - answered, now);
      r.pacer.onHangup(now - bridged, now);
      // The agent wraps up now; the pacer hears of them again when the wrap-up ends (lineChanged).
      wrappingUp.put(a.agentId(), new WrapUp(r, now));
    }
  }

  /**
   * An answer or abandon no current run counts as it happens (an adopted call, or one of a run a restart dropped):
   * into the campaign's current figures, as the history read back at the start would have had it
   * ({@link CampaignReload#heard}).
   */
  private void heardOutsideRun(Attempt a, Instant at, long answers, long abandons) {
    Long campaignId = a.request().campaignId();
    if (campaignId != null && at != null) {
      reload.heard(campaignId, at.toEpochMilli(), answers, abandons);
    }
  }

  /**
   * An attempt this dialer did not dial ended: one from before a restart, adopted or closed by the resync. No pacer
   * learns from it, but its task must hear of it like of any other end: a customer not reached is retried by the
   * retry rules (counted, in another part of the day), and one who reached an agent waits for the agent's
   * disposition, from the draft the restart left, instead of being dialled again when the lease runs out.
   */
  private void notDialledHere(Attempt a) {
    Long taskId = a.request().taskId();
    if (taskId == null) {
      return;
    }
    long now = clock.millis();
    Future<?> written = outcomeForScheduler(a) != null ? recordOutcome(a, now) : holdForDisposition(a, now);
    Long campaignId = a.request().campaignId();
    if (campaignId != null && !written.isComplete()) {
      endsBeingWritten.merge(campaignId, 1, Integer::sum);
      written.onComplete(x -> telephony.telephonyContext().runOnContext(v ->
          endsBeingWritten.computeIfPresent(campaignId, (k, left) -> left <= 1 ? null : left - 1)));
    }
  }

  /** A reached customer's task waits for the agent's disposition (unless one came in since the dial). */
  private Future<?> holdForDisposition(Attempt a, long now) {
    Long taskId = a.request().taskId();
    if (taskId == null) {
      return Future.succeededFuture();
    }
    Instant dialledAt = Instant.parse(a.snapshot().getString("originatedAt"));
    return scheduler.keepHold(taskId, dialledAt, Instant.ofEpochMilli(now).plus(DISPOSITION_HOLD))
        .onFailure(e -> log.atWarn().setMessage("task not held for the disposition").addKeyValue("attempt", a.id())
            .addKeyValue("task", taskId).addKeyValue("error", e.getMessage()).log());
  }

  private Future<?> recordOutcome(Attempt a, long now) {
    Long taskId = a.request().taskId();
    Outcome outcome = outcomeForScheduler(a);
    if (taskId == null || outcome == null) {
      return Future.succeededFuture();
    }
    return scheduler.keepOutcome(taskId, a.id(), outcome, Instant.ofEpochMilli(now))
        .onFailure(e -> log.atWarn().setMessage("outcome not recorded").addKeyValue("attempt", a.id())
            .addKeyValue("task", taskId).addKeyValue("error", e.getMessage()).log());
  }

  /** An agent left wrap-up (ready, paused, logged out): the pacer learns the wrap-up time. */
  private void lineChanged(AgentLines.Line line) {
    if (line.state() == AgentLines.LineState.WRAP_UP) {
      return;
    }
    WrapUp w = wrappingUp.remove(line.agentId());
    if (w != null && reload.isCurrent(w.run().campaignRun)) {
      long now = clock.millis();
      w.run().pacer.onAgentFree(now - w.at(), now);
      decide(w.run());
    }
  }

  /**
   * What the scheduler does next with the task; null when the agent desk decides it. A customer joined to an agent
   * is reached: the agent's disposition (success, error sample, callback…) drives the task, and until then the desk
   * holds it so that nobody is called twice.
   */
  static Outcome outcomeForScheduler(Attempt a) {
    return outcomeForScheduler(a.outcome(), a.agentId() != null);
  }

  /** As {@link #outcomeForScheduler(Attempt)}, from the attempt's outcome and whether an agent took the call. */
  static Outcome outcomeForScheduler(AttemptOutcome outcome, boolean withAgent) {
    if (outcome == AttemptOutcome.ANSWERED_HUMAN && withAgent) {
      return null;
    }
    return Outcome.of(switch (outcome) {
      case ANSWERED_HUMAN -> Outcome.Kind.ABANDONED;
      case ANSWERED_MACHINE -> Outcome.Kind.MACHINE;
      case ABANDONED -> Outcome.Kind.ABANDONED;
      case NO_ANSWER -> Outcome.Kind.NO_ANSWER;
      case BUSY -> Outcome.Kind.BUSY;
      case CONGESTION, FAILED -> Outcome.Kind.CONGESTION;
      case INVALID_NUMBER -> Outcome.Kind.INVALID_NUMBER;
      case RING_CUT -> Outcome.Kind.RING_CUT;
    });
  }
}
