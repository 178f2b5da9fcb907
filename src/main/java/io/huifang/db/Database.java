package io.huifang.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database as the rest of Huifang sees it: a migrated schema and a vertx-pg-client pool. Starting it may
 * start the embedded PostgreSQL; both that and Flyway's JDBC work run on worker threads.
 *
 * <p>It outlives the PostgreSQL server it talks to. A watch every second asks the server for a round trip; while it
 * does not answer, {@link #available()} is false. The pool drops a connection whose server went away (its socket
 * closes) and opens new ones on demand, so once the server answers again the pool works again, whichever
 * PostgreSQL it is. The embedded one is brought back here: when its postmaster is gone (killed, crashed), it is
 * started again on the same cluster, with back-off, each step logged. Writes that must not be lost meanwhile go
 * through the {@link #journal()}, which is replayed when the server answers again.
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** How often the watch looks at the server. */
  static final long WATCH_MS = 1000;
  /** The embedded server's restarts back off from the first to the last delay, doubling. */
  static final long RESTART_FIRST_MS = 1000;
  static final long RESTART_MAX_MS = 30_000;

  private final Vertx vertx;
  private final Pool pool;
  private final Optional<EmbeddedPostgres> embedded;
  private final String description;
  private final WriteJournal journal;
  private volatile boolean available = true;
  private volatile boolean closing;
  private long watchTimer = -1;
  private boolean watching;
  private long restartDelay = RESTART_FIRST_MS;
  private long nextRestartAt;
  private long restarts;
  private final java.util.List<Runnable> onBack = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Database(Vertx vertx, Pool pool, Optional<EmbeddedPostgres> embedded, String description,
                   java.nio.file.Path journalDir) {
    this.vertx = vertx;
    this.pool = pool;
    this.embedded = embedded;
    this.description = description;
    this.journal = new WriteJournal(vertx, pool, journalDir, () -> available);
  }

  /** Where to connect, in both the reactive and the JDBC (Flyway) forms. */
  record Target(PgConnectOptions options, String jdbcUrl, Optional<EmbeddedPostgres> embedded) {
  }

  /**
   * Where the database is: a URL (any PostgreSQL), or none for the embedded one kept in {@code embeddedDir}.
   * The wiring fills it from the validated configuration; db knows nothing of the rest.
   */
  public record Settings(Optional<String> url, Optional<String> user, Optional<String> password, int poolSize,
                         java.nio.file.Path embeddedDir, int embeddedPort) {
  }

  public static Future<Database> start(Vertx vertx, Settings config) {
    return vertx.executeBlocking(() -> {
      Target target = resolveTarget(config);
      try {
        migrate(target);
      } catch (RuntimeException e) {
        target.embedded().ifPresent(EmbeddedPostgres::close);
        throw e;
      }
      return target;
    }, false).map(target -> {
      // A server that goes away without closing its sockets (a network cut, a host gone) is noticed by TCP
      // keep-alive; connecting to one that does not answer gives up after a few seconds, so that writes meanwhile go
      // to the journal rather than wait. Idle connections are renewed now and then, so none left from before an
      // outage lingers.
      Pool pool = PgBuilder.pool()
          .with(new io.vertx.core.net.NetClientOptions().setTcpKeepAlive(true).setConnectTimeout(5000))
          .with(new PoolOptions().setMaxSize(config.poolSize()).setName("huifang")
              .setIdleTimeout(60).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
              .setConnectionTimeout(10).setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS))
          .connectingTo(target.options())
          .using(vertx)
          .build();
      String where = target.options().getHost() + ":" + target.options().getPort() + "/"
          + target.options().getDatabase() + (target.embedded().isPresent() ? " (embedded)" : "");
      return new Database(vertx, pool, target.embedded(), where,
          config.embeddedDir().toAbsolutePath().getParent().resolve("journal"));
    }).compose(db -> vertx.executeBlocking(() -> {
      db.journal.open();
      return db;
    }, false)).onSuccess(Database::watch);
  }

  private static Target resolveTarget(Settings config) {
    if (config.url().isEmpty()) {
      EmbeddedPostgres pg = EmbeddedPostgres.start(config.embeddedDir(), config.embeddedPort());
      PgConnectOptions o = new PgConnectOptions().setHost("127.0.0.1").setPort(pg.port())
          .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password());
      return new Target(o, pg.jdbcUrl(), Optional.of(pg));
    }
    String url = config.url().get();
    String uri = url.startsWith("jdbc:") ? url.substring(5) : url;
    PgConnectOptions o = PgConnectOptions.fromUri(uri);
    config.user().ifPresent(o::setUser);
    config.password().ifPresent(o::setPassword);
    String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    return new Target(o, jdbc, Optional.empty());
  }

  private static void migrate(Target target) {
    long t0 = System.nanoTime();
    var result = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.options().getUser(), target.options().getPassword())
        .locations("classpath:db/migration")
        .connectRetries(5)
        .load()
        .migrate();
    log.atInfo().setMessage("schema migrated")
        .addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("version", result.targetSchemaVersion != null ? result.targetSchemaVersion : "unchanged")
        .addKeyValue("ms", Duration.ofNanos(System.nanoTime() - t0).toMillis())
        .log();
  }

  public Pool pool() {
    return pool;
  }

  /** The writes kept while the database is away, replayed when it is back. */
  public WriteJournal journal() {
    return journal;
  }

  /** False while the server does not answer the watch's round trip (or the embedded one is being restarted). */
  public boolean available() {
    return available;
  }

  /** Runs {@code r} (on an event loop) each time the server answers again after being away. */
  public void onBack(Runnable r) {
    onBack.add(r);
  }

  /**
   * Whether a failed database call failed because the server is away (not reachable, the connection lost, a server
   * shutting down or starting up) rather than because it refused the statement: only the former is worth keeping
   * for later.
   */
  public static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.vertx.pgclient.PgException pg) {
        String state = String.valueOf(pg.getSqlState());
        return state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
      }
      // Network failures only: a file that cannot be read (an upload, a recording) is not the database away.
      if (t instanceof io.vertx.sqlclient.ClosedConnectionException || t instanceof java.net.SocketException
          || t instanceof java.nio.channels.ClosedChannelException
          || (t instanceof java.io.IOException && t.getClass().getName().startsWith("io.netty."))
          || t instanceof java.util.concurrent.TimeoutException
          || t.getClass().getName().equals("io.vertx.core.impl.NoStackTraceTimeoutException")) {
        return true;
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (t instanceof io.vertx.core.VertxException && !(t instanceof io.vertx.core.file.FileSystemException)
          && (m.contains("connection") || m.contains("timeout") || m.contains("timed out") || m.contains("pool"))) {
        return true;
      }
    }
    return false;
  }

  // ---- the watch -------------------------------------------------------------------------------------------

  private void watch() {
    watchTimer = vertx.setPeriodic(WATCH_MS, t -> look());
  }

  /** One look: the round trip, and for the embedded server whether its postmaster lives. */
  private void look() {
    if (watching || closing) {
      return;
    }
    watching = true;
    Future<Boolean> gone = embedded.isEmpty() ? Future.succeededFuture(false)
        : vertx.executeBlocking(() -> !embedded.get().alive(), false);
    gone.compose(dead -> dead ? restartEmbedded().map(false) : ping().map(true).otherwise(false))
        .onComplete(ar -> {
          watching = false;
          boolean up = ar.succeeded() && ar.result();
          boolean was = available;
          available = up;
          if (up && !was) {
            log.atInfo().setMessage("database answers again").addKeyValue("db", description).log();
            onBack.forEach(Runnable::run);
          } else if (!up && was) {
            log.atWarn().setMessage("database not answering").addKeyValue("db", description)
                .addKeyValue("error", ar.failed() ? ar.cause().getMessage() : "no answer").log();
          }
          if (up && journal.pending() > 0) {
            journal.replay();
          }
        });
  }

  /**
   * The embedded postmaster is gone: started again on the same cluster (its crash recovery replays the WAL), at
   * once the first time, then backing off while it does not start (the old server's processes may still be
   * leaving). Completes when this look is over, started or not.
   */
  private Future<Void> restartEmbedded() {
    available = false;
    long now = System.currentTimeMillis();
    if (now < nextRestartAt) {
      return Future.succeededFuture();
    }
    if (restartDelay == RESTART_FIRST_MS) {
      log.atError().setMessage("embedded PostgreSQL gone").addKeyValue("dir", embedded.get().dataDir()).log();
    }
    restarts++;
    log.atWarn().setMessage("restarting embedded PostgreSQL").addKeyValue("try", restarts).log();
    return vertx.executeBlocking(() -> {
      embedded.get().restart();
      return null;
    }, false).<Void>mapEmpty().onSuccess(v -> {
      log.atInfo().setMessage("embedded PostgreSQL restarted").addKeyValue("tries", restarts).log();
      restartDelay = RESTART_FIRST_MS;
      nextRestartAt = 0;
      restarts = 0;
    }).recover(e -> {
      log.atWarn().setMessage("embedded PostgreSQL did not restart").addKeyValue("try", restarts)
          .addKeyValue("retryInMs", restartDelay).addKeyValue("error", e.getMessage()).log();
      nextRestartAt = System.currentTimeMillis() + restartDelay;
      restartDelay = Math.min(RESTART_MAX_MS, restartDelay * 2);
      return Future.succeededFuture();
    });
  }

  public String description() {
    return description;
  }

  /** A cheap round trip, bounded in time, for /health. */
  public Future<String> ping() {
    return pool.query("select version()").execute()
        .map(rows -> rows.iterator().next().getString(0))
        .timeout(2, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Closes the pool (waiting for in-flight queries), then stops the embedded server if we started one. */
  public Future<Void> close() {
    closing = true;
    if (watchTimer != -1) {
      vertx.cancelTimer(watchTimer);
    }
    journal.close();
    return pool.close()
        .transform(ignored -> embedded.isEmpty() ? Future.<Void>succeededFuture()
            : vertx.executeBlocking(() -> {
              embedded.get().close();
              return null;
            }, false));
  }
}
