package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Set(TIMEOUT(absolute)=N) and the T extension, as Asterisk 20–22's source has them (no trace records them; see
 * docs/pbx-emulator.md, "The absolute timeout"): func_timeout.c sets the channel's whentohangup (no event); at it the
 * channel gets AST_SOFTHANGUP_TIMEOUT, the application waiting on the channel returns -1 and __ast_pbx_run goes to T,1
 * (or e,1 with the exception ABSOLUTETIMEOUT; neither: the call ends), clearing the timeout. AGI (res_agi.c run_agi)
 * tells a FastAGI script HANGUP and, with AGIEXITONHANGUP=yes, returns at once (HANGUP once more, connection closed);
 * without it, only when the script closes. A World of the emulator runs a dialplan of test contexts; the customer is a
 * built-in agent line (answers, stays up), so only the timeout ends what the caller's leg does.
 */
class AbsoluteTimeoutTest {
  static final String DIALPLAN = """
      [t-wait]
      exten => s,1,Set(TIMEOUT(absolute)=0.4)
       same => n,Wait(600)
       same => n,NoOp(not reached)
      exten => T,1,NoOp(timed out)
       same => n,Hangup(16)

      [t-cleared]
      exten => s,1,Set(TIMEOUT(absolute)=0.3)
       same => n,Set(TIMEOUT(absolute)=0)
       same => n,Wait(20)
       same => n,NoOp(waited)
       same => n,Hangup(16)
      exten => T,1,NoOp(timed out)

      [t-agi-exit]
      exten => s,1,Set(AGIEXITONHANGUP=yes)
       same => n,Set(TIMEOUT(absolute)=0.4)
       same => n,AGI(${STALL}/answered,a1)
       same => n,NoOp(not reached)
       same => n(done),Hangup(16)
      exten => T,1,NoOp(after AGI ${AGISTATUS})
       same => n,Goto(s,done)

      [t-agi-wait]
      exten => s,1,Set(TIMEOUT(absolute)=0.4)
       same => n,AGI(${STALL}/answered,a2)
       same => n,NoOp(not reached)
      exten => T,1,NoOp(after AGI ${AGISTATUS})
       same => n,Hangup(16)

      [t-exception]
      exten => s,1,Set(TIMEOUT(absolute)=0.3)
       same => n,Wait(600)
      exten => e,1,NoOp(exception ${EXCEPTION(reason)})
       same => n,Hangup(16)

      [t-neither]
      exten => s,1,Set(TIMEOUT(absolute)=0.3)
       same => n,Wait(600)
      """;

