package io.huifang.recording;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP byte range ({@code Range: bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}) checked strictly against
 * the file size. A last byte past the end, however large the number, is trimmed to the file (RFC 9110 §14.1.2: the
 * range is satisfiable, 206). Anything else with a Range header (another unit, several ranges, bad numbers, a range
 * that starts past the end) is refused: the handler answers 416 with {@code Content-Range: bytes * /size}.
 */
public record ByteRange(long start, long end) {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})?-(\\d{1,200})?");

  /** The inclusive range; {@code null} when the header is absent (the whole file). */
  public static ByteRange parse(String header, long size) throws Unsatisfiable {
    if (header == null) {
      return null;
    }
    if (header.length() > 256) {
      throw new Unsatisfiable("Range header too long");
    }
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches()) {
      throw new Unsatisfiable("malformed or multiple ranges: only one 'bytes=first-last' range is served");
    }
    String a = m.group(1);
    String b = m.group(2);
    if (a == null && b == null) {
      throw new Unsatisfiable("empty range");
    }
    if (size == 0) {
      throw new Unsatisfiable("empty file");
    }
    if (a == null) {
      long suffix = saturated(b);
      if (suffix == 0) {
        throw new Unsatisfiable("zero-length suffix");
      }
      return new ByteRange(Math.max(0, size - suffix), size - 1);
    }
    long start = Long.parseLong(a);
    long end = b == null ? size - 1 : saturated(b);
    if (end < start) {
      throw new Unsatisfiable("last byte before first byte");
    }
    if (start >= size) {
      throw new Unsatisfiable("first byte past the end (" + size + " bytes)");
    }
    return new ByteRange(start, Math.min(end, size - 1));
  }

  /** A last-byte position or suffix length; any number beyond a long is past the end of every file. */
  private static long saturated(String digits) {
    String d = digits.replaceFirst("^0+(?=\\d)", "");
    return d.length() > 18 ? Long.MAX_VALUE : Long.parseLong(d);
  }

  public long length() {
    return end - start + 1;
  }

  public String contentRange(long size) {
    return "bytes " + start + "-" + end + "/" + size;
  }

  /** A Range header that cannot be served. */
  public static final class Unsatisfiable extends Exception {
    public Unsatisfiable(String message) {
      super(message);
    }
  }
}
