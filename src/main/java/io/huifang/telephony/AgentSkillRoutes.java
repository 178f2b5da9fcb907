package io.huifang.telephony;

import io.huifang.auth.AuditLog;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Which campaigns each agent takes (agents shared across campaigns, issue 23): admins set them on the users page;
 * supervisors read them. An agent with none listed takes every campaign. The change reaches the agent's open line
 * at once on this node, and the other nodes at their next read of the skills.
 */
public final class AgentSkillRoutes {
  private final AgentSkillStore store;
  private final Supplier<Telephony> telephony;
  private final AuditLog audit;

  public AgentSkillRoutes(AgentSkillStore store, Supplier<Telephony> telephony, AuditLog audit) {
    this.store = store;
    this.telephony = telephony;
    this.audit = audit;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/agents/skills", EnumSet.of(Role.SUPERVISOR, Role.ADMIN), this::list);
    api.route(HttpMethod.PUT, "/agents/:id/skills", EnumSet.of(Role.ADMIN), this::set);
  }

  /** {"skills": [{"agentId": 7, "campaignIds": [1, 2]}, …]}: only agents with skills listed. */
  private void list(RoutingContext ctx) {
    store.all().onFailure(ctx::fail).onSuccess(all -> {
      JsonArray out = new JsonArray();
      new java.util.TreeMap<>(all).forEach((agent, campaigns) -> out.add(skillsJson(agent, campaigns)));
      Api.json(ctx, 200, new JsonObject().put("skills", out));
    });
  }

  /** {"campaignIds": [1, 2]}; [] takes every campaign again. */
  private void set(RoutingContext ctx) {
    Long agentId = Api.pathId(ctx);
    JsonObject b = agentId == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    Set<Long> campaigns = campaignIds(b.getValue("campaignIds"));
    if (campaigns == null) {
      Api.invalid(ctx, "campaignIds", "campaignIds must be a list of at most " + AgentSkillStore.MAX_SKILLS
          + " campaign ids", "campaignIds 必须是活动编号列表（最多 " + AgentSkillStore.MAX_SKILLS + " 个）");
      return;
    }
    store.set(agentId, campaigns).onFailure(e -> Api.fail(ctx, e)).onSuccess(saved -> {
      Telephony t = telephony.get();
      if (t != null) {
        t.skillsSet(agentId, saved);
      }
      User u = Api.user(ctx);
      audit.record(u, u.username(), "agent.skills", "user " + agentId, "ok", Api.clientIp(ctx),
          new JsonObject().put("campaignIds", new JsonArray(new java.util.ArrayList<>(saved))));
      Api.json(ctx, 200, skillsJson(agentId, saved));
    });
  }

  /** The ids asked for, or null when the value is not a short list of positive whole numbers. */
  static Set<Long> campaignIds(Object value) {
    if (!(value instanceof JsonArray arr) || arr.size() > AgentSkillStore.MAX_SKILLS) {
      return null;
    }
    Set<Long> out = new TreeSet<>();
    for (Object o : arr) {
      if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() <= 0) {
        return null;
      }
      out.add(n.longValue());
    }
    return out;
  }

  private static JsonObject skillsJson(long agent, Set<Long> campaigns) {
    return new JsonObject().put("agentId", agent)
        .put("campaignIds", new JsonArray(new java.util.ArrayList<>(campaigns)));
  }
}
