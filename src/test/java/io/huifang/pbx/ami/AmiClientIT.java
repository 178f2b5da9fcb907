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
  /** How the scripted PBX answers CoreShowChannels: normal, endless (items without end), trickle (one per 20 ms). */
  volatile String listMode = "normal";
  /** The scripted PBX accepts the login, then sends a line longer than the client takes. */
  volatile boolean garbageAfterLogin;

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
          if (ok && garbageAfterLogin) {
            reply(so, "x".repeat(AmiParser.DEFAULT_MAX_LINE + 10) + "\r\n");
          }
        }
        case "CoreShowChannels" -> {
          if (!listMode.equals("normal")) {
            hostileList(so, id, listMode.equals("endless") ? 200 : 1, listMode.equals("endless") ? 1 : 20);
            return;
          }
          reply(so, "Response: Success\r\nActionID: " + id
            + "\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n"
            + "Event: CoreShowChannel\r\nActionID: " + id + "\r\nChannel: PJSIP/trunk-00000001\r\nUniqueid: a-1\r\n\r\n"
            + "Event: Newstate\r\nPrivilege: call,all\r\nChannel: PJSIP/other\r\nUniqueid: x\r\n\r\n"
            + "Event: CoreShowChannel\r\nActionID: " + id + "\r\nChannel: PJSIP/agent-7-00000002\r\nUniqueid: l-7\r\n\r\n"
            + "Event: CoreShowChannelsComplete\r\nActionID: " + id + "\r\nEventList: Complete\r\nListItems: 2\r\n\r\n");
        }
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

  /** Starts a CoreShowChannels list that never completes: {@code perTick} items every {@code everyMs}. */
  private void hostileList(NetSocket so, String id, int perTick, long everyMs) {
    reply(so, "Response: Success\r\nActionID: " + id + "\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n");
    AtomicInteger n = new AtomicInteger();
    boolean[] closed = {false};
    so.closeHandler(v -> closed[0] = true);
    vertx.setPeriodic(everyMs, t -> {
      if (closed[0]) {
        vertx.cancelTimer(t);
        return;
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < perTick; i++) {
        int k = n.incrementAndGet();
        sb.append("Event: CoreShowChannel\r\nActionID: ").append(id).append("\r\nChannel: PJSIP/trunk-").append(k)
            .append("\r\nUniqueid: u-").append(k).append("\r\nChannelStateDesc: Up\r\n\r\n");
      }
      if (!so.writeQueueFull()) {
        reply(so, sb.toString());
      }
    });
  }

  private AmiClient client(Duration ping) {
    return client(ping, AmiClient.Limits.DEFAULT);
  }

  private AmiClient client(Duration ping, AmiClient.Limits limits) {
    AmiClient c = new AmiClient(vertx, AmiClient.Options.of("test", "127.0.0.1", server.actualPort(), "huifang",
        "s3cret").withPingInterval(ping).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .withLimits(limits));
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
    assertTrue(c.lastLoss().startsWith("closed by Huifang: keep-alive: no AMI response"),
        "the client closed it, and says so: " + c.lastLoss());
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

  @Test
  void anEndlessListFailsAtItsItemLimitAndTheConnectionIsMadeAgain() throws Exception {
    AmiClient c = client(Duration.ofSeconds(30), new AmiClient.Limits(Duration.ofSeconds(5), Duration.ofSeconds(20),
        1000, Duration.ofSeconds(30)));
    c.connected().await(5, TimeUnit.SECONDS);
    listMode = "endless";
    Throwable e = failureOf(c.sendList(AmiMessage.action("CoreShowChannels")));
    assertTrue(e instanceof AmiClient.ListOverflowException, "fails, and clearly: " + e);
    // At the item limit, not the (20 s) time limit.
    assertTrue(e.getMessage().contains("CoreShowChannels list passed 1000 items"), e.getMessage());
    listMode = "normal";
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a new login", logins::get, n -> n >= 2);
    assertTrue(c.lastLoss().startsWith("closed by Huifang: CoreShowChannels list passed 1000 items"), c.lastLoss());
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).until("connected again", c::state,
        st -> st == AmiClient.State.CONNECTED);
    List<AmiMessage> channels = c.sendList(AmiMessage.action("CoreShowChannels")).await(5, TimeUnit.SECONDS);
    assertEquals(2, channels.size(), "the new connection is healthy");
    c.close().await();
  }

  /** The failure the future ends with (null if it succeeds), within 10 s. */
  private static Throwable failureOf(io.vertx.core.Future<?> f) throws Exception {
    java.util.concurrent.CompletableFuture<Throwable> done = new java.util.concurrent.CompletableFuture<>();
    f.onComplete(ar -> done.complete(ar.succeeded() ? null : ar.cause()));
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aListThatNeverCompletesFailsAtItsTimeLimit() throws Exception {
    AmiClient c = client(Duration.ofSeconds(30), new AmiClient.Limits(Duration.ofSeconds(5), Duration.ofMillis(500),
        1000, Duration.ofSeconds(30)));
    c.connected().await(5, TimeUnit.SECONDS);
    listMode = "trickle";
    Throwable e = failureOf(c.sendList(AmiMessage.action("CoreShowChannels")));
    assertTrue(e instanceof AmiClient.ListOverflowException, "fails, and clearly: " + e);
    assertTrue(e.getMessage().contains("CoreShowChannels list did not complete within 500 ms"), e.getMessage());
    listMode = "normal";
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a new login", logins::get, n -> n >= 2);
    c.close().await();
  }

  @Test
  void aMessageWithTooManyHeadersIsDroppedAndReconnected() throws Exception {
    AmiClient c = client(Duration.ofSeconds(30));
    c.connected().await(5, TimeUnit.SECONDS);
    // Well under the 64 KiB message limit (about 3 KiB), but thousands of headers.
    sockets.get(0).write(Buffer.buffer("Event: Junk\r\n" + "a:\r\n".repeat(AmiClient.MAX_HEADERS + 100) + "\r\n"));
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a second login", logins::get, n -> n >= 2);
    assertTrue(c.lastLoss().contains("more than " + AmiClient.MAX_HEADERS + " headers"), c.lastLoss());
    c.close().await();
  }

  @Test
  void aPbxThatClosesTheConnectionIsNamedAsTheOneThatClosedIt() throws Exception {
    AmiClient c = client(Duration.ofSeconds(30));
    c.connected().await(5, TimeUnit.SECONDS);
    sockets.get(0).close();
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a second login", logins::get, n -> n >= 2);
    assertEquals("connection closed by PBX", c.lastLoss());
    c.reconnect();
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a third login", logins::get, n -> n >= 3);
    assertEquals("closed by Huifang: reconnect requested", c.lastLoss());
    c.close().await();
  }

  @Test
  void theBackoffGrowsWhileEachConnectionBreaksRightAfterTheLogin() throws Exception {
    garbageAfterLogin = true;
    AmiClient c = client(Duration.ofSeconds(30), new AmiClient.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5),
        1000, Duration.ofSeconds(30)));
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(10)).until("four logins", logins::get, n -> n >= 4);
    // Each login succeeded, and each connection broke at once: none proved healthy, so the backoff was never reset.
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(10)).until("the fourth loss", c::failuresInARow,
        n -> n >= 4);
    assertTrue(c.lastLoss().startsWith("closed by Huifang: bad data from PBX: line longer than"), c.lastLoss());
    garbageAfterLogin = false;
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("connected", c::state,
        st -> st == AmiClient.State.CONNECTED);
    assertTrue(c.failuresInARow() >= 4, "a login alone does not reset it: " + c.failuresInARow());
    c.healthy(); // what a successful resync says
    Await.atMost(Duration.ofSeconds(5)).every(Duration.ofMillis(10)).until("reset", c::failuresInARow, n -> n == 0);
    c.close().await();
  }

  @Test
  void theBackoffResetsOnceAConnectionHasStayedUp() throws Exception {
    garbageAfterLogin = true;
    AmiClient c = client(Duration.ofSeconds(30), new AmiClient.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5),
        1000, Duration.ofMillis(300)));
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(10)).until("three losses", c::failuresInARow,
        n -> n >= 3);
    garbageAfterLogin = false;
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("up for the healthy time",
        c::failuresInARow, n -> n == 0);
    assertEquals(AmiClient.State.CONNECTED, c.state());
    c.close().await();
  }

  @Test
  void aPbxThatNeverSendsItsBannerIsDroppedAndRetried() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    NetServer silent = vertx.createNetServer().connectHandler(so -> accepted.incrementAndGet());
    silent.listen(0, "127.0.0.1").await();
    AmiClient c = new AmiClient(vertx, AmiClient.Options.of("silent", "127.0.0.1", silent.actualPort(), "huifang",
        "s3cret").withBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
        .withLimits(new AmiClient.Limits(Duration.ofMillis(300), Duration.ofSeconds(5), 1000, Duration.ofSeconds(30))));
    c.start();
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a second connect", accepted::get,
        n -> n >= 2);
    assertEquals("closed by Huifang: no banner within 300 ms of connecting", c.lastLoss());
    assertTrue(c.health().detail().contains("no banner within 300 ms"), c.health().detail());
    assertTrue(c.failuresInARow() >= 1);
    c.close().await();
  }

  @Test
  void aPbxThatNeverAnswersTheLoginIsDroppedAndRetried() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    NetServer mute = vertx.createNetServer().connectHandler(so -> {
      accepted.incrementAndGet();
      so.write("Asterisk Call Manager/11.0.0\r\n"); // and then nothing, whatever is asked
    });
    mute.listen(0, "127.0.0.1").await();
    AmiClient c = new AmiClient(vertx, AmiClient.Options.of("mute", "127.0.0.1", mute.actualPort(), "huifang",
        "s3cret").withBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
        .withLimits(new AmiClient.Limits(Duration.ofMillis(300), Duration.ofSeconds(5), 1000, Duration.ofSeconds(30))));
    c.start();
    Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).until("a second connect", accepted::get,
        n -> n >= 2);
    assertTrue(c.lastLoss().startsWith("closed by Huifang: "), c.lastLoss());
    assertTrue(c.lastLoss().contains("within 300 ms"), c.lastLoss());
    assertTrue(c.state() != AmiClient.State.CONNECTED);
    c.close().await();
  }
}
