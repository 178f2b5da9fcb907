package io.huifang.testsupport;

import io.huifang.app.Config;
import io.huifang.app.ConfigLoader;
import io.huifang.app.Server;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real Huifang (embedded PostgreSQL, real HTTP) on free ports, for integration tests. */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "admin-test-password-1";
  /** The in-process emulator's AMI secret, so tests can open a second AMI session. */
  public static final String AMI_SECRET = "test-ami-secret-1";

  private final Server server;
  private final Path dataDir;

  private TestServer(Server server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  /** Starts on {@code dataDir} (reuse it to test restarts). Extra flags look like {@code --key=value}. */
  public static TestServer start(Path dataDir, String... extraFlags) throws Exception {
    List<String> flags = new ArrayList<>(List.of(
        "--data.dir=" + dataDir, "--http.port=0", "--http.host=127.0.0.1",
        "--web.dir=" + Path.of("web").toAbsolutePath(), "--admin.password=" + ADMIN_PASSWORD,
        "--pbx.ami-port=0", "--pbx.agi-port=0", "--pbx.ami-secret=" + AMI_SECRET, "--shutdown.grace-seconds=2"));
    if (java.util.Arrays.stream(extraFlags).noneMatch(f -> f.startsWith("--demo"))) {
      flags.add("--demo=false"); // tests make their own data
    }
    flags.addAll(List.of(extraFlags));
    Config config = ConfigLoader.load(flags, Map.of(), Path.of("").toAbsolutePath());
    Server s = Server.start(config).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
    return new TestServer(s, dataDir);
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

  public String url(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  @Override
  public void close() throws Exception {
    server.stop().get(2, TimeUnit.MINUTES);
  }
}
