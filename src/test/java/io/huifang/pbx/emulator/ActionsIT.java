package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Actions the traces do not cover: Redirect, Getvar on a live channel, sync Originate queuing. */
class ActionsIT {
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
      long end = System.currentTimeMillis() + 3000;
      while (emu.liveChannels() > 0 && System.currentTimeMillis() < end) {
        Thread.sleep(10);
      }
      assertEquals(0, emu.liveChannels());
    } finally {
      emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
