package io.huifang.dialer;

import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.AttemptOutcome;
import io.huifang.telephony.AttemptStore;
import io.huifang.telephony.CallEvent;
import io.huifang.telephony.CallTracker;
import io.huifang.telephony.Telephony;
import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.DialMode;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.PacerView;
import io.huifang.dialer.pacing.PacingSettings;
import io.huifang.campaign.schedule.DueTask;
import io.huifang.campaign.schedule.Outcome;
import io.huifang.campaign.schedule.Scheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dialer: for every active campaign in progressive or predictive mode, asks the campaign's pacer how many
 * numbers to dial now, takes that many due tasks from the scheduler and originates them; reports every attempt's
 * end back to the scheduler (retries, DNC) and the pacer (what it learns from). Decisions are taken on every
 * answer, agent-free and attempt end, and on a 1 s tick. Runs on the telephony context, beside the trackers and
 * the agents' lines it reads.
 */
public final class DialerService {
  private static final Logger log = LoggerFactory.getLogger(DialerService.class);
  static final long TICK_MS = 1000;
  static final long CAMPAIGN_RELOAD_MS = 10_000;
  static final Duration RING_TIMEOUT = Duration.ofSeconds(25);
  /**
   * Answering-machine detection off: it costs the person who answers about 2 s of silence, and its false positives
   * count as abandons; Chinese mobile numbers rarely reach voicemail. (A per-campaign switch can come later.)
   */
  static final boolean AMD = false;

  /** One campaign being dialled on one PBX. */
  final class Run {
    final AnsweredCalls.Pbx pbx;
    Campaign campaign;
    final CampaignPacer pacer;
    /** Attempts dialled and not yet answered or ended, with when they were dialled. */
    final Map<String, Long> ringing = new LinkedHashMap<>();
    /**
     * Answered and not yet joined to an agent: between the answer and the AGI's claim of an agent a call is in
     * neither the ringing lines nor the AGI's waiting list, and must not be forgotten (or the pacer over-dials).
     */
    final java.util.Set<String> answered = new java.util.LinkedHashSet<>();
    /** Due tasks asked for and not yet originated. */
    int requesting;
    long dialled;
    /** The campaign's answers and abandons from before this Run were read back into its pacer's figures. */
    final boolean historyRestored;
    /** Until then the Run dials progressively: its rolling hour lacks the abandons from before it (history lost). */
    final long progressiveUntil;

    Run(AnsweredCalls.Pbx pbx, Campaign campaign, boolean historyRestored, long now) {
      this.pbx = pbx;
      this.campaign = campaign;
      this.historyRestored = historyRestored;
      this.progressiveUntil = historyRestored ? Long.MIN_VALUE : now + AbandonStats.HOUR;
      this.pacer = new CampaignPacer(DialerService.pacing(campaign, progressiveUntil, now), throttle);
    }

    /** What the pacer dials with now. */
    PacingSettings pacing(long now) {
      return DialerService.pacing(campaign, progressiveUntil, now);
    }
  }

  /** A campaign that became active (or is active at start-up), its history being read before its Run starts. */
  private static final class Starting {
    /** The latest of the campaign, as the reloads see it meanwhile. */
    Campaign campaign;

    Starting(Campaign campaign) {
      this.campaign = campaign;
    }
  }

  private final Vertx vertx;
  private final Telephony telephony;
  private final CampaignStore campaigns;
  private final Scheduler scheduler;
  private final AttemptStore attempts;
  private final String dialTemplate;
  private final Clock clock;
  private final OriginateThrottle throttle;
  private final Map<Long, Run> runs = new HashMap<>();
  /** Campaigns to dial whose Run waits for their history: never both here and in {@link #runs}. */
  private final Map<Long, Starting> starting = new HashMap<>();
  private final Map<String, Run> byAttempt = new HashMap<>();
  /** Callbacks an agent booked for themself: that agent takes the customer if free. */
  private final Map<String, Long> bookedBy = new HashMap<>();
  private long tickTimer = -1;
  private long reloadTimer = -1;

  public DialerService(Vertx vertx, Telephony telephony, CampaignStore campaigns, Scheduler scheduler,
                       AttemptStore attempts, String dialTemplate, double originatesPerSecond, Clock clock) {
    this.vertx = vertx;
    this.telephony = telephony;
    this.campaigns = campaigns;
    this.scheduler = scheduler;
    this.attempts = attempts;
    this.dialTemplate = dialTemplate;
    this.clock = clock;
    this.throttle = new OriginateThrottle(originatesPerSecond);
  }

