package io.huifang.pbx.ami;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Produces the exact bytes Asterisk writes: {@code Key: Value\r\n} lines and a closing {@code \r\n}. */
public final class AmiWriter {
  public static final String BANNER = "Asterisk Call Manager/11.0.0\r\n";

  private AmiWriter() {}

  public static String toText(AmiMessage m) {
    StringBuilder sb = new StringBuilder(m.size() * 32 + 2);
    appendTo(sb, m);
    return sb.toString();
  }

  public static void appendTo(StringBuilder sb, AmiMessage m) {
    for (int i = 0, n = m.size(); i < n; i++) {
      // An empty value keeps the trailing space ("AccountCode: "), as Asterisk writes it.
      sb.append(m.name(i)).append(": ").append(sanitize(m.value(i))).append("\r\n");
    }
    sb.append("\r\n");
  }

  public static byte[] toBytes(AmiMessage m) {
    return toText(m).getBytes(StandardCharsets.UTF_8);
  }

  public static Buffer toBuffer(AmiMessage m) {
    return Buffer.buffer(toBytes(m));
  }

  /** A value must not break framing: a CR or LF inside it would end the header or the message. */
  private static String sanitize(String v) {
    if (v.indexOf('\r') < 0 && v.indexOf('\n') < 0) {
      return v;
    }
    return v.replace('\r', ' ').replace('\n', ' ');
  }
}
