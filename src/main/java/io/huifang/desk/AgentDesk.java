package io.huifang.desk;

import io.huifang.telephony.AgentLines;

import io.huifang.core.Invalid;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.Telephony;
import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.campaign.schedule.Outcome;
import io.huifang.campaign.schedule.Scheduler;
import io.huifang.web.Push;
import io.huifang.survey.AnswerProblem;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.QuestionnaireStore;
import io.huifang.survey.Score;
import io.huifang.survey.Scoring;
import io.huifang.survey.SurveyResponses;
import io.huifang.telephony.AttemptStore;
import io.huifang.telephony.CallEvent;
import io.huifang.survey.SurveyCheck;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent desk on the server: the screen pushed at the instant a customer is bridged (customer, history,
 * questionnaire — loaded while the phone was still ringing), the survey draft autosaved as the agent works, the
 * disposition that finishes it and drives the scheduler, and the wrap-up after every call.
 *
 * <p>Wrap-up ends when the call has a disposition and either the agent says ready or the campaign's wrap-up time has
 * run out; a survey not submitted when the time runs out keeps the agent in wrap-up (shown as overdue) rather than
 * let a new call replace an unfinished screen. Confined to the telephony context, like the lines it follows.
 */
public final class AgentDesk implements AnsweredCalls.ScreenListener {
  private static final Logger log = LoggerFactory.getLogger(AgentDesk.class);
  /** A reached customer's task is not dialled again while the agent writes the call up, for at most this long. */
  static final Duration DISPOSITION_HOLD = Duration.ofHours(12);
  /** Most answers one autosave may change, and the longest free text any answer may have. */
  static final int MAX_CHANGES = 200;
  static final int MAX_TEXT = 4000;
  /** How far ahead a callback may be booked. */
  static final Duration MAX_CALLBACK_AHEAD = Duration.ofDays(30);
  /** Event-bus address PushHub publishes to when a page's socket opens: {"userId": n}. */
  public static final String SOCKET_OPENED = Push.SOCKET_OPENED;
  /**
   * An agent who is ready with no desk page open (the browser closed, crashed, or the laptop went to sleep) would be
   * sent customers with no screen and perhaps no one at the headset: after this long without a page the agent is
   * paused. Long enough for a reload and for the page's own reconnects (1, 2, 4, 8 s …) through a network blip.
   */
  static final Duration DESK_GONE_GRACE = Duration.ofSeconds(30);
  /** The pause reason the desk gives when it pauses an agent whose page closed. */
  public static final String DESK_CLOSED = "desk_closed";

  /** What the desk has loaded for one dialled customer, ahead of the answer. */
  private record Prefetch(Future<Optional<JsonObject>> customer, Future<Questionnaire> questionnaire,
                          Future<Optional<Campaign>> campaign) {
    Future<Void> done() {
      return Future.join(customer, questionnaire, campaign).mapEmpty();
    }
  }

  /** The call on an agent's screen. */
  private static final class DeskCall {
    final String attemptId;
    final long agentId;
    final long campaignId;
    final Long taskId;
    final Long customerId;
    AnsweredCalls.Pbx pbx;
    JsonObject screen;
    Questionnaire questionnaire;
    JsonObject answers = new JsonObject();
    int saves;
    boolean callUp = true;
    boolean submitted;
    /** A draft row exists: the call is finished by submitting it (without one there is nothing to submit). */
    boolean hasDraft;
    int wrapUpSeconds = Campaign.DEFAULT_WRAP_UP_SECONDS;
    Instant endedAt;
    Instant wrapUpEndsAt;
    long wrapTimer = -1;
    long bridgedAtMicros;

    DeskCall(String attemptId, long agentId, long campaignId, Long taskId, Long customerId) {
      this.attemptId = attemptId;
      this.agentId = agentId;
      this.campaignId = campaignId;
      this.taskId = taskId;
      this.customerId = customerId;
    }
  }

