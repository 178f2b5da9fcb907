package io.huifang.supervisor;

import io.huifang.auth.UserStore;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.telephony.LineHolders;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.function.Supplier;

/**
 * Listening in on agents' calls (docs/supervisor-api.md, "Listening in"): start, hang up, the log. The spy call is
 * placed and followed by the node owning the PBX of the agent's call; on a cluster a start or a hang-up made on
 * another node is sent there ({@link LineHolders}, docs/cluster.md "Requests held elsewhere") and runs as the
 * supervisor, whose page gets the pushes wherever it is. The log is the database's, read on any node.
 */
public final class SupervisorListenRoutes {
  private static final EnumSet<Role> SUPERVISORS = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
  /** Operations run on the PBX's owner for a supervisor whose page is on another node. */
  static final String START = "supervisor.listen.start";
  static final String STOP = "supervisor.listen.stop";

  private final Supplier<Listening> listening;
  private final LineHolders lines;
  private final UserStore users;

  public SupervisorListenRoutes(Supplier<Listening> listening, LineHolders lines, UserStore users) {
    this.listening = listening;
    this.lines = lines;
    this.users = users;
  }

  public void register(Api api) {
    lines.op(START, (supervisorId, args) -> supervisor(supervisorId).compose(me -> onListening(l -> l.listen(me,
        args.getLong("agentId"), args.getString("mode"), args.getString("clientIp"))))
        .map(id -> new JsonObject().put("spyId", id)));
    lines.op(STOP, (supervisorId, args) -> supervisor(supervisorId).compose(me -> onListening(l -> l.stop(
        args.getLong("spyId"), me))).map(v -> (JsonObject) null));
    api.route(HttpMethod.POST, "/supervisor/listen", SUPERVISORS, this::start);
    api.route(HttpMethod.DELETE, "/supervisor/listen/:spyId", SUPERVISORS, this::stop);
    api.route(HttpMethod.GET, "/supervisor/listen", SUPERVISORS, this::log);
  }

  private void start(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("agentId") instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() <= 0) {
      Api.invalid(ctx, "agentId", "agentId must be an agent's id", "agentId 必须是回访员的编号");
      return;
    }
    if (!(b.getValue("mode") instanceof String mode) || !Listening.MODES.contains(mode)) {
      Api.invalid(ctx, "mode", "mode must be listen, whisper or barge", "mode 应为 listen（监听）、whisper（耳语）或 barge（强插）");
      return;
    }
    User me = Api.user(ctx);
    long agentId = n.longValue();
    String clientIp = Api.clientIp(ctx);
    agentsPbxElsewhere(agentId).compose(pbx -> pbx == null
            ? onListening(l -> l.listen(me, agentId, mode, clientIp))
            : lines.callOn(pbx, START, me.id(), new JsonObject().put("agentId", agentId).put("mode", mode)
                .put("clientIp", clientIp)).map(answer -> answer.getLong("spyId")))
        .onSuccess(id -> Api.json(ctx, 200, new JsonObject().put("spyId", id)))
        .onFailure(e -> Api.fail(ctx, e));
  }

  /**
   * The PBX whose owner, another node, holds the agent's line (where their call would be); null to start here: one
   * node, an agent's line held here, or no such agent (refused here as on one node).
   */
  private Future<String> agentsPbxElsewhere(long agentId) {
    if (!lines.acrossNodes()) {
      return Future.succeededFuture(null);
    }
    return users.byId(agentId).map(u -> u.isEmpty() || u.get().role() != Role.AGENT ? null
        : lines.pbxElsewhere(u.get()));
  }

  private void stop(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("spyId"));
    } catch (NumberFormatException e) {
      Api.invalid(ctx, "spyId", "spyId must be a number", "spyId 必须是数字");
      return;
    }
    User me = Api.user(ctx);
    spysPbxElsewhere(id).compose(pbx -> pbx == null ? onListening(l -> l.stop(id, me))
            : lines.callOn(pbx, STOP, me.id(), new JsonObject().put("spyId", id)).mapEmpty())
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> Api.fail(ctx, e));
  }

  /**
   * The PBX whose owner, another node, follows the spy call (its row's PBX) while it is up; null to answer here: one
   * node, a spy call on a PBX this node owns, one ended already or none (404 here).
   */
  private Future<String> spysPbxElsewhere(long id) {
    Listening l = listening.get();
    if (l == null || !lines.acrossNodes()) {
      return Future.succeededFuture(null);
    }
    return l.store().one(id).map(row -> row == null || row.getString("endedAt") != null ? null
        : lines.pbxElsewhere(row.getString("pbx")));
  }

  private void log(RoutingContext ctx) {
    String v = ctx.request().getParam("limit");
    int limit = 50;
    if (v != null && !v.isBlank()) {
      try {
        limit = Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 500) {
        Api.invalid(ctx, "limit", "limit must be 1 to 500", "limit 应为 1 到 500");
        return;
      }
    }
    int n = limit;
    onListening(l -> l.log(n)).onSuccess(rows -> Api.json(ctx, 200, new JsonObject().put("calls", rows)))
        .onFailure(e -> Api.fail(ctx, e));
  }

  /** The listening service; 503 while the server starts. */
  private <T> Future<T> onListening(java.util.function.Function<Listening, Future<T>> work) {
    Listening l = listening.get();
    return l == null ? Future.failedFuture(new Problem(503, "unavailable", "starting up")) : work.apply(l);
  }

  /** On the PBX's owner: the supervisor a request from another node's page runs as, as the database has them now. */
  private Future<User> supervisor(long id) {
    return users.byId(id).compose(u -> u.isPresent() && u.get().active() && SUPERVISORS.contains(u.get().role())
        ? Future.succeededFuture(u.get())
        : Future.failedFuture(new Problem(403, "forbidden", "not a supervisor")));
  }
}
