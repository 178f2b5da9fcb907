package io.huifang.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins for one username from one address within
 * the window, further attempts are refused until the window passes. Bounded in memory (oldest entries evicted).
 * Used from the event loop only, so it needs no locking.
 */
public final class LoginThrottle {
  private final int maxFailures;
  private final long windowMillis;
  private final Map<String, long[]> failures;

  public LoginThrottle(int maxFailures, Duration window, int maxEntries) {
    this.maxFailures = maxFailures;
    this.windowMillis = window.toMillis();
    this.failures = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  public long retryAfterSeconds(String username, String ip, long nowMillis) {
    long[] f = failures.get(key(username, ip));
    if (f == null || nowMillis - f[1] > windowMillis) {
      return 0;
    }
    return f[0] >= maxFailures ? Math.max(1, (f[1] + windowMillis - nowMillis) / 1000) : 0;
  }

  public void failed(String username, String ip, long nowMillis) {
    String k = key(username, ip);
    long[] f = failures.get(k);
    if (f == null || nowMillis - f[1] > windowMillis) {
      failures.put(k, new long[] {1, nowMillis});
    } else {
      f[0]++;
      f[1] = nowMillis;
    }
  }

  public void succeeded(String username, String ip) {
    failures.remove(key(username, ip));
  }

  private static String key(String username, String ip) {
    return username.toLowerCase(Locale.ROOT) + "|" + ip;
  }
}
