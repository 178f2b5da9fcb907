package io.huifang.campaign;

import static io.huifang.web.Api.fail;
import static io.huifang.web.Api.pathId;

import io.huifang.auth.AuditLog;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.core.Invalid;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Campaign CRUD. Admins define campaigns; supervisors read them and may steer pacing (dial mode, abandonment
 * target) through their own narrower route.
 */
public final class CampaignRoutes {
  private final CampaignStore campaigns;
  private final AuditLog audit;
  private final QuestionnaireKeys questionnaires;

  /**
   * Whether a questionnaire key names an existing questionnaire (survey, a peer, knows; the wiring asks it). Fails
   * only when it cannot tell.
   */
  @FunctionalInterface
  public interface QuestionnaireKeys {
    io.vertx.core.Future<Boolean> exists(String key);
  }

  public CampaignRoutes(CampaignStore campaigns, AuditLog audit) {
    this(campaigns, audit, key -> io.vertx.core.Future.succeededFuture(true));
  }

  public CampaignRoutes(CampaignStore campaigns, AuditLog audit, QuestionnaireKeys questionnaires) {
    this.campaigns = campaigns;
    this.audit = audit;
    this.questionnaires = questionnaires;
  }

  public void register(Api api) {
    var readers = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
    var admin = EnumSet.of(Role.ADMIN);
    api.route(HttpMethod.GET, "/campaigns", readers, this::list);
    api.route(HttpMethod.GET, "/campaigns/:id", readers, this::get);
    api.route(HttpMethod.POST, "/campaigns", admin, this::create);
    api.route(HttpMethod.PUT, "/campaigns/:id", admin, this::update);
    api.route(HttpMethod.PATCH, "/campaigns/:id/pacing", readers, this::pacing);
  }

  private void list(RoutingContext ctx) {
    java.time.Instant now = java.time.Instant.now();
    campaigns.list().compose(list -> campaigns.secondCallbackIds().map(ids -> {
      JsonArray arr = new JsonArray();
      list.forEach(c -> arr.add(withPurpose(c.toJson(), ids).put("calling", c.callingJson(now))));
      return arr;
    })).onFailure(ctx::fail).onSuccess(arr -> {
      Api.json(ctx, 200, new JsonObject().put("campaigns", arr));
    });
  }

  private void get(RoutingContext ctx) {
    Long id = pathId(ctx);
    if (id != null) {
      campaigns.get(id).compose(c -> campaigns.secondCallbackIds().map(ids -> c.map(x -> withPurpose(x.toJson(), ids))))
          .onFailure(ctx::fail).onSuccess(c -> {
            if (c.isPresent()) {
              Api.json(ctx, 200, new JsonObject().put("campaign", c.get()));
            } else {
              Api.error(ctx, 404, "not_found", "no campaign " + id);
            }
          });
    }
  }

  /** {@code purpose}: "second_callback" for the campaigns of 二次回访 (made by FollowUps), else "survey". */
  private static JsonObject withPurpose(JsonObject campaign, java.util.Set<Long> secondCallbacks) {
    return campaign.put("purpose", secondCallbacks.contains(campaign.getLong("id")) ? "second_callback" : "survey");
  }

  private void create(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    Campaign c;
    try {
      c = Campaign.fromJson(b, null);
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    knownQuestionnaire(c.questionnaire()).compose(v -> campaigns.create(c)).onFailure(e -> fail(ctx, e)).onSuccess(saved -> {
      record(ctx, "campaign.create", saved);
      Api.json(ctx, 201, new JsonObject().put("campaign", saved.toJson()));
    });
  }

  private void update(RoutingContext ctx) {
    Long id = pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    update(ctx, id, b, "campaign.update");
  }

  /** Only the pacing fields: what a supervisor steers during the day. */
  private void pacing(RoutingContext ctx) {
    Long id = pathId(ctx);
    JsonObject b = id == null ? null : Api.body(ctx);
    if (b == null) {
      return;
    }
    for (String key : b.fieldNames()) {
      if (!key.equals("dialMode") && !key.equals("abandonTarget") && !key.equals("amd") && !key.equals("ringCut")
          && !key.equals("priority")) {
        Api.invalid(ctx, key, "only dialMode, abandonTarget, amd, ringCut and priority may be changed here",
            "此处只能修改外呼模式、放弃率目标、答录机检测、提前挂断振铃和优先级");
        return;
      }
    }
    update(ctx, id, b, "campaign.pacing");
  }

  /** Applies {@code b} over the stored campaign (fields left out keep their values). */
  private void update(RoutingContext ctx, long id, JsonObject b, String action) {
    // Only a key the request names is checked: a stored one stays valid (the page offers the list of them).
    String asked = b.getValue("questionnaire") instanceof String q && !q.isBlank() ? q.trim() : null;
    knownQuestionnaire(asked).compose(v -> campaigns.get(id))
        .compose(found -> found.isEmpty() ? io.vertx.core.Future.succeededFuture(Optional.<Campaign>empty())
            : campaigns.update(Campaign.fromJson(b, found.get())))
        .onFailure(e -> fail(ctx, e)).onSuccess(c -> {
          c.ifPresent(saved -> record(ctx, action, saved));
          answer(ctx, 200, c, id);
        });
  }

  /** Succeeds for none or an existing questionnaire; fails with {@link Invalid} naming the field otherwise. */
  private io.vertx.core.Future<Void> knownQuestionnaire(String key) {
    if (key == null) {
      return io.vertx.core.Future.succeededFuture();
    }
    return questionnaires.exists(key).compose(found -> found ? io.vertx.core.Future.<Void>succeededFuture()
        : io.vertx.core.Future.failedFuture(new Invalid("questionnaire", "no questionnaire " + key
            + " (choose one of GET /api/questionnaires, or none for the default)", "没有问卷 " + key + "（请从问卷列表中选择，或留空使用默认问卷）")));
  }

  private static void answer(RoutingContext ctx, int status, Optional<Campaign> c, long id) {
    if (c.isPresent()) {
      Api.json(ctx, status, new JsonObject().put("campaign", c.get().toJson()));
    } else {
      Api.error(ctx, 404, "not_found", "no campaign " + id);
    }
  }

  private void record(RoutingContext ctx, String action, Campaign c) {
    User u = Api.user(ctx);
    audit.record(u, u.username(), action, "campaign " + c.id(), "ok", Api.clientIp(ctx),
        new JsonObject().put("name", c.name()));
  }
}
