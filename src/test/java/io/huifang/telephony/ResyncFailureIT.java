package io.huifang.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.huifang.pbx.ami.AmiClient;
import io.huifang.pbx.ami.AmiParser;
import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker's resync against a PBX that logs Huifang in but refuses its channel list: the connection is no use
 * without the list, so it is dropped and made again (with the AMI client's growing backoff), not kept half-synced.
 */
class ResyncFailureIT {
  Vertx vertx;
  NetServer pbx;
  final AtomicInteger logins = new AtomicInteger();
  final AtomicInteger lists = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pbx = vertx.createNetServer().connectHandler(this::refusingLists);
    pbx.listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void refusingLists(NetSocket so) {
    so.write("Asterisk Call Manager/11.0.0\r\n");
    so.handler(new AmiParser(m -> {
      String id = m.get("ActionID");
      String reply = switch (m.get("Action")) {
        case "Challenge" -> "Response: Success\r\nActionID: " + id + "\r\nChallenge: 1\r\n\r\n";
        case "Login" -> {
          logins.incrementAndGet();
          yield "Response: Success\r\nActionID: " + id + "\r\nMessage: Authentication accepted\r\n\r\n";
        }
        case "CoreShowChannels" -> {
          lists.incrementAndGet();
          yield "Response: Error\r\nActionID: " + id + "\r\nMessage: Permission denied\r\n\r\n";
        }
        default -> "Response: Success\r\nActionID: " + id + "\r\n\r\n";
      };
      so.write(Buffer.buffer(reply));
    }));
  }

  @Test
  void aRefusedResyncDropsTheConnectionAndTriesAgain() {
    AmiClient ami = new AmiClient(vertx, AmiClient.Options.of("hostile", "127.0.0.1", pbx.actualPort(), "huifang",
        "s3cret").withBackoff(Duration.ofMillis(20), Duration.ofMillis(100)));
    // No database: a refused resync never reaches the store (a successful one would, and is not this test's).
    new CallTracker(vertx, "hostile", ami, null, Clock.systemUTC());
    ami.start();
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("three logins", logins::get, n -> n >= 3);
    assertEquals("closed by Huifang: resync failed: CoreShowChannels: Permission denied", ami.lastLoss());
    assertNotEquals(0, lists.get());
    ami.close().await();
  }
}
