package io.huifang.qa;

import io.huifang.core.Invalid;
import io.huifang.core.Role;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.function.Supplier;

/** The QA workspace's sampling routes (docs/qa-api.md, "Sampling"). */
public final class QaRoutes {
  private static final EnumSet<Role> READERS = EnumSet.of(Role.QA, Role.SUPERVISOR, Role.ADMIN);

  private final Supplier<QaService> qa;

  public QaRoutes(Supplier<QaService> qa) {
    this.qa = qa;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/qa/rules", READERS, this::rules);
    api.route(HttpMethod.PUT, "/qa/rules", EnumSet.of(Role.ADMIN), this::putRules);
    api.route(HttpMethod.GET, "/qa/skills", READERS, this::skills);
    api.route(HttpMethod.PUT, "/qa/skills", EnumSet.of(Role.ADMIN, Role.SUPERVISOR), this::putSkill);
  }

  private void rules(RoutingContext ctx) {
    qa.get().store().rules().onFailure(ctx::fail).onSuccess(r -> Api.json(ctx, 200, r.toJson()));
  }

  private void putRules(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    QaStore store = qa.get().store();
    store.rules().map(r -> r.merged(b))
        .compose(r -> store.saveRules(r, Api.user(ctx).id()).map(r))
        .onSuccess(r -> Api.json(ctx, 200, r.toJson()))
        .onFailure(e -> Api.fail(ctx, e));
  }

  private void skills(RoutingContext ctx) {
    QaStore store = qa.get().store();
    store.rules().compose(r -> store.skills().map(s -> new JsonObject().put("levels", r.toJson().getJsonArray("levels"))
            .put("uncertifiedLevel", r.uncertifiedLevel()).put("agents", s)))
        .onFailure(ctx::fail).onSuccess(j -> Api.json(ctx, 200, j));
  }

  private void putSkill(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("agentId") instanceof Number n) || n.longValue() <= 0) {
      Api.invalid(ctx, "agentId", "agentId: the agent's user id", "agentId 须为坐席的用户编号");
      return;
    }
    Object lv = b.getValue("level");
    if (lv != null && !(lv instanceof String)) {
      Api.invalid(ctx, "level", "level: a skill level's key, or null", "level 须为技能级别或 null");
      return;
    }
    String level = (String) lv;
    QaStore store = qa.get().store();
    store.rules().compose(r -> {
      if (level != null && r.levels().stream().noneMatch(l -> l.key().equals(level))) {
        throw new Invalid("level", "no such skill level: " + level, "没有这个技能级别：" + level);
      }
      return store.setSkill(n.longValue(), level, Api.user(ctx).id());
    }).onFailure(e -> Api.fail(ctx, e)).onSuccess(found -> {
      if (!found) {
        Api.error(ctx, 404, "not_found", "no agent " + n.longValue());
      } else {
        Api.json(ctx, 200, new JsonObject().put("agentId", n.longValue()).put("level", level));
      }
    });
  }
}
