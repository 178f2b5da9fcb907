package io.huifang.fault;

import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Soak: a simulated calling day at emulator speed with a crash every 10 simulated minutes, then the fault suite's
 * invariants over everything that happened (hardening issue 18). Huifang runs in a child JVM against the PBX
 * emulator and PostgreSQL of this JVM ({@link FaultRig}); agents work over HTTP ({@link RigAgents}). The crashes
 * alternate: Huifang killed with SIGKILL and started again, then the PBX killed (every call and line gone) and back
 * after a simulated minute. Customers' ring and talk times follow the emulator's clock, the server's own timers
 * (leases, retries, pacing) are real time. Prints a markdown table: attempts, kills, violations (must be 0).
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.fault.SoakBenchmark [hours=8] [speed=30] [agents=8]
 *     [killEveryMinutes=10] [customers=agents × hours × 24]</pre>
 */
public final class SoakBenchmark {
  private SoakBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    double hours = args.length > 0 ? Double.parseDouble(args[0]) : 8;
    double speed = args.length > 1 ? Double.parseDouble(args[1]) : 30;
    int agentCount = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    double killEveryMinutes = args.length > 3 ? Double.parseDouble(args[3]) : 10;
    long realMillis = Math.round(hours * 3600_000 / speed);
    long killEveryMillis = Math.round(killEveryMinutes * 60_000 / speed);
    long pbxDownMillis = Math.round(60_000 / speed); // a simulated minute
    // Enough customers that nobody runs out in the window: one call per agent every ~3 simulated minutes at most.
    // (1,536 for the defaults ran out at 6 simulated hours on the machine of BENCHMARKS.md: give more as a fifth
    // argument to keep the campaign busy to the end.)
    int customers = args.length > 4 ? Integer.parseInt(args[4])
        : (int) Math.max(500, Math.round(agentCount * hours * 60 / 2.5));
    Path dir = Files.createTempDirectory("hf-soak");
    Instant began = Instant.now();
    System.err.printf(Locale.ROOT, "soak: %.1f simulated h at speed %.0f = %d s real, %d agents, %d customers,"
        + " a kill every %d ms; in %s%n", hours, speed, realMillis / 1000, agentCount, customers, killEveryMillis, dir);
    try (FaultRig rig = FaultRig.start(dir, "/fault/soak-scenario.json", speed, 42,
        java.util.List.of("--dialer.task-lease-seconds=30"))) {
      Pool pool = rig.pool();
      long campaign = RigCampaign.create(rig.admin(), dir, customers);
      long restartMillis = 0;
      try (RigAgents agents = new RigAgents(rig, rig.admin(), campaign, agentCount, 20_000)) {
        agents.start();
        long start = System.currentTimeMillis();
        int k = 0;
        while (true) {
          long next = start + (k + 1) * killEveryMillis;
          if (next >= start + realMillis) {
            break;
          }
          Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
          k++;
          if (k % 2 == 1) {
            long t0 = System.currentTimeMillis();
            rig.killHuifang();
            rig.startHuifang();
            restartMillis += System.currentTimeMillis() - t0;
          } else {
            rig.killPbx();
            Thread.sleep(pbxDownMillis);
            rig.restartPbx();
          }
          System.err.printf(Locale.ROOT, "soak: kill %d (%s) at %.0f simulated min; attempts so far %d%n", k,
              k % 2 == 1 ? "server" : "PBX", (System.currentTimeMillis() - start) * speed / 60_000,
              FaultInvariants.count(pool, "select count(*) from call_attempt where campaign_id = $1", campaign));
        }
        Thread.sleep(Math.max(0, start + realMillis - System.currentTimeMillis()));
        agents.stopWorking();
        long until = System.currentTimeMillis() + Math.max(60_000, Math.round(1200_000 / speed));
        while (FaultInvariants.count(pool, "select count(*) from call_attempt where campaign_id = $1"
            + " and state <> 'ended'", campaign) > 0 && System.currentTimeMillis() < until) {
          Thread.sleep(500);
        }
        Thread.sleep(2_000);
        agents.close();
        int leftDrafts = agents.submitLeftDrafts();
        Map<String, Long> v = FaultInvariants.violations(pool, campaign);
        long answersLost = agents.answersLost();
        long attempts = FaultInvariants.count(pool, "select count(*) from call_attempt where campaign_id = $1",
            campaign);
        long bridged = FaultInvariants.count(pool, "select count(*) from call_attempt where campaign_id = $1"
            + " and bridged_at is not null", campaign);
        long cut = FaultInvariants.count(pool, "select count(*) from call_attempt where campaign_id = $1"
            + " and (detail like 'cut by a PBX loss%' or detail like 'ended while the AMI connection was down%')",
            campaign);
        long surveys = FaultInvariants.count(pool, "select count(*) from survey_response where campaign_id = $1"
            + " and status = 'submitted'", campaign);
        long violations = FaultInvariants.total(v) + answersLost;
        if (violations > 0) {
          Files.writeString(dir.resolve("attempts.txt"), FaultInvariants.described(pool, campaign) + "\n"
              + FaultInvariants.dump(pool, campaign));
        }
        System.err.println("soak: invariants " + v + " answersLost=" + answersLost + " draftsLeftSubmitted="
            + leftDrafts + "; log " + rig.log());
        System.out.println(String.format(Locale.ROOT, """
            | simulated day | speed | real time | agents | attempts | bridged | ended by a crash | surveys submitted \
            | answers saved mid-call | kills (server / PBX) | mean server restart | violations |
            |---|---|---|---|---|---|---|---|---|---|---|---|
            | %.1f h | %.0f× | %d s | %d | %d | %d | %d | %d | %d | %d (%d / %d) | %.1f s | %d |
            """, hours, speed, (System.currentTimeMillis() - began.toEpochMilli()) / 1000, agentCount, attempts,
            bridged, cut, surveys, agents.answersSaved(), rig.huifangKills() + rig.pbxKills(), rig.huifangKills(),
            rig.pbxKills(), rig.huifangKills() == 0 ? 0.0 : restartMillis / 1000.0 / rig.huifangKills(),
            violations));
        System.out.println("violations by invariant: " + v + ", saved answers lost: " + answersLost);
        if (violations > 0) {
          System.exit(1);
        }
      }
    }
  }
}
