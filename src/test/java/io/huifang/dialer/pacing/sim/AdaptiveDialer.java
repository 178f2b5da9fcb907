package io.huifang.dialer.pacing.sim;

import io.huifang.telephony.AttemptOutcome;
import io.huifang.dialer.pacing.Pacer;
import io.huifang.dialer.pacing.PacerView;

/**
 * Baseline in the style of VICIdial's ADAPT_HARD_LIMIT: a dial level (lines per logged-in agent, as in RATIO) that
 * is adjusted every 15 s toward no idle agents, and pushed down whenever the day's drop percentage is at or above
 * its limit. The limit is the parameter the benchmark tunes.
 */
public final class AdaptiveDialer implements Pacer {
  static final long ADJUST_MILLIS = 15_000;
  static final double MIN_LEVEL = 1.0;
  static final double MAX_LEVEL = 4.0;
  /** Level added per 15 s at full idleness; VICIdial's intensity. */
  static final double STEP_UP = 0.15;
  static final double STEP_DOWN = 0.05;

  private final double dropLimit;
  private double level = MIN_LEVEL;
  private long lastAdjust = Long.MIN_VALUE;
  private long lastSeen = Long.MIN_VALUE;
  private double idleAgentMillis;
  private double agentMillis;
  private long dayAnswers;
  private long dayDrops;
  private long intervalDrops;

  public AdaptiveDialer(double dropLimit) {
    this.dropLimit = dropLimit;
  }

  @Override
  public int linesToDial(PacerView view, long now) {
    observe(view, now);
    if (lastAdjust == Long.MIN_VALUE) {
      lastAdjust = now;
    } else if (now - lastAdjust >= ADJUST_MILLIS) {
      adjust();
      lastAdjust = now;
    }
    return Math.max(0, (int) Math.floor(level * view.loggedInAgents()) - RatioDialer.liveCalls(view));
  }

  private void observe(PacerView view, long now) {
    if (lastSeen != Long.MIN_VALUE && now > lastSeen) {
      idleAgentMillis += (double) view.freeAgents() * (now - lastSeen);
      agentMillis += (double) view.loggedInAgents() * (now - lastSeen);
    }
    lastSeen = now;
  }

  private void adjust() {
    double idleShare = agentMillis == 0 ? 0 : idleAgentMillis / agentMillis;
    double dayDrop = dayAnswers == 0 ? 0 : (double) dayDrops / dayAnswers;
    if (dayAnswers >= 20 && dayDrop >= dropLimit) {
      level -= STEP_DOWN * 2;
    } else if (intervalDrops > 0 && idleShare < 0.02) {
      level -= STEP_DOWN;
    } else {
      level += STEP_UP * Math.min(1, idleShare / 0.2);
    }
    level = Math.max(MIN_LEVEL, Math.min(MAX_LEVEL, level));
    idleAgentMillis = 0;
    agentMillis = 0;
    intervalDrops = 0;
  }

  @Override
  public void onOriginateResult(AttemptOutcome outcome, long ringMillis, long now) {
    if (outcome == AttemptOutcome.ANSWERED_HUMAN) {
      dayAnswers++;
    }
  }

  @Override
  public void onAbandoned(long now) {
    dayDrops++;
    intervalDrops++;
  }

  @Override
  public String name() {
    return String.format(java.util.Locale.ROOT, "adapt %.1f%%", dropLimit * 100);
  }
}
