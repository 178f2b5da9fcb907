package io.huifang.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, filled in by Maven resource filtering. */
public final class Version {
  private static final String VERSION = load();

  private Version() {
  }

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/huifang-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
