package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import java.util.ArrayList;
import java.util.Locale;

/**
 * ChanSpy(chanprefix,options) as app_chanspy in Asterisk 22 runs it: it scans the channels whose name begins with
 * the prefix (case-insensitive; never itself, never a channel that is itself spying, with option {@code b} only
 * bridged ones), spies on the first it finds ({@code ChanSpyStart}: the spyer's channel block prefixed
 * {@code Spyer}, then the spyee's prefixed {@code Spyee}), and when that channel goes away says {@code ChanSpyStop}
 * (the spyer's block only: Asterisk publishes the stop with no spyee) and scans again every 100 ms. It never ends by
 * itself: with nobody to spy on it waits, silent under option {@code q}, until its own channel is hung up; hanging
 * up a spying channel says {@code ChanSpyStop} before its {@code Hangup}.
 *
 * <p>Audio: the emulator has no live media, only the files MixMonitor writes when it stops. A MixMonitor on the
 * spy channel records the spied conversation (both legs, synthesized as for any bridged call) from the moment
 * ChanSpy joined it; whisper ({@code w}) and barge ({@code B}) are accepted and change nothing in the audio.
 */
final class Spies {
  /** app_chanspy's scan loop waits 100 ms for a digit between two looks at the channel list. */
  static final double SCAN_SECONDS = 0.1;

  /** What a ChanSpy channel is doing. */
  static final class Spy {
    final String prefix;
    final String options;
    /** The channel spied on; null while ChanSpy scans for one. */
    Channel target;

    Spy(String prefix, String options) {
      this.prefix = prefix;
      this.options = options;
    }

    boolean bridgedOnly() {
      return options.indexOf('b') >= 0;
    }
  }

  private final World w;

  Spies(World w) {
    this.w = w;
  }

  /** The ChanSpy application starts on an answered channel. */
  void run(Channel spyer, String data) {
    String[] args = World.splitArgs(data == null ? "" : data);
    String prefix = args[0].trim();
    String options = args.length > 1 ? args[1].trim() : "";
    spyer.spy = new Spy(prefix, options);
    scan(spyer);
  }

  private void scan(Channel spyer) {
    Spy spy = spyer.spy;
    if (spy == null || spyer.hungUp || spyer.dying) {
      return;
    }
    Channel target = find(spyer, spy);
    if (target == null) {
      w.waitThen(spyer, SCAN_SECONDS, () -> scan(spyer));
      return;
    }
    spy.target = target;
    target.spiedBy.add(spyer);
    AmiMessage start = AmiMessage.event("ChanSpyStart", "call");
    spyer.block(start, "Spyer");
    target.block(start, "Spyee");
    w.events.emit("call", start);
    // A MixMonitor on the spy channel hears the spied conversation from here on.
    w.recordings.bridged(spyer);
  }

  private Channel find(Channel spyer, Spy spy) {
    String prefix = spy.prefix.toLowerCase(Locale.ROOT);
    for (Channel c : w.channels()) {
      if (c == spyer || c.hungUp || c.dying || c.hidden || c.spy != null) {
        continue;
      }
      if (!c.name.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        continue;
      }
      if (spy.bridgedOnly() && c.bridge == null) {
        continue;
      }
      return c;
    }
    return null;
  }

  /**
   * The spied channel is gone: each spy notices on its next frame (after the channel's Hangup), says ChanSpyStop
   * and scans again.
   */
  void spyeeGone(Channel target) {
    if (target.spiedBy.isEmpty()) {
      return;
    }
    for (Channel spyer : new ArrayList<>(target.spiedBy)) {
      w.vertx.runOnContext(v -> {
        Spy spy = spyer.spy;
        if (spy == null || spy.target != target || spyer.hungUp) {
          return;
        }
        spy.target = null;
        stopEvent(spyer);
        w.waitThen(spyer, SCAN_SECONDS, () -> scan(spyer));
      });
    }
    target.spiedBy.clear();
  }

  /** The spy channel is being hung up: ChanSpy returns (ChanSpyStop if it was spying), before the Hangup event. */
  void spyerLeaving(Channel spyer) {
    Spy spy = spyer.spy;
    if (spy == null) {
      return;
    }
    spyer.spy = null;
    if (spy.target != null) {
      spy.target.spiedBy.remove(spyer);
      spy.target = null;
      stopEvent(spyer);
    }
  }

  private void stopEvent(Channel spyer) {
    w.events.emit("call", spyer.block(AmiMessage.event("ChanSpyStop", "call"), "Spyer"));
  }
}
