package io.huifang.pbx.emulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;

/**
 * An Asterisk stand-in speaking real AMI and FastAGI. Everything (AMI sessions, the simulated world,
 * AGI client connections, timers) runs on one event-loop context, so the world needs no locks.
 */
public final class PbxEmulator {
  private final Vertx vertx;
  private final EmulatorOptions options;
  private SimClock clock;
  private World world;
  private AmiServer ami;
  private Context context;
  private String deploymentId;
  private int port;

  private PbxEmulator(Vertx vertx, EmulatorOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  public static Future<PbxEmulator> start(Vertx vertx, EmulatorOptions options) {
    return start(vertx, options, null);
  }

  /** {@code simStartMillis}: where the simulated clock starts; null = the scenario's start. */
  private static Future<PbxEmulator> start(Vertx vertx, EmulatorOptions options, Long simStartMillis) {
    PbxEmulator emu = new PbxEmulator(vertx, options);
    Scenario scenario;
    Dialplan dialplan;
    try {
      scenario = options.scenarioFile() == null ? Scenario.builtIn() : Scenario.load(options.scenarioFile());
      // The trace contexts, plus Huifang's production dialplan itself (dialplans/extensions.conf, copied onto
      // the classpath by the build): the emulator runs exactly what Asterisk users install.
      try (InputStream traces = PbxEmulator.class.getResourceAsStream("/pbx/emulator-dialplan.conf");
           InputStream production = PbxEmulator.class.getResourceAsStream("/pbx/dialplans/extensions.conf")) {
        if (production == null) {
          throw new IOException("pbx/dialplans/extensions.conf missing from the classpath");
        }
        dialplan = Dialplan.parse(new String(traces.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8) + "\n"
            + new String(production.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        emu.context = context;
        emu.clock = new SimClock(vertx, options.speed(),
            simStartMillis != null ? simStartMillis : scenario.startEpochMillis());
        emu.ami = new AmiServer(emu);
        emu.world = new World(vertx, emu.clock, scenario, dialplan, options, emu.ami);
        emu.ami.world(emu.world);
        return emu.ami.listen(options.amiHost(), options.amiPort()).onSuccess(p -> emu.port = p);
      }
    }).map(id -> {
      emu.deploymentId = id;
      return emu;
    });
  }

  Vertx vertx() {
    return vertx;
  }

  EmulatorOptions options() {
    return options;
  }

  SimClock clock() {
    return clock;
  }

  /** The bound AMI port. */
  public int amiPort() {
    return port;
  }

  /** Channels currently alive, for leak checks. */
  public int liveChannels() {
    return world.liveChannels();
  }

  /** Completes when every recording stopped so far has been written. */
  public Future<Void> recordingsWritten() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> world.recordings.flush().onComplete(p));
    return p.future();
  }

  /** Number of AMI connections currently open. */
  public Future<Integer> amiSessions() {
    Promise<Integer> p = Promise.promise();
    context.runOnContext(v -> p.complete(ami.sessionCount()));
    return p.future();
  }

  /** Sends Event: Shutdown (Cleanly, Restart False) to logged-in clients, then closes everything. */
  public Future<Void> close() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      Future<Void> f = ami.shutdown();
      world.clear();
      world.closeClients();
      f.transform(x -> world.recordings.flush())
          .transform(x -> vertx.undeploy(deploymentId))
          .onComplete(x -> p.complete());
    });
    return p.future();
  }

  /**
   * The PBX dies as a crashed or powered-off Asterisk does: every call is gone at once, the AMI and FastAGI
   * connections drop without a word (no Hangup, no Shutdown event), and nothing listens until {@link #restart()}.
   * For the fault tests and the soak benchmark.
   */
  public Future<Void> kill() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      world.clear();
      world.closeClients();
      ami.kill()
          .transform(x -> vertx.undeploy(deploymentId))
          .onComplete(x -> p.complete());
    });
    return p.future();
  }

  /**
   * A new PBX where this one was (after {@link #kill()}): same options and AMI port, no calls, its simulated clock
   * going on from where this one's stood (the hour of day, hence the answer rates, does not jump back).
   */
  public Future<PbxEmulator> restart() {
    return start(vertx, options.withAmiPort(port), clock.nowMillis());
  }
}
