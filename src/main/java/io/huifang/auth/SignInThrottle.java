package io.huifang.auth;

import io.vertx.core.Future;

/**
 * Where failed sign-ins are counted ({@link LoginThrottle}'s rule): in this node's memory when it runs alone, in the
 * database when several nodes share the sign-ins ({@link SharedLoginThrottle}), so that a guesser spreading over N
 * nodes gets one allowance, not N.
 */
public interface SignInThrottle {
  /** Counts an attempt and answers 0, or counts nothing and answers the seconds to wait (at least 1). */
  Future<Long> reserveAsync(String username, String ip, long nowMillis);

  /** The right password: this user's counter at this address is cleared; the others take back the attempt. */
  void succeeded(String username, String ip);

  /** The password could not be checked: the attempt does not count. */
  void release(String username, String ip);
}
