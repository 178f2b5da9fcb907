package io.huifang.pbx.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The AMI client against a scripted PBX: MD5 login, list actions, a hostile PBX, a silent PBX. */
class AmiClientIT {
  Vertx vertx;
  NetServer server;
  final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
  final AtomicInteger logins = new AtomicInteger();
  volatile boolean answerPings = true;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createNetServer().connectHandler(this::pbx);
    server.listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** A PBX that speaks just enough AMI: banner, MD5 challenge, login, CoreShowChannels, Ping. */
  private void pbx(NetSocket so) {
    sockets.add(so);
    so.write("Asterisk Call Manager/11.0.0\r\n");
    AmiParser parser = new AmiParser(m -> {
      String id = m.get("ActionID");
      switch (m.get("Action")) {
        case "Challenge" -> reply(so, "Response: Success\r\nActionID: " + id + "\r\nChallenge: 410334979\r\n\r\n");
        case "Login" -> {
          boolean ok = AmiClient.md5Hex("410334979" + "s3cret").equals(m.get("Key"));
          if (ok) {
            logins.incrementAndGet();
          }
          reply(so, ok ? "Response: Success\r\nActionID: " + id + "\r\nMessage: Authentication accepted\r\n\r\n"
              : "Response: Error\r\nActionID: " + id + "\r\nMessage: Authentication failed\r\n\r\n");
        }
        case "CoreShowChannels" -> reply(so, "Response: Success\r\nActionID: " + id
            + "\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n"
            + "Event: CoreShowChannel\r\nActionID: " + id + "\r\nChannel: PJSIP/trunk-00000001\r\nUniqueid: a-1\r\n\r\n"
            + "Event: Newstate\r\nPrivilege: call,all\r\nChannel: PJSIP/other\r\nUniqueid: x\r\n\r\n"
            + "Event: CoreShowChannel\r\nActionID: " + id + "\r\nChannel: PJSIP/agent-7-00000002\r\nUniqueid: l-7\r\n\r\n"
            + "Event: CoreShowChannelsComplete\r\nActionID: " + id + "\r\nEventList: Complete\r\nListItems: 2\r\n\r\n");
        case "Ping" -> {
          if (answerPings) {
            reply(so, "Response: Success\r\nActionID: " + id + "\r\nPing: Pong\r\n\r\n");
          }
        }
        default -> reply(so, "Response: Error\r\nActionID: " + id + "\r\nMessage: Invalid/unknown command\r\n\r\n");
      }
    });
    so.handler(parser);
  }

  private static void reply(NetSocket so, String text) {
    so.write(Buffer.buffer(text));
  }

  private AmiClient client(Duration ping) {
    AmiClient c = new AmiClient(vertx, AmiClient.Options.of("test", "127.0.0.1", server.actualPort(), "huifang",
        "s3cret").withPingInterval(ping).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
    c.start();
    return c;
  }

  @Test
  void md5LoginListsAndEventsInBetween() throws Exception {
    AmiClient c = client(Duration.ofSeconds(30));
    List<AmiMessage> events = new CopyOnWriteArrayList<>();
    c.onEvent(events::add);
    c.connected().await(5, TimeUnit.SECONDS);
    assertEquals(1, logins.get());
    List<AmiMessage> channels = c.sendList(AmiMessage.action("CoreShowChannels")).await(5, TimeUnit.SECONDS);
    assertEquals(List.of("a-1", "l-7"), channels.stream().map(m -> m.get("Uniqueid")).toList());
    assertEquals(1, events.size(), "an unrelated event in the middle of a list still reaches the handlers");
    assertEquals("Newstate", events.get(0).get("Event"));
    AmiMessage err = c.send(AmiMessage.action("NoSuchAction")).await(5, TimeUnit.SECONDS);
    assertEquals("Error", err.get("Response"));
    c.close().await();
  }

  @Test
  void aPbxSendingAnOversizedMessageIsDroppedAndReconnected() throws Exception {
    AmiClient c = client(Duration.ofSeconds(30));
    c.connected().await(5, TimeUnit.SECONDS);
    sockets.get(0).write(Buffer.buffer("Event: Junk\r\nData: " + "x".repeat(70_000) + "\r\n\r\n"));
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a second login", logins::get, n -> n >= 2);
    assertEquals(2, logins.get(), "dropped the hostile connection and logged in again");
    assertEquals(AmiClient.State.CONNECTED, c.state());
    c.close().await();
  }

  @Test
  void aSilentPbxIsDetectedByTheKeepAliveAndReconnected() throws Exception {
    AmiClient c = client(Duration.ofMillis(300));
    c.connected().await(5, TimeUnit.SECONDS);
    answerPings = false;
    Await.atMost(Duration.ofSeconds(30)).until(() -> "a reconnect after unanswered pings: " + c.health(), c::connects,
        n -> n >= 2);
    assertTrue(c.connects() >= 2, "reconnected after unanswered pings: " + c.health());
    c.close().await();
  }

  @Test
  void wrongSecretIsNeverConnectedAndSaysWhy() throws Exception {
    AmiClient c = new AmiClient(vertx, AmiClient.Options.of("test", "127.0.0.1", server.actualPort(), "huifang",
        "wrong").withBackoff(Duration.ofMillis(50), Duration.ofMillis(100)));
    c.start();
    Thread.sleep(500);
    assertTrue(c.state() != AmiClient.State.CONNECTED);
    assertTrue(c.health().detail().contains("login refused"), c.health().detail());
    c.close().await();
  }
}
