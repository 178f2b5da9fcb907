package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The embedded default's demo: a live campaign with customers and simulated agents, set up once. */
class DemoDataIT {

  static long count(TestServer s, String sql) {
    return s.server().database().pool().query(sql).execute().await().iterator().next().getLong(0);
  }

  @Test
  @WithServer(flags = {"--demo=true", "--emulator.speed=20"})
  void demoCampaignDialsForSimulatedAgentsAndIsSetUpOnlyOnce(TestServer server) throws Exception {
    Await.atMost(Duration.ofSeconds(90)).every(Duration.ofMillis(250)).until("a demo call bridged to a simulated agent",
        () -> count(server, "select count(*) from call_attempt where agent_id is not null and bridged_at is not null"),
        n -> n > 0);
    assertTrue(count(server, "select count(*) from call_attempt where bridged_at is not null") >= 1,
        "a demo customer reached a simulated agent");
    assertEquals(1, count(server, "select count(*) from campaign where name like '演示%'"));
    assertEquals(DemoData.CUSTOMERS, count(server, "select count(*) from call_task"));
    assertEquals(1, count(server, "select count(*) from dnc"), "the 00拒绝回访 record went on the DNC list");
    assertEquals(DemoData.SIMULATED_AGENTS, count(server, "select count(*) from app_user where username like"
        + " 'sim.agent%' and role = 'agent'"));
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    JsonArray dialer = admin.get("/api/dialer").json().getJsonArray("campaigns");
    assertEquals("predictive", dialer.getJsonObject(0).getString("mode"));
    assertTrue(dialer.getJsonObject(0).getLong("dialled") >= 1);
    // The QA queue fills with the demo's calls as they come: the campaign's first days sample every call.
    Await.atMost(Duration.ofSeconds(90)).every(Duration.ofMillis(500)).until("a demo call sampled for QA",
        () -> count(server, "select count(*) from qa_sample where 'first_days' = any(reasons)"), n -> n > 0);
    assertEquals(DemoData.SIMULATED_AGENTS, count(server, "select count(*) from qa_agent_skill"),
        "the simulated agents have QA skill levels");
    assertTrue(admin.get("/api/qa/samples").json().getLong("total") >= 1);
    // Now and then a simulated customer complains: the complaint opens a case for the demo dealer by itself.
    Await.atMost(Duration.ofSeconds(120)).every(Duration.ofMillis(500)).until("a demo complaint opened a case",
        () -> count(server, "select count(*) from case_file c join dealer d on d.id = c.dealer_id"
            + " where c.source = 'survey' and c.kind = 'complaint' and d.code = 'DEMO01'"), n -> n > 0);
    assertTrue(count(server, "select count(*) from survey_response") >= count(server,
        "select count(*) from case_file where source = 'survey'"), "no more survey cases than surveys");
    // Restart on the same data: nothing is seeded twice, the simulated agents sit down again.
    TestServer again = server.restart();
    Thread.sleep(2000);
    assertEquals(1, count(again, "select count(*) from campaign"));
    assertEquals(DemoData.CUSTOMERS, count(again, "select count(*) from call_task"));
    assertEquals(DemoData.SIMULATED_AGENTS, count(again, "select count(*) from app_user where username like"
        + " 'sim.agent%'"));
  }
}
