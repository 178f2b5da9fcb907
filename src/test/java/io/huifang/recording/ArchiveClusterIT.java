package io.huifang.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.db.EmbeddedPostgres;
import io.huifang.testsupport.ClusterNodes;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recordings in a cluster (docs/cluster.md): two nodes in this JVM on one PostgreSQL, joined on loopback, both given
 * one shared archive directory. A recording node A archives is streamed by node B with a Range request, byte for
 * byte, and the access is in the audit log; a node whose archive is not the shared one says so at start; a recording
 * archived into an archive node B does not share is answered with a 503 naming the node that has it.
 */
class ArchiveClusterIT {
  private static Path dir;
  private static Path shared;
  private static EmbeddedPostgres pg;
  private static TestServer a;
  private static TestServer b;
  private static Http onB;

  @BeforeAll
  static void twoNodesOneArchive() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse("unit".equals(System.getProperty("huifang.test.phase")),
        "an integration test: runs in the integration-test phase");
    dir = Files.createTempDirectory("huifang-archive-it");
    shared = dir.resolve("shared-archive");
    io.huifang.testsupport.MigratedCluster.linkBinaries(dir); // PostgreSQL's binaries, unpacked once per JVM
    pg = EmbeddedPostgres.start(dir.resolve("pg"), 0);
    int hzA = ClusterNodes.freePort();
    int hzB = ClusterNodes.freePort();
    String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
    a = TestServer.start(dir.resolve("a"), node(members, hzA));
    // Node B reads its PBX's files from that PBX's own spool, as with an Asterisk on another box.
    List<String> flagsB = new java.util.ArrayList<>(node(members, hzB));
    flagsB.add("--recordings.raw-dirs=emulator=" + dir.resolve("spool-b"));
    b = TestServer.start(dir.resolve("b"), flagsB);
    onB = new Http(b);
    assertEquals(200, onB.firstLogin("admin", TestServer.ADMIN_PASSWORD).status());
  }

  private static List<String> node(String members, int hzPort) {
    return ClusterNodes.nodeFlags(pg, members, hzPort, "--recordings.archive-dir=" + shared,
        "--recordings.archive-shared=true");
  }

  @AfterAll
  static void stop() throws Exception {
    ClusterNodes.close(pg, b, a);
  }

  @Test
  void bothNodesFindTheMarkerTheFirstWroteAndAnotherDirectoryIsToldApart() throws Exception {
    RecordingService serviceA = a.server().recordings();
    RecordingService serviceB = b.server().recordings();
    assertNotEquals(serviceA.node(), serviceB.node(), "each node has a name of its own");
    Row row = one("select archive_id, created_by from recording_archive", Tuple.tuple());
    assertEquals(row.getString("archive_id"), Files.readString(shared.resolve(Archive.MARKER)).strip(),
        "the marker holds the archive's id the database names");
    assertEquals(serviceA.node(), row.getString("created_by"), "node A started first and marked the archive");
    assertNull(serviceA.archiveProblem());
    assertNull(serviceB.archiveProblem(), "node B sees node A's marker: the same archive");

    // A node given another directory as the shared archive (the volume not mounted): a clear error, naming both.
    Path elsewhere = dir.resolve("not-mounted");
    RecordingService lost = new RecordingService(b.server().vertx(), new RecordingStore(b.server().database()
        .pool()), dir.resolve("raw-c"), new LocalArchive(elsewhere, true), dir.resolve("cache"), 1, Clock.systemUTC());
    lost.setNode("node-c");
    try {
      String problem = lost.checkArchive(true).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertTrue(problem != null && problem.startsWith("recordings archive not shared: shared directory "
          + elsewhere.toAbsolutePath().normalize() + " has no marker file " + Archive.MARKER), String.valueOf(problem));
      assertTrue(problem.contains("marked by node " + serviceA.node()), problem);
      assertEquals(problem, lost.archiveProblem());
    } finally {
      lost.close();
    }
  }

  @Test
  void aRecordingArchivedByNodeAIsStreamedByNodeBWithARangeAndAudited() throws Exception {
    RecordingService serviceA = a.server().recordings();
    Path raw = Files.createDirectories(dir.resolve("raw-a"));
    writeWav(raw.resolve("cl-1.wav"));
    Instant now = Instant.now();
    assertTrue(serviceA.register("cl-1", 7L, null, 701L, now, now, now.plusSeconds(3), raw, 30).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    JsonObject ready = serviceA.process("cl-1").toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    assertEquals("ready", ready.getString("status"), ready.encodePrettily());
    assertEquals(serviceA.node(), ready.getString("archivedBy"), "the catalog names the node that archived it");
    String playback = Sidecar.fileByRole(ready, "playback").getString("path");
    byte[] file = Files.readAllBytes(shared.resolve(ready.getString("archiveDir")).resolve(playback));
    assertTrue(file.length > 1000, "a real Opus file: " + file.length);

    int from = file.length / 3;
    HttpResponse<byte[]> part = get("/api/recordings/cl-1/audio", "bytes=" + from + "-" + (from + 999));
    assertEquals(206, part.statusCode());
    assertArrayEquals(Arrays.copyOfRange(file, from, from + 1000), part.body(), "node B streams node A's bytes");
    assertEquals("bytes " + from + "-" + (from + 999) + "/" + file.length,
        part.headers().firstValue("content-range").orElse(null));
    HttpResponse<byte[]> peaks = get("/api/recordings/cl-1/peaks", null);
    assertEquals(200, peaks.statusCode());

    Row audited = one("select count(*) filter (where result = 'ok' and detail->>'range' = $2) as ranged,"
        + " count(*) as plays from audit_log where action = 'recording.play' and subject = $1",
        Tuple.of("recording:cl-1", from + "-" + (from + 999)));
    assertEquals(1L, audited.getLong("ranged"), "node B's access is audited, with its range");
    assertEquals(1L, audited.getLong("plays"));
  }

  @Test
  void aRecordingInAnArchiveNodeBDoesNotShareIsA503NamingTheNodeThatHasIt() throws Exception {
    // A node whose archive is its own (recordings.archive-shared=false): it archives into a directory node B
    // cannot see; the catalog, being the cluster's one database, still lists the recording on node B.
    Path own = dir.resolve("c-archive");
    Path raw = Files.createDirectories(dir.resolve("raw-c2"));
    writeWav(raw.resolve("cl-2.wav"));
    RecordingService nodeC = new RecordingService(a.server().vertx(), new RecordingStore(a.server().database()
        .pool()), raw, new LocalArchive(own, false), a.dataDir().resolve("cache"), 1, Clock.systemUTC());
    nodeC.setNode("node-c:/srv/huifang/data");
    try {
      Instant now = Instant.now();
      nodeC.register("cl-2", 7L, null, 702L, now, now, now.plusSeconds(3), raw, 30).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      JsonObject ready = nodeC.process("cl-2").toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
      assertEquals("ready", ready.getString("status"), ready.encodePrettily());
      assertTrue(Files.isDirectory(own.resolve(ready.getString("archiveDir"))), "in node C's own archive");
    } finally {
      nodeC.close();
    }

    HttpResponse<byte[]> audio = get("/api/recordings/cl-2/audio", "bytes=0-99");
    assertEquals(503, audio.statusCode());
    JsonObject problem = new JsonObject(new String(audio.body(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("archive_not_shared", problem.getString("error"), problem.encode());
    String message = problem.getString("message");
    assertTrue(message.contains("archived by node node-c:/srv/huifang/data"), message);
    assertTrue(message.contains("this node (" + b.server().recordings().node() + ")"), message);
    assertTrue(message.contains("shared directory " + shared.toAbsolutePath().normalize()), message);
    assertEquals(503, get("/api/recordings/cl-2/peaks", null).statusCode(), "the peaks too");

    Row audited = one("select count(*) filter (where result = 'not_on_this_node'"
        + " and detail->>'archivedBy' = 'node-c:/srv/huifang/data') as refused, count(*) as plays from audit_log"
        + " where action = 'recording.play' and subject = 'recording:cl-2'", Tuple.tuple());
    assertEquals(1L, audited.getLong("refused"), "the refusal is audited, naming the node");
    assertEquals(1L, audited.getLong("plays"));
    playerSaysSo("cl-2", "node-c:/srv/huifang/data");
  }

  /**
   * The QA page's player on node B, opened on a recording node B cannot see: it says the archive is not shared (the
   * server's message, naming the node, as its tooltip) in place of "the waveform cannot be loaded". Screenshots at
   * 1440 × 900 and as a 390 × 844 phone, Chinese and English.
   */
  private static void playerSaysSo(String recordingId, String node) throws Exception {
    if (!io.huifang.testsupport.Browser.available()) {
      return;
    }
    Path shots = Path.of("target", "screenshots");
    for (int width : new int[] {1440, 390}) {
      try (io.huifang.testsupport.Browser br = io.huifang.testsupport.Browser.launch(Math.max(width, 500),
          width == 390 ? 844 : 900)) {
        if (width == 390) {
          // Headless chromium keeps windows at least 500 px wide: shown as a 390 × 844 phone.
          br.cdp("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
              .put("deviceScaleFactor", 1).put("mobile", true));
        }
        br.navigate(b.url("/"));
        br.js("localStorage.clear()");
        br.navigate(b.url("/"));
        br.waitFor("document.getElementById('username') !== null", java.time.Duration.ofSeconds(15));
        br.type("#username", "admin");
        br.type("#password", TestServer.ADMIN_PASSWORD);
        br.click("#login-submit");
        br.waitFor("location.pathname !== '/' && !document.body.classList.contains('booting')",
            java.time.Duration.ofSeconds(15));
        for (String lang : List.of("zh-CN", "en")) {
          br.js("localStorage.setItem('hf.lang', arguments[0])", lang);
          br.navigate(b.url("/qa.html"));
          br.waitFor("!document.body.classList.contains('booting')", java.time.Duration.ofSeconds(15));
          br.js("import('/assets/qa-player.js').then((m) => { const p = m.createPlayer({ recordingId: arguments[0] });"
              + " (document.querySelector('main') || document.body).prepend(p.root); })", recordingId);
          br.waitFor("!!document.querySelector('.qa-player') && document.querySelector('.qa-player').dataset.waveform"
              + " === 'failed'", java.time.Duration.ofSeconds(15));
          assertEquals("qa.player.notOnThisNode", br.evaluateString(
              "document.querySelector('.qa-wave-status').dataset.i18n"));
          assertTrue(br.evaluateString("document.querySelector('.qa-wave-status').title").contains(
              "archived by node " + node), "the server's words, for whoever fixes it");
          String shown = br.evaluateString("document.querySelector('.qa-wave-status').textContent");
          assertTrue(lang.equals("en") ? shown.startsWith("Archived by another node")
              : shown.startsWith("录音由另一个节点归档"), shown);
          Files.createDirectories(shots);
          br.screenshot(shots.resolve("player-not-on-this-node-" + width + "-" + lang + ".png"));
        }
      }
    }
  }

  @Test
  void aRecordingADeadNodeLeftPendingIsTakenOverByAnotherButNotOneStillFresh() throws Exception {
    RecordingService serviceB = b.server().recordings();
    RecordingStore store = new RecordingStore(a.server().database().pool());
    Path raw = Files.createDirectories(dir.resolve("raw-d"));
    writeWav(raw.resolve("cl-3.wav"));
    writeWav(raw.resolve("cl-4.wav"));
    Instant now = Instant.now();
    for (String id : List.of("cl-3", "cl-4")) {
      assertTrue(store.insertPending(id, id, 7L, null, 703L, now, now, now.plusSeconds(3), new io.vertx.core.json
          .JsonArray(), raw.toString(), java.time.LocalDate.now().plusDays(30), "node-d:/gone").toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    // node D took both and died; cl-3 has waited longer than a node takes to process anything.
    one("update recording set updated_at = now() - interval '31 minutes' where id = 'cl-3' returning id",
        Tuple.tuple());
    assertEquals(List.of(), store.pending(100, serviceB.node()).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).stream().filter(id -> id.startsWith("cl-")).toList(),
        "node B does not resume at start what node D took");

    assertEquals(1, serviceB.takeOverStalePending().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS));
    JsonObject taken = io.huifang.testsupport.Await.atMost(java.time.Duration.ofSeconds(60))
        .every(java.time.Duration.ofMillis(200)).until("cl-3 processed", () -> row(store, "cl-3"),
            r -> !"pending".equals(r.getString("status")));
    assertEquals("ready", taken.getString("status"), taken.encodePrettily());
    assertEquals(serviceB.node(), taken.getString("archivedBy"));
    assertTrue(Files.isRegularFile(shared.resolve(taken.getString("archiveDir")).resolve("cl-3.json")));
    JsonObject fresh = store.get("cl-4").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .orElseThrow();
    assertEquals("pending", fresh.getString("status"), "still node D's: it may be processing it now");
    assertEquals("node-d:/gone", fresh.getString("archivedBy"));
  }

  @Test
  void aPbxsRecordingIsReadFromThatPbxsOwnSpool() throws Exception {
    RecordingService serviceB = b.server().recordings();
    Path spool = dir.resolve("spool-b");
    assertEquals(spool, serviceB.rawDir("emulator"), "recordings.raw-dirs");
    assertEquals(shared.toAbsolutePath().normalize(), a.server().recordings().rawDir("emulator"),
        "a PBX not listed: the archive's directory, as before");
    Files.createDirectories(spool);
    writeWav(spool.resolve("cl-5.wav"));
    Instant now = Instant.now();
    // The tracker's snapshot of a call on PBX "emulator" that ended: its recording is kept (the default rules).
    JsonObject ended = new JsonObject().put("id", "cl-5").put("pbx", "emulator").put("campaignId", 7L)
        .put("answeredAt", now.minusSeconds(4).toString()).put("bridgedAt", now.minusSeconds(3).toString())
        .put("endedAt", now.toString());
    serviceB.onEnded(ended, 705L).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    RecordingStore store = new RecordingStore(b.server().database().pool());
    JsonObject done = io.huifang.testsupport.Await.atMost(java.time.Duration.ofSeconds(60))
        .every(java.time.Duration.ofMillis(200)).until("cl-5 processed", () -> row(store, "cl-5"),
            r -> !"pending".equals(r.getString("status")));
    assertEquals("ready", done.getString("status"), done.encodePrettily());
    assertEquals(spool.toString(), done.getString("rawDir"), "read from the PBX's spool");
    assertEquals(serviceB.node(), done.getString("archivedBy"));
    assertTrue(Files.isRegularFile(shared.resolve(done.getString("archiveDir")).resolve("cl-5.ogg")),
        "archived into the shared archive");
    assertTrue(!Files.exists(spool.resolve("cl-5.wav")), "the PBX's file is gone from its spool once archived");
  }

  @Test
  void withArchivesNotSharedEachNodePurgesWhatItArchivedAndNothingElse() throws Exception {
    RecordingService serviceA = a.server().recordings();
    RecordingService serviceB = b.server().recordings();
    Path raw = Files.createDirectories(dir.resolve("raw-retention"));
    Instant longAgo = Instant.now().minus(java.time.Duration.ofDays(40));
    for (String id : List.of("old-a", "old-b")) {
      writeWav(raw.resolve(id + ".wav"));
      RecordingService by = id.endsWith("a") ? serviceA : serviceB;
      assertTrue(by.register(id, 8L, null, 708L, longAgo, longAgo, longAgo.plusSeconds(3), raw, 30)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals("ready", by.process(id).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS)
          .getString("status"));
    }
    RecordingStore store = new RecordingStore(b.server().database().pool());
    // Node B's purge, as every node runs it when each keeps its own archive; not the lease's holder here.
    RetentionJob onB = new RetentionJob(b.server().vertx(), serviceB, new io.huifang.auth.AuditLog(
        b.server().database().pool()), Clock.systemUTC());
    onB.perNode(serviceB.node());
    onB.onlyWhile(() -> false);
    onB.purgeOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals("purged", row(store, "old-b").getString("status"), "node B's own: purged by node B");
    assertEquals("ready", row(store, "old-a").getString("status"), "node A's: out of node B's reach, left to A");
    JsonObject oldA = row(store, "old-a");
    assertTrue(Files.isRegularFile(shared.resolve(oldA.getString("archiveDir")).resolve("old-a.ogg")));
    assertEquals(1L, one("select count(*) from audit_log where action = 'recording.purge'"
        + " and subject in ('recording:old-a', 'recording:old-b')", Tuple.tuple()).getLong(0));
  }

  private static JsonObject row(RecordingStore store, String id) {
    try {
      return store.get(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<byte[]> get(String path, String range) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(b.url(path))).GET();
    if (range != null) {
      req.header("Range", range);
    }
    return onB.client().send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Row one(String sql, Tuple args) throws Exception {
    return a.server().database().pool().preparedQuery(sql).execute(args).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).iterator().next();
  }

  /** Three seconds of a 440 Hz tone, 8 kHz mono 16-bit PCM: what MixMonitor writes for a call. */
  private static void writeWav(Path file) throws Exception {
    int samples = 8000 * 3;
    ByteBuffer w = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    w.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
    w.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
        .putShort((short) 2).putShort((short) 16);
    w.put("data".getBytes()).putInt(samples * 2);
    for (int i = 0; i < samples; i++) {
      w.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
    }
    Files.write(file, w.array());
  }
}
