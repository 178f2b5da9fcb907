package io.huifang.pbx.emulator;

/**
 * MixMonitor on a channel: start, mute, stop, with their events; the audio itself is written by
 * {@link Recordings}.
 */
final class MixMonitors {
  private final World w;
  private final EmulatorOptions options;
  private final Recordings recordings;

  MixMonitors(World w) {
    this.w = w;
    this.options = w.options;
    this.recordings = w.recordings;
  }

  void start(Channel ch, String data) {
    String[] parts = World.splitArgs(data);
    String file = parts.length > 0 ? parts[0] : "";
    String opts = parts.length > 1 ? parts[1] : "";
    if (!file.startsWith("/") && options.recordingsDir() != null) {
      file = options.recordingsDir().resolve(file).toString();
    }
    w.events.varSet(ch, "MIXMONITOR_FILENAME", file);
    w.events.chanEvent("MixMonitorStart", "call", ch);
    if (ch.recording != null) {
      recordings.stop(ch.recording);
    }
    ch.recording = recordings.start(ch, file, opts);
    w.bridges.restatePeers(ch);
  }

  /** MixMonitorMute on a channel with a MixMonitor: silence from now in the given direction(s), then the event. */
  void mute(Channel ch, boolean read, boolean write, boolean on, String direction, boolean stateTrue) {
    recordings.mute(ch.recording, read, write, on);
    w.events.chanEvent("MixMonitorMute", "call", ch, "Direction", direction, "State", stateTrue ? "1" : "0");
  }

  boolean stop(Channel ch) {
    if (ch.recording == null) {
      return false;
    }
    recordings.stop(ch.recording);
    ch.recording = null;
    w.events.chanEvent("MixMonitorStop", "call", ch);
    w.bridges.restatePeers(ch);
    return true;
  }
}
