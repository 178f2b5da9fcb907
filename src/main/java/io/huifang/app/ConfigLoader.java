package io.huifang.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Reads configuration from, in increasing precedence: built-in defaults, a properties file
 * ({@code --config FILE}, {@code HUIFANG_CONFIG}, or {@code ./huifang.properties} when present),
 * environment variables ({@code HUIFANG_HTTP_PORT} for {@code http.port}) and flags ({@code --http.port=9090}).
 * Every value is validated; the first bad one stops start-up with a {@link ConfigException} naming it.
 */
public final class ConfigLoader {

  /** One configuration key: its default (null = unset) and a one-line description for {@code help}. */
  public record Key(String name, String defaultValue, String description) {
    public String envName() {
      return "HUIFANG_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
  }

  public static final List<Key> KEYS = List.of(
      new Key("http.host", "0.0.0.0", "address the web server listens on"),
      new Key("http.port", "8080", "web server port; 0 = any free port"),
      new Key("http.cookie-secure", "false", "mark the session cookie Secure (set true behind HTTPS)"),
      new Key("http.allowed-origins", null, "origins besides the server's own (its Host) allowed to send"
          + " state-changing requests and open the WebSocket, comma-separated, e.g. https://huifang.example.com"
          + " behind a proxy that rewrites Host"),
      new Key("session.idle-minutes", "720", "a session not used for this long ends"),
      new Key("web.dir", "web", "directory of the web pages"),
      new Key("data.dir", "data", "directory for the embedded database, recordings and other state"),
      new Key("db.url", null, "PostgreSQL URL (postgresql://host:port/db); unset = embedded PostgreSQL under data.dir"),
      new Key("db.user", null, "PostgreSQL user (overrides the URL's)"),
      new Key("db.password", null, "PostgreSQL password (overrides the URL's)"),
      new Key("db.pool-size", "8", "connections in the database pool"),
      new Key("db.embedded-port", "0", "port of the embedded PostgreSQL on 127.0.0.1; 0 = any free port"),
      new Key("pbx.mode", "emulator", "emulator (built-in Asterisk stand-in) or asterisk"),
      new Key("pbx.ami-host", "127.0.0.1", "Asterisk AMI host (pbx.mode=asterisk)"),
      new Key("pbx.ami-port", "5038", "Asterisk AMI port; with the emulator 0 = any free port"),
      new Key("pbx.ami-user", "huifang", "AMI user"),
      new Key("pbx.ami-secret", null, "AMI secret; generated for the emulator when unset, required for asterisk"),
      new Key("pbx.agi-host", "127.0.0.1", "address Huifang's FastAGI server listens on"),
      new Key("pbx.agi-port", "4573", "FastAGI port"),
      new Key("pbx.ami-login-timeout-seconds", "10", "a PBX that has not sent its banner and accepted the login"
          + " this long after the TCP connect is dropped and retried with backoff"),
      new Key("pbx.ami-list-max-items", "20000", "a list from the PBX (CoreShowChannels) longer than this fails,"
          + " and the connection is dropped and made again"),
      new Key("pbx.ami-list-timeout-seconds", "30", "a list from the PBX not complete this long after it was asked"
          + " for fails, and the connection is dropped and made again"),
      new Key("pbx.agi-idle-timeout-seconds", "60", "a FastAGI connection on which the PBX sends nothing this long"
          + " is closed"),
      new Key("pbx.agi-max-sessions", "1000", "FastAGI connections open at once, in all; more are closed at once"),
      new Key("pbx.agi-max-sessions-per-peer", "500", "FastAGI connections open at once from one address; more"
          + " are closed at once"),
      new Key("emulator.speed", "1", "emulator time scale: 1 = real time, 20 = twenty times faster"),
      new Key("emulator.seed", "1", "emulator random seed (same seed, same calls)"),
      new Key("emulator.scenario", null, "emulator scenario file (JSON); unset = the built-in scenario"),
      new Key("emulator.pbxes", "emulator", "names of the emulated PBXes, comma-separated (up to "
          + ConfigLoader.MAX_EMULATED_PBXES + "): each is an emulator of its own, on pbx.ami-port, the next port…;"
          + " an agent's softphone names its PBX as name:PJSIP/…"),
      new Key("admin.password", null, "password of the first admin account; unset = a one-time password is logged"),
      new Key("shutdown.grace-seconds", "20", "on SIGTERM, how long to let calls and writes finish"),
      new Key("demo", "auto", "demo campaign, customers and simulated agents: auto = only with the embedded"
          + " database and the PBX emulator"),
      new Key("pbx.dial-template", "PJSIP/{number}@huifang-trunk", "how a customer's number is dialled"),
      new Key("dialer.originates-per-second", "50", "at most this many new calls per second per PBX"),
      new Key("dialer.task-lease-seconds", "300", "a task handed to the dialer is not handed out again for this"
          + " long; renewed while its call is up"),
      new Key("recordings.pbx-dir", null, "where the PBX writes recordings, as the PBX sees the path (the same"
          + " directory Huifang reads as data.dir/recordings); unset = data.dir/recordings with the emulator,"
          + " /var/spool/asterisk/monitor/huifang with Asterisk"),
      new Key("recordings.archive-dir", null, "the recordings archive's directory; unset = data.dir/recordings. In a"
          + " cluster: one directory every node mounts (NFS, a shared volume), with recordings.archive-shared=true"),
      new Key("recordings.archive-shared", "false", "true when every node mounts recordings.archive-dir as one"
          + " shared directory: checked at start (a marker file the first node wrote must be there)"),
      new Key("recordings.raw-dirs", null, "where Huifang reads each PBX's recordings (its spool, e.g. mounted from"
          + " the PBX's box): pbx1=/mnt/pbx1-spool,pbx2=/mnt/pbx2-spool; a PBX not listed = the archive's"
          + " directory"),
      new Key("pbx.servers", null, "several Asterisk servers: name@host:port,name2@host2:port (same AMI user and"
          + " secret); unset = one server at pbx.ami-host:pbx.ami-port"),
      new Key("cluster.members", null, "several Huifang nodes on one event bus: the members' Hazelcast addresses,"
          + " host:port,host2:port (TCP-IP join, no multicast); unset (and no cluster.members-file) = one node"),
      new Key("cluster.members-file", null, "a file listing the members, one host:port a line ('#' comments),"
          + " instead of cluster.members"),
      new Key("cluster.host", "127.0.0.1", "the address this node listens on for the cluster and the others"
          + " reach it at (Hazelcast and the event bus); keep it on a private network"),
      new Key("cluster.port", "5701", "this node's Hazelcast port"),
      new Key("cluster.bus-port", "0", "this node's event bus port; 0 = any free port"),
      new Key("cluster.name", "huifang", "the cluster's name: nodes configured with another name stay apart"),
      new Key("cluster.failure-seconds", "10", "a member not heard from this long is taken for dead"));

