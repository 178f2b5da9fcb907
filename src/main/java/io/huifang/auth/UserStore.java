package io.huifang.auth;

import io.huifang.core.Role;
import io.huifang.core.User;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Users in PostgreSQL. All SQL about users lives here. */
public final class UserStore {
  private static final String COLUMNS =
      "id, username, display_name, role, active, must_change_password, created_at, softphone, dealer_id";

  /** A user and the stored hash, for the login check only. */
  public record Credentials(User user, String passwordHash) {
  }

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Long> count() {
    return pool.query("select count(*) from app_user").execute().map(rs -> rs.iterator().next().getLong(0));
  }

  public Future<Optional<Credentials>> credentials(String username) {
    return pool.preparedQuery("select " + COLUMNS + ", password_hash from app_user where lower(username) = lower($1)")
        .execute(Tuple.of(username))
        .map(rs -> first(rs).map(r -> new Credentials(toUser(r), r.getString("password_hash"))));
  }

  public Future<Optional<User>> byId(long id) {
    return pool.preparedQuery("select " + COLUMNS + " from app_user where id = $1").execute(Tuple.of(id))
        .map(rs -> first(rs).map(UserStore::toUser));
  }

  public Future<List<User>> list() {
    return pool.query("select " + COLUMNS + " from app_user order by role, username").execute().map(rs -> {
      List<User> users = new ArrayList<>();
      rs.forEach(r -> users.add(toUser(r)));
      return users;
    });
  }

  /** Fails with {@link UsernameTakenException} when the name exists (in any letter case). */
  public Future<User> create(String username, String displayName, Role role, String passwordHash,
                             boolean mustChangePassword) {
    return create(username, displayName, role, passwordHash, mustChangePassword, null);
  }

  /**
   * A user, a dealer user with its dealer ({@code dealerId}, else null) in the same insert: no dealer user is left
   * without its dealer because the dealer named did not exist ({@link io.huifang.core.Invalid} {@code dealerId}).
   */
  public Future<User> create(String username, String displayName, Role role, String passwordHash,
                             boolean mustChangePassword, Long dealerId) {
    return pool.preparedQuery("insert into app_user (username, display_name, role, password_hash, must_change_password,"
            + " dealer_id) values ($1, $2, $3, $4, $5, $6) returning " + COLUMNS)
        .execute(Tuple.of(username, displayName, role.id(), passwordHash, mustChangePassword, dealerId))
        .map(rs -> toUser(rs.iterator().next()))
        .recover(e -> e.getMessage() != null && e.getMessage().contains("app_user_username_key")
            ? Future.failedFuture(new UsernameTakenException(username)) : dealerRefused(e, dealerId));
  }

  /** Sets (or with an empty string clears) the softphone endpoint dialled to open the agent's line. */
  public Future<Optional<User>> setSoftphone(long id, String endpoint) {
    return pool.preparedQuery("update app_user set softphone = nullif($2, ''), updated_at = now() where id = $1"
            + " returning " + COLUMNS)
        .execute(Tuple.of(id, endpoint)).map(rs -> first(rs).map(UserStore::toUser));
  }

  /**
   * Ties a dealer user to its dealer (null: to none). Fails with {@link io.huifang.core.Invalid} naming
   * {@code dealerId} when the user is not a dealer user or there is no such dealer.
   */
  public Future<Optional<User>> setDealer(long id, Long dealerId) {
    return pool.preparedQuery("update app_user set dealer_id = $2, updated_at = now() where id = $1 returning " + COLUMNS)
        .execute(Tuple.of(id, dealerId)).map(rs -> first(rs).map(UserStore::toUser))
        .recover(e -> dealerRefused(e, dealerId));
  }

  /** The database's refusal of a user's dealer as the 400 naming {@code dealerId}; any other failure as it is. */
  private static <T> Future<T> dealerRefused(Throwable e, Long dealerId) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("app_user_dealer_only_for_dealers")) {
      return Future.failedFuture(new io.huifang.core.Invalid("dealerId", "only a dealer user belongs to a dealer",
          "只有网点用户可以关联网点"));
    }
    if (m.contains("app_user_dealer_id_fkey")) {
      return Future.failedFuture(new io.huifang.core.Invalid("dealerId", "no dealer " + dealerId,
          "网点 " + dealerId + " 不存在"));
    }
    return Future.failedFuture(e);
  }

  /** Applies the non-null changes; returns the user after the update, or empty if there is no such user. */
  public Future<Optional<User>> update(long id, String displayName, Role role, Boolean active, String passwordHash,
                                       Boolean mustChangePassword) {
    return pool.preparedQuery("update app_user set"
            + " display_name = coalesce($2, display_name),"
            + " role = coalesce($3, role),"
            + " active = coalesce($4, active),"
            + " password_hash = coalesce($5, password_hash),"
            + " must_change_password = coalesce($6, must_change_password),"
            // A user who stops being a dealer user stops belonging to a dealer.
            + " dealer_id = case when $3::text is null or $3::text = 'dealer' then dealer_id end,"
            + " updated_at = now()"
            + " where id = $1 returning " + COLUMNS)
        .execute(Tuple.of(id, displayName, role == null ? null : role.id(), active, passwordHash, mustChangePassword))
        .map(rs -> first(rs).map(UserStore::toUser));
  }

  public Future<Void> recordLogin(long id) {
    return pool.preparedQuery("update app_user set last_login_at = now() where id = $1").execute(Tuple.of(id))
        .mapEmpty();
  }

  private static Optional<Row> first(RowSet<Row> rs) {
    var it = rs.iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  static User toUser(Row r) {
    return new User(r.getLong("id"), r.getString("username"), r.getString("display_name"),
        Role.parse(r.getString("role")).orElseThrow(), r.getBoolean("active"), r.getBoolean("must_change_password"),
        r.getOffsetDateTime("created_at"), r.getString("softphone"), r.getLong("dealer_id"));
  }

  /** The username is already used. */
  public static final class UsernameTakenException extends RuntimeException {
    public UsernameTakenException(String username) {
      super("username '" + username + "' is taken");
    }
  }
}
