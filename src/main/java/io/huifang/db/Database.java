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
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Optional<EmbeddedPostgres> embedded;
  private final String description;

  private Database(Vertx vertx, Pool pool, Optional<EmbeddedPostgres> embedded, String description) {
    this.vertx = vertx;
    this.pool = pool;
    this.embedded = embedded;
    this.description = description;
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
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(config.poolSize()).setName("huifang"))
          .connectingTo(target.options())
          .using(vertx)
          .build();
      String where = target.options().getHost() + ":" + target.options().getPort() + "/"
          + target.options().getDatabase() + (target.embedded().isPresent() ? " (embedded)" : "");
      return new Database(vertx, pool, target.embedded(), where);
    });
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
    return pool.close()
        .transform(ignored -> embedded.isEmpty() ? Future.<Void>succeededFuture()
            : vertx.executeBlocking(() -> {
              embedded.get().close();
              return null;
            }, false));
  }
}
