package io.huifang.app;

import io.huifang.auth.PasswordHasher;
import io.huifang.auth.SessionStore;
import io.huifang.auth.UserStore;
import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.campaign.list.ImportService;
import io.huifang.campaign.list.ImportStore;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.dealer.DealerStore;
import io.huifang.desk.ScreenPushBenchmark;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of the cluster benchmark (.ci/bench-cluster3, BENCHMARKS.md "Cluster: 3 nodes"): Huifang nodes, their
 * PostgreSQL and the emulator PBXes each run as processes of their own; this drives the agents and measures, from
 * outside, only through what a user or an operator has: HTTP, the push socket, the database, the logs.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.app.ClusterBenchmark scenario FILE AGENTS_PER_PBX CALLS_PER_PBX TALK
 * java -D... -cp target/huifang-bench.jar io.huifang.app.ClusterBenchmark run</pre>
 *
 * <p>{@code run}: a predictive campaign with its customers imported through the real import path; N agents (users
 * with one Argon2 hash, sessions from the session store), agent i's softphone on PBX {@code pbxes[i % n]}; each
 * agent's push socket on node {@code i % nodes} (so most screens cross the cluster's event bus), its desk requests
 * (line, ready, submit) to the node holding its PBX's lease (read from node_lease, as the desk's requests must go to
 * the node whose desk holds the call: docs/cluster.md). Each agent submits a survey (not_present) when its call ends,
 * so it takes the next. Latencies: bridge→screen on each frame's arrival (wall clock − bridgedAtMicros, one host),
 * answer→Bridge from the owners' log lines {@code customer bridged to agent … answerToBridgeMicros} inside the
 * measuring windows.
 *
 * <p>{@code -Dfault=stop|kill}: after the warm-up, the node holding {@code -Dfault.pbx}'s lease is sent SIGSTOP (for
 * {@code -Dstop.seconds}, then SIGCONT) or SIGKILL; the agents of that PBX follow the lease to its new holder (they
 * open their line there again, as an agent whose page says the line is gone would); after {@code -Dafter} seconds
 * every agent goes not-ready, the calls up are left to end, and the figures are read from the database (attempts,
 * tasks, surveys, recordings), the lease's history (polled every 100 ms) and the emulator's log of the Originates it
 * received (epoch by epoch).
 */
public final class ClusterBenchmark {
  private ClusterBenchmark() {
  }

