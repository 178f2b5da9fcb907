package io.huifang.recording;

import io.huifang.app.RebuildCatalogCommand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.auth.AuditLog;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.CallTracker;
import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on real calls: the emulator's MixMonitor writes real WAVs, real ffmpeg/ffprobe (the system's or the
 * bundled ones) process them, and the recording is streamed over real HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithServer(flags = {"--emulator.speed=" + RecordingPipelineIT.EMULATOR_SPEED, "--pbx.agi-port=0"})
class RecordingPipelineIT {
  static final String ATTEMPT = "rec-it-1";
  static final String NUMBER = "6501";
  /**
   * The emulator's time scale. The server stamps the paused span with its own (real) clock from MixMonitorStart;
   * the emulator writes simulated time into its files, so in the PBX's files the span lies at this many times its
   * stamped offsets (at speed 1, as in production with Asterisk, the two coincide).
   */
  static final int EMULATOR_SPEED = 4;

  Path dir;
  @Injected
  TestServer server;
  RecordingService service;
  Http admin;
  Http agent;
  Http otherAgent;
  Http qa;
  long agentId;
  JsonObject row;
  Path archive;
  /** Every {@link RecordingEvents#READY} published since the server started, in order. */
  final List<JsonObject> announced = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  void callAndRecord(@TempDir Path tmp) throws Exception {
    // `-Dtest=io.huifang.recording.**` also hands this class to surefire: it belongs to failsafe's run only.
    org.junit.jupiter.api.Assumptions.assumeFalse("unit".equals(System.getProperty("huifang.test.phase")),
        "an integration test: runs in the integration-test phase");
    dir = tmp;
    service = server.server().recordings();
    server.server().vertx().eventBus().<JsonObject>consumer(RecordingEvents.READY, m -> announced.add(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    service.setKeepSources(true);
    // Campaign 7 lets agents listen to their own calls; the others do not.
    service.setPolicies(campaign -> Future.succeededFuture(new RecordingPolicies.Rules(
        RecordingPolicies.Capture.ALL, Long.valueOf(7).equals(campaign), 30)));
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    agent = Http.userWithRole(server, admin, "zhang.wei", "agent");
    otherAgent = Http.userWithRole(server, admin, "li.na", "agent");
    qa = Http.userWithRole(server, admin, "qa.chen", "qa");
    agentId = agent.get("/api/me").json().getJsonObject("user").getLong("id");
    assertEquals(200, agent.send("POST", "/api/agent/line", null).status());
    assertEquals(200, agent.send("PUT", "/api/agent/ready", "{\"ready\":true}").status());

    AnsweredCalls.Pbx pbx = server.server().telephony().pbx("emulator");
    pbx.tracker().originate(new CallTracker.OriginateRequest(ATTEMPT, 7L, 70L, 700L, "PJSIP/" + NUMBER
        + "@huifang-trunk", "huifang-answered", "s", null, Duration.ofSeconds(30), false, Map.of())).await();
    waitFor(() -> "on_call".equals(agent.get("/api/agent/line").json().getString("state")), 15_000, "bridged");
    Thread.sleep(600);

    // Sensitive data: the agent pauses for one second; the recording resumes by itself.
    Http.Response paused = agent.send("POST", "/api/recordings/" + ATTEMPT + "/pause",
        "{\"seconds\":1,\"reason\":\"card number\"}");
    assertEquals(200, paused.status(), paused.body());
    assertEquals(403, otherAgent.send("POST", "/api/recordings/" + ATTEMPT + "/pause", "{}").status(),
        "another agent cannot pause this call");
    assertEquals(409, agent.send("POST", "/api/recordings/" + ATTEMPT + "/pause", "{}").status(), "already paused");
    waitFor(() -> service.spans(ATTEMPT).size() == 1
        && service.spans(ATTEMPT).getJsonObject(0).getLong("toMs") != null, 5_000, "automatic resume");
    Thread.sleep(600);
    pbx.tracker().hangup(ATTEMPT, true).await(5, TimeUnit.SECONDS);

    waitFor(() -> {
      Http.Response r = qa.get("/api/recordings/" + ATTEMPT);
      return r.status() == 200 && !"pending".equals(r.json().getString("status"));
    }, 90_000, "processed");
    row = service.store().get(ATTEMPT).toCompletionStage().toCompletableFuture().get().orElseThrow();
    assertEquals("ready", row.getString("status"), row.encodePrettily());
    archive = service.archiveDir().resolve(row.getString("archiveDir"));
  }

  @Test
  @Order(1)
  void archivedByDateAndCampaignWithAValidSidecarAndNoPhoneNumber() throws Exception {
    assertTrue(row.getString("archiveDir").matches("\\d{4}/\\d{2}/\\d{2}/campaign-7"), row.getString("archiveDir"));
    Path sidecarFile = archive.resolve(ATTEMPT + ".json");
    String text = Files.readString(sidecarFile);
    assertFalse(text.contains(NUMBER), "the sidecar never holds the phone number");
    JsonObject sidecar = new JsonObject(text);
    Validator v = schemaValidator();
    OutputUnit result = v.validate(sidecar);
    assertTrue(result.getValid(), () -> "sidecar invalid: " + result.getErrors() + "\n" + text);
    // The validator really checks: a phone number slipped in is refused.
    assertFalse(v.validate(sidecar.copy().put("phone", NUMBER)).getValid());

    assertEquals(ATTEMPT, sidecar.getString("attemptId"));
    assertEquals(7L, sidecar.getLong("campaignId"));
    assertEquals(agentId, sidecar.getLong("agentId"));
    assertEquals(700L, sidecar.getLong("customerId"));
    assertEquals(Sidecar.LAYOUT_STEREO, sidecar.getJsonObject("legs").getString("layout"));
    // Who spoke when, per leg: the emulator's customer says "Hello?" at once, the agent answers after the bridge.
    JsonObject activity = sidecar.getJsonObject("activity");
    assertNotNull(activity, text);
    for (String leg : List.of("customer", "agent")) {
      JsonObject l = activity.getJsonObject(leg);
      assertTrue(l.getDouble("speechShare") > 0.03 && l.getDouble("speechShare") < 0.9, leg + ": " + l.encode());
      assertFalse(l.getJsonArray("spans").isEmpty(), leg);
    }
    long hello = activity.getJsonObject("customer").getJsonArray("spans").getJsonArray(0).getLong(0);
    assertTrue(hello < 500, "the customer's hello comes first: " + activity.encode());
    assertTrue(activity.getJsonObject("agent").getJsonArray("spans").getJsonArray(0).getLong(0)
        > activity.getJsonObject("customer").getJsonArray("spans").getJsonArray(0).getLong(1) - 200,
        "the agent speaks after the hello: " + activity.encode());
    assertTrue(activity.getLong("overtalkMs") < sidecar.getLong("durationMs") / 4, activity.encode());
    assertEquals(activity, row.getJsonObject("activity"), "the catalog row keeps the same activity");
    Instant started = Instant.parse(sidecar.getString("startedAt"));
    Instant bridged = Instant.parse(sidecar.getString("bridgedAt"));
    Instant ended = Instant.parse(sidecar.getString("endedAt"));
    assertTrue(!started.isBefore(bridged.minusMillis(100)) && started.isBefore(bridged.plusSeconds(2))
        && bridged.isBefore(ended), "recording starts at the bridge, before the hangup: " + text);
    for (Object o : sidecar.getJsonArray("files")) {
      JsonObject f = (JsonObject) o;
      Path p = archive.resolve(f.getString("path"));
      assertEquals(Files.size(p), f.getLong("bytes"));
      assertEquals(Sidecar.sha256(p), f.getString("sha256"));
    }
    JsonObject original = Sidecar.fileByRole(sidecar, "original");
    JsonObject playback = Sidecar.fileByRole(sidecar, "playback");
    assertEquals("pcm_s16le", original.getString("codec"));
    assertEquals(2, original.getInteger("channels"));
    assertEquals(8000, original.getInteger("sampleRate"));
    assertEquals("opus", playback.getString("codec"));
    assertEquals("ogg", playback.getString("container"));
    assertEquals(2, playback.getInteger("channels"));
    assertTrue(playback.getLong("bytes") * 8 <= original.getLong("bytes"),
        "playback at most 1/8 of the WAV: " + playback.getLong("bytes") + " vs " + original.getLong("bytes"));

    JsonArray spans = sidecar.getJsonArray("mutedSpans");
    assertEquals(1, spans.size(), spans.encode());
    JsonObject span = spans.getJsonObject(0);
    assertEquals("card number", span.getString("reason"));
    assertEquals(agentId, span.getLong("by"));
    assertTrue(span.getBoolean("pbxMuted"), "the PBX confirmed MixMonitorMute: " + span);
    long spanLen = span.getLong("toMs") - span.getLong("fromMs");
    assertTrue(spanLen >= 900 && spanLen < 2500, "about one second: " + span);
  }

  static Validator schemaValidator() throws java.io.IOException {
    JsonObject schemaJson = new JsonObject(Files.readString(Path.of("recordings-schema",
        "recording-sidecar.schema.json")));
    return Validator.create(JsonSchema.of(schemaJson), new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://huifang.io/").setOutputFormat(OutputFormat.Basic));
  }

  @Test
  @Order(2)
  void durationsMatchTheSourceAndTheLegsStayOnTheirSides() throws Exception {
    Transcoder t = service.transcoder();
    Path sources = archive.resolve("sources");
    Path customerLeg = sources.resolve(ATTEMPT + "-customer.wav");
    Path agentLeg = sources.resolve(ATTEMPT + "-agent.wav");
    Path original = archive.resolve(ATTEMPT + ".wav");
    Path playback = archive.resolve(ATTEMPT + ".ogg");
    long source = t.probe(customerLeg).durationMs();
    assertTrue(source > 3000, "a real conversation: " + source + " ms");
    assertTrue(Math.abs(t.probe(original).durationMs() - source) <= 50, "original vs source");
    assertTrue(Math.abs(t.probe(playback).durationMs() - source) <= 50,
        "playback " + t.probe(playback).durationMs() + " ms vs source " + source + " ms");
    assertEquals(row.getLong("durationMs"), t.probe(original).durationMs());

    // The stereo original is the two legs sample for sample: customer left, agent right.
    short[] cust = pcm(customerLeg);
    short[] ag = pcm(agentLeg);
    short[] st = pcm(original);
    assertEquals(cust.length * 2, st.length);
    short[] left = new short[cust.length];
    short[] right = new short[cust.length];
    for (int i = 0; i < cust.length; i++) {
      left[i] = st[2 * i];
      right[i] = st[2 * i + 1];
    }
    assertArrayEquals(cust, left, "left = customer");
    assertArrayEquals(ag, right, "right = agent");
    assertFalse(Arrays.equals(cust, ag), "the legs differ, so the check means something");

    // The PBX muted both directions (MixMonitorMute, confirmed): the original itself is digital silence over the
    // span on both channels, and only there. In the file the span starts a little after the stamped offset (the
    // AMI round trip, scaled by the emulator's speed): 600 ms of slack after the start, 100 ms before the end.
    JsonObject muted = row.getJsonArray("mutedSpans").getJsonObject(0);
    long fileFrom = muted.getLong("fromMs") * EMULATOR_SPEED;
    long fileTo = muted.getLong("toMs") * EMULATOR_SPEED;
    int silentWindows = 0;
    for (int w = 0; (w + 1) * 80 <= cust.length; w++) { // 10 ms windows
      long ms = w * 10L;
      boolean zero = true;
      for (int i = w * 80; i < (w + 1) * 80 && zero; i++) {
        zero = left[i] == 0 && right[i] == 0;
      }
      if (ms >= fileFrom + 600 && ms + 10 <= fileTo - 100) {
        assertTrue(zero, "original silent at " + ms + " ms (span " + fileFrom + "-" + fileTo + " ms in the file)");
        silentWindows++;
      } else if (ms + 10 < fileFrom || ms > fileTo + 1000) {
        assertFalse(zero, "original not silent at " + ms + " ms (span " + fileFrom + "-" + fileTo + " ms)");
      }
    }
    assertTrue(silentWindows >= 200, "a muted span long enough to check: " + silentWindows + " windows");

    // After Opus, each channel still follows its own leg (energy per 100 ms window).
    Path decoded = dir.resolve("decoded.wav");
    Process p = t.tools().command(List.of(t.tools().ffmpeg().toString(), "-v", "error", "-y", "-i",
        playback.toString(), "-ar", "8000", "-c:a", "pcm_s16le", decoded.toString())).inheritIO().start();
    assertEquals(0, p.waitFor());
    short[] dec = pcm(decoded);
    double[] decL = rms(dec, 2, 0);
    double[] decR = rms(dec, 2, 1);
    double[] c = rms(cust, 1, 0);
    double[] a = rms(ag, 1, 0);
    JsonObject span = row.getJsonArray("mutedSpans").getJsonObject(0);
    List<Integer> audible = new ArrayList<>();
    for (int w = 0; w < Math.min(c.length, decL.length); w++) {
      long ms = w * 100L;
      if (ms + 200 < span.getLong("fromMs") || ms > span.getLong("toMs") + 200) {
        audible.add(w);
      }
    }
    assertTrue(corr(decL, c, audible) > 0.8, "left follows the customer: " + corr(decL, c, audible));
    assertTrue(corr(decR, a, audible) > 0.8, "right follows the agent: " + corr(decR, a, audible));
    assertTrue(corr(decL, a, audible) < 0.5, "left is not the agent: " + corr(decL, a, audible));

    // The paused span is silent in the playback copy too (silenced by the encode as well, in case the PBX did not).
    // 200 ms in from each edge: Opus frames (60 ms) and its overlap smear a hard cut a little.
    int from = (int) ((span.getLong("fromMs") + 200 + 99) / 100);
    int to = (int) ((span.getLong("toMs") - 200) / 100);
    assertTrue(to - from >= 4, "a span long enough to check: " + span);
    for (int w = from; w < to && w < decL.length; w++) {
      assertTrue(decL[w] < 50 && decR[w] < 50, "silent at " + w * 100 + " ms: " + decL[w] + "/" + decR[w]);
    }
  }

  @Test
  @Order(3)
  void rangeRequestsServeExactBytesAndBadOnesGet416() throws Exception {
    byte[] file = Files.readAllBytes(archive.resolve(ATTEMPT + ".ogg"));
    String path = "/api/recordings/" + ATTEMPT + "/audio";
    HttpResponse<byte[]> whole = get(qa, path, null);
    assertEquals(200, whole.statusCode());
    assertArrayEquals(file, whole.body());
    assertEquals("bytes", whole.headers().firstValue("accept-ranges").orElse(null));
    assertEquals("audio/ogg", whole.headers().firstValue("content-type").orElse(null));

    HttpResponse<byte[]> first = get(qa, path, "bytes=0-99");
    assertEquals(206, first.statusCode());
    assertArrayEquals(Arrays.copyOfRange(file, 0, 100), first.body());
    assertEquals("bytes 0-99/" + file.length, first.headers().firstValue("content-range").orElse(null));

    int mid = file.length / 2;
    HttpResponse<byte[]> middle = get(qa, path, "bytes=" + mid + "-" + (mid + 999));
    assertEquals(206, middle.statusCode());
    assertArrayEquals(Arrays.copyOfRange(file, mid, mid + 1000), middle.body());

    HttpResponse<byte[]> suffix = get(qa, path, "bytes=-500");
    assertEquals(206, suffix.statusCode());
    assertArrayEquals(Arrays.copyOfRange(file, file.length - 500, file.length), suffix.body());
    assertEquals("bytes " + (file.length - 500) + "-" + (file.length - 1) + "/" + file.length,
        suffix.headers().firstValue("content-range").orElse(null));

    for (String bad : List.of("bytes=" + file.length + "-", "bytes=50-10", "bytes=0-1,5-6", "items=0-9",
        "bytes=-0", "bytes=x-")) {
      HttpResponse<byte[]> r = get(qa, path, bad);
      assertEquals(416, r.statusCode(), bad);
      assertEquals("bytes */" + file.length, r.headers().firstValue("content-range").orElse(null), bad);
    }
  }

  @Test
  @Order(4)
  void agentsHearOnlyTheirOwnCallsAndEveryAccessIsLogged() throws Exception {
    String path = "/api/recordings/" + ATTEMPT + "/audio";
    assertEquals(206, get(agent, path, "bytes=0-9").statusCode(), "own call, campaign allows");
    assertEquals(403, get(otherAgent, path, null).statusCode(), "not their call");
    assertEquals(403, otherAgent.get("/api/recordings/" + ATTEMPT).status());
    assertEquals(404, qa.get("/api/recordings/no-such-recording").status());
    Http.Response peaks = qa.get("/api/recordings/" + ATTEMPT + "/peaks");
    assertEquals(200, peaks.status());
    assertEquals(2, peaks.json().getInteger("channels"));
    assertTrue(peaks.json().getLong("length") > 10);

    JsonArray plays = admin.get("/api/audit?action=recording.play&limit=100").json().getJsonArray("entries");
    List<JsonObject> entries = plays.stream().map(o -> (JsonObject) o).toList();
    assertTrue(entries.stream().anyMatch(e -> "li.na".equals(e.getString("actor"))
        && "denied".equals(e.getString("result")) && ("recording:" + ATTEMPT).equals(e.getString("subject"))),
        "the refused access is logged: " + entries);
    assertTrue(entries.stream().anyMatch(e -> "qa.chen".equals(e.getString("actor"))
        && "bad_range".equals(e.getString("result"))), "a bad range is logged");
    assertTrue(entries.stream().anyMatch(e -> "zhang.wei".equals(e.getString("actor"))
        && "ok".equals(e.getString("result"))), "the agent's own access is logged");
    assertTrue(entries.stream().allMatch(e -> e.getString("at") != null));
    JsonArray views = admin.get("/api/audit?action=recording.view&limit=100").json().getJsonArray("entries");
    assertTrue(views.stream().map(o -> (JsonObject) o).anyMatch(e -> "not_found".equals(e.getString("result"))));

    // A campaign that does not let agents listen: even their own call is refused.
    service.setPolicies(campaign -> Future.succeededFuture(new RecordingPolicies.Rules(
        RecordingPolicies.Capture.ALL, false, 30)));
    try {
      assertEquals(403, get(agent, path, null).statusCode());
    } finally {
      service.setPolicies(campaign -> Future.succeededFuture(new RecordingPolicies.Rules(
          RecordingPolicies.Capture.ALL, Long.valueOf(7).equals(campaign), 30)));
    }
  }

  @Test
  @Order(4)
  void refusalsBeforeTheHandlerAreInTheAccessLogToo() throws Exception {
    Http signedOut = new Http(server);
    String audio = "/api/recordings/" + ATTEMPT + "/audio";
    Http.Response r401 = signedOut.get(audio);
    assertEquals(401, r401.status(), "signed out");
    assertEquals("unauthenticated", r401.json().getString("error"), "the guard's answer is unchanged");
    assertEquals(401, signedOut.get("/api/recordings/" + ATTEMPT + "/peaks").status());
    assertEquals(401, signedOut.get("/api/recordings").status());
    Http.Response r403 = agent.send("POST", "/api/recordings/" + ATTEMPT + "/retry", null);
    assertEquals(403, r403.status(), "an agent may not retry");
    assertEquals("forbidden", r403.json().getString("error"));
    assertEquals(403, qa.send("POST", "/api/recordings/" + ATTEMPT + "/pause", "{}").status(), "QA may not pause");

    List<JsonObject> play = audit("recording.play");
    assertTrue(play.stream().anyMatch(e -> e.getString("actor") == null && "unauthenticated".equals(
        e.getString("result")) && ("recording:" + ATTEMPT).equals(e.getString("subject"))
        && e.getString("at") != null), "the signed-out play is logged: " + play);
    assertTrue(audit("recording.peaks").stream().anyMatch(e -> e.getString("actor") == null
        && "unauthenticated".equals(e.getString("result"))), "the signed-out peaks request is logged");
    assertTrue(audit("recording.list").stream().anyMatch(e -> e.getString("actor") == null
        && "unauthenticated".equals(e.getString("result")) && "recordings".equals(e.getString("subject"))),
        "the signed-out list is logged");
    List<JsonObject> retry = audit("recording.retry");
    assertTrue(retry.stream().anyMatch(e -> "zhang.wei".equals(e.getString("actor"))
        && "forbidden".equals(e.getString("result")) && ("recording:" + ATTEMPT).equals(e.getString("subject"))
        && e.getString("at") != null), "the agent's forbidden retry is logged: " + retry);
    assertTrue(audit("recording.pause").stream().anyMatch(e -> "qa.chen".equals(e.getString("actor"))
        && "forbidden".equals(e.getString("result"))), "QA's forbidden pause is logged");
  }

  List<JsonObject> audit(String action) {
    return admin.get("/api/audit?action=" + action + "&limit=100").json().getJsonArray("entries").stream()
        .map(o -> (JsonObject) o).toList();
  }

  @Test
  @Order(5)
  void theCatalogRebuiltFromTheSidecarsEqualsTheOriginal() throws Exception {
    RecordingStore store = service.store();
    List<JsonObject> before = store.catalog().toCompletionStage().toCompletableFuture().get();
    assertFalse(before.isEmpty());
    store.pool().query("delete from recording").execute().toCompletionStage().toCompletableFuture().get();
    assertTrue(store.catalog().toCompletionStage().toCompletableFuture().get().isEmpty());
    RebuildCatalogCommand.Result r = RebuildCatalogCommand.rebuild(server.server().vertx(), store,
        service.archiveDir()).toCompletionStage().toCompletableFuture().get();
    assertTrue(r.errors().isEmpty(), r.errors().toString());
    assertEquals(before.size(), r.rows());
    List<JsonObject> after = store.catalog().toCompletionStage().toCompletableFuture().get();
    assertEquals(before, after);
    assertEquals(200, qa.get("/api/recordings/" + ATTEMPT).status());
  }

  @Test
  @Order(6)
  void aCorruptEmptyOrMissingFileIsMarkedFailedKeptAndRetried() throws Exception {
    Path raw = dir.resolve("raw");
    Files.createDirectories(raw);
    service.setSettleMillis(300);
    byte[] garbage = new byte[4096];
    new java.util.Random(1).nextBytes(garbage);
    Files.write(raw.resolve("bad-1.wav"), garbage);
    Files.write(raw.resolve("bad-2.wav"), new byte[0]);
    Instant now = Instant.now();
    for (String id : List.of("bad-1", "bad-2", "bad-3")) {
      assertTrue(service.register(id, 7L, agentId, 701L, now, now, now, raw, 30).toCompletionStage()
          .toCompletableFuture().get());
    }
    JsonObject bad1 = service.process("bad-1").toCompletionStage().toCompletableFuture().get();
    assertEquals("failed", bad1.getString("status"));
    assertTrue(bad1.getString("failure").contains("corrupt"), bad1.getString("failure"));
    assertArrayEquals(garbage, Files.readAllBytes(raw.resolve("bad-1.wav")), "the original is kept as it was");
    JsonObject bad2 = service.process("bad-2").toCompletionStage().toCompletableFuture().get();
    assertEquals("failed", bad2.getString("status"));
    assertTrue(bad2.getString("failure").contains("empty"), bad2.getString("failure"));
    JsonObject bad3 = service.process("bad-3").toCompletionStage().toCompletableFuture().get();
    assertEquals("failed", bad3.getString("status"));
    assertTrue(bad3.getString("failure").contains("missing"), bad3.getString("failure"));
    Http supervisor = Http.userWithRole(server, admin, "sup.wu", "supervisor");
    assertEquals(409, supervisor.get("/api/recordings/bad-1/audio").status(), "a failed recording has no audio");

    // The PBX's file is repaired (here: a real emulator recording put in its place); the retry redoes it.
    Files.copy(archive.resolve("sources").resolve(ATTEMPT + ".wav"), raw.resolve("bad-1.wav"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Http.Response retried = supervisor.send("POST", "/api/recordings/bad-1/retry", null);
    assertEquals(200, retried.status(), retried.body());
    assertEquals("ready", retried.json().getString("status"), retried.body());
    assertEquals(Sidecar.LAYOUT_MONO, retried.json().getJsonObject("legs").getString("layout"),
        "no legs: the mixed file is the fallback");
    assertEquals(2, service.store().get("bad-1").toCompletionStage().toCompletableFuture().get().orElseThrow()
        .getInteger("tries"));
    // The retry job picks up what is still failed and has tries left.
    Files.copy(archive.resolve("sources").resolve(ATTEMPT + ".wav"), raw.resolve("bad-2.wav"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    int retriedCount = service.retryFailed().toCompletionStage().toCompletableFuture().get();
    assertEquals(2, retriedCount, "bad-2 and bad-3");
    assertEquals("ready", service.store().get("bad-2").toCompletionStage().toCompletableFuture().get()
        .orElseThrow().getString("status"));
    assertEquals("failed", service.store().get("bad-3").toCompletionStage().toCompletableFuture().get()
        .orElseThrow().getString("status"));
  }

  @Test
  @Order(7)
  void aFailedRecordingHasAValidSidecarAndARebuildBringsItBack() throws Exception {
    RecordingStore store = service.store();
    JsonObject failed = store.get("bad-3").toCompletionStage().toCompletableFuture().get().orElseThrow();
    assertEquals("failed", failed.getString("status"));
    Path file = service.archiveDir().resolve(Sidecar.relativeDir(Instant.parse(failed.getString("startedAt")), 7L))
        .resolve("bad-3.json");
    assertTrue(Files.isRegularFile(file), "a failed recording has a sidecar where the archived one would go");
    JsonObject sidecar = new JsonObject(Files.readString(file));
    Validator v = schemaValidator();
    OutputUnit result = v.validate(sidecar);
    assertTrue(result.getValid(), () -> "failed sidecar invalid: " + result.getErrors() + "\n" + sidecar.encode());
    assertEquals("failed", sidecar.getString("status"));
    assertEquals(failed.getString("failure"), sidecar.getString("failure"));
    assertTrue(sidecar.getString("failure").contains("missing"), sidecar.getString("failure"));
    for (String absent : List.of("files", "peaks", "durationMs", "legs")) {
      assertFalse(sidecar.containsKey(absent), "no " + absent + " on a failed recording: " + sidecar.encode());
    }
    assertEquals(dir.resolve("raw").toAbsolutePath().normalize().toString(), sidecar.getString("sourcesDir"));
    assertEquals(agentId, sidecar.getLong("agentId"));
    assertEquals(701L, sidecar.getLong("customerId"));
    // The schema tells the two apart: no media on a failed one, and a ready one needs its files and duration.
    assertFalse(v.validate(sidecar.copy().put("files", new JsonArray())).getValid(), "files on a failed one");
    JsonObject noReason = sidecar.copy();
    noReason.remove("failure");
    assertFalse(v.validate(noReason).getValid(), "a failed one without its reason");
    JsonObject readyWithoutFiles = sidecar.copy().put("status", "ready").putNull("failure");
    readyWithoutFiles.remove("sourcesDir");
    assertFalse(v.validate(readyWithoutFiles).getValid(), "a ready one without files");
    // bad-1 failed first and was archived later: its sidecar is the ready one now.
    JsonObject bad1 = new JsonObject(Files.readString(file.resolveSibling("bad-1.json")));
    assertEquals("ready", bad1.getString("status"));
    assertTrue(v.validate(bad1).getValid());

    // The database is lost: the rebuild brings the failed recording back, failed, with its reason, no tries yet
    // and its PBX files' directory, so the retry job picks it up again.
    store.pool().query("delete from recording").execute().toCompletionStage().toCompletableFuture().get();
    RebuildCatalogCommand.Result r = RebuildCatalogCommand.rebuild(server.server().vertx(), store,
        service.archiveDir()).toCompletionStage().toCompletableFuture().get();
    assertTrue(r.errors().isEmpty(), r.errors().toString());
    JsonObject back = store.get("bad-3").toCompletionStage().toCompletableFuture().get().orElseThrow();
    assertEquals("failed", back.getString("status"));
    assertEquals(failed.getString("failure"), back.getString("failure"));
    assertEquals(0, back.getInteger("tries"));
    assertEquals(dir.resolve("raw").toAbsolutePath().normalize().toString(), back.getString("rawDir"));
    assertEquals(new JsonArray(), back.getJsonArray("files"));
    assertEquals("ready", store.get(ATTEMPT).toCompletionStage().toCompletableFuture().get().orElseThrow()
        .getString("status"));
    assertEquals(1, service.retryFailed().toCompletionStage().toCompletableFuture().get(), "bad-3 is retried");
    JsonObject retried = store.get("bad-3").toCompletionStage().toCompletableFuture().get().orElseThrow();
    assertEquals("failed", retried.getString("status"), "its file is still missing");
    assertEquals(1, retried.getInteger("tries"));
  }

  /** QA's workspace learns of playable recordings from the event bus: each archived one once, no failed one. */
  @Test
  @Order(7)
  void everyArchivedRecordingIsAnnouncedOnceOnTheEventBusAndNoFailedOne() throws Exception {
    waitFor(() -> announced.size() >= 3, 5_000, "three recordings announced");
    List<String> ids = announced.stream().map(e -> e.getString("recordingId")).toList();
    assertEquals(List.of(ATTEMPT, "bad-1", "bad-2"), ids, "the call's, then bad-1 and bad-2 once retried: " + announced);
    JsonObject call = announced.get(0);
    assertEquals(ATTEMPT, call.getString("attemptId"));
    assertEquals(7L, call.getLong("campaignId"));
    assertEquals(agentId, call.getLong("agentId"));
    assertEquals(row.getLong("durationMs"), call.getLong("durationMs"));
    assertTrue(call.getLong("durationMs") > 3000, call.encode());
    assertEquals(row.getString("startedAt"), call.getString("startedAt"));
    assertFalse(call.encode().contains(NUMBER), "no phone number on the bus: " + call.encode());
    // When the event arrives the recording is playable: the catalog already says so.
    assertEquals("ready", qa.get("/api/recordings/bad-2").json().getString("status"));
  }

  @Test
  @Order(8)
  void retentionPurgesPastDueRecordingsUnlessOnLegalHold() throws Exception {
    Http supervisor = Http.userWithRole(server, admin, "sup.hold", "supervisor");
    Http.Response held = supervisor.send("PUT", "/api/recordings/" + ATTEMPT + "/hold", "{\"legalHold\":true}");
    assertEquals(200, held.status(), held.body());
    assertTrue(new JsonObject(Files.readString(archive.resolve(ATTEMPT + ".json"))).getJsonObject("retention")
        .getBoolean("legalHold"), "the sidecar carries the hold");
    Path bad2Dir = service.archiveDir().resolve(service.store().get("bad-2").toCompletionStage()
        .toCompletableFuture().get().orElseThrow().getString("archiveDir"));
    assertTrue(Files.exists(bad2Dir.resolve("bad-2.ogg")));

    RetentionJob job = new RetentionJob(server.server().vertx(), service,
        new AuditLog(server.server().database().pool()), Clock.offset(Clock.systemUTC(), Duration.ofDays(40)));
    int purged = job.purgeOnce().toCompletionStage().toCompletableFuture().get();
    assertEquals(3, purged, "bad-1, bad-2 and bad-3; not the held one");
    assertFalse(Files.exists(bad2Dir.resolve("bad-2.ogg")));
    assertFalse(Files.exists(bad2Dir.resolve("bad-2.json")));
    assertFalse(Files.exists(bad2Dir.resolve("bad-3.json")), "a failed recording's sidecar is purged too");
    assertTrue(Files.exists(archive.resolve(ATTEMPT + ".ogg")), "on legal hold");
    assertEquals("purged", service.store().get("bad-2").toCompletionStage().toCompletableFuture().get()
        .orElseThrow().getString("status"));
    JsonArray log = admin.get("/api/audit?action=recording.purge").json().getJsonArray("entries");
    assertEquals(3, log.size(), log.encode());
  }

  @Test
  @Order(9)
  void campaignPolicyNoneKeepsNothingAndOnDemandKeepsWhatWasAskedFor() throws Exception {
    service.setSettleMillis(500);
    service.setPolicies(campaign -> Future.succeededFuture(new RecordingPolicies.Rules(
        Long.valueOf(9).equals(campaign) ? RecordingPolicies.Capture.NONE : RecordingPolicies.Capture.ON_DEMAND,
        true, 30)));
    call("rec-none", 9L, null);
    call("rec-od-no", 10L, null);
    call("rec-od-yes", 10L, "rec-od-yes");
    waitFor(() -> qa.get("/api/recordings/rec-od-yes").status() == 200
        && "ready".equals(qa.get("/api/recordings/rec-od-yes").json().getString("status")), 30_000, "on demand");
    Thread.sleep(1500); // past the settle time: the files of the calls not kept are gone
    for (String id : List.of("rec-none", "rec-od-no")) {
      assertEquals(404, qa.get("/api/recordings/" + id).status(), id + " is not recorded");
      for (Path p : Transcoder.Sources.of(service.rawDir(), id).all()) {
        assertFalse(Files.exists(p), p + " deleted");
      }
    }
  }

  /**
   * Hardening issue, item 6: a recording archived while the database was away (its files and ready sidecar written,
   * the catalog's update lost) was later taken up by the retry job, found no PBX files any more, and had its good
   * sidecar overwritten with {@code status: failed}, so a rebuild brought it back failed. The archive wins: the retry
   * finds it complete, the catalog follows it, and the sidecar is never overwritten.
   */
  @Test
  @Order(10)
  void aRecordingArchivedWhileTheDatabaseWasAwayIsNeverMarkedFailed() throws Exception {
    Path raw = dir.resolve("raw-away");
    Files.createDirectories(raw);
    service.setSettleMillis(300);
    Files.copy(archive.resolve("sources").resolve(ATTEMPT + ".wav"), raw.resolve("away-1.wav"));
    Instant now = Instant.now();
    assertTrue(service.register("away-1", 7L, agentId, 702L, now, now, now, raw, 30).toCompletionStage()
        .toCompletableFuture().get());
    JsonObject archived = service.process("away-1").toCompletionStage().toCompletableFuture().get();
    assertEquals("ready", archived.getString("status"), archived.encode());
    Path sidecar = service.archiveDir().resolve(archived.getString("archiveDir")).resolve("away-1.json");
    String good = Files.readString(sidecar);
    assertFalse(Files.exists(raw.resolve("away-1.wav")), "the PBX's file is gone once archived");

    // What the outage left in the catalog: the archive's update never arrived, the recording counts as failed.
    RecordingStore store = service.store();
    store.pool().query("update recording set status = 'failed', failure = 'internal: Connection refused',"
        + " files = '[]', archive_dir = null, duration_ms = null where id = 'away-1'").execute()
        .toCompletionStage().toCompletableFuture().get();
    service.retryFailed().toCompletionStage().toCompletableFuture().get();

    JsonObject after = store.get("away-1").toCompletionStage().toCompletableFuture().get().orElseThrow();
    assertEquals("ready", after.getString("status"), "the catalog follows the complete archive: " + after.encode());
    assertEquals(archived.getString("archiveDir"), after.getString("archiveDir"));
    assertEquals(2, after.getJsonArray("files").size(), after.encode());
    assertEquals(good, Files.readString(sidecar), "the ready sidecar is untouched");
    assertEquals(200, qa.get("/api/recordings/away-1/audio").status(), "playable");

    // The catalog lost and rebuilt from the sidecars: the recording comes back ready.
    store.pool().query("delete from recording where id = 'away-1'").execute().toCompletionStage()
        .toCompletableFuture().get();
    RebuildCatalogCommand.Result r = RebuildCatalogCommand.rebuild(server.server().vertx(), store,
        service.archiveDir()).toCompletionStage().toCompletableFuture().get();
    assertTrue(r.errors().isEmpty(), r.errors().toString());
    assertEquals("ready", store.get("away-1").toCompletionStage().toCompletableFuture().get().orElseThrow()
        .getString("status"));
  }

  /** One bridged call to the test agent; {@code askToRecord} = the agent asks for the recording during it. */
  void call(String attempt, long campaign, String askToRecord) throws Exception {
    // The previous call's wrap-up: these calls have no survey, so ready ends it.
    waitFor(() -> !"on_call".equals(agent.get("/api/agent/line").json().getString("state")), 10_000, "call over");
    if ("wrap_up".equals(agent.get("/api/agent/line").json().getString("state"))) {
      agent.send("PUT", "/api/agent/state", "{\"ready\":true}");
    }
    waitFor(() -> "ready".equals(agent.get("/api/agent/line").json().getString("state")), 10_000, "agent ready");
    AnsweredCalls.Pbx pbx = server.server().telephony().pbx("emulator");
    pbx.tracker().originate(new CallTracker.OriginateRequest(attempt, campaign, 70L, 702L, "PJSIP/" + NUMBER
        + "@huifang-trunk", "huifang-answered", "s", null, Duration.ofSeconds(30), false, Map.of())).await();
    waitFor(() -> attempt.equals(agent.get("/api/agent/line").json().getString("attemptId")), 15_000,
        "bridged " + attempt);
    if (askToRecord != null) {
      Http.Response r = agent.send("POST", "/api/recordings/" + askToRecord + "/record", null);
      assertEquals(200, r.status(), r.body());
    }
    Thread.sleep(300);
    pbx.tracker().hangup(attempt, true).await(5, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------------------------

  HttpResponse<byte[]> get(Http client, String path, String range) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path))).GET();
    if (range != null) {
      b.header("Range", range);
    }
    return client.client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static short[] pcm(Path wav) throws Exception {
    byte[] b = Files.readAllBytes(wav);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    while (pos + 8 <= b.length) {
      String id = new String(b, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
      int size = bb.getInt(pos + 4);
      if (id.equals("data")) {
        int n = Math.min(size, b.length - pos - 8) / 2;
        short[] out = new short[n];
        bb.position(pos + 8);
        bb.asShortBuffer().get(out);
        return out;
      }
      pos += 8 + size + (size & 1);
    }
    throw new AssertionError("no data chunk in " + wav);
  }

  /** RMS per 100 ms (800 frames at 8 kHz) of one channel. */
  static double[] rms(short[] s, int channels, int ch) {
    int frames = s.length / channels;
    double[] out = new double[frames / 800];
    for (int w = 0; w < out.length; w++) {
      double sum = 0;
      for (int i = 0; i < 800; i++) {
        double v = s[(w * 800 + i) * channels + ch];
        sum += v * v;
      }
      out[w] = Math.sqrt(sum / 800);
    }
    return out;
  }

  static double corr(double[] x, double[] y, List<Integer> at) {
    double mx = 0;
    double my = 0;
    for (int i : at) {
      mx += x[i];
      my += y[i];
    }
    mx /= at.size();
    my /= at.size();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i : at) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  static void waitFor(java.util.function.BooleanSupplier cond, long ms, String what) {
    Await.atMost(Duration.ofMillis(ms)).until(what, cond);
  }
}
