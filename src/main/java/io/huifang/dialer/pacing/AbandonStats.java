package io.huifang.dialer.pacing;

/**
 * Abandonment as regulators count it: abandoned / live-answered, where a customer answered by a person and given no
 * agent within 2 s is abandoned, and so is a person the answering-machine detection wrongly hung up on (when that
 * becomes known). Kept over a rolling hour (what the pacer holds under the target), 24 hours and 30 days.
 */
public final class AbandonStats {
  public static final long HOUR = 3_600_000L;
  public static final long DAY = 24 * HOUR;
  public static final long MONTH = 30 * DAY;

  /** One window's figures. */
  public record Figure(long liveAnswered, long abandoned) {
    /** Abandoned / live-answered, 0 before any answer. */
    public double rate() {
      return liveAnswered == 0 ? 0 : (double) abandoned / liveAnswered;
    }
  }

  /** The three windows supervisors see. */
  public record Figures(Figure hour, Figure day, Figure month) {
  }

  private final RollingCount hour = new RollingCount(HOUR, 10_000);
  private final RollingCount day = new RollingCount(DAY, 60_000);
  private final RollingCount month = new RollingCount(MONTH, HOUR);

  /** A person answered (whatever happens next). */
  public void liveAnswered(long now) {
    add(now, 1, 0);
  }

  /** A person who answered was abandoned (no agent within 2 s, or hung up on as a machine). */
  public void abandoned(long now) {
    add(now, 0, 1);
  }

  /**
   * History, in time order, before any live event: {@code liveAnswers} and {@code abandons} that happened at
   * {@code at}, e.g. read back from the stored attempts when a campaign starts dialling again after a restart or a
   * pause. A window keeps its counts in time buckets (10 s for the hour, 1 min for the day, 1 h for the month) and
   * a bucket is reset when a later time comes round to its slot, so history given after a live event, or out of
   * order, can wipe newer counts. Counts may be summed over the buckets of the finest window that still holds them
   * (10 s within the last hour, 1 min within the day, 1 h beyond), with {@code at} the start of the bucket: they
   * then land in the same bucket of every window as the single events would have.
   */
  public void restore(long at, long liveAnswers, long abandons) {
    if (liveAnswers < 0 || abandons < 0) {
      throw new IllegalArgumentException("counts cannot be negative: " + liveAnswers + ", " + abandons);
    }
    add(at, liveAnswers, abandons);
  }

  private void add(long now, long answers, long abandons) {
    hour.add(now, answers, abandons);
    day.add(now, answers, abandons);
    month.add(now, answers, abandons);
  }

  /** The last {@code millis} (up to one hour, to 10 s) ending now. */
  public Figure lastMillis(long now, long millis) {
    long[] s = hour.sum(now, millis);
    return new Figure(s[0], s[1]);
  }

  public Figure hour(long now) {
    return lastMillis(now, HOUR);
  }

  public Figures figures(long now) {
    long[] d = day.sum(now, DAY);
    long[] m = month.sum(now, MONTH);
    return new Figures(hour(now), new Figure(d[0], d[1]), new Figure(m[0], m[1]));
  }
}
