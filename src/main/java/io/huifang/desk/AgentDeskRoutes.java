package io.huifang.desk;

import io.huifang.core.Role;
import io.huifang.core.Invalid;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.NoSuchElementException;
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
  private static final Pattern ATTEMPT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Supplier<AgentDesk> desk;

  public AgentDeskRoutes(Supplier<AgentDesk> desk) {
    this.desk = desk;
  }

  public void register(Api api) {
    var agents = EnumSet.of(Role.AGENT);
    api.route(HttpMethod.GET, "/agent/desk", agents, this::show);
    api.route(HttpMethod.PUT, "/agent/state", agents, this::state);
    api.route(HttpMethod.PUT, "/agent/calls/:attemptId/answers", agents, this::save);
    api.route(HttpMethod.POST, "/agent/calls/:attemptId/submit", agents, this::submit);
    api.route(HttpMethod.POST, "/agent/call/hangup", agents, this::hangup);
  }

  private AgentDesk desk(RoutingContext ctx) {
    AgentDesk d = desk.get();
    if (d == null) {
      Api.error(ctx, 503, "pbx_unavailable", "the telephony is not running");
    }
    return d;
  }

  private void show(RoutingContext ctx) {
    AgentDesk d = desk(ctx);
    if (d != null) {
      answer(ctx, d.desk(Api.user(ctx).id()));
    }
  }

  /** {"ready": true, "campaignId": n} or {"ready": false, "reason": "break"}. */
  private void state(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    AgentDesk d = b == null ? null : desk(ctx);
    if (d == null) {
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
    answer(ctx, d.ready(Api.user(ctx).id(), ready, campaignId, reason));
  }

  /**
   * {"answers": {"itemId": value, "other": null}, "note": "…"}: the answers changed since the last save and, when
   * given, the agent's note as it stands (null or "" clears it).
   */
  private void save(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    String attemptId = attemptId(ctx);
    AgentDesk d = b == null || attemptId == null ? null : desk(ctx);
    if (d == null) {
      return;
    }
    if (!(b.getValue("answers") instanceof JsonObject changes)) {
      Api.invalid(ctx, "answers", "answers must be an object of item id to answer", "answers 必须是题目到答案的对象");
      return;
    }
    if (!b.containsKey("note")) {
      answer(ctx, d.saveAnswers(Api.user(ctx).id(), attemptId, changes));
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
    answer(ctx, d.saveDraft(Api.user(ctx).id(), attemptId, changes, note == null ? null : ((String) note).strip()));
  }

  /** {"disposition": "success", "answers": {...last changes}, "note": "...", "callbackAt": "...", "callbackMine": true}. */
  private void submit(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    String attemptId = attemptId(ctx);
    AgentDesk d = b == null || attemptId == null ? null : desk(ctx);
    if (d != null) {
      answer(ctx, d.submit(Api.user(ctx).id(), attemptId, b));
    }
  }

  private void hangup(RoutingContext ctx) {
    AgentDesk d = desk(ctx);
    if (d != null) {
      answer(ctx, d.hangup(Api.user(ctx).id()).map(v -> new JsonObject().put("hungUp", true)));
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

  private static void answer(RoutingContext ctx, Future<JsonObject> f) {
    f.onSuccess(o -> Api.json(ctx, 200, o)).onFailure(e -> {
      if (e instanceof Invalid inv) {
        Api.invalid(ctx, inv);
      } else if (e instanceof IllegalStateException) {
        Api.error(ctx, 409, "conflict", e.getMessage());
      } else if (e instanceof NoSuchElementException) {
        Api.error(ctx, 404, "not_found", e.getMessage());
      } else {
        ctx.fail(e);
      }
    });
  }
}
