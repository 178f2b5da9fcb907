package io.huifang.qa;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The month's draw of QA samples (抽检), pure: no clock, no I/O, no shared randomness. Given the month's seed and the
 * calls in the order they became eligible (a submitted survey and a ready recording), it decides each call once,
 * when it comes, and at the month's end tops up the agents still owed part of their quota. Fed the same seed and the
 * same calls in the same order it decides the same samples, so a month is re-drawn and audited from what
 * {@code qa_month} and {@code qa_call_check} keep (the seed, and per call the inputs given here in decision order).
 *
 * <p>Each call gets two draws, uniform in [0, 1): {@code u} (the quota draw, stored as the sample's {@code draw}) and
 * {@code v} (the skill-share draw), both a 64-bit mix (SplitMix64's finaliser) of the seed, a stable hash of the
 * attempt id (FNV-1a over its UTF-8 bytes) and a salt. Nothing depends on the JVM's hash codes or on time.
 *
 * <p>Rules, in the order a sample's reasons are listed (the first is its {@code reason}):
 * <ol>
 * <li>{@code needs_review}: every survey flagged needs-review (≥5 CSI / ≥4 SSI items below 7);</li>
 * <li>{@code complaint}: every call on which the customer's complaint was written down;</li>
 * <li>{@code suspicious}: every call the suspicious-call check flagged (too fast, silent customer, quiet agent);</li>
 * <li>{@code first_days}: every call in the first days of its campaign (the caller decides which days those are);</li>
 * <li>{@code skill_share}: after those days, a successful survey with {@code v < share} of the agent's certified level
 * (初级 30 %, 中级 10 %, 高级 5 % by default);</li>
 * <li>{@code quota}: the floor of {@code quota} samples per agent per month among their eligible calls (a successful,
 * not void survey with a ready recording), whatever pulled them. While an agent is owed {@code owed} more, a call not
 * pulled by a rule is drawn when {@code u < p}, with {@code p = min(1, SPREAD × owed / expected)}, where
 * {@code expected} is the agent's eligible calls still to come this month, estimated from their pace so far (eligible
 * calls per day since their first this month) times the days left including today. So the quota is spread over the
 * month as calls come (early calls have a small chance each, the chance rises as days run out) instead of piling on
 * the last day; {@link #close} then takes, for anyone still owed, their eligible calls with the lowest {@code u}.</li>
 * </ol>
 * A void survey (≥5 CSI / ≥4 SSI items 未调查) is never sampled and does not count toward anything; it is kept and
 * listed ({@link AgentTally#voids}).
 */
public final class Sampler {
  /** How much faster than "just enough" the quota is drawn, so that most agents are done before the month's end. */
  static final double SPREAD = 1.5;

  /** Why a call was sampled, in listing order. The bit is {@code 1 << ordinal}. */
  public enum Reason {
    NEEDS_REVIEW("needs_review"), COMPLAINT("complaint"), SUSPICIOUS("suspicious"), FIRST_DAYS("first_days"),
    SKILL_SHARE("skill_share"), QUOTA("quota"), MANUAL("manual");

    public final String id;

    Reason(String id) {
      this.id = id;
    }

    public int bit() {
      return 1 << ordinal();
    }

    public static Reason of(String id) {
      for (Reason r : values()) {
        if (r.id.equals(id)) {
          return r;
        }
      }
      throw new IllegalArgumentException(id);
    }
  }

  /**
   * One eligible call as the draw sees it. {@code day}: its day of the month (1-based, in the month's time zone);
   * {@code success}: a survey submitted as a success; {@code firstDays}: in its campaign's first days;
   * {@code skillShare}: the agent's sampled share (0..1) at that time; {@code quota}: the agent's monthly quota on
   * that call's campaign.
   */
  public record Call(String attemptId, long agentId, long campaignId, int day, boolean success, boolean needsReview,
                     boolean voidSurvey, boolean complaint, boolean suspicious, boolean firstDays, double skillShare,
                     int quota) {
  }

  /** What the draw decided for a call: its draw and the reasons (a bit set of {@link Reason}; 0: not sampled). */
  public record Decision(String attemptId, long agentId, double draw, int reasons) {
    public boolean sampled() {
      return reasons != 0;
    }

    public List<String> reasonIds() {
      return reasonIds(reasons);
    }

    public static List<String> reasonIds(int bits) {
      List<String> out = new ArrayList<>(2);
      for (Reason r : Reason.values()) {
        if ((bits & r.bit()) != 0) {
          out.add(r.id);
        }
      }
      return out;
    }
  }

  /** An agent's month so far: eligible calls, samples by reason, voids, the quota and what is still owed. */
  public static final class AgentTally {
    public final long agentId;
    int firstDay = -1;
    int quota;
    int eligible;
    int sampledEligible;
    int voids;
    int calls;
    int sampled;
    final int[] byReason = new int[Reason.values().length];
    // the eligible calls not sampled, for the top-up: their draws and where they are in the decisions
    double[] openDraw = new double[8];
    int[] openIndex = new int[8];
    int open;

    AgentTally(long agentId) {
      this.agentId = agentId;
    }

    public int quota() {
      return quota;
    }

    public int eligible() {
      return eligible;
    }

    public int voids() {
      return voids;
    }

    public int calls() {
      return calls;
    }

    /** Calls sampled, whatever the reasons (a call pulled by two rules counts once). */
    public int sampled() {
      return sampled;
    }

    /** Samples whose reasons include {@code r}. */
    public int byReason(Reason r) {
      return byReason[r.ordinal()];
    }

    public int owed() {
      return Math.max(0, quota - sampledEligible);
    }

    void keepOpen(double u, int index) {
      if (open == openDraw.length) {
        openDraw = java.util.Arrays.copyOf(openDraw, open * 2);
        openIndex = java.util.Arrays.copyOf(openIndex, open * 2);
      }
      openDraw[open] = u;
      openIndex[open] = index;
      open++;
    }
  }

  private final long seed;
  private final int daysInMonth;
  private final Map<Long, AgentTally> agents = new HashMap<>();
  private final List<Decision> decisions = new ArrayList<>();
  private boolean closed;

  public Sampler(long seed, int daysInMonth) {
    if (daysInMonth < 28 || daysInMonth > 31) {
      throw new IllegalArgumentException("days in month: " + daysInMonth);
    }
    this.seed = seed;
    this.daysInMonth = daysInMonth;
  }

  public long seed() {
    return seed;
  }

  /** Decides a call, once, in the order calls become eligible. */
  public Decision decide(Call c) {
    if (c.day() < 1 || c.day() > daysInMonth) {
      throw new IllegalArgumentException("day " + c.day() + " of a " + daysInMonth + "-day month");
    }
    double u = draw(seed, c.attemptId(), 0);
    AgentTally a = agents.computeIfAbsent(c.agentId(), AgentTally::new);
    a.calls++;
    if (c.voidSurvey()) {
      a.voids++;
      return record(new Decision(c.attemptId(), c.agentId(), u, 0));
    }
    int reasons = 0;
    if (c.needsReview()) {
      reasons |= Reason.NEEDS_REVIEW.bit();
    }
    if (c.complaint()) {
      reasons |= Reason.COMPLAINT.bit();
    }
    if (c.suspicious()) {
      reasons |= Reason.SUSPICIOUS.bit();
    }
    if (c.firstDays()) {
      reasons |= Reason.FIRST_DAYS.bit();
    } else if (c.success() && c.skillShare() > 0 && draw(seed, c.attemptId(), 1) < c.skillShare()) {
      reasons |= Reason.SKILL_SHARE.bit();
    }
    if (c.success()) {
      if (a.firstDay < 0) {
        a.firstDay = c.day();
      }
      a.eligible++;
      a.quota = Math.max(a.quota, c.quota());
      int owed = a.quota - a.sampledEligible;
      if (reasons == 0 && owed > 0 && u < quotaChance(a, c.day(), owed)) {
        reasons = Reason.QUOTA.bit();
      }
      if (reasons != 0) {
        a.sampledEligible++;
      } else {
        a.keepOpen(u, decisions.size());
      }
    }
    count(a, reasons);
    return record(new Decision(c.attemptId(), c.agentId(), u, reasons));
  }

  /** The chance a call not pulled by a rule is drawn for the quota (see the class comment). */
  private double quotaChance(AgentTally a, int day, int owed) {
    double pace = (double) a.eligible / (day - a.firstDay + 1);
    double expected = Math.max(1.0, pace * (daysInMonth - day + 1));
    return Math.min(1.0, SPREAD * owed / expected);
  }

  /**
   * The month is over: every agent still owed part of their quota gets it from their eligible calls not yet
   * sampled, lowest quota draw first. Returns the top-up decisions (reason quota). Calls decided afterwards (a
   * recording that became ready late) are decided as before.
   */
  public List<Decision> close() {
    List<Decision> out = new ArrayList<>();
    closed = true;
    List<AgentTally> owing = agents.values().stream().filter(a -> a.owed() > 0 && a.open > 0)
        .sorted(java.util.Comparator.comparingLong(a -> a.agentId)).toList();
    for (AgentTally a : owing) {
      Integer[] order = new Integer[a.open];
      for (int i = 0; i < a.open; i++) {
        order[i] = i;
      }
      double[] draws = a.openDraw;
      int[] idx = a.openIndex;
      java.util.Arrays.sort(order, (x, y) -> draws[x] != draws[y] ? Double.compare(draws[x], draws[y])
          : Integer.compare(idx[x], idx[y]));
      int take = Math.min(a.owed(), a.open);
      boolean[] taken = new boolean[a.open];
      for (int k = 0; k < take; k++) {
        Decision d = decisions.get(idx[order[k]]);
        Decision topUp = new Decision(d.attemptId(), d.agentId(), d.draw(), Reason.QUOTA.bit());
        decisions.set(idx[order[k]], topUp);
        out.add(topUp);
        taken[order[k]] = true;
        a.sampledEligible++;
        count(a, Reason.QUOTA.bit());
      }
      int kept = 0;
      for (int i = 0; i < a.open; i++) {
        if (!taken[i]) {
          a.openDraw[kept] = a.openDraw[i];
          a.openIndex[kept] = a.openIndex[i];
          kept++;
        }
      }
      a.open = kept;
    }
    return out;
  }

  public boolean closed() {
    return closed;
  }

  /** Every decision so far, in order; a call topped up at the close reads as sampled for the quota. */
  public List<Decision> decisions() {
    return java.util.Collections.unmodifiableList(decisions);
  }

  /** Every agent's month, by agent id. */
  public Map<Long, AgentTally> agents() {
    return java.util.Collections.unmodifiableMap(agents);
  }

  private Decision record(Decision d) {
    decisions.add(d);
    return d;
  }

  private static void count(AgentTally a, int reasons) {
    if (reasons != 0) {
      a.sampled++;
    }
    for (Reason r : Reason.values()) {
      if ((reasons & r.bit()) != 0) {
        a.byReason[r.ordinal()]++;
      }
    }
  }

  /** A call's draw in [0, 1): the seed, the attempt id and a salt, mixed; the same on every machine. */
  public static double draw(long seed, String attemptId, int salt) {
    long h = 0xcbf29ce484222325L;
    for (byte b : attemptId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    long z = seed ^ h ^ (salt * 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    // a second round: seed and hash are combined by xor, so one round would leave nearby seeds correlated
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }
}
