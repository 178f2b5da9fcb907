package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boot on the embedded PostgreSQL, migrate, report health, and keep data across a restart. */
class ServerIT {

  @Test
  @WithServer(firstStart = true) // initdb and every migration, as on a new machine
  void bootsMigratesReportsHealthAndKeepsDataAcrossRestart(TestServer server) throws Exception {
    Path data = server.dataDir();
    Http.Response session;
    { // the first start
      Http anon = new Http(server);
      Http.Response health = anon.get("/health");
      assertEquals(200, health.status(), health.body());
      // Signed out: the status of each part and nothing that says what runs where.
      JsonObject status = health.json();
      assertEquals("UP", status.getString("status"), status.encode());
      assertEquals(new JsonObject().put("status", "UP"), status.getJsonObject("db"));
      assertEquals(new JsonObject().put("status", "UP"), status.getJsonObject("pbx"));
      assertFalse(health.body().contains("PostgreSQL") || health.body().contains("Asterisk")
          || health.body().contains("127.0.0.1") || status.containsKey("version"), health.body());
      Http nonAdmin = Http.userWithRole(server, signedInAdmin(server), "healthsup", "supervisor");
      assertFalse(nonAdmin.get("/health").body().contains("PostgreSQL"), "details are for admins only");
      JsonObject h = signedInAdmin(server).get("/health").json();
      assertEquals("UP", h.getJsonObject("db").getString("status"), h.encode());
      assertTrue(h.getJsonObject("db").getString("detail").contains("PostgreSQL 17"), h.encode());
      // The embedded default PBX is the emulator; /health logs in to its AMI.
      assertEquals("UP", h.getJsonObject("pbx").getString("status"), h.encode());
      assertTrue(h.getJsonObject("pbx").getString("detail").contains("Asterisk Call Manager/"), h.encode());
      assertEquals("UP", h.getString("status"), h.encode());

      // Flyway's history shows the migration ran.
      var rows = server.server().database().pool()
          .query("select count(*) from flyway_schema_history where success").execute().await();
      assertTrue(rows.iterator().next().getLong(0) >= 1);
      assertTrue(Files.exists(data.resolve("pg/PG_VERSION")), "cluster lives under data.dir");

      Http admin = new Http(server);
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      Http agent = Http.userWithRole(server, admin, "zhangsan", "agent");
      session = agent.get("/api/me");
      assertEquals(200, session.status());

      // Keep the agent's cookie to present after the restart.
      restartCookies = agent.cookies();
    }

    TestServer again = server.restart();
    { // the second start, on the same data
      Http admin = new Http(again);
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      var users = admin.get("/api/users").json().getJsonArray("users");
      assertTrue(users.stream().map(o -> ((JsonObject) o).getString("username")).anyMatch("zhangsan"::equals),
          users.encode());
      assertEquals(1, users.stream().filter(o -> "admin".equals(((JsonObject) o).getString("username"))).count(),
          "the first-start admin is not created twice");
      // A session survives the restart: it lives in PostgreSQL, not in memory.
      Http sameBrowser = new Http(again, restartCookies);
      Http.Response me = sameBrowser.get("/api/me");
      assertEquals(200, me.status(), me.body());
      assertEquals("zhangsan", me.json().getJsonObject("user").getString("username"));
      assertFalse(me.body().contains("password"), "no password material leaves the server");
    }
  }

  private java.net.CookieManager restartCookies;

  static Http signedInAdmin(TestServer server) {
    Http admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    return admin;
  }

  @Test
  @WithServer(flags = {"--pbx.mode=asterisk", "--pbx.ami-port=" + WithServer.FREE_PORT, "--pbx.ami-user=dialer",
      "--pbx.ami-secret=secret"})
  void healthIsDegradedWhileAsteriskIsUnreachable(TestServer server, @TempDir Path dir) throws Exception {
    int closedPort = Integer.parseInt(server.flag("pbx.ami-port").orElseThrow());
    Http.Response health = signedInAdmin(server).get("/health");
    assertEquals(200, health.status(), "the database is up: agents can still survey, QA can still listen");
    JsonObject h = health.json();
    assertEquals("DEGRADED", h.getString("status"), h.encode());
    assertEquals("DOWN", h.getJsonObject("pbx").getString("status"));
    assertTrue(h.getJsonObject("pbx").getString("detail").contains(String.valueOf(closedPort)), h.encode());

    // The PBX appears: the server, still running, connects to it on its own.
    io.vertx.core.Vertx pbxVertx = io.vertx.core.Vertx.vertx();
    try {
      io.huifang.pbx.emulator.PbxEmulator.start(pbxVertx, io.huifang.pbx.emulator.EmulatorOptions.defaults()
          .withAmiPort(closedPort).withRecordings(dir.resolve("rec"))).await();
      String status = Await.atMost(Duration.ofSeconds(60)).every(Duration.ofMillis(200)).until("/health UP",
          () -> new Http(server).get("/health").json().getString("status"), "UP"::equals);
      assertEquals("UP", status, "connected once the PBX answered");
    } finally {
      pbxVertx.close().await();
    }
  }
}
