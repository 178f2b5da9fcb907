package io.huifang.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Argon2id (password4j) with OWASP's minimum parameters: 19 MiB, 2 passes, 1 lane. Hashing takes tens of
 * milliseconds of CPU by design, so it always runs on a worker thread, never on the event loop.
 */
public final class PasswordHasher {
  private static final Argon2Function ARGON2 = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID, 0x13);
  public static final int MIN_LENGTH = 10;
  public static final int MAX_LENGTH = 256;

  /**
   * A real hash of a random string, checked when the username is unknown so timing doesn't reveal which. Made on
   * first use, on the worker that checks (a holder class): made when this class loaded, it was hashed on the event
   * loop of the server's start, and on a loaded machine that blocked it for 13 s (ServerCrashIT's restart).
   */
  private static final class Dummy {
    static final String HASH = hashNow("no-such-user-" + System.nanoTime());
  }

  private final Vertx vertx;

  public PasswordHasher(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashNow(password), false);
  }

  /** Checks {@code password} against {@code storedHash}; a null hash (unknown user) still costs a full check. */
  public Future<Boolean> verify(String password, String storedHash) {
    return vertx.executeBlocking(() -> {
      if (storedHash == null) {
        Password.check(password, Dummy.HASH).with(ARGON2);
        return false;
      }
      try {
        return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
      } catch (RuntimeException badHash) {
        return false;
      }
    }, false);
  }

  static String hashNow(String password) {
    return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
  }

  /** Why a password is refused, in both UI languages. */
  public record Weakness(String english, String chinese) {
  }

  /** Null when acceptable, else the reason (shown to the person who typed it). */
  public static Weakness weakness(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return new Weakness("must be at least " + MIN_LENGTH + " characters", "至少需要 " + MIN_LENGTH + " 个字符");
    }
    if (password.length() > MAX_LENGTH) {
      return new Weakness("must be at most " + MAX_LENGTH + " characters", "最多 " + MAX_LENGTH + " 个字符");
    }
    if (password.isBlank()) {
      return new Weakness("must not be blank", "不能全是空格");
    }
    return null;
  }
}
