package io.huifang.telephony;

import io.huifang.pbx.ami.AmiClient;
import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervisors' spy calls on one PBX (监听 / 耳语 / 强插): the server rings the supervisor's softphone with an
 * asynchronous Originate whose application is {@code ChanSpy(<spied channel>,<options>)}, so that once answered the
 * supervisor hears (and with {@code w} or {@code B} speaks into) the agent's call. The call's ChannelId is its id, so
 * every event of the spy channel carries it as Uniqueid (and ChanSpyStart as SpyerUniqueid). ChanSpy never ends by
 * itself (it goes on scanning when the spied channel goes), so whoever starts a spy call ends it with
 * {@link #hangup}. Confined to the PBX connection's context.
 */
public final class SpyCalls {
  private static final Logger log = LoggerFactory.getLogger(SpyCalls.class);

  /** Where a spy call is. */
  public enum State {
    /** The Originate is out: the supervisor's softphone rings. */
    RINGING,
    /** The supervisor answered; ChanSpy runs. */
    ANSWERED,
    /** ChanSpy joined the spied channel (ChanSpyStart). */
    LISTENING,
    /** The spy channel is gone, or never came up. */
    ENDED
  }

  /**
   * A change of one spy call, told to the listeners on the PBX connection's context: {@code channel} is the spy
   * channel once known, {@code detail} the spied channel (LISTENING) or why it ended (ENDED).
   */
  public record Change(String id, State state, Instant at, String channel, String detail) {
  }

  private static final class Call {
    final String id;
    State state = State.RINGING;
    String channel;
    boolean hangupWanted;
    long timer = -1;

    Call(String id) {
      this.id = id;
    }
  }

  private final Vertx vertx;
  private final String pbx;
  private final AmiClient ami;
  private final Clock clock;
  private final Map<String, Call> calls = new HashMap<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

  public SpyCalls(Vertx vertx, String pbx, AmiClient ami, Clock clock) {
    this.vertx = vertx;
    this.pbx = pbx;
    this.ami = ami;
    this.clock = clock;
    ami.onEvent(this::onEvent);
  }

  public String pbx() {
    return pbx;
  }

  /** Told of every change of every spy call on this PBX. */
  public SpyCalls onChange(Consumer<Change> listener) {
    listeners.add(listener);
    return this;
  }

  /** The ChanSpy options of a mode: listen {@code q}, whisper {@code qw}, barge {@code qB} ({@code q}: no beep). */
  public static String options(String mode) {
    return switch (mode) {
      case "listen" -> "q";
      case "whisper" -> "qw";
      case "barge" -> "qB";
      default -> throw new IllegalArgumentException("mode " + mode);
    };
  }

  /**
   * Rings {@code endpoint} (the supervisor's softphone) into {@code ChanSpy(spiedChannel,options)}. {@code id} is
   * the call's ChannelId: it must be unique on the PBX. Completes when the PBX has queued the Originate; what
   * follows comes as {@link Change}s, ending with {@link State#ENDED} exactly once.
   */
  public Future<Void> start(String id, String endpoint, String spiedChannel, String options, Duration ringTimeout) {
    Promise<Void> p = Promise.promise();
    ami.context().runOnContext(v -> {
      if (calls.containsKey(id)) {
        p.fail(new IllegalStateException("spy call " + id + " exists"));
        return;
      }
      Call c = new Call(id);
      calls.put(id, c);
      AmiMessage o = AmiMessage.action("Originate")
          .add("ActionID", actionId(id))
          .add("Channel", endpoint)
          .add("Application", "ChanSpy")
          // The whole channel name is the prefix: it names the agent's line and nothing else.
          .add("Data", spiedChannel + "," + options)
          .add("Timeout", Long.toString(ringTimeout.toMillis()))
          .add("CallerID", "\"Huifang\" <huifang>")
          .add("ChannelId", id)
          .add("Async", "true");
      // No OriginateResponse at all (a PBX that lost the action): do not leave the call ringing forever.
      c.timer = vertx.setTimer(ringTimeout.toMillis() + 10_000, t -> ami.context().runOnContext(x -> {
        c.timer = -1;
        if (c.state == State.RINGING && c.channel == null) {
          end(c, "no OriginateResponse within the ring timeout");
        }
      }));
      change(c, State.RINGING, null);
      ami.send(o).onComplete(ar -> {
        if (ar.failed() || !"Success".equalsIgnoreCase(ar.result().get("Response"))) {
          String why = ar.succeeded() ? ar.result().get("Message", "refused") : ar.cause().getMessage();
          end(c, "originate refused: " + why);
          p.fail(new IllegalStateException("spy call not placed: " + why));
        } else {
          p.complete();
        }
      });
    });
    return p.future();
  }

  /** Hangs the spy call up (at once if its channel is known, else as soon as it appears). */
  public Future<Void> hangup(String id) {
    Promise<Void> p = Promise.promise();
    ami.context().runOnContext(v -> {
      Call c = calls.get(id);
      if (c == null) {
        p.complete();
        return;
      }
      c.hangupWanted = true;
      if (c.channel == null) {
        p.complete();
        return;
      }
      ami.send(AmiMessage.action("Hangup").add("Channel", c.channel).add("Cause", "16")).onComplete(ar -> {
        if (ar.succeeded() && !"Success".equalsIgnoreCase(ar.result().get("Response"))) {
          end(c, "the channel was already gone"); // No such channel: its Hangup event was missed
        }
        p.complete();
      });
    });
    return p.future();
  }

  /** Hangs up a spy channel nobody follows any more (left up by a server that stopped while it ran). */
  public Future<Void> hangupChannel(String channel) {
    Promise<Void> p = Promise.promise();
    ami.context().runOnContext(v -> ami.send(AmiMessage.action("Hangup").add("Channel", channel).add("Cause", "16"))
        .onComplete(ar -> p.complete()));
    return p.future();
  }

  /** After a (re)connect: spy calls whose channel is no longer up on the PBX have ended. */
  public void reconcile(Set<String> liveUniqueIds) {
    for (Call c : new ArrayList<>(calls.values())) {
      if (c.channel != null && !liveUniqueIds.contains(c.id)) {
        end(c, "gone after a reconnect");
      }
    }
  }

  private static String actionId(String id) {
    return "spy-" + id;
  }

  private void onEvent(AmiMessage e) {
    String event = e.get("Event");
    if (event == null || calls.isEmpty()) {
      return;
    }
    switch (event) {
      case "OriginateResponse" -> onOriginateResponse(e);
      case "Newchannel" -> {
        Call c = calls.get(e.get("Uniqueid"));
        if (c != null) {
          c.channel = e.get("Channel");
          if (c.hangupWanted) {
            hangup(c.id);
          }
        }
      }
      case "ChanSpyStart" -> {
        Call c = calls.get(e.get("SpyerUniqueid"));
        if (c != null && c.state != State.ENDED) {
          change(c, State.LISTENING, e.get("SpyeeChannel"));
        }
      }
      case "ChanSpyStop" -> {
        Call c = calls.get(e.get("SpyerUniqueid"));
        if (c != null) {
          // The spied channel went; ChanSpy scans on. Whoever started the call decides when it ends.
          log.atInfo().setMessage("spy stopped spying").addKeyValue("spy", c.id).addKeyValue("pbx", pbx).log();
        }
      }
      case "Hangup" -> {
        Call c = calls.get(e.get("Uniqueid"));
        if (c != null) {
          end(c, "hung up, cause " + e.get("Cause", "?"));
        }
      }
      default -> {
        // nothing else is about spy calls
      }
    }
  }

  private void onOriginateResponse(AmiMessage e) {
    String aid = e.get("ActionID");
    if (aid == null || !aid.startsWith("spy-")) {
      return;
    }
    Call c = calls.get(aid.substring(4));
    if (c == null) {
      return;
    }
    if ("Success".equalsIgnoreCase(e.get("Response"))) {
      if (c.channel == null) {
        c.channel = e.get("Channel");
      }
      if (c.state == State.RINGING) {
        change(c, State.ANSWERED, null);
      }
    } else {
      end(c, "not answered, reason " + e.get("Reason", "?"));
    }
  }

  private void end(Call c, String why) {
    if (calls.remove(c.id) == null) {
      return;
    }
    if (c.timer >= 0) {
      vertx.cancelTimer(c.timer);
    }
    change(c, State.ENDED, why);
  }

  private void change(Call c, State s, String why) {
    c.state = s;
    Change ch = new Change(c.id, s, clock.instant(), c.channel, why);
    for (Consumer<Change> l : listeners) {
      try {
        l.accept(ch);
      } catch (RuntimeException ex) {
        log.atWarn().setMessage("spy call listener failed").addKeyValue("spy", c.id)
            .addKeyValue("error", String.valueOf(ex)).log();
      }
    }
  }
}
