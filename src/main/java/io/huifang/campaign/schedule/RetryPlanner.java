package io.huifang.campaign.schedule;

import io.huifang.campaign.CallingRules;
import java.time.Instant;
import java.util.Optional;

/**
 * When to try a number again (DOMAIN.md §5, 多次无人接听，分不同时间段回访): a number not answered in one part of the day
 * is tried next in a part not yet tried; once every part has been tried, in any part but the last one (rotating);
 * always inside calling hours and before the deadline. Pure: the same inputs give the same plan.
 */
public final class RetryPlanner {
  /** Every bit set: any day part. */
  public static final int ANY_PART = -1;

  private RetryPlanner() {
  }

  /** The next try: when, and the bitmask of day parts it may happen in. */
  public record Plan(Instant at, int allowedParts) {
  }

  /**
   * After a try at {@code at} that did not reach the customer. {@code tried} already includes the part of
   * {@code at}; {@code lastPart} is that part (null when {@code at} lay outside every part).
   * Empty when no calling time is left before the deadline.
   */
  public static Optional<Plan> afterNoAnswer(CallingRules rules, Instant at, int tried, Integer lastPart,
                                             Instant deadline) {
    int parts = rules.dayParts().size();
    if (parts == 0) {
      return rules.nextCallable(at, i -> true, deadline).map(t -> new Plan(t, ANY_PART));
    }
    int all = (1 << parts) - 1;
    int untried = all & ~tried;
    if (untried != 0) {
      Optional<Instant> t = rules.nextCallable(at, i -> (untried & (1 << i)) != 0, deadline);
      if (t.isPresent()) {
        return Optional.of(new Plan(t.get(), untried));
      }
    }
    // Rotating: every part has been tried (or the untried ones are past the deadline): any part but the last.
    int rotate = parts == 1 || lastPart == null ? all : all & ~(1 << lastPart);
    Instant from = at;
    if (parts == 1 && lastPart != null) {
      from = rules.firstCallableOnLaterDay(at, deadline).orElse(deadline);
    }
    return rules.nextCallable(from, i -> (rotate & (1 << i)) != 0, deadline).map(t -> new Plan(t, rotate));
  }

  /** A task's line is ended unanswered by ring cut at most this often; then it rings in full. */
  public static final int RING_CUTS_MAX = 2;
  /** A line ended by ring cut is dialled again this long after, at the earliest. */
  public static final java.time.Duration AFTER_RING_CUT = java.time.Duration.ofMinutes(3);

  /**
   * After a ring cut at {@code at}: the customer was never given the full ring, so this is no try of theirs. The
   * task is due again {@link #AFTER_RING_CUT} later (the next calling time from then, in any day part the task may
   * already be dialled in), so it is retried within the day part its try was meant for; at the deadline when no
   * calling time is left before it.
   */
  public static Instant afterRingCut(CallingRules rules, Instant at, Instant deadline) {
    return rules.nextCallable(at.plus(AFTER_RING_CUT), i -> true, deadline).orElse(deadline);
  }

  /** After "not the owner": the first calling time on a later day, any part. */
  public static Optional<Plan> anotherDay(CallingRules rules, Instant at, Instant deadline) {
    return rules.firstCallableOnLaterDay(at, deadline).map(t -> new Plan(t, ANY_PART));
  }
}
