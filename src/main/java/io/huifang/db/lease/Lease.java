package io.huifang.db.lease;

/**
 * One named lease as this node sees it: a pure state machine on a monotonic clock in milliseconds (passed in, so a
 * test drives it with a fake one). The database decides who holds a lease, by its own clock; this side only decides
 * when to ask (take or renew) and until when it may act, and it errs short: a grant or renewal counts from the moment
 * the request was SENT (the database's expiry, its now() at the write plus the lease time, cannot come earlier), less
 * a margin for the two clocks' rates. A holder whose renewals do not come back (the database away, the node frozen)
 * stops acting at that instant, before the database hands the lease to another node.
 */
public final class Lease {
  /** What to send to the database now. */
  public enum Ask { NOTHING, TAKE, RENEW }

  private final String name;
  private final long ttl;
  private final long renewEvery;
  private final long margin;
  /** The epoch of the grant held; 0 when none. */
  private long epoch;
  /** Acting is allowed before this instant (local monotonic ms). */
  private long actUntil = Long.MIN_VALUE;
  /** When the request under way was sent; {@link Long#MIN_VALUE} when none is. */
  private long askedAt = Long.MIN_VALUE;
  /** When the last request (answered or not) was sent. */
  private long lastAsk = Long.MIN_VALUE;

  /**
   * @param ttl the lease time the database grants
   * @param renewEvery how often a holder renews (well below {@code ttl}: three renewals per lease let one be lost)
   * @param margin how much earlier than the grant's end this node stops acting
   */
  public Lease(String name, long ttl, long renewEvery, long margin) {
    if (renewEvery <= 0 || margin < 0 || renewEvery + margin >= ttl) {
      throw new IllegalArgumentException("renewal every " + renewEvery + " ms with a margin of " + margin
          + " ms does not fit in a lease of " + ttl + " ms");
    }
    this.name = name;
    this.ttl = ttl;
    this.renewEvery = renewEvery;
    this.margin = margin;
  }

  public String name() {
    return name;
  }

  /** May this node act in the lease's name at {@code now}? */
  public synchronized boolean held(long now) {
    return epoch > 0 && now < actUntil;
  }

  /** The epoch to act with at {@code now}; 0 when the lease is not held. */
  public synchronized long epoch(long now) {
    return held(now) ? epoch : 0;
  }

  /**
   * What to ask the database at {@code now}: renew a held lease every {@code renewEvery}, take a lease not held every
   * third of it, nothing while a request is under way, unless it has been under way a whole lease time
   * (lost on the way: its answer no longer matters).
   */
  public synchronized Ask next(long now) {
    if (askedAt != Long.MIN_VALUE && now - askedAt < ttl) {
      return Ask.NOTHING;
    }
    boolean held = held(now);
    // A lease held by another node is asked for three times as often as one held is renewed: the holder dead, this
    // node takes it within a second of the grant's end, not three (failover, issue 22), for one cheap statement a
    // second per lease.
    if (lastAsk != Long.MIN_VALUE && now - lastAsk < (held ? renewEvery : Math.max(1, renewEvery / 3))) {
      return Ask.NOTHING;
    }
    return held ? Ask.RENEW : Ask.TAKE;
  }

  /** A request is sent at {@code now}; its answer comes to {@link #granted}, {@link #renewed}, {@link #refused}. */
  public synchronized long asking(long now) {
    askedAt = now;
    lastAsk = now;
    return now;
  }

  /** The database granted the lease with {@code newEpoch} to the request sent at {@code sentAt}. */
  public synchronized void granted(long newEpoch, long sentAt) {
    if (newEpoch <= 0) {
      throw new IllegalArgumentException("epoch " + newEpoch);
    }
    if (stale(sentAt)) {
      return;
    }
    epoch = newEpoch;
    actUntil = sentAt + ttl - margin;
    done(sentAt);
  }

  /** The database extended the grant held, for the request sent at {@code sentAt}. */
  public synchronized void renewed(long sentAt) {
    if (stale(sentAt)) {
      return;
    }
    if (epoch > 0) {
      actUntil = Math.max(actUntil, sentAt + ttl - margin);
    }
    done(sentAt);
  }

  /**
   * The database refused the request sent at {@code sentAt}: another node holds the lease, or this grant ran out
   * there. Whatever was held is lost at once.
   */
  public synchronized void refused(long sentAt) {
    if (stale(sentAt)) {
      return;
    }
    epoch = 0;
    actUntil = Long.MIN_VALUE;
    done(sentAt);
  }

  /** The request sent at {@code sentAt} got no answer (the database away): a grant held lasts until its end. */
  public synchronized void unanswered(long sentAt) {
    if (!stale(sentAt)) {
      done(sentAt);
    }
  }

  /** Gives the lease up (a clean stop); the database is told separately. */
  public synchronized long release() {
    long e = epoch;
    epoch = 0;
    actUntil = Long.MIN_VALUE;
    return e;
  }

  /**
   * An answer to a request given up on (a newer one was sent since): ignored, whatever it says; the newer request's
   * answer decides.
   */
  private boolean stale(long sentAt) {
    return askedAt != sentAt;
  }

  private void done(long sentAt) {
    askedAt = Long.MIN_VALUE;
  }
}
