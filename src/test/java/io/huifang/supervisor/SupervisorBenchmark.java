package io.huifang.supervisor;

import com.sun.management.OperatingSystemMXBean;
import io.huifang.app.Config;
import io.huifang.app.ConfigLoader;
import io.huifang.app.Server;
import io.huifang.auth.PasswordHasher;
import io.huifang.auth.SessionStore;
import io.huifang.auth.UserStore;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.desk.ScreenPushBenchmark;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.web.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Supervisor dashboard benchmark (issue 17, "Figures"): with N agents taking calls on the PBX emulator (about M
 * customer calls up, ringing + talking, the predictive dialer pacing) and P supervisor pages open on /ws, what the
 * live board costs and how fast it tells the pages.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.supervisor.SupervisorBenchmark [pairs=3] [agents=500]
 *     [calls=1500] [pages=20]
 *   -Dwindow=60 (s per window) -Dsettle=10 (s after switching the board) -Dwarmup=240 (s at most to reach 90 % of
 *   M) -Dwarmup.extra=60 -Dmemory.minutes=10 (0 = no memory run) -Dtalk=20 -Danswer=&lt;share&gt; -Dcustomers=N
 *   -Dchild.opts="-Xmx2g" -Djfr=false
 *   … SupervisorBenchmark report target/sup-bench/results-….jsonl   (the tables again from a run's results)</pre>
 *
 * <p>The command is a driver that starts two JVMs of its own, one after the other (this class with {@code child}),
 * each a whole Huifang (embedded PostgreSQL, the emulator at real time with the production dialplan, AMI, FastAGI,
 * the dialer) set up as {@link ScreenPushBenchmark} does (its campaign, agents, sockets, lines; agents submit each
 * call as it ends), plus P supervisor users each signed in with a session and one WebSocket:
 * <ol>
 *   <li>the pairs: after the warm-up, 2 × pairs windows in ABBA order (on, off, off, on, on, off), the board
 *   switched between them in the same process under the same continuing load: "off" undeploys the LiveBoard
 *   verticle (its consumers and timers go with it), "on" deploys a new one from the same parts, as a restart
 *   would ({@link BoardSwitch}). The pages stay open in both.</li>
 *   <li>the memory run: the board on for {@code -Dmemory.minutes}; every 30 s a class histogram (a full GC first)
 *   and the heap used after it; first, last, the slope (least squares, MB per minute), the classes that grew most,
 *   and io.huifang.supervisor's own bytes.</li>
 * </ol>
 *
 * <p>Per window:
 * <ul>
 *   <li>event → page: for every agent row in a {@code sup.update} whose {@code since} differs from what that page
 *   last had for the agent (a new state), receive time − {@code since} (epoch ms, same host, same clock); and
 *   {@code at} → receive time for every update; over all pages.</li>
 *   <li>CPU, % of one core: the JVM's process CPU minus the pages' client thread (it stands for the browsers), plus
 *   the embedded PostgreSQL's (postmaster and backends, from /proc: the board's database reads run there); the JIT
 *   compiler threads apart (/proc/self/task), since their decaying work is most of the noise between windows; the
 *   board's own event loop thread (ThreadMXBean; other contexts may share that thread); the busiest threads; and a
 *   JFR execution-sample profile: the share of samples with io.huifang.supervisor on the stack, and where.</li>
 *   <li>the load: calls up (the tracker's live attempts every 250 ms), agent state changes (agent_state_log rows
 *   written in the window: the database's own count), calls bridged.</li>
 * </ul>
 */
public final class SupervisorBenchmark {
  private SupervisorBenchmark() {
  }

  private static final String SUP_PASSWORD = "benchmark-supervisor-password";
  /** Held in a static field: Vert.x closes a client's sockets once the client object is garbage-collected. */
  static volatile WebSocketClient supClient;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      return;
    }
    if (args.length > 1 && args[0].equals("report")) { // the table again from a run's results (or a cut-short run's)
      List<JsonObject> on = new ArrayList<>();
      List<JsonObject> off = new ArrayList<>();
      List<JsonObject> memory = new ArrayList<>();
      int n = 0;
      for (String line : Files.readAllLines(Path.of(args[1]))) {
        JsonObject r = new JsonObject(line);
        r.put("window", r.getInteger("window", n++)); // the file is in the order the windows ran
        String mode = r.getString("mode");
        (mode.startsWith("memory") ? memory : mode.equals("on") ? on : off).add(r);
      }
      JsonObject any = on.isEmpty() ? memory.get(0) : on.get(0);
      System.out.println(report(any.getString("started", "?"), any.getInteger("agents"), any.getInteger("target"),
          on.isEmpty() ? any.getInteger("pages") : on.get(0).getInteger("pages"), on, off, memory));
      return;
    }
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int agents = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 1500;
    int pages = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    drive(pairs, agents, calls, pages);
  }

  // ================================================================ driver

  static void drive(int pairs, int agents, int calls, int pages) throws Exception {
    Path out = Path.of("target", "sup-bench");
    Files.createDirectories(out);
    String started = Instant.now().toString();
    Path results = out.resolve("results-" + started.replace(':', '-') + ".jsonl");
    List<JsonObject> on = new ArrayList<>();
    List<JsonObject> off = new ArrayList<>();
    List<JsonObject> memory = new ArrayList<>();
    if (pairs > 0) {
      for (JsonObject r : runChild(out, "pairs", pairs, agents, calls, pages, results, started)) {
        (r.getString("mode").equals("on") ? on : off).add(r);
      }
    }
    if (Integer.getInteger("memory.minutes", 10) > 0) {
      memory.addAll(runChild(out, "memory", 0, agents, calls, pages, results, started));
    }
    System.out.println(report(started, agents, calls, pages, on, off, memory));
    say("results kept in %s (… SupervisorBenchmark report %s prints the table again)", results, results);
  }

  static List<JsonObject> runChild(Path out, String kind, int pairs, int agents, int calls, int pages, Path results,
                                   String started) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    String opts = System.getProperty("child.opts", "").strip();
    if (!opts.isEmpty()) {
      cmd.addAll(Arrays.asList(opts.split("\\s+")));
    }
    Path tmp = Files.createTempDirectory(Path.of("/tmp"), "hf-sup"); // short: PostgreSQL's socket lives under it
    cmd.add("-Djava.io.tmpdir=" + tmp);
    for (String p : List.of("window", "settle", "warmup", "warmup.extra", "ring", "board.thread", "abandon", "talk", "answer", "customers", "memory.minutes", "jfr")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SupervisorBenchmark.class.getName(), "child",
        kind + ":" + pairs, String.valueOf(agents), String.valueOf(calls), String.valueOf(pages)));
    Path err = out.resolve(kind + "-" + started.replace(':', '-') + ".err");
    say("%s (load %s), log %s", kind, loadAverage(), err);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
    pb.environment().putIfAbsent("HUIFANG_LOG_LEVEL", "WARN");
    Process p = pb.start();
    List<JsonObject> got = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          JsonObject one = new JsonObject(line.substring(7)).put("started", started);
          Files.writeString(results, one.encode() + "\n", java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
          say("%s window %d: %s", one.getString("mode"), got.size() + 1, summary(one));
          got.add(one);
        }
      }
    }
    int rc = p.waitFor();
    deleteTree(tmp);
    if (got.isEmpty() || rc != 0) {
      throw new IllegalStateException(kind + " exited " + rc + " after " + got.size() + " results; see " + err);
    }
    return got;
  }

  private static String summary(JsonObject r) {
    return String.format(Locale.ROOT, "calls up %.0f, updates/page %d, event→page p99 %d ms, server CPU %.1f %%"
            + " (JVM %.1f, pg %.1f, JIT %.1f), board thread %.2f %%", r.getDouble("callsMean"),
        r.getLong("updatesPerPage"), r.getLong("eventP99"), r.getDouble("totalCpu"), r.getDouble("jvmCpu"),
        r.getDouble("pgCpu"), r.getDouble("jitCpu", 0.0), r.getDouble("boardThreadCpu", 0.0));
  }

  // ================================================================ child

  record Window(long t0Nanos, long jvmCpu, long supClientCpu, long boardThreadCpu, long pgTicks,
                Map<Long, long[]> threads, Map<String, Long> nativeGroups) {
  }

  /**
   * The board on and off in one process: "off" undeploys the LiveBoard verticle (its consumers and timers go with
   * it), "on" deploys a new one built from the same parts (the running one's fields, matched to its constructor's
   * parameters by type), as a restart of the server would. Reflection, so that the product needs no switch.
   */
  static final class BoardSwitch {
    private final Server server;
    private Object board;
    private String deployment;

    BoardSwitch(Server server) throws Exception {
      this.server = server;
      Object b;
      try {
        b = Server.class.getMethod("board").invoke(server);
      } catch (NoSuchMethodException e) {
        b = null; // a build without the board: on and off are the same
      }
      this.board = b;
      this.deployment = board == null ? null : context(board).deploymentID();
    }

    boolean present() {
      return board != null;
    }

    boolean on() {
      return deployment != null;
    }

    static io.vertx.core.Context context(Object verticle) throws Exception {
      java.lang.reflect.Field f = io.vertx.core.VerticleBase.class.getDeclaredField("context");
      f.setAccessible(true);
      return (io.vertx.core.Context) f.get(verticle);
    }

    void off() throws Exception {
      if (deployment != null) {
        await(server.vertx().undeploy(deployment));
        deployment = null;
      }
    }

    void turnOn() throws Exception {
      if (board == null || deployment != null) {
        return;
      }
      java.lang.reflect.Constructor<?> c = Arrays.stream(board.getClass().getConstructors())
          .max(Comparator.comparingInt(java.lang.reflect.Constructor::getParameterCount)).orElseThrow();
      Object[] args = new Object[c.getParameterCount()];
      Class<?>[] types = c.getParameterTypes();
      for (int i = 0; i < types.length; i++) {
        for (java.lang.reflect.Field f : board.getClass().getDeclaredFields()) {
          if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()) && types[i].isAssignableFrom(f.getType())) {
            f.setAccessible(true);
            args[i] = f.get(board);
            break;
          }
        }
      }
      Object fresh = c.newInstance(args);
      // -Dboard.thread=own (default): the board alone on a one-thread worker pool, so that ThreadMXBean gives its
      // own CPU exactly (on an event loop it shares the thread with other contexts); still one task at a time.
      io.vertx.core.DeploymentOptions options = new io.vertx.core.DeploymentOptions();
      if (!"loop".equals(System.getProperty("board.thread", "own"))) {
        options.setThreadingModel(io.vertx.core.ThreadingModel.WORKER).setWorkerPoolName("sup-board")
            .setWorkerPoolSize(1);
      }
      deployment = await(server.vertx().deployVerticle((io.vertx.core.Deployable) fresh, options));
      board = fresh;
    }

    /** The board's event loop thread (its context's), for ThreadMXBean; -1 when off. */
    long thread() throws Exception {
      if (deployment == null) {
        return -1;
      }
      java.util.concurrent.CompletableFuture<Long> t = new java.util.concurrent.CompletableFuture<>();
      context(board).runOnContext(v -> t.complete(Thread.currentThread().getId()));
      return t.get(30, TimeUnit.SECONDS);
    }
  }

  static void child(String kindAndPairs, int agents, int calls, int pages) throws Exception {
    boolean memory = kindAndPairs.startsWith("memory");
    int pairs = Integer.parseInt(kindAndPairs.substring(kindAndPairs.indexOf(':') + 1));
    int window = Integer.getInteger("window", 60);
    int settle = Integer.getInteger("settle", 10);
    double talk = Double.parseDouble(System.getProperty("talk", "20"));
    double answer = Double.parseDouble(System.getProperty("answer",
        String.valueOf(ScreenPushBenchmark.answerShare(agents, calls, talk))));
    // The dialer dials about target ÷ 20 s of ringing per second and a customer is dialled once within a run: the
    // list must last the warm-up and every window.
    int planned = 120 + (memory ? 60 * Integer.getInteger("memory.minutes", 10)
        : 2 * pairs * (window + settle));
    int customers = Integer.getInteger("customers", Math.max(20_000, calls / 15 * planned));

    Path dir = Files.createTempDirectory("hf-supbench");
    dataRoot = dir;
    Path scenarioFile = dir.resolve("scenario.json");
    JsonObject scenario = ScreenPushBenchmark.scenario(answer, talk);
    scenario.getJsonArray("populations").getJsonObject(0).getJsonObject("ring")
        .put("mean", Double.parseDouble(System.getProperty("ring", "6")));
    Files.writeString(scenarioFile, scenario.encodePrettily());
    Config config = ConfigLoader.load(List.of("--data.dir=" + dir.resolve("data"), "--http.port=0",
        "--http.host=127.0.0.1", "--pbx.ami-port=0", "--pbx.agi-port=0", "--admin.password=benchmark-password",
        "--demo=false", "--emulator.scenario=" + scenarioFile, "--dialer.originates-per-second=200"),
        Map.of(), Path.of(""));
    say("%s: starting Huifang in %s (answer %.2f, talk %.0f s, %d customers, %d pages)", kindAndPairs, dir,
        answer, talk, customers, pages);
    Server server = Server.start(config).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    Vertx agentVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    // The supervisor pages' client: a Vert.x of its own, one event loop, so that its CPU (the browsers' work of
    // parsing the pushes) can be told apart and left out of the server's.
    Vertx supVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    java.util.concurrent.CompletableFuture<Long> loopThread = new java.util.concurrent.CompletableFuture<>();
    supVertx.runOnContext(x -> loopThread.complete(Thread.currentThread().getId()));
    long supThread = loopThread.get(30, TimeUnit.SECONDS);
    Pages pageSink = new Pages();
    try {
      BoardSwitch board = new BoardSwitch(server);
      long campaignId = ScreenPushBenchmark.campaign(server, customers, dir);
      List<String> agentCookies = ScreenPushBenchmark.agentsSignIn(server, agents);
      List<WebSocket> agentSockets = ScreenPushBenchmark.connect(agentVertx, server.httpPort(), agentCookies, true,
          new ScreenPushBenchmark.Sink(), new AtomicLong());
      server.desk().onWrapUp((agentId, attemptId) -> server.desk().submit(agentId, attemptId,
          new JsonObject().put("disposition", "not_present")));
      ScreenPushBenchmark.openLinesAndReady(server.httpPort(), agentCookies, campaignId);
      List<String> supCookies = supervisorsSignIn(server, pages);
      List<WebSocket> supSockets = connectPages(supVertx, server.httpPort(), supCookies, pageSink);
      AnsweredCalls.Pbx pbx = server.telephony().pbx("emulator");
      ScreenPushBenchmark.Sampler sampler = new ScreenPushBenchmark.Sampler(server, pbx, agents);
      sampler.start();
      LagProbe lag = new LagProbe();
      lag.watch("telephony", () -> server.telephony().telephonyContext());
      lag.watch("board", () -> {
        try {
          return board.on() ? BoardSwitch.context(board.board) : null;
        } catch (Exception e) {
          return null;
        }
      });
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.getInteger("warmup", 240));
      while (System.nanoTime() < until && sampler.last() < calls * 0.9) {
        Thread.sleep(5000);
        say("warm-up: %d customer calls up; pages got %d snapshots, %d updates", sampler.last(),
            pageSink.snapshots.get(), pageSink.updates.get());
      }
      // Then a minute more: the JIT compilers' work decays for minutes and is most of the noise between windows.
      Thread.sleep(1000L * Integer.getInteger("warmup.extra", 60));
      say("warm-up done: %d calls up; board %s; pages got %d snapshots, %d updates, %d other frames, %d closed",
          sampler.last(), board.present() ? "deployed" : "ABSENT", pageSink.snapshots.get(), pageSink.updates.get(),
          pageSink.other.get(), pageSink.closed.get());
      if (board.present() && !"loop".equals(System.getProperty("board.thread", "own"))) {
        board.off();
        board.turnOn();
        pageSink.boardRestarted();
        say("board moved onto a thread of its own (-Dboard.thread=own)");
        Thread.sleep(settle * 1000L);
      }
      // ABBA order (on, off, off, on, on, off, …): a steady drift of the machine's load weighs on both sides.
      List<String> windows = new ArrayList<>();
      if (memory) {
        windows.add("memory");
      } else {
        for (int i = 0; i < pairs; i++) {
          windows.addAll(i % 2 == 0 ? List.of("on", "off") : List.of("off", "on"));
        }
      }
      int resultsSoFar = 0;
      for (String mode : windows) {
        if (mode.equals("off") && board.on()) {
          board.off();
          Thread.sleep(settle * 1000L);
        } else if (!mode.equals("off") && !board.on()) {
          board.turnOn();
          pageSink.boardRestarted();
          Thread.sleep(settle * 1000L);
        }
        JsonObject result = new JsonObject().put("mode", mode).put("window", resultsSoFar++)
            .put("pages", pages).put("agents", agents)
            .put("target", calls).put("answer", answer).put("talk", talk).put("boardPresent", board.present())
            .put("load", loadAverage());
        lag.reset();
        measure(server, sampler, pageSink, board, supThread, dir, memory, window, pages, result);
        lag.into(result);
        say("%s: %s", mode, result.encode());
        System.out.println("RESULT " + result.encode());
        System.out.flush();
      }
      sampler.stop();
      for (WebSocket ws : supSockets) {
        ws.close();
      }
      for (WebSocket ws : agentSockets) {
        ws.close();
      }
    } finally {
      supVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      agentVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      server.stop().get(2, TimeUnit.MINUTES);
      deleteTree(dir);
    }
    System.exit(0); // the clients' and the benchmark's leftover threads must not keep the child alive
  }

  static void measure(Server server, ScreenPushBenchmark.Sampler sampler, Pages pageSink, BoardSwitch board,
                      long supThread, Path dir, boolean memory, int window, int pages, JsonObject result)
      throws Exception {
    sampler.reset();
    long states0 = maxStateLogId(server);
    long bridged0 = (long) server.telephony().answered().stats().get("bridged");
    long boardThread = board.thread();
    pageSink.start();
    Recording jfr = Boolean.parseBoolean(System.getProperty("jfr", "true")) ? startJfr() : null;
    Window w0 = sample(supThread, boardThread, server);
    List<JsonObject> heap = new ArrayList<>();
    Map<String, long[]> firstHisto = null;
    Map<String, long[]> lastHisto = null;
    if (memory) {
      int minutes = Integer.getInteger("memory.minutes", 10);
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
      long next = System.nanoTime();
      while (true) {
        Map<String, long[]> histo = classHistogram(); // a full GC first
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        double t = (System.nanoTime() - w0.t0Nanos()) / 60e9;
        long supBytes = histo.entrySet().stream().filter(e -> e.getKey().startsWith("io.huifang.supervisor.")
                && !e.getKey().startsWith(SupervisorBenchmark.class.getName()))
            .mapToLong(e -> e.getValue()[1]).sum();
        heap.add(new JsonObject().put("minute", t).put("usedMb", used / 1048576.0)
            .put("supervisorKb", supBytes / 1024.0).put("callsUp", sampler.last()));
        say("memory: %.1f min, heap after GC %.1f MB, io.huifang.supervisor %.1f KB, %d calls up", t,
            used / 1048576.0, supBytes / 1024.0, sampler.last());
        if (firstHisto == null) {
          firstHisto = histo;
        }
        lastHisto = histo;
        if (System.nanoTime() >= end) {
          break;
        }
        next += TimeUnit.SECONDS.toNanos(30);
        long sleep = Math.min(next, end) - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(TimeUnit.NANOSECONDS.toMillis(sleep));
        }
      }
    } else {
      Thread.sleep(window * 1000L);
    }
    Window w1 = sample(supThread, boardThread, server);
    pageSink.stop();
    double secs = (System.nanoTime() - w0.t0Nanos()) / 1e9;
    long states = maxStateLogId(server) - states0;
    long bridged = (long) server.telephony().answered().stats().get("bridged") - bridged0;
    result.put("seconds", secs).put("callsMean", sampler.mean()).put("callsPeak", sampler.peak())
        .put("stateChanges", states).put("bridged", bridged);
    cpu(result, w0, w1, secs);
    pageSink.into(result, pages);
    if (jfr != null) {
      profile(jfr, dir, result);
    }
    if (memory) {
      memoryFigures(result, heap, firstHisto, lastHisto);
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }

  private static long maxStateLogId(Server server) throws Exception {
    return await(server.database().pool().query("select coalesce(max(id), 0) as m from agent_state_log").execute())
        .iterator().next().getLong("m");
  }

  /** Supervisor users in the store (one hash), a session each from the session store, as the agents get theirs. */
  static List<String> supervisorsSignIn(Server server, int n) throws Exception {
    UserStore users = new UserStore(server.database().pool());
    SessionStore sessions = new SessionStore(server.database().pool(), Duration.ofHours(12));
    String hash = await(new PasswordHasher(server.vertx()).hash(SUP_PASSWORD));
    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      User u = await(users.create("bench.supervisor" + i, "基准班长 " + i, Role.SUPERVISOR, hash, false));
      cookies.add(Api.SESSION_COOKIE + "=" + await(sessions.create(u.id(), "127.0.0.1", "SupervisorBenchmark")));
    }
    return cookies;
  }

  static List<WebSocket> connectPages(Vertx client, int port, List<String> cookies, Pages sink) throws Exception {
    WebSocketClient wsc = supClient = client.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(cookies.size() + 10).setTryUsePerMessageCompression(true)
        .setMaxFrameSize(1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    List<WebSocket> out = new ArrayList<>();
    for (int i = 0; i < cookies.size(); i++) {
      Page page = new Page(i);
      sink.add(page);
      // Handlers set as the upgrade completes, on the client's event loop: set later (on this thread, after the
      // future), the hello and the snapshot that follow at once could arrive before them and be lost.
      WebSocket ws = await(wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/ws").addHeader("Cookie", cookies.get(i))).onSuccess(s -> {
            s.closeHandler(v -> {
              if (sink.closed.incrementAndGet() <= 3) {
                say("supervisor page closed: %s %s", s.closeStatusCode(), s.closeReason());
              }
            });
            s.textMessageHandler(text -> sink.onFrame(page, System.currentTimeMillis(), text));
          }));
      out.add(ws);
    }
    say("%d supervisor pages open", out.size());
    return out;
  }

  /** One supervisor page: what it last knew of each agent, and the last seq. */
  static final class Page {
    final int n;
    final Map<Long, Long> since = new HashMap<>();
    long seq = -1;
    int snapshots;

    Page(int n) {
      this.n = n;
    }
  }

  /** What all pages received (the pages' own event loop writes, the benchmark's thread reads after stop()). */
  static final class Pages {
    final AtomicInteger closed = new AtomicInteger();
    final AtomicLong snapshots = new AtomicLong();
    final AtomicLong updates = new AtomicLong();
    final AtomicLong other = new AtomicLong();
    private volatile boolean recording;
    // Histograms by the millisecond, not every sample: a 10-minute run has ~700 k of each, which would grow the
    // heap the memory run measures.
    private final MsHistogram event = new MsHistogram();
    private final MsHistogram at = new MsHistogram();
    private final MsHistogram build = new MsHistogram();
    private long winUpdates;
    private long winBytes;
    private long winRows;
    private long winSnapshots;
    private long snapshotBytes;
    private long gaps;
    private long maxUpdateBytes;
    private int outliers;

    private final List<Page> all = new ArrayList<>();

    synchronized void add(Page p) {
      all.add(p);
    }

    /** A new board counts its seq from 0 again (a real page would fetch GET /api/supervisor/board). */
    synchronized void boardRestarted() {
      for (Page p : all) {
        p.seq = -1;
        // What the page had is from before the board went off: a row the new board sends for another reason
        // (its name read again) would count its old state as just seen.
        p.since.clear();
      }
    }

    synchronized void start() {
      recording = true;
      event.clear();
      at.clear();
      build.clear();
      winUpdates = 0;
      winBytes = 0;
      winRows = 0;
      winSnapshots = 0;
      snapshotBytes = 0;
      gaps = 0;
      maxUpdateBytes = 0;
      outliers = 0;
    }

    synchronized void stop() {
      recording = false;
    }

    synchronized void onFrame(Page page, long now, String text) {
      JsonObject m;
      try {
        m = new JsonObject(text);
      } catch (RuntimeException e) {
        other.incrementAndGet();
        return;
      }
      String type = m.getString("type", "");
      if (type.equals("sup.snapshot")) {
        snapshots.incrementAndGet();
        page.snapshots++;
        JsonObject board = m.getJsonObject("board", new JsonObject());
        page.seq = board.getLong("seq", -1L);
        page.since.clear();
        JsonObject rows = board.getJsonObject("agents", new JsonObject()).getJsonObject("rows", new JsonObject());
        for (String id : rows.fieldNames()) {
          JsonObject row = rows.getJsonObject(id);
          if (row != null && row.getValue("since") instanceof Number s) {
            page.since.put(Long.parseLong(id), s.longValue());
          }
        }
        if (recording) {
          winSnapshots++;
          snapshotBytes = Math.max(snapshotBytes, text.length());
        }
        return;
      }
      if (!type.equals("sup.update")) {
        other.incrementAndGet();
        return;
      }
      updates.incrementAndGet();
      long seq = m.getLong("seq", -1L);
      boolean gap = page.seq >= 0 && seq != page.seq + 1;
      page.seq = seq;
      if (!recording) {
        return;
      }
      winUpdates++;
      winBytes += text.length();
      maxUpdateBytes = Math.max(maxUpdateBytes, text.length());
      if (gap) {
        gaps++;
      }
      if (m.getValue("at") instanceof Number a) {
        at.add(now - a.longValue());
      }
      JsonObject changed = m.getJsonObject("changed", new JsonObject());
      JsonObject agents = changed.getJsonObject("agents");
      JsonObject rows = agents == null ? null : agents.getJsonObject("rows");
      if (rows == null) {
        return;
      }
      for (String id : rows.fieldNames()) {
        winRows++;
        long agentId = Long.parseLong(id);
        JsonObject row = rows.getJsonObject(id);
        if (row == null) {
          page.since.remove(agentId);
          continue;
        }
        if (!(row.getValue("since") instanceof Number s)) {
          continue;
        }
        Long before = page.since.put(agentId, s.longValue());
        // A new state: the row's since moved from what this page had (a row it never had is no event it saw).
        if (before != null && before != s.longValue()) {
          long lat = now - s.longValue();
          event.add(lat);
          if (m.getValue("at") instanceof Number a) {
            build.add(a.longValue() - s.longValue());
          }
          if (lat > 2000 && outliers++ < 10) {
            say("event→page %d ms: page %d, agent %d, since %d → %d (%s), update seq %d at %s, received %d", lat,
                page.n, agentId, before, s.longValue(), row.getString("state"), seq, m.getValue("at"), now);
          }
        }
      }
    }

    synchronized void into(JsonObject r, int pages) {
      r.put("sinceAtP50", build.pct(50)).put("sinceAtP99", build.pct(99)).put("sinceAtMax", build.max());
      r.put("stateRows", event.count()).put("updates", winUpdates).put("updatesPerPage", pages == 0 ? 0 : winUpdates / pages)
          .put("rowsPerUpdate", winUpdates == 0 ? 0 : (double) winRows / winUpdates)
          .put("bytesPerUpdate", winUpdates == 0 ? 0 : winBytes / winUpdates).put("maxUpdateBytes", maxUpdateBytes)
          .put("snapshotsInWindow", winSnapshots).put("snapshotChars", snapshotBytes).put("seqGaps", gaps)
          .put("otherFrames", other.get()).put("pagesClosed", closed.get())
          .put("pagesWithoutSnapshot", all.stream().filter(p -> p.snapshots == 0).count())
          .put("eventP50", event.pct(50)).put("eventP95", event.pct(95)).put("eventP99", event.pct(99))
          .put("eventMax", event.max()).put("eventMin", event.min())
          .put("atP50", at.pct(50)).put("atP99", at.pct(99)).put("atMax", at.max());
    }
  }

  /** Samples in whole milliseconds, 0 to 120 s (beyond: counted at 120 s; min and max kept exactly). */
  static final class MsHistogram {
    private final long[] counts = new long[120_001];
    private long n;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    void add(long ms) {
      n++;
      min = Math.min(min, ms);
      max = Math.max(max, ms);
      counts[(int) Math.max(0, Math.min(counts.length - 1, ms))]++;
    }

    void clear() {
      Arrays.fill(counts, 0);
      n = 0;
      min = Long.MAX_VALUE;
      max = Long.MIN_VALUE;
    }

    long count() {
      return n;
    }

    long min() {
      return n == 0 ? 0 : min;
    }

    long max() {
      return n == 0 ? 0 : max;
    }

    /** The same rank as {@link ScreenPushBenchmark#pct}: the ⌈p·n⌉-th smallest. */
    long pct(double p) {
      if (n == 0) {
        return 0;
      }
      long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return i;
        }
      }
      return counts.length - 1;
    }
  }

  /**
   * How long a task waits in an event loop's queue: every 100 ms a no-op is put on the context and its wait timed.
   * On the telephony context (where the board reads the lines) and on the board's own.
   */
  static final class LagProbe {
    private final java.util.concurrent.ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "lag-probe");
          t.setDaemon(true);
          return t;
        });
    private final Map<String, List<Long>> lags = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.Supplier<io.vertx.core.Context>> contexts = new ConcurrentHashMap<>();

    void watch(String name, java.util.function.Supplier<io.vertx.core.Context> ctx) {
      contexts.put(name, ctx);
      timer.scheduleAtFixedRate(() -> {
        io.vertx.core.Context c = contexts.get(name).get();
        if (c == null) {
          return;
        }
        long t0 = System.nanoTime();
        c.runOnContext(v -> {
          long us = (System.nanoTime() - t0) / 1000;
          List<Long> l = lags.computeIfAbsent(name, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
          l.add(us);
        });
      }, 100, 100, TimeUnit.MILLISECONDS);
    }

    void reset() {
      lags.values().forEach(List::clear);
    }

    void into(JsonObject r) {
      for (String name : contexts.keySet()) {
        List<Long> l = lags.getOrDefault(name, List.of());
        long[] v;
        synchronized (l) {
          v = l.stream().mapToLong(Long::longValue).toArray();
        }
        Arrays.sort(v);
        r.put(name + "LagP50", pct(v, 50) / 1000.0).put(name + "LagP99", pct(v, 99) / 1000.0)
            .put(name + "LagMax", v.length == 0 ? 0 : v[v.length - 1] / 1000.0);
      }
    }
  }

  static long pct(long[] sorted, double p) {
    return ScreenPushBenchmark.pct(sorted, p);
  }

  // ---------------------------------------------------------------- CPU

  static Window sample(long supThread, long boardThread, Server server) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<Long, long[]> perThread = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        perThread.put(id, new long[] {cpu});
      }
    }
    return new Window(System.nanoTime(), os.getProcessCpuTime(), threads.getThreadCpuTime(supThread),
        boardThread < 0 ? 0 : threads.getThreadCpuTime(boardThread), postgresTicks(server), perThread,
        nativeGroups());
  }

  static void cpu(JsonObject r, Window w0, Window w1, double secs) {
    double jvm = (w1.jvmCpu() - w0.jvmCpu()) / 1e9;
    double clients = (w1.supClientCpu() - w0.supClientCpu()) / 1e9;
    double pg = (w1.pgTicks() - w0.pgTicks()) / 100.0; // USER_HZ: 100 on Linux
    r.put("boardThreadCpu", 100 * (w1.boardThreadCpu() - w0.boardThreadCpu()) / 1e9 / secs);
    r.put("jvmCpu", 100 * (jvm - clients) / secs).put("supClientCpu", 100 * clients / secs)
        .put("pgCpu", 100 * pg / secs).put("totalCpu", 100 * (jvm - clients + pg) / secs);
    // The JVM's own threads that ThreadMXBean does not list (JIT compilers, GC), from /proc/self/task: the JIT's
    // share is most of the run-to-run noise, so the comparison is also given without it.
    for (String g : List.of("jit", "gc", "vm")) {
      r.put(g + "Cpu", 100 * (w1.nativeGroups().getOrDefault(g, 0L) - w0.nativeGroups().getOrDefault(g, 0L)) / 100.0
          / secs);
    }
    r.put("totalNoJitCpu", r.getDouble("totalCpu") - r.getDouble("jitCpu"));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long javaThreads = 0;
    List<Object[]> busy = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : w1.threads().entrySet()) {
      long before = w0.threads().containsKey(e.getKey()) ? w0.threads().get(e.getKey())[0] : 0;
      ThreadInfo info = threads.getThreadInfo(e.getKey());
      String name = info == null ? "thread-" + e.getKey() : info.getThreadName();
      busy.add(new Object[] {name, 100 * (e.getValue()[0] - before) / 1e9 / secs});
      javaThreads += e.getValue()[0] - before;
    }
    r.put("javaThreadsCpu", 100 * (javaThreads / 1e9 - clients) / secs);
    busy.sort(Comparator.comparingDouble((Object[] o) -> (double) o[1]).reversed());
    JsonObject top = new JsonObject();
    for (Object[] o : busy.subList(0, Math.min(12, busy.size()))) {
      top.put((String) o[0], Math.round((double) o[1] * 100) / 100.0);
    }
    r.put("threads", top);
  }

  /** CPU ticks of this JVM's JIT compiler, GC and VM threads (thread names as /proc shows them, 15 chars). */
  static Map<String, Long> nativeGroups() {
    Map<String, Long> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        String comm;
        try {
          comm = Files.readString(t.resolve("comm")).strip();
        } catch (IOException e) {
          continue;
        }
        String g = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "jit"
            : comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "gc"
            : comm.startsWith("VM ") ? "vm" : null;
        if (g != null) {
          out.merge(g, ticks(t.resolve("stat"), false), Long::sum);
        }
      }
    } catch (IOException e) {
      // no /proc: the groups stay empty
    }
    return out;
  }

  /** CPU ticks of the embedded PostgreSQL: its postmaster (with its reaped children) and its live backends. */
  static long postgresTicks(Server server) {
    long pid = postmasterPid(dataRoot);
    if (pid <= 0) {
      return 0;
    }
    long ticks = ticks(pid, true);
    ticks += ProcessHandle.of(pid).map(h -> h.descendants().mapToLong(d -> ticks(d.pid(), false)).sum()).orElse(0L);
    return ticks;
  }

  private static volatile long postmaster = -1;
  private static volatile Path dataRoot;

  private static long postmasterPid(Path root) {
    if (postmaster > 0) {
      return postmaster;
    }
    try (Stream<Path> s = Files.walk(root, 8)) {
      Path pidFile = s.filter(p -> p.getFileName() != null && p.getFileName().toString().equals("postmaster.pid"))
          .findFirst().orElse(null);
      if (pidFile != null) {
        postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      }
    } catch (IOException | RuntimeException e) {
      say("no postmaster.pid under %s: %s", root, e);
    }
    return postmaster;
  }

  private static long ticks(long pid, boolean withChildren) {
    return ticks(Path.of("/proc", Long.toString(pid), "stat"), withChildren);
  }

  /** utime + stime (+ the reaped children's) of a /proc stat file: a process's, or a thread's under task/. */
  private static long ticks(Path statFile, boolean withChildren) {
    try {
      String stat = Files.readString(statFile);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state=0 … utime=11 stime=12 cutime=13 cstime=14
      long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- profile

  static Recording startJfr() {
    Recording rec = new Recording();
    rec.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    rec.setToDisk(true);
    rec.start();
    return rec;
  }

  /** Share of execution samples with io.huifang.supervisor on the stack, and where those were. */
  static void profile(Recording rec, Path dir, JsonObject r) throws IOException {
    rec.stop();
    Path file = dir.resolve("window.jfr");
    rec.dump(file);
    rec.close();
    long all = 0;
    long sup = 0;
    long push = 0;
    long supElsewhere = 0;
    Map<String, Long> supTop = new HashMap<>();
    Map<String, Long> supEntry = new HashMap<>();
    Map<String, Long> supThreads = new HashMap<>();
    try (RecordingFile rf = new RecordingFile(file)) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
          continue;
        }
        all++;
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        String outermostSup = null;
        boolean pushHub = false;
        for (RecordedFrame f : frames) {
          String type = f.getMethod().getType().getName();
          if (type.startsWith("io.huifang.supervisor.") && !type.startsWith(SupervisorBenchmark.class.getName())) {
            outermostSup = shortName(type) + "." + f.getMethod().getName();
          }
          if (type.equals("io.huifang.web.PushHub")) {
            pushHub = true;
          }
        }
        if (pushHub) {
          push++;
        }
        if (outermostSup != null) {
          sup++;
          RecordedFrame top = frames.get(0);
          supTop.merge(shortName(top.getMethod().getType().getName()) + "." + top.getMethod().getName(), 1L,
              Long::sum);
          supEntry.merge(outermostSup, 1L, Long::sum);
          String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
          supThreads.merge(thread, 1L, Long::sum);
          if (!thread.startsWith("sup-board")) {
            supElsewhere++;
          }
        }
      }
    }
    Files.deleteIfExists(file);
    // One execution sample stands for about 10 ms of that thread running Java code.
    r.put("supElsewherePct", supElsewhere * 10.0 / 1000 / r.getDouble("seconds") * 100);
    r.put("samples", all).put("supSamples", sup).put("pushHubSamples", push)
        .put("supShare", all == 0 ? 0 : (double) sup / all)
        .put("supTopFrames", top(supTop, 8)).put("supEntries", top(supEntry, 8)).put("supThreads", top(supThreads, 4));
  }

  private static String shortName(String type) {
    return type.startsWith("io.huifang.") ? type.substring("io.huifang.".length()) : type;
  }

  private static JsonObject top(Map<String, Long> m, int n) {
    JsonObject o = new JsonObject();
    m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
        .forEach(e -> o.put(e.getKey(), e.getValue()));
    return o;
  }

  // ---------------------------------------------------------------- memory

  /** GC.class_histogram (a full GC first): class name → {instances, bytes}. */
  static Map<String, long[]> classHistogram() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        try {
          out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        } catch (NumberFormatException ignored) {
          // the header and total lines
        }
      }
    }
    return out;
  }

  static void memoryFigures(JsonObject r, List<JsonObject> heap, Map<String, long[]> first,
                            Map<String, long[]> last) {
    double[] x = heap.stream().mapToDouble(h -> h.getDouble("minute")).toArray();
    double[] y = heap.stream().mapToDouble(h -> h.getDouble("usedMb")).toArray();
    double[] s = heap.stream().mapToDouble(h -> h.getDouble("supervisorKb")).toArray();
    int half = heap.size() / 2;
    r.put("heap", new JsonArray(new ArrayList<>(heap))).put("heapFirstMb", y[0]).put("heapLastMb", y[y.length - 1])
        .put("heapMinMb", Arrays.stream(y).min().orElse(0)).put("heapMaxMb", Arrays.stream(y).max().orElse(0))
        .put("slopeMbPerMin", slope(x, y))
        .put("slopeSecondHalfMbPerMin", slope(Arrays.copyOfRange(x, half, x.length), Arrays.copyOfRange(y, half, y.length)))
        .put("supFirstKb", s[0]).put("supLastKb", s[s.length - 1]).put("supSlopeKbPerMin", slope(x, s));
    List<Map.Entry<String, Long>> growth = new ArrayList<>();
    for (Map.Entry<String, long[]> e : last.entrySet()) {
      long before = first.containsKey(e.getKey()) ? first.get(e.getKey())[1] : 0;
      growth.add(Map.entry(e.getKey(), e.getValue()[1] - before));
    }
    growth.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    JsonObject grew = new JsonObject();
    growth.stream().limit(8).forEach(e -> grew.put(e.getKey(), Math.round(e.getValue() / 1024.0)));
    r.put("grewMostKb", grew);
  }

  static double slope(double[] x, double[] y) {
    int n = x.length;
    if (n < 2) {
      return 0;
    }
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (x[i] - mx) * (y[i] - my);
      den += (x[i] - mx) * (x[i] - mx);
    }
    return den == 0 ? 0 : num / den;
  }

  // ================================================================ report

  static String report(String started, int agents, int calls, int pages, List<JsonObject> on, List<JsonObject> off,
                       List<JsonObject> memory) {
    StringBuilder sb = new StringBuilder();
    boolean present = !on.isEmpty() ? on.get(0).getBoolean("boardPresent", false)
        : !memory.isEmpty() && memory.get(0).getBoolean("boardPresent", false);
    JsonObject any = on.isEmpty() ? (memory.isEmpty() ? new JsonObject() : memory.get(0)) : on.get(0);
    sb.append(String.format(Locale.ROOT, "%nSupervisorBenchmark, started %s, finished %s%n", started, Instant.now()));
    sb.append(String.format(Locale.ROOT, "Machine: nproc %d, CPU %s, RAM %.1f GiB, Java %s%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), totalRamGiB(), System.getProperty("java.version")));
    sb.append(String.format(Locale.ROOT, "%d agents, target %d customer calls up (answer share %.2f, talk %.0f s), "
            + "%d supervisor pages, %d s windows; board off = %s%n%n", agents, calls, any.getDouble("answer", 0.0),
        any.getDouble("talk", 0.0), pages, Integer.getInteger("window", 60),
        present ? "the LiveBoard verticle undeployed in the same process (same pages open), windows in ABBA order"
            : "NO LiveBoard in this build: on and off are the same"));
    if (!on.isEmpty() || !off.isEmpty()) {
      sb.append("| run | board | load avg | calls up mean / peak | agent state changes/s (DB) | sup.update per page"
          + " | rows / update | chars / update | new states seen | event→page p50 / p95 / p99 / max"
          + " | since→at p50 / p99 / max | at→page p50 / p99 | telephony loop wait p99 / max | board's wait p99 / max"
          + " | seq gaps | JVM CPU % core | PostgreSQL % | server total % | without JIT % | board's thread %"
          + " | supervisor JFR share |\n");
      sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (int i = 0; i < Math.max(on.size(), off.size()); i++) {
        for (List<JsonObject> side : List.of(on, off)) {
          if (i < side.size()) {
            sb.append(row(String.valueOf(i + 1), side.get(i)));
          }
        }
      }
      for (List<JsonObject> side : List.of(on, off)) {
        if (!side.isEmpty()) {
          sb.append(row("**median**", medians(side)));
        }
      }
      if (!on.isEmpty() && !off.isEmpty()) {
        int n = Math.min(on.size(), off.size());
        double[] diff = new double[n];
        double[] jvmDiff = new double[n];
        double[] pgDiff = new double[n];
        for (int i = 0; i < n; i++) {
          diff[i] = on.get(i).getDouble("totalCpu") - off.get(i).getDouble("totalCpu");
          jvmDiff[i] = on.get(i).getDouble("jvmCpu") - off.get(i).getDouble("jvmCpu");
          pgDiff[i] = on.get(i).getDouble("pgCpu") - off.get(i).getDouble("pgCpu");
        }
        double medOn = median(on, o -> o.getDouble("totalCpu"));
        double medOff = median(off, o -> o.getDouble("totalCpu"));
        double jfr = median(on, o -> o.getDouble("supShare") * o.getDouble("javaThreadsCpu"));
        double[] noJit = new double[n];
        for (int i = 0; i < n; i++) {
          noJit[i] = on.get(i).getDouble("totalNoJitCpu") - off.get(i).getDouble("totalNoJitCpu");
        }
        sb.append(String.format(Locale.ROOT, "%nThe board's CPU, %% of one core: on − off per pair %s → median **%.2f**"
                + " (JVM %.2f, PostgreSQL %.2f); without the JIT compiler threads %s → median %.2f; difference of"
                + " medians %.2f; server total on ÷ off = %.3f; JFR estimate (share of Java samples with"
                + " io.huifang.supervisor on the stack × the Java threads' CPU) %.2f.%n",
            fmt(diff), median(diff), median(jvmDiff), median(pgDiff), fmt(noJit), median(noJit), medOn - medOff,
            medOff == 0 ? 0 : medOn / medOff, jfr));
        sb.append(String.format(Locale.ROOT, "The board's own thread (ThreadMXBean, -Dboard.thread=own): median"
                + " **%.2f %%** of one core (runs %s); its reads on other threads (the telephony context), from the JFR"
                + " samples with io.huifang.supervisor on the stack × 10 ms: median %.2f %%.%n",
            median(on, o -> o.getDouble("boardThreadCpu", 0.0)),
            fmt(on.stream().mapToDouble(o -> o.getDouble("boardThreadCpu", 0.0)).toArray()),
            median(on, o -> o.getDouble("supElsewherePct", 0.0))));
        // The server's CPU follows the load (PostgreSQL's most of all), and the pacer's load swings between
        // windows: only pairs whose calls up agree within 15 % say anything about the board.
        List<Double> comparable = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          double a = on.get(i).getDouble("callsMean");
          double b = off.get(i).getDouble("callsMean");
          if (Math.abs(a - b) <= 0.15 * Math.max(a, b)) {
            comparable.add(diff[i]);
          }
        }
        sb.append(String.format(Locale.ROOT, "Pairs whose calls up agree within 15 %%: %d of %d%s.%n",
            comparable.size(), n, comparable.isEmpty() ? " (the on − off difference above is the load's, not the"
                + " board's)" : ", server total on − off " + fmt(comparable.stream().mapToDouble(Double::doubleValue)
                .toArray()) + " % of one core"));
        sb.append(quartets(on, off));
        double own = median(on, o -> o.getDouble("boardThreadCpu", 0.0) + o.getDouble("supElsewherePct", 0.0));
        sb.append(String.format(Locale.ROOT, "Goal ≤ 5 %% of one core: the board's own work %.2f %% (%s); the"
                + " delivery of its pushes to the pages (PushHub, outside io.huifang.supervisor) is only in the on − off"
                + " difference. Goal event→page p99 ≤ 1 s: %s (median p99 %d ms, runs %s).%n",
            own, own <= 5 ? "MET" : "NOT MET",
            median(on, o -> o.getLong("eventP99")) <= 1000 && median(on, o -> o.getLong("stateRows")) > 0
                ? "MET" : "NOT MET",
            (long) median(on, o -> o.getLong("eventP99")),
            on.stream().map(o -> o.getLong("eventP99") + " ms").collect(Collectors.joining(", "))));
        sb.append(threadTable(on, off));
        sb.append(profileLines(on));
      }
    }
    for (JsonObject m : memory) {
      sb.append(memoryTable(m));
    }
    return sb.toString();
  }

  /**
   * Four windows in a row in ABBA order (off, on, on, off or on, off, off, on) with calls up within 15 % of each
   * other: mean(on) − mean(off) cancels a steady drift of the load (PostgreSQL's CPU grows with its tables).
   */
  static String quartets(List<JsonObject> on, List<JsonObject> off) {
    List<JsonObject> all = new ArrayList<>(on);
    all.addAll(off);
    all.sort(Comparator.comparingInt(o -> o.getInteger("window", 0)));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i + 3 < all.size(); i++) {
      List<JsonObject> q = all.subList(i, i + 4);
      String modes = q.stream().map(o -> o.getString("mode")).collect(Collectors.joining(","));
      double lo = q.stream().mapToDouble(o -> o.getDouble("callsMean")).min().orElse(0);
      double hi = q.stream().mapToDouble(o -> o.getDouble("callsMean")).max().orElse(0);
      if (!(modes.equals("off,on,on,off") || modes.equals("on,off,off,on")) || hi - lo > 0.15 * hi) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "ABBA windows %d–%d (%s; calls up %.0f–%.0f): on − off = server total %+.2f,"
              + " JVM %+.2f, PostgreSQL %+.2f, without JIT %+.2f %% of one core.%n", i + 1, i + 4, modes, lo, hi,
          abba(q, "totalCpu"), abba(q, "jvmCpu"), abba(q, "pgCpu"), abba(q, "totalNoJitCpu")));
    }
    return sb.length() == 0 ? "No four windows in ABBA order with calls up within 15 %.\n" : sb.toString();
  }

  private static double abba(List<JsonObject> q, String k) {
    double on = 0;
    double off = 0;
    for (JsonObject o : q) {
      if (o.getString("mode").equals("on")) {
        on += o.getDouble(k) / 2;
      } else {
        off += o.getDouble(k) / 2;
      }
    }
    return on - off;
  }

  private static String row(String run, JsonObject r) {
    return String.format(Locale.ROOT, "| %s | %s | %s | %.0f / %d | %.1f | %d | %.1f | %d | %d | %d / %d / %d / %d ms"
            + " | %d / %d / %d ms | %d / %d ms | %.1f / %.1f ms | %.1f / %.1f ms | %d | %.2f | %.2f | %.2f | %.2f"
            + " | %.2f | %.1f %% |%n", run,
        r.getString("mode").endsWith("off") ? "off" : "on", r.getString("load", ""), r.getDouble("callsMean"),
        r.getLong("callsPeak"), r.getLong("stateChanges") / r.getDouble("seconds"), r.getLong("updatesPerPage"),
        r.getDouble("rowsPerUpdate"), r.getLong("bytesPerUpdate"), r.getLong("stateRows"), r.getLong("eventP50"),
        r.getLong("eventP95"), r.getLong("eventP99"), r.getLong("eventMax"), r.getLong("sinceAtP50", 0L),
        r.getLong("sinceAtP99", 0L), r.getLong("sinceAtMax", 0L), r.getLong("atP50"), r.getLong("atP99"),
        r.getDouble("telephonyLagP99", 0.0), r.getDouble("telephonyLagMax", 0.0), r.getDouble("boardLagP99", 0.0),
        r.getDouble("boardLagMax", 0.0), r.getLong("seqGaps"), r.getDouble("jvmCpu"), r.getDouble("pgCpu"),
        r.getDouble("totalCpu"), r.getDouble("totalNoJitCpu", 0.0), r.getDouble("boardThreadCpu", 0.0),
        100 * r.getDouble("supShare", 0.0));
  }

  private static JsonObject medians(List<JsonObject> side) {
    JsonObject m = new JsonObject().put("mode", side.get(0).getString("mode")).put("load", "");
    for (String k : List.of("callsMean", "seconds", "rowsPerUpdate", "jvmCpu", "pgCpu", "totalCpu", "totalNoJitCpu",
        "boardThreadCpu", "supShare", "telephonyLagP99", "telephonyLagMax", "boardLagP99", "boardLagMax")) {
      m.put(k, median(side, o -> o.getDouble(k, 0.0)));
    }
    for (String k : List.of("callsPeak", "stateChanges", "updatesPerPage", "bytesPerUpdate", "stateRows", "eventP50",
        "eventP95", "eventP99", "eventMax", "atP50", "atP99", "seqGaps", "sinceAtP50", "sinceAtP99", "sinceAtMax")) {
      m.put(k, (long) median(side, o -> o.getLong(k, 0L)));
    }
    return m;
  }

  private static String threadTable(List<JsonObject> on, List<JsonObject> off) {
    Map<String, Double> onT = new LinkedHashMap<>();
    Set<String> names = new java.util.TreeSet<>();
    for (JsonObject o : on) {
      names.addAll(o.getJsonObject("threads").fieldNames());
    }
    List<String> rows = new ArrayList<>(names);
    for (String n : rows) {
      onT.put(n, median(on, o -> o.getJsonObject("threads").getDouble(n, 0.0)));
    }
    rows.sort(Comparator.comparingDouble((String n) -> onT.get(n)).reversed());
    StringBuilder sb = new StringBuilder("\nBusiest threads (ThreadMXBean, % of one core, median over the runs; 0 ="
        + " not among a run's 12 busiest):\n\n| thread | board on | board off |\n|---|---|---|\n");
    for (String n : rows.subList(0, Math.min(10, rows.size()))) {
      sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", n, onT.get(n),
          median(off, o -> o.getJsonObject("threads").getDouble(n, 0.0))));
    }
    for (String[] g : new String[][] {{"javaThreadsCpu", "all Java threads (without the pages' client)"},
        {"jitCpu", "JIT compiler threads (/proc)"}, {"gcCpu", "GC threads (/proc)"}, {"vmCpu", "VM thread (/proc)"},
        {"supClientCpu", "the supervisor pages' client (left out of the server's figures)"}}) {
      sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", g[1], median(on, o -> o.getDouble(g[0], 0.0)),
          median(off, o -> o.getDouble(g[0], 0.0))));
    }
    return sb.toString();
  }

  private static String profileLines(List<JsonObject> on) {
    StringBuilder sb = new StringBuilder("\nJFR (execution samples every 10 ms, board on), per run: supervisor samples /"
        + " all; where (outermost io.huifang.supervisor frame); top frames; threads:\n\n");
    int i = 1;
    for (JsonObject o : on) {
      sb.append(String.format(Locale.ROOT, "- run %d: %d / %d (PushHub on the stack: %d); %s; %s; %s%n", i++,
          o.getLong("supSamples", 0L), o.getLong("samples", 0L), o.getLong("pushHubSamples", 0L),
          o.getJsonObject("supEntries", new JsonObject()).encode(),
          o.getJsonObject("supTopFrames", new JsonObject()).encode(),
          o.getJsonObject("supThreads", new JsonObject()).encode()));
    }
    return sb.toString();
  }

  private static String memoryTable(JsonObject m) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nMemory, board %s, %.1f minutes under the load"
            + " (calls up mean %.0f, %d supervisor pages, %d sup.update per page, event→page p99 %d ms, max %d ms):"
            + " heap used after a full GC every 30 s%n%n| minute | heap after GC MB | io.huifang.supervisor KB |"
            + " calls up |%n|---|---|---|---|%n", m.getString("mode").endsWith("off") ? "off" : "on",
        m.getDouble("seconds") / 60, m.getDouble("callsMean"), m.getInteger("pages"), m.getLong("updatesPerPage"),
        m.getLong("eventP99"), m.getLong("eventMax")));
    for (Object o : m.getJsonArray("heap")) {
      JsonObject h = (JsonObject) o;
      sb.append(String.format(Locale.ROOT, "| %.1f | %.1f | %.1f | %d |%n", h.getDouble("minute"),
          h.getDouble("usedMb"), h.getDouble("supervisorKb"), h.getInteger("callsUp")));
    }
    sb.append(String.format(Locale.ROOT, "%nFirst %.1f MB, last %.1f MB (min %.1f, max %.1f); slope %.2f MB/min over"
            + " the run, %.2f MB/min over its second half; io.huifang.supervisor %.1f → %.1f KB (%.2f KB/min)."
            + " Grew most (KB, last − first sample): %s%n", m.getDouble("heapFirstMb"), m.getDouble("heapLastMb"),
        m.getDouble("heapMinMb"), m.getDouble("heapMaxMb"), m.getDouble("slopeMbPerMin"),
        m.getDouble("slopeSecondHalfMbPerMin"), m.getDouble("supFirstKb"), m.getDouble("supLastKb"),
        m.getDouble("supSlopeKbPerMin"), m.getJsonObject("grewMostKb").encode()));
    return sb.toString();
  }

  // ---------------------------------------------------------------- small things

  static double median(List<JsonObject> side, ToDoubleFunction<JsonObject> f) {
    return median(side.stream().mapToDouble(f).toArray());
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return 0;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }

  private static String fmt(double[] v) {
    return Arrays.stream(v).mapToObj(d -> String.format(Locale.ROOT, "%.2f", d))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst().orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static double totalRamGiB() {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
  }

  static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // a temporary directory left behind is harmless
    }
  }

  static void say(String fmt, Object... args) {
    Object[] all = new Object[args.length + 1];
    all[0] = Instant.now().toString().substring(11, 19);
    System.arraycopy(args, 0, all, 1, args.length);
    System.err.printf(Locale.ROOT, "[supbench %s] " + fmt + "%n", all);
  }
}
