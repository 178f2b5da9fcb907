package io.huifang.pbx.emulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Active MixMonitors. Files are written when a recording stops, on a worker thread. */
final class Recordings {
  private static final Logger LOG = LoggerFactory.getLogger(Recordings.class);
  private static final Pattern OPT_FILE = Pattern.compile("([rt])\\(([^)]*)\\)");

  private final Vertx vertx;
  private final SimClock clock;
  private final List<Future<Void>> inFlight = new ArrayList<>();

  Recordings(Vertx vertx, SimClock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  Recording start(Channel ch, String file, String options) {
    Recording r = new Recording();
    r.file = file;
    r.start = clock.elapsed();
    r.seed = ch.uniqueid.hashCode() * 31L + file.hashCode();
    Matcher m = OPT_FILE.matcher(options);
    String rest = options;
    while (m.find()) {
      if (m.group(1).equals("r")) {
        r.rFile = m.group(2);
      } else {
        r.tFile = m.group(2);
      }
    }
    rest = OPT_FILE.matcher(rest).replaceAll("");
    // D interleaves the two directions as a stereo file (customer left, agent right), as app_mixmonitor does.
    r.stereo = rest.contains("D") || rest.toLowerCase().contains("stereo");
    if (ch.bridge != null) {
      r.bridgedAt = 0;
    }
    return r;
  }

  void bridged(Channel ch) {
    Recording r = ch.recording;
    if (r == null && ch.peer != null) {
      r = ch.peer.recording;
    }
    if (r != null && r.bridgedAt < 0) {
      r.bridgedAt = clock.elapsed() - r.start;
    }
  }

  /**
   * MixMonitorMute: from now on the muted direction(s) are written as silence (read = what the channel sends,
   * the r() file; write = what it hears, the t() file), as app_mixmonitor's audiohook mute flags do.
   */
  void mute(Recording r, boolean read, boolean write, boolean on) {
    double now = Math.max(0, clock.elapsed() - r.start);
    if (read) {
      r.readMutes.set(on, now);
    }
    if (write) {
      r.writeMutes.set(on, now);
    }
  }

  void stop(Recording r) {
    if (r.stopped) {
      return;
    }
    r.stopped = true;
    double duration = Math.max(0, clock.elapsed() - r.start);
    List<double[]> readMuted = r.readMutes.close(duration);
    List<double[]> writeMuted = r.writeMutes.close(duration);
    List<WavWriter.Turn> turns = WavWriter.conversation(duration, r.bridgedAt, r.seed);
    Promise<Void> done = Promise.promise();
    inFlight.add(done.future());
    vertx.<Void>executeBlocking(() -> {
      // The legs before the mixed file: Asterisk has written all three during the call, so a reader that takes the
      // mixed file's arrival, settled, as the end of the writing (Huifang's pipeline) must find the legs there too;
      // written last, a loaded machine let the pipeline settle on the mixed file alone (a mono recording).
      if (r.rFile != null) {
        WavWriter.write(Path.of(r.rFile), duration, turns, true, false, 1, r.seed, readMuted, writeMuted);
      }
      if (r.tFile != null) {
        WavWriter.write(Path.of(r.tFile), duration, turns, false, true, 1, r.seed, readMuted, writeMuted);
      }
      WavWriter.write(Path.of(r.file), duration, turns, true, true, r.stereo ? 2 : 1, r.seed, readMuted,
          writeMuted);
      return null;
    }, false).onComplete(ar -> {
      inFlight.remove(done.future());
      if (ar.failed()) {
        LOG.warn("recording {} not written: {}", r.file, ar.cause().toString());
      }
      done.handle(ar);
    });
  }

  /** Completes when every recording stopped so far is on disk. */
  Future<Void> flush() {
    return Future.join(new ArrayList<>(inFlight)).mapEmpty();
  }

  static final class Recording {
    String file;
    String rFile;
    String tFile;
    boolean stereo;
    double start;
    double bridgedAt = -1;
    long seed;
    boolean stopped;
    final Mutes readMutes = new Mutes();
    final Mutes writeMutes = new Mutes();
  }

  /** The muted spans of one direction, in seconds from the start of the recording. */
  static final class Mutes {
    private final List<double[]> spans = new ArrayList<>();
    private double since = Double.NaN;

    void set(boolean on, double now) {
      if (on && Double.isNaN(since)) {
        since = now;
      } else if (!on && !Double.isNaN(since)) {
        if (now > since) {
          spans.add(new double[] {since, now});
        }
        since = Double.NaN;
      }
    }

    List<double[]> close(double end) {
      set(false, end);
      return List.copyOf(spans);
    }
  }
}