  private final Vertx vertx;
  private final Telephony telephony;
  private final DeskStore store;
  private final SurveyResponses responses;
  private final QuestionnaireStore questionnaires;
  private final CampaignStore campaigns;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Map<String, Prefetch> prefetched = new HashMap<>();
  private final Map<Long, DeskCall> byAgent = new HashMap<>();
  private final Map<String, DeskCall> byAttempt = new HashMap<>();
  private final java.util.List<java.util.function.Consumer<JsonObject>> submittedListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private Context context;

  public AgentDesk(Vertx vertx, Telephony telephony, DeskStore store, SurveyResponses responses,
                   QuestionnaireStore questionnaires, CampaignStore campaigns, Scheduler scheduler, Clock clock) {
    this.vertx = vertx;
    this.telephony = telephony;
    this.store = store;
    this.responses = responses;
    this.questionnaires = questionnaires;
    this.campaigns = campaigns;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Follows every PBX's calls and lines; call after telephony has connected its PBXes. */
  public void start() {
    context = telephony.telephonyContext();
    context.runOnContext(v -> {
      telephony.answered().onScreen(this);
      for (AnsweredCalls.Pbx p : telephony.all()) {
        p.tracker().subscribe(e -> {
          if (e instanceof CallEvent.Originating o) {
            prefetch(o.attempt());
          } else if (e instanceof CallEvent.Ended ended) {
            prefetched.remove(ended.attempt().id());
          }
        });
        p.lines().onState(this::stateChanged);
      }
    });
    vertx.eventBus().<JsonObject>consumer(io.huifang.auth.SessionRoutes.SIGNED_OUT, m -> {
      Long userId = m.body().getLong("userId");
      if (userId != null) {
        onContext(() -> signedOut(userId));
      }
    });
    vertx.eventBus().<JsonObject>consumer(SOCKET_OPENED, m -> {
      Long userId = m.body().getLong("userId");
      if (userId != null) {
        onContext(() -> {
          deskBack(userId);
          resendScreen(userId);
        });
      }
    });
    vertx.eventBus().<JsonObject>consumer(Push.LAST_SOCKET_CLOSED, m -> {
      Long userId = m.body().getLong("userId");
      if (userId != null && "AGENT".equals(m.body().getString("role"))) {
        onContext(() -> deskGone(userId));
      }
    });
  }

  private final java.util.List<java.util.function.BiConsumer<Long, String>> wrapUpListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Told (agent id, attempt id) when an agent's call ends and the wrap-up begins (the demo's simulated agents). */
  public AgentDesk onWrapUp(java.util.function.BiConsumer<Long, String> listener) {
    wrapUpListeners.add(listener);
    return this;
  }

  /** Told of every submitted survey (the demo's simulated agents, reports). */
  public AgentDesk onSubmitted(java.util.function.Consumer<JsonObject> listener) {
    submittedListeners.add(listener);
    return this;
  }

  // ---- the call's life -------------------------------------------------------------------------------------

  private void prefetch(Attempt a) {
    Long campaignId = a.request().campaignId();
    Long customerId = a.request().customerId();
    if (campaignId == null || customerId == null) {
      return;
    }
    prefetched.put(a.id(), new Prefetch(store.screenData(customerId, a.request().taskId()),
        questionnaires.forCampaign(campaignId), campaigns.get(campaignId)));
  }

  @Override
  public void connected(AnsweredCalls.Pbx pbx, AgentLines.Line line, Attempt a, long bridgedAtMicros) {
    Long campaignId = a.request().campaignId();
    if (campaignId == null) {
      push(line.agentId(), new JsonObject().put("type", "call.screen").put("attemptId", a.id())
          .put("bridgedAtMicros", bridgedAtMicros).put("customer", (Object) null));
      return;
    }
    DeskCall c = new DeskCall(a.id(), line.agentId(), campaignId, a.request().taskId(), a.request().customerId());
    c.pbx = pbx;
    c.bridgedAtMicros = bridgedAtMicros;
    DeskCall previous = byAgent.put(c.agentId, c);
    if (previous != null) {
      forget(previous);
    }
    byAttempt.put(c.attemptId, c);
    Prefetch p = prefetched.remove(a.id());
    if (p == null && a.request().customerId() != null) {
      p = new Prefetch(store.screenData(a.request().customerId(), a.request().taskId()),
          questionnaires.forCampaign(campaignId), campaigns.get(campaignId));
    }
    if (p == null) {
      return;
    }
    Prefetch loaded = p;
    if (loaded.done().isComplete()) {
      showScreen(c, loaded); // the usual case: loaded while the phone rang, pushed with the Bridge
    } else {
      loaded.done().onComplete(x -> onContext(() -> showScreen(c, loaded)));
    }
  }

