package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The answered-call flow of CALL-FLOW.md: a trunk-style dial string, [huifang-answered] with
 * MixMonitor r()/t(), a FastAGI to the server, the server's AMI Bridge to an agent's open line,
 * the customer hanging up, the agent line staying up, and the recordings on disk.
 */
class HuifangFlowIT {
  static final String SCENARIO = """
      {"utcOffset": "+08:00", "sounds": {"sim/hello": 0.9},
       "numbers": [
         {"match": "13800138000", "steps": ["NoOp(customer)", "Ringing()", "Wait(1)", "Answer()",
            "Playback(sim/hello)", "Wait(8)", "Hangup(16)"]},
         {"match": "prefix:agent", "behavior": "agent"}]}
      """;

  @Test
  void answeredCustomerIsBridgedToAnAgentLineAndRecorded() throws Exception {
    Path dir = Files.createTempDirectory("huifang-flow");
    Path scenario = dir.resolve("scenario.json");
    Files.writeString(scenario, SCENARIO);
    Path rec = dir.resolve("rec");
    LinkedBlockingQueue<Map<String, String>> agiEnvs = new LinkedBlockingQueue<>();
    CountDownLatch bridged = new CountDownLatch(1);
    Vertx vertx = Vertx.vertx();
    try (ServerSocket agiServer = new ServerSocket(0)) {
      Thread agi = new Thread(() -> {
        try (Socket s = agiServer.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          Map<String, String> env = agiEnvironment(in);
          s.getOutputStream().write("GET VARIABLE HF_ATTEMPT\n".getBytes(StandardCharsets.UTF_8));
          env.put("reply", in.readLine());
          agiEnvs.add(env);
          // The server bridges over AMI, then lets the AGI script end.
          bridged.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          agiEnvs.add(Map.of("error", e.toString()));
        }
      });
      agi.setDaemon(true);
      agi.start();
      EmulatorOptions o = EmulatorOptions.defaults().withAmiPort(0).withSpeed(20).withScenario(scenario)
          .withRecordings(rec).withAgiUrl("agi://127.0.0.1:" + agiServer.getLocalPort());
      PbxEmulator emu = PbxEmulator.start(vertx, o).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
        c.login();
        // The agent's softphone line, opened once at login and kept up.
        c.send(AmiMessage.action("Originate").add("ActionID", "agent").add("Channel", "Local/agent-101@sim-customers")
            .add("Context", "huifang-agent").add("Exten", "s").add("Priority", "1").add("Variable", "HF_AGENT=101")
            .add("Async", "true"));
        AmiMessage agentUp = c.await(m -> "OriginateResponse".equals(m.get("Event")) && "agent".equals(m.get("ActionID")),
            5000);
        assertEquals("4", agentUp.get("Reason"));
        String agentChan = agentUp.get("Channel");

        c.send(AmiMessage.action("Originate").add("ActionID", "att-42").add("Channel", "PJSIP/13800138000@trunk")
            .add("Context", "huifang-answered").add("Exten", "s").add("Priority", "1").add("Timeout", "30000")
            .add("CallerID", "\"Huifang\" <4008001234>").add("Variable", "HF_ATTEMPT=att-42")
            .add("ChannelId", "att-42").add("Async", "true"));
        AmiMessage answered = c.await(m -> "OriginateResponse".equals(m.get("Event")) && "att-42".equals(m.get("ActionID")),
            5000);
        assertEquals("Success", answered.get("Response"));
        assertEquals("att-42", answered.get("Uniqueid"));
        String cust = answered.get("Channel");
        assertTrue(cust.matches("PJSIP/trunk-[0-9a-f]{8}"), cust);

        Map<String, String> env = agiEnvs.poll(5, TimeUnit.SECONDS);
        assertEquals("agi://127.0.0.1:" + agiServer.getLocalPort() + "/answered", env.get("agi_request"));
        assertEquals("att-42", env.get("agi_arg_1"));
        assertEquals(cust, env.get("agi_channel"));
        assertEquals("huifang-answered", env.get("agi_context"));
        assertEquals("200 result=1 (att-42)", env.get("reply"));

        c.send(AmiMessage.action("Bridge").add("ActionID", "br").add("Channel1", cust).add("Channel2", agentChan));
        AmiMessage br = c.await(m -> "br".equals(m.get("ActionID")), 5000);
        assertEquals("Channels have been bridged", br.get("Message"));
        c.await(m -> "BridgeEnter".equals(m.get("Event")) && agentChan.equals(m.get("Channel")), 5000);
        // Recording starts at the bridge, as Huifang does it: MixMonitor over AMI, customer and agent legs.
        c.send(AmiMessage.action("MixMonitor").add("ActionID", "rec").add("Channel", cust)
            .add("File", rec.resolve("att-42.wav").toString())
            .add("Options", "r(" + rec.resolve("att-42-customer.wav") + ")t(" + rec.resolve("att-42-agent.wav") + ")"));
        assertEquals("Success", c.await(m -> "rec".equals(m.get("ActionID")), 5000).get("Response"));
        // A stereo recording on the agent's line while bridged (app_mixmonitor's D option).
        c.send(AmiMessage.action("MixMonitor").add("ActionID", "mm").add("Channel", agentChan)
            .add("File", rec.resolve("agent-101-stereo.wav").toString()).add("Options", "D"));
        assertEquals("Success", c.await(m -> "mm".equals(m.get("ActionID")), 5000).get("Response"));
        bridged.countDown();
        AmiMessage agiStatus = c.seen(m -> "VarSet".equals(m.get("Event")) && "AGISTATUS".equals(m.get("Variable")),
            5000);
        assertEquals("SUCCESS", agiStatus.get("Value"));

        AmiMessage hangup = c.await(m -> "Hangup".equals(m.get("Event")) && cust.equals(m.get("Channel")), 5000);
        assertEquals("16", hangup.get("Cause"));
        c.seen(m -> "BridgeDestroy".equals(m.get("Event")), 5000);
        // The agent's line goes back to waiting for the next customer.
        c.await(m -> "Newexten".equals(m.get("Event")) && agentChan.equals(m.get("Channel"))
            && "Wait".equals(m.get("Application")), 5000);
        Thread.sleep(100);
        assertEquals(2, emu.liveChannels(), "only the agent's line should remain");

        c.send(AmiMessage.action("StopMixMonitor").add("ActionID", "stop").add("Channel", agentChan));
        assertEquals("Success", c.await(m -> "stop".equals(m.get("ActionID")), 5000).get("Response"));
        c.await(m -> "MixMonitorStop".equals(m.get("Event")), 5000);
        c.send(AmiMessage.action("Hangup").add("ActionID", "bye").add("Channel", agentChan));
        assertEquals("Channel Hungup", c.await(m -> "bye".equals(m.get("ActionID")), 5000).get("Message"));
        Await.atMost(Duration.ofSeconds(3)).every(Duration.ofMillis(10)).until("no live channel left",
            emu::liveChannels, n -> n == 0);
        assertEquals(0, emu.liveChannels());
      }
      emu.recordingsWritten().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

      Wav main = Wav.read(rec.resolve("att-42.wav"));
      Wav customer = Wav.read(rec.resolve("att-42-customer.wav"));
      Wav agentTrack = Wav.read(rec.resolve("att-42-agent.wav"));
      assertEquals(1, main.channels);
      // MixMonitor ran from the bridge to the hangup: less than the 9.4 s from answer (0.5 s media settle +
      // 0.9 s greeting + 8 s talk), by the time the AGI exchange took before the bridge.
      assertTrue(main.seconds() > 7.0 && main.seconds() < 9.4, "recorded " + main.seconds() + " s");
      assertEquals(main.frames(), customer.frames());
      double custPitch = customer.pitchOfLoudestFrame(0);
      double agentPitch = agentTrack.pitchOfLoudestFrame(0);
      assertTrue(custPitch > 90 && custPitch < 150, "customer pitch " + custPitch);
      assertTrue(agentPitch > 170 && agentPitch < 260, "agent pitch " + agentPitch);

      Wav stereo = Wav.read(rec.resolve("agent-101-stereo.wav"));
      assertEquals(2, stereo.channels);
      double left = stereo.pitchOfLoudestFrame(0);
      double right = stereo.pitchOfLoudestFrame(1);
      assertTrue(left < 150 && right > 170, "stereo pitches L=" + left + " R=" + right);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A minimal 16-bit PCM WAV reader with a crude autocorrelation pitch estimate. */
  static final class Wav {
    int channels;
    int rate;
    short[] samples;

    static Wav read(Path p) throws Exception {
      byte[] b = Files.readAllBytes(p);
      ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals("RIFF", new String(b, 0, 4, StandardCharsets.US_ASCII));
      assertEquals("WAVE", new String(b, 8, 4, StandardCharsets.US_ASCII));
      Wav w = new Wav();
      assertEquals(1, bb.getShort(20), "PCM");
      w.channels = bb.getShort(22);
      w.rate = bb.getInt(24);
      assertEquals(8000, w.rate);
      assertEquals(16, bb.getShort(34));
      int len = bb.getInt(40);
      assertEquals(b.length - 44, len);
      w.samples = new short[len / 2];
      bb.position(44);
      bb.asShortBuffer().get(w.samples);
      return w;
    }

    int frames() {
      return samples.length / channels;
    }

    /** Whether the 10 ms window {@code w} of channel {@code ch} is digital silence. */
    boolean silent(int w, int ch) {
      for (int i = w * rate / 100; i < Math.min(frames(), (w + 1) * rate / 100); i++) {
        if (samples[i * channels + ch] != 0) {
          return false;
        }
      }
      return true;
    }

    double seconds() {
      return frames() / (double) rate;
    }

    double pitchOfLoudestFrame(int ch) {
      int win = 400;
      int best = 0;
      double bestE = -1;
      for (int start = 0; start + win < frames(); start += win) {
        double e = 0;
        for (int i = 0; i < win; i++) {
          double v = samples[(start + i) * channels + ch];
          e += v * v;
        }
        if (e > bestE) {
          bestE = e;
          best = start;
        }
      }
      int bestLag = 0;
      double bestR = -1;
      for (int lag = 8000 / 400; lag <= 8000 / 60; lag++) {
        double r = 0;
        for (int i = 0; i + lag < win; i++) {
          r += samples[(best + i) * channels + ch] * (double) samples[(best + i + lag) * channels + ch];
        }
        if (r > bestR) {
          bestR = r;
          bestLag = lag;
        }
      }
      return 8000.0 / bestLag;
    }
  }

  /**
   * Several Huifang nodes (docs/cluster.md, "Taking a PBX over"): the call carries its dialling node's FastAGI address
   * in HUIFANG_AGI. That node is gone: the dialplan tries once more at the global address, and with no decision from
   * there either plays the safe-harbor message and hangs up; the customer is never left in silence.
   */
  @Test
  void anAnsweredCallWhoseNodeIsGoneTriesTheGlobalAddressThenGetsTheSafeHarbor() throws Exception {
    Path dir = Files.createTempDirectory("huifang-flow-gone");
    Path scenario = dir.resolve("scenario.json");
    Files.writeString(scenario, SCENARIO);
    int gone;
    try (ServerSocket s = new ServerSocket(0)) {
      gone = s.getLocalPort(); // a node that died: nothing listens there any more
    }
    LinkedBlockingQueue<Map<String, String>> atGlobal = new LinkedBlockingQueue<>();
    Vertx vertx = Vertx.vertx();
    try (ServerSocket global = new ServerSocket(0)) {
      Thread agi = new Thread(() -> {
        // A node that does not know the call: it reads the request and ends the script without a decision.
        try (Socket s = global.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          Map<String, String> env = agiEnvironment(in);
          atGlobal.add(env);
        } catch (Exception e) {
          atGlobal.add(Map.of("error", e.toString()));
        }
      });
      agi.setDaemon(true);
      agi.start();
      EmulatorOptions o = EmulatorOptions.defaults().withAmiPort(0).withSpeed(20).withScenario(scenario)
          .withRecordings(dir.resolve("rec")).withAgiUrl("agi://127.0.0.1:" + global.getLocalPort());
      PbxEmulator emu = PbxEmulator.start(vertx, o).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
        c.login();
        c.send(AmiMessage.action("Originate").add("ActionID", "att-43").add("Channel", "PJSIP/13800138000@trunk")
            .add("Context", "huifang-answered").add("Exten", "s").add("Priority", "1").add("Timeout", "30000")
            .add("Variable", "HF_ATTEMPT=att-43").add("Variable", "HF_EPOCH=7")
            .add("Variable", "HUIFANG_AGI=agi://127.0.0.1:" + gone).add("ChannelId", "att-43").add("Async", "true"));
        Map<String, String> env = atGlobal.poll(10, TimeUnit.SECONDS);
        assertEquals("agi://127.0.0.1:" + global.getLocalPort() + "/answered", env.get("agi_request"), env.toString());
        assertEquals("att-43", env.get("agi_arg_1"));
        assertEquals("7", env.get("agi_arg_2"));
        AmiMessage harbor = c.seen(m -> "VarSet".equals(m.get("Event")) && "HF_OUTCOME".equals(m.get("Variable"))
            && "att-43".equals(m.get("Uniqueid")), 5000);
        assertEquals("abandoned", harbor.get("Value"), "the safe-harbor message: " + harbor);
        c.await(m -> "Hangup".equals(m.get("Event")) && "att-43".equals(m.get("Uniqueid")), 10_000);
      } finally {
        emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The FastAGI session's opening lines ("agi_network: yes" ...) up to the blank line, as a map. */
  private static Map<String, String> agiEnvironment(BufferedReader in) throws java.io.IOException {
    Map<String, String> env = new HashMap<>();
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      int c = line.indexOf(": ");
      env.put(line.substring(0, c), line.substring(c + 2));
    }
    return env;
  }
}
