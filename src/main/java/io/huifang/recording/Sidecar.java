package io.huifang.recording;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;

/**
 * The JSON written beside every archived recording (recordings-schema/recording-sidecar.schema.json, version 1).
 * Its fields are the catalog row's, so the catalog can be rebuilt from the sidecars alone. Ids only: never the
 * customer's phone number or name.
 */
public final class Sidecar {
  public static final int SCHEMA_VERSION = 1;
  public static final String LAYOUT_STEREO = "stereo-customer-left-agent-right";
  public static final String LAYOUT_MONO = "mono-mixed";
  public static final String SUFFIX = ".json";
  public static final String PEAKS_SUFFIX = ".peaks.json";

  private Sidecar() {
  }

  /** {@code yyyy/mm/dd/campaign-<id>} (UTC date of the recording's start), relative to the archive root. */
  public static String relativeDir(Instant startedAt, Long campaignId) {
    ZonedDateTime d = startedAt.atZone(ZoneOffset.UTC);
    return String.format("%04d/%02d/%02d/campaign-%s", d.getYear(), d.getMonthValue(), d.getDayOfMonth(),
        campaignId == null ? "none" : campaignId.toString());
  }

  public static boolean isSidecar(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(SUFFIX) && !n.endsWith(PEAKS_SUFFIX) && Files.isRegularFile(p);
  }

  /** Writes atomically (temporary file, then rename), so a reader never sees half a sidecar. */
  public static void write(Path file, JsonObject sidecar) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".part");
    Files.writeString(tmp, sidecar.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static JsonObject read(Path file) throws IOException {
    JsonObject o = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    if (!Integer.valueOf(SCHEMA_VERSION).equals(o.getInteger("schemaVersion"))) {
      throw new IOException(file + ": schemaVersion " + o.getValue("schemaVersion") + " is not "
          + SCHEMA_VERSION);
    }
    return o;
  }

  /** One entry of {@code files}. */
  public static JsonObject file(String role, Path file, Transcoder.Probe p) throws IOException {
    return new JsonObject().put("role", role).put("path", file.getFileName().toString()).put("codec", p.codec())
        .put("container", p.container()).put("sampleRate", p.sampleRate()).put("channels", p.channels())
        .put("bitrate", p.bitrate()).put("bytes", Files.size(file)).put("sha256", sha256(file));
  }

  public static JsonObject fileByRole(JsonObject sidecar, String role) {
    JsonArray files = sidecar.getJsonArray("files", new JsonArray());
    for (int i = 0; i < files.size(); i++) {
      if (role.equals(files.getJsonObject(i).getString("role"))) {
        return files.getJsonObject(i);
      }
    }
    return null;
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
