package io.huifang.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive as a directory: the layout the pipeline always wrote, files kept inside it, the cluster's marker. */
class LocalArchiveTest {
  @TempDir
  Path root;

  @Test
  void aRecordingsDirectoryIsItsDateAndCampaignUnderTheRoot() throws Exception {
    LocalArchive a = new LocalArchive(root, false);
    String rel = Sidecar.relativeDir(Instant.parse("2026-03-09T23:59:59.500Z"), 7L);
    assertEquals("2026/03/09/campaign-7", rel);
    Path dir = a.directory(rel);
    assertEquals(root.resolve("2026").resolve("03").resolve("09").resolve("campaign-7"), dir);
    assertTrue(Files.isDirectory(dir), "created");
    assertEquals(dir.resolve("r1.ogg"), a.file(rel, "r1.ogg"));
    assertEquals(root.toAbsolutePath().normalize(), a.root());
    assertFalse(a.shared());
    assertEquals("local directory " + a.root(), a.describe());
    assertEquals("shared directory " + a.root(), new LocalArchive(root, true).describe());
  }

  @Test
  void aFileNameFromTheCatalogNeverLeadsOutOfTheArchive() {
    LocalArchive a = new LocalArchive(root.resolve("archive"), false);
    assertThrows(IllegalArgumentException.class, () -> a.file("2026/03/09/campaign-7", "../../../../../etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> a.file("../elsewhere", "r1.ogg"));
    assertThrows(IllegalArgumentException.class, () -> a.directory("../../x"));
    assertTrue(a.file("2026/03/09/campaign-7", "../campaign-8/r1.ogg").startsWith(a.root()), "inside: allowed");
  }

  @Test
  void theSidecarIsWrittenWhereThePipelineAlwaysPutItAndReadBack() throws Exception {
    LocalArchive a = new LocalArchive(root, false);
    String rel = "2026/03/09/campaign-7";
    assertEquals(Optional.empty(), a.sidecar(rel, "r1"), "none yet");
    JsonObject s = new JsonObject().put("schemaVersion", Sidecar.SCHEMA_VERSION).put("recordingId", "r1")
        .put("status", "ready");
    a.writeSidecar(rel, "r1", s);
    Path file = root.resolve(rel).resolve("r1.json");
    assertEquals(s.encodePrettily() + "\n", Files.readString(file), "the sidecar's bytes, as Sidecar.write has them");
    assertEquals(s, a.sidecar(rel, "r1").orElseThrow());
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertEquals(List.of(file), left.toList(), "no temporary file left beside it");
    }
  }

  @Test
  void deletingSaysWhatWasDeletedRelativeToTheRoot() throws Exception {
    LocalArchive a = new LocalArchive(root.resolve("archive"), false);
    Path dir = a.directory("2026/03/09/campaign-7");
    Files.writeString(dir.resolve("r1.ogg"), "audio");
    Path raw = Files.createDirectories(root.resolve("spool")).resolve("r1.wav");
    Files.writeString(raw, "raw");
    List<String> deleted = a.delete(List.of(dir.resolve("r1.ogg"), dir.resolve("r1.peaks.json"), raw));
    assertEquals(List.of("2026/03/09/campaign-7/r1.ogg", "../spool/r1.wav"), deleted, "only what existed");
    assertFalse(Files.exists(dir.resolve("r1.ogg")));
    assertFalse(Files.exists(raw));
  }

  @Test
  void theMarkerIsNotASidecarAndIsReplacedWhole() throws Exception {
    LocalArchive a = new LocalArchive(root, true);
    assertEquals(Optional.empty(), a.marker());
    a.writeMarker("id-1");
    assertEquals(Optional.of("id-1"), a.marker());
    a.writeMarker("id-2");
    assertEquals(Optional.of("id-2"), a.marker());
    assertFalse(Sidecar.isSidecar(root.resolve(Archive.MARKER)), "a catalog rebuild never reads the marker");
    assertFalse(Files.exists(root.resolve(Archive.MARKER + ".part")));
    assertEquals(Optional.empty(), new LocalArchive(root.resolve("elsewhere"), true).marker(),
        "another directory does not see it");
  }
}
