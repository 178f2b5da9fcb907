package io.huifang.fault;

import io.huifang.dialer.DialerCampaigns;
import io.huifang.testsupport.Http;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Agents shared across campaigns, on the live server (issue 23): two predictive campaigns of the same customers
 * (30 % answer after 6–20 s of ringing, no answer at 25 s, talk exponential with a mean of 120 s: the simulation's
 * N=10 p=30 % day without machines), once with two teams of {@code agents/2}, each skilled for its own campaign
 * ("split"), and once with one pool of {@code agents} skilled for both ("pooled"). Both run at once, each a Huifang in
 * its own JVM with its own emulated PBX and database ({@link FaultRig}), at emulator speed 1: the pacer's clocks are
 * real time, so only speed 1 is the real thing. Agents work over HTTP as the agent page does ({@link RigAgents}):
 * they submit the survey within a poll (0.3 s) of the call's end, with no wrap-up time.
 *
 * <p>After {@code warmUpMinutes} (the pacer dials like progressive until it has learned), {@code measuredMinutes}
 * are scored from the server's own rows: the share of the agents' time on a call (bridged to ended), the live
 * answers and the abandons of each campaign, as the dialer counts them (AttemptStore.abandonHistory).
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.fault.SharedAgentsLiveBenchmark [agents=20] [warmUpMinutes=15]
 *     [measuredMinutes=30] [customersPerCampaign=3000]</pre>
 */
public final class SharedAgentsLiveBenchmark {
  private SharedAgentsLiveBenchmark() {
  }

  /** What one arrangement scored over the measured minutes. */
  record Scored(String arrangement, int agents, double onCallShare, List<long[]> answersAndAbandons, long dials,
                long bridged) {
  }

  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    double warmUp = args.length > 1 ? Double.parseDouble(args[1]) : 15;
    double measured = args.length > 2 ? Double.parseDouble(args[2]) : 30;
    int customers = args.length > 3 ? Integer.parseInt(args[3]) : 3000;
    if (agents < 2 || agents % 2 != 0) {
      throw new IllegalArgumentException("agents must be even, at least 2: " + agents);
    }
    Path dir = Files.createTempDirectory("hf-shared-live");
    System.err.printf(Locale.ROOT, "shared agents, live: %d agents, %.1f + %.1f minutes at speed 1, in %s%n", agents,
        warmUp, measured, dir);
    long began = System.nanoTime();
    CompletableFuture<Scored> split = CompletableFuture.supplyAsync(() -> run(dir.resolve("split"), false, agents,
        warmUp, measured, customers));
    CompletableFuture<Scored> pooled = CompletableFuture.supplyAsync(() -> run(dir.resolve("pooled"), true, agents,
        warmUp, measured, customers));
    List<Scored> rows = List.of(split.get(), pooled.get());
    System.out.println();
    System.out.println("| arrangement | agents | on a call (share of agent time) | live answers A / B | abandoned A / B"
        + " | dials | calls bridged |");
    System.out.println("|---|---:|---:|---|---|---:|---:|");
    for (Scored s : rows) {
      long[] a = s.answersAndAbandons().get(0);
      long[] b = s.answersAndAbandons().get(1);
      System.out.printf(Locale.ROOT, "| %s | %d | %.1f %% | %d / %d | %d (%.2f %%) / %d (%.2f %%) | %d | %d |%n",
          s.arrangement(), s.agents(), 100 * s.onCallShare(), a[0], b[0], a[1], pct(a[1], a[0]), b[1],
          pct(b[1], b[0]), s.dials(), s.bridged());
    }
    System.out.printf(Locale.ROOT, "%npooled / split, on a call: %.3f; %.0f s wall%n",
        rows.get(1).onCallShare() / rows.get(0).onCallShare(), (System.nanoTime() - began) / 1e9);
    System.exit(0);
  }

  private static double pct(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  private static Scored run(Path dir, boolean pooled, int agents, double warmUp, double measured, int customers) {
    try (FaultRig rig = FaultRig.start(dir, "/fault/shared-agents-scenario.json", 1.0, pooled ? 2 : 1, List.of())) {
      Http admin = rig.admin();
      long dealer = DialerCampaigns.dealer(admin, "SA01", "共享坐席4S店");
      long a = RigCampaign.create(admin, dir, customers, "售后回访 A", dealer, "139", "predictive");
      long b = RigCampaign.create(admin, dir, customers, "销售回访 B", dealer, "138", "predictive");
      List<RigAgents> teams = new ArrayList<>();
      if (pooled) {
        teams.add(new RigAgents(rig, admin, null, List.of(a, b), "pool", agents, 20_000));
      } else {
        teams.add(new RigAgents(rig, admin, a, List.of(a), "teama", agents / 2, 20_000));
        teams.add(new RigAgents(rig, admin, b, List.of(b), "teamb", agents / 2, 20_000));
      }
      try {
        teams.forEach(RigAgents::start);
        Thread.sleep(Math.round(warmUp * 60_000));
        Instant from = Instant.now();
        Thread.sleep(Math.round(measured * 60_000));
        Instant to = Instant.now();
        return score(rig.pool(), pooled ? "pooled" : "split", agents, a, b, from, to);
      } finally {
        teams.forEach(RigAgents::close);
      }
    } catch (Exception e) {
      throw new IllegalStateException((pooled ? "pooled" : "split") + ": " + e, e);
    }
  }

  /** The figures of the minutes from {@code from} to {@code to}, from the server's rows. */
  static Scored score(Pool pool, String arrangement, int agents, long a, long b, Instant from, Instant to)
      throws Exception {
    java.time.OffsetDateTime start = from.atOffset(ZoneOffset.UTC);
    java.time.OffsetDateTime end = to.atOffset(ZoneOffset.UTC);
    Tuple window = Tuple.of(start, end);
    Row onCall = one(pool, "select coalesce(sum(extract(epoch from least(coalesce(ended_at, $2), $2)"
        + " - greatest(bridged_at, $1))), 0)::float8 as seconds, count(*) filter (where bridged_at >= $1) as bridged"
        + " from call_attempt where bridged_at is not null and bridged_at < $2 and coalesce(ended_at, $2) > $1", window);
    List<long[]> perCampaign = new ArrayList<>();
    for (long campaign : new long[] {a, b}) {
      Row r = one(pool, "select count(*) filter (where answered_at >= $1 and answered_at < $2"
          + " and (outcome in ('answered_human', 'abandoned') or outcome is null)) as answers,"
          + " count(*) filter (where outcome = 'abandoned' and ended_at >= $1 and ended_at < $2) as abandons"
          + " from call_attempt where campaign_id = $3", Tuple.of(start, end, campaign));
      perCampaign.add(new long[] {r.getLong("answers"), r.getLong("abandons")});
    }
    Row dials = one(pool, "select count(*) as dials from call_attempt where originated_at >= $1 and originated_at < $2",
        window);
    double seconds = (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
    return new Scored(arrangement, agents, onCall.getDouble("seconds") / (agents * seconds), perCampaign,
        dials.getLong("dials"), onCall.getLong("bridged"));
  }

  private static Row one(Pool pool, String sql, Tuple args) throws Exception {
    return pool.preparedQuery(sql).execute(args).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
        .iterator().next();
  }
}
