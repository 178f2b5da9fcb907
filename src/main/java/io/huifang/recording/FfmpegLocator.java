package io.huifang.recording;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bramp.ffmpeg.FFmpeg;
import net.bramp.ffmpeg.FFprobe;
import net.bramp.ffmpeg.ProcessFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds ffmpeg and ffprobe: the system's when both are on the PATH and run, else the executables shipped in
 * {@code org.bytedeco:ffmpeg:<version>:linux-x86_64} (a Maven Central artifact on the class path), extracted once
 * with their shared libraries into {@code <cacheDir>/ffmpeg-<version>/}. The bundled executables find their
 * libraries through {@code LD_LIBRARY_PATH}, which the process function sets for every run.
 */
public final class FfmpegLocator {
  private static final Logger log = LoggerFactory.getLogger(FfmpegLocator.class);
  static final String BUNDLE_DIR = "org/bytedeco/ffmpeg/linux-x86_64/";
  /** The version of the bundled build, from the jar's Maven metadata; part of the cache directory name. */
  static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/ffmpeg/pom.properties";
  /** Sonames the executables ask for that the jar ships under another name (javacpp's loader links them). */
  private static final Map<String, String> SONAME_ALIASES = Map.of(
      "libva.so.2", "libva.so", "libva-drm.so.2", "libva-drm.so");

  /**
   * Where ffmpeg's diagnostics of the current run go (set around a run on the calling thread, see
   * {@link Transcoder}); unset, they are merged into the output the wrapper reads.
   */
  static final ThreadLocal<Path> STDERR = new ThreadLocal<>();

  /** Where the tools are and how to run them. */
  public record Tools(Path ffmpeg, Path ffprobe, Map<String, String> env, String source, String version) {
    public ProcessFunction processFunction() {
      return args -> {
        ProcessBuilder pb = new ProcessBuilder(args);
        Path err = STDERR.get();
        if (err != null) {
          pb.redirectError(err.toFile());
        } else {
          pb.redirectErrorStream(true);
        }
        pb.environment().putAll(env);
        return pb.start();
      };
    }

    public FFmpeg newFFmpeg() throws IOException {
      return new FFmpeg(ffmpeg.toString(), processFunction());
    }

    public FFprobe newFFprobe() {
      return new FFprobe(ffprobe.toString(), processFunction());
    }

    /** A process for ffmpeg/ffprobe with the right environment (stderr kept apart). */
    public ProcessBuilder command(List<String> args) {
      ProcessBuilder pb = new ProcessBuilder(args);
      pb.environment().putAll(env);
      return pb;
    }
  }

  private FfmpegLocator() {
  }

  /** System tools first ({@code preferSystem}), else the bundled ones extracted under {@code cacheDir}. */
  public static Tools locate(Path cacheDir, boolean preferSystem) throws IOException {
    if (preferSystem) {
      Path f = onPath("ffmpeg");
      Path p = onPath("ffprobe");
      if (f != null && p != null) {
        Tools t = new Tools(f, p, Map.of(), "system", "");
        String v = check(t);
        if (v != null && !hasLibopus(t)) {
          log.atInfo().setMessage("the system's ffmpeg has no libopus encoder; using the bundled one")
              .addKeyValue("ffmpeg", f).log();
          v = null;
        }
        if (v != null) {
          log.atInfo().setMessage("using the system's ffmpeg").addKeyValue("ffmpeg", f).addKeyValue("version", v)
              .log();
          return new Tools(f, p, Map.of(), "system", v);
        }
      }
    }
    return bundled(cacheDir);
  }

  /** The executables from the org.bytedeco:ffmpeg jar, extracted at first use. */
  public static synchronized Tools bundled(Path cacheDir) throws IOException {
    String version = bundledVersion();
    Path dir = cacheDir.resolve("ffmpeg-" + version).toAbsolutePath();
    if (!Files.isRegularFile(dir.resolve(".complete"))) {
      extract(dir);
    }
    Map<String, String> env = new HashMap<>();
    String old = System.getenv("LD_LIBRARY_PATH");
    env.put("LD_LIBRARY_PATH", dir + (old == null || old.isEmpty() ? "" : ":" + old));
    Tools t = runnable(new Tools(dir.resolve("ffmpeg"), dir.resolve("ffprobe"), Map.copyOf(env), "bundled",
        version), dir);
    log.atInfo().setMessage("using the bundled ffmpeg").addKeyValue("dir", dir).addKeyValue("version", t.version())
        .log();
    return t;
  }

  /**
   * The bundled tools with their version once they run, else an error that says why: the loader's own words. The
   * build links PulseAudio's client library (its libavdevice), which a fresh Debian 12 lacks until something such as
   * chromium brings it, so that case names the package.
   */
  static Tools runnable(Tools t, Path dir) throws IOException {
    String v = check(t);
    if (v != null) {
      return new Tools(t.ffmpeg(), t.ffprobe(), t.env(), t.source(), v);
    }
    String why = failure(t);
    throw new IOException("the bundled ffmpeg in " + dir + " does not run on this machine: " + why + "; "
        + (why.contains("libpulse") ? "install libpulse0 (Debian: apt-get install libpulse0; bash .ci/setup does)"
            + " or " : "")
        + "install ffmpeg and ffprobe on the PATH (only linux-x86_64 is shipped)");
  }