  /** Starts dialling on the first PBX (several PBXes get one dialer each later). */
  public void start() {
    telephony.telephonyContext().runOnContext(v -> {
      if (telephony.all().isEmpty()) {
        return;
      }
      AnsweredCalls.Pbx pbx = telephony.all().get(0);
      pbx.tracker().subscribe(e -> {
        if (e instanceof CallEvent.Answered answered) {
          onAnswered(answered.attempt());
        } else if (e instanceof CallEvent.Ended ended) {
          onEnded(ended.attempt());
        }
      });
      pbx.lines().onReady(line -> decideAll());
      pbx.lines().onState(this::lineChanged);
      telephony.answered().preferredAgent(a -> bookedBy.get(a.id()));
      reload(pbx);
      reloadTimer = vertx.setPeriodic(CAMPAIGN_RELOAD_MS, t -> reload(pbx));
      tickTimer = vertx.setPeriodic(TICK_MS, t -> decideAll());
    });
  }

  public void stop() {
    telephony.telephonyContext().runOnContext(v -> {
      vertx.cancelTimer(tickTimer);
      vertx.cancelTimer(reloadTimer);
      runs.clear();
      starting.clear(); // a history read still under way finds itself forgotten and starts nothing
    });
  }

  /** What the dialer is doing, per campaign (for supervisors); read on the telephony context. */
  public io.vertx.core.Future<JsonArray> status() {
    io.vertx.core.Promise<JsonArray> p = io.vertx.core.Promise.promise();
    telephony.telephonyContext().runOnContext(v -> p.complete(statusNow()));
    return p.future();
  }

  private JsonArray statusNow() {
    JsonArray arr = new JsonArray();
    long now = clock.millis();
    for (Run r : new ArrayList<>(runs.values())) {
      AbandonStats.Figures f = r.pacer.abandonStats().figures(now);
      CampaignPacer.Plan plan = r.pacer.plan(now);
      arr.add(new JsonObject().put("campaignId", r.campaign.id()).put("mode", Campaign.id(r.campaign.dialMode()))
          .put("ringing", r.ringing.size()).put("dialled", r.dialled)
          .put("abandonRateHour", f.hour().rate())
          .put("abandonRate24h", f.day().rate())
          .put("abandonRate30d", f.month().rate())
          // the counts behind the hour's rate: how close the next abandon brings it to the target
          .put("liveAnsweredHour", f.hour().liveAnswered())
          .put("abandonedHour", f.hour().abandoned())
          .put("plannedAbandonRate", plan.plannedAbandonRate())
          .put("calibration", plan.calibration())
          // false: the figures count only since the campaign started dialling (its history could not be read)
          .put("abandonHistoryRestored", r.historyRestored));
    }
    return arr;
  }

  private void reload(AnsweredCalls.Pbx pbx) {
    campaigns.list().onSuccess(list -> telephony.telephonyContext().runOnContext(v -> {
      Map<Long, Campaign> wanted = new HashMap<>();
      for (Campaign c : list) {
        if (c.active() && c.dialMode() != Campaign.DialMode.PREVIEW) {
          wanted.put(c.id(), c);
        }
      }
      runs.keySet().removeIf(id -> !wanted.containsKey(id));
      starting.keySet().removeIf(id -> !wanted.containsKey(id));
      long now = clock.millis();
      for (Campaign c : wanted.values()) {
        Run r = runs.get(c.id());
        Starting s = starting.get(c.id());
        if (r != null) {
          r.campaign = c;
          r.pacer.settings(r.pacing(now)); // supervisors change mode and target while it runs
        } else if (s != null) {
          s.campaign = c;
        } else {
          start(pbx, c, now);
        }
      }
    })).onFailure(e -> log.atWarn().setMessage("campaigns not loaded").addKeyValue("error", e.getMessage()).log());
  }

