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
    api.route(HttpMethod.GET, "/qa/samples", READERS, this::list);
    api.route(HttpMethod.POST, "/qa/samples", EnumSet.of(Role.QA, Role.SUPERVISOR), this::pull);
    api.route(HttpMethod.GET, "/qa/samples/:id", READERS, this::detail);
    api.route(HttpMethod.POST, "/qa/samples/:id/claim", EnumSet.of(Role.QA), this::claim);
    api.route(HttpMethod.DELETE, "/qa/samples/:id/claim", EnumSet.of(Role.QA, Role.SUPERVISOR), this::release);
    api.route(HttpMethod.GET, "/qa/months/:month/draw", READERS, this::draw);
    api.route(HttpMethod.POST, "/qa/months/:month/redraw-check", EnumSet.of(Role.SUPERVISOR, Role.ADMIN),
        this::redrawCheck);
    api.route(HttpMethod.GET, "/qa/rules", READERS, this::rules);
    api.route(HttpMethod.PUT, "/qa/rules", EnumSet.of(Role.ADMIN), this::putRules);
    api.route(HttpMethod.GET, "/qa/skills", READERS, this::skills);
    api.route(HttpMethod.PUT, "/qa/skills", EnumSet.of(Role.ADMIN, Role.SUPERVISOR), this::putSkill);
  }

  private static final java.util.Set<String> REASONS = java.util.Set.of("quota", "needs_review", "first_days",
      "skill_share", "complaint", "suspicious", "manual");
  private static final java.util.Set<String> STATUSES = java.util.Set.of("open", "claimed", "evaluated");
  private static final java.util.regex.Pattern MONTH = java.util.regex.Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");
  private static final java.util.regex.Pattern ATTEMPT = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private void list(RoutingContext ctx) {
    QaStore.Filter f;
    try {
      String month = param(ctx, "month");
      if (month != null && !MONTH.matcher(month).matches()) {
        throw new Invalid("month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      }
      String reason = param(ctx, "reason");
      if (reason != null && !REASONS.contains(reason)) {
        throw new Invalid("reason", "reason: one of " + new java.util.TreeSet<>(REASONS), "抽检原因不正确");
      }
      String status = param(ctx, "status");
      if (status != null && !STATUSES.contains(status)) {
        throw new Invalid("status", "status: open, claimed or evaluated", "状态应为 open、claimed 或 evaluated");
      }
      java.time.LocalDate date = null;
      if (param(ctx, "date") != null) {
        try {
          date = java.time.LocalDate.parse(param(ctx, "date"));
        } catch (java.time.format.DateTimeParseException e) {
          throw new Invalid("date", "date must be YYYY-MM-DD", "日期格式应为 YYYY-MM-DD");
        }
      }
      boolean mine = "true".equals(param(ctx, "mine"));
      f = new QaStore.Filter(month, idParam(ctx, "campaignId"), idParam(ctx, "agentId"), idParam(ctx, "dealerId"),
          reason, status, mine ? Api.user(ctx).id() : null, date, Api.intParam(ctx, "limit", 50, 1, 200),
          Api.intParam(ctx, "offset", 0, 0, 1_000_000));
    } catch (Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    QaService service = qa.get();
    service.store().expireClaims(java.time.Instant.now())
        .compose(n -> service.store().list(f))
        .compose(page -> withEvaluations(service, page.getJsonArray("samples")).map(page))
        .onFailure(ctx::fail).onSuccess(page -> Api.json(ctx, 200, page));
  }

  /** Fills each sample's latest evaluation from the evaluation side (none until it is wired). */
  private static io.vertx.core.Future<Void> withEvaluations(QaService service, io.vertx.core.json.JsonArray samples) {
    java.util.List<Long> ids = new java.util.ArrayList<>();
    samples.forEach(o -> ids.add(((JsonObject) o).getLong("id")));
    if (ids.isEmpty()) {
      return io.vertx.core.Future.succeededFuture();
    }
    return service.evaluations().latestBySample(ids).map(byId -> {
      samples.forEach(o -> {
        JsonObject s = (JsonObject) o;
        s.put("evaluation", byId.get(s.getLong("id")));
      });
      return null;
    });
  }

  private void detail(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    QaService service = qa.get();
    service.store().expireClaims(java.time.Instant.now()).compose(n -> service.store().sample(id))
        .compose(opt -> {
          if (opt.isEmpty()) {
            return io.vertx.core.Future.succeededFuture((JsonObject) null);
          }
          io.vertx.core.json.JsonArray one = new io.vertx.core.json.JsonArray().add(opt.get());
          return withEvaluations(service, one).compose(v -> service.store().detail(opt.get()))
              .compose(d -> service.evaluations().ofSample(id).map(ev -> d.put("evaluations", ev)));
        })
        .onFailure(ctx::fail).onSuccess(d -> {
          if (d == null) {
            Api.error(ctx, 404, "not_found", "no sample " + id);
          } else {
            Api.json(ctx, 200, d);
          }
        });
  }

  private void claim(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    QaStore store = qa.get().store();
    java.time.Instant now = java.time.Instant.now();
    store.rules().compose(r -> store.claim(id, Api.user(ctx).id(), r.claimLimit(), now,
            now.plus(java.time.Duration.ofHours(r.claimExpiryHours()))).map(res -> java.util.Map.entry(r, res)))
        .onFailure(ctx::fail).onSuccess(e -> {
          QaStore.ClaimResult res = e.getValue();
          if (res.refusal() == null) {
            Api.json(ctx, 200, res.sample().orElseThrow());
            return;
          }
          switch (res.refusal()) {
            case "not_found" -> Api.error(ctx, 404, "not_found", "no sample " + id);
            case "claimed" -> Api.json(ctx, 409, new JsonObject().put("error", "claimed")
                .put("message", "already claimed by " + res.holder()).put("claimedBy", res.holder()));
            case "claim_limit" -> Api.json(ctx, 409, new JsonObject().put("error", "claim_limit")
                .put("message", "you hold " + e.getKey().claimLimit() + " claims, the limit: finish or release one")
                .put("limit", e.getKey().claimLimit()));
            default -> Api.error(ctx, 409, res.refusal(), "the sample is " + res.refusal());
          }
        });
  }

  private void release(RoutingContext ctx) {
    Long id = Api.pathId(ctx);
    if (id == null) {
      return;
    }
    var u = Api.user(ctx);
    qa.get().store().release(id, u.id(), u.role() == Role.SUPERVISOR).onFailure(ctx::fail).onSuccess(res -> {
      if ("not_found".equals(res.refusal())) {
        Api.error(ctx, 404, "not_found", "no sample " + id);
      } else if (res.refusal() != null) {
        Api.error(ctx, 403, "not_claimer", "claimed by " + res.holder() + ": only they or a supervisor release it");
      } else {
        Api.json(ctx, 200, res.sample().orElseThrow());
      }
    });
  }

  private void pull(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    if (!(b.getValue("attemptId") instanceof String attempt) || !ATTEMPT.matcher(attempt).matches()) {
      Api.invalid(ctx, "attemptId", "attemptId: the call's attempt id", "attemptId 须为通话编号");
      return;
    }
    Object n = b.getValue("note");
    if (n != null && (!(n instanceof String) || ((String) n).length() > 2000)) {
      Api.invalid(ctx, "note", "note: text of at most 2000 characters", "备注最多 2000 个字符");
      return;
    }
    String note = n == null || ((String) n).isBlank() ? null : ((String) n).strip();
    qa.get().store().pull(attempt, note, Api.user(ctx).id()).onFailure(ctx::fail).onSuccess(opt -> {
      if (opt.isEmpty()) {
        Api.error(ctx, 404, "not_found", "no ready recording of call " + attempt + " with its agent and campaign");
      } else {
        Api.json(ctx, opt.get().getValue() ? 201 : 200, opt.get().getKey());
      }
    });
  }

  private String month(RoutingContext ctx) {
    String m = ctx.pathParam("month");
    if (m == null || !MONTH.matcher(m).matches()) {
      Api.invalid(ctx, "month", "month must be YYYY-MM", "月份格式应为 YYYY-MM");
      return null;
    }
    return m;
  }

  private void draw(RoutingContext ctx) {
    String m = month(ctx);
    if (m != null) {
      qa.get().explain(m).onFailure(ctx::fail).onSuccess(j -> Api.json(ctx, 200, j));
    }
  }

  private void redrawCheck(RoutingContext ctx) {
    String m = month(ctx);
    if (m != null) {
      qa.get().redrawCheck(m).onFailure(ctx::fail).onSuccess(j -> Api.json(ctx, 200, j));
    }
  }

  private static String param(RoutingContext ctx, String name) {
    return Api.queryParam(ctx, name);
  }

  private static Long idParam(RoutingContext ctx, String name) {
    String v = param(ctx, name);
    if (v == null) {
      return null;
    }
    try {
      long id = Long.parseLong(v);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new Invalid(name, name + " must be a number", name + " 必须是数字");
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
