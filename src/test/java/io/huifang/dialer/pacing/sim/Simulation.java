package io.huifang.dialer.pacing.sim;

import io.huifang.telephony.AttemptOutcome;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.Pacer;
import io.huifang.dialer.pacing.PacerView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event simulation of one campaign's day on a virtual clock, driving a {@link Pacer} exactly as the
 * server does: the pacer is asked after every event and on a 1 s tick, is told every originate result, answer,
 * abandon, hangup and wrap-up, and sees agents and lines through {@link PacerView}. An answered person goes to the
 * longest-idle free agent; with none, they wait up to 2 s for one (oldest first) and then get the safe-harbor
 * message: abandoned. The k-th dial of a day has the same customer whatever the pacer, so policies are compared on
 * the same customers.
 */
public final class Simulation implements PacerView {
  private static final long SAFE_HARBOR_MILLIS = 2000;

  private static final int RESULT = 0;
  private static final int SAFE_HARBOR = 1;
  private static final int TALK_END = 2;
  private static final int WRAP_END = 3;
  private static final int TICK = 4;

  private static final class Line {
    long start;
    long ringMillis;
    long talkMillis;
    boolean human;
    boolean machine;
    boolean amdWrong;
    long answeredAt;
    boolean waiting;
    int ringIndex;
    /** Ended unanswered by the pacer (ring cut): its ring result never comes. */
    boolean cut;

    void take(Scenario.Dial d) {
      human = d.human();
      machine = d.machine();
      amdWrong = d.amdWrong();
      ringMillis = d.ringMillis();
      talkMillis = d.talkMillis();
    }
  }

  private record Event(long time, long seq, int type, Line line, int agent) {
  }

  private final Scenario sc;
  private final Pacer pacer;
  private final SplittableRandom customers;
  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private long seq;
  private long now;

  private final Activity[] activity;
  private final long[] since;
  private final ArrayDeque<Integer> freeAgents = new ArrayDeque<>();
  private int talking;
  private final ArrayList<Line> ringing = new ArrayList<>();
  private final ArrayDeque<Line> waiting = new ArrayDeque<>();

  // measured after the warm-up
  private final long from;
  private final long to;
  private double busyAgentMillis;
  private double talkAgentMillis;
  private long dials;
  private long liveAnswers;
  private long abandons;
  private double waitMillisSum;
  private long waitCount;
  private long[] answerTimes = new long[1024];
  private int answerCount;
  private long[] abandonTimes = new long[64];
  private long ringCuts;
  private long ringCutAnswers;
  private int abandonCount;
  /** Per-minute diagnostics, off unless {@link #trace()} is asked for before {@link #run()}. */
  private Trace trace;

  public Simulation(Scenario scenario, Pacer pacer, long seed) {
    this.sc = scenario;
    this.pacer = pacer;
    this.customers = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
    this.activity = new Activity[scenario.agents()];
    this.since = new long[scenario.agents()];
    for (int i = 0; i < activity.length; i++) {
      activity[i] = Activity.FREE;
      freeAgents.add(i);
    }
    this.from = scenario.warmUpMillis();
    this.to = scenario.warmUpMillis() + scenario.measuredMillis();
  }

  /**
   * Records, minute by minute, what happened and what the pacer believed (for the benchmark's {@code --trace}):
   * call before {@link #run()}.
   */
  public Trace trace() {
    if (trace == null) {
      trace = new Trace((int) (to / 60_000) + 2);
    }
    return trace;
  }

  public SimResult run() {
    schedule(0, TICK, null, -1);
    while (!events.isEmpty()) {
      Event e = events.poll();
      if (e.time > to) {
        break;
      }
      advanceTo(e.time);
      handle(e);
      decide();
    }
    advanceTo(to);
    return result();
  }