  private Vertx vertx;
  private Context context;
  private World world;
  private final LinkedBlockingQueue<AmiMessage> events = new LinkedBlockingQueue<>();
  private final List<AmiMessage> seen = new ArrayList<>();
  private ServerSocket stall;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    stall = new ServerSocket(0);
    Dialplan dialplan = Dialplan.parse(DIALPLAN);
    EmulatorOptions options = EmulatorOptions.defaults().withSpeed(20).withAgiUrl(null);
    java.util.concurrent.CompletableFuture<World> made = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> {
      World w = new World(vertx, new SimClock(vertx, 20, 1_700_000_000_000L), Scenario.builtIn(), dialplan, options,
          (cls, m) -> events.add(m));
      w.globals.put("STALL", "agi://127.0.0.1:" + stall.getLocalPort());
      made.complete(w);
    });
    world = made.get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    stall.close();
    context.runOnContext(v -> world.clear());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Originates to an agent line (answers, stays up) into the context; the caller's leg runs it. */
  private void call(String ctx) {
    AmiMessage o = AmiMessage.action("Originate").add("ActionID", ctx).add("Channel", "Local/5001@sim-customers")
        .add("Context", ctx).add("Exten", "s").add("Priority", "1").add("Async", "true");
    context.runOnContext(v -> world.originator.originate(o, null));
  }

  private AmiMessage await(Predicate<AmiMessage> p, long ms) throws InterruptedException {
    for (AmiMessage m : seen) {
      if (p.test(m)) {
        return m;
      }
    }
    long end = System.nanoTime() + ms * 1_000_000;
    while (System.nanoTime() < end) {
      AmiMessage m = events.poll(20, TimeUnit.MILLISECONDS);
      if (m != null) {
        seen.add(m);
        if (p.test(m)) {
          return m;
        }
      }
    }
    return null;
  }

  private static Predicate<AmiMessage> leg1(String event) {
    return m -> event.equals(m.get("Event")) && m.get("Channel", "").endsWith(";1");
  }

  private static Predicate<AmiMessage> step(String exten, String app) {
    return m -> "Newexten".equals(m.get("Event")) && m.get("Channel", "").endsWith(";1")
        && exten.equals(m.get("Exten")) && app.equals(m.get("Application"));
  }

  @Test
  void theTimeoutInterruptsWaitAndTheDialplanGoesToTWithTheTimeoutCleared() throws Exception {
    call("t-wait");
    assertNotNull(await(step("s", "Wait"), 3000));
    long waitAt = System.nanoTime();
    AmiMessage t = await(step("T", "NoOp"), 3000);
    long ms = (System.nanoTime() - waitAt) / 1_000_000;
    assertNotNull(t, "T,1 after the timeout");
    assertEquals("1", t.get("Priority"));
    assertTrue(ms >= 300 && ms < 1500, "the timeout runs on the wall clock (0.4 s, at speed 20): " + ms + " ms");
    assertNotNull(await(leg1("Hangup"), 3000), "T's Hangup ends the call");
    assertTrue(seen.stream().noneMatch(step("s", "NoOp")), "the step after Wait is never run");
    assertTrue(seen.stream().noneMatch(m -> "VarSet".equals(m.get("Event")) && m.get("Variable", "")
        .startsWith("TIMEOUT")), "a function, not a variable: no VarSet");
  }

  @Test
  void aTimeoutSetToZeroIsCleared() throws Exception {
    call("t-cleared");
    AmiMessage waited = await(step("s", "NoOp"), 5000);
    assertNotNull(waited, "Wait(20) at speed 20 (1 s) ran to its end");
    assertNotNull(await(leg1("Hangup"), 3000));
    assertTrue(seen.stream().noneMatch(step("T", "NoOp")), "no T: the timeout was cleared");
  }

  @Test
  void agiExitOnHangupReturnsAtTheTimeoutWithoutWaitingForTheScript() throws Exception {
    call("t-agi-exit");
    try (Socket s = stall.accept()) {
      s.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      List<String> env = environment(in);
      assertTrue(env.contains("agi_arg_1: a1"), env.toString());
      long at = System.nanoTime();
      // The script never answers: at the timeout it is told HANGUP, then once more as AGI() ends, then the close.
      assertEquals("HANGUP", in.readLine());
      long ms = (System.nanoTime() - at) / 1_000_000;
      assertTrue(ms >= 250 && ms < 1500, "told at the timeout: " + ms + " ms");
      assertEquals("HANGUP", in.readLine());
      assertNull(in.readLine(), "Asterisk closed the connection");
    }
    AmiMessage status = await(m -> "VarSet".equals(m.get("Event")) && "AGISTATUS".equals(m.get("Variable")), 3000);
    assertEquals("HANGUP", status.get("Value"));
    AmiMessage t = await(step("T", "NoOp"), 3000);
    assertEquals("after AGI HANGUP", t.get("AppData"));
    assertTrue(seen.indexOf(status) < seen.indexOf(t), "AGISTATUS is set as AGI() returns, before T");
    assertNotNull(await(step("s", "Hangup"), 3000), "T's Goto(s,done) reaches the labelled step");
    assertTrue(seen.stream().noneMatch(step("s", "NoOp")), "the step after the AGI is never run");
    assertTrue(seen.stream().noneMatch(m -> "SoftHangupRequest".equals(m.get("Event"))
        && seen.indexOf(m) < seen.indexOf(t)), "the timeout publishes no hangup request");
  }

  @Test
  void withoutAgiExitOnHangupTheAgiWaitsForTheScriptToClose() throws Exception {
    call("t-agi-wait");
    try (Socket s = stall.accept()) {
      s.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      environment(in);
      assertEquals("HANGUP", in.readLine());
      // The channel is dead to the script, and the AGI still waits on it: no T, no AGISTATUS.
      s.getOutputStream().write("ANSWER\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("511 Command Not Permitted on a dead channel or intercept routine", in.readLine());
      // (the emulator's own guard gives up on a dead script after 30 simulated seconds: 1.5 s here)
      Thread.sleep(500);
      assertNull(await(step("T", "NoOp"), 10), "AGI() has not returned while the script keeps the connection");
    }
    AmiMessage t = await(step("T", "NoOp"), 3000);
    assertNotNull(t, "the script closed: AGI() returns and the PBX goes to T");
    assertEquals("after AGI HANGUP", t.get("AppData"));
  }

  @Test
  void withoutTButWithETheExceptionIsAbsoluteTimeout() throws Exception {
    call("t-exception");
    AmiMessage e = await(step("e", "NoOp"), 3000);
    assertNotNull(e);
    assertEquals("exception ABSOLUTETIMEOUT", e.get("AppData"));
  }

  @Test
  void withNeitherTNorETheCallEnds() throws Exception {
    call("t-neither");
    assertNotNull(await(step("s", "Wait"), 3000));
    assertNotNull(await(leg1("Hangup"), 3000), "the call ends at the timeout");
    assertFalse(seen.stream().anyMatch(m -> "Newexten".equals(m.get("Event")) && m.get("Channel", "").endsWith(";1")
        && !"s".equals(m.get("Exten")) && !"AppDial2".equals(m.get("Application"))), "nowhere else to go");
  }

  @Test
  void theValueIsReadAsTimeoutWriteReadsIt() {
    assertEquals(5_000_000, DialplanInterpreter.timeoutMicros("5"));
    assertEquals(2_500_000, DialplanInterpreter.timeoutMicros("2.5"));
    assertEquals(250_000, DialplanInterpreter.timeoutMicros("0.25"));
    assertEquals(3_000_000, DialplanInterpreter.timeoutMicros(" 3"));
    assertEquals(0, DialplanInterpreter.timeoutMicros("0"));
    assertEquals(0, DialplanInterpreter.timeoutMicros("-1"));
    assertEquals(0, DialplanInterpreter.timeoutMicros("abc"));
    assertEquals(0, DialplanInterpreter.timeoutMicros(""));
    assertEquals(7_000_000, DialplanInterpreter.timeoutMicros("7 s"));
  }

  private static List<String> environment(BufferedReader in) throws java.io.IOException {
    List<String> env = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      env.add(line);
    }
    return env;
  }
}