  private static final String PASSWORD = "benchmark-agent-password";
  static volatile WebSocketClient wsClient;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("scenario")) {
      // scenario FILE AGENTS_PER_PBX CALLS_UP_PER_PBX TALK: the answer share that keeps about that many calls up
      double talk = Double.parseDouble(args[4]);
      double answer = ScreenPushBenchmark.answerShare(Integer.parseInt(args[2]), Integer.parseInt(args[3]), talk);
      Files.writeString(Path.of(args[1]), ScreenPushBenchmark.scenario(answer, talk).encodePrettily());
      System.out.printf(Locale.ROOT, "%.3f%n", answer);
      return;
    }
    if (args.length > 0 && args[0].equals("hours")) {
      // hours: the rolling-hour figures of a finished run, from its database (-Ddb, -Ddb.password, -Dcampaign,
      // -Dfault.at=epoch ms, -Dfault.pbx, -Dlogs): for a run whose client predates them
      Run r = new Run();
      r.connect();
      r.campaignId = Long.getLong("campaign");
      System.out.println(r.rollingHourReport(Long.getLong("fault.at"), null));
      System.exit(0);
    }
    new Run().run();
    System.exit(0);
  }

  /** name=value,name2=value2 */
  static Map<String, String> pairs(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    if (s == null || s.isBlank()) {
      return m;
    }
    for (String p : s.split(",")) {
      int eq = p.indexOf('=');
      m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return m;
  }

  static final class Run {
    final Map<String, Integer> nodeHttp = new LinkedHashMap<>();
    final List<String> pbxes = List.of(System.getProperty("pbxes", "pbx1,pbx2").split(","));
    final int agents = Integer.getInteger("agents", 100);
    final int target = Integer.getInteger("target", 300);
    final int customers = Integer.getInteger("customers", 20_000);
    final int window = Integer.getInteger("window", 30);
    final int runs = Integer.getInteger("runs", 3);
    final int warmup = Integer.getInteger("warmup", 180);
    final String fault = System.getProperty("fault", "none");
    final String faultPbx = System.getProperty("fault.pbx", "pbx1");
    final Map<String, String> pids = pairs(System.getProperty("pids"));
    final Map<String, String> logs = pairs(System.getProperty("logs"));
    final Map<String, String> emulatorLogs = pairs(System.getProperty("emulator.logs"));
    final Path out = Path.of(System.getProperty("out", "target/cluster-bench"));
    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Pool pool;
    long campaignId;
    final List<String> cookies = new ArrayList<>();
    /** A supervisor's session: GET /api/dialer, the pacer's own figures of the rolling hour. */
    String supervisorCookie;
    final List<Long> agentIds = new ArrayList<>();
    /** lease name → [holder, epoch], as last polled. */
    final Map<String, String[]> owners = new ConcurrentHashMap<>();
    /** every change of a PBX lease seen: wall ms, name, holder, epoch, granted_at. */
    final List<String[]> leaseHistory = new CopyOnWriteArrayList<>();
    final Sink screens = new Sink();
    final AtomicInteger closedSockets = new AtomicInteger();
    final AtomicInteger submits = new AtomicInteger();
    final AtomicInteger submitFailures = new AtomicInteger();
    final AtomicInteger lineReopens = new AtomicInteger();
    final AtomicInteger deskSubmits = new AtomicInteger();
    final AtomicLong frames = new AtomicLong();
    volatile boolean stopping;
    /** agent index → node name of the owner its line was last opened on. */
    final Map<Integer, String> lineNode = new ConcurrentHashMap<>();
    final Semaphore httpInFlight = new Semaphore(40);
    final java.util.Set<String> timed = ConcurrentHashMap.newKeySet();
    final java.util.Set<String> submitted = ConcurrentHashMap.newKeySet();

    Run() {
      for (Map.Entry<String, String> e : pairs(System.getProperty("nodes", "node1=18081")).entrySet()) {
        nodeHttp.put(e.getKey(), Integer.parseInt(e.getValue()));
      }
    }

    void connect() {
      PgConnectOptions o = PgConnectOptions.fromUri(System.getProperty("db"));
      o.setUser("huifang").setPassword(System.getProperty("db.password"));
      pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(o).using(vertx).build();
    }

    void run() throws Exception {
      Files.createDirectories(out);
      connect();
      Thread leaseWatch = new Thread(this::watchLeases, "lease-watch");
      leaseWatch.setDaemon(true);
      leaseWatch.start();
      campaignId = campaign();
      signIn();
      Thread.sleep(500);
      for (String p : pbxes) {
        say("PBX %s: lease held by %s", p, ownerNode(p));
      }
      connectSockets();
      openLines(allAgents(), true);
      Instant start = Instant.now();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
      int up = 0;
      while (System.nanoTime() < until) {
        Thread.sleep(2000);
        up = callsUp();
        say("warm-up: %d customer calls up, %d screens, %d submits (%d failed), %d sockets closed", up,
            frames.get(), submits.get(), submitFailures.get(), closedSockets.get());
        if (!fault.equals("none") && up >= target * 0.9) {
          break;
        }
        if (up >= target * 0.9) {
          Thread.sleep(20_000);
          break;
        }
      }
      if (fault.equals("none")) {
        measureWindows(start);
      } else {
        failover(start);
      }
    }

    // ------------------------------------------------------------ latency windows

    void measureWindows(Instant started) throws Exception {
      List<String> rows = new ArrayList<>();
      List<long[]> s99 = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        int[] peak = {0};
        long sum = 0;
        int n = 0;
        screens.drain();
        screens.recording = true;
        long t0 = System.currentTimeMillis();
        long end = t0 + window * 1000L;
        while (System.currentTimeMillis() < end) {
          Thread.sleep(Math.min(2000, Math.max(1, end - System.currentTimeMillis())));
          int up = callsUp();
          peak[0] = Math.max(peak[0], up);
          sum += up;
          n++;
        }
        screens.recording = false;
        long t1 = System.currentTimeMillis();
        long[] lat = screens.drain();
        long[] a2b = answerToBridge(t0, t1);
        long[] outcome = outcomes(t0, t1);
        String row = String.format(Locale.ROOT,
            "| %d | %d | %.0f | %d | %d | %.1f ms | %.1f ms | %.1f ms | %d | %.2f ms | %.2f ms | %.2f ms | %d | %d |",
            r + 1, peak[0], n == 0 ? 0 : (double) sum / n, lat.length, a2b.length, ms(pct(lat, 50)),
            ms(pct(lat, 99)), ms(max(lat)), outcome[0], ms(pct(a2b, 50)), ms(pct(a2b, 99)), ms(max(a2b)), outcome[1],
            closedSockets.get());
        rows.add(row);
        s99.add(new long[] {pct(lat, 50), pct(lat, 99), pct(a2b, 50), pct(a2b, 99)});
        say("window %d: %s", r + 1, row);
      }
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "%n%d agents on %d node(s) %s, PBXes %s, target %d calls up, %d s windows%n%n",
          agents, nodeHttp.size(), nodeHttp.keySet(), pbxes, target, window));
      sb.append("| window | calls up peak | calls up mean | screens | bridges logged | bridge→screen p50 | p99 | max"
          + " | bridged (db) | answer→Bridge p50 | p99 | max | abandoned (db) | sockets closed |\n");
      sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      rows.forEach(r -> sb.append(r).append('\n'));
      sb.append(String.format(Locale.ROOT, "| **median** | | | | | %.1f ms | **%.1f ms** | | | %.2f ms | **%.2f ms** | | | |%n",
          ms(median(s99, 0)), ms(median(s99, 1)), ms(median(s99, 2)), ms(median(s99, 3))));
      sb.append(String.format(Locale.ROOT, "%nsubmits %d (failed %d), WebSocket frames with bridgedAtMicros %d,"
          + " since %s%n", submits.get(), submitFailures.get(), frames.get(), started));
      System.out.println(sb);
      Files.writeString(out.resolve("latency.md"), sb.toString());
    }

    static double median(List<long[]> rows, int i) {
      long[] v = rows.stream().mapToLong(r -> r[i]).sorted().toArray();
      return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    /** answerToBridgeMicros of the log lines "customer bridged to agent" stamped in [t0, t1), every node's log. */
    long[] answerToBridge(long t0, long t1) throws IOException {
      Pattern micros = Pattern.compile("answerToBridgeMicros=\"?(\\d+)");
      List<Long> v = new ArrayList<>();
      for (String file : logs.values()) {
        if (!Files.exists(Path.of(file))) {
          continue;
        }
        try (var lines = Files.lines(Path.of(file), StandardCharsets.UTF_8)) {
          lines.filter(l -> l.contains("customer bridged to agent")).forEach(l -> {
            long at = stamp(l);
            if (at >= t0 && at < t1) {
              Matcher m = micros.matcher(l);
              if (m.find()) {
                v.add(Long.parseLong(m.group(1)));
              }
            }
          });
        }
      }
      return v.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    static long stamp(String line) {
      try {
        return Instant.parse(line.substring(0, 24)).toEpochMilli();
      } catch (RuntimeException e) {
        return -1;
      }
    }

    /** [bridged, abandoned] attempts of the campaign whose bridge / end fell in [t0, t1), from the database. */
    long[] outcomes(long t0, long t1) {
      Row r = await(pool.preparedQuery("select count(*) filter (where bridged_at >= $2 and bridged_at < $3) b,"
              + " count(*) filter (where outcome = 'abandoned' and ended_at >= $2 and ended_at < $3) a"
              + " from call_attempt where campaign_id = $1")
          .execute(Tuple.of(campaignId, odt(t0), odt(t1)))).iterator().next();
      return new long[] {r.getLong("b"), r.getLong("a")};
    }

    // ------------------------------------------------------------ failover

    void failover(Instant started) throws Exception {
      String victim = ownerNode(faultPbx);
      String[] before = owners.get("pbx:" + faultPbx);
      long pid = Long.parseLong(pids.get(victim));
      say("%s of %s (pid %d), holder of %s at epoch %s", fault, victim, pid, faultPbx, before[1]);
      Thread.sleep(Integer.getInteger("before", 20) * 1000L);
      int upAtFault = callsUp();
      long faultAt = System.currentTimeMillis();
      if (fault.equals("kill")) {
        signal("KILL", pid);
      } else {
        signal("STOP", pid);
      }
      Thread follow = new Thread(() -> followOwners(victim), "follow-owners");
      follow.setDaemon(true);
      follow.start();
      long contAt = -1;
      if (fault.equals("stop")) {
        Thread.sleep(Integer.getInteger("stop.seconds", 30) * 1000L);
        contAt = System.currentTimeMillis();
        signal("CONT", pid);
      }
      long endAt = faultAt + Integer.getInteger("after", 60) * 1000L;
      while (System.currentTimeMillis() < endAt) {
        Thread.sleep(2000);
        say("after the %s: %d customer calls up, %d screens, %d submits (%d failed), %d lines reopened", fault,
            callsUp(), frames.get(), submits.get(), submitFailures.get(), lineReopens.get());
      }
      long dialStop = System.currentTimeMillis();
      pacerHour = pacerHour(ownerNode(faultPbx));
      // The campaign is switched off (the dialers re-read campaigns every 10 s) while the agents stay ready, so the
      // calls still ringing are answered and taken as usual instead of abandoned for want of a ready agent.
      say("campaign switched off; waiting for the calls up to end");
      await(pool.preparedQuery("update campaign set active = false, updated_at = now() where id = $1")
          .execute(Tuple.of(campaignId)));
      long drain = System.currentTimeMillis() + Integer.getInteger("drain", 90) * 1000L;
      while (System.currentTimeMillis() < drain && callsUp() > 0) {
        Thread.sleep(2000);
      }
      Thread.sleep(10_000); // last submits and recordings
      stopping = true;
      System.out.println(failoverReport(victim, before, faultAt, contAt, dialStop, upAtFault, started));
    }

    /** {node, asked at (ms), liveAnsweredHour, abandonedHour} of the fault PBX's owner, just before the switch-off. */
    String[] pacerHour;

    /** The campaign's rolling hour as the pacer of {@code node} holds it (GET /api/dialer), and when it was asked. */
    String[] pacerHour(String node) {
      if (node == null) {
        return null;
      }
      try {
        long at = System.currentTimeMillis();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodeHttp.get(node)
            + "/api/dialer")).header("Cookie", supervisorCookie).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          say("GET /api/dialer on %s: %d %s", node, r.statusCode(), r.body());
          return null;
        }
        for (Object o : new JsonObject(r.body()).getJsonArray("campaigns", new JsonArray())) {
          JsonObject c = (JsonObject) o;
          if (c.getLong("campaignId", -1L) == campaignId) {
            List<String> held = new ArrayList<>();
            for (String p : pbxes) {
              if (node.equals(ownerNode(p))) {
                held.add(p);
              }
            }
            return new String[] {node, Long.toString(at), Long.toString(c.getLong("liveAnsweredHour", -1L)),
                Long.toString(c.getLong("abandonedHour", -1L)), String.join(",", held)};
          }
        }
      } catch (Exception e) {
        say("GET /api/dialer on %s failed: %s", node, e);
      }
      return null;
    }

    void signal(String sig, long pid) throws Exception {
      Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
      p.waitFor();
    }

    /** Agents of a PBX whose lease moves open their line on its new holder (what the page's agent would do). */
    void followOwners(String victim) {
      long nextLook = 0;
      while (!stopping) {
        if (System.currentTimeMillis() >= nextLook) {
          nextLook = System.currentTimeMillis() + 3000;
          for (int i = 0; i < agents; i++) {
            if (pbxOf(i).equals(faultPbx)) {
              lookAtDesk(i);
            }
          }
        }
        for (int i = 0; i < agents; i++) {
          String owner = ownerNode(pbxOf(i));
          String was = lineNode.get(i);
          if (owner != null && !owner.equals(was) && !stopping) {
            lineNode.put(i, owner);
            lineReopens.incrementAndGet();
            // Refused (the new owner not serving the PBX yet, its lease lost again under load): the agent whose page
            // says the line is gone tries again 2 s later, as long as that node still holds the PBX.
            CountDown d = new CountDown(1);
            int agent = i;
            d.onFail = () -> vertx.setTimer(2000, t -> lineNode.remove(agent, owner));
            openLine(i, owner, d);
          }
        }
        sleep(200);
      }
    }

    /**
     * The agent of a PBX that changed hands looks at their page (GET /api/agent/desk, as the page does when it
     * reconnects): a call ended and not yet written up is submitted, as the agent who heard the customer hang up
     * would, whether or not a push said so.
     */
    void lookAtDesk(int agent) {
      String node = ownerNode(pbxOf(agent));
      if (node == null) {
        return;
      }
      http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodeHttp.get(node) + "/api/agent/desk"))
          .header("Cookie", cookies.get(agent)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
            if (r.statusCode() != 200) {
              return;
            }
            JsonObject call = new JsonObject(r.body()).getJsonObject("call");
            if (call != null && call.getString("attemptId") != null && !call.getBoolean("submitted", false)
                && !call.getBoolean("callUp", true) && submitted.add(call.getString("attemptId"))) {
              deskSubmits.incrementAndGet();
              submit(agent, call.getString("attemptId"));
            }
          });
    }

    String failoverReport(String victim, String[] before, long faultAt, long contAt, long dialStop, int upAtFault,
                          Instant started) throws Exception {
      String lease = "pbx:" + faultPbx;
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "%n## %s of %s (held %s at epoch %s) at %s; %d agents, PBXes %s, %d calls up"
          + " at the fault%n%n", fault, victim, lease, before[1], Instant.ofEpochMilli(faultAt), agents, pbxes,
          upAtFault));
      sb.append("lease history (seen by polling every 100 ms):\n");
      String newHolder = null;
      long takenSeenAt = -1;
      String newEpoch = null;
      for (String[] h : leaseHistory) {
        if (h[1].equals(lease)) {
          sb.append(String.format(Locale.ROOT, "- %s %s → %s epoch %s (granted_at %s)%n",
              Instant.ofEpochMilli(Long.parseLong(h[0])), h[1], h[2], h[3], h[4]));
          if (Long.parseLong(h[0]) > faultAt && !h[2].equals(before[0]) && newHolder == null) {
            newHolder = h[2];
            newEpoch = h[3];
            takenSeenAt = Long.parseLong(h[0]);
          }
        }
      }
      // Dialling resumed: the first attempt on the PBX stored after the fault whose Originate reached the PBX.
      Row first = await(pool.preparedQuery("select min(originated_at) f, count(*) n from call_attempt"
          + " where pbx = $1 and campaign_id = $2 and originated_at > $3")
          .execute(Tuple.of(faultPbx, campaignId, odt(faultAt)))).iterator().next();
      OffsetDateTime resumed = first.getOffsetDateTime("f");
      // Last attempt before the fault (the pace the PBX had).
      Row last = await(pool.preparedQuery("select max(originated_at) l from call_attempt where pbx = $1"
          + " and campaign_id = $2 and originated_at <= $3").execute(Tuple.of(faultPbx, campaignId, odt(faultAt))))
          .iterator().next();
      sb.append(String.format(Locale.ROOT, "%n| figure | value |%n|---|---|%n"));
      sb.append(String.format(Locale.ROOT, "| last originate on %s before the fault | %s |%n", faultPbx,
          last.getOffsetDateTime("l") == null ? "none" : (faultAt - last.getOffsetDateTime("l").toInstant()
              .toEpochMilli()) + " ms before"));
      sb.append(String.format(Locale.ROOT, "| lease taken by another node (seen) | %s |%n", newHolder == null ? "never"
          : String.format(Locale.ROOT, "%.1f s after the fault, epoch %s → %s (%s)", (takenSeenAt - faultAt) / 1000.0,
              before[1], newEpoch, nodeName(newHolder))));
      sb.append(String.format(Locale.ROOT, "| dialling on %s resumed (first attempt stored after the fault) | %s |%n",
          faultPbx, resumed == null ? "never" : String.format(Locale.ROOT, "%.1f s after the fault (%d attempts since)",
              (resumed.toInstant().toEpochMilli() - faultAt) / 1000.0, first.getLong("n"))));
      // Calls in progress at the fault: bridged before it, not ended before it.
      var inProgress = await(pool.preparedQuery("select a.id, a.outcome, a.ended_at, a.state, a.agent_id,"
          + " s.status survey, r.status recording from call_attempt a"
          + " left join survey_response s on s.attempt_id = a.id left join recording r on r.attempt_id = a.id"
          + " where a.pbx = $1 and a.campaign_id = $2 and a.bridged_at <= $3 and (a.ended_at is null or a.ended_at > $3)")
          .execute(Tuple.of(faultPbx, campaignId, odt(faultAt))));
      int n = 0;
      int ended = 0;
      int surveyed = 0;
      int recorded = 0;
      int humanEnd = 0;
      for (Row r : inProgress) {
        n++;
        ended += r.getOffsetDateTime("ended_at") != null ? 1 : 0;
        surveyed += "submitted".equals(r.getString("survey")) ? 1 : 0;
        recorded += "ready".equals(r.getString("recording")) ? 1 : 0;
        humanEnd += "answered_human".equals(r.getString("outcome")) ? 1 : 0;
      }
      sb.append(String.format(Locale.ROOT, "| calls bridged on %s and up at the fault | %d |%n", faultPbx, n));
      sb.append(String.format(Locale.ROOT, "| … of which ended (row closed) / answered_human / survey submitted /"
          + " recording ready | %d / %d / %d / %d |%n", ended, humanEnd, surveyed, recorded));
      sb.append(String.format(Locale.ROOT, "| … lost (no submitted survey or no ready recording%s) | %d |%n",
          recordingPolicy().equals("all") ? "" : "; recording off in this run: survey only",
          n - (recordingPolicy().equals("all") ? Math.min(surveyed, recorded) : surveyed)));
      // Tasks dialled twice: two attempts of one task up at the same time, or a task called again after a success.
      Row twice = await(pool.preparedQuery("select"
          + " (select count(distinct a.task_id) from call_attempt a join call_attempt b on a.task_id = b.task_id"
          + "   and a.id < b.id and b.originated_at < coalesce(a.ended_at, now())"
          + "   and a.originated_at < coalesce(b.ended_at, now()) where a.campaign_id = $1) overlapping,"
          + " (select count(distinct a.task_id) from call_attempt a join call_attempt b on a.task_id = b.task_id"
          + "   and b.originated_at > a.originated_at where a.campaign_id = $1 and a.outcome = 'answered_human')"
          + "   after_success,"
          + " (select count(*) from call_attempt where campaign_id = $1) attempts,"
          + " (select count(*) from call_attempt where campaign_id = $1 and ended_at is null) open_rows,"
          + " (select count(*) from call_attempt where campaign_id = $1 and detail like 'fenced%') fenced_rows")
          .execute(Tuple.of(campaignId))).iterator().next();
      sb.append(String.format(Locale.ROOT, "| tasks with two attempts up at once / called again after a success |"
          + " %d / %d |%n", twice.getLong("overlapping"), twice.getLong("after_success")));
      sb.append(String.format(Locale.ROOT, "| attempts in the run / rows still open at the end / ended `fenced` |"
          + " %d / %d / %d |%n", twice.getLong("attempts"), twice.getLong("open_rows"), twice.getLong("fenced_rows")));
      double[] hour = worstHour();
      sb.append(String.format(Locale.ROOT, "| abandonment, worst rolling hour (abandoned / (answered_human +"
          + " abandoned)) | %.2f %% (%d / %d; limit 3 %%) |%n", hour[0] * 100, (long) hour[1], (long) hour[2]));
      sb.append(rollingHourReport(faultAt, newHolder));
      sb.append(leaseChurn(faultAt));
      if (fault.equals("stop")) {
        sb.append(staleOriginates(victim, before, faultAt, contAt));
      } else {
        sb.append(emulatorOriginates(faultAt));
      }
      sb.append(String.format(Locale.ROOT, "| agents' submits ok / failed (of them found on the page, not pushed);"
          + " lines reopened on the new holder | %d / %d (%d); %d |%n", submits.get(), submitFailures.get(),
          deskSubmits.get(), lineReopens.get()));
      sb.append(String.format(Locale.ROOT, "| push sockets closed (then reconnected to another node) | %d |%n",
          closedSockets.get()));
      Files.writeString(out.resolve("failover-" + fault + ".md"), sb.toString());
      return sb.toString();
    }

    /**
     * SIGSTOP: Originates the PBX received after the fault under the frozen holder's epoch (the emulator's log), and
     * the frozen node's own count of originates the database refused after it resumed (its log).
     */
    String staleOriginates(String victim, String[] before, long faultAt, long contAt) throws IOException {
      long staleAfterCont = 0;
      long staleAccepted = 0;
      long newer = 0;
      Map<String, Long> perEpoch = new LinkedHashMap<>();
      for (String line : emulatorLines(faultPbx)) {
        long at = stamp(line);
        String epoch = kv(line, "epoch");
        perEpoch.merge(epochLabel(epoch), 1L, Long::sum);
        if (at > faultAt && epoch.equals(before[1])) {
          if (at >= contAt) {
            staleAfterCont++;
          }
          if (line.contains("accepted=\"true\"") || line.contains("accepted=true")) {
            staleAccepted++;
          }
        } else if (at > faultAt && !epoch.isEmpty()) {
          newer++;
        }
      }
      long refused = countLog(logs.get(victim), contAt, "not dialled");
      long stalelyAnswered = countLog(logs.get(victim), contAt, "answered call of a stale lease epoch");
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "| Originates at the PBX after the SIGSTOP under the frozen holder's epoch %s"
          + " (accepted by the PBX) / of them after SIGCONT | %d / %d |%n", before[1], staleAccepted, staleAfterCont));
      sb.append(String.format(Locale.ROOT, "| Originates at the PBX after the SIGSTOP under newer epochs | %d |%n",
          newer));
      sb.append(String.format(Locale.ROOT, "| frozen node after SIGCONT: log lines 'not dialled…' / 'answered call of a"
          + " stale lease epoch' | %d / %d |%n", refused, stalelyAnswered));
      sb.append(String.format(Locale.ROOT, "| Originates per epoch at %s (whole run) | %s |%n", faultPbx, perEpoch));
      return sb.toString();
    }

    String emulatorOriginates(long faultAt) throws IOException {
      Map<String, Long> perEpoch = new LinkedHashMap<>();
      Map<String, Long> afterFault = new LinkedHashMap<>();
      for (String line : emulatorLines(faultPbx)) {
        String epoch = epochLabel(kv(line, "epoch"));
        perEpoch.merge(epoch, 1L, Long::sum);
        if (stamp(line) > faultAt) {
          afterFault.merge(epoch, 1L, Long::sum);
        }
      }
      return String.format(Locale.ROOT, "| Originates per epoch at %s: whole run / after the fault | %s / %s |%n",
          faultPbx, perEpoch, afterFault);
    }

    List<String> emulatorLines(String pbx) throws IOException {
      String f = emulatorLogs.get(pbx);
      if (f == null || !Files.exists(Path.of(f))) {
        return List.of();
      }
      try (var lines = Files.lines(Path.of(f), StandardCharsets.UTF_8)) {
        return lines.filter(l -> l.contains("originate received")).toList();
      }
    }

    /** Agents' lines are originated without an epoch (they are not fenced); customers' calls with their grant's. */
    static String epochLabel(String epoch) {
      return epoch.isEmpty() ? "agents' lines" : "epoch " + epoch;
    }

    static String kv(String line, String key) {
      Matcher m = Pattern.compile("\\b" + key + "=\"?([^\" ]*)").matcher(line);
      return m.find() ? m.group(1) : "";
    }

    static long countLog(String file, long from, String what) throws IOException {
      if (file == null || !Files.exists(Path.of(file))) {
        return 0;
      }
      try (var lines = Files.lines(Path.of(file), StandardCharsets.UTF_8)) {
        return lines.filter(l -> l.contains(what) && stamp(l) >= from).count();
      }
    }

    /**
     * The campaign's rolling hour as the pacer counts it ({@code AttemptStore.abandonHistory}, the live dialer): a
     * live answer at {@code answered_at} of every attempt ended {@code answered_human} or {@code abandoned}, an abandon
     * at {@code ended_at} of every {@code abandoned} one; evaluated at every hour-end 10 s apart from the first answer
     * to the last event. Reported: the worst hour-end from the fault on, the worst over the whole run among the
     * hour-ends whose hour holds at least 100 live answers, the run's whole rate; the gap answers (the FastAGI of a
     * call nobody followed: its dialling node dead, the PBX not yet taken over); and the new owner's pacer's own hour
     * (GET /api/dialer just before the switch-off) against the database's hour as that node can know it (everything up
     * to its read-back at the take-over, then the fault PBX's own events).
     */
    String rollingHourReport(long faultAt, String newHolder) throws Exception {
      List<Long> answers = new ArrayList<>();
      List<Long> abandons = new ArrayList<>();
      // the PBXes the fault PBX's owner held when its pacer was asked: their events after its last read-back
      java.util.Set<String> held = pacerHour == null ? java.util.Set.of(faultPbx)
          : java.util.Set.of(pacerHour[4].split(","));
      List<Long> answersPbx = new ArrayList<>();
      List<Long> abandonsPbx = new ArrayList<>();
      for (Row r : await(pool.preparedQuery("select pbx, answered_at, ended_at, outcome from call_attempt"
          + " where campaign_id = $1 and outcome in ('answered_human', 'abandoned') and answered_at is not null")
          .execute(Tuple.of(campaignId)))) {
        long ans = r.getOffsetDateTime("answered_at").toInstant().toEpochMilli();
        boolean onFault = held.contains(r.getString("pbx"));
        answers.add(ans);
        if (onFault) {
          answersPbx.add(ans);
        }
        if ("abandoned".equals(r.getString("outcome"))) {
          long end = r.getOffsetDateTime("ended_at").toInstant().toEpochMilli();
          abandons.add(end);
          if (onFault) {
            abandonsPbx.add(end);
          }
        }
      }
      StringBuilder sb = new StringBuilder();
      if (answers.isEmpty()) {
        return sb.append("| rolling hours | no live answers |\n").toString();
      }
      long first = answers.stream().mapToLong(Long::longValue).min().getAsLong();
      long last = Math.max(answers.stream().mapToLong(Long::longValue).max().getAsLong(),
          abandons.stream().mapToLong(Long::longValue).max().orElse(0));
      long[] worstAfter = {-1, 0, 0};
      long[] worstWarm = {-1, 0, 0};
      for (long end = first + 10_000; end <= last + 10_000; end += 10_000) {
        long n = within(answers, end - HOUR, end);
        long a = within(abandons, end - HOUR, end);
        if (end >= faultAt && worse(a, n, worstAfter)) {
          worstAfter[0] = end;
          worstAfter[1] = a;
          worstAfter[2] = n;
        }
        if (n >= 100 && worse(a, n, worstWarm)) {
          worstWarm[0] = end;
          worstWarm[1] = a;
          worstWarm[2] = n;
        }
      }
      sb.append(String.format(Locale.ROOT, "| rolling hour as the pacer counts it, every hour-end 10 s apart:"
          + " **worst from the fault on** | %s |%n", hourCell(worstAfter, faultAt)));
      sb.append(String.format(Locale.ROOT, "| … worst over the run, hours holding ≥ 100 live answers | %s |%n",
          hourCell(worstWarm, faultAt)));
      sb.append(String.format(Locale.ROOT, "| … the whole run (%.1f min of answers) | %.2f %% (%d / %d) |%n",
          (last - first) / 60_000.0, 100.0 * abandons.size() / answers.size(), abandons.size(), answers.size()));
      // Gap answers: a customer of the dead owner answered, and the FastAGI went to a node that did not follow it.
      long unknown = 0;
      for (String f : logs.values()) {
        unknown += countLog(f, faultAt, "answered call for an unknown attempt");
      }
      Row gap = await(pool.preparedQuery("select count(*) filter (where outcome = 'abandoned') ab,"
          + " count(*) filter (where outcome = 'answered_human') hu,"
          + " count(*) filter (where answered_at is null and detail like 'ended while%') closed_unanswered"
          + " from call_attempt where campaign_id = $1 and pbx = $2 and originated_at <= $3"
          + " and (answered_at > $3 or (answered_at is null and ended_at > $3))")
          .execute(Tuple.of(campaignId, faultPbx, odt(faultAt)))).iterator().next();
      sb.append(String.format(Locale.ROOT, "| gap answers: FastAGI \"answered call for an unknown attempt\" after the"
          + " fault (every node) / the dead owner's calls answered after it: abandoned, with an agent / its calls"
          + " ended unseen before the take-over, no answer on the row | %d / %d, %d / %d |%n", unknown, gap.getLong("ab"), gap.getLong("hu"),
          gap.getLong("closed_unanswered")));
      if (newHolder != null && pacerHour != null) {
        String holderNode = nodeName(newHolder);
        long askedAt = Long.parseLong(pacerHour[1]);
        long readAt = readBackAt(holderNode, faultAt, askedAt);
        if (readAt > 0) {
          long n = within(answers, askedAt - HOUR, readAt) + within(answersPbx, Math.max(readAt, askedAt - HOUR),
              askedAt);
          long a = within(abandons, askedAt - HOUR, readAt) + within(abandonsPbx, Math.max(readAt, askedAt - HOUR),
              askedAt);
          sb.append(String.format(Locale.ROOT, "| the new owner's pacer, its rolling hour at the end of dialling"
              + " (GET /api/dialer on %s): live answers / abandons; the database's, as that node can know it (all"
              + " PBXes up to its last read-back, at %s, then those it holds: %s) | %s / %s; %d / %d |%n",
              pacerHour[0], Instant.ofEpochMilli(readAt), pacerHour[4], pacerHour[2], pacerHour[3], n, a));
        }
      }
      return sb.toString();
    }

    static final long HOUR = 3_600_000L;

    /**
     * Grants other than the kill's own take-over: a lease moved to another node while its holder was alive (a false
     * take-over), or the holder's grant lapsed and it took the lease back (a new epoch, the same holder). Both mean a
     * take-over (calls re-read, ringing calls of the older grant hung up, the campaign's runs restarted).
     */
    String leaseChurn(long faultAt) {
      Map<String, String> holder = new LinkedHashMap<>();
      List<String> moved = new ArrayList<>();
      int retaken = 0;
      boolean killTakeOver = false;
      for (String[] h : leaseHistory) {
        String was = holder.put(h[1], h[2]);
        if (was == null) {
          continue;
        }
        long at = Long.parseLong(h[0]);
        if (was.equals(h[2])) {
          retaken++;
        } else if (fault.equals("kill") && !killTakeOver && h[1].equals("pbx:" + faultPbx) && at > faultAt) {
          killTakeOver = true;
        } else {
          moved.add(String.format(Locale.ROOT, "%s %s→%s at %+.0f s", h[1], nodeName(was), nodeName(h[2]),
              (at - faultAt) / 1000.0));
        }
      }
      return String.format(Locale.ROOT, "| leases under load: moved while the holder lived / taken back by the same"
          + " holder (new epoch) | %d %s / %d |%n", moved.size(), moved, retaken);
    }

    /** Events at times in (from, to]. */
    static long within(List<Long> times, long from, long to) {
      long n = 0;
      for (long t : times) {
        if (t > from && t <= to) {
          n++;
        }
      }
      return n;
    }

    static boolean worse(long a, long n, long[] worst) {
      if (n == 0) {
        return false;
      }
      return worst[0] < 0 || a * worst[2] > worst[1] * n;
    }

    static String hourCell(long[] w, long faultAt) {
      if (w[0] < 0) {
        return "none";
      }
      return String.format(Locale.ROOT, "%.2f %% (%d / %d; hour ending %+.0f s from the fault)",
          100.0 * w[1] / w[2], w[1], w[2], (w[0] - faultAt) / 1000.0);
    }

    /**
     * When the node last read the campaign's history back between the fault and {@code before} (its log line
     * "dialling campaign"; every take-over, its own lease taken again included, reads it again).
     */
    long readBackAt(String node, long faultAt, long before) throws IOException {
      String f = logs.get(node);
      if (f == null || !Files.exists(Path.of(f))) {
        return -1;
      }
      try (var lines = Files.lines(Path.of(f), StandardCharsets.UTF_8)) {
        return lines.filter(l -> l.contains("dialling campaign") && l.contains("campaign=\"" + campaignId + "\"")
            && stamp(l) > faultAt && stamp(l) <= before).mapToLong(ClusterBenchmark.Run::stamp).max().orElse(-1);
      }
    }

    /** The worst rolling hour of the campaign: [rate, abandoned, abandoned + answered_human]. */
    double[] worstHour() {
      List<long[]> ends = new ArrayList<>();
      for (Row r : await(pool.preparedQuery("select ended_at, outcome from call_attempt where campaign_id = $1"
          + " and outcome in ('abandoned', 'answered_human') order by ended_at").execute(Tuple.of(campaignId)))) {
        ends.add(new long[] {r.getOffsetDateTime("ended_at").toInstant().toEpochMilli(),
            "abandoned".equals(r.getString("outcome")) ? 1 : 0});
      }
      double worst = 0;
      long wa = 0;
      long wn = 0;
      int from = 0;
      long ab = 0;
      for (int i = 0; i < ends.size(); i++) {
        ab += ends.get(i)[1];
        while (ends.get(from)[0] <= ends.get(i)[0] - 3_600_000L) {
          ab -= ends.get(from)[1];
          from++;
        }
        long n = i - from + 1;
        double rate = (double) ab / n;
        if (n >= 20 && rate >= worst) {
          worst = rate;
          wa = ab;
          wn = n;
        }
      }
      return new double[] {worst, wa, wn};
    }

    // ------------------------------------------------------------ agents

    String pbxOf(int i) {
      return pbxes.get(i % pbxes.size());
    }

    List<Integer> allAgents() {
      List<Integer> l = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        l.add(i);
      }
      return l;
    }

    String recordingPolicy() {
      return System.getProperty("recording", "none");
    }

    long campaign() throws Exception {
      DealerStore dealers = new DealerStore(pool);
      CampaignStore campaigns = new CampaignStore(pool);
      ImportStore importStore = new ImportStore(pool);
      ImportService imports = new ImportService(vertx, importStore, dealers);
      JsonArray allDay = new JsonArray().add("00:00-24:00");
      JsonObject hours = new JsonObject();
      for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
        hours.put(d, allDay);
      }
      String tag = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
      long dealerId = await(dealers.create("CB" + tag, "集群基准 " + tag)).getLong("id");
      Campaign c = Campaign.fromJson(new JsonObject().put("name", "集群基准 " + tag).put("kind", "csi")
          .put("dealerIds", new JsonArray().add(dealerId)).put("timeZone", "Asia/Shanghai")
          .put("callingHours", hours)
          .put("dayParts", new JsonArray().add("00:00-09:00").add("09:00-12:00").add("12:00-18:00").add("18:00-24:00"))
          .put("dialMode", "predictive").put("abandonTarget", 3.0).put("recordingPolicy", recordingPolicy()), null);
      Campaign campaign = await(campaigns.create(c));
      Path file = out.resolve("customers.csv");
      StringBuilder sb = new StringBuilder("客户姓名,联系电话,车型,车牌号,出厂日期,工单号\n");
      LocalDate visit = LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(1);
      // distinct numbers per run (the tag), all matching the benchmark population (^1[3-9]\d{9}$)
      int prefix = 130 + (int) (System.currentTimeMillis() / 1000 % 70);
      for (int i = 0; i < customers; i++) {
        sb.append("客户").append(i).append(',').append(prefix).append(String.format("%08d", i)).append(",轩逸,京B")
            .append(String.format("%05d", i % 100_000)).append(',').append(visit).append(",CB-").append(tag)
            .append('-').append(i).append('\n');
      }
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      long batch = await(imports.start(campaign, dealerId, file, "customers.csv", null, false, null));
      while (imports.progress(batch) != null) {
        Thread.sleep(200);
      }
      JsonObject b = await(importStore.get(batch)).orElseThrow();
      say("campaign %d: imported %d customers in %.1f s: %s", campaign.id(), customers, (System.nanoTime() - t0) / 1e9,
          b.getString("status"));
      return campaign.id();
    }

    /** Agent users (one Argon2 hash for all), each with its softphone on its PBX; sessions from the store. */
    void signIn() throws Exception {
      UserStore users = new UserStore(pool);
      SessionStore sessions = new SessionStore(pool, Duration.ofHours(12));
      String hash = await(new PasswordHasher(vertx).hash(PASSWORD));
      String tag = Long.toString(campaignId);
      for (int i = 0; i < agents; i++) {
        User u = await(users.create("cb" + tag + ".agent" + i, "集群坐席 " + i, Role.AGENT, hash, false));
        await(users.setSoftphone(u.id(), pbxOf(i) + ":PJSIP/agent-" + u.id()));
        agentIds.add(u.id());
        cookies.add(io.huifang.web.Api.SESSION_COOKIE + "=" + await(sessions.create(u.id(), "127.0.0.1",
            "ClusterBenchmark")));
      }
      User sup = await(users.create("cb" + tag + ".supervisor", "集群班长", Role.SUPERVISOR, hash, false));
      supervisorCookie = io.huifang.web.Api.SESSION_COOKIE + "=" + await(sessions.create(sup.id(), "127.0.0.1",
          "ClusterBenchmark"));
      say("%d agents created with their sessions", agents);
    }

    /** Agent i's push socket on node i % nodes; on a close, again on the next node a second later. */
    void connectSockets() throws Exception {
      wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(agents * 2 + 10)
          .setTryUsePerMessageCompression(true).setMaxFrameSize(256 * 1024).setMaxMessageSize(1024 * 1024));
      List<String> names = new ArrayList<>(nodeHttp.keySet());
      List<Future<WebSocket>> batch = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        batch.add(connect(i, i % names.size()));
        if (batch.size() == 50 || i == agents - 1) {
          for (Future<WebSocket> f : batch) {
            await(f);
          }
          batch.clear();
        }
      }
      say("%d push sockets open", agents);
    }

    Future<WebSocket> connect(int agent, int nodeIndex) {
      List<String> names = new ArrayList<>(nodeHttp.keySet());
      int port = nodeHttp.get(names.get(nodeIndex % names.size()));
      return wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
          .addHeader("Cookie", cookies.get(agent))).onSuccess(ws -> {
            ws.closeHandler(v -> {
              closedSockets.incrementAndGet();
              if (!stopping) {
                vertx.setTimer(1000, t -> reconnect(agent, nodeIndex + 1, 0));
              }
            });
            ws.textMessageHandler(text -> frame(agent, text));
          });
    }

    void reconnect(int agent, int nodeIndex, int tries) {
      connect(agent, nodeIndex).onFailure(e -> {
        if (tries < 10) {
          vertx.setTimer(1000, t -> reconnect(agent, nodeIndex + 1, tries + 1));
        }
      });
    }

    void frame(int agent, String text) {
      long now = io.huifang.desk.ScreenPushBenchmark.nowMicros();
      int at = text.indexOf("\"bridgedAtMicros\":");
      boolean ended = text.contains("\"type\":\"call.ended\"");
      boolean screen = text.contains("\"type\":\"call.screen\"");
      if (at < 0 && !ended && !screen) {
        return;
      }
      JsonObject f = new JsonObject(text);
      String attempt = f.getString("attemptId");
      // A screen is timed once per call: the desk sends it again to a page that reconnects (after its node died).
      if (at >= 0 && attempt != null && timed.add(attempt)) {
        frames.incrementAndGet();
        screens.add(now - io.huifang.desk.ScreenPushBenchmark.parseLong(text, at + 18));
      }
      // The call ended: submitted at once. A page that reconnects finds an ended call still to write up in the screen
      // sent again (callUp false, not submitted), as the agent would on their page.
      if (attempt != null && !f.getBoolean("submitted", false)
          && (ended || (screen && f.getValue("endedAt") != null && !f.getBoolean("callUp", true)))
          && submitted.add(attempt)) {
        submit(agent, attempt);
      }
    }

    void submit(int agent, String attemptId) {
      submit(agent, attemptId, 0);
    }

    /**
     * POST …/submit to the node holding the agent's PBX now; refused or unanswered (its node died under it), tried
     * again every 2 s, 10 times at most, as the page's agent would press submit again.
     */
    void submit(int agent, String attemptId, int tries) {
      String node = ownerNode(pbxOf(agent));
      if (node == null) {
        retrySubmit(agent, attemptId, tries);
        return;
      }
      send(node, agent, "POST", "/api/agent/calls/" + attemptId + "/submit",
          new JsonObject().put("disposition", "not_present").encode(), code -> {
            if (code == 200) {
              submits.incrementAndGet();
              return;
            }
            if (code != -1 && submitFailures.get() < 5) {
              say("submit of %s by agent %d on %s: %d", attemptId, agent, node, code);
            }
            retrySubmit(agent, attemptId, tries);
          });
    }

    void retrySubmit(int agent, String attemptId, int tries) {
      if (tries >= 10) {
        submitFailures.incrementAndGet();
        return;
      }
      vertx.setTimer(2000, t -> submit(agent, attemptId, tries + 1));
    }

    void openLines(List<Integer> which, boolean wait) throws Exception {
      long t0 = System.nanoTime();
      CountDown done = new CountDown(which.size());
      for (int i : which) {
        String node = ownerNode(pbxOf(i));
        lineNode.put(i, node);
        openLine(i, node, done);
      }
      if (wait) {
        done.await(600);
        say("%d lines open and ready in %.1f s (%d failed)", which.size(), (System.nanoTime() - t0) / 1e9, done.failed());
      }
    }

    void openLine(int i, String node) {
      openLine(i, node, new CountDown(1));
    }

    void openLine(int i, String node, CountDown done) {
      send(node, i, "POST", "/api/agent/line", null, code -> {
        if (code != 200) {
          done.fail();
          if (done.failed() <= 5) {
            say("line of agent %d on %s: %d", i, node, code);
          }
          return;
        }
        send(node, i, "PUT", "/api/agent/ready", new JsonObject().put("ready", true).put("campaignId", campaignId)
            .encode(), c2 -> {
              if (c2 != 200) {
                done.fail();
              } else {
                done.ok();
              }
            });
      });
    }

    void send(String node, int agent, String method, String path, String body, java.util.function.IntConsumer then) {
      Integer port = nodeHttp.get(node);
      // Bounded from the set-up threads; never waited for on the client's event loop (the frames' timing).
      boolean bounded = !io.vertx.core.Context.isOnEventLoopThread();
      if (bounded) {
        try {
          httpInFlight.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Cookie", cookies.get(agent)).timeout(Duration.ofSeconds(30));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
        if (bounded) {
          httpInFlight.release();
        }
        then.accept(e != null ? -1 : r.statusCode());
      });
    }

    // ------------------------------------------------------------ the database

    int callsUp() {
      return await(pool.preparedQuery("select count(*) from call_attempt where campaign_id = $1 and ended_at is null")
          .execute(Tuple.of(campaignId))).iterator().next().getLong(0).intValue();
    }

    void watchLeases() {
      while (true) {
        try {
          for (Row r : await(pool.query("select name, holder, epoch, granted_at from node_lease where name like 'pbx:%'"
              + " and expires_at > now()").execute())) {
            String name = r.getString("name");
            String[] now = {r.getString("holder"), Long.toString(r.getLong("epoch"))};
            String[] was = owners.put(name, now);
            if (was == null || !was[1].equals(now[1])) {
              leaseHistory.add(new String[] {Long.toString(System.currentTimeMillis()), name, now[0], now[1],
                  String.valueOf(r.getOffsetDateTime("granted_at"))});
            }
          }
        } catch (RuntimeException e) {
          say("lease poll: %s", e.getMessage());
        }
        sleep(100);
      }
    }

    String ownerNode(String pbx) {
      String[] h = owners.get("pbx:" + pbx);
      return h == null ? null : nodeName(h[0]);
    }

    /** The node whose data directory the holder names (host:/…/<node>/data). */
    String nodeName(String holder) {
      for (String n : nodeHttp.keySet()) {
        if (holder.contains("/" + n + "/")) {
          return n;
        }
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- helpers

  static final class CountDown {
    private final java.util.concurrent.CountDownLatch latch;
    private final AtomicInteger failed = new AtomicInteger();

    CountDown(int n) {
      latch = new java.util.concurrent.CountDownLatch(n);
    }

    void ok() {
      latch.countDown();
    }

    /** Run at each failure (an agent following their PBX's owner tries again). */
    volatile Runnable onFail = () -> { };

    void fail() {
      failed.incrementAndGet();
      latch.countDown();
      onFail.run();
    }

    int failed() {
      return failed.get();
    }

    void await(int seconds) throws InterruptedException {
      latch.await(seconds, TimeUnit.SECONDS);
    }
  }

  static final class Sink {
    private long[] v = new long[1 << 16];
    private int n;
    volatile boolean recording;

    synchronized void add(long micros) {
      if (!recording) {
        return;
      }
      if (n == v.length) {
        v = Arrays.copyOf(v, n * 2);
      }
      v[n++] = micros;
    }

    synchronized long[] drain() {
      long[] out = Arrays.copyOf(v, n);
      n = 0;
      Arrays.sort(out);
      return out;
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
    }
  }

  static OffsetDateTime odt(long ms) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), java.time.ZoneOffset.UTC);
  }

  static long pct(long[] sorted, double p) {
    return ScreenPushBenchmark.pct(sorted, p);
  }

  static long max(long[] sorted) {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }

  static double ms(double micros) {
    return micros / 1000.0;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void say(String fmt, Object... args) {
    Object[] all = new Object[args.length + 1];
    all[0] = Instant.now().toString().substring(11, 19);
    System.arraycopy(args, 0, all, 1, args.length);
    System.err.printf(Locale.ROOT, "[cluster-bench %s] " + fmt + "%n", all);
  }
}