  /** More emulators than this would only load the machine: two or three show every multi-PBX behaviour. */
  static final int MAX_EMULATED_PBXES = 8;
  /** A PBX's name, as pbx.servers and emulator.pbxes give it and a softphone's prefix names it. */
  private static final java.util.regex.Pattern PBX_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();

  static {
    for (Key k : KEYS) {
      BY_NAME.put(k.name(), k);
    }
  }

  /** A raw value and where it came from, so an error can say "from env HUIFANG_HTTP_PORT". */
  private record Setting(String value, String source) {
  }

  private final Map<String, Setting> settings = new LinkedHashMap<>();

  private ConfigLoader() {
  }

  /** Loads and validates. {@code args} are the subcommand's flags; {@code env} is usually {@link System#getenv()}. */
  public static Config load(List<String> args, Map<String, String> env, Path workDir) {
    ConfigLoader loader = new ConfigLoader();
    Map<String, String> flags = parseFlags(args);
    String configFile = flags.remove("config");
    if (configFile == null) {
      configFile = env.get("HUIFANG_CONFIG");
    }
    if (configFile != null) {
      loader.readFile(workDir.resolve(configFile), true);
    } else {
      loader.readFile(workDir.resolve("huifang.properties"), false);
    }
    for (Key k : KEYS) {
      String v = env.get(k.envName());
      if (v != null) {
        loader.settings.put(k.name(), new Setting(v, "env " + k.envName()));
      }
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      if (!BY_NAME.containsKey(e.getKey())) {
        throw new ConfigException("unknown option --" + e.getKey() + " (see: huifang help)");
      }
      loader.settings.put(e.getKey(), new Setting(e.getValue(), "flag --" + e.getKey()));
    }
    return loader.build(workDir);
  }

