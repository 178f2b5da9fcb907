package io.huifang.dialer.pacing.sim;

import io.huifang.dialer.pacing.AbandonStats;
import io.huifang.dialer.pacing.CampaignPacer;
import io.huifang.dialer.pacing.DialMode;
import io.huifang.dialer.pacing.OriginateThrottle;
import io.huifang.dialer.pacing.PacingSettings;
import io.huifang.dialer.pacing.PoolPlanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Agents shared across campaigns, on held-out days, with the server's settings. Each pooled scenario runs two ways
 * on the same customers: split (each campaign alone on its share of the agents, {@link Simulation}) and one pool
 * paced by the server's {@link io.huifang.dialer.pacing.PoolPlanner}. A day is over when any campaign's worst
 * rolling hour is above that campaign's target.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.dialer.pacing.sim.PooledBenchmark [--seeds 3001-3030]
 *     [--only TEXT] [--threads 2] [--amd on|off] [--compare second|fewest|off] [--margins as HeldOutBenchmark's]</pre>
 */
public final class PooledBenchmark {
  private PooledBenchmark() {
  }

  /** One pooled scenario: each campaign's customers (agents = its split share), target, and who takes what. */
  record Pool(String name, Scenario[] customers, double[] targets, boolean[][] skills, int[] priorities) {
    /** Each campaign its own priority, in the order given (A first). */
    Pool(String name, Scenario[] customers, double[] targets, boolean[][] skills) {
      this(name, customers, targets, skills, java.util.stream.IntStream.range(0, customers.length).toArray());
    }

    int campaigns() {
      return customers.length;
    }
  }

  /** One way of running one scenario on one day: the pool's busy share and each campaign's day. */
  record Run(double busy, SimResult[] campaigns) {
  }

  /**
   * The earlier rule run beside the server's on the same days (--compare second|fewest|off): session 12's second pass
   * (each pacer charged for all it asked, half a line of slack), its first pass (the fewest ask), or none (design runs).
   */
  static PoolPlanner.Bound compare = PoolPlanner.Bound.ASKS_CHARGED;

  static String way(int w) {
    return switch (w) {
      case 0 -> "split";
      case 1 -> "**pooled** (PoolPlanner, session 13: asked without charge, no slack)";
      default -> compare == PoolPlanner.Bound.FEWEST_ASK ? "pooled, the fewest ask (session 12, first pass)"
          : "pooled, session 12 second pass (asks charged, half-line slack)";
    };
  }

  public static void main(String[] args) throws Exception {
    long[] seeds = HeldOutBenchmark.seeds(option(args, "--seeds", "3001-3030"));
    String only = option(args, "--only", "");
    boolean amd = option(args, "--amd", "off").equals("on");
    compare = switch (option(args, "--compare", "second")) {
      case "second" -> PoolPlanner.Bound.ASKS_CHARGED;
      case "fewest" -> PoolPlanner.Bound.FEWEST_ASK;
      case "off" -> null;
      default -> throw new IllegalArgumentException("--compare second|fewest|off");
    };
    margins = HeldOutBenchmark.margins(option(args, "--margins", ""));
    ExecutorService exec = Executors.newFixedThreadPool(Integer.parseInt(option(args, "--threads", "2")));
    long started = System.nanoTime();
    List<Pool> pools = pools(amd).stream()
        .filter(p -> only.isEmpty() || Arrays.stream(only.split("\\|")).anyMatch(p.name()::contains)).toList();
    List<List<Future<Run[]>>> all = new ArrayList<>();
    for (int i = 0; i < pools.size(); i++) {
      all.add(new ArrayList<>());
    }
    // day by day across the scenarios, so that a run cut short has every scenario on the same days
    for (long seed : seeds) {
      for (int i = 0; i < pools.size(); i++) {
        Pool p = pools.get(i);
        all.get(i).add(exec.submit(() -> {
          Run[] r = day(p, seed);
          System.out.printf(Locale.ROOT,
              "day %s seed %d: busy %.1f / %.1f / %s %%, worst %.2f / %.2f / %s %%, hour-ends over %s / %s / %s,"
                  + " pooled answers %s / %s%n",
              p.name(), seed, 100 * r[0].busy(), 100 * r[1].busy(),
              r.length > 2 ? String.format(Locale.ROOT, "%.1f", 100 * r[2].busy()) : "-", 100 * worst(r[0]),
              100 * worst(r[1]), r.length > 2 ? String.format(Locale.ROOT, "%.2f", 100 * worst(r[2])) : "-",
              hoursOver(r[0]), hoursOver(r[1]), r.length > 2 ? hoursOver(r[2]) : "-", answers(r[1]),
              r.length > 2 ? answers(r[2]) : "-");
          return r;
        }));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("| pooled scenario | policy | busy share | abandoned (per campaign) | worst 1-h (any campaign, any day) "
        + "| days over target | rolling hours over target | live answers per campaign, median (fewest) "
        + "| days over: seed, campaign, minutes over (worst) |\n"
        + "|---|---|---:|---|---:|---:|---:|---|---|\n");
    for (int i = 0; i < pools.size(); i++) {
      Pool p = pools.get(i);
      List<Run[]> days = new ArrayList<>();
      for (Future<Run[]> f : all.get(i)) {
        days.add(f.get());
      }
      for (int w = 0; w < (compare != null ? 3 : 2); w++) {
        out.append(row(p, way(w), days, w, seeds));
      }
    }
    exec.shutdown();
    System.out.print(out);
    System.out.printf(Locale.ROOT, "%nheld-out seeds %s, AMD %s, margins %s, %.0f s wall%n",
        HeldOutBenchmark.range(seeds), amd ? "on" : "off", margins, (System.nanoTime() - started) / 1e9);
  }

  /** The pooled scenarios: every one is held to 0 held-out days over its campaigns' targets. */
  static List<Pool> pools(boolean amd) {
    List<Pool> list = new ArrayList<>();
    for (int each : new int[] {10, 25}) {
      Scenario c = csi(each).withAmd(amd);
      list.add(new Pool("2 × " + each + " blended (p 30 % / 30 %)", new Scenario[] {c, c}, targets(2),
          skills(2 * each, a -> new boolean[] {true, true})));
      list.add(new Pool("2 × " + each + " blended, equal priorities", new Scenario[] {c, c}, targets(2),
          skills(2 * each, a -> new boolean[] {true, true}), new int[] {5, 5}));
      int fifth = 2 * each / 5;
      list.add(new Pool("2 × " + each + " mixed: a fifth CSI only, a fifth SSI only", new Scenario[] {c, c},
          targets(2), skills(2 * each, a -> new boolean[] {a < fifth || a >= 2 * fifth, a >= fifth})));
    }
    // the low-priority campaign's customers answer three times as often as the high one's
    Scenario low = Scenario.of(10, new double[] {0.15}, Scenario.TalkShape.EXPONENTIAL, 120).withAmd(amd);
    Scenario high = Scenario.of(10, new double[] {0.45}, Scenario.TalkShape.EXPONENTIAL, 120).withAmd(amd);
    list.add(new Pool("2 × 10 blended, p 15 % (first) / 45 % (second)", new Scenario[] {low, high}, targets(2),
        skills(20, a -> new boolean[] {true, true})));
    list.add(new Pool("2 × 10 mixed, p 15 % (first) / 45 % (second)", new Scenario[] {low, high}, targets(2),
        skills(20, a -> new boolean[] {a < 4 || a >= 8, a >= 4})));
    // three campaigns, targets 3 / 2 / 3 %: 6 agents for A only, 6 for A and B, 6 for B and C, 6 for A and C, 6 all
    Scenario third = csi(10).withAmd(amd);
    Scenario[] three = {third, Scenario.of(10, new double[] {0.25}, Scenario.TalkShape.EXPONENTIAL, 120)
        .withAmd(amd), third};
    list.add(new Pool("3 × 10, targets 3 / 2 / 3 %, pairs", three, new double[] {0.03, 0.02, 0.03},
        skills(30, a -> switch (a / 6) {
          case 0 -> new boolean[] {true, false, false};
          case 1 -> new boolean[] {true, true, false};
          case 2 -> new boolean[] {false, true, true};
          case 3 -> new boolean[] {true, false, true};
          default -> new boolean[] {true, true, true};
        })));
    return list;
  }

  private static double[] targets(int n) {
    double[] t = new double[n];
    Arrays.fill(t, PacingSettings.DEFAULT_TARGET);
    return t;
  }

  private static boolean[][] skills(int agents, java.util.function.IntFunction<boolean[]> of) {
    boolean[][] s = new boolean[agents][];
    for (int a = 0; a < agents; a++) {
      s[a] = of.apply(a);
    }
    return s;
  }

  static Scenario csi(int agents) {
    return Scenario.of(agents, new double[] {0.30}, Scenario.TalkShape.EXPONENTIAL, 120).withAmd(false);
  }

  static CampaignPacer pacer() {
    return pacer(PacingSettings.DEFAULT_TARGET, false);
  }

  /** The pacers' safety margins (--margins, as {@link HeldOutBenchmark}'s; the server's by default). */
  static CampaignPacer.Margins margins = CampaignPacer.Margins.DEFAULT;

  static CampaignPacer pacer(double target, boolean amd) {
    return new CampaignPacer(PacingSettings.forCampaign(DialMode.PREDICTIVE, target, amd),
        OriginateThrottle.unlimited(), new AbandonStats(), margins);
  }

  /** The two ways on one day. */
  static Run[] day(Pool p, long seed) {
    int n = p.campaigns();
    SimResult[] split = new SimResult[n];
    double busy = 0;
    for (int c = 0; c < n; c++) {
      split[c] = new Simulation(p.customers()[c], pacer(p.targets()[c], p.customers()[c].amd()),
          PooledSimulation.campaignSeed(seed, c)).run();
      busy += split[c].busyShare() * p.customers()[c].agents();
    }
    int agents = Arrays.stream(p.customers()).mapToInt(Scenario::agents).sum();
    Run splitRun = new Run(busy / agents, split);
    Run pooled = pooled(p, seed, new PoolPlanner());
    return compare != null ? new Run[] {splitRun, pooled, pooled(p, seed, new PoolPlanner(compare))}
        : new Run[] {splitRun, pooled};
  }

  static Run pooled(Pool p, long seed, PoolPlanner planner) {
    List<PooledSimulation.Campaign> campaigns = new ArrayList<>();
    for (int c = 0; c < p.campaigns(); c++) {
      CampaignPacer pacer = pacer(p.targets()[c], p.customers()[c].amd());
      campaigns.add(new PooledSimulation.Campaign(p.customers()[c], pacer, p.priorities()[c], p.targets()[c]));
    }
    PooledSimulation.Result r = new PooledSimulation(campaigns, p.skills(), seed, planner).run();
    return new Run(r.poolBusyShare(), r.campaigns().toArray(new SimResult[0]));
  }

  private static String row(Pool p, String way, List<Run[]> days, int w, long[] seeds) {
    double[] busy = days.stream().mapToDouble(d -> d[w].busy()).toArray();
    StringBuilder abandoned = new StringBuilder();
    for (int c = 0; c < p.campaigns(); c++) {
      int cc = c;
      abandoned.append(c == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f %%",
          100 * median(days.stream().mapToDouble(d -> d[w].campaigns()[cc].abandonRate()).toArray())));
    }
    double worst = days.stream().mapToDouble(d -> worst(d[w])).max().orElse(0);
    long over = 0;
    long hoursOver = 0;
    long windows = 0;
    StringBuilder which = new StringBuilder();
    for (int i = 0; i < days.size(); i++) {
      SimResult[] r = days.get(i)[w].campaigns();
      boolean dayOver = false;
      for (int c = 0; c < r.length; c++) {
        if (r[c].worstHourRate() > p.targets()[c]) {
          dayOver = true;
          which.append(which.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %c %s(%.2f %%)",
              seeds[i], (char) ('A' + c), w == 0 ? "" : String.format(Locale.ROOT, "%.1f min ",
                  r[c].hoursOver() / 6.0), 100 * r[c].worstHourRate()));
        }
        // the split days count their rolling hours against 3 % (Simulation's limit); the pooled, each target
        hoursOver += r[c].hoursOver();
        windows += r[c].hourWindows();
      }
      if (dayOver) {
        over++;
      }
    }
    StringBuilder answers = new StringBuilder();
    for (int c = 0; c < p.campaigns(); c++) {
      int cc = c;
      double[] a = days.stream().mapToDouble(d -> d[w].campaigns()[cc].liveAnswers()).toArray();
      answers.append(c == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f (%,.0f)", median(a),
          Arrays.stream(a).min().orElse(0)));
    }
    return String.format(Locale.ROOT, "| %s | %s | %.1f %% | %s | %.2f %% | %d / %d | %.3f %% | %s | %s |%n", p.name(),
        way, 100 * median(busy), abandoned, 100 * worst, over, days.size(),
        windows == 0 ? 0 : 100.0 * hoursOver / windows, answers, which.length() == 0 ? "none" : which);
  }

  /** Each campaign's live answers, A / B (/ C). */
  private static String answers(Run r) {
    StringBuilder s = new StringBuilder();
    for (SimResult c : r.campaigns()) {
      s.append(s.length() == 0 ? "" : " / ").append(c.liveAnswers());
    }
    return s.toString();
  }

  /** Rolling hours (10 s apart) over their campaign's target, out of all, summed over the campaigns. */
  private static String hoursOver(Run r) {
    long over = 0;
    long all = 0;
    for (SimResult c : r.campaigns()) {
      over += c.hoursOver();
      all += c.hourWindows();
    }
    return over + "/" + all;
  }

  private static double worst(Run r) {
    return Arrays.stream(r.campaigns()).mapToDouble(SimResult::worstHourRate).max().orElse(0);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
