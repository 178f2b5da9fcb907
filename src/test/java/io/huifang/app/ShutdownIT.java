package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.MigratedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real process: SIGTERM stops it in order and takes the embedded PostgreSQL down with it. */
class ShutdownIT {

  private static String list(Path d) {
    try (var s = Files.list(d)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList().toString();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void sigtermStopsGracefullyAndStopsEmbeddedPostgres(@TempDir Path dir) throws Exception {
    MigratedCluster.linkBinaries(dir.resolve("data")); // a first start all the same, from binaries unpacked once
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
        "--data.dir=" + dir.resolve("data"), "--http.port=0", "--http.host=127.0.0.1",
        "--admin.password=shutdown-test-pw", "--pbx.ami-port=0", "--pbx.agi-port=0", "--demo=false")
        .directory(dir.toFile()).redirectErrorStream(true);
    // Output goes to a file: reading a pipe while the JDK reaps the process can lose the last lines.
    Path out = dir.resolve("out.log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    java.util.function.Supplier<List<String>> lines = () -> {
      try {
        return Files.readAllLines(out, StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return List.of();
      }
    };
    java.util.function.Predicate<List<String>> ready = l -> l.stream().anyMatch(x -> x.contains("Huifang is ready"));
    Await.atMost(Duration.ofSeconds(120)).every(Duration.ofMillis(100)).until("the server's \"Huifang is ready\"", () -> {
      List<String> seen = lines.get();
      if (!ready.test(seen)) {
        assertTrue(p.isAlive(), "server died during start-up: " + seen);
      }
      return seen;
    }, ready);
    assertTrue(lines.get().stream().anyMatch(l -> l.contains("Huifang is ready")), lines.get().toString());
    Path pid = dir.resolve("data/pg/postmaster.pid");
    assertTrue(Files.exists(pid), () -> "embedded PostgreSQL is running; data/pg holds " + list(pid.getParent()));

    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops within a minute");
    assertEquals(143, p.exitValue(), "terminated by SIGTERM after the shutdown hook finished");
    String log = String.join("\n", lines.get());
    int stopping = log.indexOf("stopping Huifang");
    int pgStopped = log.indexOf("embedded PostgreSQL stopped");
    int stopped = log.indexOf("Huifang stopped");
    assertTrue(stopping >= 0 && pgStopped > stopping && stopped > pgStopped, log);
    assertFalse(Files.exists(pid), "PostgreSQL removed its pid file: it shut down");
    // Every line is one event: no raw stack-trace continuation lines.
    assertTrue(lines.get().stream().allMatch(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.*")), log);
  }
}
