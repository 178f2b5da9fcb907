package io.huifang.core;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Reuses a health result for a short while, so that many pages polling /health do not each open an AMI session
 * or a database round trip. Synchronized in case /health is one day served from several event loops.
 */
public final class CachedCheck implements Supplier<Future<HealthCheck>> {
  private final Supplier<Future<HealthCheck>> check;
  private final long ttlNanos;
  private Future<HealthCheck> last;
  private long lastAt;

  public CachedCheck(Supplier<Future<HealthCheck>> check, long ttlMillis) {
    this.check = check;
    this.ttlNanos = ttlMillis * 1_000_000L;
  }

  @Override
  public synchronized Future<HealthCheck> get() {
    long now = System.nanoTime();
    if (last == null || now - lastAt > ttlNanos || (last.isComplete() && last.failed())) {
      last = check.get();
      lastAt = now;
    }
    return last;
  }
}
