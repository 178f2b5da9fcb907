package io.huifang.survey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Questionnaires over HTTP against the real server and database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer
class QuestionnaireIT {
  @Injected
  TestServer server;
  Http admin;

  @BeforeAll
  void start() throws Exception {
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static JsonObject find(JsonArray list, String key) {
    for (int i = 0; i < list.size(); i++) {
      if (key.equals(list.getJsonObject(i).getString("key"))) {
        return list.getJsonObject(i);
      }
    }
    return null;
  }

  @Test
  void listsTheBuiltIns() {
    Http qa = Http.userWithRole(server, admin, "qa-q1", "qa");
    Http.Response r = qa.get("/api/questionnaires");
    assertEquals(200, r.status(), r.body());
    JsonArray list = r.json().getJsonArray("questionnaires");
    JsonObject csi = find(list, "csi-default");
    JsonObject ssi = find(list, "ssi-default");
    assertNotNull(csi, r.body());
    assertNotNull(ssi, r.body());
    assertEquals("csi", csi.getString("kind"));
    assertEquals("ssi", ssi.getString("kind"));
    assertTrue(csi.getInteger("version") >= 1);
    assertTrue(csi.getJsonObject("title").getString("zh").contains("售后"));
    assertNotNull(csi.getString("updated"));
    assertTrue(csi.getBoolean("builtIn"));
  }

  @Test
  void badDefinitionIs400NamingThePathAndNothingIsSaved() {
    JsonObject def = Questionnaire.builtIn("ssi-default").toJson().put("key", "ssi-bad");
    def.getJsonArray("sections").getJsonObject(1).getJsonArray("items").getJsonObject(3).put("type", "scal10");
    Http.Response r = admin.send("PUT", "/api/questionnaires/ssi-bad", def.encode());
    assertEquals(400, r.status(), r.body());
    assertEquals("sections[1].items[3].type", r.json().getString("field"));
    assertTrue(r.json().getString("message").contains("unknown type \"scal10\""), r.body());
    Http.Response zh = admin.sendWithLanguage("PUT", "/api/questionnaires/ssi-bad", def.encode(), "zh-CN");
    assertTrue(zh.json().getString("message").contains("未知题型"), zh.body());
    assertEquals(404, admin.get("/api/questionnaires/ssi-bad").status(), "nothing saved");
    assertEquals(null, find(admin.get("/api/questionnaires").json().getJsonArray("questionnaires"), "ssi-bad"));

    Http.Response notJson = admin.send("PUT", "/api/questionnaires/ssi-bad", "{\"key\": ");
    assertEquals(400, notJson.status());
    assertEquals("body", notJson.json().getString("field"));
    Http.Response otherKey = admin.send("PUT", "/api/questionnaires/ssi-bad", def.put("key", "x").encode());
    assertEquals("key", otherKey.json().getString("field"));
  }

  @Test
  void savingMakesTheNextVersionAndOldVersionsStay() throws Exception {
    int before = admin.get("/api/questionnaires/csi-default").json().getJsonObject("questionnaire")
        .getInteger("version");
    JsonObject def = Questionnaire.builtIn("csi-default").toJson();
    def.put("title", new JsonObject().put("zh", "售后回访 2026 版").put("en", "After-sales 2026"));
    Http.Response r = admin.send("PUT", "/api/questionnaires/csi-default", def.encode());
    assertEquals(200, r.status(), r.body());
    assertEquals(before + 1, r.json().getJsonObject("questionnaire").getInteger("version"));

    Http agent = Http.userWithRole(server, admin, "agent-q1", "agent");
    Http.Response cur = agent.get("/api/questionnaires/csi-default");
    assertEquals(200, cur.status(), "agents read the script: " + cur.body());
    assertEquals(before + 1, cur.json().getJsonObject("questionnaire").getInteger("version"));
    assertEquals("售后回访 2026 版", cur.json().getJsonObject("questionnaire").getJsonObject("title").getString("zh"));
    assertEquals(before + 1, cur.json().getJsonArray("versions").getJsonObject(0).getInteger("version"));
    assertEquals("admin", cur.json().getJsonArray("versions").getJsonObject(0).getString("createdBy"));
    Http.Response old = agent.get("/api/questionnaires/csi-default?version=" + before);
    assertEquals(200, old.status());
    assertEquals(before, old.json().getJsonObject("questionnaire").getInteger("version"));
    assertTrue(old.json().getJsonObject("questionnaire").getJsonObject("title").getString("zh").contains("CSI"));
    assertEquals(404, agent.get("/api/questionnaires/csi-default?version=999").status());
    assertEquals(400, agent.get("/api/questionnaires/csi-default?version=x").status());

    // A new key starts at version 1 and shows in the list.
    Http.Response fresh = admin.send("PUT", "/api/questionnaires/csi-short", QuestionnaireTest.sample().encode()
        .replace("\"key\":\"t1\",", ""));
    assertEquals(200, fresh.status(), fresh.body());
    assertEquals(1, fresh.json().getJsonObject("questionnaire").getInteger("version"));
    JsonObject listed = find(admin.get("/api/questionnaires").json().getJsonArray("questionnaires"), "csi-short");
    assertEquals(1, listed.getInteger("versions"));
    assertEquals("admin", listed.getString("updatedBy"));

    assertEquals(403, agent.send("PUT", "/api/questionnaires/csi-default", def.encode()).status());
    assertEquals(403, agent.get("/api/questionnaires").status());
    Http supervisor = Http.userWithRole(server, admin, "sup-q1", "supervisor");
    assertEquals(403, supervisor.send("PUT", "/api/questionnaires/csi-default", def.encode()).status());
    assertEquals(200, supervisor.get("/api/questionnaires/csi-short").status());
  }

  @Test
  void aCampaignGetsItsQuestionnaireOrTheDefaultOfItsKind() throws Exception {
    QuestionnaireStore store = new QuestionnaireStore(server.server().database().pool(),
        io.huifang.app.Server.questionnaireOfCampaign(
            new io.huifang.campaign.CampaignStore(server.server().database().pool())));
    long ssi = campaign("SSI 问卷测试", "ssi", null);
    long other = campaign("其他问卷测试", "other", null);
    long named = campaign("指定问卷测试", "csi", "ssi-default");
    // The API refuses a key no questionnaire has (400 naming the field); one that got into the row some other way
    // (a campaign saved before that check) still dials with its kind's default.
    Http.Response refused = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "未知问卷测试")
        .put("kind", "ssi").put("questionnaire", "no-such-questionnaire").encode());
    assertEquals(400, refused.status(), refused.body());
    assertTrue(refused.body().contains("questionnaire"), refused.body());
    long unknown = campaign("未知问卷测试", "ssi", null);
    await(server.server().database().pool().preparedQuery("update campaign set questionnaire = $1 where id = $2")
        .execute(io.vertx.sqlclient.Tuple.of("no-such-questionnaire", unknown)));
    assertEquals("ssi-default", await(store.forCampaign(ssi)).key());
    assertEquals("csi-default", await(store.forCampaign(other)).key());
    assertEquals("ssi-default", await(store.forCampaign(named)).key());
    assertEquals("ssi-default", await(store.forCampaign(unknown)).key(), "falls back to the kind's default");
    Questionnaire before = await(store.forCampaign(ssi));
    Questionnaire saved = await(store.save("ssi-default", before.toJson(), 0));
    assertEquals(before.version() + 1, saved.version());
    assertEquals(saved.version(), await(store.forCampaign(ssi)).version(), "the cache follows a save");
    assertEquals(before.version(), await(store.version("ssi-default", before.version())).version());
  }

  long campaign(String name, String kind, String questionnaire) {
    JsonObject b = new JsonObject().put("name", name).put("kind", kind);
    if (questionnaire != null) {
      b.put("questionnaire", questionnaire);
    }
    Http.Response r = admin.send("POST", "/api/campaigns", b.encode());
    assertEquals(201, r.status(), r.body());
    return r.json().getJsonObject("campaign").getLong("id");
  }
}
