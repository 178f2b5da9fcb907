package io.huifang.desk;

import io.huifang.campaign.Campaign;
import io.huifang.survey.SurveyResponses;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import io.huifang.web.Push;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer's screen on the agent's page: pushed at the instant the customer is bridged (from what was loaded
 * while the phone rang), pushed again to a page whose socket opens, withdrawn when the bridge failed. Showing the
 * screen also opens the survey's draft. Confined to the telephony context.
 */
final class Screens {
  private static final Logger log = LoggerFactory.getLogger(Screens.class);

  private final Vertx vertx;
  private final Prefetches prefetched;
  private final SurveyResponses responses;
  private final DeskCalls calls;
  private final DeskContext context;

  Screens(Vertx vertx, Prefetches prefetched, SurveyResponses responses, DeskCalls calls, DeskContext context) {
    this.vertx = vertx;
    this.prefetched = prefetched;
    this.responses = responses;
    this.calls = calls;
    this.context = context;
  }

  /** The customer is bridged to the agent: the call takes the agent's screen. */
  void connected(AnsweredCalls.Pbx pbx, AgentLines.Line line, Attempt a, long bridgedAtMicros) {
    Long campaignId = a.request().campaignId();
    if (campaignId == null) {
      push(line.agentId(), new JsonObject().put("type", "call.screen").put("attemptId", a.id())
          .put("bridgedAtMicros", bridgedAtMicros).put("customer", (Object) null));
      return;
    }
    DeskCall c = new DeskCall(a.id(), line.agentId(), campaignId, a.request().taskId(), a.request().customerId());
    c.pbx = pbx;
    c.bridgedAtMicros = bridgedAtMicros;
    c.agentStored = a.written();
    calls.connected(c);
    Prefetches.Prefetch p = prefetched.remove(a.id());
    if (p == null && a.request().customerId() != null) {
      p = prefetched.load(a.request().customerId(), a.request().taskId(), campaignId);
    }
    if (p == null) {
      return;
    }
    Prefetches.Prefetch loaded = p;
    if (loaded.done().isComplete()) {
      show(c, loaded); // the usual case: loaded while the phone rang, pushed with the Bridge
    } else {
      loaded.done().onComplete(x -> context.run(() -> show(c, loaded)));
    }
  }

  private void show(DeskCall c, Prefetches.Prefetch p) {
    if (!calls.current(c)) {
      return; // withdrawn meanwhile
    }
    if (p.questionnaire().succeeded()) {
      c.questionnaire = p.questionnaire().result();
    }
    Optional<Campaign> campaign = p.campaign().succeeded() ? p.campaign().result() : Optional.empty();
    campaign.ifPresent(x -> c.wrapUpSeconds = x.wrapUpSeconds());
    JsonObject customer = p.customer().succeeded() ? p.customer().result().orElse(null) : null;
    c.screen = screen(c, campaign.orElse(null), customer);
    push(c.agentId, frame(c).put("bridgedAtMicros", c.bridgedAtMicros));
    if (c.questionnaire != null) {
      createDraft(c, 1);
    } else {
      log.atError().setMessage("no questionnaire for the screen").addKeyValue("attempt", c.attemptId)
          .addKeyValue("campaign", c.campaignId)
          .addKeyValue("error", String.valueOf(p.questionnaire().cause())).log();
    }
  }

  /**
   * Inserts the survey's draft, again every {@link #DRAFT_RETRY_MILLIS} while it fails, up to {@link #DRAFT_TRIES}
   * tries. A customer bridged while the database is away (killed, restarting: DatabaseOutageIT) otherwise had no
   * draft and so no survey at all: nothing retried the insert, and the start-up's recreation of lost drafts runs
   * only at the next start. The insert is once per attempt ({@code on conflict do nothing}), so a try after one that
   * landed unseen is harmless. Each try is the call's {@code draftCreated}, so a save or submit waits for the try in
   * flight, not for the outage.
   */
  private void createDraft(DeskCall c, int tries) {
    c.draftCreated = c.agentStored.transform(stored -> responses.createDraft(c.attemptId, c.campaignId, c.taskId,
        c.customerId, c.agentId, c.questionnaire.key(), c.questionnaire.version()));
    c.draftCreated.onComplete(ar -> context.run(() -> {
      if (ar.succeeded()) {
        c.hasDraft = true;
      } else if (tries < DRAFT_TRIES && !c.hasDraft && !c.withdrawn) {
        if (tries == 1) {
          log.atWarn().setMessage("survey draft not created yet, trying again").addKeyValue("attempt", c.attemptId)
              .addKeyValue("error", ar.cause().getMessage()).log();
        }
        vertx.setTimer(DRAFT_RETRY_MILLIS, t -> context.run(() -> createDraft(c, tries + 1)));
      } else {
        log.atError().setMessage("survey draft not created").addKeyValue("attempt", c.attemptId)
            .addKeyValue("tries", tries).addKeyValue("error", ar.cause().getMessage()).log();
      }
    }));
  }

  /** Two seconds apart, for ten minutes: longer than the embedded database takes to come back. */
  static final long DRAFT_RETRY_MILLIS = 2_000;
  static final int DRAFT_TRIES = 300;

  /** The bridge failed: the agent never had this customer, and the screen goes away. */
  void withdraw(DeskCall c) {
    c.withdrawn = true;
    calls.forget(c);
    responses.withdraw(c.attemptId);
    push(c.agentId, new JsonObject().put("type", "call.withdrawn").put("attemptId", c.attemptId));
  }

  /** A page of the agent's opened: it gets the call on the agent's screen, with the answers so far. */
  void resend(long agentId) {
    DeskCall c = calls.ofAgent(agentId);
    if (c != null && c.screen != null) {
      push(agentId, frame(c));
    }
  }

  /** The screen's fixed part: campaign, customer, task, history, questionnaire and the dispositions to choose from. */
  static JsonObject screen(DeskCall c, Campaign campaign, JsonObject customer) {
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
      // task, history and a follow-up's context are their own parts of the screen
      s.put("task", customer.getValue("task")).put("history", customer.getValue("history"))
          .put("context", customer.getValue("context"));
      s.getJsonObject("customer").remove("task");
      s.getJsonObject("customer").remove("history");
      s.getJsonObject("customer").remove("context");
    }
    return s;
  }

  /** The screen as pushed and as GET /api/agent/desk answers it: with the answers so far and the call's state. */
  static JsonObject frame(DeskCall c) {
    JsonObject f = (c.screen == null ? new JsonObject().put("attemptId", c.attemptId) : c.screen.copy())
        .put("type", "call.screen").put("answers", c.answers.copy()).put("saves", c.saves)
        .put("note", c.note).put("savedAt", c.savedAt == null ? null : c.savedAt.toString())
        .put("submittedAs", c.submittedAs == null ? null : c.submittedAs.copy())
        .put("connectedAtMillis", c.bridgedAtMicros > 0 ? c.bridgedAtMicros / 1000 : null)
        .put("callUp", c.callUp).put("submitted", c.submitted).put("cut", c.cut)
        .put("endedAt", c.endedAt == null ? null : c.endedAt.toString())
        .put("wrapUpEndsAt", c.wrapUpEndsAt == null ? null : c.wrapUpEndsAt.toString());
    return f;
  }

  private void push(long userId, JsonObject message) {
    Push.toUser(vertx.eventBus(), userId, message);
  }
}
