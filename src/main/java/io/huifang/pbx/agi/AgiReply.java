package io.huifang.pbx.agi;

/**
 * One AGI reply line such as {@code 200 result=1 (42)} or {@code 200 result=0 endpos=7289}, or the
 * final line of a {@code 520-} usage block. {@link #HANGUP_LINE} is the bare asynchronous notice
 * Asterisk pushes when the channel hangs up (it can arrive between a command and its reply).
 */
public record AgiReply(int code, String result, String data, String endpos, String text) {
  public static final String HANGUP_LINE = "HANGUP";
  public static final String DEAD_CHANNEL = "511 Command Not Permitted on a dead channel or intercept routine";
  public static final String UNKNOWN_COMMAND = "510 Invalid or unknown command";

  public static AgiReply parse(String line) {
    if (line == null || line.length() < 3) {
      throw new IllegalArgumentException("not an AGI reply: " + line);
    }
    int code;
    try {
      code = Integer.parseInt(line.substring(0, 3));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an AGI reply: " + line, e);
    }
    String rest = line.length() > 4 ? line.substring(4) : "";
    String result = null;
    String data = null;
    String endpos = null;
    if (rest.startsWith("result=")) {
      int sp = rest.indexOf(' ');
      result = sp < 0 ? rest.substring(7) : rest.substring(7, sp);
      String tail = sp < 0 ? "" : rest.substring(sp + 1);
      if (tail.startsWith("(")) {
        int close = tail.lastIndexOf(')');
        data = close > 0 ? tail.substring(1, close) : tail.substring(1);
        tail = close > 0 && close + 1 < tail.length() ? tail.substring(close + 1).trim() : "";
      }
      if (tail.startsWith("endpos=")) {
        endpos = tail.substring(7);
      }
    }
    return new AgiReply(code, result, data, endpos, rest);
  }

  public static boolean isHangupNotice(String line) {
    return HANGUP_LINE.equals(line);
  }

  public static String ok(String result) {
    return "200 result=" + result;
  }

  public static String ok(String result, String data) {
    return "200 result=" + result + " (" + data + ")";
  }
}