  private void handle(Event e) {
    switch (e.type) {
      case RESULT -> ringEnded(e.line);
      case SAFE_HARBOR -> safeHarbor(e.line);
      case TALK_END -> talkEnded(e.agent, e.line);
      case WRAP_END -> wrapUpEnded(e.agent);
      case TICK -> {
        if (trace != null && now % 60_000 == 0) {
          trace.sample(now, this);
        }
        schedule(now + Pacer.TICK_MILLIS, TICK, null, -1);
      }
      default -> throw new IllegalStateException("event " + e.type);
    }
  }

  private void decide() {
    int n = pacer.linesToDial(this, now);
    for (int i = 0; i < n; i++) {
      originate();
    }
    if (pacer instanceof CampaignPacer cp && cp.settings().ringCut()) {
      endRinging(cp.ringingToEnd(this, now));
    }
  }

  /** The pacer ends these ringing lines unanswered; the customer would be called again another time. */
  private void endRinging(int[] indexes) {
    Line[] lines = new Line[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      lines[i] = ringing.get(indexes[i]);
    }
    for (Line line : lines) {
      line.cut = true;
      removeRinging(line);
      if (inWindow(now)) {
        ringCuts++;
        if (line.human || line.machine) {
          ringCutAnswers++;
        }
      }
    }
  }

  private void originate() {
    Line line = new Line();
    line.start = now;
    line.take(sc.drawDial(customers, now));
    line.ringIndex = ringing.size();
    ringing.add(line);
    if (inWindow(now)) {
      dials++;
    }
    if (trace != null) {
      trace.dials[(int) (now / 60_000)]++;
    }
    schedule(now + line.ringMillis, RESULT, line, -1);
  }

  private void ringEnded(Line line) {
    if (line.cut) {
      return;
    }
    removeRinging(line);
    if (!line.human && !(line.machine && !sc.amd())) {
      pacer.onOriginateResult(line.machine ? AttemptOutcome.ANSWERED_MACHINE : AttemptOutcome.NO_ANSWER,
          line.ringMillis, now);
      return;
    }
    line.answeredAt = now;
    if (inWindow(now)) {
      liveAnswers++;
      answerTimes = push(answerTimes, answerCount++, now);
    }
    if (trace != null) {
      trace.answers[(int) (now / 60_000)]++;
    }
    if (line.amdWrong) {
      // the server hears a machine and hangs up; regulators count an abandoned person
      if (trace != null) {
        trace.amdAbandons[(int) (now / 60_000)]++;
      }
      pacer.onOriginateResult(AttemptOutcome.ANSWERED_MACHINE, line.ringMillis, now);
      countAbandon(line);
      return;
    }
    pacer.onOriginateResult(AttemptOutcome.ANSWERED_HUMAN, line.ringMillis, now);
    if (!freeAgents.isEmpty()) {
      connect(line, freeAgents.poll());
    } else {
      line.waiting = true;
      waiting.add(line);
      schedule(now + SAFE_HARBOR_MILLIS, SAFE_HARBOR, line, -1);
    }
  }

  private void safeHarbor(Line line) {
    if (!line.waiting) {
      return;
    }
    line.waiting = false;
    waiting.remove(line);
    if (inWindow(line.answeredAt)) {
      waitMillisSum += SAFE_HARBOR_MILLIS;
      waitCount++;
    }
    countAbandon(line);
    if (trace != null) {
      trace.safeHarbors[(int) (line.answeredAt / 60_000)]++;
    }
    pacer.onAbandoned(now);
  }

  /**
   * Diagnostics, off by default: {@code -Dhuifang.sim.clumps=true} prints each campaign-day's abandons as clumps
   * ({@link #clumps}).
   */
  static final boolean PRINT_CLUMPS = Boolean.getBoolean("huifang.sim.clumps");
  /** Abandons answered this close to the one before belong to its clump. */
  static final long CLUMP_GAP_MILLIS = 30_000;

