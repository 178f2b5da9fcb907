package io.huifang.web;

import io.huifang.app.Config;
import io.huifang.app.ConfigLoader;
import io.huifang.app.Server;
import io.huifang.pbx.emulator.WavWriter;
import io.huifang.recording.RecordingService;
import io.huifang.testsupport.Browser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import io.huifang.testsupport.SurveyAnswers;

/**
 * {@code java -cp target/huifang-bench.jar io.huifang.web.QaPlayerBenchmark [runs=10]}: the QA player on a
 * 10-minute recording in headless chromium, as a QA user works: from the click on "open" in the queue to the
 * waveform on screen (the frame after the canvas is drawn), and from a click on the waveform while playing to the
 * audio clock moving on from the new place. Both are measured by the page itself ({@code window.__qaTimings},
 * {@code performance.now()}), read back here; medians of {@code runs}, after one unmeasured round.
 *
 * <p>A whole Huifang in this process (embedded PostgreSQL, no PBX): a 10-minute stereo call written by the
 * emulator's {@code WavWriter}, registered and processed by the real recording pipeline (Opus in Ogg, peaks); its
 * call and submitted survey as the desk leaves them (rows), sampled (the sampler, or a manual pull), claimed by the
 * QA user. Audio and peaks come over the audited routes with Range, exactly as in production.
 */
public final class QaPlayerBenchmark {
  private static final String ATTEMPT = "qa-bench-10min";
  private static final String PASSWORD = "bench-admin-password-1";
  private static final double[] SEEK_AT = {0.62, 0.18, 0.85, 0.37, 0.71, 0.09, 0.54, 0.93, 0.27, 0.46, 0.79, 0.13};

