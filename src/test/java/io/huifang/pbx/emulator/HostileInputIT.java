package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Untrusted input: the emulator answers like Asterisk or closes that one connection, and leaks nothing. */
class HostileInputIT {
  static Vertx vertx;
  static PbxEmulator emu;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(50).withAgiUrl(null))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A second, well-behaved client must be served throughout. */
  static void assertStillServing() throws Exception {
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      assertEquals("Success", c.login().get("Response"));
      c.send(AmiMessage.action("Ping").add("ActionID", "p"));
      AmiMessage pong = c.await(m -> "p".equals(m.get("ActionID")), 5000);
      assertEquals("Pong", pong.get("Ping"));
    }
  }

  @Test
  void malformedLinesGetAsteriskErrors() throws Exception {
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.sendRaw("this is not a header\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      AmiMessage r = c.await(AmiMessage::isResponse, 5000);
      assertEquals("Missing action in request", r.get("Message"));
      c.sendRaw("Action: Ping\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("Permission denied", c.await(AmiMessage::isResponse, 5000).get("Message"));
      c.login();
      c.sendRaw(": no name\r\nAction: Originate\r\nActionID: o\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("Channel not specified", c.await(m -> "o".equals(m.get("ActionID")), 5000).get("Message"));
      c.sendRaw("Action: Originate\r\nActionID: o2\r\nChannel: nonsense\r\nExten: s\r\nContext: outbound\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertEquals("Invalid channel", c.await(m -> "o2".equals(m.get("ActionID")), 5000).get("Message"));
      c.sendRaw("Action: Hangup\r\nActionID: h\r\nChannel: /[unclosed/\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      AmiMessage h = c.await(m -> "h".equals(m.get("ActionID")), 5000);
      assertEquals("Error", h.get("Response"));
    }
    assertStillServing();
  }

  @Test
  void messageOver64KiBClosesThatConnection() throws Exception {
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.login();
      StringBuilder sb = new StringBuilder("Action: Ping\r\n");
      while (sb.length() < 70 * 1024) {
        sb.append("X-Padding: ").append("y".repeat(1000)).append("\r\n");
      }
      c.sendRaw(sb.toString().getBytes(StandardCharsets.US_ASCII));
      assertTrue(c.waitClosed(5000), "connection left open");
    }
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.sendRaw(("Action: " + "z".repeat(20 * 1024)).getBytes(StandardCharsets.US_ASCII));
      assertTrue(c.waitClosed(5000), "overlong line left open");
    }
    assertStillServing();
  }

  @Test
  void binaryJunkIsSurvived() throws Exception {
    byte[] junk = new byte[200_000];
    new Random(7).nextBytes(junk);
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      try {
        c.sendRaw(junk);
      } catch (java.io.IOException closed) {
        // the server may close mid-write: that is an allowed answer
      }
      c.waitClosed(3000);
    }
    assertStillServing();
  }

  @Test
  void disconnectsMidMessageAndMidCallLeakNothing() throws Exception {
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.login();
      c.sendRaw("Action: Originate\r\nChannel: Local/1001@sim-cu".getBytes(StandardCharsets.US_ASCII));
    }
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.login();
      c.send(AmiMessage.action("Originate").add("Channel", "Local/1001@sim-customers").add("Application", "Wait")
          .add("Data", "2").add("Async", "true"));
      c.await(AmiMessage::isResponse, 5000);
    }
    // The call outlives its client and ends on its own (answer after 2 s, talk ~5 s, at 50x).
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until("the call to end on its own",
        emu::liveChannels, n -> n == 0);
    assertEquals(0, emu.liveChannels());
    assertStillServing();
  }

  @Test
  void thousandConnectsAndDisconnects() throws Exception {
    int threadsBefore = Thread.activeCount();
    byte[] banner = new byte[64];
    for (int i = 0; i < 1000; i++) {
      try (Socket s = new Socket("127.0.0.1", emu.amiPort())) {
        s.setSoLinger(true, 0);
        if (i % 3 == 0) {
          InputStream in = s.getInputStream();
          in.read(banner);
        }
        if (i % 5 == 0) {
          s.getOutputStream().write("Action: Login\r\nUsername: dialer\r\n".getBytes(StandardCharsets.US_ASCII));
        }
      }
    }
    int open = Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until("every AMI session closed",
        () -> {
          try {
            return emu.amiSessions().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new AssertionError("cannot count the AMI sessions", e);
          }
        }, n -> n == 0);
    assertEquals(0, open, "AMI sessions left open");
    assertEquals(0, emu.liveChannels());
    assertTrue(Thread.activeCount() <= threadsBefore + 4, "threads grew from " + threadsBefore + " to "
        + Thread.activeCount());
    assertStillServing();
  }
}
