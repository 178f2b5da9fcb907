package io.huifang.recording;

import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.pbx.ami.AmiMessage;
import io.huifang.telephony.Attempt;
import io.huifang.telephony.CallEvent;
import io.huifang.telephony.CallTracker;
import io.huifang.db.WriteJournal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording side of the calls, on the telephony context: follows each PBX's call events ({@link CallTracker}),
 * starts MixMonitor on the customer's channel when a call is bridged to an agent (or when an agent asks for it on
 * an on-demand campaign), pauses and resumes it during the call, and decides at the hangup what to keep by the
 * campaign's rules. What is kept goes to the {@link RecordingPipeline}; the files of what is not are deleted by it.
 * Nothing here blocks: the tracker's events arrive on its event loop.
 */
final class RecordingCapture {
  private static final Logger log = LoggerFactory.getLogger(RecordingCapture.class);

  private final Vertx vertx;
  private final Clock clock;
  private final RecordingPipeline pipeline;
  private volatile RecordingPolicies policies = RecordingPolicies.DEFAULT;
  private final List<CallTracker> trackers = new CopyOnWriteArrayList<>();
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  /** When MixMonitor started on an attempt's channel (the MixMonitorStart event): where the audio file begins. */
  private final Map<String, Instant> mixMonitorStarted = new ConcurrentHashMap<>();
  /** Attempts whose MixMonitor was started (so an on-demand request after the bridge does not start it twice). */
  private final Set<String> capturing = ConcurrentHashMap.newKeySet();
  private volatile java.util.function.Function<String, String> pbxDir;

  /** Pauses and the on-demand flag of a call still up. Guarded by its own lock. */
  static final class Live {
    boolean requested;
    final JsonArray spans = new JsonArray();
    JsonObject open;
    long timer = -1;
    Instant origin;
    String channel;
    CallTracker tracker;
  }

