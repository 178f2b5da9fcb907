package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Two-party bridges: create, enter, leave, dissolve when fewer than two remain, and what the members do after
 * (resume their dialplan, hand back to Dial, or hang up).
 */
final class Bridges {
  private final World w;
  private final Vertx vertx;
  private final Recordings recordings;

  Bridges(World w) {
    this.w = w;
    this.vertx = w.vertx;
    this.recordings = w.recordings;
  }

  String bridge(Channel a, Channel b) {
    if (a.bridge != null) {
      leave(a);
    }
    if (b.bridge != null) {
      leave(b);
    }
    Bridge br = new Bridge(UUID.randomUUID().toString());
    w.events.emit("call", br.block(AmiMessage.event("BridgeCreate", "call")));
    for (Channel c : new Channel[] {a, b}) {
      // The channel leaves its app; a Bridge action returns it to this step afterwards.
      if (c.agi == null) {
        w.interpreter.cancelTimers(c);
        if (c.program != null) {
          c.resumePc = Math.max(0, c.program.pc - 1);
        }
      }
      c.bridge = br;
      br.members.add(c);
      w.events.emit("call", c.block(br.block(AmiMessage.event("BridgeEnter", "call"))));
      recordings.bridged(c);
    }
    w.events.varSet(a, "BRIDGEPEER", b.name);
    w.events.varSet(b, "BRIDGEPEER", a.name);
    return br.id;
  }

  void join(Bridge br, Channel c) {
    c.bridge = br;
    br.members.add(c);
    w.events.emit("call", c.block(br.block(AmiMessage.event("BridgeEnter", "call"))));
    recordings.bridged(c);
  }

  /** A member leaves; the bridge dissolves when fewer than two remain, releasing the other member. */
  void leave(Channel ch) {
    Bridge br = ch.bridge;
    if (br == null) {
      return;
    }
    for (Channel m : br.members) {
      if (!m.hidden) {
        w.events.varSet(m, "BRIDGEPEER", "");
      }
    }
    br.members.remove(ch);
    ch.bridge = null;
    w.events.emit("call", ch.block(br.block(AmiMessage.event("BridgeLeave", "call"))));
    if (ch.dialer != null) {
      ch.dialer.left(ch);
    }
    if (br.members.size() < 2) {
      List<Channel> rest = new ArrayList<>(br.members);
      br.members.clear();
      for (Channel other : rest) {
        other.bridge = null;
        w.events.emit("call", other.block(br.block(AmiMessage.event("BridgeLeave", "call"))));
      }
      w.events.emit("call", br.block(AmiMessage.event("BridgeDestroy", "call")));
      for (Channel other : rest) {
        afterBridge(other);
      }
    }
  }

  private void afterBridge(Channel c) {
    if (c.hungUp || c.dying) {
      return;
    }
    if (c.dialer != null) {
      c.dialer.bridgeEnded(c);
      return;
    }
    if (c.agi != null) {
      return;
    }
    if (c.program != null && c.resumePc >= 0) {
      c.program.pc = c.resumePc;
      c.resumePc = -1;
      // Leave the bridge's event burst first; the dialplan resumes on the next tick.
      vertx.runOnContext(v -> w.interpreter.next(c));
    } else {
      w.hangups.endLeg1(c, 16, true);
    }
  }

  /** Attaching or detaching an audiohook on a bridged channel makes Asterisk restate BRIDGEPEER (08). */
  void restatePeers(Channel ch) {
    Bridge br = ch.bridge;
    if (br == null || br.members.size() != 2) {
      return;
    }
    Channel other = br.members.get(0) == ch ? br.members.get(1) : br.members.get(0);
    w.events.varSet(other, "BRIDGEPEER", ch.name);
    w.events.varSet(ch, "BRIDGEPEER", other.name);
  }
}
