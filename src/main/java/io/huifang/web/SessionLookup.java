package io.huifang.web;

import io.huifang.core.User;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * How the role guard finds who a session cookie belongs to. The auth module implements it; web only asks, so that
 * the guard sits below the routes that sign people in.
 */
public interface SessionLookup {
  /** The active user behind a session token, touching the session's idle clock; empty when unknown or expired. */
  Future<Optional<User>> resolve(String token);
}
