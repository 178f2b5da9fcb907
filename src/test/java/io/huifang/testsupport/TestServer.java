package io.huifang.testsupport;

import io.huifang.app.Config;
import io.huifang.app.ConfigLoader;
import io.huifang.app.Server;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Huifang (embedded PostgreSQL, real HTTP) on free ports, for integration tests. Tests get one from
 * {@link WithServer}; {@link #restart()} stops it and starts it again on the same data dir.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "admin-test-password-1";
  /** The in-process emulator's AMI secret, so tests can open a second AMI session. */
  public static final String AMI_SECRET = "test-ami-secret-1";

  private final Path dataDir;
  private final List<String> flags;
  private Server server;

  private TestServer(Path dataDir, List<String> flags, Server server) {
    this.dataDir = dataDir;
    this.flags = flags;
    this.server = server;
  }

  /**
   * Starts on {@code dataDir}. Extra flags look like {@code --key=value} and win over the defaults here. Public for
   * tests that start several servers themselves (the cluster's nodes); others use {@link WithServer}.
   */
  public static TestServer start(Path dataDir, List<String> extraFlags) throws Exception {
    List<String> flags = new ArrayList<>(List.of(
        "--data.dir=" + dataDir, "--http.port=0", "--http.host=127.0.0.1",
        "--web.dir=" + Path.of("web").toAbsolutePath(), "--admin.password=" + ADMIN_PASSWORD,
        "--pbx.ami-port=0", "--pbx.agi-port=0", "--pbx.ami-secret=" + AMI_SECRET, "--shutdown.grace-seconds=2"));
    if (extraFlags.stream().noneMatch(f -> f.startsWith("--demo"))) {
      flags.add("--demo=false"); // tests make their own data
    }
    flags.addAll(extraFlags);
    return new TestServer(dataDir, List.copyOf(flags), boot(flags));
  }

  private static Server boot(List<String> flags) throws Exception {
    Config config = ConfigLoader.load(flags, Map.of(), Path.of("").toAbsolutePath());
    return Server.start(config).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
  }

  /**
   * Stops the server and starts it again with the same flags on the same data dir (new ports: build new
   * {@link Http} clients, carrying cookies over with {@link Http#Http(TestServer, java.net.CookieManager)}).
   */
  public TestServer restart() throws Exception {
    stop();
    server = boot(flags);
    return this;
  }

  public String amiSecret() {
    return AMI_SECRET;
  }

  public Server server() {
    return server;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The value the server was started with for {@code key} (the last {@code --key=value}), if any. */
  public Optional<String> flag(String key) {
    String prefix = "--" + key + "=";
    Optional<String> value = Optional.empty();
    for (String f : flags) {
      if (f.startsWith(prefix)) {
        value = Optional.of(f.substring(prefix.length()));
      }
    }
    return value;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  private void stop() throws Exception {
    server.stop().get(2, TimeUnit.MINUTES);
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
