package io.huifang.auth;

import io.huifang.core.Role;
import io.huifang.core.User;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On first start (no users at all) creates the {@code admin} account, so that someone can sign in and create the
 * others. Its password comes from configuration, or is generated and printed once to the log; a generated one
 * must be changed after the first sign-in.
 */
public final class AdminBootstrap {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
  public static final String USERNAME = "admin";

  private AdminBootstrap() {
  }

  /** Completes with the created admin, or empty when users already exist. */
  public static Future<Optional<User>> ensureAdmin(UserStore users, PasswordHasher hasher,
                                                   Optional<String> configured) {
    return users.count().compose(n -> {
      if (n > 0) {
        return Future.succeededFuture(Optional.empty());
      }
      String password = configured.orElseGet(AdminBootstrap::generate);
      return hasher.hash(password)
          .compose(h -> users.create(USERNAME, "管理员 Administrator", Role.ADMIN, h, configured.isEmpty()))
          .map(u -> {
            if (configured.isEmpty()) {
              log.atWarn().setMessage("first start: admin account created with a one-time password; sign in and"
                      + " change it")
                  .addKeyValue("username", USERNAME).addKeyValue("password", password).log();
            } else {
              log.atInfo().setMessage("first start: admin account created with the configured password")
                  .addKeyValue("username", USERNAME).log();
            }
            return Optional.of(u);
          });
    });
  }

  static String generate() {
    return randomSecret(16);
  }

  /** Random letters and digits without look-alikes (0/O, 1/l/I), easy to read from a log and type. */
  public static String randomSecret(int length) {
    SecureRandom r = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
