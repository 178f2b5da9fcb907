package io.huifang.auth;

import io.huifang.core.User;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Login sessions in PostgreSQL, so that a restart of the server logs nobody out. The browser holds a random
 * 256-bit token; the table holds only its SHA-256. Sessions slide: each use pushes the expiry forward.
 */
public final class SessionStore implements io.huifang.web.SessionLookup {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private final Duration idle;

  public SessionStore(Pool pool, Duration idle) {
    this.pool = pool;
    this.idle = idle;
  }

  public Duration idle() {
    return idle;
  }

  /** Creates a session and returns the token for the cookie. */
  public Future<String> create(long userId, String clientIp, String userAgent) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    String ua = userAgent == null ? null : userAgent.substring(0, Math.min(userAgent.length(), 300));
    return pool.preparedQuery("insert into user_session (token_hash, user_id, expires_at, client_ip, user_agent)"
            + " values ($1, $2, now() + make_interval(secs => $3), $4, $5)")
        .execute(Tuple.of(hash(token), userId, (double) idle.toSeconds(), clientIp, ua))
        .map(token);
  }

  /**
   * The active user behind a token, or empty. Touches the session at most once a minute, so that busy pages
   * do not turn every request into a write.
   */
  @Override
  public Future<Optional<User>> resolve(String token) {
    if (token == null || token.length() < 20 || token.length() > 100) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] h = hash(token);
    return pool.preparedQuery("with s as ("
            + " update user_session set last_seen_at = now(), expires_at = now() + make_interval(secs => $2)"
            + " where token_hash = $1 and expires_at > now()"
            + "   and last_seen_at < now() - interval '1 minute' returning user_id"
            + ") select u.id, u.username, u.display_name, u.role, u.active, u.must_change_password, u.created_at,"
            + " u.softphone, u.dealer_id"
            + " from user_session us join app_user u on u.id = us.user_id"
            + " where us.token_hash = $1 and us.expires_at > now() and u.active")
        .execute(Tuple.of(h, (double) idle.toSeconds()))
        .map(rs -> {
          var it = rs.iterator();
          return it.hasNext() ? Optional.of(UserStore.toUser(it.next())) : Optional.empty();
        });
  }

  public Future<Void> delete(String token) {
    if (token == null) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("delete from user_session where token_hash = $1").execute(Tuple.of(hash(token)))
        .mapEmpty();
  }

  /** Ends every session of a user (deactivated, password changed by an admin). */
  public Future<Void> deleteAllOf(long userId) {
    return pool.preparedQuery("delete from user_session where user_id = $1").execute(Tuple.of(userId)).mapEmpty();
  }

  /** Ends every session of a user but {@code keepToken}'s (their own password change: the other devices sign in again). */
  public Future<Integer> deleteOthersOf(long userId, String keepToken) {
    return pool.preparedQuery("delete from user_session where user_id = $1 and token_hash <> $2")
        .execute(Tuple.of(userId, hash(keepToken == null ? "" : keepToken))).map(rs -> rs.rowCount());
  }

  public Future<Integer> purgeExpired() {
    return pool.query("delete from user_session where expires_at < now()").execute().map(rs -> rs.rowCount());
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
