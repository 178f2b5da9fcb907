package io.huifang.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the server mid-campaign, then a restart on the same data and database (hardening issue: the fault
 * suite). Huifang runs in a child JVM and is killed with SIGKILL while agents talk to customers and other phones
 * ring; the PBX and PostgreSQL live on. After the restart the calls still up are adopted and end normally, those that
 * ended meanwhile are closed, the agents find their drafts and finish them, and the campaign goes on. Then, with
 * every call ended and every draft submitted, the invariants hold in SQL: no task with two open attempts, every
 * attempt ended once and reflected in its task's history, no survey (nor a saved answer) lost, no task dialled before
 * its retry rule allows.
 */
class ServerCrashIT {
  @Test
  void aServerKilledMidCampaignLosesNothingAndDialsNobodyTwice(@TempDir Path dir) throws Exception {
    try (FaultRig rig = FaultRig.start(dir, "/fault/crash-scenario.json", 1, 11,
        List.of("--dialer.task-lease-seconds=10"))) {
      Pool pool = rig.pool();
      long campaign = RigCampaign.create(rig.admin(), dir, 40);
      try (RigAgents agents = new RigAgents(rig, rig.admin(), campaign, 4, 12_000)) {
        agents.start();
        // Mid-campaign: calls have ended and been written up, customers are talking to agents, phones ring.
        Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(50)).until(
            () -> "calls under way: " + FaultInvariants.dump(pool, campaign),
            () -> count(pool, "select count(*) from call_attempt where campaign_id = $1 and state = 'ended'", campaign)
                >= 4 && count(pool, "select count(*) from call_attempt where campaign_id = $1 and state = 'bridged'",
                campaign) >= 2, ok -> ok);
        long inFlight = count(pool, "select count(*) from call_attempt where campaign_id = $1 and state <> 'ended'",
            campaign);
        rig.killHuifang();
        rig.startHuifang();
        // The campaign goes on after the restart: new calls are dialled and written up.
        long before = count(pool, "select count(*) from call_attempt where campaign_id = $1", campaign);
        Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(100)).until(
            () -> "new calls after the restart: " + FaultInvariants.dump(pool, campaign),
            () -> count(pool, "select count(*) from call_attempt a where campaign_id = $1 and state = 'ended'"
                + " and agent_id is not null and exists (select 1 from survey_response s where s.attempt_id = a.id"
                + " and s.status = 'submitted')", campaign) >= 6
                && count(pool, "select count(*) from call_attempt where campaign_id = $1", campaign) >= before + 3,
            ok -> ok);

        agents.stopWorking();
        Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(100)).until(
            () -> "every call ended: " + FaultInvariants.dump(pool, campaign),
            () -> count(pool, "select count(*) from call_attempt where campaign_id = $1 and state <> 'ended'",
                campaign), n -> n == 0);
        Thread.sleep(1_000); // the agents' last submissions
        agents.close();
        int left = agents.submitLeftDrafts();
        Map<String, Long> violations = FaultInvariants.violations(pool, campaign);
        long attempts = count(pool, "select count(*) from call_attempt where campaign_id = $1", campaign);
        System.out.println("ServerCrashIT: attempts=" + attempts + " inFlightAtKill=" + inFlight + " answersSaved="
            + agents.answersSaved() + " submitted=" + agents.submitted() + " draftsLeftBySubmitters=" + left
            + " invariants=" + violations);
        assertTrue(inFlight >= 2, "calls were in flight at the kill: " + inFlight);
        assertEquals(0, FaultInvariants.total(violations), violations + "\n" + FaultInvariants.dump(pool, campaign));
        assertEquals(0, agents.answersLost(), "every answer saved during a call is in its survey");
        assertTrue(agents.answersSaved() >= 6, "answers were saved: " + agents.answersSaved());
      }
    }
  }

  private static long count(Pool pool, String sql, long campaign) {
    return FaultInvariants.count(pool, sql, campaign);
  }
}
