package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void defaultsAreUsable() {
    Config c = ConfigLoader.load(List.of(), Map.of(), dir);
    assertEquals(8080, c.httpPort());
    assertTrue(c.embeddedDb());
    assertEquals(dir.resolve("data/pg"), c.embeddedDbDir());
    assertEquals(Config.PbxMode.EMULATOR, c.pbxMode());
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Files.writeString(dir.resolve("huifang.properties"), "http.port=7001\ndb.pool-size=3\nsession.idle-minutes=30\n");
    Config c = ConfigLoader.load(List.of("--http.port=7003"),
        Map.of("HUIFANG_HTTP_PORT", "7002", "HUIFANG_DB_POOL_SIZE", "4"), dir);
    assertEquals(7003, c.httpPort());
    assertEquals(4, c.dbPoolSize());
    assertEquals(30, c.sessionIdleMinutes());
  }

  @Test
  void badValuesNameTheKeyTheSourceAndWhy() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of(), Map.of("HUIFANG_HTTP_PORT", "eighty"), dir));
    assertTrue(e.getMessage().startsWith("http.port='eighty' (from env HUIFANG_HTTP_PORT)"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--db.pool-size=0"), Map.of(), dir));
    assertTrue(e.getMessage().contains("db.pool-size") && e.getMessage().contains("1 to 200"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--pbx.mode=freeswitch"), Map.of(), dir));
    assertTrue(e.getMessage().contains("pbx.mode") && e.getMessage().contains("'emulator' or 'asterisk'"));
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--db.url=mysql://x/y"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("db.url="), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--no.such=1"), Map.of(), dir));
    assertTrue(e.getMessage().contains("--no.such"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--pbx.mode=asterisk"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("pbx.ami-secret"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--admin.password=short"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("admin.password") && !e.getMessage().contains("short'"),
        "names the key without echoing the secret: " + e.getMessage());
  }

  @Test
  void limitsAgainstAHostilePbx() {
    assertEquals(new Config.PbxLimits(10, 20_000, 30, 60, 1000, 500),
        ConfigLoader.load(List.of(), Map.of(), dir).pbxLimits());
    Config c = ConfigLoader.load(List.of("--pbx.ami-login-timeout-seconds=3", "--pbx.ami-list-max-items=500",
        "--pbx.ami-list-timeout-seconds=5", "--pbx.agi-idle-timeout-seconds=20", "--pbx.agi-max-sessions=50"),
        Map.of("HUIFANG_PBX_AGI_MAX_SESSIONS_PER_PEER", "40"), dir);
    assertEquals(new Config.PbxLimits(3, 500, 5, 20, 50, 40), c.pbxLimits());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--pbx.agi-max-sessions=0"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("pbx.agi-max-sessions='0'"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--pbx.ami-login-timeout-seconds=never"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("pbx.ami-login-timeout-seconds="), e.getMessage());
  }

  @Test
  void allowedOriginsAreOriginsAndNothingElse() {
    assertEquals(List.of(), ConfigLoader.load(List.of(), Map.of(), dir).allowedOrigins());
    assertEquals(List.of("https://huifang.example.com", "http://10.0.0.5:8080"), ConfigLoader.load(
        List.of("--http.allowed-origins=https://huifang.example.com, http://10.0.0.5:8080"), Map.of(), dir)
        .allowedOrigins());
    for (String bad : List.of("huifang.example.com", "https://huifang.example.com/app", "ftp://x.example",
        "https://u@x.example", "https://x.example?q=1")) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.load(List.of("--http.allowed-origins=" + bad), Map.of(), dir), bad);
      assertTrue(e.getMessage().startsWith("http.allowed-origins=") && e.getMessage().contains("not an origin"),
          e.getMessage());
    }
  }

  @Test
  void severalPbxServers() {
    Config c = ConfigLoader.load(List.of("--pbx.mode=asterisk", "--pbx.ami-secret=s3cret-secret",
        "--pbx.servers=north@10.1.0.5:5038, south@pbx-south:5039"), Map.of(), dir);
    assertEquals(List.of(new Config.PbxServer("north", "10.1.0.5", 5038), new Config.PbxServer("south", "pbx-south",
        5039)), c.pbxServers());
    assertEquals(List.of(new Config.PbxServer("pbx1", "127.0.0.1", 5038)),
        ConfigLoader.load(List.of(), Map.of(), dir).pbxServers());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--pbx.servers=a@h:1,a@h:2"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("pbx.servers") && e.getMessage().contains("used twice"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--pbx.servers=h:1"), Map.of(), dir));
    assertTrue(e.getMessage().contains("is not name@host:port"), e.getMessage());
  }

  @Test
  void theRecordingsArchiveAndEachPbxsSpool() {
    Config one = ConfigLoader.load(List.of(), Map.of(), dir);
    assertEquals(dir.resolve("data").resolve("recordings"), one.recordingsDir(), "as before: data.dir/recordings");
    assertFalse(one.recordingArchive().shared());
    assertEquals(one.recordingsDir(), one.recordingsRawDir("emulator"), "the PBX's files read from the archive's dir");
    assertEquals(one.recordingsDir().toAbsolutePath().toString(), one.recordingsPbxDir("emulator"));

    Config c = ConfigLoader.load(List.of("--pbx.mode=asterisk", "--pbx.ami-secret=s3cret-secret",
        "--pbx.servers=north@10.1.0.5:5038,south@10.1.0.6:5038", "--recordings.archive-dir=/mnt/archive",
        "--recordings.archive-shared=true", "--recordings.raw-dirs=north=/mnt/north-spool, south=spool/south"),
        Map.of(), dir);
    assertEquals(Path.of("/mnt/archive"), c.recordingsDir());
    assertTrue(c.recordingArchive().shared());
    assertEquals(Path.of("/mnt/north-spool"), c.recordingsRawDir("north"));
    assertEquals(dir.resolve("spool/south"), c.recordingsRawDir("south"), "relative to the working directory");
    assertEquals("/var/spool/asterisk/monitor/huifang", c.recordingsPbxDir("south"), "as Asterisk sees it");

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(
        "--recordings.raw-dirs=west=/mnt/west"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("recordings.raw-dirs") && e.getMessage().contains("no PBX is named west"),
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(
        "--recordings.raw-dirs=/mnt/spool"), Map.of(), dir));
    assertTrue(e.getMessage().contains("is not pbx=directory"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(
        "--recordings.archive-shared=maybe"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("recordings.archive-shared"), e.getMessage());
  }

  @Test
  void severalEmulatedPbxes() {
    Config one = ConfigLoader.load(List.of(), Map.of(), dir);
    assertEquals(List.of("emulator"), one.emulatorPbxes(), "one emulator, named as before, by default");
    assertEquals(5038, one.emulatorAmiPort(0));
    Config two = ConfigLoader.load(List.of("--emulator.pbxes= north, south", "--pbx.ami-port=6000"), Map.of(), dir);
    assertEquals(List.of("north", "south"), two.emulatorPbxes());
    assertEquals(6000, two.emulatorAmiPort(0));
    assertEquals(6001, two.emulatorAmiPort(1), "the next emulator on the next port");
    assertEquals(0, ConfigLoader.load(List.of("--emulator.pbxes=a,b", "--pbx.ami-port=0"), Map.of(), dir)
        .emulatorAmiPort(1), "any free port for every one");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--emulator.pbxes=a,a"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("emulator.pbxes") && e.getMessage().contains("used twice"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--emulator.pbxes=a,,b"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("emulator.pbxes") && e.getMessage().contains("not a PBX name"),
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--emulator.pbxes=x:y"), Map.of(), dir));
    assertTrue(e.getMessage().contains("not a PBX name"), "':' would be read as a softphone's PBX: " + e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--emulator.pbxes=a,b,c,d,e,f,g,h,i"), Map.of(), dir));
    assertTrue(e.getMessage().contains("at most 8"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--emulator.pbxes=a,b", "--pbx.ami-port=65535"), Map.of(), dir));
    assertTrue(e.getMessage().contains("65535"), e.getMessage());
    assertTrue(ConfigLoader.describe().stream().anyMatch(l -> l.contains("--emulator.pbxes")
        && l.contains("HUIFANG_EMULATOR_PBXES") && l.contains("[emulator]")), "help lists the key");
  }

  @Test
  void unknownKeysInTheFileAreReported() throws Exception {
    Path f = dir.resolve("custom.properties");
    Files.writeString(f, "http.prot=8081\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--config", f.toString()), Map.of(), dir));
    assertTrue(e.getMessage().contains("unknown key 'http.prot'"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--config=missing.properties"), Map.of(), dir));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void noClusterKeyIsOneNode() {
    assertTrue(ConfigLoader.load(List.of(), Map.of(), dir).cluster().isEmpty());
    // an empty value (docker-compose's ${HUIFANG_CLUSTER_MEMBERS:-}) is no cluster either
    assertTrue(ConfigLoader.load(List.of(), Map.of("HUIFANG_CLUSTER_MEMBERS", ""), dir).cluster().isEmpty());
  }

  @Test
  void clusterMembersFromTheKeyOrAFile() throws Exception {
    Config.Cluster c = ConfigLoader.load(List.of("--cluster.members= 10.0.0.1:5701, node-b.lan:5702 ,10.0.0.1:5701",
        "--cluster.host=10.0.0.1", "--cluster.failure-seconds=4"), Map.of(), dir).cluster().orElseThrow();
    assertEquals(List.of("10.0.0.1:5701", "node-b.lan:5702"), c.members());
    assertEquals("10.0.0.1", c.host());
    assertEquals(5701, c.port());
    assertEquals(0, c.busPort());
    assertEquals("huifang", c.name());
    assertEquals(4, c.failureSeconds());
    Files.writeString(dir.resolve("members"), "# the nodes\n10.0.0.1:5701\n\n[fd00::2]:5701  # node b\n");
    assertEquals(List.of("10.0.0.1:5701", "[fd00::2]:5701"), ConfigLoader.load(List.of("--cluster.members-file=members"),
        Map.of(), dir).cluster().orElseThrow().members());
  }

  @Test
  void badClusterValuesNameTheKey() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--cluster.members=10.0.0.1"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("cluster.members='10.0.0.1'") && e.getMessage().contains("host:port"),
        e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--cluster.members=a:1", "--cluster.members-file=f"), Map.of(), dir));
    assertTrue(e.getMessage().contains("not both"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--cluster.members-file=missing"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("cluster.members-file='missing'"), e.getMessage());
    Files.writeString(dir.resolve("empty"), "# nobody\n");
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--cluster.members-file=empty"), Map.of(), dir));
    assertTrue(e.getMessage().contains("lists no member"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--cluster.members=a:1", "--cluster.port=70000"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("cluster.port="), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(List.of("--cluster.members=a:1", "--cluster.name=two words"), Map.of(), dir));
    assertTrue(e.getMessage().startsWith("cluster.name="), e.getMessage());
  }
}