  /**
   * A day's abandons (answer times, sorted) as clumps: the count, the sum of the clumps' squared sizes, and their ratio
   * D, which is 1 for abandons that come one at a time and is what a Poisson margin's variance must be multiplied by
   * when they come in clumps (docs/pacing.md, "Pools: their own z; ring cut its own").
   */
  static String clumps(long[] sortedDrops) {
    long squares = 0;
    int size = 0;
    for (int i = 0; i < sortedDrops.length; i++) {
      size = i > 0 && sortedDrops[i] - sortedDrops[i - 1] <= CLUMP_GAP_MILLIS ? size + 1 : 1;
      // a clump growing from s to s + 1 adds (s + 1)² − s² to the sum of squares
      squares += 2L * size - 1;
    }
    return String.format(java.util.Locale.ROOT, "abandons %d, clump sizes squared %d, D %.3f", sortedDrops.length,
        squares, sortedDrops.length == 0 ? 1.0 : (double) squares / sortedDrops.length);
  }

  private void countAbandon(Line line) {
    if (inWindow(line.answeredAt)) {
      abandons++;
      abandonTimes = push(abandonTimes, abandonCount++, line.answeredAt);
    }
  }

  private void connect(Line line, int agent) {
    long waited = now - line.answeredAt;
    if (inWindow(line.answeredAt)) {
      waitMillisSum += waited;
      waitCount++;
    }
    pacer.onConnected(waited, now);
    activity[agent] = Activity.TALKING;
    since[agent] = now;
    talking++;
    schedule(now + line.talkMillis, TALK_END, line, agent);
  }

  private void talkEnded(int agent, Line line) {
    activity[agent] = Activity.WRAP_UP;
    since[agent] = now;
    talking--;
    pacer.onHangup(line.talkMillis, now);
    schedule(now + sc.wrapUpMillis(), WRAP_END, null, agent);
  }

  private void wrapUpEnded(int agent) {
    pacer.onAgentFree(now - since[agent], now);
    activity[agent] = Activity.FREE;
    since[agent] = now;
    Line next = waiting.poll();
    if (next != null) {
      next.waiting = false;
      connect(next, agent);
    } else {
      freeAgents.add(agent);
    }
  }

  private void removeRinging(Line line) {
    int i = line.ringIndex;
    Line last = ringing.remove(ringing.size() - 1);
    if (last != line) {
      ringing.set(i, last);
      last.ringIndex = i;
    }
  }

  private void schedule(long time, int type, Line line, int agent) {
    events.add(new Event(time, seq++, type, line, agent));
  }

  private void advanceTo(long t) {
    long a = Math.max(now, from);
    long b = Math.min(t, to);
    if (b > a) {
      int busy = activity.length - freeAgents.size();
      busyAgentMillis += (double) busy * (b - a);
      talkAgentMillis += (double) talking * (b - a);
    }
    now = t;
  }

  private boolean inWindow(long t) {
    return t >= from && t < to;
  }

  private static long[] push(long[] a, int i, long v) {
    long[] r = i < a.length ? a : Arrays.copyOf(a, a.length * 2);
    r[i] = v;
    return r;
  }

  private SimResult result() {
    double[] hours = rollingHours();
    double agentHours = sc.agents() * (to - from) / 3_600_000.0;
    double agentMillis = (double) sc.agents() * (to - from);
    return new SimResult(busyAgentMillis / agentMillis, talkAgentMillis / 60_000.0 / agentHours,
        liveAnswers == 0 ? 0 : (double) abandons / liveAnswers, hours[0], dials / agentHours,
        waitCount == 0 ? 0 : waitMillisSum / waitCount / 1000.0, liveAnswers, abandons, (long) hours[1],
        (long) hours[2], ringCuts, ringCutAnswers);
  }

  /** The abandon limit a rolling hour is held to (regulators: 3 %). */
  static final double LIMIT = 0.03;

