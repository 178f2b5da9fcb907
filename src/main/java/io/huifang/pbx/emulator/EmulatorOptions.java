package io.huifang.pbx.emulator;

import java.nio.file.Path;

/** How to start a {@link PbxEmulator}. {@code amiPort} 0 binds an ephemeral port. */
public record EmulatorOptions(String amiHost, int amiPort, String amiUser, String amiSecret,
    String agiUrl, Path scenarioFile, double speed, long seed, Path recordingsDir) {

  public EmulatorOptions {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number: " + speed);
    }
    if (amiPort < 0 || amiPort > 65535) {
      throw new IllegalArgumentException("amiPort out of range: " + amiPort);
    }
  }

  public static EmulatorOptions defaults() {
    return new EmulatorOptions("127.0.0.1", 5038, "dialer", "secret", "agi://127.0.0.1:4573", null,
        1.0, 42L, Path.of(System.getProperty("java.io.tmpdir"), "huifang-recordings"));
  }

  public EmulatorOptions withAmiPort(int port) {
    return new EmulatorOptions(amiHost, port, amiUser, amiSecret, agiUrl, scenarioFile, speed, seed, recordingsDir);
  }

  public EmulatorOptions withAgiUrl(String url) {
    return new EmulatorOptions(amiHost, amiPort, amiUser, amiSecret, url, scenarioFile, speed, seed, recordingsDir);
  }

  public EmulatorOptions withSpeed(double s) {
    return new EmulatorOptions(amiHost, amiPort, amiUser, amiSecret, agiUrl, scenarioFile, s, seed, recordingsDir);
  }

  public EmulatorOptions withScenario(Path file) {
    return new EmulatorOptions(amiHost, amiPort, amiUser, amiSecret, agiUrl, file, speed, seed, recordingsDir);
  }

  public EmulatorOptions withRecordings(Path dir) {
    return new EmulatorOptions(amiHost, amiPort, amiUser, amiSecret, agiUrl, scenarioFile, speed, seed, dir);
  }

  public EmulatorOptions withSeed(long s) {
    return new EmulatorOptions(amiHost, amiPort, amiUser, amiSecret, agiUrl, scenarioFile, speed, s, recordingsDir);
  }
}
