package io.huifang.telephony;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent's softphone as an admin sets it: the endpoint the server dials to open the agent's line, and the PBX it
 * is registered on. {@code PJSIP/8001} lives on the first configured PBX (as every softphone did when there was only
 * one); {@code pbx2:PJSIP/8001} on the PBX named pbx2 in {@code pbx.servers} (or {@code emulator.pbxes}). A PBX name
 * never holds ':' and an endpoint never starts with one, so the prefix cannot be mistaken for part of the endpoint.
 */
public record Softphone(String pbx, String endpoint) {
  private static final Pattern ON_PBX = Pattern.compile("([A-Za-z0-9_-]{1,32}):(.+)");

  /** The setting as stored; null or blank gives null. */
  public static Softphone parse(String setting) {
    if (setting == null || setting.isBlank()) {
      return null;
    }
    String s = setting.trim();
    Matcher m = ON_PBX.matcher(s);
    return m.matches() ? new Softphone(m.group(1), m.group(2)) : new Softphone(null, s);
  }

  /** On the first configured PBX (no PBX named). */
  public boolean onDefaultPbx() {
    return pbx == null;
  }
}
