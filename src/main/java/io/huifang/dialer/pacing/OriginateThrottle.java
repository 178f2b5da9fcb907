package io.huifang.dialer.pacing;

/**
 * Originates per second on one PBX, shared by every campaign dialling through it: a token bucket that allows a
 * burst of one second's worth.
 */
public final class OriginateThrottle {
  private final double perSecond;
  private double tokens;
  private long last = Long.MIN_VALUE;

  public OriginateThrottle(double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("originates per second must be positive: " + perSecond);
    }
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  public static OriginateThrottle unlimited() {
    return new OriginateThrottle(1e9);
  }

  /** Takes up to {@code wanted} originates allowed now and returns how many. */
  public int take(int wanted, long now) {
    refill(now);
    int granted = allowed(wanted);
    tokens -= granted;
    return granted;
  }

  /** How many of {@code wanted} originates {@link #take} would grant now, taking none. */
  public int available(int wanted, long now) {
    refill(now);
    return allowed(wanted);
  }

  private void refill(long now) {
    if (last != Long.MIN_VALUE && now > last) {
      tokens = Math.min(perSecond, tokens + (now - last) * perSecond / 1000.0);
    }
    last = Math.max(last, now);
  }

  private int allowed(int wanted) {
    return Math.max(0, (int) Math.min(wanted, Math.floor(tokens + 1e-9)));
  }

  public double perSecond() {
    return perSecond;
  }
}
