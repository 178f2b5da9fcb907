package io.huifang.recording;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The archive as a directory: {@code recordings.archive-dir} (default {@code data.dir/recordings}), laid out as
 * before the archive had an interface ({@code yyyy/mm/dd/campaign-<id>/<id>.ogg|.wav|.json|.peaks.json}). Shared
 * ({@code recordings.archive-shared=true}) when every node mounts the same directory; nothing else differs, since a
 * shared directory is read and written like a local one.
 */
public final class LocalArchive implements Archive {
  private final Path root;
  private final boolean shared;

  public LocalArchive(Path root, boolean shared) {
    this.root = root.toAbsolutePath().normalize();
    this.shared = shared;
  }

  @Override
  public String describe() {
    return (shared ? "shared directory " : "local directory ") + root;
  }

  @Override
  public boolean shared() {
    return shared;
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public Path directory(String relativeDir) throws IOException {
    Path dir = inside(root.resolve(relativeDir), relativeDir);
    Files.createDirectories(dir);
    return dir;
  }

  @Override
  public Path file(String relativeDir, String fileName) {
    return inside(root.resolve(relativeDir).resolve(fileName), relativeDir + "/" + fileName);
  }

  @Override
  public Optional<JsonObject> sidecar(String relativeDir, String recordingId) throws IOException {
    Path f = file(relativeDir, recordingId + Sidecar.SUFFIX);
    return Files.isRegularFile(f) ? Optional.of(Sidecar.read(f)) : Optional.empty();
  }

  @Override
  public void writeSidecar(String relativeDir, String recordingId, JsonObject sidecar) throws IOException {
    Sidecar.write(directory(relativeDir).resolve(recordingId + Sidecar.SUFFIX), sidecar);
  }

  @Override
  public List<String> delete(List<Path> files) throws IOException {
    List<String> deleted = new ArrayList<>();
    for (Path p : files) {
      if (Files.deleteIfExists(p)) {
        deleted.add(relative(p));
      }
    }
    return deleted;
  }

  @Override
  public String relative(Path p) {
    return root.relativize(p.toAbsolutePath()).toString();
  }

  @Override
  public Optional<String> marker() throws IOException {
    Path f = root.resolve(MARKER);
    return Files.isRegularFile(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8).strip())
        : Optional.empty();
  }

  @Override
  public void writeMarker(String archiveId) throws IOException {
    Files.createDirectories(root);
    Path f = root.resolve(MARKER);
    Path tmp = root.resolve(MARKER + ".part");
    Files.writeString(tmp, archiveId + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path inside(Path p, String what) {
    Path n = p.normalize();
    if (!n.startsWith(root)) {
      throw new IllegalArgumentException("outside the archive: " + what);
    }
    return n;
  }

  @Override
  public String toString() {
    return describe();
  }
}
