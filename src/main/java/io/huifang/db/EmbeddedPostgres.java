package io.huifang.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * A PostgreSQL server run from zonky's binaries (shipped in a Maven Central jar), with its cluster kept under
 * the data directory so that it survives restarts.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root. Rather than chown the data directory to another
 * user (who may not be able to reach it, e.g. under /root), the server is started inside a user namespace where
 * our uid is mapped to an ordinary one: the kernel still sees the real owner, PostgreSQL sees a non-root user.
 *
 * <p>All methods block (processes, file extraction); call them from a worker thread, never an event loop.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  public static final String SUPERUSER = "huifang";
  public static final String DATABASE = "huifang";

  private final Path dataDir;
  private final Path binDir;
  private final int port;
  private final String password;
  private volatile boolean running;

  private EmbeddedPostgres(Path dataDir, Path binDir, int port, String password) {
    this.dataDir = dataDir;
    this.binDir = binDir;
    this.port = port;
    this.password = password;
  }

  /**
   * Starts (initialising on first use) the cluster in {@code clusterDir}; binaries are unpacked beside it.
   * {@code port} 0 picks a free port.
   */
  public static EmbeddedPostgres start(Path clusterDir, int port) {
    try {
      Path base = clusterDir.toAbsolutePath().getParent();
      Files.createDirectories(base);
      Path bin = unpackBinaries(base.resolve("pg-bin"));
      String password = readOrCreateSecret(base.resolve("pg-superuser.secret"));
      int chosen = port != 0 ? port : freePort();
      EmbeddedPostgres pg = new EmbeddedPostgres(clusterDir.toAbsolutePath(), bin, chosen, password);
      pg.initIfNeeded();
      pg.stopLeftover();
      pg.startServer();
      pg.createDatabaseIfNeeded();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  public String user() {
    return SUPERUSER;
  }

  public String password() {
    return password;
  }

  public String database() {
    return DATABASE;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * The postmaster's process id, from the first line of {@code postmaster.pid} in the cluster; empty when the file
   * is missing or unreadable (no server, or one being started).
   */
  public java.util.OptionalLong postmasterPid() {
    try {
      String first = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8).stream()
          .findFirst().orElse("").strip();
      return first.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(Long.parseLong(first));
    } catch (IOException | NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /**
   * Whether the server we started still runs: its postmaster process exists and is not a zombie (a killed
   * postmaster whose parent does not reap it stays in the process table). True once stopped on purpose, so that
   * nobody restarts a server being shut down.
   */
  public boolean alive() {
    if (!running) {
      return true;
    }
    java.util.OptionalLong pid = postmasterPid();
    if (pid.isEmpty()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid.getAsLong()), "stat"));
      // pid (comm) state ...: the state follows the last ')', the command name may contain anything
      String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return !(state.startsWith("Z") || state.startsWith("X"));
    } catch (IOException | RuntimeException e) {
      return ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /**
   * Starts the server again on the same cluster and port after its postmaster died. PostgreSQL's crash recovery
   * replays its write-ahead log: every committed transaction is kept. Fails (for the caller to retry later) when it
   * does not start, e.g. while the dead server's last processes still hold its shared memory.
   */
  public synchronized void restart() {
    if (!running) {
      throw new IllegalStateException("embedded PostgreSQL is stopped");
    }
    startServer();
  }

  /** Fast shutdown: open transactions are rolled back, committed data is on disk. */
  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    try {
      run(Duration.ofSeconds(60), pgBin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop");
      log.atInfo().setMessage("embedded PostgreSQL stopped").addKeyValue("dir", dataDir).log();
    } catch (RuntimeException e) {
      log.atWarn().setMessage("embedded PostgreSQL did not stop cleanly").addKeyValue("error", e.getMessage()).log();
    }
  }

  private void initIfNeeded() throws IOException {
    if (Files.exists(dataDir.resolve("PG_VERSION"))) {
      return;
    }
    // An interrupted initdb leaves a half-made directory; start it over.
    if (Files.exists(dataDir)) {
      deleteTree(dataDir);
    }
    Path pwFile = Files.createTempFile(dataDir.getParent(), "pw", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(pwFile, password + "\n");
      log.atInfo().setMessage("initialising embedded PostgreSQL cluster").addKeyValue("dir", dataDir).log();
      run(Duration.ofMinutes(3), pgBin("initdb"), "-D", dataDir.toString(), "-U", SUPERUSER,
          "--pwfile=" + pwFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C");
    } finally {
      Files.deleteIfExists(pwFile);
    }
    // Loopback only, no Unix socket (its directory might not be writable for the mapped user).
    Files.writeString(dataDir.resolve("postgresql.conf"), """

        # Added by Huifang's embedded launcher
        listen_addresses = '127.0.0.1'
        unix_socket_directories = ''
        max_connections = 60
        shared_buffers = 64MB
        logging_collector = off
        """, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
  }

  /** A postmaster left running by a killed Huifang holds the lock; stop it so that this start can proceed. */
  private void stopLeftover() {
    Path pid = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pid)) {
      return;
    }
    ProcessResult status = runQuietly(Duration.ofSeconds(20), pgBin("pg_ctl"), "-D", dataDir.toString(), "status");
    if (status.exit() == 0) {
      log.atWarn().setMessage("stopping a leftover embedded PostgreSQL").addKeyValue("dir", dataDir).log();
      run(Duration.ofSeconds(60), pgBin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "stop");
    }
  }

  private void startServer() {
    Path logFile = dataDir.getParent().resolve("pg.log");
    run(Duration.ofMinutes(2), pgBin("pg_ctl"), "-D", dataDir.toString(), "-l", logFile.toString(),
        // After a crash PostgreSQL first syncs the whole cluster; syncfs does that in one call per file system
        // instead of one fsync per file, which makes a restart after a kill seconds faster on a busy disk.
        "-o", "-p " + port + " -c recovery_init_sync_method=syncfs", "-w", "-t", "90", "start");
    running = true;
    waitForPort(Duration.ofSeconds(30));
    log.atInfo().setMessage("embedded PostgreSQL started").addKeyValue("port", port).addKeyValue("dir", dataDir)
        .log();
  }

  private void createDatabaseIfNeeded() {
    try (var c = java.sql.DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", SUPERUSER, password);
        var st = c.createStatement()) {
      var rs = st.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'");
      if (!rs.next()) {
        st.execute("create database " + DATABASE + " encoding 'UTF8'");
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("embedded PostgreSQL: cannot create database: " + e.getMessage(), e);
    }
  }

  private void waitForPort(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        sleep(100);
      }
    }
    throw new IllegalStateException("embedded PostgreSQL did not open port " + port);
  }

  private String pgBin(String name) {
    return binDir.resolve("bin").resolve(name).toString();
  }

  private record ProcessResult(int exit, String output) {
  }

  private static void run(Duration timeout, String... command) {
    ProcessResult r = runQuietly(timeout, command);
    if (r.exit() != 0) {
      String out = r.output().strip();
      String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("");
      throw new IllegalStateException(Path.of(command[0]).getFileName() + " failed (exit " + r.exit() + "): " + last
          + (out.isEmpty() ? "" : "\n" + out));
    }
  }

  private static ProcessResult runQuietly(Duration timeout, String... command) {
    List<String> cmd = new ArrayList<>();
    if (isRoot()) {
      // Map our uid (0) to nobody inside a fresh user namespace: PostgreSQL's "not as root" check passes,
      // while file access is still that of the real owner.
      cmd.addAll(List.of("unshare", "--user", "--map-user=65534", "--map-group=65534"));
    }
    cmd.addAll(List.of(command));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("LC_ALL", "C");
      pb.environment().remove("PGDATA");
      Process p = pb.start();
      // pg_ctl's children inherit stdout; read until the process exits, not until EOF.
      StringBuilder out = new StringBuilder();
      Thread reader = new Thread(() -> {
        try (InputStream in = p.getInputStream()) {
          byte[] buf = new byte[4096];
          int n;
          while ((n = in.read(buf)) > 0) {
            synchronized (out) {
              if (out.length() < 64_000) {
                out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
              }
            }
          }
        } catch (IOException ignored) {
          // the process closed its output
        }
      }, "pg-output");
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out after " + timeout.toSeconds() + " s");
      }
      reader.join(200);
      synchronized (out) {
        return new ProcessResult(p.exitValue(), out.toString());
      }
    } catch (IOException e) {
      if (isRoot() && e.getMessage() != null && e.getMessage().contains("unshare")) {
        throw new IllegalStateException("running as root needs 'unshare' (util-linux) to start PostgreSQL as an"
            + " unprivileged user; install util-linux or set db.url to an external PostgreSQL", e);
      }
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static boolean isRoot() {
    try {
      Object uid = Class.forName("com.sun.security.auth.module.UnixSystem").getMethod("getUid")
          .invoke(Class.forName("com.sun.security.auth.module.UnixSystem").getConstructor().newInstance());
      return ((Long) uid) == 0L;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Unpacks the binaries once per archive version into {@code root/<sha>}; concurrent starts are safe. */
  static Path unpackBinaries(Path root) throws IOException {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IllegalStateException("embedded PostgreSQL binaries are bundled for linux x86_64 only (this is "
          + os + " " + arch + "); set db.url to a PostgreSQL server");
    }
    URL archive = EmbeddedPostgres.class.getClassLoader().getResource(ARCHIVE);
    if (archive == null) {
      throw new IllegalStateException(ARCHIVE + " not on the classpath (io.zonky.test.postgres binaries jar missing)");
    }
    byte[] bytes;
    try (InputStream in = archive.openStream()) {
      bytes = in.readAllBytes();
    }
    String id = HexFormat.of().formatHex(sha256(bytes)).substring(0, 16);
    Path target = root.resolve(id);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return target;
    }
    Files.createDirectories(root);
    Path tmp = Files.createTempDirectory(root, "unpack-");
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new XZInputStream(new BufferedInputStream(new java.io.ByteArrayInputStream(bytes))))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path out = tmp.resolve(e.getName()).normalize();
        if (!out.startsWith(tmp)) {
          throw new IOException("archive entry escapes the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.createSymbolicLink(out, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          if ((e.getMode() & 0100) != 0) {
            Files.setPosixFilePermissions(out, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
          }
        }
      }
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
      deleteTree(tmp); // another process unpacked the same version first
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target);
    }
    return target;
  }

  private static String readOrCreateSecret(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file).strip();
    }
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Path tmp = Files.createTempFile(file.getParent(), "secret", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, secret + "\n");
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return secret;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