  private void showScreen(DeskCall c, Prefetch p) {
    if (byAttempt.get(c.attemptId) != c) {
      return; // withdrawn meanwhile
    }
    if (p.questionnaire().succeeded()) {
      c.questionnaire = p.questionnaire().result();
    }
    Optional<Campaign> campaign = p.campaign().succeeded() ? p.campaign().result() : Optional.empty();
    campaign.ifPresent(x -> c.wrapUpSeconds = x.wrapUpSeconds());
    JsonObject customer = p.customer().succeeded() ? p.customer().result().orElse(null) : null;
    c.screen = screen(c, campaign.orElse(null), customer);
    push(c.agentId, screenFrame(c).put("bridgedAtMicros", c.bridgedAtMicros));
    if (c.questionnaire != null) {
      responses.createDraft(c.attemptId, c.campaignId, c.taskId, c.customerId, c.agentId, c.questionnaire.key(),
              c.questionnaire.version())
          .onSuccess(v -> onContext(() -> c.hasDraft = true))
          .onFailure(e -> log.atError().setMessage("survey draft not created").addKeyValue("attempt", c.attemptId)
              .addKeyValue("error", e.getMessage()).log());
    } else {
      log.atError().setMessage("no questionnaire for the screen").addKeyValue("attempt", c.attemptId)
          .addKeyValue("campaign", c.campaignId)
          .addKeyValue("error", String.valueOf(p.questionnaire().cause())).log();
    }
  }

  private static JsonObject screen(DeskCall c, Campaign campaign, JsonObject customer) {
    JsonObject s = new JsonObject().put("attemptId", c.attemptId)
        .put("campaign", campaign == null ? new JsonObject().put("id", c.campaignId) : new JsonObject()
            .put("id", campaign.id()).put("name", campaign.name()).put("kind", Campaign.id(campaign.kind()))
            .put("eventKind", Campaign.id(campaign.deadlineBasis())).put("wrapUpSeconds", campaign.wrapUpSeconds())
            .put("maxAttempts", campaign.maxAttempts()))
        .put("customer", customer == null ? null : customer.copy())
        .put("questionnaire", c.questionnaire == null ? null : new JsonObject().put("key", c.questionnaire.key())
            .put("version", c.questionnaire.version()).put("definition", c.questionnaire.toJson()))
        .put("dispositions", Disposition.catalog());
    if (customer != null) {
      // task and history are their own parts of the screen
      s.put("task", customer.getValue("task")).put("history", customer.getValue("history"));
      s.getJsonObject("customer").remove("task");
      s.getJsonObject("customer").remove("history");
    }
    return s;
  }

  /** The screen as pushed and as GET /api/agent/desk answers it: with the answers so far and the call's state. */
  private JsonObject screenFrame(DeskCall c) {
    JsonObject f = (c.screen == null ? new JsonObject().put("attemptId", c.attemptId) : c.screen.copy())
        .put("type", "call.screen").put("answers", c.answers.copy()).put("saves", c.saves)
        .put("connectedAtMillis", c.bridgedAtMicros > 0 ? c.bridgedAtMicros / 1000 : null)
        .put("callUp", c.callUp).put("submitted", c.submitted)
        .put("endedAt", c.endedAt == null ? null : c.endedAt.toString())
        .put("wrapUpEndsAt", c.wrapUpEndsAt == null ? null : c.wrapUpEndsAt.toString());
    return f;
  }

