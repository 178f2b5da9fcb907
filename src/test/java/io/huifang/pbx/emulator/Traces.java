package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the annotated Asterisk transcripts in ../shared/asterisk-traces. */
final class Traces {
  static final Path DIR = locate();

  /** One step of a transcript: a message sent by the client (action) or by Asterisk. */
  record Item(boolean fromClient, AmiMessage message, double time) {}

  private static Path locate() {
    String prop = System.getProperty("huifang.traces");
    if (prop != null) {
      return Path.of(prop);
    }
    for (Path p : new Path[] {Path.of("../shared/asterisk-traces"), Path.of("/work/shared/asterisk-traces")}) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return Path.of("../shared/asterisk-traces");
  }

  static List<Item> read(String name) throws IOException {
    List<String> lines = Files.readAllLines(DIR.resolve(name + ".txt"), StandardCharsets.UTF_8);
    List<Item> items = new ArrayList<>();
    AmiMessage cur = null;
    boolean client = false;
    boolean skip = false;
    double time = 0;
    for (String line : lines) {
      if (line.startsWith(">>> [") || line.startsWith("<<< [")) {
        if (cur != null && !skip) {
          items.add(new Item(client, cur, time));
        }
        client = line.startsWith(">>>");
        time = Double.parseDouble(line.substring(line.indexOf("[+") + 2, line.indexOf(']')));
        skip = line.contains(" banner");
        cur = new AmiMessage();
        continue;
      }
      if (line.startsWith("###")) {
        continue;
      }
      if (line.isEmpty()) {
        if (cur != null && !skip && cur.size() > 0) {
          items.add(new Item(client, cur, time));
        }
        cur = null;
        continue;
      }
      if (cur != null) {
        int c = line.indexOf(": ");
        if (c < 0 && line.endsWith(":")) {
          cur.add(line.substring(0, line.length() - 1), "");
        } else if (c > 0) {
          cur.add(line.substring(0, c), line.substring(c + 2));
        }
      }
    }
    if (cur != null && !skip && cur.size() > 0) {
      items.add(new Item(client, cur, time));
    }
    return items;
  }
}