  private QaPlayerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    if (!Browser.available()) {
      System.out.println("no chromium/chromedriver: nothing measured");
      System.exit(2);
    }
    Path work = Files.createTempDirectory("huifang-qabench");
    System.out.printf(Locale.ROOT, "machine: %d cores (%s), load average %.2f; Java %s; %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        System.getProperty("java.version"), Instant.now());
    Config config = ConfigLoader.load(List.of("--data.dir=" + work.resolve("data"), "--http.port=0",
        "--http.host=127.0.0.1", "--admin.password=" + PASSWORD, "--pbx.ami-port=0", "--pbx.agi-port=0",
        "--demo=false"), Map.of(), Path.of("").toAbsolutePath());
    Server server = Server.start(config).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
    int code = 0;
    try {
      String base = "http://127.0.0.1:" + server.httpPort();
      Client admin = new Client(base);
      admin.login("admin", PASSWORD);
      long agentId = admin.user("bench.agent", "agent");
      admin.user("bench.qa", "qa");
      admin.user("bench.sup", "supervisor");
      Client qa = new Client(base);
      qa.login("bench.qa", "bench.qa-password-1");
      long sampleId = sample(server, work, admin, qa, base, agentId);
      System.out.println("sample " + sampleId + " on a 10-minute recording; chromium " + Browser.binary().orElseThrow());

      List<Double> opens = new ArrayList<>();
      List<Double> peaksAt = new ArrayList<>();
      List<Double> seeks = new ArrayList<>();
      try (Browser b = Browser.launch(1440, 900)) {
        b.driver.get(base + "/");
        b.waitFor("document.getElementById('username') !== null");
        b.driver.findElement(By.id("username")).sendKeys("bench.qa");
        b.driver.findElement(By.id("password")).sendKeys("bench.qa-password-1");
        b.driver.findElement(By.id("login-submit")).click();
        b.waitFor("location.pathname === '/qa.html' && !document.body.classList.contains('booting')");
        for (int i = 0; i <= runs; i++) {
          // From the queue: click "open" on the row, as a person does.
          int renders = ((Number) b.evaluate("Number(document.getElementById('queue-body').dataset.renders || 0)"))
              .intValue();
          b.evaluate("location.hash = ''");
          String open = "#queue-body tr[data-id='" + sampleId + "'] .qa-open";
          b.waitFor("Number(document.getElementById('queue-body').dataset.renders || 0) > " + renders
              + " && !!document.querySelector(" + Browser.jsString(open) + ") && document.getElementById('qa-ws')"
              + ".hidden");
          int before = ((Number) b.evaluate("window.__qaTimings.opens.length")).intValue();
          b.driver.findElement(By.cssSelector(open)).click();
          b.waitFor("window.__qaTimings.opens.length > " + before + " && window.__qaTimings.opens.at(-1).ms > 0",
              Duration.ofSeconds(30));
          JsonObject o = (JsonObject) b.evaluate("(() => { const o = window.__qaTimings.opens.at(-1);"
              + " return { ms: o.ms, peaks: o.peaksAt - o.openAt }; })()");
          // One click on the waveform while it plays: the clock moves on from there.
          b.waitFor("document.querySelector('.qa-audio').readyState >= 1", Duration.ofSeconds(30));
          b.driver.findElement(By.id("qa-play")).click();
          b.waitFor("document.querySelector('.qa-audio').currentTime > 0.2", Duration.ofSeconds(30));
          WebElement wave = b.driver.findElement(By.cssSelector(".qa-wave"));
          int width = wave.getRect().getWidth();
          int seeksBefore = ((Number) b.evaluate("window.__qaTimings.seeks.length")).intValue();
          new Actions(b.driver).moveToElement(wave, (int) (width * (SEEK_AT[i % SEEK_AT.length] - 0.5)), 0).click()
              .perform();
          b.waitFor("window.__qaTimings.seeks.length > " + seeksBefore
              + " && window.__qaTimings.seeks.at(-1).playingAt !== null", Duration.ofSeconds(30));
          double seek = ((Number) b.evaluate("window.__qaTimings.seeks.at(-1).ms")).doubleValue();
          b.evaluate("document.querySelector('.qa-audio').pause()");
          if (i == 0) {
            continue; // the first round warms the JIT, the pool and the browser's caches of the page's scripts
          }
          opens.add(o.getDouble("ms"));
          peaksAt.add(o.getDouble("peaks"));
          seeks.add(seek);
        }
        if (b.pageLog().stream().anyMatch(l -> l.startsWith("exception"))) {
          System.out.println("page errors: " + b.pageLog());
        }
      }
      long peaksBytes = qa.bytes("/api/recordings/" + ATTEMPT + "/peaks");
      long opusBytes = admin.json("GET", "/api/recordings/" + ATTEMPT, null).getJsonArray("files").stream()
          .map(JsonObject.class::cast).filter(f -> "playback".equals(f.getString("role"))).findFirst()
          .map(f -> f.getLong("bytes")).orElse(-1L);
      System.out.println();
      System.out.printf(Locale.ROOT, "10-minute recording: Opus %,d bytes, peaks JSON %,d bytes; %d runs after one"
          + " unmeasured round%n%n", opusBytes, peaksBytes, opens.size());
      System.out.println("| measure | median ms | p90 ms | min ms | max ms | goal |");
      System.out.println("|---|---|---|---|---|---|");
      row("click on open → waveform on screen", opens, "≤ 300");
      row("(of which: click → peaks parsed)", peaksAt, "");
      row("click on the waveform → audio playing from there", seeks, "≤ 200");
      System.out.println();
      System.out.println("all open ms: " + fmt(opens));
      System.out.println("all seek ms: " + fmt(seeks));
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    } finally {
      server.stop().get(2, TimeUnit.MINUTES);
      deleteTree(work); // a 19 MB WAV, its Opus copy and a database
    }
    System.exit(code);
  }

