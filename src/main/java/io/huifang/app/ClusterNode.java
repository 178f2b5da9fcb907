package io.huifang.app;

import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Vert.x on the clustered event bus, Hazelcast as its cluster manager (docs/cluster.md). The only class that
 * names Hazelcast: {@link Server} reaches it only when cluster.members (or cluster.members-file) is set, so a single
 * node loads no Hazelcast class and starts as fast as before.
 *
 * <p>Everything is set here, from Huifang's configuration, not from a hazelcast.xml: TCP-IP join to the listed
 * members (multicast and the cloud discoveries off, so that a node joins only the members it is told of), the
 * phone-home call to Hazelcast's servers off, its logging through slf4j, its shutdown hook off (Vert.x leaves the
 * cluster when the server stops), and a member silent for cluster.failure-seconds taken for dead.
 */
final class ClusterNode {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  private ClusterNode() {
  }

  static Future<Vertx> start(VertxOptions options, Config.Cluster cluster) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(cluster));
    options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.busPort())
        .setClusterPublicHost(cluster.host());
    log.atInfo().setMessage("joining the cluster").addKeyValue("name", cluster.name())
        .addKeyValue("members", String.join(",", cluster.members()))
        .addKeyValue("hazelcast", cluster.host() + ":" + cluster.port()).log();
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .onSuccess(v -> log.atInfo().setMessage("joined the cluster").addKeyValue("node", manager.getNodeId())
            .addKeyValue("members", manager.getNodes().size()).log());
  }

  /** Vert.x's own defaults (its maps and multimap), with the network, join and properties set from {@code c}. */
  static com.hazelcast.config.Config hazelcast(Config.Cluster c) {
    com.hazelcast.config.Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(c.name());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Failure detection: a heartbeat a second, dead after failure-seconds of silence.
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(c.failureSeconds()));
    // The join waits (5 s, then up to 20 s by default) are for members starting at the same moment; TCP-IP members
    // answer at once or are not up, so one second each is enough and keeps a node's start short.
    hz.setProperty("hazelcast.wait.seconds.before.join", "1");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "2");
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.local.localAddress", c.host());
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(c.port()).setPortAutoIncrement(false);
    network.setPublicAddress(c.host() + ":" + c.port());
    network.getInterfaces().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    join.getGcpConfig().setEnabled(false);
    join.getAzureConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    join.getEurekaConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(c.members());
    return hz;
  }
}
