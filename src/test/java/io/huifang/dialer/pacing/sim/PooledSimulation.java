package io.huifang.dialer.pacing.sim;

import io.huifang.dialer.pacing.Pacer;
import io.huifang.dialer.pacing.PacerView;
import io.huifang.dialer.pacing.PoolPlanner;
import io.huifang.dialer.pacing.PoolView;
import io.huifang.telephony.AttemptOutcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One pool of agents serving several campaigns (blended CSI and SSI work, or several dealers' campaigns), each
 * campaign with its own customers, its own pacer and its own abandon target. An agent takes only the campaigns of
 * their skills. An answered customer goes to the longest-idle free agent skilled for the campaign (of those, one with
 * the fewest skills), or waits up to 2 s; an agent who comes free takes the waiting customer of the highest-priority
 * campaign they are skilled for (the oldest among equals). After every event the server's {@link PoolPlanner} decides
 * each campaign's dials from the pool's state (this class is its {@link PoolView}). The k-th dial of a campaign has the same
 * customer as in a day the campaign dials alone ({@link Simulation} with the same seed), so pooled and split days are
 * compared on the same customers.
 */
public final class PooledSimulation {
  private static final long SAFE_HARBOR_MILLIS = 2000;
  private static final int RESULT = 0;
  private static final int SAFE_HARBOR = 1;
  private static final int TALK_END = 2;
  private static final int WRAP_END = 3;
  private static final int TICK = 4;

  /**
   * A campaign of the pool: its customers (the scenario's agents are ignored), its pacer, its priority (0 first), and
   * the abandon target its rolling hours are held to.
   */
  public record Campaign(Scenario customers, Pacer pacer, int priority, double target) {
    public Campaign(Scenario customers, Pacer pacer, int priority) {
      this(customers, pacer, priority, Simulation.LIMIT);
    }
  }

  /** One campaign's day in the pool, and the pool's busy share. */
  public record Result(double poolBusyShare, List<SimResult> campaigns) {
  }

  private static final class Line {
    int campaign;
    long start;
    long ringMillis;
    long talkMillis;
    boolean human;
    boolean machine;
    boolean amdWrong;
    long answeredAt;
    boolean waiting;
    int ringIndex;

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

  private final List<Campaign> campaigns;
  private final Integer[] order;
  private final boolean[][] skilled;
  private final SplittableRandom[] customers;
  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private long seq;
  private long now;
  private final PacerView.Activity[] activity;
  private final long[] since;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  /** Ringing lines per campaign (index = the campaign's place in the list given), in no particular order. */
  private final ArrayList<Line>[] ringing;
  private final ArrayList<Line> waiting = new ArrayList<>();
  private final int[] waitingCount;
  private final PoolPlanner planner;
  private final PoolView view = new Pool();
  /** The campaigns' pacers in priority order, as the planner takes them. */
  private final List<Pacer> pacers = new ArrayList<>();
  private final long from;
  private final long to;
  private double busyAgentMillis;
  private final Counts[] counts;

  private static final class Counts {
    long dials;
    long liveAnswers;
    long abandons;
    long[] answerTimes = new long[1024];
    int answerCount;
    long[] abandonTimes = new long[64];
    int abandonCount;
    double talkMillis;
  }

  /**
   * @param skills skills[a][c]: agent a takes campaign c
   */
  public PooledSimulation(List<Campaign> campaigns, boolean[][] skills, long seed) {
    this(campaigns, skills, seed, new PoolPlanner());
  }

  /**
   * @param skills skills[a][c]: agent a takes campaign c
   * @param planner the pool's planner (the server's, or an earlier rule to measure against)
   */
  @SuppressWarnings("unchecked")
  public PooledSimulation(List<Campaign> campaigns, boolean[][] skills, long seed, PoolPlanner planner) {
    this.planner = planner;
    this.campaigns = campaigns;
    this.skilled = skills;
    this.order = new Integer[campaigns.size()];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(campaigns.get(x).priority(), campaigns.get(y).priority()));
    this.talkingCampaign = new int[skills.length];
    this.customers = new SplittableRandom[campaigns.size()];
    this.ringing = new ArrayList[campaigns.size()];
    this.waitingCount = new int[campaigns.size()];
    this.counts = new Counts[campaigns.size()];
    for (int c = 0; c < customers.length; c++) {
      // the same stream as Simulation's for this seed: the campaign's k-th dial, the same customer
      customers[c] = new SplittableRandom((seed + 1000L * c) * 0x9E3779B97F4A7C15L + 17);
      ringing[c] = new ArrayList<>();
      counts[c] = new Counts();
    }
    for (int c : order) {
      pacers.add(campaigns.get(c).pacer());
    }
    this.activity = new PacerView.Activity[skills.length];
    this.since = new long[skills.length];
    for (int a = 0; a < skills.length; a++) {
      activity[a] = PacerView.Activity.FREE;
      free.add(a);
    }
    Scenario first = campaigns.get(0).customers();
    this.from = first.warmUpMillis();
    this.to = first.warmUpMillis() + first.measuredMillis();
  }

  /** The seed a campaign of a pool draws its customers with, for the same campaign dialled alone. */
  public static long campaignSeed(long seed, int campaign) {
    return seed + 1000L * campaign;
  }

  public Result run() {
    schedule(0, TICK, null, -1);
    while (!events.isEmpty()) {
      Event e = events.poll();
      if (e.time > to) {
        break;
      }
      advanceTo(e.time);
      switch (e.type) {
        case RESULT -> ringEnded(e.line);
        case SAFE_HARBOR -> safeHarbor(e.line);
        case TALK_END -> talkEnded(e.agent, e.line);
        case WRAP_END -> wrapUpEnded(e.agent);
        default -> schedule(now + Pacer.TICK_MILLIS, TICK, null, -1);
      }
      int[] lines = planner.linesToDial(view, pacers, now);
      if (now >= TRACE_FROM_MILLIS && now <= TRACE_TO_MILLIS) {
        trace(e, lines);
      }
      for (int p = 0; p < lines.length; p++) {
        for (int i = 0; i < lines[p]; i++) {
          originate(order[p]);
        }
      }
    }
    advanceTo(to);
    List<SimResult> results = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      results.add(result(c));
    }
    return new Result(busyAgentMillis / ((double) activity.length * (to - from)), results);
  }

  private void originate(int c) {
    Scenario sc = campaigns.get(c).customers();
    SplittableRandom rnd = customers[c];
    Line line = new Line();
    line.campaign = c;
    line.start = now;
    line.take(sc.drawDial(rnd, now));
    line.ringIndex = ringing[c].size();
    ringing[c].add(line);
    if (inWindow(now)) {
      counts[line.campaign].dials++;
    }
    schedule(now + line.ringMillis, RESULT, line, -1);
  }

  private void ringEnded(Line line) {
    ArrayList<Line> lines = ringing[line.campaign];
    Line last = lines.remove(lines.size() - 1);
    if (last != line) {
      lines.set(line.ringIndex, last);
      last.ringIndex = line.ringIndex;
    }
    Campaign c = campaigns.get(line.campaign);
    boolean amd = c.customers().amd();
    if (!line.human && !(line.machine && !amd)) {
      c.pacer().onOriginateResult(line.machine ? AttemptOutcome.ANSWERED_MACHINE : AttemptOutcome.NO_ANSWER,
          line.ringMillis, now);
      return;
    }
    line.answeredAt = now;
    Counts k = counts[line.campaign];
    if (inWindow(now)) {
      k.liveAnswers++;
      k.answerTimes = push(k.answerTimes, k.answerCount++, now);
    }
    if (line.amdWrong) {
      c.pacer().onOriginateResult(AttemptOutcome.ANSWERED_MACHINE, line.ringMillis, now);
      countAbandon(line);
      return;
    }
    c.pacer().onOriginateResult(AttemptOutcome.ANSWERED_HUMAN, line.ringMillis, now);
    // the longest-idle of the free agents with the fewest skills: a specialist first, so that the agents who can
    // take the other campaigns stay free for them
    Integer agent = null;
    for (Integer a : free) {
      if (skilled[a][line.campaign] && (agent == null || skills(a) < skills(agent))) {
        agent = a;
      }
    }
    if (agent != null) {
      free.remove(agent);
      connect(line, agent);
    } else {
      line.waiting = true;
      waiting.add(line);
      waitingCount[line.campaign]++;
      schedule(now + SAFE_HARBOR_MILLIS, SAFE_HARBOR, line, -1);
    }
  }

  private int skills(int agent) {
    int n = 0;
    for (boolean s : skilled[agent]) {
      if (s) {
        n++;
      }
    }
    return n;
  }

  private void safeHarbor(Line line) {
    if (!line.waiting) {
      return;
    }
    line.waiting = false;
    waiting.remove(line);
    waitingCount[line.campaign]--;
    countAbandon(line);
    campaigns.get(line.campaign).pacer().onAbandoned(now);
  }

  /**
   * Diagnostics, off by default: every event from {@code -Dhuifang.pool.traceFrom} to {@code -Dhuifang.pool.traceTo}
   * (ms of the day) with the pool's state and each pacer's reason, and every abandon then (how day 3020's clump was
   * read, docs/pacing.md); {@code -Dhuifang.sim.clumps=true} prints each campaign's abandons as clumps.
   */
  private static final long TRACE_FROM_MILLIS = Long.getLong("huifang.pool.traceFrom", Long.MAX_VALUE);
  private static final long TRACE_TO_MILLIS = Long.getLong("huifang.pool.traceTo", Long.MIN_VALUE);

  private void trace(Event e, int[] lines) {
    StringBuilder reasons = new StringBuilder();
    for (Pacer p : pacers) {
      reasons.append(p instanceof io.huifang.dialer.pacing.CampaignPacer c ? c.reasonCode().code() : p.name())
          .append(' ');
    }
    int[] ringingNow = new int[ringing.length];
    for (int c = 0; c < ringing.length; c++) {
      ringingNow[c] = ringing[c].size();
    }
    System.out.printf(java.util.Locale.ROOT, "t %.1f s, event %d of campaign %d: ringing %s, waiting %s, free %d;"
            + " dialled %s (pool order); %s%n", now / 1000.0, e.type(), e.line() == null ? -1 : e.line().campaign,
        Arrays.toString(ringingNow), Arrays.toString(waitingCount), free.size(), Arrays.toString(lines), reasons);
  }

  private void countAbandon(Line line) {
    Counts k = counts[line.campaign];
    if (line.answeredAt >= TRACE_FROM_MILLIS && line.answeredAt <= TRACE_TO_MILLIS) {
      System.out.printf(java.util.Locale.ROOT, "abandon of campaign %d: answered at %.1f s, dialled at %.1f s%s%n",
          line.campaign, line.answeredAt / 1000.0, line.start / 1000.0, line.amdWrong ? " (an AMD mistake)" : "");
    }
    if (inWindow(line.answeredAt)) {
      k.abandons++;
      k.abandonTimes = push(k.abandonTimes, k.abandonCount++, line.answeredAt);
    }
  }

  private void connect(Line line, int agent) {
    campaigns.get(line.campaign).pacer().onConnected(now - line.answeredAt, now);
    activity[agent] = PacerView.Activity.TALKING;
    since[agent] = now;
    talkingCampaign[agent] = line.campaign;
    schedule(now + line.talkMillis, TALK_END, line, agent);
  }

  /** The campaign of each agent's current (or last) call, for its pacer's wrap-up. */
  private final int[] talkingCampaign;

  private void talkEnded(int agent, Line line) {
    activity[agent] = PacerView.Activity.WRAP_UP;
    since[agent] = now;
    campaigns.get(line.campaign).pacer().onHangup(line.talkMillis, now);
    schedule(now + campaigns.get(line.campaign).customers().wrapUpMillis(), WRAP_END, line, agent);
  }

  private void wrapUpEnded(int agent) {
    campaigns.get(talkingCampaign[agent]).pacer().onAgentFree(now - since[agent], now);
    activity[agent] = PacerView.Activity.FREE;
    since[agent] = now;
    Line next = null;
    for (Line w : waiting) {
      if (skilled[agent][w.campaign] && (next == null
          || campaigns.get(w.campaign).priority() < campaigns.get(next.campaign).priority())) {
        next = w;
      }
    }
    if (next != null) {
      waiting.remove(next);
      waitingCount[next.campaign]--;
      next.waiting = false;
      connect(next, agent);
    } else {
      free.add(agent);
    }
  }

  private void schedule(long time, int type, Line line, int agent) {
    events.add(new Event(time, seq++, type, line, agent));
  }

  private void advanceTo(long t) {
    long a = Math.max(now, from);
    long b = Math.min(t, to);
    if (b > a) {
      busyAgentMillis += (double) (activity.length - free.size()) * (b - a);
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

  private SimResult result(int c) {
    Counts k = counts[c];
    double limit = campaigns.get(c).target();
    long[] answers = Arrays.copyOf(k.answerTimes, k.answerCount);
    long[] drops = Arrays.copyOf(k.abandonTimes, k.abandonCount);
    Arrays.sort(drops);
    if (Simulation.PRINT_CLUMPS) {
      System.out.println("clumps, campaign " + c + " of a pool: " + Simulation.clumps(drops));
    }
    long hour = 3_600_000L;
    double worst = 0;
    long over = 0;
    long windows = 0;
    for (long end = from + Math.min(hour, to - from); end <= to; end += 10_000) {
      long start = end - Math.min(hour, to - from);
      long a = Simulation.countIn(answers, start, end);
      long d = Simulation.countIn(drops, start, end);
      windows++;
      if (a > 0) {
        worst = Math.max(worst, (double) d / a);
        if ((double) d / a > limit) {
          over++;
        }
      }
    }
    double agentHours = activity.length * (to - from) / 3_600_000.0;
    return new SimResult(0, 0, k.liveAnswers == 0 ? 0 : (double) k.abandons / k.liveAnswers, worst,
        k.dials / agentHours, 0, k.liveAnswers, k.abandons, over, windows, 0, 0);
  }

  /** The pool as the planner sees it: campaigns in priority order. */
  private final class Pool implements PoolView {
    @Override
    public int campaigns() {
      return order.length;
    }

    @Override
    public int priority(int campaign) {
      return campaigns.get(order[campaign]).priority();
    }

    @Override
    public int agents() {
      return activity.length;
    }

    @Override
    public boolean skilled(int agent, int campaign) {
      return skilled[agent][order[campaign]];
    }

    @Override
    public PacerView.Activity activity(int agent) {
      return activity[agent];
    }

    @Override
    public long activitySince(int agent) {
      return since[agent];
    }

    @Override
    public int ringingLines(int campaign) {
      return ringing[order[campaign]].size();
    }

    @Override
    public long ringingSince(int campaign, int line) {
      return ringing[order[campaign]].get(line).start;
    }

    @Override
    public int answeredWaiting(int campaign) {
      return waitingCount[order[campaign]];
    }
  }
}
