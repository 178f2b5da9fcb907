package io.huifang.pbx.emulator;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code pbx-emulator} subcommand: runs the emulator standalone until SIGTERM or Ctrl-C.
 * Prints one line with the bound AMI port; a bad flag prints one line naming it and returns 2.
 */
public final class EmulatorCommand {
  static final String USAGE = "usage: pbx-emulator [--ami-host H] [--ami-port N] [--ami-user U] [--ami-secret S]"
      + " [--agi-url agi://host:port|none] [--scenario file.json] [--speed X] [--seed N] [--recordings DIR]";

  private EmulatorCommand() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err, null);
  }

  /** {@code stop}, when non-null, replaces waiting for a signal (for tests). */
  static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) {
    EmulatorOptions o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    if (o == null) {
      out.println(USAGE);
      return 0;
    }
    Vertx vertx = Vertx.vertx();
    PbxEmulator emu;
    try {
      emu = PbxEmulator.start(vertx, o).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      err.println("pbx-emulator: cannot start: " + c.getMessage());
      vertx.close();
      return 1;
    }
    out.println("pbx-emulator: AMI listening on " + o.amiHost() + ":" + emu.amiPort() + " (speed " + o.speed()
        + ", seed " + o.seed() + ", AGI " + (o.agiUrl() == null ? "none" : o.agiUrl()) + ")");
    out.flush();
    CountDownLatch done = stop != null ? stop : new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      shutdown(vertx, emu);
      done.countDown();
    }, "pbx-emulator-shutdown");
    if (stop == null) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stop != null) {
      shutdown(vertx, emu);
    }
    return 0;
  }

  private static void shutdown(Vertx vertx, PbxEmulator emu) {
    try {
      emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
  }

  static EmulatorOptions parse(String[] args) {
    EmulatorOptions d = EmulatorOptions.defaults();
    String host = d.amiHost();
    int port = d.amiPort();
    String user = d.amiUser();
    String secret = d.amiSecret();
    String agi = d.agiUrl();
    Path scenario = null;
    double speed = d.speed();
    long seed = d.seed();
    Path rec = d.recordingsDir();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String flag = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        flag = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (flag.equals("--help") || flag.equals("-h")) {
        return null;
      }
      if (!flag.startsWith("--")) {
        throw new IllegalArgumentException("pbx-emulator: unexpected argument: " + a);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("pbx-emulator: missing value for " + flag);
        }
        value = args[++i];
      }
      try {
        switch (flag) {
          case "--ami-host" -> host = value;
          case "--ami-port" -> {
            port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
              throw new NumberFormatException();
            }
          }
          case "--ami-user" -> user = value;
          case "--ami-secret" -> secret = value;
          case "--agi-url" -> agi = value.equalsIgnoreCase("none") ? null : value;
          case "--scenario" -> {
            scenario = Path.of(value);
            if (!Files.isReadable(scenario)) {
              throw new IllegalArgumentException("pbx-emulator: --scenario: cannot read " + value);
            }
            Scenario.load(scenario);
          }
          case "--speed" -> {
            speed = Double.parseDouble(value);
            if (!(speed > 0) || Double.isInfinite(speed)) {
              throw new NumberFormatException();
            }
          }
          case "--seed" -> seed = Long.parseLong(value);
          case "--recordings" -> rec = Path.of(value);
          default -> throw new IllegalArgumentException("pbx-emulator: unknown flag: " + flag);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("pbx-emulator: invalid value for " + flag + ": " + value);
      } catch (java.io.IOException | RuntimeException e) {
        if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
            && iae.getMessage().startsWith("pbx-emulator:")) {
          throw iae;
        }
        throw new IllegalArgumentException("pbx-emulator: invalid value for " + flag + ": " + e.getMessage());
      }
    }
    return new EmulatorOptions(host, port, user, secret, agi, scenario, speed, seed, rec);
  }
}
