package io.huifang.db;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded PostgreSQL (zonky's binaries, as a node runs it) in a process of its own, for benchmarks that kill
 * Huifang nodes and need the database to outlive them (.ci/bench-cluster3). Prints one line with the port and where
 * the superuser's password is, then runs until SIGTERM, when it stops the server cleanly.
 *
 * <pre>java -cp target/huifang-bench.jar io.huifang.db.PostgresAlone DIR PORT</pre>
 *
 * The cluster lives in DIR/pg, the password in DIR/pg-superuser.secret (as under a node's data.dir); nodes reach it
 * with {@code --db.url=postgresql://127.0.0.1:PORT/huifang --db.user=huifang --db.password=...}.
 */
public final class PostgresAlone {
  private PostgresAlone() {
  }

  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"), port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pg.close();
      stopped.countDown();
    }, "postgres-alone-stop"));
    System.out.println("PostgreSQL ready on 127.0.0.1:" + pg.port() + ", password in "
        + dir.resolve("pg-superuser.secret"));
    System.out.flush();
    stopped.await();
  }
}
