package io.huifang.app;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code huifang [serve|help|version] [--key=value ...]}: one executable, subcommands for each job. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    String command = args.length > 0 && !args[0].startsWith("--") ? args[0] : "serve";
    List<String> rest = Arrays.asList(args).subList(args.length > 0 && !args[0].startsWith("--") ? 1 : 0,
        args.length);
    return switch (command) {
      case "serve" -> serve(rest);
      case "pbx-emulator" -> io.huifang.pbx.emulator.EmulatorCommand.run(rest.toArray(new String[0]));
      case "rebuild-catalog" -> io.huifang.app.RebuildCatalogCommand.run(rest);
      case "version", "--version" -> {
        System.out.println("huifang " + Version.get());
        yield 0;
      }
      case "help", "--help", "-h" -> {
        help();
        yield 0;
      }
      default -> {
        System.err.println("huifang: unknown command '" + command + "' (see: huifang help)");
        yield 2;
      }
    };
  }

  private static int serve(List<String> args) {
    Config config;
    try {
      config = ConfigLoader.load(args, System.getenv(), Path.of("").toAbsolutePath());
    } catch (ConfigException e) {
      System.err.println("huifang: configuration error: " + e.getMessage());
      return 2;
    }
    // The hook is in place before start-up begins: a SIGTERM during start-up waits for it, then stops cleanly,
    // so the embedded PostgreSQL is never left running.
    CompletableFuture<Server> starting = Server.start(config).toCompletionStage().toCompletableFuture();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        starting.get(10, TimeUnit.MINUTES).stop().get(config.shutdownGraceSeconds() + 60L, TimeUnit.SECONDS);
      } catch (ExecutionException startFailed) {
        // start-up failed and has already cleaned up after itself
      } catch (Exception e) {
        System.err.println("huifang: shutdown did not finish cleanly: " + e);
      } finally {
        stopped.countDown();
      }
    }, "huifang-shutdown"));
    try {
      starting.get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      log.atError().setMessage("start-up failed").addKeyValue("error", cause.getMessage()).log();
      System.err.println("huifang: start-up failed: " + cause.getMessage());
      return 1;
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static void help() {
    System.out.println("""
        Huifang (回访) — call-centre server for customer-satisfaction callbacks

        usage: java -jar target/huifang.jar [command] [--key=value ...]

        commands:
          serve         run the server (default): web UI and API, database, PBX
          pbx-emulator  run only the PBX emulator (AMI + FastAGI client); flags: pbx-emulator --help
          rebuild-catalog  rebuild the recordings catalog from the sidecars under data.dir/recordings
          version       print the version
          help          this text

        configuration (flag, environment variable, description [default]); a properties file
        given by --config FILE or HUIFANG_CONFIG, or ./huifang.properties, may set the same keys:""");
    ConfigLoader.describe().forEach(System.out::println);
  }
}
