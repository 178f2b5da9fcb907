package io.huifang.desk;

import io.huifang.telephony.AgentLines;

import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.Telephony;
import io.huifang.campaign.CampaignStore;
import io.huifang.campaign.schedule.Scheduler;
import io.huifang.web.Push;
import io.huifang.survey.QuestionnaireStore;
import io.huifang.survey.SurveyResponses;
import io.huifang.telephony.CallEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent desk on the server, the service its routes call. Its jobs, each in its own class: the customer's
 * screen loaded while the phone rings and pushed at the bridge ({@link Prefetches}, {@link Screens}); the agent's
 * presence — ready, paused, paused when no desk page is open, signed out ({@link Presence}); the wrap-up after every
 * call ({@link WrapUp}); the survey draft autosaved as the agent works ({@link Autosave}) and restored after a
 * reload or a restart ({@link DraftRestore}); the disposition that finishes it and drives the scheduler
 * ({@link Submission}), published as {@link DeskEvents#SURVEY_SUBMITTED}.
 *
 * <p>Confined to the telephony context, like the lines it follows ({@link DeskContext}).
 */
public final class AgentDesk implements AnsweredCalls.ScreenListener {
  private static final Logger log = LoggerFactory.getLogger(AgentDesk.class);
  /** Event-bus address PushHub publishes to when a page's socket opens: {"userId": n}. */
  public static final String SOCKET_OPENED = Push.SOCKET_OPENED;
  /** The pause reason the desk gives when it pauses an agent whose page closed. */
  public static final String DESK_CLOSED = "desk_closed";

  private final Vertx vertx;
  /** How far back the start looks for work a crash left half done (a call reached with no survey). */
  private static final Duration LOST_WORK_WINDOW = Duration.ofDays(1);
  private final Telephony telephony;
  private final Prefetches prefetched;
  private final DeskCalls calls;
  private final DeskContext onTelephony;
  private final Screens screens;
  private final WrapUp wrapUp;
  private final Presence presence;
  private final DraftRestore drafts;
  private final Autosave autosave;
  private final Submission submission;
  private final Clock clock;
  private Context context;

  public AgentDesk(Vertx vertx, Telephony telephony, DeskStore store, SurveyResponses responses,
                   QuestionnaireStore questionnaires, CampaignStore campaigns, Scheduler scheduler, Clock clock) {
    this.vertx = vertx;
    this.telephony = telephony;
    this.clock = clock;
    this.onTelephony = new DeskContext(() -> context != null ? context : telephony.telephonyContext());
    this.prefetched = new Prefetches(store, questionnaires, campaigns);
    this.calls = new DeskCalls(vertx);
    this.screens = new Screens(vertx, prefetched, responses, calls, onTelephony);
    this.wrapUp = new WrapUp(vertx, telephony, responses, scheduler, clock, calls, screens, onTelephony);
    this.presence = new Presence(vertx, store, calls, new Lines(this::line, this::pbxOf), wrapUp, onTelephony);
    this.drafts = new DraftRestore(store, responses, questionnaires, campaigns, telephony, calls, onTelephony);
    this.autosave = new Autosave(responses, drafts, onTelephony);
    this.submission = new Submission(vertx, responses, scheduler, clock, drafts, wrapUp, onTelephony);
  }

  /** Follows every PBX's calls and lines; call after telephony has connected its PBXes. */
  public void start() {
    context = telephony.telephonyContext();
    drafts.recreateLostDrafts(clock.instant().minus(LOST_WORK_WINDOW));
    submission.applyLostDispositions();
    context.runOnContext(v -> {
      telephony.answered().onScreen(this);
      for (AnsweredCalls.Pbx p : telephony.all()) {
        p.tracker().subscribe(e -> {
          if (e instanceof CallEvent.Originating o) {
            prefetch(o.attempt());
          } else if (e instanceof CallEvent.Ended ended) {
            prefetched.remove(ended.attempt().id());
          } else if (e instanceof CallEvent.TakenOver) {
            // A PBX taken over from a dead node: a call it joined to an agent just before dying may have no survey
            // draft yet (as after a crash of this node); its agent gets one here, not at this node's next start.
            List<AgentLines.Line> writingUp = new ArrayList<>();
            for (AgentLines.Line line : p.lines().lines()) {
              if (line.state() == AgentLines.LineState.WRAP_UP && calls.ofAgent(line.agentId()) == null) {
                writingUp.add(line); // adopted in the wrap-up the previous owner kept for it
              }
            }
            draftsRecreated = drafts.recreateLostDrafts(clock.instant().minus(LOST_WORK_WINDOW));
            draftsRecreated.onComplete(x -> onContext(() -> wrapUpsTakenOver(p, writingUp)));
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

  /** Told (agent id, attempt id) when an agent's call ends and the wrap-up begins (the demo's simulated agents). */
  public AgentDesk onWrapUp(BiConsumer<Long, String> listener) {
    wrapUp.onWrapUp(listener);
    return this;
  }

  /** For tests: a shorter grace before an agent with no desk page is paused. */
  public void deskGoneGrace(Duration grace) {
    presence.deskGoneGrace(grace);
  }

  // ---- what the PBXes and the pages' sockets tell the desk (on the telephony context) -------------------------

  private void prefetch(Attempt a) {
    prefetched.originating(a);
  }

  @Override
  public void connected(AnsweredCalls.Pbx pbx, AgentLines.Line line, Attempt a, long bridgedAtMicros) {
    screens.connected(pbx, line, a, bridgedAtMicros);
  }

  @Override
  public void ended(AnsweredCalls.Pbx pbx, AgentLines.Line line, Attempt a) {
    if (calls.ofAttempt(a.id()) != null || a.request().campaignId() == null) {
      wrapUp.callEnded(line, a);
      return;
    }
    // Not on this node's desk: a call this node adopted when it took the PBX over (issue 22), whose agent's page is
    // on another node or has not asked for the desk since. The screen is rebuilt from the survey's draft (recreated
    // at the take-over if the dead owner never inserted it), so that the end reaches the page as any call's does.
    draftsRecreated.transform(x -> drafts.callOf(line.agentId(), a.id())).onComplete(ar -> onContext(() -> {
      if (ar.failed()) {
        log.atWarn().setMessage("adopted call's end not shown: no survey of the agent's for it")
            .addKeyValue("attempt", a.id()).addKeyValue("agent", line.agentId())
            .addKeyValue("error", ar.cause().getMessage()).log();
        return;
      }
      ar.result().pbx = pbx;
      wrapUp.callEnded(line, a);
    }));
  }

  /** The take-over's recreation of lost drafts: the end of an adopted call rebuilds its screen after it. */
  private Future<Void> draftsRecreated = Future.succeededFuture();

  /**
   * Lines adopted in the wrap-up their agents were in when the previous owner died: the call's screen is rebuilt
   * from its draft, so the agent submits it as before; a call already submitted (or with nothing to submit) ends its
   * wrap-up now, since the timer that would have ended it died with the old owner.
   */
  private void wrapUpsTakenOver(AnsweredCalls.Pbx pbx, List<AgentLines.Line> lines) {
    for (AgentLines.Line line : lines) {
      String attempt = line.wrapUpAttemptId();
      if (attempt == null || line.state() != AgentLines.LineState.WRAP_UP) {
        continue;
      }
      drafts.callOf(line.agentId(), attempt).onComplete(ar -> onContext(() -> {
        if (ar.failed()) {
          pbx.lines().endWrapUp(line.agentId()); // no survey of theirs to finish
          return;
        }
        DeskCall c = ar.result();
        c.pbx = pbx;
        if (c.submitted || !c.hasDraft) {
          wrapUp.finish(c);
        }
      }));
    }
  }

  @Override
  public void bridgeFailed(AnsweredCalls.Pbx pbx, AgentLines.Line line, Attempt a) {
    wrapUp.bridgeFailed(a);
  }

  private void stateChanged(AgentLines.Line line) {
    presence.stateChanged(line);
  }

  private void signedOut(long agentId) {
    presence.signedOut(agentId);
  }

  private void deskGone(long agentId) {
    presence.deskGone(agentId);
  }

  private void deskBack(long agentId) {
    presence.deskBack(agentId);
  }

  private void resendScreen(long agentId) {
    screens.resend(agentId);
  }

  // ---- the page's requests -----------------------------------------------------------------------------------

  /** The agent's state and the call on their screen (after a reload, a dropped socket or a restart). */
  public Future<JsonObject> desk(long agentId) {
    return onTelephony.call(() -> {
      JsonObject out = new JsonObject().put("agent", Presence.stateJson(line(agentId), calls.ofAgent(agentId)));
      return drafts.onScreen(agentId).map(c -> out.put("call", c == null ? null : Screens.frame(c)));
    });
  }

  /**
   * Autosave: merges changed answers ({@code null} clears one) into the draft. Values are checked against the
   * questionnaire (type, range, known item); required items are checked only on submit.
   */
  public Future<JsonObject> saveAnswers(long agentId, String attemptId, JsonObject changes) {
    return autosave.save(agentId, attemptId, changes, false, null);
  }

  /** Autosave with the agent's note ({@code null} or blank clears it), saved with the answers. */
  public Future<JsonObject> saveDraft(long agentId, String attemptId, JsonObject changes, String note) {
    return autosave.save(agentId, attemptId, changes, true, note);
  }

  /**
   * Submits the call's disposition: a successful survey must have every required item answered and is scored
   * (raw score, needs-review and void flags); any disposition drives the customer's task in the scheduler. After
   * the call has ended, submitting ends the wrap-up (ready, or paused if the agent asked to pause).
   */
  public Future<JsonObject> submit(long agentId, String attemptId, JsonObject body) {
    return submission.submit(agentId, attemptId, body);
  }

  /** Hangs up the customer (the agent's hang-up button); the agent's own line stays open. */
  public Future<Void> hangup(long agentId) {
    return onTelephony.call(() -> {
      AgentLines.Line line = line(agentId);
      DeskCall c = calls.ofAgent(agentId);
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
    return presence.ready(agentId, ready, campaignId, reason);
  }

  /**
   * A supervisor pauses the agent with {@code reason}: at once when not on a call, else as soon as the call and its
   * wrap-up are over; the agent's page is told (agent.state). Fails (NoSuchElementException) with no open line.
   */
  public Future<JsonObject> pauseAfterCall(long agentId, String reason) {
    return presence.pauseAfterCall(agentId, reason);
  }

  /**
   * A supervisor signed the agent out (the sessions are ended by the caller): the line closes now, or the moment the
   * call on it ends.
   */
  public Future<Void> closeLineAfterCall(long agentId, String reason) {
    return presence.closeAfterCall(agentId, reason);
  }

  /** The agent's state (GET /api/agent/line keeps its own shape). */
  public Future<JsonObject> state(long agentId) {
    return presence.state(agentId);
  }

  private AgentLines.Line line(long agentId) {
    return telephony.lineOf(agentId);
  }

  /** The PBX holding the agent's line (callers have found the line first). */
  private AnsweredCalls.Pbx pbxOf(long agentId) {
    return telephony.pbxOfAgent(agentId);
  }

  private void onContext(Runnable r) {
    onTelephony.run(r);
  }

  /** For tests and the demo: the calls on agents' screens right now. */
  public Future<JsonArray> screens() {
    return onTelephony.call(() -> {
      JsonArray a = new JsonArray();
      calls.onScreens().forEach(c -> a.add(new JsonObject().put("agentId", c.agentId).put("attemptId", c.attemptId)
          .put("callUp", c.callUp).put("submitted", c.submitted)));
      return Future.succeededFuture(a);
    });
  }
}
