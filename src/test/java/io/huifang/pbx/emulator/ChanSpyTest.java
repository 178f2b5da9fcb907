package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ChanSpy in the emulator, against what Asterisk 22 sends: {@code ChanSpyStart} is the spyer's channel block with
 * the prefix {@code Spyer} then the spyee's with {@code Spyee} (manager_channels.c, channel_chanspy_start_cb);
 * {@code ChanSpyStop} carries the spyer's block only (app_chanspy publishes the stop with no spyee); a spy whose
 * channel goes keeps scanning; with nobody to spy on it waits; a hung-up spy says ChanSpyStop before its Hangup.
 */
class ChanSpyTest {
  /** The standard channel block of AMI events (ast_manager_build_channel_state_string_prefix), in its order. */
  private static final List<String> BLOCK = List.of("Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum",
      "CallerIDName", "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode", "Context", "Exten",
      "Priority", "Uniqueid", "Linkedid");

  private LoggedInEmulator pbx;
  private PbxEmulator emu;
  private TestAmiClient ami;

  @BeforeEach
  void start() throws Exception {
    pbx = LoggedInEmulator.start();
    emu = pbx.emu;
    ami = pbx.ami;
  }

  @AfterEach
  void stop() throws Exception {
    pbx.close();
  }

  /** An answered softphone channel running Echo, as an agent's open line; returns its channel name. */
  private String line(String id, String endpoint) throws Exception {
    ami.send(AmiMessage.action("Originate").add("ActionID", id).add("Channel", endpoint).add("Application", "Echo")
        .add("ChannelId", id).add("Async", "true"));
    AmiMessage r = ami.await(m -> "OriginateResponse".equals(m.get("Event")) && id.equals(m.get("ActionID")), 5000);
    assertEquals("Success", r.get("Response"));
    return r.get("Channel");
  }

  private String spy(String id, String endpoint, String data) throws Exception {
    ami.send(AmiMessage.action("Originate").add("ActionID", id).add("Channel", endpoint).add("Application", "ChanSpy")
        .add("Data", data).add("ChannelId", id).add("Async", "true"));
    AmiMessage r = ami.await(m -> "OriginateResponse".equals(m.get("Event")) && id.equals(m.get("ActionID")), 5000);
    assertEquals("Success", r.get("Response"));
    assertEquals("ChanSpy", r.get("Application"));
    assertEquals(data, r.get("Data"));
    return r.get("Channel");
  }

  private List<AmiMessage> channels() throws Exception {
    ami.send(AmiMessage.action("CoreShowChannels").add("ActionID", "cs" + System.nanoTime()));
    List<AmiMessage> out = new ArrayList<>();
    while (true) {
      AmiMessage m = ami.await(x -> x.get("Event") != null && x.get("Event").startsWith("CoreShowChannel"), 5000);
      if ("CoreShowChannelsComplete".equals(m.get("Event"))) {
        return out;
      }
      out.add(m);
    }
  }

  private static AmiMessage channel(List<AmiMessage> list, String name) {
    return list.stream().filter(m -> name.equals(m.get("Channel"))).findFirst().orElse(null);
  }

  private static List<String> expectedStartFields() {
    List<String> names = new ArrayList<>(List.of("Event", "Privilege"));
    BLOCK.forEach(f -> names.add("Spyer" + f));
    BLOCK.forEach(f -> names.add("Spyee" + f));
    return names;
  }

