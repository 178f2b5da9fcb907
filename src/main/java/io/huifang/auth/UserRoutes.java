package io.huifang.auth;

import io.huifang.web.Api;

import io.huifang.core.Role;
import io.huifang.core.User;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.regex.Pattern;

/** User administration, for admins. */
public final class UserRoutes {
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,31}");
  /** A dial string for the agent's phone: technology/resource, no dialplan tricks. */
  /** An endpoint, optionally prefixed with the PBX it is on (pbx2:PJSIP/8001; telephony.Softphone reads it). */
  private static final Pattern SOFTPHONE =
      Pattern.compile("([A-Za-z0-9_-]{1,32}:)?(PJSIP|SIP|IAX2|Local)/[A-Za-z0-9._@-]{1,64}");

  private final UserStore users;
  private final SessionStore sessions;
  private final PasswordHasher hasher;
  private final AuditLog audit;

  public UserRoutes(UserStore users, SessionStore sessions, PasswordHasher hasher, AuditLog audit) {
    this.users = users;
    this.sessions = sessions;
    this.hasher = hasher;
    this.audit = audit;
  }

  public void register(Api api) {
    var admin = EnumSet.of(Role.ADMIN);
    api.route(HttpMethod.GET, "/users", admin, this::list);
    api.route(HttpMethod.POST, "/users", admin, this::create);
    api.route(HttpMethod.PATCH, "/users/:id", admin, this::update);
  }

  private void list(RoutingContext ctx) {
    users.list().onFailure(ctx::fail).onSuccess(list -> {
      JsonArray arr = new JsonArray();
      list.forEach(u -> arr.add(u.toJson()));
      Api.json(ctx, 200, new JsonObject().put("users", arr));
    });
  }

  private void create(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    String username = string(b, "username");
    String displayName = string(b, "displayName");
    String password = string(b, "password");
    var role = Role.parse(string(b, "role"));
    if (username == null || !USERNAME.matcher(username).matches()) {
      Api.invalid(ctx, "username", "2–32 letters, digits, '.', '_' or '-', starting with a letter or digit",
          "用户名为 2–32 个字母、数字、“.”、“_”或“-”，以字母或数字开头");
      return;
    }
    if (displayName == null || displayName.isBlank() || displayName.length() > 64) {
      Api.invalid(ctx, "displayName", "display name is required (at most 64 characters)", "请输入显示名称（最多 64 个字符）");
      return;
    }
    if (role.isEmpty()) {
      Api.invalid(ctx, "role", "role must be one of agent, qa, supervisor, admin, dealer",
            "角色必须是回访员、质检、主管、管理员或网点之一");
      return;
    }
    PasswordHasher.Weakness weak = PasswordHasher.weakness(password);
    if (weak != null) {
      Api.invalid(ctx, "password", "password " + weak.english(), "密码" + weak.chinese());
      return;
    }
    Long dealerId;
    try {
      dealerId = dealerId(b, role.get());
    } catch (io.huifang.core.Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    User admin = Api.user(ctx);
    // The admin knows this password (and may have sent it by chat): it opens nothing but the change to the user's
    // own until then (Api's guard refuses everything else with password_change_required).
    hasher.hash(password)
        .compose(h -> users.create(username, displayName.trim(), role.get(), h, true, dealerId))
        .onSuccess(u -> {
          audit.record(admin, admin.username(), "user.create", u.username(), "ok", Api.clientIp(ctx),
              new JsonObject().put("role", u.role().id()));
          Api.json(ctx, 201, new JsonObject().put("user", u.toJson()));
        })
        .onFailure(e -> {
          if (e instanceof UserStore.UsernameTakenException) {
            Api.json(ctx, 409, new JsonObject().put("error", "conflict").put("field", "username")
                .put("message", e.getMessage()));
          } else {
            Api.fail(ctx, e);
          }
        });
  }

  /**
   * The body's {@code dealerId} for a user of {@code role}: a dealer's id (a whole number) or null; only a dealer user
   * has one.
   */
  private static Long dealerId(JsonObject b, Role role) {
    Object v = b.getValue("dealerId");
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1) {
      throw new io.huifang.core.Invalid("dealerId", "dealerId must be a dealer's id or null", "网点编号必须是网点的编号或为空");
    }
    if (role != null && role != Role.DEALER) {
      throw new io.huifang.core.Invalid("dealerId", "only a dealer user belongs to a dealer", "只有网点用户可以关联网点");
    }
    return n.longValue();
  }

  private void update(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      Api.invalid(ctx, "id", "user id must be a number", "用户编号必须是数字");
      return;
    }
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    String displayName = string(b, "displayName");
    String roleText = string(b, "role");
    Boolean active = b.getValue("active") instanceof Boolean x ? x : null;
    String password = string(b, "password");
    if (b.containsKey("displayName") && (displayName == null || displayName.isBlank() || displayName.length() > 64)) {
      Api.invalid(ctx, "displayName", "display name must be 1–64 characters", "显示名称必须为 1–64 个字符");
      return;
    }
    Role role = null;
    if (b.containsKey("role")) {
      var r = Role.parse(roleText);
      if (r.isEmpty()) {
        Api.invalid(ctx, "role", "role must be one of agent, qa, supervisor, admin, dealer",
            "角色必须是回访员、质检、主管、管理员或网点之一");
        return;
      }
      role = r.get();
    }
    if (b.containsKey("active") && active == null) {
      Api.invalid(ctx, "active", "active must be true or false", "启用状态必须是 true 或 false");
      return;
    }
    PasswordHasher.Weakness weak = b.containsKey("password") ? PasswordHasher.weakness(password) : null;
    if (weak != null) {
      Api.invalid(ctx, "password", "password " + weak.english(), "密码" + weak.chinese());
      return;
    }
    String softphone = b.containsKey("softphone") ? (b.getValue("softphone") instanceof String x ? x.trim() : null)
        : null;
    if (b.containsKey("softphone") && (softphone == null || !(softphone.isEmpty() || SOFTPHONE.matcher(softphone)
        .matches()))) {
      Api.invalid(ctx, "softphone", "softphone must look like PJSIP/8001 or, on another PBX, pbx2:PJSIP/8001 (or be empty)",
          "软电话分机格式应为 PJSIP/8001，其他交换机上为 pbx2:PJSIP/8001（或留空）");
      return;
    }
    Long dealerId;
    try {
      dealerId = b.containsKey("dealerId") ? dealerId(b, role) : null;
    } catch (io.huifang.core.Invalid e) {
      Api.invalid(ctx, e);
      return;
    }
    boolean setDealer = b.containsKey("dealerId");
    User admin = Api.user(ctx);
    if (admin.id() == id && (Boolean.FALSE.equals(active) || (role != null && role != Role.ADMIN))) {
      Api.invalid(ctx, b.containsKey("active") ? "active" : "role", "you cannot remove your own admin access",
          "不能取消自己的管理员权限");
      return;
    }
    Role newRole = role;
    Future<String> hash = password == null ? Future.succeededFuture(null) : hasher.hash(password);
    hash.compose(h -> users.update(id, displayName == null ? null : displayName.trim(), newRole, active, h,
            h == null ? null : Boolean.TRUE))
        .compose(found -> softphone == null || found.isEmpty() ? Future.succeededFuture(found)
            : users.setSoftphone(id, softphone))
        .compose(found -> !setDealer || found.isEmpty() ? Future.succeededFuture(found)
            : users.setDealer(id, dealerId))
        .compose(found -> {
          if (found.isEmpty()) {
            Api.error(ctx, 404, "not_found", "no user " + id);
            return Future.succeededFuture();
          }
          User u = found.get();
          // A deactivated user or one whose password an admin reset must sign in again.
          Future<Void> end = (Boolean.FALSE.equals(active) || password != null)
              ? sessions.deleteAllOf(id).onSuccess(v -> io.huifang.web.Push.sessionsEnded(ctx.vertx().eventBus(), id,
                  null))
              : Future.succeededFuture();
          return end.compose(v -> audit.record(admin, admin.username(), "user.update", u.username(), "ok",
                  Api.clientIp(ctx), new JsonObject().put("fields", new JsonArray(new java.util.ArrayList<>(b.fieldNames())))))
              .onSuccess(v -> Api.json(ctx, 200, new JsonObject().put("user", u.toJson())));
        })
        .onFailure(e -> Api.fail(ctx, e));
  }

  private static String string(JsonObject o, String key) {
    return o.getValue(key) instanceof String s ? s : null;
  }
}
