package io.huifang.pbx.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FastAGI server's limits against a hostile "PBX" on loopback: idle sessions are closed, connections past the
 * total or per-address cap are closed at once (and the rest keep being served), usage text without end is cut.
 */
class FastAgiLimitsIT {
  /** Small caps: 5 in all, 3 per address. */
  static final int MAX = 5;
  static final int PER_PEER = 3;
  Vertx vertx;
  FastAgiServer server;
  int port;
  final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  private void listen(Duration idle) {
    server = new FastAgiServer(vertx, Map.of(
        // Holds the session and says nothing: only the idle timeout ends it.
        "hold", session -> { },
        // One command, then bye.
        "answered", session -> session.command("GET VARIABLE HF_ATTEMPT").onComplete(ar -> session.close())),
        new FastAgiServer.Limits(idle, MAX, PER_PEER));
    port = server.listen("127.0.0.1", 0).await();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    vertx.close().await();
  }

  private Socket connect(String from) throws IOException {
    Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0);
    s.setSoTimeout(3000);
    sockets.add(s);
    return s;
  }

  /** True when the server closed the connection (end of stream or reset) within the socket's timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  @Test
  void aSessionOnWhichThePbxSaysNothingIsClosedAfterTheIdleTimeout() throws Exception {
    listen(Duration.ofMillis(400));
    long t0 = System.nanoTime();
    Socket held = connect("127.0.0.1");
    held.getOutputStream().write(FastAgiServerIT.env("hold", "att-1").getBytes(StandardCharsets.UTF_8));
    Socket mute = connect("127.0.0.1"); // not even the environment
    assertTrue(closedByServer(held), "the idle session was closed");
    assertTrue(closedByServer(mute), "the mute connection was closed");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 350, "not before the 400 ms idle timeout, took " + ms + " ms");
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(10)).until("both counted", server::idleClosed,
        n -> n == 2);
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(10)).until("none left open", server::open, n -> n == 0);
  }

  @Test
  void aPbxThatKeepsTalkingIsNotIdle() throws Exception {
    listen(Duration.ofMillis(1000));
    Socket s = connect("127.0.0.1");
    s.getOutputStream().write("agi_network: yes\n".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 15; i++) {
      Thread.sleep(150); // 2.25 s in all, more than twice the idle timeout, but never 1 s without a line
      s.getOutputStream().write(("agi_x" + i + ": y\n").getBytes(StandardCharsets.UTF_8));
    }
    s.setSoTimeout(100);
    assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "still open");
  }

  @Test
  void connectionsPastTheCapsAreClosedAtOnceAndTheOthersStillServed() throws Exception {
    listen(Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      connect("127.0.0.1");
    }
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(5)).until("three open", server::open, n -> n == 3);
    long t0 = System.nanoTime();
    assertTrue(closedByServer(connect("127.0.0.1")), "a fourth from one address is refused");
    Socket other1 = connect("127.0.0.2");
    Socket other2 = connect("127.0.0.2");
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(5)).until("five open", server::open, n -> n == 5);
    assertTrue(closedByServer(connect("127.0.0.2")), "a sixth in all is refused, whatever its address");
    // A flood: every one closed at once, none kept.
    for (int i = 0; i < 200; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(3000);
        assertTrue(closedByServer(s), "flood connection " + i + " refused");
      }
    }
    // Each read above waits at most 3 s; refused at once, not by the 30 s idle timeout.
    assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "refused at once, not by the idle timeout");
    assertEquals(202, server.refused());
    assertEquals(5, server.open());
    // Room again: a real session goes through.
    other1.close();
    other2.close();
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(5)).until("three open", server::open, n -> n == 3);
    Socket s = connect("127.0.0.2");
    s.getOutputStream().write(FastAgiServerIT.env("answered", "att-1").getBytes(StandardCharsets.UTF_8));
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("GET VARIABLE HF_ATTEMPT", in.readLine());
    s.getOutputStream().write("200 result=1 (att-1)\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(null, in.readLine(), "the script ran to its end");
  }

  @Test
  void usageTextWithoutEndClosesTheSession() throws Exception {
    listen(Duration.ofSeconds(30));
    Socket s = connect("127.0.0.1");
    s.getOutputStream().write(FastAgiServerIT.env("answered", "att-1").getBytes(StandardCharsets.UTF_8));
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("GET VARIABLE HF_ATTEMPT", in.readLine());
    StringBuilder usage = new StringBuilder();
    for (int i = 0; i < FastAgiServer.MAX_USAGE_LINES + 50; i++) {
      usage.append("520-Usage line ").append(i).append('\n');
    }
    s.getOutputStream().write(usage.toString().getBytes(StandardCharsets.UTF_8));
    assertTrue(closedByServer(s), "closed before the idle timeout could: usage text past the limit");
  }
}
