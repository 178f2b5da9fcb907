package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Actions the traces do not cover: Redirect, Getvar on a live channel, sync Originate queuing, MixMonitorMute. */
class ActionsIT {
  /**
   * MixMonitorMute during a bridged call (real time, speed 1, so the test's clock is the recording's): the muted
   * direction is digital silence in the r()/t() files and in the mix for exactly the muted span, and only there.
   */
  @Test
  void mixMonitorMuteSilencesTheMutedDirectionsForTheSpan() throws Exception {
    Path rec = Files.createTempDirectory("huifang-mute");
    Vertx vertx = Vertx.vertx();
    PbxEmulator emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(1).withAgiUrl(null)
            .withRecordings(rec)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.login();
      c.send(AmiMessage.action("Originate").add("ActionID", "a").add("Channel", "Local/1001@sim-customers")
          .add("Application", "Echo").add("Async", "true"));
      String a = c.await(m -> "OriginateResponse".equals(m.get("Event")) && "a".equals(m.get("ActionID")), 5000)
          .get("Channel");
      c.send(AmiMessage.action("Originate").add("ActionID", "b").add("Channel", "Local/1002@sim-customers")
          .add("Application", "Echo").add("Async", "true"));
      String b = c.await(m -> "OriginateResponse".equals(m.get("Event")) && "b".equals(m.get("ActionID")), 5000)
          .get("Channel");
      c.send(AmiMessage.action("Bridge").add("ActionID", "br").add("Channel1", a).add("Channel2", b));
      assertEquals("Channels have been bridged", c.await(m -> "br".equals(m.get("ActionID")), 5000).get("Message"));

      // Before any MixMonitor: Asterisk finds no audiohook to flag.
      c.send(AmiMessage.action("MixMonitorMute").add("ActionID", "early").add("Channel", a).add("Direction", "both")
          .add("State", "1"));
      assertEquals("Cannot set mute flag", c.await(m -> "early".equals(m.get("ActionID")), 5000).get("Message"));

      c.send(AmiMessage.action("MixMonitor").add("ActionID", "rec").add("Channel", a)
          .add("File", rec.resolve("m.wav").toString())
          .add("Options", "r(" + rec.resolve("m-customer.wav") + ")t(" + rec.resolve("m-agent.wav") + ")"));
      assertEquals("Success", c.await(m -> "rec".equals(m.get("ActionID")), 5000).get("Response"));
      long t0 = System.nanoTime();
      Thread.sleep(500);
      double bothFrom = mute(c, a, "both", "1", t0);
      Thread.sleep(600);
      double bothTo = mute(c, a, "both", "0", t0);
      Thread.sleep(500);
      double readFrom = mute(c, a, "read", "1", t0);
      Thread.sleep(600);
      double readTo = mute(c, a, "READ", "off", t0);
      Thread.sleep(500);

      // The errors, in app_mixmonitor's order and words.
      c.send(AmiMessage.action("MixMonitorMute").add("ActionID", "e1").add("Channel", "PJSIP/nope-00000000")
          .add("Direction", "both").add("State", "1"));
      AmiMessage e1 = c.await(m -> "e1".equals(m.get("ActionID")), 5000);
      assertEquals("Error", e1.get("Response"));
      assertEquals("No such channel", e1.get("Message"));
      c.send(AmiMessage.action("MixMonitorMute").add("ActionID", "e2").add("Channel", a).add("State", "1"));
      assertEquals("No direction specified. Must be read, write or both",
          c.await(m -> "e2".equals(m.get("ActionID")), 5000).get("Message"));
      c.send(AmiMessage.action("MixMonitorMute").add("ActionID", "e3").add("Channel", a).add("Direction", "in")
          .add("State", "1"));
      assertEquals("Invalid direction specified. Must be read, write or both",
          c.await(m -> "e3".equals(m.get("ActionID")), 5000).get("Message"));
      c.send(AmiMessage.action("MixMonitorMute").add("ActionID", "e4").add("Direction", "both").add("State", "1"));
      assertEquals("No channel specified", c.await(m -> "e4".equals(m.get("ActionID")), 5000).get("Message"));
      c.send(AmiMessage.action("MixMonitorMute").add("ActionID", "e5").add("Channel", a).add("Direction", "both"));
      assertEquals("No state specified", c.await(m -> "e5".equals(m.get("ActionID")), 5000).get("Message"));
      c.send(AmiMessage.action("ListCommands").add("ActionID", "lc"));
      assertEquals("MixMonitorMute.  (Priv: <none>)",
          c.await(m -> "lc".equals(m.get("ActionID")), 5000).get("MixMonitorMute"));

      c.send(AmiMessage.action("StopMixMonitor").add("ActionID", "stop").add("Channel", a));
      assertEquals("Success", c.await(m -> "stop".equals(m.get("ActionID")), 5000).get("Response"));
      double end = (System.nanoTime() - t0) / 1e9;
      c.send(AmiMessage.action("Hangup").add("ActionID", "h").add("Channel", a));
      c.await(m -> "h".equals(m.get("ActionID")), 5000);
      c.send(AmiMessage.action("Hangup").add("ActionID", "h2").add("Channel", b));
      c.await(m -> "h2".equals(m.get("ActionID")), 5000);
      emu.recordingsWritten().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

      HuifangFlowIT.Wav mixed = HuifangFlowIT.Wav.read(rec.resolve("m.wav"));
      HuifangFlowIT.Wav customer = HuifangFlowIT.Wav.read(rec.resolve("m-customer.wav"));
      HuifangFlowIT.Wav agent = HuifangFlowIT.Wav.read(rec.resolve("m-agent.wav"));
      assertTrue(Math.abs(mixed.seconds() - end) < 0.3, "recorded " + mixed.seconds() + " s of " + end);
      // 10 ms windows; 100 ms of slack at each edge for the AMI round trips.
      for (int w = 0; w * 0.01 + 0.01 <= mixed.seconds(); w++) {
        double from = w * 0.01;
        double to = from + 0.01;
        boolean inBoth = from > bothFrom + 0.1 && to < bothTo - 0.1;
        boolean outBoth = to < bothFrom - 0.1 || from > bothTo + 0.1;
        boolean inRead = from > readFrom + 0.1 && to < readTo - 0.1;
        boolean outRead = to < readFrom - 0.1 || from > readTo + 0.1;
        String at = String.format(java.util.Locale.ROOT, " at %.2f s (both %.2f-%.2f, read %.2f-%.2f)", from,
            bothFrom, bothTo, readFrom, readTo);
        if (inBoth) {
          assertTrue(customer.silent(w, 0) && agent.silent(w, 0) && mixed.silent(w, 0), "muted" + at);
        } else if (inRead) {
          assertTrue(customer.silent(w, 0), "customer muted" + at);
          assertTrue(!agent.silent(w, 0) && !mixed.silent(w, 0), "agent and mix not muted" + at);
        } else if (outBoth && outRead) {
          assertTrue(!customer.silent(w, 0) && !agent.silent(w, 0) && !mixed.silent(w, 0), "not muted" + at);
        }
      }
    } finally {
      emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Sends MixMonitorMute, checks the bare Success and the event; returns the middle of the round trip, in s. */
  private static double mute(TestAmiClient c, String ch, String direction, String state, long t0) throws Exception {
    String id = "mute-" + direction + "-" + state;
    double sent = (System.nanoTime() - t0) / 1e9;
    c.send(AmiMessage.action("MixMonitorMute").add("ActionID", id).add("Channel", ch).add("Direction", direction)
        .add("State", state));
    AmiMessage r = c.await(m -> id.equals(m.get("ActionID")), 5000);
    double got = (System.nanoTime() - t0) / 1e9;
    assertEquals("Success", r.get("Response"));
    assertNull(r.get("Message"));
    String flag = AmiServer.isTrue(state) ? "1" : "0";
    AmiMessage ev = c.seen(m -> "MixMonitorMute".equals(m.get("Event")) && ch.equals(m.get("Channel"))
        && direction.equals(m.get("Direction")) && flag.equals(m.get("State")), 5000);
    assertEquals("call", ev.get("Privilege").split(",")[0]);
    return (sent + got) / 2;
  }

  @Test
  void redirectMovesALiveChannelIntoAnotherContext() throws Exception {
    Vertx vertx = Vertx.vertx();
    PbxEmulator emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(20).withAgiUrl(null))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.login();
      c.send(AmiMessage.action("Originate").add("ActionID", "o").add("Channel", "Local/1001@sim-customers")
          .add("Application", "Echo").add("Async", "true"));
      String ch = c.await(m -> "OriginateResponse".equals(m.get("Event")), 5000).get("Channel");
      c.send(AmiMessage.action("Getvar").add("ActionID", "g").add("Channel", ch).add("Variable", "CHANNEL(state)"));
      assertEquals("Up", c.await(m -> "g".equals(m.get("ActionID")), 5000).get("Value"));
      c.send(AmiMessage.action("Redirect").add("ActionID", "r").add("Channel", ch).add("Context", "huifang-agent")
          .add("Exten", "s").add("Priority", "1"));
      assertEquals("Redirect successful", c.await(m -> "r".equals(m.get("ActionID")), 5000).get("Message"));
      AmiMessage ne = c.await(m -> "Newexten".equals(m.get("Event")) && ch.equals(m.get("Channel")), 5000);
      assertEquals("huifang-agent", ne.get("Context"));
      assertEquals("NoOp", ne.get("Application"));
      c.send(AmiMessage.action("Redirect").add("ActionID", "r2").add("Channel", "Local/nope-00000000;1")
          .add("Context", "huifang-agent").add("Exten", "s"));
      assertEquals("Channel does not exist: Local/nope-00000000;1",
          c.await(m -> "r2".equals(m.get("ActionID")), 5000).get("Message"));
      c.send(AmiMessage.action("Bridge").add("ActionID", "b").add("Channel1", ch).add("Channel2", "nope"));
      assertEquals("Channel2 does not exist: nope", c.await(m -> "b".equals(m.get("ActionID")), 5000).get("Message"));
      c.send(AmiMessage.action("Hangup").add("ActionID", "h").add("Channel", ch));
      assertEquals("Channel Hungup", c.await(m -> "h".equals(m.get("ActionID")), 5000).get("Message"));
      Await.atMost(Duration.ofSeconds(3)).every(Duration.ofMillis(10)).until("no live channel left",
          emu::liveChannels, n -> n == 0);
      assertEquals(0, emu.liveChannels());
    } finally {
      emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