  /**
   * Over every 1-hour window inside the measured hours (ends every 10 s): the highest abandon rate, the windows
   * above {@link #LIMIT} and the windows.
   */
  private double[] rollingHours() {
    long hour = 3_600_000L;
    long[] answers = Arrays.copyOf(answerTimes, answerCount);
    long[] drops = Arrays.copyOf(abandonTimes, abandonCount);
    Arrays.sort(drops);
    if (PRINT_CLUMPS) {
      System.out.println("clumps, " + sc.agents() + " agents alone: " + clumps(drops));
    }
    double worst = 0;
    long over = 0;
    long windows = 0;
    for (long end = from + Math.min(hour, to - from); end <= to; end += 10_000) {
      long start = end - Math.min(hour, to - from);
      long a = countIn(answers, start, end);
      long d = countIn(drops, start, end);
      windows++;
      if (a > 0) {
        double rate = (double) d / a;
        worst = Math.max(worst, rate);
        if (rate > LIMIT) {
          over++;
        }
      }
    }
    return new double[] {worst, over, windows};
  }

  static long countIn(long[] sorted, long start, long end) {
    return lowerBound(sorted, end) - lowerBound(sorted, start);
  }

  private static int lowerBound(long[] a, long v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // --- PacerView ---

  @Override
  public int loggedInAgents() {
    return activity.length;
  }

  @Override
  public Activity activity(int agent) {
    return activity[agent];
  }

  @Override
  public long activitySince(int agent) {
    return since[agent];
  }

  @Override
  public int freeAgents() {
    return freeAgents.size();
  }

  @Override
  public int ringingLines() {
    return ringing.size();
  }

  @Override
  public long ringingSince(int line) {
    return ringing.get(line).start;
  }

  @Override
  public int answeredWaiting() {
    return waiting.size();
  }

  @Override
  public int trunkLinesInUse() {
    return ringing.size() + waiting.size() + talking;
  }

  /**
   * Minute by minute (index: minutes since the start of the day, warm-up included): dials, live answers (persons,
   * the ones AMD hung up on included, as regulators count them), abandons given the safe-harbor message (by the
   * minute of their answer), persons AMD hung up on, and at each minute's start what a {@link CampaignPacer} believed:
   * its planned abandon rate, calibration, its own hour's answers and abandons, lines ringing, agents free.
   */
  public static final class Trace {
    public final long[] dials;
    public final long[] answers;
    public final long[] safeHarbors;
    public final long[] amdAbandons;
    public final double[] planned;
    public final double[] calibration;
    public final long[] pacerHourAnswers;
    public final long[] pacerHourAbandons;
    public final int[] ringing;
    public final int[] free;
    public final double[] learnedRate;

    Trace(int minutes) {
      learnedRate = new double[minutes];
      dials = new long[minutes];
      answers = new long[minutes];
      safeHarbors = new long[minutes];
      amdAbandons = new long[minutes];
      planned = new double[minutes];
      calibration = new double[minutes];
      pacerHourAnswers = new long[minutes];
      pacerHourAbandons = new long[minutes];
      ringing = new int[minutes];
      free = new int[minutes];
    }

    void sample(long now, Simulation sim) {
      int m = (int) (now / 60_000);
      if (m >= dials.length) {
        return;
      }
      ringing[m] = sim.ringing.size();
      free[m] = sim.freeAgents.size();
      if (sim.pacer instanceof CampaignPacer cp) {
        CampaignPacer.Plan plan = cp.plan(now);
        planned[m] = plan.plannedAbandonRate();
        calibration[m] = plan.calibration();
        var hour = cp.abandonStats().hour(now);
        pacerHourAnswers[m] = hour.liveAnswered();
        pacerHourAbandons[m] = hour.abandoned();
        learnedRate[m] = cp.learned().liveAnswerRate();
      }
    }

    /** The minute whose end closes the worst rolling hour (by minute ends) within minutes first … last. */
    public int worstHourEnd(int first, int last) {
      int worst = -1;
      double worstRate = -1;
      for (int end = first + 60; end <= last; end++) {
        long a = 0;
        long d = 0;
        for (int m = end - 60; m < end; m++) {
          a += answers[m];
          d += safeHarbors[m] + amdAbandons[m];
        }
        double r = a == 0 ? 0 : (double) d / a;
        if (r > worstRate) {
          worstRate = r;
          worst = end;
        }
      }
      return worst;
    }
  }

  /** Customers on the phone with an agent now. */
  int talking() {
    return talking;
  }
}
