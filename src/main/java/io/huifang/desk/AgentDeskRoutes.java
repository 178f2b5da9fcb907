package io.huifang.desk;

import io.huifang.core.Role;
import io.huifang.core.Problem;
import io.huifang.telephony.LineHolders;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The agent's survey screen: the call on screen with its answers, autosave, submit with a disposition, hang up,
 * ready / pause with a reason. Agents act only on their own calls.
 */
public final class AgentDeskRoutes {
  /** Why an agent pauses; the supervisor's view and the KPIs group by these. */
  public static final Set<String> PAUSE_REASONS = Set.of("break", "meal", "training", "meeting", "coaching",
      "technical", "other");
  /** The held operations a supervisor runs on an agent's line: {"reason": …}; 404 when the agent has no line. */
  public static final String PAUSE_AFTER_CALL = "desk.pauseAfterCall";
  public static final String CLOSE_LINE_AFTER_CALL = "desk.closeLineAfterCall";
  private static final Pattern ATTEMPT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Supplier<AgentDesk> desk;
  private final LineHolders holders;

  /**
   * With the node's {@link LineHolders}: on a cluster each request runs on the node whose desk holds the agent's line
   * and call (the owner of its PBX), whichever node the page is on; the input is checked here first.
   */
  public AgentDeskRoutes(Supplier<AgentDesk> desk, LineHolders holders) {
    this.desk = desk;
    this.holders = holders;
  }

  public void register(Api api) {
    var agents = EnumSet.of(Role.AGENT);
    holders.op("desk.show", (me, args) -> onDesk(d -> d.desk(me)));
    holders.op("desk.state", (me, args) -> onDesk(d -> d.ready(me, args.getBoolean("ready"),
        args.getLong("campaignId"), args.getString("reason"))));
    holders.op("desk.answers", (me, args) -> onDesk(d -> args.containsKey("note")
        ? d.saveDraft(me, args.getString("attemptId"), args.getJsonObject("answers"), args.getString("note"))
        : d.saveAnswers(me, args.getString("attemptId"), args.getJsonObject("answers"))));
    holders.op("desk.submit", (me, args) -> onDesk(d -> d.submit(me, args.getString("attemptId"),
        args.getJsonObject("body"))));
    holders.op("desk.hangup", (me, args) -> onDesk(d -> d.hangup(me).map(v -> new JsonObject().put("hungUp", true))));
    // A supervisor's actions on the agent (supervisor.SupervisorRoutes), run where the agent's line is held.
    holders.op(PAUSE_AFTER_CALL, (agent, args) -> onDesk(d -> d.pauseAfterCall(agent, args.getString("reason"))));
    holders.op(CLOSE_LINE_AFTER_CALL, (agent, args) -> onDesk(d -> d.closeLineAfterCall(agent,
        args.getString("reason")).map(v -> (JsonObject) null)));
    api.route(HttpMethod.GET, "/agent/desk", agents, ctx -> holders.run(ctx, "desk.show", new JsonObject()));
    api.route(HttpMethod.PUT, "/agent/state", agents, this::state);
    api.route(HttpMethod.PUT, "/agent/calls/:attemptId/answers", agents, this::save);
    api.route(HttpMethod.POST, "/agent/calls/:attemptId/submit", agents, this::submit);
    api.route(HttpMethod.POST, "/agent/call/hangup", agents, ctx -> holders.run(ctx, "desk.hangup",
        new JsonObject()));
  }

  /** Runs on the desk, its failures as the routes answer them: a state that forbids it 409, nothing such 404. */
  private Future<JsonObject> onDesk(java.util.function.Function<AgentDesk, Future<JsonObject>> work) {
    AgentDesk d = desk.get();
    if (d == null) {
      return Future.failedFuture(new Problem(503, "pbx_unavailable", "the telephony is not running"));
    }
    return work.apply(d).recover(e -> Future.failedFuture(e instanceof IllegalStateException
        ? Problem.conflict("conflict", e.getMessage())
        : e instanceof java.util.NoSuchElementException ? new Problem(404, "not_found", e.getMessage()) : e));
  }

  /** {"ready": true, "campaignId": n} or {"ready": false, "reason": "break"}. */
  private void state(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("ready") instanceof Boolean ready)) {
      Api.invalid(ctx, "ready", "ready must be true or false", "ready 必须是 true 或 false");
      return;
    }
    String reason = null;
    if (!ready) {
      reason = b.getValue("reason") == null ? "other" : String.valueOf(b.getValue("reason"));
      if (!PAUSE_REASONS.contains(reason)) {
        Api.invalid(ctx, "reason", "pause reason must be one of " + PAUSE_REASONS, "暂停原因无效");
        return;
      }
    }
    if (b.getValue("campaignId") != null && !(b.getValue("campaignId") instanceof Number)) {
      Api.invalid(ctx, "campaignId", "campaignId must be a number", "活动编号必须是数字");
      return;
    }
    Long campaignId = b.getValue("campaignId") instanceof Number n ? n.longValue() : null;
    holders.run(ctx, "desk.state", new JsonObject().put("ready", ready).put("campaignId", campaignId)
        .put("reason", reason));
  }

  /**
   * {"answers": {"itemId": value, "other": null}, "note": "…"}: the answers changed since the last save and, when
   * given, the agent's note as it stands (null or "" clears it).
   */
  private void save(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    String attemptId = b == null ? null : attemptId(ctx);
    if (attemptId == null) {
      return;
    }
    if (!(b.getValue("answers") instanceof JsonObject changes)) {
      Api.invalid(ctx, "answers", "answers must be an object of item id to answer", "answers 必须是题目到答案的对象");
      return;
    }
    JsonObject args = new JsonObject().put("attemptId", attemptId).put("answers", changes);
    if (!b.containsKey("note")) {
      holders.run(ctx, "desk.answers", args);
      return;
    }
    Object note = b.getValue("note");
    if (note != null && !(note instanceof String)) {
      Api.invalid(ctx, "note", "note must be a string", "备注必须是文本");
      return;
    }
    if (note != null && ((String) note).length() > Answers.MAX_TEXT) {
      Api.invalid(ctx, "note", "the note may have at most " + Answers.MAX_TEXT + " characters",
          "备注最多 " + Answers.MAX_TEXT + " 个字符");
      return;
    }
    holders.run(ctx, "desk.answers", args.put("note", note == null ? null : ((String) note).strip()));
  }

  /** {"disposition": "success", "answers": {...last changes}, "note": "...", "callbackAt": "...", "callbackMine": true}. */
  private void submit(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    String attemptId = b == null ? null : attemptId(ctx);
    if (attemptId != null) {
      holders.run(ctx, "desk.submit", new JsonObject().put("attemptId", attemptId).put("body", b));
    }
  }

  private static String attemptId(RoutingContext ctx) {
    String id = ctx.pathParam("attemptId");
    if (id == null || !ATTEMPT_ID.matcher(id).matches()) {
      Api.invalid(ctx, "attemptId", "not a call id", "通话编号无效");
      return null;
    }
    return id;
  }
}
