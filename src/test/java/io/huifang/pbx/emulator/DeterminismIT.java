package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same seed and the same Originates give the same world, whatever the timer interleaving. */
class DeterminismIT {
  static Map<String, String> outcomes(Vertx vertx, long seed) throws Exception {
    PbxEmulator emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(400).withSeed(seed)
        .withAgiUrl(null)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Map<String, String> out = new TreeMap<>();
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      c.login();
      int n = 40;
      for (int i = 0; i < n; i++) {
        c.send(AmiMessage.action("Originate").add("ActionID", "d" + i)
            .add("Channel", String.format("PJSIP/139%08d@trunk", i)).add("Application", "Wait").add("Data", "1")
            .add("Timeout", "60000").add("Async", "true"));
      }
      while (out.size() < n) {
        AmiMessage m = c.await(x -> "OriginateResponse".equals(x.get("Event")), 10_000);
        out.put(m.get("ActionID"), m.get("Response") + "/" + m.get("Reason"));
      }
    } finally {
      emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return out;
  }

  @Test
  void sameSeedSameOutcomes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> a = outcomes(vertx, 1234);
      Map<String, String> b = outcomes(vertx, 1234);
      Map<String, String> other = outcomes(vertx, 99);
      assertEquals(a, b);
      assertNotEquals(a, other);
      assertTrue(a.containsValue("Success/4"), a.toString());
      assertTrue(a.values().stream().anyMatch(v -> v.startsWith("Failure")), a.toString());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