  /**
   * The 10-minute call, recorded and processed by the real pipeline, with its attempt and submitted survey as rows
   * (what the dialer and the desk write), sampled and claimed by the QA user. Returns the sample's id.
   */
  private static long sample(Server server, Path work, Client admin, Client qa, String base, long agentId)
      throws Exception {
    long dealer = admin.json("POST", "/api/dealers", new JsonObject().put("code", "BJ07").put("name", "北京东方4S店"))
        .getJsonObject("dealer").getLong("id");
    JsonArray allDay = new JsonArray().add("00:00-24:00");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, allDay);
    }
    long campaign = admin.json("POST", "/api/campaigns", new JsonObject().put("name", "售后回访 bench").put("kind", "csi")
        .put("dealerIds", new JsonArray().add(dealer)).put("timeZone", "Asia/Shanghai").put("callingHours", hours)
        .put("dialMode", "progressive").put("active", false)).getJsonObject("campaign").getLong("id");
    Instant ended = Instant.now().minusSeconds(60);
    Instant bridged = ended.minusSeconds(600);
    var pool = server.database().pool();
    pool.preparedQuery("insert into call_attempt (id, pbx, campaign_id, dial_string, state, outcome, hangup_by,"
        + " agent_id, originated_at, answered_at, bridged_at, ended_at) values ($1, 'emulator', $2, 'PJSIP/bench',"
        + " 'ended', 'answered_human', 'agent', $3, $4, $4, $5, $6)")
        .execute(Tuple.of(ATTEMPT, campaign, agentId, bridged.minusSeconds(5).atOffset(java.time.ZoneOffset.UTC),
            bridged.atOffset(java.time.ZoneOffset.UTC), ended.atOffset(java.time.ZoneOffset.UTC)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    JsonObject answers = SurveyAnswers.full(io.huifang.survey.Questionnaire.builtIn("csi-default"), 0, 0, 8);
    pool.preparedQuery("insert into survey_response (attempt_id, campaign_id, agent_id, questionnaire_key,"
        + " questionnaire_version, status, answers, disposition, disposition_group, raw_score, scale_answered,"
        + " below_seven, not_surveyed, needs_review, void, started_at, call_ended_at, submitted_at, submitted_by)"
        + " values ($1, $2, $3, 'csi-default', 1, 'submitted', $4, 'success', 'success', 8, 18, 0, 0, false, false,"
        + " $5, $6, $6, $3)")
        .execute(Tuple.of(ATTEMPT, campaign, agentId, answers, bridged.atOffset(java.time.ZoneOffset.UTC),
            ended.atOffset(java.time.ZoneOffset.UTC)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    RecordingService rec = server.recordings();
    Path raw = work.resolve("raw");
    Files.createDirectories(raw);
    WavWriter.writeCall(raw.resolve(ATTEMPT + ".wav"), raw.resolve(ATTEMPT + "-customer.wav"),
        raw.resolve(ATTEMPT + "-agent.wav"), 600, 600);
    rec.register(ATTEMPT, campaign, agentId, null, bridged, bridged, ended, raw, 30)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    JsonObject row = rec.process(ATTEMPT).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    if (!"ready".equals(row.getString("status"))) {
      throw new IllegalStateException("recording not processed: " + row.encode());
    }
    String month = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM").withZone(java.time.ZoneId.of(
        "Asia/Shanghai")).format(bridged);
    Long id = null;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (id == null && System.nanoTime() < until) { // the sampler draws it as it becomes eligible, or not
      id = find(qa, month);
      if (id == null) {
        Thread.sleep(200);
      }
    }
    if (id == null) {
      Client sup = new Client(base);
      sup.login("bench.sup", "bench.sup-password-1");
      id = sup.json("POST", "/api/qa/samples", new JsonObject().put("attemptId", ATTEMPT).put("note", "benchmark"))
          .getLong("id");
    }
    qa.json("POST", "/api/qa/samples/" + id + "/claim", null);
    return id;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Long find(Client qa, String month) throws Exception {
    for (Object o : qa.json("GET", "/api/qa/samples?month=" + month, null).getJsonArray("samples", new JsonArray())) {
      JsonObject s = (JsonObject) o;
      if (ATTEMPT.equals(s.getString("attemptId"))) {
        return s.getLong("id");
      }
    }
    return null;
  }

  private static void row(String what, List<Double> values, String goal) {
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %s |%n", what, median(values),
        pct(values, 0.9), Collections.min(values), Collections.max(values), goal);
  }

  private static String fmt(List<Double> v) {
    return v.stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList().toString();
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static double pct(List<Double> v, double p) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1));
  }

  /** A signed-in HTTP client (the session cookie kept). */
  private static final class Client {
    final String base;
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    Client(String base) {
      this.base = base;
    }

    void login(String user, String password) throws Exception {
      JsonObject me = json("POST", "/api/session", new JsonObject().put("username", user).put("password", password));
      if (me.getJsonObject("user").getBoolean("mustChangePassword", false)) {
        json("PUT", "/api/me/password", new JsonObject().put("currentPassword", password).put("newPassword", password));
      }
    }

    long user(String username, String role) throws Exception {
      return json("POST", "/api/users", new JsonObject().put("username", username).put("displayName", username)
          .put("role", role).put("password", username + "-password-1")).getJsonObject("user").getLong("id");
    }

    JsonObject json(String method, String path, JsonObject body) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body.encode()))
          .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
    }

    long bytes(String path) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
          HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }
  }
}