  @Override
  public void ended(AnsweredCalls.Pbx pbx, AgentLines.Line line, Attempt a) {
    DeskCall c = byAttempt.get(a.id());
    if (c == null) {
      return;
    }
    Instant now = clock.instant();
    if (line.state() != AgentLines.LineState.WRAP_UP || !a.id().equals(line.wrapUpAttemptId())) {
      // The bridge failed: the agent never had this customer.
      forget(c);
      responses.withdraw(c.attemptId);
      push(c.agentId, new JsonObject().put("type", "call.withdrawn").put("attemptId", c.attemptId));
      return;
    }
    c.callUp = false;
    c.endedAt = now;
    c.wrapUpEndsAt = now.plusSeconds(c.wrapUpSeconds);
    responses.callEnded(c.attemptId, now);
    if (c.taskId != null && !c.submitted) {
      scheduler.holdForDisposition(c.taskId, now.plus(DISPOSITION_HOLD))
          .onFailure(e -> log.atWarn().setMessage("task not held for the disposition").addKeyValue("task", c.taskId)
              .addKeyValue("error", e.getMessage()).log());
    }
    push(c.agentId, new JsonObject().put("type", "call.ended").put("attemptId", c.attemptId)
        .put("endedAt", now.toString()).put("wrapUpEndsAt", c.wrapUpEndsAt.toString())
        .put("submitted", c.submitted));
    for (java.util.function.BiConsumer<Long, String> l : wrapUpListeners) {
      l.accept(c.agentId, c.attemptId);
    }
    if (c.submitted && c.wrapUpSeconds == 0) {
      finishWrapUp(c);
    } else {
      c.wrapTimer = vertx.setTimer(Math.max(1, c.wrapUpSeconds * 1000L), t -> onContext(() -> wrapUpTimeUp(c)));
    }
  }

  private void wrapUpTimeUp(DeskCall c) {
    c.wrapTimer = -1;
    if (byAttempt.get(c.attemptId) != c) {
      return;
    }
    if (c.submitted || !c.hasDraft) {
      finishWrapUp(c); // auto-ready (nothing to submit without a draft)
    } else {
      push(c.agentId, new JsonObject().put("type", "wrapup.overdue").put("attemptId", c.attemptId));
    }
  }

  private void finishWrapUp(DeskCall c) {
    if (c.wrapTimer >= 0) {
      vertx.cancelTimer(c.wrapTimer);
      c.wrapTimer = -1;
    }
    forget(c);
    if (c.pbx != null) {
      c.pbx.lines().endWrapUp(c.agentId);
    } else {
      for (AnsweredCalls.Pbx p : telephony.all()) {
        p.lines().endWrapUp(c.agentId);
      }
    }
  }

  private void forget(DeskCall c) {
    byAttempt.remove(c.attemptId, c);
    byAgent.remove(c.agentId, c);
    if (c.wrapTimer >= 0) {
      vertx.cancelTimer(c.wrapTimer);
      c.wrapTimer = -1;
    }
  }

  private void stateChanged(AgentLines.Line line) {
    DeskCall c = byAgent.get(line.agentId());
    push(line.agentId(), stateJson(line, c).put("type", "agent.state"));
    String state = line.state().name().toLowerCase(java.util.Locale.ROOT);
    store.logState(line.agentId(), state, line.state() == AgentLines.LineState.PAUSED ? line.pauseReason() : null,
            line.attemptId() != null ? line.attemptId() : line.wrapUpAttemptId())
        .onFailure(e -> log.atWarn().setMessage("agent state not logged").addKeyValue("agent", line.agentId())
            .addKeyValue("error", e.getMessage()).log());
  }

  private static JsonObject stateJson(AgentLines.Line line, DeskCall c) {
    if (line == null) {
      return new JsonObject().put("state", "logged_out");
    }
    JsonObject s = new JsonObject().put("state", line.state().name().toLowerCase(java.util.Locale.ROOT))
        .put("since", line.since() == null ? null : line.since().toString())
        .put("pauseReason", line.pauseReason()).put("wantsReady", line.wantsReady())
        .put("campaignId", line.campaignId()).put("channel", line.channel())
        .put("attemptId", line.attemptId() != null ? line.attemptId() : line.wrapUpAttemptId());
    if (c != null && c.wrapUpEndsAt != null) {
      s.put("wrapUpEndsAt", c.wrapUpEndsAt.toString()).put("submitted", c.submitted);
    }
    return s;
  }

