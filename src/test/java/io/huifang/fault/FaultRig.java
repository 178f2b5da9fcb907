package io.huifang.fault;

import io.huifang.db.EmbeddedPostgres;
import io.huifang.pbx.emulator.EmulatorOptions;
import io.huifang.pbx.emulator.PbxEmulator;
import io.huifang.testsupport.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Huifang as it runs in production, to be killed: the server in a child JVM ({@code io.huifang.app.Main serve}, the
 * classes under test), its PostgreSQL and its PBX (the emulator, speaking AMI and FastAGI over loopback) outside it,
 * here in the test's JVM, so that each can die without the others. {@link #killHuifang()} is a real {@code kill -9}
 * (SIGKILL: no shutdown hook, no graceful stop, calls and writes in flight cut where they stand), and
 * {@link #startHuifang()} starts it again on the same ports, data directory and database; {@link #killPbx()} and
 * {@link #restartPbx()} crash and bring back the PBX while Huifang runs.
 */
public final class FaultRig implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "rig-admin-password-1";
  private static final String AMI_USER = "huifang";
  private static final String AMI_SECRET = "rig-ami-secret-1";

  private final Path dir;
  private final List<String> flags;
  private final EmbeddedPostgres pg;
  private final Vertx vertx;
  private final Pool pool;
  private final int httpPort;
  private final int agiPort;
  private PbxEmulator pbx;
  private Process huifang;
  private int starts;
  private int huifangKills;
  private int pbxKills;

  private FaultRig(Path dir, List<String> flags, EmbeddedPostgres pg, Vertx vertx, Pool pool, int httpPort,
                   int agiPort) {
    this.dir = dir;
    this.flags = flags;
    this.pg = pg;
    this.vertx = vertx;
    this.pool = pool;
    this.httpPort = httpPort;
    this.agiPort = agiPort;
  }

  /**
   * Starts PostgreSQL, the PBX (with the scenario, a classpath resource or a file, at {@code speed}) and Huifang
   * (with the extra {@code --key=value} flags), and waits until Huifang is up and logged in to the PBX.
   */
  public static FaultRig start(Path dir, String scenario, double speed, long seed, List<String> extraFlags)
      throws Exception {
    Files.createDirectories(dir);
    EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"), 0);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pg.port()).setDatabase(pg.database())
            .setUser(pg.user()).setPassword(pg.password()))
        .using(vertx).build();
    FaultRig rig = new FaultRig(dir, List.copyOf(extraFlags), pg, vertx, pool, freePort(), freePort());
    // A benchmark stopped with Ctrl-C or SIGTERM leaves no Huifang nor PostgreSQL behind.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Process p = rig.huifang;
      if (p != null) {
        p.destroyForcibly();
      }
      pg.close();
    }, "fault-rig-cleanup"));
    try {
      Path scenarioFile = scenarioFile(dir, scenario);
      rig.pbx = PbxEmulator.start(vertx, new EmulatorOptions("127.0.0.1", 0, AMI_USER, AMI_SECRET,
              "agi://127.0.0.1:" + rig.agiPort, scenarioFile, speed, seed, dir.resolve("pbx-recordings")))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      rig.startHuifang();
      return rig;
    } catch (Exception | Error e) {
      rig.close();
      throw e;
    }
  }

  private static Path scenarioFile(Path dir, String scenario) throws IOException {
    Path file = Path.of(scenario);
    if (Files.isRegularFile(file)) {
      return file.toAbsolutePath();
    }
    try (InputStream in = FaultRig.class.getResourceAsStream(scenario)) {
      if (in == null) {
        throw new IOException("no scenario " + scenario);
      }
      Path copy = dir.resolve("scenario.json");
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy;
    }
  }

  /** Starts Huifang in a child JVM (again: same ports, data dir and database) and waits until /health is UP. */
  public void startHuifang() throws Exception {
    if (huifang != null && huifang.isAlive()) {
      throw new IllegalStateException("Huifang is running");
    }
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.huifang.app.Main", "serve",
        "--data.dir=" + dir.resolve("data"), "--http.host=127.0.0.1", "--http.port=" + httpPort,
        "--web.dir=" + Path.of("web").toAbsolutePath(), "--admin.password=" + ADMIN_PASSWORD,
        "--db.url=postgresql://127.0.0.1:" + pg.port() + "/" + pg.database(), "--db.user=" + pg.user(),
        "--db.password=" + pg.password(), "--pbx.mode=asterisk",
        "--pbx.servers=pbx@127.0.0.1:" + pbx.amiPort(), "--pbx.ami-user=" + AMI_USER,
        "--pbx.ami-secret=" + AMI_SECRET, "--pbx.agi-host=127.0.0.1", "--pbx.agi-port=" + agiPort,
        "--recordings.pbx-dir=" + dir.resolve("pbx-recordings"), "--demo=false", "--shutdown.grace-seconds=2"));
    cmd.addAll(flags);
    starts++;
    huifang = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("huifang.log").toFile())).start();
    Http probe = new Http(url());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      if (!huifang.isAlive()) {
        throw new IllegalStateException("Huifang exited with " + huifang.exitValue() + "; see "
            + dir.resolve("huifang.log"));
      }
      try {
        Http.Response h = probe.get("/health");
        if (h.status() == 200 && "UP".equals(new JsonObject(h.body()).getString("status"))) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException("Huifang not up within 120 s; see " + dir.resolve("huifang.log"));
      }
      Thread.sleep(100);
    }
  }

  /** kill -9: the JVM dies at once, whatever it was doing. */
  public void killHuifang() throws InterruptedException {
    huifang.destroyForcibly(); // SIGKILL on Linux
    if (!huifang.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Huifang did not die");
    }
    huifangKills++;
  }

  /** The PBX crashes: every call gone at once, the AMI and FastAGI connections dropped without a word. */
  public void killPbx() throws Exception {
    pbx.kill().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    pbxKills++;
  }

  /** A fresh PBX on the same port, no calls up; Huifang's AMI client finds it by itself. */
  public void restartPbx() throws Exception {
    pbx = pbx.restart().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** A new client of Huifang (signed in as nobody). */
  public Http http() {
    return new Http(url());
  }

  /** The admin, signed in. */
  public Http admin() {
    Http admin = http();
    Http.Response r = admin.login("admin", ADMIN_PASSWORD);
    if (r.status() != 200) {
      throw new IllegalStateException("admin sign-in: " + r);
    }
    return admin;
  }

  /** Huifang's database, for the invariants. */
  public Pool pool() {
    return pool;
  }

  public PbxEmulator pbx() {
    return pbx;
  }

  public int huifangKills() {
    return huifangKills;
  }

  public int pbxKills() {
    return pbxKills;
  }

  public int huifangStarts() {
    return starts;
  }

  public Path log() {
    return dir.resolve("huifang.log");
  }

  /** Huifang stopped gracefully (SIGTERM), then the PBX, the pool and PostgreSQL; Huifang's log kept in target/. */
  @Override
  public void close() throws Exception {
    try {
      Path target = Path.of("target");
      if (Files.isDirectory(target) && Files.exists(log())) {
        Files.copy(log(), target.resolve("fault-rig-huifang.log"), StandardCopyOption.REPLACE_EXISTING);
      }
      if (huifang != null && huifang.isAlive()) {
        huifang.destroy();
        if (!huifang.waitFor(30, TimeUnit.SECONDS)) {
          huifang.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      if (pbx != null) {
        pbx.kill().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      pg.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
