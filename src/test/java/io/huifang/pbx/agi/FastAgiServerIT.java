package io.huifang.pbx.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FastAGI server against a hand-driven "Asterisk": the trace's framing, hostile input, explicit mapping. */
class FastAgiServerIT {
  Vertx vertx;
  int port;
  final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    FastAgiServer server = new FastAgiServer(vertx, Map.of("answered", session -> {
      seen.add("script " + session.script() + " args " + session.args());
      session.command("GET VARIABLE HF_ATTEMPT").compose(r -> {
        seen.add("var " + r.data());
        return session.setVariable("HF_DECISION", "bridge");
      }).onComplete(ar -> {
        seen.add("set " + (ar.succeeded() ? ar.result().code() + " hungUp=" + session.hungUp() : ar.cause()));
        session.close();
      });
    }));
    port = server.listen("127.0.0.1", 0).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  static String env(String script, String... args) {
    StringBuilder sb = new StringBuilder("agi_network: yes\nagi_network_script: " + script + "\nagi_request: agi://127"
        + ".0.0.1/" + script + "\nagi_channel: PJSIP/trunk-00000001\nagi_uniqueid: att-1\n");
    for (int i = 0; i < args.length; i++) {
      sb.append("agi_arg_").append(i + 1).append(": ").append(args[i]).append('\n');
    }
    return sb.append('\n').toString();
  }

  @Test
  void asyncHangupBetweenCommandAndReplyDoesNotDisturbTheReply() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write(env("answered", "att-1").getBytes(StandardCharsets.UTF_8));
      assertEquals("GET VARIABLE HF_ATTEMPT", in.readLine());
      out.write("200 result=1 (att-1)\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("SET VARIABLE HF_DECISION \"bridge\"", in.readLine());
      // As in trace 05a: the HANGUP notice arrives before the reply to SET VARIABLE.
      out.write("HANGUP\n200 result=1\n".getBytes(StandardCharsets.UTF_8));
      assertEquals(null, in.readLine(), "the script closed the session");
    }
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(10)).until("three script steps", () -> List.copyOf(seen),
        steps -> steps.size() >= 3);
    assertEquals(List.of("script answered args [att-1]", "var att-1", "set 200 hungUp=true"), seen);
  }

  @Test
  void unknownScriptsAreRefusedNeverResolvedToCode() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(env("java.lang.Runtime").getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      assertTrue(line.startsWith("VERBOSE \"Huifang: no AGI script named java.lang.Runtime"), line);
      s.getOutputStream().write("200 result=1\n".getBytes(StandardCharsets.UTF_8));
      assertEquals(null, in.readLine(), "closed");
    }
    assertTrue(seen.isEmpty());
  }

  @Test
  void oversizedLinesAndEndlessEnvironmentsCloseOnlyThatConnection() throws Exception {
    long t0 = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(("agi_network: " + "x".repeat(20_000) + "\n").getBytes(StandardCharsets.UTF_8));
      assertEquals(-1, s.getInputStream().read(), "closed after an over-long line");
    }
    assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "closed at once, not by the idle timeout");
    try (Socket s = new Socket("127.0.0.1", port)) {
      StringBuilder junk = new StringBuilder();
      for (int i = 0; i < 300; i++) {
        junk.append("agi_junk_").append(i).append(": y\n");
      }
      s.getOutputStream().write(junk.toString().getBytes(StandardCharsets.UTF_8));
      assertEquals(-1, s.getInputStream().read(), "closed after too many environment lines");
    }
    // Still serving.
    asyncHangupBetweenCommandAndReplyDoesNotDisturbTheReply();
  }
}