  /**
   * The agent signed out: the line closes (logged out). A customer on the line is never cut off: during a call or
   * its wrap-up the agent is paused instead, and the line stays until a supervisor or the agent closes it.
   */
  private void signedOut(long agentId) {
    AgentLines.Line line = line(agentId);
    if (line == null) {
      return;
    }
    AnsweredCalls.Pbx pbx = pbxOf(agentId);
    switch (line.state()) {
      case ON_CALL, RESERVED, WRAP_UP -> pbx.lines().ready(agentId, false, line.campaignId(), "other");
      default -> pbx.lines().close(agentId);
    }
  }

  /** Agents whose last desk page closed, with the timer that pauses them if no page comes back. */
  private final Map<Long, Long> deskGoneTimers = new HashMap<>();
  private Duration deskGoneGrace = DESK_GONE_GRACE;

  /** For tests: a shorter grace before an agent with no desk page is paused. */
  public void deskGoneGrace(Duration grace) {
    this.deskGoneGrace = grace;
  }

  private void deskGone(long agentId) {
    deskBack(agentId);
    long timer = vertx.setTimer(Math.max(1, deskGoneGrace.toMillis()), id -> onContext(() -> {
      if (deskGoneTimers.remove(agentId, id)) {
        pauseWithoutDesk(agentId);
      }
    }));
    deskGoneTimers.put(agentId, timer);
  }

