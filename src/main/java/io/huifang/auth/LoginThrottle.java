package io.huifang.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Slows down password guessing with exponential back-off, counted three ways:
 * <ul>
 *   <li>one username from one address ({@link Limit#PAIR}): the plain guesser;</li>
 *   <li>one address whatever the username ({@link Limit#ADDRESS}): spraying many usernames;</li>
 *   <li>one username whatever the address ({@link Limit#USER}): guesses from many addresses. Its delay is capped low,
 *       so that other people's failures hold the real user back (signing in from their own address) by at most
 *       {@code USER.maxDelay}.</li>
 * </ul>
 * Each counter is a leaky bucket: it allows some free attempts, which come back evenly over {@link #WINDOW} (so a
 * busy office behind one address, where someone mistypes now and then all day, never fills its address's bucket);
 * past them each further attempt must wait {@code 10 s × 2^(n − free)} (capped) after the previous one, or is refused
 * with the seconds left (the route answers 429 and Retry-After). There is no hard lock: the worst someone else's
 * failures can do is the cap.
 *
 * <p>An attempt is <em>reserved</em> before the password is checked ({@link #reserve}), in one synchronized step, so
 * that guesses sent in parallel are counted as they arrive rather than after their (slow, on purpose) hash check. A
 * correct password then takes its own attempt back ({@link #succeeded}), as does a check that could not run
 * ({@link #release}); a wrong one leaves it counted.
 *
 * <p>In memory, bounded (least recently used entries evicted): one node's view; a restart forgets the counters. Several
 * nodes count together in the database instead ({@link SharedLoginThrottle}, the same arithmetic on rows).
 */
public final class LoginThrottle implements SignInThrottle {
  /** A counter's free attempts come back evenly over this time. */
  public static final Duration WINDOW = Duration.ofMinutes(15);

  /** One of the three counters: free attempts, then delays doubling from {@code BASE_DELAY_SECONDS} to a cap. */
  public record Limit(int free, long maxDelaySeconds) {
    public static final Limit PAIR = new Limit(5, 300);
    public static final Limit ADDRESS = new Limit(30, 300);
    public static final Limit USER = new Limit(10, 60);

    /** Milliseconds the next attempt must wait after the {@code attempts}-th. */
    long delayAfter(long attempts) {
      if (attempts < free) {
        return 0;
      }
      long exponent = Math.min(20, attempts - free);
      return Math.min(maxDelaySeconds, BASE_DELAY_SECONDS << exponent) * 1000;
    }
  }

  /** The first wait once the free attempts are used up. */
  public static final long BASE_DELAY_SECONDS = 10;

  /** One counter's state: the in-memory map's value, or one row of {@code login_throttle}. */
  static final class Counter {
    /** Attempts counted, less those leaked away since. */
    double level;
    long updatedAt;
    long lastAt;
    long nextAt;

    long attempts() {
      return (long) Math.ceil(level - 1e-9);
    }
  }

  private final Limit pair;
  private final Limit address;
  private final Limit user;
  private final long windowMillis;
  private final Map<String, Counter> counters;

  public LoginThrottle(int maxEntries) {
    this(Limit.PAIR, Limit.ADDRESS, Limit.USER, WINDOW, maxEntries);
  }

  public LoginThrottle(Limit pair, Limit address, Limit user, Duration window, int maxEntries) {
    this.pair = pair;
    this.address = address;
    this.user = user;
    this.windowMillis = window.toMillis();
    this.counters = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /**
   * Counts an attempt to sign in as {@code username} from {@code ip} at {@code nowMillis} and returns 0, or, when one
   * of the counters says to wait, counts nothing and returns the seconds to wait (at least 1).
   */
  public synchronized long reserve(String username, String ip, long nowMillis) {
    return reserve(live(pairKey(username, ip), nowMillis), live(addressKey(ip), nowMillis),
        live(userKey(username), nowMillis), nowMillis);
  }

  @Override
  public io.vertx.core.Future<Long> reserveAsync(String username, String ip, long nowMillis) {
    return io.vertx.core.Future.succeededFuture(reserve(username, ip, nowMillis));
  }

  /** The rule on three counters (pair, address, user) as they stand: leaks them to now, then counts or says wait. */
  long reserve(Counter p, Counter a, Counter u, long nowMillis) {
    leak(p, pair, nowMillis);
    leak(a, address, nowMillis);
    leak(u, user, nowMillis);
    long waitUntil = Math.max(p.nextAt, Math.max(a.nextAt, u.nextAt));
    if (waitUntil > nowMillis) {
      return Math.max(1, (waitUntil - nowMillis + 999) / 1000);
    }
    count(p, pair, nowMillis);
    count(a, address, nowMillis);
    count(u, user, nowMillis);
    return 0;
  }

  /** The right password: this user's counter at this address is cleared; the others take back this one attempt. */
  @Override
  public synchronized void succeeded(String username, String ip) {
    counters.remove(pairKey(username, ip));
    refund(addressKey(ip), address);
    refund(userKey(username), user);
  }

  /** The password could not be checked (the database was away): the attempt does not count. */
  @Override
  public synchronized void release(String username, String ip) {
    refund(pairKey(username, ip), pair);
    refund(addressKey(ip), address);
    refund(userKey(username), user);
  }

  private Counter live(String key, long now) {
    Counter c = counters.get(key);
    if (c == null) {
      c = new Counter();
      c.updatedAt = now;
      counters.put(key, c);
    }
    return c;
  }

  private void leak(Counter c, Limit limit, long now) {
    if (now > c.updatedAt) {
      c.level = Math.max(0, c.level - (now - c.updatedAt) * (double) limit.free() / windowMillis);
      c.updatedAt = now;
    }
  }

  private static void count(Counter c, Limit limit, long now) {
    c.level += 1;
    c.lastAt = now;
    c.nextAt = now + limit.delayAfter(c.attempts());
  }

  private void refund(String key, Limit limit) {
    Counter c = counters.get(key);
    if (c != null) {
      refund(c, limit);
    }
  }

  /** Takes one attempt back from a counter (a right password, or a check that could not run). */
  static void refund(Counter c, Limit limit) {
    c.level = Math.max(0, c.level - 1);
    // The wait the refunded attempt imposed goes with it; earlier attempts' waits have passed (it was let through).
    c.nextAt = c.lastAt + limit.delayAfter(c.attempts());
  }

  /** The limit a counter's key is counted under. */
  Limit limitOf(String key) {
    return key.startsWith("p|") ? pair : key.startsWith("a|") ? address : user;
  }

  /** When a counter at {@code level} (updated at {@code at}) will have leaked to nothing. */
  long emptyAt(Counter c, String key) {
    return c.updatedAt + (long) Math.ceil(c.level * windowMillis / limitOf(key).free());
  }

  static String pairKey(String username, String ip) {
    return "p|" + username.toLowerCase(Locale.ROOT) + "|" + ip;
  }

  static String addressKey(String ip) {
    return "a|" + ip;
  }

  static String userKey(String username) {
    return "u|" + username.toLowerCase(Locale.ROOT);
  }
}