  /**
   * Starts dialling a campaign once its abandonment history of the last 30 days is in its pacer's figures: they
   * are only in memory, and without it a restart or a pause would show supervisors wrong 24-hour and 30-day figures
   * and, worse, let the pacer spend the rolling hour's abandon budget a second time. The Run is created only when
   * the history is in, so no live event of the campaign can reach its figures first (a window's bucket is reset
   * when a later time reaches its slot: history must go in before live events, in time order).
   */
  private void start(AnsweredCalls.Pbx pbx, Campaign c, long asked) {
    Starting s = new Starting(c);
    starting.put(c.id(), s);
    attempts.abandonHistory(c.id(), Instant.ofEpochMilli(asked)).onComplete(ar -> telephony.telephonyContext()
        .runOnContext(v -> {
          if (starting.get(c.id()) != s) {
            return; // no longer active, or the dialer stopped: the next activation reads the history again
          }
          starting.remove(c.id());
          long now = clock.millis();
          Campaign latest = s.campaign;
          Run r;
          if (ar.succeeded()) {
            r = new Run(pbx, latest, true, now);
            long answers = 0;
            long abandons = 0;
            for (AttemptStore.AbandonBucket b : ar.result()) {
              r.pacer.abandonStats().restore(b.at(), b.liveAnswers(), b.abandons());
              answers += b.liveAnswers();
              abandons += b.abandons();
            }
            log.atInfo().setMessage("dialling campaign").addKeyValue("campaign", latest.id())
                .addKeyValue("mode", Campaign.id(latest.dialMode())).addKeyValue("liveAnswers30d", answers)
                .addKeyValue("abandons30d", abandons).log();
          } else {
            // Dialling goes on without the history, but not as if the last hour had no abandons: that could spend
            // the hour's budget twice and break the target regulators hold us to. Progressive dialling abandons
            // no one (a line per free agent), so the Run dials progressively until its own events fill a whole
            // rolling hour, then as the campaign says. Stopping instead would idle every agent for as long as the
            // read fails, for a figure the hour makes good by itself; and the due tasks come from the same
            // database, so a failing database stops the dialling anyway.
            r = new Run(pbx, latest, false, now);
            log.atWarn().setMessage("abandonment history not read; dialling progressively for an hour")
                .addKeyValue("campaign", latest.id()).addKeyValue("mode", Campaign.id(latest.dialMode()))
                .addKeyValue("error", String.valueOf(ar.cause().getMessage())).log();
          }
          runs.put(latest.id(), r);
        }));
  }

  /** The campaign's pacing, progressive before {@code progressiveUntil} (see {@link #start}). */
  static PacingSettings pacing(Campaign c, long progressiveUntil, long now) {
    PacingSettings s = settings(c);
    return now < progressiveUntil && s.mode() == DialMode.PREDICTIVE ? s.withMode(DialMode.PROGRESSIVE) : s;
  }

  static PacingSettings settings(Campaign c) {
    DialMode mode = c.dialMode() == Campaign.DialMode.PREDICTIVE ? DialMode.PREDICTIVE
        : c.dialMode() == Campaign.DialMode.PROGRESSIVE ? DialMode.PROGRESSIVE : DialMode.PREVIEW;
    return PacingSettings.defaults(mode).withTarget(c.abandonTarget().doubleValue() / 100.0);
  }

  private void decideAll() {
    for (Run r : new ArrayList<>(runs.values())) {
      decide(r);
    }
  }

  private void decide(Run r) {
    // a call of a campaign paused meanwhile still ends through the Run it was dialled by: that Run dials no more
    if (runs.get(r.campaign.id()) != r
        || r.pbx.tracker().ami().state() != io.huifang.pbx.ami.AmiClient.State.CONNECTED) {
      return;
    }
    long now = clock.millis();
    int n = r.pacer.linesToDial(new LiveView(r, now), now);
    if (n <= 0) {
      return;
    }
    r.requesting += n;
    Instant at = Instant.ofEpochMilli(now);
    scheduler.nextDue(r.campaign.id(), at, n).onComplete(ar -> telephony.telephonyContext().runOnContext(v -> {
      r.requesting -= n;
      if (ar.failed()) {
        log.atWarn().setMessage("no due tasks").addKeyValue("campaign", r.campaign.id())
            .addKeyValue("error", ar.cause().getMessage()).log();
        return;
      }
      for (DueTask t : ar.result()) {
        dial(r, t);
      }
    }));
  }

  private void dial(Run r, DueTask t) {
    String attemptId = "t" + t.taskId() + "-" + t.attempt() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    String dialString = dialTemplate.replace("{number}", t.phone());
    CallTracker.OriginateRequest req = new CallTracker.OriginateRequest(attemptId, t.campaignId(), t.taskId(),
        t.customerId(), dialString, "huifang-answered", "s", r.campaign.callerId(), RING_TIMEOUT, AMD, Map.of());
    r.ringing.put(attemptId, clock.millis());
    byAttempt.put(attemptId, r);
    if (t.callback() && t.callbackAgentId() != null) {
      bookedBy.put(attemptId, t.callbackAgentId());
    }
    r.dialled++;
    r.pbx.tracker().originate(req);
  }

  private void onAnswered(Attempt a) {
    Run r = byAttempt.get(a.id());
    if (r == null) {
      return;
    }
    Long started = r.ringing.remove(a.id());
    r.answered.add(a.id());
    long now = clock.millis();
    r.pacer.onOriginateResult(AttemptOutcome.ANSWERED_HUMAN, started == null ? 0 : now - started, now);
    decide(r);
  }