  @Test
  void spyingOnABridgedLineSaysChanSpyStartWithBothBlocksAndShowsInCoreShowChannels() throws Exception {
    String agent = line("agent-line-7", "PJSIP/agent-7");
    String customer = line("customer-1", "PJSIP/agent-8");
    ami.send(AmiMessage.action("Bridge").add("ActionID", "br").add("Channel1", agent).add("Channel2", customer));
    assertEquals("Success", ami.await(m -> "br".equals(m.get("ActionID")), 5000).get("Response"));

    String spyChannel = spy("spy-1", "PJSIP/agent-3", agent + ",q");
    AmiMessage start = ami.await(m -> "ChanSpyStart".equals(m.get("Event")), 5000);
    assertEquals(expectedStartFields(), start.names());
    assertEquals("call,all", start.get("Privilege"));
    assertEquals(spyChannel, start.get("SpyerChannel"));
    assertEquals("spy-1", start.get("SpyerUniqueid"));
    assertEquals("Up", start.get("SpyerChannelStateDesc"));
    assertEquals(agent, start.get("SpyeeChannel"));
    assertEquals("agent-line-7", start.get("SpyeeUniqueid"));

    AmiMessage shown = channel(channels(), spyChannel);
    assertNotNull(shown, "the spy channel is listed");
    assertEquals("ChanSpy", shown.get("Application"));
    assertEquals(agent + ",q", shown.get("ApplicationData"));

    // The supervisor hangs up: ChanSpy returns, ChanSpyStop (spyer only) before the spy channel's Hangup.
    ami.send(AmiMessage.action("Hangup").add("ActionID", "h").add("Channel", spyChannel));
    AmiMessage stop = ami.await(m -> "ChanSpyStop".equals(m.get("Event")) || "Hangup".equals(m.get("Event")), 5000);
    assertEquals("ChanSpyStop", stop.get("Event"), "ChanSpyStop comes before the Hangup");
    List<String> stopFields = new ArrayList<>(List.of("Event", "Privilege"));
    BLOCK.forEach(f -> stopFields.add("Spyer" + f));
    assertEquals(stopFields, stop.names());
    assertEquals(spyChannel, stop.get("SpyerChannel"));
    AmiMessage hangup = ami.await(m -> "Hangup".equals(m.get("Event")), 5000);
    assertEquals(spyChannel, hangup.get("Channel"));
    assertNull(channel(channels(), spyChannel));
    assertNotNull(channel(channels(), agent), "the spied line is untouched");
  }

  @Test
  void whenTheSpiedChannelGoesChanSpyStopsAndKeepsScanningLikeAsterisk() throws Exception {
    String agent = line("agent-line-5", "PJSIP/agent-5");
    String spyChannel = spy("spy-2", "PJSIP/agent-4", agent + ",qw");
    AmiMessage start = ami.await(m -> "ChanSpyStart".equals(m.get("Event")), 5000);
    assertEquals(agent, start.get("SpyeeChannel"));

    ami.send(AmiMessage.action("Hangup").add("ActionID", "h").add("Channel", agent));
    AmiMessage first = ami.await(m -> "Hangup".equals(m.get("Event")) || "ChanSpyStop".equals(m.get("Event")), 5000);
    assertEquals("Hangup", first.get("Event"), "the spyee's Hangup, then the spy notices");
    assertEquals(agent, first.get("Channel"));
    AmiMessage stop = ami.await(m -> "ChanSpyStop".equals(m.get("Event")), 5000);
    assertEquals(spyChannel, stop.get("SpyerChannel"));
    assertNull(stop.get("SpyeeChannel"));

    // ChanSpy does not exit by itself: the spy channel stays up, still in ChanSpy.
    Thread.sleep(200);
    AmiMessage shown = channel(channels(), spyChannel);
    assertNotNull(shown, "the spy channel is still up");
    assertEquals("ChanSpy", shown.get("Application"));
    assertEquals(agent + ",qw", shown.get("ApplicationData"));
    // Hung up while scanning: no second ChanSpyStop (it was spying on nobody).
    ami.send(AmiMessage.action("Hangup").add("ActionID", "h2").add("Channel", spyChannel));
    AmiMessage end = ami.await(m -> ("Hangup".equals(m.get("Event")) && spyChannel.equals(m.get("Channel")))
        || "ChanSpyStop".equals(m.get("Event")), 5000);
    assertEquals("Hangup", end.get("Event"));
  }

  @Test
  void withNobodyToSpyOnChanSpyWaitsAndJoinsWhenAChannelAppears() throws Exception {
    String spyChannel = spy("spy-3", "PJSIP/agent-2", "PJSIP/agent-6,qB");
    Thread.sleep(300); // six scans at speed 20
    for (AmiMessage m : ami.all) {
      assertTrue(!"ChanSpyStart".equals(m.get("Event")), "nobody to spy on yet");
    }
    assertNotNull(channel(channels(), spyChannel), "ChanSpy waits on an answered channel");
    String agent = line("agent-line-6", "PJSIP/agent-6");
    AmiMessage start = ami.await(m -> "ChanSpyStart".equals(m.get("Event")), 5000);
    assertEquals(agent, start.get("SpyeeChannel"));
    assertEquals(spyChannel, start.get("SpyerChannel"));
  }

  @Test
  void aSpyingChannelIsNotItselfSpiedOn() throws Exception {
    String first = spy("spy-a", "PJSIP/agent-91", "PJSIP/nobody,q");
    spy("spy-b", "PJSIP/agent-92", "PJSIP/agent-91,q");
    Thread.sleep(300);
    for (AmiMessage m : ami.all) {
      assertTrue(!"ChanSpyStart".equals(m.get("Event")), "AST_FLAG_SPYING keeps " + first + " from being spied on");
    }
  }
}
