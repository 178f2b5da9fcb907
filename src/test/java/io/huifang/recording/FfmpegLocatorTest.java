package io.huifang.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled ffmpeg's check, with stand-ins for the two tools (shell scripts). */
class FfmpegLocatorTest {
  @TempDir
  Path dir;

  private Path tool(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    assertTrue(p.toFile().setExecutable(true));
    return p;
  }

  private FfmpegLocator.Tools tools(Path ffmpeg, Path ffprobe) {
    return new FfmpegLocator.Tools(ffmpeg, ffprobe, Map.of(), "bundled", "7.1.1-1.5.12");
  }

  /** A fresh Debian 12 without libpulse0: the error says what the loader said and which package to install. */
  @Test
  void aMissingLibraryIsNamedWithThePackageThatBringsIt() throws IOException {
    Path ffmpeg = tool("ffmpeg", "echo './ffmpeg: error while loading shared libraries: libpulse.so.0: cannot open"
        + " shared object file: No such file or directory' >&2; exit 127");
    Path ffprobe = tool("ffprobe", "echo 'ffprobe version 7.1.1'");
    IOException e = assertThrows(IOException.class, () -> FfmpegLocator.runnable(tools(ffmpeg, ffprobe), dir));
    assertTrue(e.getMessage().contains("ffmpeg exited with 127"), e.getMessage());
    assertTrue(e.getMessage().contains("libpulse.so.0: cannot open shared object file"), e.getMessage());
    assertTrue(e.getMessage().contains("install libpulse0"), e.getMessage());
    assertTrue(e.getMessage().contains("install ffmpeg and ffprobe on the PATH"), e.getMessage());
  }

  @Test
  void anotherFailureNamesTheToolAndNoPackage() throws IOException {
    Path ffmpeg = tool("ffmpeg", "echo 'ffmpeg version 7.1.1 Copyright'");
    Path ffprobe = tool("ffprobe", "echo 'Illegal instruction' >&2; exit 132");
    IOException e = assertThrows(IOException.class, () -> FfmpegLocator.runnable(tools(ffmpeg, ffprobe), dir));
    assertTrue(e.getMessage().contains("ffprobe exited with 132 (Illegal instruction)"), e.getMessage());
    assertTrue(!e.getMessage().contains("libpulse0"), e.getMessage());
  }

  @Test
  void toolsThatRunGiveTheirVersion() throws IOException {
    Path ffmpeg = tool("ffmpeg", "echo 'ffmpeg version 7.1.1 Copyright (c) 2000-2025'");
    Path ffprobe = tool("ffprobe", "echo 'ffprobe version 7.1.1 Copyright (c) 2007-2025'");
    assertEquals("7.1.1", FfmpegLocator.runnable(tools(ffmpeg, ffprobe), dir).version());
  }
}