  private static Map<String, String> parseFlags(List<String> args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--") || a.length() == 2) {
        throw new ConfigException("unexpected argument '" + a + "' (options look like --http.port=8080)");
      }
      String body = a.substring(2);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        flags.put(body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        flags.put(body, args.get(++i));
      } else {
        throw new ConfigException("option --" + body + " needs a value");
      }
    }
    return flags;
  }

  private void readFile(Path file, boolean required) {
    if (!Files.exists(file)) {
      if (required) {
        throw new ConfigException("config file " + file + ": not found");
      }
      return;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("config file " + file + ": cannot be read: " + e.getMessage());
    }
    for (String name : p.stringPropertyNames()) {
      if (!BY_NAME.containsKey(name)) {
        throw new ConfigException("config file " + file + ": unknown key '" + name + "'");
      }
      settings.put(name, new Setting(p.getProperty(name).trim(), "file " + file.getFileName()));
    }
  }

  private Config build(Path workDir) {
    Config.PbxMode pbxMode = get("pbx.mode", v -> switch (v.toLowerCase(Locale.ROOT)) {
      case "emulator" -> Config.PbxMode.EMULATOR;
      case "asterisk" -> Config.PbxMode.ASTERISK;
      default -> throw new IllegalArgumentException("must be 'emulator' or 'asterisk'");
    });
    Optional<String> amiSecret = optional("pbx.ami-secret");
    if (pbxMode == Config.PbxMode.ASTERISK && amiSecret.isEmpty()) {
      throw new ConfigException("pbx.ami-secret: required when pbx.mode=asterisk (set HUIFANG_PBX_AMI_SECRET)");
    }
    Optional<String> dbUrl = optional("db.url");
    dbUrl.ifPresent(url -> check("db.url", url, ConfigLoader::validDbUrl));
    Optional<String> adminPassword = optional("admin.password");
    adminPassword.ifPresent(pw -> check("admin.password", "(hidden)", ignored -> {
      if (pw.length() < 10) {
        throw new IllegalArgumentException("must be at least 10 characters");
      }
      return pw;
    }));
    return new Config(
        get("http.host", ConfigLoader::nonBlank),
        get("http.port", v -> intIn(v, 0, 65535)),
        get("http.cookie-secure", ConfigLoader::bool),
        get("session.idle-minutes", v -> intIn(v, 1, 60 * 24 * 30)),
        get("web.dir", v -> workDir.resolve(v).normalize()),
        get("data.dir", v -> workDir.resolve(v).normalize()),
        dbUrl,
        optional("db.user"),
        optional("db.password"),
        get("db.pool-size", v -> intIn(v, 1, 200)),
        get("db.embedded-port", v -> intIn(v, 0, 65535)),
        pbxMode,
        get("pbx.ami-host", ConfigLoader::nonBlank),
        get("pbx.ami-port", v -> intIn(v, 0, 65535)),
        get("pbx.ami-user", ConfigLoader::nonBlank),
        amiSecret.orElse(""),
        get("pbx.agi-host", ConfigLoader::nonBlank),
        get("pbx.agi-port", v -> intIn(v, 0, 65535)),
        get("emulator.speed", v -> doubleIn(v, 0.1, 1000)),
        get("emulator.seed", Long::parseLong),
        optional("emulator.scenario").map(v -> check("emulator.scenario", v, s -> {
          Path p = workDir.resolve(s).normalize();
          if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no such file " + p);
          }
          return p;
        })),
        adminPassword,
        get("shutdown.grace-seconds", v -> intIn(v, 0, 600)),
        pbxServers(),
        get("pbx.dial-template", v -> {
          if (!v.contains("{number}") || v.indexOf('/') <= 0 || v.contains(",") || v.contains("&")) {
            throw new IllegalArgumentException("must be Technology/...{number}... without ',' or '&', e.g."
                + " PJSIP/{number}@huifang-trunk");
          }
          return v;
        }),
        get("dialer.originates-per-second", v -> doubleIn(v, 0.1, 10_000)),
        // At least a few seconds (renewed every third of it while the call is up), at most an hour (an outcome
        // lost in a crash keeps its task from being dialled that long).
        get("dialer.task-lease-seconds", v -> intIn(v, 3, 3600)),
        get("demo", v -> switch (v.toLowerCase(Locale.ROOT)) {
          case "auto" -> dbUrl.isEmpty() && pbxMode == Config.PbxMode.EMULATOR;
          case "true", "yes", "on", "1" -> {
            if (pbxMode != Config.PbxMode.EMULATOR) {
              throw new IllegalArgumentException("the demo dials simulated customers: only with pbx.mode=emulator");
            }
            yield true;
          }
          case "false", "no", "off", "0" -> false;
          default -> throw new IllegalArgumentException("must be auto, true or false");
        }),
        optional("recordings.pbx-dir").map(v -> check("recordings.pbx-dir", v, d -> {
          if (!d.startsWith("/") || d.contains(",") || d.contains(")") || d.contains("(")) {
            throw new IllegalArgumentException("must be an absolute path without ',', '(' or ')'");
          }
          return d;
        })),
        emulatorPbxes(pbxMode),
        optional("http.allowed-origins").map(v -> check("http.allowed-origins", v, ConfigLoader::origins))
            .orElse(List.of()),
        new Config.PbxLimits(
            get("pbx.ami-login-timeout-seconds", v -> intIn(v, 1, 600)),
            get("pbx.ami-list-max-items", v -> intIn(v, 100, 10_000_000)),
            get("pbx.ami-list-timeout-seconds", v -> intIn(v, 1, 3600)),
            get("pbx.agi-idle-timeout-seconds", v -> intIn(v, 1, 3600)),
            get("pbx.agi-max-sessions", v -> intIn(v, 1, 1_000_000)),
            get("pbx.agi-max-sessions-per-peer", v -> intIn(v, 1, 1_000_000))),
        cluster(workDir),
        recordingArchive(workDir, pbxMode));
  }

  /** recordings.archive-*, recordings.raw-dirs: the raw directories only for PBXes this node is configured with. */
  private Config.RecordingArchive recordingArchive(Path workDir, Config.PbxMode pbxMode) {
    Optional<Path> dir = optional("recordings.archive-dir").map(v -> workDir.resolve(v).normalize());
    boolean shared = get("recordings.archive-shared", ConfigLoader::bool);
    java.util.Set<String> pbxes = new java.util.LinkedHashSet<>(pbxMode == Config.PbxMode.EMULATOR
        ? emulatorPbxes(pbxMode) : pbxServers().stream().map(Config.PbxServer::name).toList());
    Map<String, Path> raw = optional("recordings.raw-dirs").map(v -> check("recordings.raw-dirs", v, list -> {
      Map<String, Path> out = new LinkedHashMap<>();
      for (String item : list.split(",")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(" + PBX_NAME.pattern() + ")=(.+?)\\s*")
            .matcher(item);
        if (!m.matches()) {
          throw new IllegalArgumentException("'" + item.trim() + "' is not pbx=directory");
        }
        if (!pbxes.contains(m.group(1))) {
          throw new IllegalArgumentException("no PBX is named " + m.group(1) + " (the PBXes: " + pbxes + ")");
        }
        if (out.put(m.group(1), workDir.resolve(m.group(2)).normalize()) != null) {
          throw new IllegalArgumentException("the PBX " + m.group(1) + " is listed twice");
        }
      }
      return Map.copyOf(out);
    })).orElse(Map.of());
    return new Config.RecordingArchive(dir, shared, raw);
  }

  /** cluster.*: present only when members are listed (in the key or a file). */
  private Optional<Config.Cluster> cluster(Path workDir) {
    Optional<String> listed = optional("cluster.members");
    Optional<String> file = optional("cluster.members-file");
    if (listed.isPresent() && file.isPresent()) {
      throw new ConfigException("cluster.members and cluster.members-file: give one of them, not both");
    }
    List<String> members;
    if (listed.isPresent()) {
      members = check("cluster.members", listed.get(), v -> members(List.of(v.split(","))));
    } else if (file.isPresent()) {
      members = check("cluster.members-file", file.get(), f -> {
        Path p = workDir.resolve(f).normalize();
        List<String> lines;
        try {
          if (Files.size(p) > 64 * 1024) {
            throw new IllegalArgumentException(p + " is larger than 64 KiB");
          }
          lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
        }
        return members(lines.stream().map(l -> l.replaceFirst("#.*", "")).toList());
      });
    } else {
      return Optional.empty();
    }
    return Optional.of(new Config.Cluster(members,
        get("cluster.host", ConfigLoader::nonBlank),
        get("cluster.port", v -> intIn(v, 1, 65535)),
        get("cluster.bus-port", v -> intIn(v, 0, 65535)),
        get("cluster.name", v -> {
          if (!PBX_NAME.matcher(v).matches()) {
            throw new IllegalArgumentException("letters, digits, '-' or '_', at most 32");
          }
          return v;
        }),
        get("cluster.failure-seconds", v -> intIn(v, 2, 600))));
  }

  /** host:port each (an IPv6 host in brackets), at least one, at most 64. */
  private static List<String> members(List<String> items) {
    List<String> out = new ArrayList<>();
    for (String item : items) {
      String m = item.trim();
      if (m.isEmpty()) {
        continue;
      }
      java.util.regex.Matcher hm = java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})")
          .matcher(m);
      if (!hm.matches()) {
        throw new IllegalArgumentException("'" + m + "' is not host:port");
      }
      intIn(hm.group(2), 1, 65535);
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("lists no member (host:port)");
    }
    if (out.size() > 64) {
      throw new IllegalArgumentException("more than 64 members");
    }
    return List.copyOf(out);
  }

  /** {@code scheme://host[:port]} each, as a browser's Origin header spells it (no path, no trailing slash). */
  private static List<String> origins(String v) {
    List<String> out = new ArrayList<>();
    for (String item : v.split(",")) {
      String o = item.trim();
      if (o.isEmpty()) {
        continue;
      }
      java.net.URI u;
      try {
        u = new java.net.URI(o);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("'" + o + "' is not an origin like https://huifang.example.com");
      }
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
          || !(u.getRawPath() == null || u.getRawPath().isEmpty()) || u.getRawQuery() != null
          || u.getRawUserInfo() != null) {
        throw new IllegalArgumentException("'" + o + "' is not an origin like https://huifang.example.com"
            + " (scheme and host, optional port, nothing else)");
      }
      out.add(o);
    }
    return List.copyOf(out);
  }

  /** The emulated PBXes' names: distinct, and each with an AMI port (pbx.ami-port + its place) that exists. */
  private List<String> emulatorPbxes(Config.PbxMode pbxMode) {
    int firstPort = get("pbx.ami-port", v -> intIn(v, 0, 65535));
    return get("emulator.pbxes", v -> {
      List<String> names = new ArrayList<>();
      for (String item : v.split(",", -1)) {
        String name = item.trim();
        if (!PBX_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("'" + name + "' is not a PBX name (letters, digits, '-' or '_', at"
              + " most 32)");
        }
        if (names.contains(name)) {
          throw new IllegalArgumentException("the name " + name + " is used twice");
        }
        names.add(name);
      }
      if (names.size() > MAX_EMULATED_PBXES) {
        throw new IllegalArgumentException("at most " + MAX_EMULATED_PBXES + " emulated PBXes");
      }
      if (pbxMode == Config.PbxMode.EMULATOR && firstPort != 0 && firstPort + names.size() - 1 > 65535) {
        throw new IllegalArgumentException("the emulators' AMI ports from pbx.ami-port=" + firstPort
            + " would pass 65535");
      }
      return List.copyOf(names);
    });
  }

  private List<Config.PbxServer> pbxServers() {
    Optional<String> list = optional("pbx.servers");
    if (list.isEmpty()) {
      String host = get("pbx.ami-host", ConfigLoader::nonBlank);
      int port = get("pbx.ami-port", v -> intIn(v, 0, 65535));
      return List.of(new Config.PbxServer("pbx1", host, port));
    }
    return check("pbx.servers", list.get(), v -> {
      List<Config.PbxServer> out = new ArrayList<>();
      java.util.Set<String> names = new java.util.HashSet<>();
      for (String item : v.split(",")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(" + PBX_NAME.pattern()
            + ")@([^:\\s]+):(\\d{1,5})\\s*").matcher(item);
        if (!m.matches()) {
          throw new IllegalArgumentException("'" + item.trim() + "' is not name@host:port");
        }
        if (!names.add(m.group(1))) {
          throw new IllegalArgumentException("the name " + m.group(1) + " is used twice");
        }
        out.add(new Config.PbxServer(m.group(1), m.group(2), intIn(m.group(3), 1, 65535)));
      }
      return List.copyOf(out);
    });
  }

  private <T> T get(String name, Function<String, T> parse) {
    Setting s = settings.get(name);
    String value = s != null ? s.value() : BY_NAME.get(name).defaultValue();
    String source = s != null ? s.source() : "default";
    try {
      return parse.apply(value.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(name + "='" + value + "' (from " + source + "): " + reason(e));
    }
  }

  private Optional<String> optional(String name) {
    Setting s = settings.get(name);
    if (s == null || s.value().isBlank()) {
      return Optional.ofNullable(BY_NAME.get(name).defaultValue());
    }
    return Optional.of(s.value().trim());
  }

  private <T> T check(String name, String shown, Function<String, T> parse) {
    Setting s = settings.get(name);
    try {
      return parse.apply(shown);
    } catch (RuntimeException e) {
      String source = s != null ? s.source() : "default";
      throw new ConfigException(name + "='" + shown + "' (from " + source + "): " + reason(e));
    }
  }

  private static String reason(RuntimeException e) {
    if (e instanceof NumberFormatException) {
      return "not a number";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String nonBlank(String v) {
    if (v.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return v;
  }

  private static int intIn(String v, int min, int max) {
    int i;
    try {
      i = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
    }
    if (i < min || i > max) {
      throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
    }
    return i;
  }

  private static double doubleIn(String v, double min, double max) {
    double d = Double.parseDouble(v);
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException("must be a number from " + min + " to " + max);
    }
    return d;
  }

  private static boolean bool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  private static String validDbUrl(String url) {
    String u = url.startsWith("jdbc:") ? url.substring(5) : url;
    if (!(u.startsWith("postgresql://") || u.startsWith("postgres://"))) {
      throw new IllegalArgumentException("must look like postgresql://host:5432/database");
    }
    return url;
  }

  /** Lines for {@code huifang help}: every key, its environment variable and default. */
  public static List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Key k : KEYS) {
      lines.add(String.format("  --%-24s %-32s %s%s", k.name(), k.envName(), k.description(),
          k.defaultValue() == null ? "" : " [" + k.defaultValue() + "]"));
    }
    return lines;
  }
}
