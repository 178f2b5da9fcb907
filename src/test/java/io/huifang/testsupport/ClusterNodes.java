package io.huifang.testsupport;

import io.huifang.db.EmbeddedPostgres;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** What the ITs that run several nodes in one JVM on one PostgreSQL share: ports, a node's flags, the teardown. */
public final class ClusterNodes {
  private ClusterNodes() {
  }

  /** A port free now (for a node's Hazelcast or FastAGI). */
  public static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * One node's flags: the shared database, the cluster's members on loopback, this node's Hazelcast port, a member
   * taken for dead after 3 s; then {@code more}.
   */
  public static List<String> nodeFlags(EmbeddedPostgres pg, String members, int hzPort, String... more) {
    List<String> flags = new ArrayList<>(List.of("--db.url=postgresql://127.0.0.1:" + pg.port() + "/" + pg.database(),
        "--db.user=" + pg.user(), "--db.password=" + pg.password(), "--db.pool-size=4", "--cluster.members=" + members,
        "--cluster.host=127.0.0.1", "--cluster.port=" + hzPort, "--cluster.failure-seconds=3"));
    flags.addAll(List.of(more));
    return flags;
  }

  /** Stops the nodes in the order given (those started), then the database. */
  public static void close(EmbeddedPostgres pg, TestServer... nodes) throws Exception {
    for (TestServer s : nodes) {
      if (s != null) {
        s.close();
      }
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** The holder of the emulator PBX's lease ({@code pbx:pbx}) now, its grant not run out; null when nobody holds it. */
  public static String holder(io.vertx.sqlclient.Pool pool) {
    var rows = pool.query("select holder from node_lease where name = 'pbx:pbx' and expires_at > now()").execute()
        .await();
    return rows.size() == 0 ? null : rows.iterator().next().getString(0);
  }

  /** Which of {@code nodes} holds the PBX (its holder name ends with the node's data dir), or -1. */
  public static int owner(List<TestServer> nodes, io.vertx.sqlclient.Pool pool) {
    String h = holder(pool);
    for (int i = 0; i < nodes.size(); i++) {
      if (h != null && h.endsWith(":" + nodes.get(i).dataDir().toAbsolutePath().normalize())) {
        return i;
      }
    }
    return -1;
  }
}
