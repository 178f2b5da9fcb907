package io.huifang.telephony;

import io.huifang.core.User;
import io.huifang.db.lease.Leases;
import io.huifang.web.Api;
import io.huifang.web.HeldElsewhere;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Which node serves an agent's requests ({@code /api/agent/...}, docs/cluster.md "Requests held elsewhere"): the
 * agent's line, its calls and the desk that follows them live on the node owning the line's PBX (its lease
 * {@code pbx:<name>}). One node serves everything itself, as always. On a cluster, a request whose agent's line is
 * open here, or whose PBX (the line's, else the softphone's) this node owns, is served here; any other is sent to the
 * PBX's owner ({@link HeldElsewhere}). Each node serves, once a second, the PBXes it owns at that moment.
 */
public final class LineHolders {
  /** How often the node checks which PBXes it owns, to serve or stop serving their agents' requests. */
  static final long SYNC_MS = 1_000;

  private final Vertx vertx;
  private final Supplier<Telephony> telephony;
  private final boolean emulator;
  private final HeldElsewhere held;

  public LineHolders(Vertx vertx, Supplier<Telephony> telephony, boolean emulator) {
    this.vertx = vertx;
    this.telephony = telephony;
    this.emulator = emulator;
    this.held = new HeldElsewhere(vertx, this::owns);
    if (vertx.isClustered()) {
      vertx.setPeriodic(SYNC_MS, t -> serveOwned());
    }
  }

  /** Registers an operation the routes run here or on the holder. */
  public void op(String name, HeldElsewhere.Op op) {
    held.op(name, op);
  }

  /** Runs the agent's operation where their line is held (here, or on the owner of its PBX) and answers the page. */
  public void run(RoutingContext ctx, String op, JsonObject args) {
    String pbx = vertx.isClustered() ? elsewhere(Api.user(ctx)) : null;
    held.run(ctx, pbx == null ? null : Leases.PBX + pbx, "PBX " + pbx, op, args);
  }

  /**
   * Runs an operation on {@code agent}'s line where it is held (a supervisor acting on the agent): its answer, or its
   * failure as it failed there.
   */
  public Future<JsonObject> call(User agent, String op, JsonObject args) {
    String pbx = vertx.isClustered() ? elsewhere(agent) : null;
    return held.call(pbx == null ? null : Leases.PBX + pbx, "PBX " + pbx, op, agent.id(), args);
  }

  /** Whether there are other nodes (a cluster): else everything is served here. */
  public boolean acrossNodes() {
    return vertx.isClustered();
  }

  /**
   * The PBX (by name) whose owner, another node, holds (or would hold) {@code agent}'s line; null when this node
   * serves it, and always on one node. For a supervisor's action that runs as the supervisor, not as the agent.
   */
  public String pbxElsewhere(User agent) {
    return vertx.isClustered() ? elsewhere(agent) : null;
  }

  /** {@code pbx} when another node owns it (a cluster, a PBX this node knows and does not own now); else null. */
  public String pbxElsewhere(String pbx) {
    if (!vertx.isClustered() || pbx == null) {
      return null;
    }
    Telephony t = telephony.get();
    AnsweredCalls.Pbx p = t == null ? null : t.pbx(pbx);
    return p == null || p.tracker().owned() ? null : p.name();
  }

  /**
   * Runs {@code op} for {@code userId} on the node owning {@code pbx} (another node: {@link #pbxElsewhere}): its
   * answer, or its failure as it failed there (503 {@code holder_unavailable} when no node serves the PBX).
   */
  public Future<JsonObject> callOn(String pbx, String op, long userId, JsonObject args) {
    return held.call(Leases.PBX + pbx, "PBX " + pbx, op, userId, args);
  }

  /** The agent's softphone; with the emulator every agent has one on the first PBX by default. */
  public Softphone softphone(long userId, String setting) {
    Softphone set = Softphone.parse(setting);
    if (set == null && emulator) {
      return new Softphone(null, "PJSIP/agent-" + userId);
    }
    return set;
  }

  /** The PBX (by name) another node owns that holds, or would hold, the agent's line; null to serve here. */
  private String elsewhere(User u) {
    Telephony t = telephony.get();
    if (t == null) {
      return null;
    }
    AnsweredCalls.Pbx open = t.pbxOfAgent(u.id());
    if (open != null && open.lines().line(u.id()).state() != AgentLines.LineState.DOWN) {
      return null;
    }
    Softphone softphone = softphone(u.id(), u.softphone());
    AnsweredCalls.Pbx pbx = softphone == null ? open : t.pbxOf(softphone);
    return pbx == null || pbx.tracker().owned() ? null : pbx.name();
  }

  /** Whether this node owns the PBX of the lease {@code pbx:<name>} now. */
  private boolean owns(String lease) {
    Telephony t = telephony.get();
    AnsweredCalls.Pbx p = t == null || !lease.startsWith(Leases.PBX) ? null
        : t.pbx(lease.substring(Leases.PBX.length()));
    return p != null && p.tracker().owned();
  }

  private void serveOwned() {
    Telephony t = telephony.get();
    if (t == null) {
      return;
    }
    for (AnsweredCalls.Pbx p : t.all()) {
      held.serve(Leases.PBX + p.name(), p.tracker().owned());
    }
  }
}
