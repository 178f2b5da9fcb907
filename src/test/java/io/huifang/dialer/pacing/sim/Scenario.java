package io.huifang.dialer.pacing.sim;

import java.util.SplittableRandom;

/**
 * One simulated day of a campaign: agents, customers and how they behave.
 *
 * @param liveAnswerRates the share of dials a person answers; several values split the measured hours into equal
 *     parts (the warm-up uses the first), for a day whose answer rate shifts
 * @param amd whether the campaign runs answering-machine detection. On: a machine is hung up on at once and
 *     {@code amdFalsePositiveRate} of persons are wrongly hung up on (counted abandoned). Off (the server's default):
 *     a machine reaches an agent, who hears its greeting for {@link #MACHINE_TALK_MIN_MILLIS}–{@link
 *     #MACHINE_TALK_MAX_MILLIS} and hangs up, and the server counts it as a live answer (and as an abandon when no
 *     agent was free): it cannot tell it from a person
 */
public record Scenario(String name, int agents, double[] liveAnswerRates, TalkShape talkShape, double talkMeanSeconds,
                       long wrapUpMillis, long ringMinMillis, long ringMaxMillis, long noAnswerMillis,
                       double machineRate, double amdFalsePositiveRate, long warmUpMillis, long measuredMillis,
                       boolean amd) {
  public static final long MACHINE_TALK_MIN_MILLIS = 5_000;
  public static final long MACHINE_TALK_MAX_MILLIS = 15_000;

  /** Talk-time distributions of the benchmark. */
  public enum TalkShape { EXPONENTIAL, LOGNORMAL }

  /** Spread of the lognormal talk time (sigma of the log), a coefficient of variation of about 0.9. */
  public static final double LOGNORMAL_SIGMA = 0.8;

  /** The customers: answer after 6–20 s of ringing, no answer at 25 s, 10 s wrap-up, 30 min warm-up, 8 h. */
  public static Scenario of(int agents, double[] rates, TalkShape shape, double talkMean) {
    String p = rates.length == 1 ? pct(rates[0]) : String.join("→", java.util.Arrays.stream(rates)
        .mapToObj(Scenario::pct).toList());
    String name = "N=" + agents + " p=" + p + " talk " + (int) talkMean + "s "
        + (shape == TalkShape.EXPONENTIAL ? "exp" : "logn");
    return new Scenario(name, agents, rates, shape, talkMean, 10_000, 6_000, 20_000, 25_000, 0.04, 0.002,
        30 * 60_000L, 8 * 3_600_000L, true);
  }

  private static String pct(double r) {
    return Math.round(r * 100) + "%";
  }

  public Scenario withMeasured(long warmUp, long measured) {
    return new Scenario(name, agents, liveAnswerRates, talkShape, talkMeanSeconds, wrapUpMillis, ringMinMillis,
        ringMaxMillis, noAnswerMillis, machineRate, amdFalsePositiveRate, warmUp, measured, amd);
  }

  /** The same customers with no person wrongly hung up on as a machine: what the pacing alone does. */
  public Scenario withoutAmdMistakes() {
    return new Scenario(name, agents, liveAnswerRates, talkShape, talkMeanSeconds, wrapUpMillis, ringMinMillis,
        ringMaxMillis, noAnswerMillis, machineRate, 0, warmUpMillis, measuredMillis, amd);
  }

  /** The same customers for a campaign with answering-machine detection on or off. */
  public Scenario withAmd(boolean on) {
    return new Scenario(name, agents, liveAnswerRates, talkShape, talkMeanSeconds, wrapUpMillis, ringMinMillis,
        ringMaxMillis, noAnswerMillis, machineRate, amdFalsePositiveRate, warmUpMillis, measuredMillis, on);
  }

  double liveAnswerRate(long t) {
    if (liveAnswerRates.length == 1 || t < warmUpMillis) {
      return liveAnswerRates[0];
    }
    int part = (int) ((t - warmUpMillis) * liveAnswerRates.length / measuredMillis);
    return liveAnswerRates[Math.min(part, liveAnswerRates.length - 1)];
  }

  /** What one dial comes to: a person, a machine or no answer, how long it rings and how long it would talk. */
  record Dial(boolean human, boolean machine, boolean amdWrong, long ringMillis, long talkMillis) {
  }

  /**
   * Draws one dial placed at {@code t}. Every dial draws the same numbers in the same order, whatever the outcome, so
   * that policies compared on one seed meet the same customers.
   */
  Dial drawDial(SplittableRandom rnd, long t) {
    double u = rnd.nextDouble();
    double ringU = rnd.nextDouble();
    long talk = drawTalkMillis(rnd);
    double amdU = rnd.nextDouble();
    double p = liveAnswerRate(t);
    boolean human = u < p;
    boolean machine = !human && u < p + machineRate();
    boolean amdWrong = amd() && human && amdU < amdFalsePositiveRate();
    long ring = human || machine ? ringMinMillis() + Math.round(ringU * (ringMaxMillis() - ringMinMillis()))
        : noAnswerMillis();
    long talkMillis = machine
        ? MACHINE_TALK_MIN_MILLIS + Math.round(amdU * (MACHINE_TALK_MAX_MILLIS - MACHINE_TALK_MIN_MILLIS))
        : talk;
    return new Dial(human, machine, amdWrong, ring, talkMillis);
  }

  long drawTalkMillis(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    double seconds;
    if (talkShape == TalkShape.EXPONENTIAL) {
      seconds = -talkMeanSeconds * Math.log(1 - u);
    } else {
      double mu = Math.log(talkMeanSeconds) - LOGNORMAL_SIGMA * LOGNORMAL_SIGMA / 2;
      seconds = Math.exp(mu + LOGNORMAL_SIGMA * gaussian(rnd));
    }
    return Math.max(1000, Math.round(seconds * 1000));
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = Math.max(1e-12, rnd.nextDouble());
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
