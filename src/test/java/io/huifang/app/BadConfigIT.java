package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real executable, started as a process: a bad value stops it with one line naming the key. */
class BadConfigIT {

  record Run(int exit, String stderr, String stdout) {
  }

  static Run huifang(Path workDir, java.util.Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits promptly");
    return new Run(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void badFlagStopsStartupNamingTheKey(@TempDir Path dir) throws Exception {
    Run r = huifang(dir, java.util.Map.of(), "serve", "--http.port=99999");
    assertEquals(2, r.exit());
    List<String> lines = r.stderr().lines().toList();
    assertEquals(1, lines.size(), r.stderr());
    assertTrue(lines.get(0).contains("http.port='99999'") && lines.get(0).contains("0 to 65535"), lines.get(0));
  }

  @Test
  void badEnvironmentVariableStopsStartupNamingIt(@TempDir Path dir) throws Exception {
    Run r = huifang(dir, java.util.Map.of("HUIFANG_SESSION_IDLE_MINUTES", "forever"), "serve");
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains("session.idle-minutes='forever' (from env HUIFANG_SESSION_IDLE_MINUTES)"),
        r.stderr());
  }

  @Test
  void unknownCommandAndHelp(@TempDir Path dir) throws Exception {
    Run r = huifang(dir, java.util.Map.of(), "frobnicate");
    assertEquals(2, r.exit());
    assertTrue(r.stderr().contains("unknown command 'frobnicate'"));
    Run help = huifang(dir, java.util.Map.of(), "help");
    assertEquals(0, help.exit());
    assertTrue(help.stdout().contains("HUIFANG_HTTP_PORT"), help.stdout());
  }
}
