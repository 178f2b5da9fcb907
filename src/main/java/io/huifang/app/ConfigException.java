package io.huifang.app;

/** A configuration value that cannot be used. The message is one line naming the key, its source and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
