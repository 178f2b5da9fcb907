package io.huifang.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Campaign and dealer CRUD over HTTP against the real server and database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer
class CampaignIT {
  @Injected
  TestServer server;
  Http admin;

  @BeforeAll
  void start() throws Exception {
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
  }

  long dealer(String code, String name) {
    Http.Response r = admin.send("POST", "/api/dealers", new JsonObject().put("code", code).put("name", name).encode());
    assertEquals(201, r.status(), r.body());
    return r.json().getJsonObject("dealer").getLong("id");
  }

  @Test
  void createsReadsUpdatesACampaignWithDefaultsFromItsKind() {
    long d1 = dealer("BJ001", "北京东方4S店");
    long d2 = dealer("SH002", "上海浦东4S店");
    JsonObject body = new JsonObject().put("name", "2025年3月售后回访").put("kind", "csi")
        .put("questionnaire", "csi-default").put("dealerIds", new JsonArray().add(d1).add(d2))
        .put("callingHours", new JsonObject().put("mon", new JsonArray().add("09:00-12:00").add("13:00-20:00"))
            .put("sat", new JsonArray().add("10:00-18:00")))
        .put("holidays", new JsonArray().add("2025-04-04")).put("maxAttempts", 5).put("dialMode", "progressive")
        .put("callerId", "+861012345678").put("recordingPolicy", "all");
    Http.Response r = admin.send("POST", "/api/campaigns", body.encode());
    assertEquals(201, r.status(), r.body());
    JsonObject c = r.json().getJsonObject("campaign");
    long id = c.getLong("id");
    assertEquals("service_date", c.getJsonObject("deadline").getString("basis"), "CSI counts from the workshop visit");
    assertEquals(72, c.getJsonObject("deadline").getInteger("hours"), "within 3 days");
    assertEquals(3.0, c.getDouble("abandonTarget"), "abandonment target defaults to 3 %");
    assertEquals("Asia/Shanghai", c.getString("timeZone"));
    assertEquals(new JsonArray().add("09:00-12:00").add("12:00-14:00").add("14:00-18:00").add("18:00-20:00"),
        c.getJsonArray("dayParts"));
    assertEquals(new JsonArray().add("09:00-12:00").add("13:00-20:00"), c.getJsonObject("callingHours").getJsonArray("mon"));
    assertEquals(new JsonArray(), c.getJsonObject("callingHours").getJsonArray("tue"), "days not given are closed");
    assertEquals(new JsonArray().add(d1).add(d2), c.getJsonArray("dealerIds"));

    Http.Response ssi = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "新车交车回访")
        .put("kind", "ssi").encode());
    assertEquals(201, ssi.status(), ssi.body());
    assertEquals("sale_date", ssi.json().getJsonObject("campaign").getJsonObject("deadline").getString("basis"));
    assertEquals(24, ssi.json().getJsonObject("campaign").getJsonObject("deadline").getInteger("hours"));

    Http.Response upd = admin.send("PUT", "/api/campaigns/" + id, new JsonObject().put("maxAttempts", 8)
        .put("dealerIds", new JsonArray().add(d2)).put("active", false).encode());
    assertEquals(200, upd.status(), upd.body());
    JsonObject after = admin.get("/api/campaigns/" + id).json().getJsonObject("campaign");
    assertEquals(8, after.getInteger("maxAttempts"));
    assertEquals(new JsonArray().add(d2), after.getJsonArray("dealerIds"));
    assertFalse(after.getBoolean("active"));
    assertEquals("csi-default", after.getString("questionnaire"), "fields left out keep their values");
    assertTrue(admin.get("/api/campaigns").json().getJsonArray("campaigns").size() >= 2);
    assertEquals(404, admin.get("/api/campaigns/999999").status());
  }

  @Test
  void badCampaignsAreRefusedNamingTheField() {
    assertField("kind", new JsonObject().put("name", "x1").put("kind", "survey"));
    assertField("timeZone", new JsonObject().put("name", "x2").put("kind", "csi").put("timeZone", "Mars/Base"));
    // An offset is refused: PostgreSQL would read "+08:00" as eight hours west.
    assertField("timeZone", new JsonObject().put("name", "x2").put("kind", "csi").put("timeZone", "+08:00"));
    assertField("callingHours", new JsonObject().put("name", "x3").put("kind", "csi")
        .put("callingHours", new JsonObject().put("mon", new JsonArray().add("20:00-09:00"))));
    assertField("dayParts", new JsonObject().put("name", "x4").put("kind", "csi")
        .put("dayParts", new JsonArray().add("09:00-13:00").add("12:00-14:00")));
    assertField("abandonTarget", new JsonObject().put("name", "x5").put("kind", "csi").put("abandonTarget", 120));
    assertField("dealerIds", new JsonObject().put("name", "x6").put("kind", "csi")
        .put("dealerIds", new JsonArray().add(987654)));
    assertField("holidays", new JsonObject().put("name", "x7").put("kind", "csi")
        .put("holidays", new JsonArray().add("2025-13-01")));
    Http.Response first = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "Dup").put("kind", "other").encode());
    assertEquals(201, first.status());
    assertField("name", new JsonObject().put("name", "dup").put("kind", "other"));
    Http.Response zh = admin.sendWithLanguage("POST", "/api/campaigns",
        new JsonObject().put("name", "x8").put("kind", "nope").encode(), "zh-CN");
    assertTrue(zh.json().getString("message").contains("活动类型"), zh.body());
  }

  @Test
  void supervisorsReadAndSteerPacingButCannotEdit() {
    Http.Response r = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "Pacing").put("kind", "csi").encode());
    long id = r.json().getJsonObject("campaign").getLong("id");
    Http sup = Http.userWithRole(server, admin, "sup-camp", "supervisor");
    assertEquals(200, sup.get("/api/campaigns").status());
    assertEquals(403, sup.send("PUT", "/api/campaigns/" + id, "{\"maxAttempts\":2}").status());
    Http.Response p = sup.send("PATCH", "/api/campaigns/" + id + "/pacing",
        new JsonObject().put("dialMode", "predictive").put("abandonTarget", 2.5).encode());
    assertEquals(200, p.status(), p.body());
    assertEquals("predictive", p.json().getJsonObject("campaign").getString("dialMode"));
    assertEquals(2.5, p.json().getJsonObject("campaign").getDouble("abandonTarget"));
    Http.Response sneaky = sup.send("PATCH", "/api/campaigns/" + id + "/pacing", "{\"maxAttempts\":50}");
    assertEquals(400, sneaky.status());
    assertEquals("maxAttempts", sneaky.json().getString("field"));
    // answering-machine detection: off by default, switched per campaign, stored
    assertEquals(false, p.json().getJsonObject("campaign").getBoolean("amd"));
    Http.Response amd = sup.send("PATCH", "/api/campaigns/" + id + "/pacing", "{\"amd\":true}");
    assertEquals(200, amd.status(), amd.body());
    assertEquals(true, sup.get("/api/campaigns/" + id).json().getJsonObject("campaign").getBoolean("amd"));
    assertEquals(2.5, amd.json().getJsonObject("campaign").getDouble("abandonTarget"), "the rest kept");
    Http.Response notBool = sup.send("PATCH", "/api/campaigns/" + id + "/pacing", "{\"amd\":\"yes\"}");
    assertEquals(400, notBool.status());
    assertEquals("amd", notBool.json().getString("field"));
    // ring cut: off by default, switched per campaign by supervisors, stored; not a boolean: 400 naming it
    assertEquals(false, amd.json().getJsonObject("campaign").getBoolean("ringCut"));
    Http.Response cut = sup.send("PATCH", "/api/campaigns/" + id + "/pacing", "{\"ringCut\":true}");
    assertEquals(200, cut.status(), cut.body());
    assertEquals(true, sup.get("/api/campaigns/" + id).json().getJsonObject("campaign").getBoolean("ringCut"));
    assertEquals(true, cut.json().getJsonObject("campaign").getBoolean("amd"), "the rest kept");
    Http.Response cutNotBool = sup.send("PATCH", "/api/campaigns/" + id + "/pacing", "{\"ringCut\":1}");
    assertEquals(400, cutNotBool.status());
    assertEquals("ringCut", cutNotBool.json().getString("field"));
  }

  void assertField(String field, JsonObject body) {
    Http.Response r = admin.send("POST", "/api/campaigns", body.encode());
    assertEquals(400, r.status(), body + " -> " + r.body());
    assertEquals(field, r.json().getString("field"), r.body());
  }
}
