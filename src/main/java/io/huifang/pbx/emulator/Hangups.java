package io.huifang.pbx.emulator;

/**
 * How calls end, in the order Asterisk reports it: the far end gives up or hangs up, the dialer's leg ends itself
 * (dialplan, application, AGI, AMI Hangup), a channel whose other side is gone is hung up once its app lets go.
 */
final class Hangups {
  private final World w;

  Hangups(World w) {
    this.w = w;
  }

  /** A Hangup(cause) app, or the end of the dialplan, on any channel. */
  void dialplanHangup(Channel ch, int cause) {
    Call call = ch.call;
    if (ch.half == 2 && call != null && !call.answered) {
      // The far end gave up while ringing (03a: cause 19).
      Channel l1 = call.leg1;
      w.interpreter.cancelTimers(ch);
      w.originator.resolveFailure(call, cause == 17 ? 5 : cause == 34 ? 8 : 0);
      w.events.softHangupRequest(ch, 16);
      w.events.hangupRequest(l1, cause);
      w.events.dialEvent("DialEnd", call, "DialStatus", cause == 17 ? "BUSY" : cause == 34 ? "CONGESTION" : "NOANSWER");
      w.events.hangupEvent(l1, cause);
      w.release(l1);
      w.events.hangupEvent(ch, cause);
      w.release(ch);
      return;
    }
    if (ch.half == 2) {
      farHangup(ch, cause);
    } else {
      endLeg1(ch, cause, true);
    }
  }

  /** The answered far end hung up: its side goes first, then the dialer's leg follows (02). */
  private void farHangup(Channel l2, int cause) {
    Channel l1 = l2.peer;
    w.interpreter.cancelTimers(l2);
    w.events.softHangupRequest(l2, cause);
    if (l1 != null && !l1.hungUp) {
      w.events.hangupRequest(l1, cause);
    }
    w.events.hangupEvent(l2, cause);
    w.release(l2);
    if (l1 != null && !l1.hungUp) {
      lose(l1, cause);
    }
  }

  /** The channel's other side is gone: interrupt what it does and hang it up once its app lets go. */
  void lose(Channel ch, int cause) {
    if (ch.hungUp || ch.dying) {
      return;
    }
    ch.dying = true;
    ch.pendingCause = cause;
    w.interpreter.cancelTimers(ch);
    Runnable w = ch.dtmfWaiter;
    if (ch.agi != null) {
      ch.agi.channelHungUp();
      return;
    }
    if (w != null) {
      w.run();
    }
    finishDeadLeg(ch);
  }

  /** Called when the app that kept a dead channel (AGI) returns. */
  void finishDeadLeg(Channel ch) {
    if (ch.hungUp) {
      return;
    }
    if (ch.bridge != null) {
      w.bridges.leave(ch);
    }
    w.events.softHangupRequest(ch, ch.pendingCause);
    w.spies.spyerLeaving(ch);
    w.events.hangupEvent(ch, ch.pendingCause);
    w.release(ch);
  }

  /**
   * The dialer's leg ends itself: Hangup() in its dialplan, the end of an Application originate, an
   * AGI HANGUP, or an AMI Hangup. The ;2 half follows (06a, 03g, 05, 08).
   */
  void endLeg1(Channel l1, int cause, boolean soft) {
    if (l1.hungUp) {
      return;
    }
    w.interpreter.cancelTimers(l1);
    if (l1.bridge != null) {
      w.bridges.leave(l1);
    }
    if (soft) {
      w.events.softHangupRequest(l1, 16);
    }
    // ChanSpy sees the hangup on its next frame and returns: ChanSpyStop comes before the channel's Hangup.
    w.spies.spyerLeaving(l1);
    Channel l2 = l1.peer;
    boolean peerAlive = l2 != null && !l2.hungUp;
    if (peerAlive) {
      w.events.hangupRequest(l2, cause);
    }
    w.events.hangupEvent(l1, cause);
    w.release(l1);
    if (peerAlive) {
      w.interpreter.cancelTimers(l2);
      if (l2.inPlayback) {
        l2.inPlayback = false;
        w.events.varSet(l2, "PLAYBACKSTATUS", "SUCCESS");
      }
      w.events.softHangupRequest(l2, 16);
      w.events.hangupEvent(l2, cause);
      w.release(l2);
    }
  }

  /**
   * AMI Hangup of the dialer's leg of an Originate that is still ringing (the dialer's ring cut). No trace records it;
   * derived from Asterisk 22's source (docs/pbx-emulator.md, "Hanging up a ringing originate"): action_hangup only sets
   * the soft-hangup flag and the hangup cause (no event of its own); the dialing API's monitor_dial reads nothing from
   * the channel, publishes DialEnd with ast_hangup_cause_to_dial_status(cause) (NOANSWER for 16) and hangs it up; the
   * Local channel's hangup queues a hangup with that cause on the ;2 half; with no channel left the dial is
   * UNANSWERED with no cause of its own, so pbx_dial_reason gives OriginateResponse Reason 0. Event order as 03b,
   * where the dialing API also hangs up the ringing ;1 (there on its timeout).
   */
  private void ringingLegHungUp(Call call, int cause) {
    Channel l1 = call.leg1;
    Channel l2 = call.leg2;
    w.interpreter.cancelTimers(l2);
    w.events.dialEvent("DialEnd", call, "DialStatus", dialStatus(cause));
    if (!l2.hungUp) {
      w.events.hangupRequest(l2, cause);
    }
    w.originator.resolveFailure(call, 0);
    if (!l2.hungUp) {
      w.events.softHangupRequest(l2, 16);
      w.events.hangupEvent(l2, cause);
      w.release(l2);
    }
    w.events.hangupEvent(l1, cause);
    w.release(l1);
  }

  /** Asterisk's ast_hangup_cause_to_dial_status (main/dial.c). */
  static String dialStatus(int cause) {
    return switch (cause) {
      case 17 -> "BUSY";
      case 34 -> "CONGESTION";
      case 3, 20 -> "CHANUNAVAIL";
      default -> "NOANSWER";
    };
  }

  /** AMI Hangup, or the simulated agent ending the call. */
  void requestHangup(Channel ch, int cause) {
    if (ch.hungUp) {
      return;
    }
    Call call = ch.call;
    if (call != null && !call.answered && !call.resolved) {
      if (ch.half == 2) {
        // The far half hung up while ringing: as when its dialplan hangs up (03a), with this cause.
        dialplanHangup(ch, cause);
      } else {
        ringingLegHungUp(call, cause);
      }
      return;
    }
    if (ch.half == 2) {
      farHangup(ch, cause);
      return;
    }
    if (ch.agi != null) {
      w.events.softHangupRequest(ch, cause);
      Channel l2 = ch.peer;
      if (l2 != null && !l2.hungUp) {
        w.events.hangupRequest(l2, cause);
        w.interpreter.cancelTimers(l2);
        w.events.softHangupRequest(l2, 16);
        w.events.hangupEvent(l2, cause);
        w.release(l2);
      }
      lose(ch, cause);
      return;
    }
    endLeg1(ch, cause, true);
  }
}
