package io.huifang.app;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Huifang's whole configuration, validated once at start-up. Built by {@link ConfigLoader} from defaults,
 * a properties file, {@code HUIFANG_*} environment variables and command-line flags (later wins).
 */
public record Config(
    String httpHost,
    int httpPort,
    boolean cookieSecure,
    int sessionIdleMinutes,
    Path webDir,
    Path dataDir,
    Optional<String> dbUrl,
    Optional<String> dbUser,
    Optional<String> dbPassword,
    int dbPoolSize,
    int embeddedDbPort,
    PbxMode pbxMode,
    String amiHost,
    int amiPort,
    String amiUser,
    String amiSecret,
    String agiHost,
    int agiPort,
    double emulatorSpeed,
    long emulatorSeed,
    Optional<Path> emulatorScenario,
    Optional<String> adminPassword,
    int shutdownGraceSeconds,
    java.util.List<PbxServer> pbxServers,
    String dialTemplate,
    double originatesPerSecond,
    int taskLeaseSeconds,
    boolean demo,
    Optional<String> recordingsPbxDirSetting,
    java.util.List<String> emulatorPbxes,
    java.util.List<String> allowedOrigins,
    PbxLimits pbxLimits,
    Optional<Cluster> cluster,
    RecordingArchive recordingArchive) {

  /**
   * Where recordings are archived and read from (recordings.archive-dir, recordings.archive-shared,
   * recordings.raw-dirs; docs/cluster.md, "Recordings in a cluster").
   *
   * @param dir the archive's directory; empty = data.dir/recordings
   * @param shared every node of the cluster mounts this same directory (checked at start by a marker file)
   * @param rawDirs where Huifang reads each PBX's files (its spool), by PBX name; a PBX not listed: the archive's
   *     directory, as before the PBXes could have their own
   */
  public record RecordingArchive(Optional<Path> dir, boolean shared, java.util.Map<String, Path> rawDirs) {
  }

  /**
   * Several nodes on one clustered event bus (cluster.* keys; docs/cluster.md): Hazelcast joins the members over
   * TCP-IP (no multicast). Absent (no cluster.members nor cluster.members-file): one node, no Hazelcast at all.
   *
   * @param members the members' Hazelcast addresses (host:port), this node's own among them or not
   * @param host the address this node binds and the others reach it at (Hazelcast and the event bus)
   * @param port this node's Hazelcast port
   * @param busPort this node's event bus port (0 = any free port; the members learn it through Hazelcast)
   * @param name the cluster's name: nodes with another name do not join
   * @param failureSeconds a member silent this long is taken for dead (its consumers leave the bus)
   */
  public record Cluster(java.util.List<String> members, String host, int port, int busPort, String name,
                        int failureSeconds) {
  }

  /**
   * What a hostile or broken PBX may cost (pbx.ami-*, pbx.agi-* keys): the AMI greeting's deadline, the size and
   * time of a list action, and the FastAGI server's idle timeout and caps.
   */
  public record PbxLimits(int amiLoginTimeoutSeconds, int amiListMaxItems, int amiListTimeoutSeconds,
                          int agiIdleTimeoutSeconds, int agiMaxSessions, int agiMaxSessionsPerPeer) {
  }

  /** Where {@code pbx} writes recordings, as it sees it: an emulator writes straight into its raw directory. */
  public String recordingsPbxDir(String pbx) {
    return recordingsPbxDirSetting.orElseGet(() -> pbxMode == PbxMode.EMULATOR
        ? recordingsRawDir(pbx).toAbsolutePath().toString() : "/var/spool/asterisk/monitor/huifang");
  }

  /** Where Huifang reads {@code pbx}'s files: its recordings.raw-dirs entry, else the archive's directory. */
  public Path recordingsRawDir(String pbx) {
    return recordingArchive.rawDirs().getOrDefault(pbx, recordingsDir());
  }

  /** One Asterisk server Huifang connects to (pbx.mode=asterisk). */
  public record PbxServer(String name, String host, int port) {
  }

  /**
   * The AMI port of the {@code index}th emulated PBX (from 0): pbx.ami-port, the next one, and so on; 0 (any free
   * port) for every one when pbx.ami-port is 0.
   */
  public int emulatorAmiPort(int index) {
    return amiPort == 0 ? 0 : amiPort + index;
  }

  /** Where the PBX comes from: the built-in emulator (default) or a real Asterisk reached over AMI. */
  public enum PbxMode {
    EMULATOR, ASTERISK
  }

  /** The database part, for {@link io.huifang.db.Database#start}. */
  public io.huifang.db.Database.Settings database() {
    return new io.huifang.db.Database.Settings(dbUrl, dbUser, dbPassword, dbPoolSize, embeddedDbDir(), embeddedDbPort);
  }

  public boolean embeddedDb() {
    return dbUrl.isEmpty();
  }

  public Path embeddedDbDir() {
    return dataDir.resolve("pg");
  }

  /** The recordings archive's directory: recordings.archive-dir, else data.dir/recordings. */
  public Path recordingsDir() {
    return recordingArchive.dir().orElseGet(() -> dataDir.resolve("recordings"));
  }
}
