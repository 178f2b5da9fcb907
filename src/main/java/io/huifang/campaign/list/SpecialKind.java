package io.huifang.campaign.list;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Special records (DOMAIN.md §2): dealers prefix the contact name with {@code 00} and a kind, then the real
 * contact's name, e.g. {@code 00PDI张三}. They are kept, flagged, and never dialled as customers.
 */
public enum SpecialKind {
  PDI, STOCK, COMPANY, REFUSED_PHONE, REFUSED_CALLBACK, NOT_OWNER, OTHER;

  /** Longest markers first so that "00公司公务车" is not read as a shorter marker. */
  private static final List<Map.Entry<String, SpecialKind>> MARKERS = List.of(
      Map.entry("公司公务车", COMPANY), Map.entry("拒绝回访", REFUSED_CALLBACK), Map.entry("拒留电话", REFUSED_PHONE),
      Map.entry("公务车", COMPANY), Map.entry("公司车", COMPANY), Map.entry("库存车", STOCK), Map.entry("非车主", NOT_OWNER),
      Map.entry("PDI", PDI), Map.entry("库存", STOCK));

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A name read for its marker: the kind (null for an ordinary customer) and the real contact's name. */
  public record Parsed(SpecialKind kind, String name) {
  }

  public static Parsed parse(String contactName) {
    String s = Normalizer.normalize(contactName == null ? "" : contactName, Normalizer.Form.NFKC).strip();
    if (!s.startsWith("00")) {
      return new Parsed(null, s);
    }
    String rest = s.substring(2).strip();
    for (var m : MARKERS) {
      if (rest.toUpperCase(Locale.ROOT).startsWith(m.getKey())) {
        return new Parsed(m.getValue(), clean(rest.substring(m.getKey().length())));
      }
    }
    return new Parsed(OTHER, clean(rest));
  }

  private static String clean(String name) {
    return name.replaceFirst("^[\\s\\-_:：/()（）]+", "").strip();
  }
}
