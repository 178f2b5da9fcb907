package io.huifang.campaign.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Uploading customer lists over HTTP into the real database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer
class ImportIT {
  @Injected
  TestServer server;
  Http admin;
  long dealerId;
  long campaignId;
  @TempDir
  Path dir;

  @BeforeAll
  void start() throws Exception {
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    dealerId = admin.send("POST", "/api/dealers", new JsonObject().put("code", "GZ01").put("name", "广州4S店").encode())
        .json().getJsonObject("dealer").getLong("id");
    campaignId = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "导入测试").put("kind", "csi")
        .put("dealerIds", new JsonArray().add(dealerId)).encode()).json().getJsonObject("campaign").getLong("id");
  }

  static Http.Response upload(Http h, long campaignId, long dealerId, Path file, Map<String, String> extra)
      throws Exception {
    return h.uploadDmsFile(campaignId, dealerId, file, extra);
  }

  /** Uploads and waits for the import to finish; returns the finished import. */
  JsonObject importFile(Path file, Map<String, String> extra) throws Exception {
    Http.Response r = upload(admin, campaignId, dealerId, file, extra);
    assertEquals(202, r.status(), r.body());
    long id = r.json().getJsonObject("import").getLong("id");
    return Await.atMost(Duration.ofSeconds(60)).until("import " + id + " to finish",
        () -> admin.get("/api/imports/" + id).json().getJsonObject("import"),
        imp -> !"running".equals(imp.getString("status")));
  }

  long count(String sql) throws Exception {
    return server.server().database().pool().preparedQuery(sql).execute(Tuple.of(campaignId))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  @Test
  void loadsOnceRejectsBadFilesWholeAndRemembersTheMapping() throws Exception {
    Path good = Files.writeString(dir.resolve("march.csv"), "客户姓名,联系电话,出厂日期,工单号\n"
        + "张三,13812345678,2025-03-18,W1\n李四,00000000000,2025-03-18,W2\n00拒绝回访王五,13912345678,2025-03-18,W3\n"
        + "赵六,13712345678,2025-03-18 10:15,W4\n", StandardCharsets.UTF_8);

    // A dry run checks and writes nothing.
    JsonObject dry = importFile(good, Map.of("dryRun", "true"));
    assertEquals("validated", dry.getString("status"), dry.encodePrettily());
    assertEquals(0, count("select count(*) from customer where campaign_id = $1"));

    JsonObject first = importFile(good, Map.of());
    assertEquals("loaded", first.getString("status"), first.encodePrettily());
    JsonObject report = first.getJsonObject("report");
    assertEquals(4, report.getInteger("rowsRead"));
    assertEquals(2, report.getInteger("accepted"));
    assertEquals(1, report.getInteger("rejectedRows"));
    assertEquals(3, report.getJsonArray("rejected").getJsonObject(0).getInteger("row"));
    assertEquals(3, count("select count(*) from customer where campaign_id = $1"), "accepted + flagged");
    assertEquals(2, count("select count(*) from call_task where campaign_id = $1"), "flagged records get no task");
    assertEquals(1, count("select count(*) from dnc where phone = '13912345678' and $1 > 0"), "00拒绝回访 feeds the DNC list");
    assertEquals(1, count("select count(*) from call_task where campaign_id = $1 and phone = '13712345678'"
        + " and deadline = timestamptz '2025-03-21 10:15+08'"), "deadline: 72 h after the visit's date and time");

    // The same file again changes nothing and says so.
    JsonObject again = importFile(good, Map.of());
    assertEquals("duplicate", again.getString("status"));
    assertEquals(first.getLong("id"), again.getLong("sameAsImportId"));
    assertEquals(3, count("select count(*) from customer where campaign_id = $1"));
    assertEquals(2, count("select count(*) from call_task where campaign_id = $1"));

    // A file missing a required column: a clear error, nothing written.
    Path noPhone = Files.writeString(dir.resolve("nophone.csv"), "客户姓名,出厂日期\n孙七,2025-03-18\n",
        StandardCharsets.UTF_8);
    JsonObject bad = importFile(noPhone, Map.of());
    assertEquals("failed", bad.getString("status"));
    assertEquals("file", bad.getJsonObject("error").getString("field"));
    assertTrue(bad.getJsonObject("error").getString("messageZh").contains("联系电话"), bad.encodePrettily());
    assertEquals(3, count("select count(*) from customer where campaign_id = $1"));

    // The dealer's mapping was remembered from the first file.
    JsonArray dealers = admin.get("/api/dealers").json().getJsonArray("dealers");
    JsonObject mapping = dealers.getJsonObject(0).getJsonObject("mapping");
    assertEquals("联系电话", mapping.getString("phone"));

    // Overlapping rows of a later file load once.
    Path later = Files.writeString(dir.resolve("later.csv"), "客户姓名,联系电话,出厂日期,工单号\n"
        + "张三,13812345678,2025-03-18,W1\n周八,13612345678,2025-03-19,W5\n", StandardCharsets.UTF_8);
    JsonObject overlap = importFile(later, Map.of());
    assertEquals("loaded", overlap.getString("status"));
    assertEquals(1, overlap.getJsonObject("report").getInteger("alreadyPresent"));
    assertEquals(4, count("select count(*) from customer where campaign_id = $1"));
    assertTrue(admin.get("/api/imports?campaignId=" + campaignId).json().getJsonArray("imports").size() >= 5);

    // The data-quality audit of this dealer: one refusal, one unusable number, the declared volume checked.
    assertEquals(200, admin.send("PUT", "/api/dealers/" + dealerId + "/volume",
        new JsonObject().put("month", "2025-03").put("volume", 3).encode()).status());
    Http sup = Http.userWithRole(server, admin, "sup-quality", "supervisor");
    Http.Response audit = sup.get("/api/data-quality?campaignId=" + campaignId + "&month=2025-03");
    assertEquals(200, audit.status(), audit.body());
    JsonObject d = audit.json().getJsonArray("dealers").getJsonObject(0);
    assertEquals(1, d.getLong("refusals"), d.encodePrettily());
    assertEquals(1, d.getLong("unusablePhones"), "the placeholder row, from loaded files only: " + d.encodePrettily());
    assertEquals(3, d.getLong("uploadedVolume"));
    assertEquals(Boolean.TRUE, d.getBoolean("volumeMatches"));
    assertEquals(0, d.getLong("duplicatePhones"));
  }

  @Test
  void uploadsAreCheckedBeforeTheyStart() throws Exception {
    Path f = Files.writeString(dir.resolve("x.csv"), "a,b\n", StandardCharsets.UTF_8);
    Http.Response wrongDealer = upload(admin, campaignId, 987654, f, Map.of());
    assertEquals(400, wrongDealer.status());
    assertEquals("dealerId", wrongDealer.json().getString("field"));
    Http sup = Http.userWithRole(server, admin, "sup-import", "supervisor");
    assertEquals(403, upload(sup, campaignId, dealerId, f, Map.of()).status());
    assertEquals(401, upload(new Http(server), campaignId, dealerId, f, Map.of()).status());
  }

  @Test
  void previewsNothingWrittenAndTheHistorySaysWhoAndTheDealerColumnIsChecked() throws Exception {
    long before = count("select count(*) from import_batch where campaign_id = $1");
    Path f = Files.writeString(dir.resolve("preview.csv"), "姓名,手机号码,进厂日期\n张三,13812345678,2025-03-18\n",
        StandardCharsets.UTF_8);
    Http.Response p = preview(f, Map.of());
    assertEquals(200, p.status(), p.body());
    JsonObject pv = p.json().getJsonObject("preview");
    assertEquals(new JsonArray().add("service_date"), pv.getJsonArray("missing"));
    assertEquals("preview.csv", pv.getString("fileName"));
    assertEquals(before, count("select count(*) from import_batch where campaign_id = $1"), "a preview writes nothing");
    JsonObject mapped = preview(f, Map.of("mapping", "{\"service_date\":\"进厂日期\"}")).json().getJsonObject("preview");
    assertEquals(new JsonArray(), mapped.getJsonArray("missing"));
    Http.Response badMapping = preview(f, Map.of("mapping", "{\"nonsense\":\"x\"}"));
    assertEquals(400, badMapping.status());
    assertEquals("mapping", badMapping.json().getString("field"));
    Http sup = Http.userWithRole(server, admin, "sup-preview", "supervisor");
    assertEquals(403, sup.send(java.net.http.HttpRequest.newBuilder(URI.create(server.url("/api/imports/preview")))
        .header("Content-Type", "multipart/form-data; boundary=x").POST(HttpRequest.BodyPublishers.ofString("--x--")))
        .status());

    // A file of another dealer: refused whole, naming the rows; nothing written.
    Path other = Files.writeString(dir.resolve("other-dealer.csv"), "经销商代码,客户姓名,联系电话,出厂日期\n"
        + "SH09,钱七,13512345670,2025-03-18\nSH09,孙八,13512345671,2025-03-18\n", StandardCharsets.UTF_8);
    long customers = count("select count(*) from customer where campaign_id = $1");
    JsonObject refused = importFile(other, Map.of());
    assertEquals("failed", refused.getString("status"), refused.encodePrettily());
    assertEquals("dealerId", refused.getJsonObject("error").getString("field"));
    assertTrue(refused.getJsonObject("error").getString("messageZh").contains("“SH09”（2–3）"), refused.encodePrettily());
    assertEquals(customers, count("select count(*) from customer where campaign_id = $1"));

    // The standing batch second callbacks hang on is no upload: not in the history.
    long standing = server.server().database().pool().preparedQuery("insert into import_batch (campaign_id, dealer_id,"
            + " file_name, file_sha256, status) values ($1, $2, '二次回访', $3, 'loaded') returning id")
        .execute(Tuple.of(campaignId, dealerId, io.huifang.campaign.FollowUps.STANDING_BATCH_HASH))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    assertTrue(admin.get("/api/imports?limit=200").json().getJsonArray("imports").stream()
        .noneMatch(o -> ((JsonObject) o).getLong("id") == standing));
    // The history: who imported, the counts, newest first; paged with before=.
    JsonArray list = admin.get("/api/imports?campaignId=" + campaignId + "&limit=1").json().getJsonArray("imports");
    assertEquals(1, list.size());
    JsonObject newest = list.getJsonObject(0);
    assertEquals(refused.getLong("id"), newest.getLong("id"));
    assertEquals("admin", newest.getJsonObject("createdBy").getString("username"));
    assertEquals("导入测试", newest.getString("campaignName"));
    JsonArray older = admin.get("/api/imports?campaignId=" + campaignId + "&before=" + newest.getLong("id"))
        .json().getJsonArray("imports");
    assertTrue(older.stream().allMatch(o -> ((JsonObject) o).getLong("id") < newest.getLong("id")));
  }

  Http.Response preview(Path file, Map<String, String> extra) throws Exception {
    String boundary = "----hf" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    java.util.Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of("campaignId",
        String.valueOf(campaignId), "dealerId", String.valueOf(dealerId)));
    fields.putAll(extra);
    for (var e : fields.entrySet()) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
          + e.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName()
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(file));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return admin.send(HttpRequest.newBuilder(URI.create(server.url("/api/imports/preview")))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }
}
