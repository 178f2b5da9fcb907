package io.huifang.recording;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where archived recordings are kept: what the pipeline writes (a recording's directory, its sidecar), what the
 * player streams with Range requests (a file of an archived recording), what retention deletes, and the marker that
 * tells a node of a cluster it sees the same archive as the others. Paths inside are always relative to the
 * archive's root ({@code yyyy/mm/dd/campaign-<id>}, {@link Sidecar#relativeDir}), as the catalog stores them, so the
 * catalog never depends on where a node mounts the archive. Every method touching files blocks: worker threads only.
 *
 * <p>{@link LocalArchive} is the only kind built: a directory, local to the node (the default) or one directory
 * every node mounts (NFS, a shared volume; docs/cluster.md, "Recordings in a cluster").
 */
public interface Archive {

  /** The marker's file name in the archive's root: not a sidecar (no {@code .json}), so a rebuild never reads it. */
  String MARKER = ".huifang-archive";

  /** How logs and problems name it, e.g. {@code local directory /var/lib/huifang/recordings}. */
  String describe();

  /** True when every node of the cluster reads and writes this same archive. */
  boolean shared();

  /** The archive's root directory as this node sees it. */
  Path root();

  /** A recording's directory, created when missing ({@code relativeDir} from {@link Sidecar#relativeDir}). */
  Path directory(String relativeDir) throws IOException;

  /**
   * A file of an archived recording, checked to be inside the archive (a name from the catalog or a sidecar is
   * never trusted to stay inside); whether it exists is not checked.
   */
  Path file(String relativeDir, String fileName);

  /** A recording's sidecar, empty when there is none. */
  Optional<JsonObject> sidecar(String relativeDir, String recordingId) throws IOException;

  /** Writes a recording's sidecar atomically, creating its directory. */
  void writeSidecar(String relativeDir, String recordingId, JsonObject sidecar) throws IOException;

  /** Deletes what exists of {@code files}; the paths deleted, relative to the root when inside it. */
  List<String> delete(List<Path> files) throws IOException;

  /** A path as the audit log names it: relative to the root (with {@code ..} for one outside it). */
  String relative(Path p);

  /** The marker's content (the archive's id), empty when this node sees no marker. */
  Optional<String> marker() throws IOException;

  /** Writes the marker (the archive's id), atomically. */
  void writeMarker(String archiveId) throws IOException;
}
