package io.huifang.pbx.agi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An AGI command line split the way res_agi splits it: words separated by spaces, double quotes
 * group a word (and are removed), a backslash escapes the next character.
 */
public record AgiCommand(String line, List<String> words) {
  public static AgiCommand parse(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inQuotes = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
        any = true;
      } else if (c == '"') {
        inQuotes = !inQuotes;
        any = true;
      } else if ((c == ' ' || c == '\t') && !inQuotes) {
        if (any) {
          words.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(cur.toString());
    }
    return new AgiCommand(line, words);
  }

  /** The first {@code n} words upper-cased and joined, e.g. "GET FULL VARIABLE". */
  public String head(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, words.size()); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(words.get(i).toUpperCase(Locale.ROOT));
    }
    return sb.toString();
  }

  public String word(int i) {
    return i < words.size() ? words.get(i) : null;
  }

  public int size() {
    return words.size();
  }
}