  private void deskBack(long agentId) {
    Long timer = deskGoneTimers.remove(agentId);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * No page came back: a ready agent is paused now; one on a call or in its wrap-up is paused after it (the call is
   * never cut). Ready again takes the agent's own click once a page is open.
   */
  private void pauseWithoutDesk(long agentId) {
    AgentLines.Line line = line(agentId);
    if (line == null || line.state() == AgentLines.LineState.DOWN || !line.wantsReady()) {
      return;
    }
    log.atInfo().setMessage("agent paused: no desk page open").addKeyValue("agent", agentId)
        .addKeyValue("state", line.state()).addKeyValue("afterSeconds", deskGoneGrace.toSeconds()).log();
    pbxOf(agentId).lines().ready(agentId, false, line.campaignId(), DESK_CLOSED);
  }

  private void resendScreen(long agentId) {
    DeskCall c = byAgent.get(agentId);
    if (c != null && c.screen != null) {
      push(agentId, screenFrame(c));
    }
  }

  // ---- the page's requests -----------------------------------------------------------------------------------

  /** The agent's state and the call on their screen (after a reload, a dropped socket or a restart). */
  public Future<JsonObject> desk(long agentId) {
    return onContextF(() -> {
      AgentLines.Line line = line(agentId);
      DeskCall c = byAgent.get(agentId);
      JsonObject out = new JsonObject().put("agent", stateJson(line, c));
      if (c != null && c.screen != null) {
        return Future.succeededFuture(out.put("call", screenFrame(c)));
      }
      // Not in memory (a restart, or a call whose screen is still loading): the newest draft from the database.
      return responses.openDraft(agentId).compose(d -> {
        if (d.isEmpty()) {
          return Future.succeededFuture(out.put("call", null));
        }
        SurveyResponses.Response r = d.get();
        return restore(r).map(restored -> out.put("call", restored == null ? null : screenFrame(restored)));
      });
    });
  }

  /** Rebuilds a screen from a stored draft; the call is over (it was not in memory). */
  private Future<DeskCall> restore(SurveyResponses.Response r) {
    Future<Optional<JsonObject>> customer = r.customerId() == null ? Future.succeededFuture(Optional.empty())
        : store.screenData(r.customerId(), r.taskId());
    Future<Questionnaire> q = questionnaires.version(r.questionnaireKey(), r.questionnaireVersion());
    Future<Optional<Campaign>> campaign = campaigns.get(r.campaignId());
    return Future.join(customer, q, campaign).transform(x -> onContextF(() -> {
      DeskCall live = byAttempt.get(r.attemptId());
      if (live != null) {
        return Future.succeededFuture(live);
      }
      DeskCall c = new DeskCall(r.attemptId(), r.agentId(), r.campaignId(), r.taskId(), r.customerId());
      c.questionnaire = q.succeeded() ? q.result() : null;
      c.answers = r.answers().copy();
      c.saves = r.saves();
      c.hasDraft = true;
      Attempt a = null;
      for (AnsweredCalls.Pbx p : telephony.all()) {
        Attempt found = p.tracker().live(r.attemptId());
        if (found != null) {
          a = found;
          c.pbx = p;
        }
      }
      c.callUp = a != null;
      c.endedAt = a != null ? null : (r.callEndedAt() != null ? r.callEndedAt() : r.startedAt());
      c.wrapUpEndsAt = c.endedAt;
      c.screen = screen(c, campaign.succeeded() ? campaign.result().orElse(null) : null,
          customer.succeeded() ? customer.result().orElse(null) : null);
      byAttempt.put(c.attemptId, c);
      byAgent.putIfAbsent(c.agentId, c);
      return Future.succeededFuture(c);
    }));
  }

  /**
   * Autosave: merges changed answers ({@code null} clears one) into the draft. Values are checked against the
   * questionnaire (type, range, known item); required items are checked only on submit.
   */
  public Future<JsonObject> saveAnswers(long agentId, String attemptId, JsonObject changes) {
    if (changes.size() > MAX_CHANGES) {
      return Future.failedFuture(new Invalid("answers", "at most " + MAX_CHANGES + " answers per save",
          "每次最多保存 " + MAX_CHANGES + " 个答案"));
    }
    return callOf(agentId, attemptId).compose(c -> {
      if (c.submitted) {
        return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
      }
      JsonObject merged = c.answers.copy();
      changes.forEach(e -> {
        if (e.getValue() == null) {
          merged.remove(e.getKey());
        } else {
          merged.put(e.getKey(), e.getValue());
        }
      });
      Invalid bad = firstProblem(c.questionnaire, merged, changes.fieldNames(), false);
      if (bad != null) {
        return Future.failedFuture(bad);
      }
      return responses.saveAnswers(attemptId, agentId, changes).compose(saved -> onContextF(() -> {
        if (saved.isEmpty()) {
          return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
        }
        c.answers = saved.get().getJsonObject("answers");
        c.saves = saved.get().getInteger("saves");
        return Future.succeededFuture(new JsonObject().put("attemptId", attemptId).put("saves", c.saves)
            .put("answers", c.answers.copy()));
      }));
    });
  }

  private Invalid firstProblem(Questionnaire q, JsonObject answers, Set<String> only, boolean submitting) {
    for (String k : answers.fieldNames()) {
      if (answers.getValue(k) instanceof String s && s.length() > MAX_TEXT) {
        return new Invalid("answers." + k, "an answer may have at most " + MAX_TEXT + " characters",
            "答案最多 " + MAX_TEXT + " 个字符");
      }
    }
    if (q == null) {
      return new Invalid("questionnaire", "the campaign's questionnaire is not available",
          "无法加载该活动的问卷");
    }
    List<AnswerProblem> problems = SurveyCheck.validate(q, answers, submitting);
    for (AnswerProblem p : problems) {
      if (only == null || only.contains(p.itemId())) {
        return new Invalid("answers." + p.itemId(), p.en(), p.zh());
      }
    }
    return null;
  }

  /**
   * Submits the call's disposition: a successful survey must have every required item answered and is scored
   * (raw score, needs-review and void flags); any disposition drives the customer's task in the scheduler. After
   * the call has ended, submitting ends the wrap-up (ready, or paused if the agent asked to pause).
   */
  public Future<JsonObject> submit(long agentId, String attemptId, JsonObject body) {
    Optional<Disposition> d = Disposition.parse(body.getValue("disposition"));
    if (d.isEmpty()) {
      return Future.failedFuture(new Invalid("disposition", "choose what the call came to",
          "请选择通话结果"));
    }
    Instant now = clock.instant();
    Instant callbackAt = null;
    Long callbackAgent = null;
    if (d.get() == Disposition.CALLBACK) {
      try {
        callbackAt = Instant.parse(String.valueOf(body.getValue("callbackAt")));
      } catch (RuntimeException e) {
        return Future.failedFuture(new Invalid("callbackAt", "give the callback time as an ISO instant",
            "请填写预约回访时间"));
      }
      if (!callbackAt.isAfter(now) || callbackAt.isAfter(now.plus(MAX_CALLBACK_AHEAD))) {
        return Future.failedFuture(new Invalid("callbackAt", "the callback must be in the next 30 days",
            "预约时间必须在今后 30 天内"));
      }
      if (body.containsKey("callbackMine") && !(body.getValue("callbackMine") instanceof Boolean)) {
        return Future.failedFuture(new Invalid("callbackMine", "callbackMine must be true or false",
            "callbackMine 必须是 true 或 false"));
      }
      callbackAgent = Boolean.TRUE.equals(body.getValue("callbackMine")) ? agentId : null;
    }
    String note = body.getValue("note") instanceof String s ? s.strip() : null;
    if (note != null && note.length() > MAX_TEXT) {
      return Future.failedFuture(new Invalid("note", "the note may have at most " + MAX_TEXT + " characters",
          "备注最多 " + MAX_TEXT + " 个字符"));
    }
    JsonObject finalChanges = body.getValue("answers") instanceof JsonObject o ? o : new JsonObject();
    Instant cbAt = callbackAt;
    Long cbAgent = callbackAgent;
    return callOf(agentId, attemptId).compose(c -> {
      if (c.submitted) {
        return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
      }
      JsonObject answers = c.answers.copy();
      finalChanges.forEach(e -> {
        if (e.getValue() == null) {
          answers.remove(e.getKey());
        } else {
          answers.put(e.getKey(), e.getValue());
        }
      });
      Invalid bad = firstProblem(c.questionnaire, answers, d.get() == Disposition.SUCCESS ? null
          : finalChanges.fieldNames(), d.get() == Disposition.SUCCESS);
      if (bad != null) {
        return Future.failedFuture(bad);
      }
      JsonObject score = d.get() == Disposition.SUCCESS ? scoreJson(Scoring.score(c.questionnaire, answers)) : null;
      SurveyResponses.Submission s = new SurveyResponses.Submission(attemptId, agentId, answers, d.get().id(),
          d.get().group().id(), cbAt, cbAgent, note, score, now);
      return responses.submit(s, tx -> AttemptStore.recordDisposition(tx, attemptId, d.get().id())).compose(ok -> onContextF(() -> {
        if (!ok) {
          return Future.failedFuture(new IllegalStateException("this survey is already submitted"));
        }
        c.submitted = true;
        c.answers = answers;
        JsonObject result = new JsonObject().put("attemptId", attemptId).put("disposition", d.get().id())
            .put("group", d.get().group().id()).put("score", score);
        return recordOutcome(c, d.get(), cbAt, cbAgent, now).compose(v -> onContextF(() -> submitted(c, d.get(),
            score, result)));
      }));
    });
  }

  private Future<JsonObject> submitted(DeskCall c, Disposition d, JsonObject score, JsonObject result) {
    push(c.agentId, new JsonObject().put("type", "call.submitted").put("attemptId", c.attemptId)
        .put("disposition", d.id()).put("score", score));
    for (java.util.function.Consumer<JsonObject> l : submittedListeners) {
      l.accept(result.copy().put("agentId", c.agentId));
    }
    if (!c.callUp) {
      finishWrapUp(c); // the agent is done with this call
    }
    return Future.succeededFuture(result);
  }

  /** The disposition drives the task; a task already finished (expired meanwhile) keeps its state. */
  private Future<Void> recordOutcome(DeskCall c, Disposition d, Instant callbackAt, Long callbackAgent, Instant now) {
    if (c.taskId == null) {
      return Future.succeededFuture();
    }
    Outcome o = d == Disposition.CALLBACK ? Outcome.callback(callbackAt, callbackAgent) : Outcome.of(d.outcome());
    return scheduler.recordOutcome(c.taskId, o, now).recover(e -> {
      log.atWarn().setMessage("disposition not applied to the task").addKeyValue("task", c.taskId)
          .addKeyValue("attempt", c.attemptId).addKeyValue("disposition", d.id())
          .addKeyValue("error", e.getMessage()).log();
      return Future.succeededFuture();
    });
  }

  static JsonObject scoreJson(Score s) {
    return s.toJson();
  }

  /** Hangs up the customer (the agent's hang-up button); the agent's own line stays open. */
  public Future<Void> hangup(long agentId) {
    return onContextF(() -> {
      AgentLines.Line line = line(agentId);
      DeskCall c = byAgent.get(agentId);
      if (line == null || c == null || !c.callUp || c.pbx == null) {
        return Future.failedFuture(new IllegalStateException("no call to hang up"));
      }
      return c.pbx.tracker().hangup(c.attemptId, true);
    });
  }

  /**
   * Ready (for a campaign) or paused with a reason. In wrap-up, ready ends the wrap-up once the survey is
   * submitted; during a call, pausing applies after it.
   */
  public Future<JsonObject> ready(long agentId, boolean ready, Long campaignId, String reason) {
    return onContextF(() -> {
      AgentLines.Line line = line(agentId);
      if (line == null || line.state() == AgentLines.LineState.DOWN) {
        return Future.failedFuture(new NoSuchElementException("open your phone line first"));
      }
      DeskCall c = byAgent.get(agentId);
      // A call with a survey is finished by its disposition; one without (no questionnaire could be loaded) is not.
      if (ready && line.state() == AgentLines.LineState.WRAP_UP && c != null && !c.submitted && c.hasDraft) {
        return Future.failedFuture(new IllegalStateException("submit the survey first"));
      }
      AnsweredCalls.Pbx pbx = pbxOf(agentId);
      return pbx.lines().ready(agentId, ready, campaignId, reason).compose(l -> onContextF(() -> {
        if (ready && l.state() == AgentLines.LineState.WRAP_UP && (c == null || c.submitted || !c.hasDraft)) {
          if (c != null) {
            finishWrapUp(c);
          } else {
            pbx.lines().endWrapUp(agentId);
          }
        }
        return Future.succeededFuture(stateJson(l, byAgent.get(agentId)));
      }));
    });
  }

  /** The agent's state (GET /api/agent/line keeps its own shape). */
  public Future<JsonObject> state(long agentId) {
    return onContextF(() -> Future.succeededFuture(stateJson(line(agentId), byAgent.get(agentId))));
  }

  private Future<DeskCall> callOf(long agentId, String attemptId) {
    return onContextF(() -> {
      DeskCall c = byAttempt.get(attemptId);
      if (c != null) {
        return c.agentId == agentId ? Future.succeededFuture(c)
            : Future.failedFuture(new NoSuchElementException("not your call"));
      }
      return responses.response(attemptId).compose(r -> {
        if (r.isEmpty() || r.get().agentId() != agentId) {
          return Future.failedFuture(new NoSuchElementException("no survey of yours for this call"));
        }
        return restore(r.get()).compose(x -> {
          if (!"draft".equals(r.get().status())) {
            x.submitted = true;
          }
          return Future.succeededFuture(x);
        });
      });
    });
  }

  private AgentLines.Line line(long agentId) {
    for (AnsweredCalls.Pbx p : telephony.all()) {
      AgentLines.Line l = p.lines().line(agentId);
      if (l != null) {
        return l;
      }
    }
    return null;
  }

  private AnsweredCalls.Pbx pbxOf(long agentId) {
    for (AnsweredCalls.Pbx p : telephony.all()) {
      if (p.lines().line(agentId) != null) {
        return p;
      }
    }
    return telephony.all().get(0);
  }

  private void push(long userId, JsonObject message) {
    Push.toUser(vertx.eventBus(), userId, message);
  }

  private void onContext(Runnable r) {
    Context context = this.context != null ? this.context : telephony.telephonyContext();
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  private <T> Future<T> onContextF(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    onContext(() -> {
      try {
        work.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** For tests and the demo: the calls on agents' screens right now. */
  public Future<JsonArray> screens() {
    return onContextF(() -> {
      JsonArray a = new JsonArray();
      byAgent.values().forEach(c -> a.add(new JsonObject().put("agentId", c.agentId).put("attemptId", c.attemptId)
          .put("callUp", c.callUp).put("submitted", c.submitted)));
      return Future.succeededFuture(a);
    });
  }
}
