package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.pbx.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AMI Hangup of an Originate still ringing (the dialer's ring cut). No trace records it; the sequence is derived from
 * Asterisk 22's source (docs/pbx-emulator.md, "Hanging up a ringing originate"): on the dialer's leg, DialEnd
 * NOANSWER, a hangup request queued on the far half with the cause, OriginateResponse Failure with Reason 0, both
 * halves hung up with the cause; on the far half, the 03a pattern (the far end hung up while ringing) with the cause.
 */
class RingingHangupTest {
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

  /** Originates to 8001 (rings forever), as the dialer does, and waits for it to ring. */
  private void ringing(String id) throws Exception {
    ami.send(AmiMessage.action("Originate").add("ActionID", "orig-" + id).add("Channel", "Local/8001@sim-customers")
        .add("Context", "huifang-answered").add("Exten", "s").add("Priority", "1").add("Timeout", "25000")
        .add("Async", "true").add("ChannelId", id).add("OtherChannelId", id + "-2"));
    ami.await(m -> "Newstate".equals(m.get("Event")) && id.equals(m.get("Uniqueid"))
        && "Ringing".equals(m.get("ChannelStateDesc")), 5000);
  }

  /** The call's events from the Hangup's response to the last Hangup, as "Event channel-half key=value". */
  private List<String> until(String lastUniqueid) throws Exception {
    List<String> out = new ArrayList<>();
    while (true) {
      AmiMessage m = ami.await(x -> x.get("Event") != null || "hang".equals(x.get("ActionID")), 5000);
      String e = m.get("Event");
      if (e == null) {
        out.add("Response " + m.get("Response") + " " + m.get("Message"));
        continue;
      }
      String half = m.get("Channel", m.get("DestChannel", ""));
      half = half.endsWith(";1") ? ";1" : half.endsWith(";2") ? ";2" : "-";
      switch (e) {
        case "DialEnd" -> out.add("DialEnd " + half + " " + m.get("DialStatus"));
        case "HangupRequest", "SoftHangupRequest" -> out.add(e + " " + half + " " + m.get("Cause"));
        case "Hangup" -> out.add("Hangup " + half + " " + m.get("Cause") + " " + m.get("Cause-txt"));
        case "OriginateResponse" -> out.add("OriginateResponse " + m.get("Response") + " " + m.get("Reason"));
        default -> {
          // other events (VarSet, Newexten...) are not what this test is about
        }
      }
      if ("Hangup".equals(e) && lastUniqueid.equals(m.get("Uniqueid"))) {
        return out;
      }
    }
  }

  @Test
  void hangingUpTheDialersRingingLegEndsTheOriginateWithReasonZeroAndTheCause() throws Exception {
    ringing("cut-1");
    ami.send(AmiMessage.action("Hangup").add("ActionID", "hang").add("Channel", "Local/8001@sim-customers-"
        + channelHex("cut-1") + ";1").add("Cause", "16"));
    assertEquals(List.of("Response Success Channel Hungup", "DialEnd ;1 NOANSWER", "HangupRequest ;2 16",
        "OriginateResponse Failure 0", "SoftHangupRequest ;2 16", "Hangup ;2 16 Normal Clearing",
        "Hangup ;1 16 Normal Clearing"), until("cut-1"));
    assertEquals(0, emu.liveChannels(), "both halves are gone");
  }

  @Test
  void hangingUpTheFarHalfWhileItRingsIsTheFarEndGivingUp() throws Exception {
    ringing("cut-2");
    ami.send(AmiMessage.action("Hangup").add("ActionID", "hang").add("Channel", "Local/8001@sim-customers-"
        + channelHex("cut-2") + ";2").add("Cause", "16"));
    assertEquals(List.of("Response Success Channel Hungup", "OriginateResponse Failure 0", "SoftHangupRequest ;2 16",
        "HangupRequest ;1 16", "DialEnd ;1 NOANSWER", "Hangup ;1 16 Normal Clearing",
        "Hangup ;2 16 Normal Clearing"), until("cut-2-2"));
    assertEquals(0, emu.liveChannels());
  }

  /**
   * A ringing channel named by its Uniqueid (the Originate's ChannelId), as Asterisk's ast_channel_get_by_name allows:
   * the same as by its name. Huifang hangs up a spy call left ringing by a node that died, whose channel name nobody
   * kept, this way.
   */
  @Test
  void aRingingChannelCanBeHungUpByItsUniqueid() throws Exception {
    ringing("cut-3");
    ami.send(AmiMessage.action("Hangup").add("ActionID", "hang").add("Channel", "cut-3").add("Cause", "16"));
    assertEquals(List.of("Response Success Channel Hungup", "DialEnd ;1 NOANSWER", "HangupRequest ;2 16",
        "OriginateResponse Failure 0", "SoftHangupRequest ;2 16", "Hangup ;2 16 Normal Clearing",
        "Hangup ;1 16 Normal Clearing"), until("cut-3"));
    assertEquals(0, emu.liveChannels(), "both halves are gone");
  }

  /** The Local channel's hex of the attempt, from its Newchannel (already read). */
  private String channelHex(String id) throws Exception {
    String name = ami.seen(m -> "Newchannel".equals(m.get("Event")) && id.equals(m.get("Uniqueid")), 1000)
        .get("Channel");
    return name.substring(name.lastIndexOf('-') + 1, name.indexOf(';'));
  }
}
