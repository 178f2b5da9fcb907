package io.huifang.app;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The product jar (`target/huifang.jar`, built in the package phase before the integration tests) holds what the
 * product needs at run time. The other tests run on Maven's test classpath, where a library scoped to the tests is
 * present anyway: a runtime dependency wrongly scoped `test` passed every one of them while every recording of the
 * jar failed (guava, which ffmpeg-cli-wrapper needs). Here the classes are loaded from the jar alone.
 */
class PackagedJarIT {
  /** Classes whose static initialisation pulls in the runtime libraries behind the product's jobs. */
  private static final List<String> INITIALISED = List.of(
      "net.bramp.ffmpeg.FFmpeg", "net.bramp.ffmpeg.FFprobe", "net.bramp.ffmpeg.builder.FFmpegBuilder",
      "io.huifang.recording.Transcoder", "io.huifang.app.Main", "io.huifang.app.Server",
      "io.huifang.qa.QaMonthXlsx", "org.dhatim.fastexcel.Workbook", "org.dhatim.fastexcel.reader.ReadableWorkbook");

  @Test
  void theProductJarLoadsItsRuntimeLibrariesOnItsOwn() throws Exception {
    Path jar = Path.of("target", "huifang.jar");
    assertTrue(Files.isRegularFile(jar), "no " + jar.toAbsolutePath() + ": the package phase builds it");
    // The platform loader as parent: nothing from the test classpath can stand in for what the jar lacks.
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      for (String name : INITIALISED) {
        try {
          Class<?> c = Class.forName(name, true, loader);
          assertTrue(c.getClassLoader() == loader, name + " loaded from " + c.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          fail(name + " cannot be loaded from " + jar + " alone: " + e, e);
        }
      }
    }
  }
}
