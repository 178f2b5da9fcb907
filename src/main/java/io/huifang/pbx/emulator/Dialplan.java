package io.huifang.pbx.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, data-driven stand-in for Asterisk's dialplan: contexts of extensions, each a list of
 * application steps, read from an extensions.conf subset ({@code exten => pattern,1,App(data)},
 * {@code same => n(label),App(data)}). Only what the emulator's applications need is supported.
 */
final class Dialplan {
  record Step(String label, String app, String data) {}

  record Extension(String pattern, List<Step> steps) {
    int indexOfLabel(String label) {
      for (int i = 0; i < steps.size(); i++) {
        if (label.equals(steps.get(i).label())) {
          return i;
        }
      }
      return -1;
    }
  }

  private final Map<String, List<Extension>> contexts = new LinkedHashMap<>();

  static Dialplan load(InputStream in) throws IOException {
    return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
  }

  static Dialplan parse(String text) {
    Dialplan dp = new Dialplan();
    String ctx = null;
    Extension last = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        ctx = line.substring(1, line.indexOf(']'));
        dp.contexts.computeIfAbsent(ctx, k -> new ArrayList<>());
        last = null;
        continue;
      }
      boolean same = line.startsWith("same");
      if (!same && !line.startsWith("exten")) {
        continue;
      }
      String body = line.substring(line.indexOf("=>") + 2).strip();
      String pattern = null;
      if (!same) {
        int c = body.indexOf(',');
        pattern = body.substring(0, c);
        body = body.substring(c + 1);
      }
      int c = body.indexOf(',');
      String prio = body.substring(0, c);
      String appPart = body.substring(c + 1);
      String label = null;
      int lp = prio.indexOf('(');
      if (lp >= 0) {
        label = prio.substring(lp + 1, prio.indexOf(')'));
      }
      int paren = appPart.indexOf('(');
      String app = paren < 0 ? appPart : appPart.substring(0, paren);
      String data = paren < 0 ? "" : appPart.substring(paren + 1, appPart.lastIndexOf(')'));
      Step step = new Step(label, app, data);
      if (same) {
        last.steps().add(step);
      } else {
        last = new Extension(pattern, new ArrayList<>());
        last.steps().add(step);
        dp.contexts.get(ctx).add(last);
      }
    }
    return dp;
  }

  boolean hasContext(String ctx) {
    return contexts.containsKey(ctx);
  }

  Extension find(String ctx, String exten) {
    List<Extension> exts = contexts.get(ctx);
    if (exts == null || exten == null) {
      return null;
    }
    for (Extension e : exts) {
      if (e.pattern().equals(exten)) {
        return e;
      }
    }
    for (Extension e : exts) {
      if (matches(e.pattern(), exten)) {
        return e;
      }
    }
    return null;
  }

  /** Asterisk extension patterns: {@code _} then X (0-9), Z (1-9), N (2-9), [..], '.' and '!'. */
  static boolean matches(String pattern, String exten) {
    if (!pattern.startsWith("_")) {
      return pattern.equals(exten);
    }
    int p = 1;
    int i = 0;
    while (p < pattern.length()) {
      char pc = pattern.charAt(p);
      if (pc == '.') {
        return i < exten.length();
      }
      if (pc == '!') {
        return true;
      }
      if (i >= exten.length()) {
        return false;
      }
      char ec = exten.charAt(i);
      switch (Character.toUpperCase(pc)) {
        case 'X' -> {
          if (ec < '0' || ec > '9') {
            return false;
          }
        }
        case 'Z' -> {
          if (ec < '1' || ec > '9') {
            return false;
          }
        }
        case 'N' -> {
          if (ec < '2' || ec > '9') {
            return false;
          }
        }
        case '[' -> {
          int close = pattern.indexOf(']', p);
          String set = pattern.substring(p + 1, close);
          if (!inSet(set, ec)) {
            return false;
          }
          p = close;
        }
        default -> {
          if (pc != ec) {
            return false;
          }
        }
      }
      p++;
      i++;
    }
    return i == exten.length();
  }

  private static boolean inSet(String set, char c) {
    for (int k = 0; k < set.length(); k++) {
      if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
        if (c >= set.charAt(k) && c <= set.charAt(k + 2)) {
          return true;
        }
        k += 2;
      } else if (set.charAt(k) == c) {
        return true;
      }
    }
    return false;
  }
}