  private void onEnded(Attempt a) {
    bookedBy.remove(a.id());
    Run r = byAttempt.remove(a.id());
    if (r == null) {
      return;
    }
    long now = clock.millis();
    Long started = r.ringing.remove(a.id());
    r.answered.remove(a.id());
    JsonObject s = a.snapshot();
    if (started != null) {
      // Never answered: the ring ended this attempt.
      r.pacer.onOriginateResult(a.outcome(), now - started, now);
    }
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
    Long taskId = a.request().taskId();
    Outcome outcome = outcomeForScheduler(a);
    if (taskId != null && outcome != null) {
      scheduler.recordOutcome(taskId, outcome, Instant.ofEpochMilli(now))
          .onFailure(e -> log.atWarn().setMessage("outcome not recorded").addKeyValue("attempt", a.id())
              .addKeyValue("task", taskId).addKeyValue("error", e.getMessage()).log());
    }
    decide(r);
  }

  /** An agent's wrap-up after a call of this campaign, since {@code at}. */
  private record WrapUp(Run run, long at) {
  }

  private final Map<Long, WrapUp> wrappingUp = new HashMap<>();

  /** An agent left wrap-up (ready, paused, logged out): the pacer learns the wrap-up time. */
  private void lineChanged(AgentLines.Line line) {
    if (line.state() == AgentLines.LineState.WRAP_UP) {
      return;
    }
    WrapUp w = wrappingUp.remove(line.agentId());
    if (w != null && runs.get(w.run().campaign.id()) == w.run()) {
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
    if (a.outcome() == AttemptOutcome.ANSWERED_HUMAN && a.agentId() != null) {
      return null;
    }
    return Outcome.of(switch (a.outcome()) {
      case ANSWERED_HUMAN -> Outcome.Kind.ABANDONED;
      case ANSWERED_MACHINE -> Outcome.Kind.MACHINE;
      case ABANDONED -> Outcome.Kind.ABANDONED;
      case NO_ANSWER -> Outcome.Kind.NO_ANSWER;
      case BUSY -> Outcome.Kind.BUSY;
      case CONGESTION, FAILED -> Outcome.Kind.CONGESTION;
      case INVALID_NUMBER -> Outcome.Kind.INVALID_NUMBER;
    });
  }

  /** The pacer's view of one campaign on the live PBX. */
  private final class LiveView implements PacerView {
    private final Run run;
    private final List<AgentLines.Line> agents = new ArrayList<>();
    private final long[] ringingSince;

    LiveView(Run run, long now) {
      this.run = run;
      for (AgentLines.Line l : run.pbx.lines().lines()) {
        boolean working = l.state() == AgentLines.LineState.READY || l.state() == AgentLines.LineState.RESERVED
            || l.state() == AgentLines.LineState.ON_CALL || l.state() == AgentLines.LineState.WRAP_UP;
        if (working && l.serves(run.campaign.id())) {
          agents.add(l);
        }
      }
      ringingSince = new long[run.ringing.size() + run.requesting];
      int i = 0;
      for (long t : run.ringing.values()) {
        ringingSince[i++] = t;
      }
      while (i < ringingSince.length) {
        ringingSince[i++] = now; // asked of the scheduler, about to ring
      }
    }

    @Override
    public int loggedInAgents() {
      return agents.size();
    }

    @Override
    public Activity activity(int agent) {
      AgentLines.LineState s = agents.get(agent).state();
      return s == AgentLines.LineState.READY ? Activity.FREE
          : s == AgentLines.LineState.WRAP_UP ? Activity.WRAP_UP : Activity.TALKING;
    }

    @Override
    public long activitySince(int agent) {
      Instant since = agents.get(agent).since();
      return since == null ? clock.millis() : since.toEpochMilli();
    }

    @Override
    public int freeAgents() {
      int n = 0;
      for (AgentLines.Line l : agents) {
        if (l.state() == AgentLines.LineState.READY) {
          n++;
        }
      }
      return n;
    }

    @Override
    public int ringingLines() {
      return ringingSince.length;
    }

    @Override
    public long ringingSince(int line) {
      return ringingSince[line];
    }

    @Override
    public int answeredWaiting() {
      int n = 0;
      for (String id : run.answered) {
        Attempt a = run.pbx.tracker().live(id);
        if (a != null && a.agentId() == null) {
          n++;
        }
      }
      return n;
    }

    @Override
    public int trunkLinesInUse() {
      return 0;
    }
  }
}
