package io.huifang.auth;

import io.huifang.web.Api;
import io.huifang.web.Push;

import io.huifang.core.Role;
import io.huifang.core.User;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** Sign in, sign out, who am I, change my password. */
public final class SessionRoutes {
  private final UserStore users;
  private final SessionStore sessions;
  private final PasswordHasher hasher;
  private final AuditLog audit;
  private final boolean cookieSecure;
  private final SignInThrottle throttle;

  public SessionRoutes(UserStore users, SessionStore sessions, PasswordHasher hasher, AuditLog audit,
                       boolean cookieSecure) {
    this(users, sessions, hasher, audit, cookieSecure, new LoginThrottle(100_000));
  }

  /** With the failed sign-ins counted in {@code throttle} (the database's, on a cluster: docs/cluster.md). */
  public SessionRoutes(UserStore users, SessionStore sessions, PasswordHasher hasher, AuditLog audit,
                       boolean cookieSecure, SignInThrottle throttle) {
    this.throttle = throttle;
    this.users = users;
    this.sessions = sessions;
    this.hasher = hasher;
    this.audit = audit;
    this.cookieSecure = cookieSecure;
  }

  public void register(Api api) {
    api.publicRoute(HttpMethod.POST, "/session", this::login);
    api.route(HttpMethod.DELETE, "/session", Role.EVERYONE, this::logout);
    api.route(HttpMethod.GET, "/me", Role.EVERYONE, this::me);
    api.route(HttpMethod.PUT, "/me/password", Role.EVERYONE, this::changePassword);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    if (body == null) {
      return;
    }
    String username = body.getValue("username") instanceof String s ? s.trim() : null;
    String password = body.getValue("password") instanceof String s ? s : null;
    if (username == null || username.isEmpty() || username.length() > 64) {
      Api.invalid(ctx, "username", "username is required (at most 64 characters)", "请输入用户名（最多 64 个字符）");
      return;
    }
    if (password == null || password.isEmpty() || password.length() > PasswordHasher.MAX_LENGTH) {
      Api.invalid(ctx, "password", "password is required", "请输入密码");
      return;
    }
    String ip = Api.clientIp(ctx);
    // Counted before the password is checked, so that guesses sent in parallel cannot all slip through.
    throttle.reserveAsync(username, ip, System.currentTimeMillis())
        .onFailure(ctx::fail)
        .onSuccess(wait -> {
          if (wait > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(wait));
            Api.json(ctx, 429, new JsonObject().put("error", "too_many_attempts")
                .put("message", "too many failed sign-ins; try again in " + wait + " s")
                .put("retryAfterSeconds", wait));
          } else {
            checkPassword(ctx, username, password, ip);
          }
        });
  }

  private void checkPassword(RoutingContext ctx, String username, String password, String ip) {
    users.credentials(username)
        .compose(found -> hasher.verify(password, found.map(UserStore.Credentials::passwordHash).orElse(null))
            .map(ok -> ok && found.get().user().active() ? found.get().user() : null))
        .onFailure(e -> {
          throttle.release(username, ip);
          ctx.fail(e);
        })
        .onSuccess(user -> {
          if (user == null) {
            audit.record(null, username, "login", username, "denied", ip, null);
            Api.error(ctx, 401, "invalid_credentials", "wrong username or password");
            return;
          }
          throttle.succeeded(username, ip);
          sessions.create(user.id(), ip, ctx.request().getHeader("User-Agent"))
              .compose(token -> users.recordLogin(user.id()).map(token))
              .onFailure(ctx::fail)
              .onSuccess(token -> {
                audit.record(user, user.username(), "login", user.username(), "ok", ip, null);
                ctx.response().addCookie(sessionCookie(token, sessions.idle()));
                Api.json(ctx, 200, new JsonObject().put("user", user.toJson()));
              });
        });
  }

  /** Event-bus address published to when a user signs out: {"userId": n}. */
  public static final String SIGNED_OUT = "huifang.session.signed-out";

  private void logout(RoutingContext ctx) {
    User user = Api.user(ctx);
    sessions.delete(Api.sessionToken(ctx)).onFailure(ctx::fail).onSuccess(v -> {
      audit.record(user, user.username(), "logout", user.username(), "ok", Api.clientIp(ctx), null);
      // The agent desk closes an agent's phone line when they sign out.
      ctx.vertx().eventBus().publish(SIGNED_OUT, new io.vertx.core.json.JsonObject().put("userId", user.id()));
      ctx.response().addCookie(sessionCookie("", Duration.ZERO)).setStatusCode(204).end();
    });
  }

  private void me(RoutingContext ctx) {
    Api.json(ctx, 200, new JsonObject().put("user", Api.user(ctx).toJson()));
  }

  private void changePassword(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    if (body == null) {
      return;
    }
    User me = Api.user(ctx);
    String current = body.getValue("currentPassword") instanceof String s ? s : null;
    String next = body.getValue("newPassword") instanceof String s ? s : null;
    PasswordHasher.Weakness weak = PasswordHasher.weakness(next);
    if (current == null) {
      Api.invalid(ctx, "currentPassword", "current password is required", "请输入当前密码");
      return;
    }
    if (weak != null) {
      Api.invalid(ctx, "newPassword", "new password " + weak.english(), "新密码" + weak.chinese());
      return;
    }
    users.credentials(me.username())
        .compose(c -> hasher.verify(current, c.map(UserStore.Credentials::passwordHash).orElse(null)))
        .compose(ok -> {
          if (!ok) {
            Api.invalid(ctx, "currentPassword", "current password is wrong", "当前密码不正确");
            return io.vertx.core.Future.succeededFuture();
          }
          return hasher.hash(next)
              .compose(h -> users.update(me.id(), null, null, null, h, false))
              // Whoever else held a session (a stolen cookie, a forgotten shared PC) is signed out; this one stays.
              .compose(u -> sessions.deleteOthersOf(me.id(), Api.sessionToken(ctx)))
              .onSuccess(ended -> Push.sessionsEnded(ctx.vertx().eventBus(), me.id(), Api.sessionToken(ctx)))
              .compose(ended -> audit.record(me, me.username(), "password.change", me.username(), "ok",
                  Api.clientIp(ctx), new JsonObject().put("otherSessionsEnded", ended)))
              .onSuccess(v -> ctx.response().setStatusCode(204).end());
        })
        .onFailure(ctx::fail);
  }

  private Cookie sessionCookie(String value, Duration maxAge) {
    return Cookie.cookie(Api.SESSION_COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(cookieSecure)
        .setSameSite(CookieSameSite.STRICT)
        .setMaxAge(maxAge.toSeconds());
  }
}
