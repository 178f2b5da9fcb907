package io.huifang.pbx.agi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code agi_*} environment block Asterisk sends first on a FastAGI connection (trace 05a):
 * {@code agi_<name>: <value>\n} lines in a fixed order, the {@code agi_arg_N} lines, then an empty line.
 * AGI lines end in a single LF, not CR LF.
 */
public final class AgiEnvironment {
  private final LinkedHashMap<String, String> vars = new LinkedHashMap<>();
  private final List<String> args = new ArrayList<>();

  public AgiEnvironment set(String name, String value) {
    vars.put(name, value == null ? "" : value);
    return this;
  }

  public AgiEnvironment arg(String value) {
    args.add(value);
    return this;
  }

  public String get(String name) {
    return vars.get(name);
  }

  public Map<String, String> vars() {
    return vars;
  }

  public List<String> args() {
    return args;
  }

  /** Asterisk's order of the standard block for a network (FastAGI) script. */
  public static AgiEnvironment forChannel(String request, String script, String channel, String type,
      String uniqueid, String version, String callerId, String callerIdName, String context,
      String extension, int priority, String accountCode, long threadId) {
    return new AgiEnvironment()
        .set("network", "yes")
        .set("network_script", script)
        .set("request", request)
        .set("channel", channel)
        .set("language", "en")
        .set("type", type)
        .set("uniqueid", uniqueid)
        .set("version", version)
        .set("callerid", callerId)
        .set("calleridname", callerIdName)
        .set("callingpres", "0")
        .set("callingani2", "0")
        .set("callington", "0")
        .set("callingtns", "0")
        .set("dnid", "unknown")
        .set("rdnis", "unknown")
        .set("context", context)
        .set("extension", extension)
        .set("priority", Integer.toString(priority))
        .set("enhanced", "0.0")
        .set("accountcode", accountCode)
        .set("threadid", Long.toString(threadId));
  }

  public String encode() {
    StringBuilder sb = new StringBuilder(768);
    vars.forEach((k, v) -> sb.append("agi_").append(k).append(": ").append(v).append('\n'));
    for (int i = 0; i < args.size(); i++) {
      sb.append("agi_arg_").append(i + 1).append(": ").append(args.get(i)).append('\n');
    }
    sb.append('\n');
    return sb.toString();
  }

  /** Parses one {@code agi_name: value} line into this block; returns false for the closing empty line. */
  public boolean parseLine(String line) {
    if (line.isEmpty()) {
      return false;
    }
    int colon = line.indexOf(':');
    if (!line.startsWith("agi_") || colon < 0) {
      return true;
    }
    String name = line.substring(4, colon);
    String value = colon + 2 <= line.length() ? line.substring(Math.min(line.length(), colon + 2)) : "";
    if (name.startsWith("arg_")) {
      args.add(value);
    } else {
      vars.put(name, value);
    }
    return true;
  }
}