  RecordingCapture(Vertx vertx, RecordingPipeline pipeline, Clock clock) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.clock = clock;
    this.pbxDir = pbx -> pipeline.rawDir(pbx).toString();
  }

  RecordingPolicies policies() {
    return policies;
  }

  void setPolicies(RecordingPolicies p) {
    this.policies = p;
  }

  /** Where the PBX writes recordings, as the PBX sees the path (default: the directory we read them from). */
  void setPbxDir(java.util.function.Function<String, String> dirOfPbx) {
    this.pbxDir = dirOfPbx;
  }

  /** Listens to a PBX's attempts. */
  void attach(CallTracker tracker) {
    trackers.add(tracker);
    tracker.ami().onEvent(ev -> {
      // Delivered on the tracker's context, so live() may be asked here.
      if ("MixMonitorStart".equals(ev.get("Event")) && ev.get("Uniqueid") != null
          && tracker.live(ev.get("Uniqueid")) != null) {
        mixMonitorStarted.putIfAbsent(ev.get("Uniqueid"), clock.instant());
      }
    });
    tracker.subscribe(e -> {
      if (e instanceof CallEvent.Ended ended) {
        ended(ended.attempt());
      } else if (e instanceof CallEvent.Bridged bridged) {
        capture(tracker, bridged.attempt(), false);
      } else if (e instanceof CallEvent.TakenOver taken) {
        recordingsTakenOver(tracker, taken);
      }
    });
  }

  /**
   * This node took the PBX over from a dead owner (issue 22): the calls it adopted that are joined to an agent go on
   * being recorded by the PBX if the old owner's MixMonitor started (their end registers the file, here, like any
   * call's); a call whose recording the old owner had not yet started (it died between the bridge and the MixMonitor)
   * is recorded from now on. The channel's MIXMONITOR_FILENAME says which.
   */
  private void recordingsTakenOver(CallTracker tracker, CallEvent.TakenOver taken) {
    for (Attempt a : taken.live()) {
      String channel = a.channel();
      if (channel == null || a.snapshot().getString("bridgedAt") == null) {
        continue;
      }
      tracker.ami().send(AmiMessage.action("Getvar").add("Channel", channel).add("Variable", "MIXMONITOR_FILENAME"))
          .onComplete(ar -> tracker.onContext(() -> {
            if (ar.succeeded() && "Success".equalsIgnoreCase(ar.result().get("Response"))
                && ar.result().get("Value", "").isBlank() && tracker.live(a.id()) != null) {
              log.atInfo().setMessage("recording of a call taken over started now").addKeyValue("attempt", a.id())
                  .log();
              capture(tracker, a, false);
            }
          }));
    }
  }

  /** Stops the automatic-resume timers of the calls still up. */
  void close() {
    live.values().forEach(l -> {
      synchronized (l) {
        if (l.timer >= 0) {
          vertx.cancelTimer(l.timer);
        }
      }
    });
  }

  /**
   * Starts MixMonitor on the customer's channel as it is bridged to the agent (or when an on-demand recording is
   * asked for): customer and agent on separate legs, named by the attempt id only, in the directory the PBX
   * writes to ({@code recordings.pbx-dir}).
   */
  private void capture(CallTracker tracker, Attempt a, boolean requested) {
    String channel = a.channel();
    String id = a.id();
    Long campaignId = a.request() == null ? null : a.request().campaignId();
    policies.rules(campaignId).onSuccess(rules -> {
      boolean record = rules.capture() == RecordingPolicies.Capture.ALL
          || (rules.capture() == RecordingPolicies.Capture.ON_DEMAND && requested);
      if (!record || channel == null || !capturing.add(id)) {
        return;
      }
      String pbxSide = pbxDir.apply(tracker.pbx());
      String dir = pbxSide.endsWith("/") ? pbxSide : pbxSide + "/";
      tracker.ami().send(AmiMessage.action("MixMonitor").add("Channel", channel).add("File", dir + id + ".wav")
              .add("Options", "r(" + dir + id + "-customer.wav)t(" + dir + id + "-agent.wav)"))
          .onComplete(ar -> {
            if (ar.failed() || !"Success".equalsIgnoreCase(ar.result().get("Response"))) {
              capturing.remove(id);
              log.atWarn().setMessage("recording did not start").addKeyValue("attempt", id)
                  .addKeyValue("reason", ar.failed() ? ar.cause().getMessage() : ar.result().get("Message", ""))
                  .log();
            }
          });
    });
  }

  private void ended(Attempt a) {
    capturing.remove(a.id());
    JsonObject snap = a.snapshot();
    Long customerId = a.request() == null ? null : a.request().customerId();
    onEnded(snap, customerId).onFailure(e -> log.atError().setMessage("recording not registered")
        .addKeyValue("attempt", a.id()).addKeyValue("error", String.valueOf(e.getMessage())).log());
  }

  /** An attempt ended (tracker snapshot): registers and processes its recording when the campaign records. */
  Future<Void> onEnded(JsonObject snap, Long customerId) {
    String id = snap.getString("id");
    Instant mixStart = mixMonitorStarted.remove(id);
    Live l = live.remove(id);
    JsonArray spans = new JsonArray();
    boolean requested = false;
    if (l != null) {
      synchronized (l) {
        if (l.timer >= 0) {
          vertx.cancelTimer(l.timer);
        }
        Instant end = snap.getString("endedAt") == null ? clock.instant() : Instant.parse(snap.getString("endedAt"));
        if (l.open != null) {
          l.open.put("toMs", Math.max(l.open.getLong("fromMs"), ms(l.origin, end)));
          l.open = null;
        }
        spans = l.spans.copy();
        requested = l.requested;
      }
    }
    if (snap.getString("bridgedAt") == null) {
      // Never reached an agent: nothing to keep (the dialplan's MixMonitor ran from answer to safe-harbor).
      return snap.getString("answeredAt") == null ? Future.succeededFuture() : pipeline.discard(id,
          snap.getString("pbx"), "not connected to an agent");
    }
    // Everything the call left in memory goes into the decision's input now: it can be kept in the write journal
    // and taken again once the database answers (the campaign's rules and the catalog need it).
    Instant started = (mixStart != null ? mixStart : Instant.parse(snap.getString("answeredAt") != null
        ? snap.getString("answeredAt") : snap.getString("bridgedAt"))).truncatedTo(ChronoUnit.MILLIS);
    JsonObject ended = new JsonObject().put("id", id).put("campaignId", snap.getLong("campaignId"))
        .put("agentId", snap.getLong("agentId")).put("customerId", customerId).put("startedAt", started.toString())
        .put("bridgedAt", Instant.parse(snap.getString("bridgedAt")).truncatedTo(ChronoUnit.MILLIS).toString())
        .put("endedAt", snap.getString("endedAt") == null ? null
            : Instant.parse(snap.getString("endedAt")).truncatedTo(ChronoUnit.MILLIS).toString())
        .put("mutedSpans", spans).put("requested", requested).put("pbx", snap.getString("pbx"));
    return journal == null ? keepOrDiscard(ended) : journal.write(ENDED, ended);
  }

  /** The journal's name for {@link #keepOrDiscard}. */
  static final String ENDED = "recording.ended";
  private volatile WriteJournal journal;

  /** Registrations that find the database away are kept there and done when it is back. */
  void keepWritesIn(WriteJournal j) {
    j.register(ENDED, this::keepOrDiscard);
    this.journal = j;
  }

  /**
   * By the campaign's rules, registers a connected call's recording (pending in the catalog) and has it processed,
   * or discards its files. Harmless to repeat: the catalog row is inserted once, and processing an archived
   * recording again changes nothing.
   */
  Future<Void> keepOrDiscard(JsonObject e) {
    String id = e.getString("id");
    Long campaignId = e.getLong("campaignId");
    return policies.rules(campaignId).compose(rules -> {
      if (rules.capture() == RecordingPolicies.Capture.NONE
          || (rules.capture() == RecordingPolicies.Capture.ON_DEMAND && !e.getBoolean("requested", false))) {
        return pipeline.discard(id, e.getString("pbx"), "campaign policy " + rules.capture().name().toLowerCase())
            .map(false);
      }
      return pipeline.register(id, campaignId, e.getLong("agentId"), e.getLong("customerId"),
          Instant.parse(e.getString("startedAt")), Instant.parse(e.getString("bridgedAt")),
          e.getString("endedAt") == null ? null : Instant.parse(e.getString("endedAt")),
          e.getJsonArray("mutedSpans", new JsonArray()), pipeline.rawDir(e.getString("pbx")), rules.retentionDays())
          .map(isNew -> true);
    }).compose(kept -> {
      if (Boolean.TRUE.equals(kept)) {
        pipeline.process(id); // a recording already archived is found so, and left as it is
      }
      return Future.<Void>succeededFuture();
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Pause / resume / on demand, during the call

  /** The attempt if it is up on one of the PBXes. */
  Future<Optional<RecordingService.LiveCall>> findLive(String attemptId) {
    List<Future<Optional<RecordingService.LiveCall>>> all = new ArrayList<>();
    for (CallTracker t : trackers) {
      Promise<Optional<RecordingService.LiveCall>> p = Promise.promise();
      t.onContext(() -> {
        Attempt a = t.live(attemptId);
        p.complete(a == null ? Optional.empty() : Optional.of(new RecordingService.LiveCall(t, a.snapshot())));
      });
      all.add(p.future());
    }
    return Future.all(all).map(cf -> {
      for (int i = 0; i < cf.size(); i++) {
        Optional<RecordingService.LiveCall> o = cf.resultAt(i);
        if (o.isPresent()) {
          return o;
        }
      }
      return Optional.empty();
    });
  }

  private Future<RecordingService.LiveCall> onCallFor(String attemptId, User by) {
    return findLive(attemptId).compose(o -> {
      if (o.isEmpty() || o.get().snapshot().getString("bridgedAt") == null) {
        return Future.failedFuture(new Problem(409, "not_on_call", "no connected call " + attemptId));
      }
      Long agent = o.get().snapshot().getLong("agentId");
      if (by != null && by.role() == Role.AGENT && (agent == null || agent != by.id())) {
        return Future.failedFuture(new Problem(403, "not_your_call", "only the agent on the call may do this"));
      }
      return Future.succeededFuture(o.get());
    });
  }

  /** Pauses the recording of a connected call for {@code seconds}, then resumes it by itself. */
  Future<JsonObject> pause(String attemptId, User by, int seconds, String reason) {
    if (seconds < 1 || seconds > RecordingService.MAX_PAUSE_SECONDS) {
      return Future.failedFuture(new Problem(400, "invalid", "seconds must be from 1 to " + RecordingService.MAX_PAUSE_SECONDS));
    }
    return onCallFor(attemptId, by).compose(call -> {
      Live l = live.computeIfAbsent(attemptId, k -> new Live());
      JsonObject span;
      synchronized (l) {
        if (l.open != null) {
          return Future.failedFuture(new Problem(409, "already_paused", "the recording is already paused"));
        }
        JsonObject s = call.snapshot();
        Instant mix = mixMonitorStarted.get(attemptId);
        l.origin = mix != null ? mix : Instant.parse(s.getString("answeredAt") != null ? s.getString("answeredAt")
            : s.getString("bridgedAt"));
        l.channel = s.getString("channel");
        l.tracker = call.tracker();
        span = new JsonObject().put("fromMs", ms(l.origin, clock.instant())).put("toMs", null)
            .put("reason", reason == null || reason.isBlank() ? "sensitive data" : reason)
            .put("by", by == null ? null : by.id()).put("pbxMuted", false);
        l.open = span;
        l.spans.add(span);
        l.timer = vertx.setTimer(seconds * 1000L, id -> resume(attemptId, null)
            .onFailure(e -> log.atDebug().setMessage("automatic resume").addKeyValue("attempt", attemptId)
                .addKeyValue("error", e.getMessage()).log()));
      }
      return mute(call.tracker(), l.channel, true).map(ok -> {
        synchronized (l) {
          span.put("pbxMuted", ok);
          return span.copy().put("resumesInSeconds", seconds);
        }
      });
    });
  }

  /** Ends a pause (by hand, or the timer with {@code by} null). */
  Future<JsonObject> resume(String attemptId, User by) {
    Live l = live.get(attemptId);
    if (l == null) {
      return Future.failedFuture(new Problem(409, "not_paused", "the recording is not paused"));
    }
    Future<RecordingService.LiveCall> check = by == null ? Future.succeededFuture() : onCallFor(attemptId, by);
    return check.compose(c -> {
      JsonObject span;
      synchronized (l) {
        if (l.open == null) {
          return Future.failedFuture(new Problem(409, "not_paused", "the recording is not paused"));
        }
        span = l.open;
        span.put("toMs", Math.max(span.getLong("fromMs"), ms(l.origin, clock.instant())));
        l.open = null;
        if (l.timer >= 0) {
          vertx.cancelTimer(l.timer);
          l.timer = -1;
        }
      }
      return mute(l.tracker, l.channel, false).map(ok -> span.copy());
    });
  }

  /** On-demand campaigns: record this call from now on. */
  Future<Void> requestRecording(String attemptId, User by) {
    return onCallFor(attemptId, by).map(call -> {
      Live l = live.computeIfAbsent(attemptId, k -> new Live());
      synchronized (l) {
        l.requested = true;
      }
      for (CallTracker t : trackers) {
        t.onContext(() -> {
          Attempt a = t.live(attemptId);
          if (a != null) {
            capture(t, a, true);
          }
        });
      }
      return null;
    });
  }

  /** Pauses on the call still up, for the API. */
  JsonArray spans(String attemptId) {
    Live l = live.get(attemptId);
    if (l == null) {
      return new JsonArray();
    }
    synchronized (l) {
      return l.spans.copy();
    }
  }

  /** AMI MixMonitorMute; true when the PBX confirmed it. */
  private Future<Boolean> mute(CallTracker tracker, String channel, boolean on) {
    if (tracker == null || channel == null) {
      return Future.succeededFuture(false);
    }
    return tracker.ami().send(AmiMessage.action("MixMonitorMute").add("Channel", channel)
            .add("Direction", "both").add("State", on ? "1" : "0"), Duration.ofSeconds(5))
        .map(r -> "Success".equalsIgnoreCase(r.get("Response")))
        .recover(e -> Future.succeededFuture(false))
        .onSuccess(ok -> {
          if (!ok) {
            log.atInfo().setMessage("PBX did not mute the recording; the span is silenced in the playback copy")
                .addKeyValue("channel", channel).log();
          }
        });
  }

  private static long ms(Instant origin, Instant t) {
    return Math.max(0, Duration.between(origin, t).toMillis());
  }
}
