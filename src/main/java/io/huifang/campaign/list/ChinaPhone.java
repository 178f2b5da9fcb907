package io.huifang.campaign.list;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Chinese phone numbers as DMS exports write them, brought to one dialable form: 11-digit mobiles
 * ({@code 13812345678}) and landlines with their area code ({@code 01012345678}, {@code 075512345678}).
 * Accepts {@code +86}/{@code 0086}, spaces, dashes, brackets, full-width digits, and numbers a spreadsheet stored
 * as numbers ({@code 13812345678.0}, {@code 1.3812345678E10}). Refuses what cannot be a customer's number, saying
 * why: the old placeholder {@code 00000000000}, digits lost to scientific notation ({@code 1.38E+10}), wrong
 * lengths, mobiles with an impossible second digit, landlines without an area code. An extension written after the
 * number ({@code 010-12345678转8001}, {@code 分机 8001}, {@code ext. 8001}, {@code x8001}, or a last dash group the
 * number does not need, {@code 010-12345678-8001}) is kept apart: the dialer dials the number, the agent asks for the
 * extension.
 */
public final class ChinaPhone {
  private static final Pattern SCIENTIFIC = Pattern.compile("[+]?(\\d+)(?:\\.(\\d+))?[eE][+]?(\\d+)");
  private static final Pattern TRAILING_ZERO_DECIMAL = Pattern.compile("(\\d+)\\.0+");
  private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-()\\[\\]–—]");
  private static final Pattern MOBILE = Pattern.compile("1[3-9]\\d{9}");
  private static final Pattern SEVERAL = Pattern.compile("[/,;、|]");
  /** The number (ending in a digit or a bracket), a word for "extension", then its 1–6 digits. */
  private static final Pattern EXTENSION = Pattern.compile(
      "(.*[\\d)])\\s*(?:转|轉|分机|分機|ext|extn|extension|x)\\s*[.:：#]?\\s*(\\d{1,6})", Pattern.CASE_INSENSITIVE);
  /** A last dash group after a complete number: 010-12345678-8001. */
  private static final Pattern DASH_EXTENSION = Pattern.compile("(.*\\d)\\s*-\\s*(\\d{1,6})");

  private ChinaPhone() {
  }

  /**
   * Either a normalised number (with its extension, or null), or a problem with a reason code and messages in both
   * languages.
   */
  public record Result(String phone, String extension, String problem, String english, String chinese) {
    public boolean ok() {
      return phone != null;
    }

    static Result ok(String phone) {
      return new Result(phone, null, null, null, null);
    }

    static Result bad(String problem, String english, String chinese) {
      return new Result(null, null, problem, english, chinese);
    }

    Result withExtension(String ext) {
      return new Result(phone, ext, null, null, null);
    }
  }

  public static Result normalise(String raw) {
    if (raw == null) {
      return Result.bad("empty", "no phone number", "没有电话号码");
    }
    String s = Normalizer.normalize(raw, Normalizer.Form.NFKC).replace('\u00a0', ' ').strip();
    var ext = EXTENSION.matcher(s);
    if (ext.matches()) {
      Result main = number(ext.group(1), raw);
      return main.ok() ? main.withExtension(ext.group(2)) : main;
    }
    Result whole = number(s, raw);
    var dash = DASH_EXTENSION.matcher(s);
    if (!whole.ok() && dash.matches() && !SEVERAL.matcher(s).find()) {
      // Only when the number is complete without the last group: 138-1234-5678 stays a mobile.
      Result main = number(dash.group(1), raw);
      if (main.ok()) {
        return main.withExtension(dash.group(2));
      }
    }
    return whole;
  }

  private static Result number(String text, String raw) {
    String s = text.strip();
    if (s.isEmpty()) {
      return Result.bad("empty", "no phone number", "没有电话号码");
    }
    // "138…/139…": the first number is the customer's; DMS exports put a second one after a separator.
    String[] several = SEVERAL.split(s);
    if (several.length > 1 && !several[0].isBlank()) {
      s = several[0].strip();
    }
    var sci = SCIENTIFIC.matcher(s);
    if (sci.matches()) {
      int significant = (sci.group(1) + (sci.group(2) == null ? "" : sci.group(2))).replaceFirst("^0+", "").length();
      BigDecimal value = new BigDecimal(s.replace("+", "").replace("E", "e"));
      String plain;
      try {
        plain = value.toBigIntegerExact().toString();
      } catch (ArithmeticException e) {
        return Result.bad("not_a_number", "\"" + raw + "\" is not a phone number", "“" + raw + "”不是电话号码");
      }
      if (significant < plain.length()) {
        return Result.bad("rounded", "\"" + raw + "\" was rounded by the spreadsheet (scientific notation);"
            + " the real digits are lost", "“" + raw + "”被电子表格按科学计数法截断，真实号码已丢失");
      }
      s = plain;
    }
    var dec = TRAILING_ZERO_DECIMAL.matcher(s);
    if (dec.matches()) {
      s = dec.group(1);
    }
    s = SEPARATORS.matcher(s).replaceAll("");
    if (s.startsWith("+86")) {
      s = s.substring(3);
    } else if (s.startsWith("0086")) {
      s = s.substring(4);
    } else if (s.startsWith("+")) {
      return Result.bad("foreign", "\"" + raw + "\" is not a Chinese number", "“" + raw + "”不是中国大陆号码");
    } else if (s.length() == 13 && s.startsWith("861")) {
      s = s.substring(2);
    }
    if (!s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Result.bad("not_a_number", "\"" + raw + "\" contains characters other than digits",
          "“" + raw + "”含有数字以外的字符");
    }
    if (s.chars().distinct().count() == 1) {
      return s.charAt(0) == '0'
          ? Result.bad("placeholder", "placeholder number \"" + raw + "\", not a customer's",
              "占位号码“" + raw + "”，不是客户号码")
          : Result.bad("impossible", "\"" + raw + "\" cannot be a real number (one digit repeated)",
              "“" + raw + "”不可能是真实号码（同一数字重复）");
    }
    if (s.startsWith("1")) {
      if (s.length() != 11) {
        return Result.bad("wrong_length", "mobile number \"" + raw + "\" has " + s.length() + " digits, not 11",
            "手机号“" + raw + "”为 " + s.length() + " 位，应为 11 位");
      }
      if (!MOBILE.matcher(s).matches()) {
        return Result.bad("impossible", "\"" + raw + "\" is not a mobile number (must start 13–19)",
            "“" + raw + "”不是有效手机号（应以 13–19 开头）");
      }
      return Result.ok(s);
    }
    if (s.startsWith("0")) {
      // Two-digit area codes: 010 (Beijing) and 02x; all others have three digits after the 0.
      int area = s.startsWith("010") || s.startsWith("02") ? 3 : 4;
      String local = s.length() > area ? s.substring(area) : "";
      if ((local.length() == 7 || local.length() == 8) && local.charAt(0) != '0') {
        return Result.ok(s);
      }
      return Result.bad("wrong_length", "landline \"" + raw + "\" does not have an area code and a 7–8 digit number",
          "座机号码“" + raw + "”不是“区号 + 7–8 位号码”");
    }
    if (s.length() == 7 || s.length() == 8) {
      return Result.bad("no_area_code", "landline \"" + raw + "\" has no area code", "座机号码“" + raw + "”缺少区号");
    }
    return Result.bad("wrong_length", "\"" + raw + "\" has " + s.length() + " digits: neither a mobile nor a landline",
        "“" + raw + "”为 " + s.length() + " 位：既不是手机号也不是座机号");
  }
}
