package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.NewStateEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.junit.jupiter.api.Test;

/** A client nobody here wrote: asterisk-java's ManagerConnection drives the emulator. */
class AsteriskJavaClientIT {
  @Test
  void managerConnectionLogsInOriginatesAndHangsUp() throws Exception {
    Vertx vertx = Vertx.vertx();
    PbxEmulator emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(10).withAgiUrl(null))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ManagerConnection mc = new ManagerConnectionFactory("127.0.0.1", emu.amiPort(), "dialer", "secret")
        .createManagerConnection();
    List<ManagerEvent> events = new CopyOnWriteArrayList<>();
    mc.addEventListener(events::add);
    try {
      mc.login();
      assertEquals(ManagerConnectionState.CONNECTED, mc.getState());
      assertEquals("Success", mc.sendAction(new PingAction(), 5000).getResponse());

      OriginateAction o = new OriginateAction();
      o.setChannel("Local/1001@sim-customers");
      o.setApplication("Wait");
      o.setData("600");
      o.setCallerId("\"Dialer\" <5550100>");
      o.setTimeout(30000L);
      o.setAsync(true);
      o.setVariable("HF_ATTEMPT", "a-1");
      ManagerResponse r = mc.sendAction(o, 5000);
      assertEquals("Success", r.getResponse(), r.getMessage());

      NewStateEvent up = awaitEvent(events, NewStateEvent.class,
          e -> "Up".equals(e.getChannelStateDesc()) && e.getChannel().endsWith(";1"));
      String ch = up.getChannel();
      assertTrue(ch.matches("Local/1001@sim-customers-[0-9a-f]{8};1"), ch);
      assertEquals(2, events.stream().filter(NewChannelEvent.class::isInstance).count());
      assertEquals(2, emu.liveChannels());

      ManagerResponse h = mc.sendAction(new HangupAction(ch, 16), 5000);
      assertEquals("Success", h.getResponse(), h.getMessage());
      awaitEvent(events, HangupEvent.class, e -> e.getChannel().endsWith(";2"));
      HangupEvent h1 = events.stream().filter(HangupEvent.class::isInstance).map(HangupEvent.class::cast)
          .filter(e -> e.getChannel().equals(ch)).findFirst().orElse(null);
      assertNotNull(h1);
      assertEquals(16, h1.getCause());
      assertEquals("Normal Clearing", h1.getCauseTxt());
      assertEquals(0, emu.liveChannels());
    } finally {
      mc.logoff();
      emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static <T> T awaitEvent(List<ManagerEvent> events, Class<T> type, java.util.function.Predicate<T> p) {
    return Await.atMost(Duration.ofSeconds(10)).every(Duration.ofMillis(10)).until(
        () -> "a " + type.getSimpleName() + " among " + events,
        () -> events.stream().filter(e -> type.isInstance(e) && p.test(type.cast(e))).map(type::cast).findFirst()
            .orElse(null), e -> e != null);
  }
}
