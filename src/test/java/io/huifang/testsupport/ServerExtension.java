package io.huifang.testsupport;

import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts and stops the {@link TestServer} of a {@link WithServer} class or method. */
final class ServerExtension extends ScopedExtension<WithServer, TestServer> {
  ServerExtension() {
    super(WithServer.class);
  }

  @Override
  TestServer open(WithServer settings, Path dir) throws Exception {
    List<String> flags = new ArrayList<>();
    for (String f : settings.flags()) {
      flags.add(f.contains(WithServer.FREE_PORT) ? f.replace(WithServer.FREE_PORT, String.valueOf(freePort())) : f);
    }
    if (!settings.scenario().isEmpty()) {
      Path scenario = dir.resolve("scenario.json");
      try (InputStream in = ServerExtension.class.getResourceAsStream(settings.scenario())) {
        if (in == null) {
          throw new IllegalArgumentException("no scenario resource " + settings.scenario());
        }
        Files.copy(in, scenario);
      }
      flags.add("--emulator.scenario=" + scenario);
    }
    Path data = dir.resolve("data");
    if (!settings.firstStart() && flags.stream().noneMatch(f -> f.startsWith("--db.url=") || f.startsWith("--data.dir="))) {
      MigratedCluster.copyInto(data, true);
    }
    return TestServer.start(data, flags);
  }

  @Override
  Object part(TestServer server, Class<?> type) {
    return type == TestServer.class ? server : null;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