  /** Why {@code ffmpeg -version} or {@code ffprobe -version} fails: the first line of the one that fails. */
  private static String failure(Tools t) {
    for (Path exe : List.of(t.ffmpeg(), t.ffprobe())) {
      try {
        Process p = t.command(List.of(exe.toString(), "-hide_banner", "-version")).redirectErrorStream(true).start();
        byte[] head = p.getInputStream().readNBytes(2048);
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
          p.destroyForcibly();
          return exe.getFileName() + " did not answer -version within 30 s";
        }
        if (p.exitValue() != 0) {
          String line = new String(head, java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse("");
          return exe.getFileName() + " exited with " + p.exitValue() + (line.isEmpty() ? "" : " (" + line + ")");
        }
      } catch (IOException e) {
        return exe.getFileName() + " cannot start: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return "its -version output is not ffmpeg's";
  }

  static String bundledVersion() throws IOException {
    try (InputStream in = FfmpegLocator.class.getClassLoader().getResourceAsStream(POM_PROPERTIES)) {
      if (in == null) {
        // A shaded jar merges many pom.properties; fall back to the name of the build we pin.
        return "bundled";
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version", "bundled");
    }
  }

  private static void extract(Path dir) throws IOException {
    URL exe = FfmpegLocator.class.getClassLoader().getResource(BUNDLE_DIR + "ffmpeg");
    if (exe == null) {
      throw new IOException("no ffmpeg on the PATH and no org.bytedeco:ffmpeg linux-x86_64 jar on the class path");
    }
    Files.createDirectories(dir.getParent());
    Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp");
    List<String> names = new ArrayList<>();
    if ("jar".equals(exe.getProtocol())) {
      JarURLConnection c = (JarURLConnection) exe.openConnection();
      c.setUseCaches(false);
      try (JarFile jar = c.getJarFile()) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
          JarEntry e = entries.nextElement();
          String name = e.getName();
          if (!name.startsWith(BUNDLE_DIR) || e.isDirectory()) {
            continue;
          }
          String file = name.substring(BUNDLE_DIR.length());
          if (file.contains("/") || file.startsWith("libjni")) {
            continue;
          }
          try (InputStream in = jar.getInputStream(e)) {
            Files.copy(in, tmp.resolve(file), StandardCopyOption.REPLACE_EXISTING);
          }
          names.add(file);
        }
      }
    } else if ("file".equals(exe.getProtocol())) {
      Path src = Path.of(java.net.URI.create(exe.toString())).getParent();
      try (var files = Files.list(src)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String file = f.getFileName().toString();
          if (Files.isRegularFile(f) && !file.startsWith("libjni")) {
            Files.copy(f, tmp.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            names.add(file);
          }
        }
      }
    } else {
      throw new IOException("cannot extract ffmpeg from " + exe);
    }
    if (!names.contains("ffprobe")) {
      throw new IOException("the org.bytedeco:ffmpeg jar has no ffprobe: " + names);
    }
    tmp.resolve("ffmpeg").toFile().setExecutable(true, false);
    tmp.resolve("ffprobe").toFile().setExecutable(true, false);
    for (Map.Entry<String, String> alias : SONAME_ALIASES.entrySet()) {
      if (names.contains(alias.getValue()) && !names.contains(alias.getKey())) {
        Files.createSymbolicLink(tmp.resolve(alias.getKey()), Path.of(alias.getValue()));
      }
    }
    Files.writeString(tmp.resolve(".complete"), String.join("\n", names) + "\n");
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      deleteTree(tmp); // another process extracted it first
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir);
    }
    log.atInfo().setMessage("extracted the bundled ffmpeg").addKeyValue("dir", dir)
        .addKeyValue("files", names.size()).log();
  }

  static void deleteTree(Path p) throws IOException {
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static Path onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(":")) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, exe);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** The first line of {@code ffmpeg -version} when both tools run, else null. */
  static String check(Tools t) {
    try {
      String v = firstLine(t, t.ffmpeg().toString());
      String pv = firstLine(t, t.ffprobe().toString());
      if (v == null || pv == null || !v.startsWith("ffmpeg version") || !pv.startsWith("ffprobe version")) {
        return null;
      }
      return v.split(" ")[2];
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static boolean hasLibopus(Tools t) {
    try {
      Process p = t.command(List.of(t.ffmpeg().toString(), "-hide_banner", "-encoders")).redirectErrorStream(true)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return p.waitFor(30, TimeUnit.SECONDS) && out.contains(" libopus ");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String firstLine(Tools t, String exe) throws IOException, InterruptedException {
    Process p = t.command(List.of(exe, "-hide_banner", "-version")).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      return null;
    }
    return out.lines().findFirst().orElse(null);
  }
}
