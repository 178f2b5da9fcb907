package io.huifang.pbx.ami;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A bounded, streaming parser for AMI messages ({@code Key: Value} lines ended by an empty line).
 * Feed it any chunking of the byte stream; it calls the message handler once per complete message.
 * Accepts CR LF or a bare LF line ending (netcat users, sloppy clients). A line longer than
 * {@code maxLine}, or a message larger than {@code maxMessage} bytes, calls the error handler once and
 * the parser then ignores all further input: the caller is expected to close that connection.
 *
 * <p>In client mode the first line is the banner ({@code Asterisk Call Manager/x.y.z}) and is delivered
 * to the banner handler, since it is not followed by an empty line.
 */
public final class AmiParser implements Handler<Buffer> {
  public static final int DEFAULT_MAX_LINE = 16 * 1024;
  public static final int DEFAULT_MAX_MESSAGE = 64 * 1024;

  private final int maxLine;
  private final int maxMessage;
  /** Headers in one message; the byte limit alone lets 32k one-letter headers through. */
  private int maxHeaders = Integer.MAX_VALUE;
  private final Handler<AmiMessage> messageHandler;
  private Handler<String> bannerHandler;
  private Handler<String> errorHandler = e -> {};
  private boolean expectBanner;
  private boolean failed;

  private byte[] line = new byte[256];
  private int lineLen;
  private int messageBytes;
  private AmiMessage current;

  public AmiParser(Handler<AmiMessage> messageHandler) {
    this(DEFAULT_MAX_LINE, DEFAULT_MAX_MESSAGE, messageHandler);
  }

  public AmiParser(int maxLine, int maxMessage, Handler<AmiMessage> messageHandler) {
    this.maxLine = maxLine;
    this.maxMessage = maxMessage;
    this.messageHandler = messageHandler;
  }

  /** Client mode: the first line received is the banner. */
  public AmiParser bannerHandler(Handler<String> h) {
    this.bannerHandler = h;
    this.expectBanner = true;
    return this;
  }

  /**
   * Fails a message with more headers than this (the client: an Asterisk event has a few dozen). The emulator keeps
   * no such limit, since Asterisk itself drops the extra headers of an action instead of the connection.
   */
  public AmiParser maxHeaders(int max) {
    this.maxHeaders = max;
    return this;
  }

  public AmiParser errorHandler(Handler<String> h) {
    this.errorHandler = h;
    return this;
  }

  public boolean failed() {
    return failed;
  }

  @Override
  public void handle(Buffer buffer) {
    if (failed) {
      return;
    }
    int n = buffer.length();
    for (int i = 0; i < n && !failed; i++) {
      byte b = buffer.getByte(i);
      if (b == '\n') {
        endOfLine();
      } else {
        if (lineLen == maxLine) {
          fail("line longer than " + maxLine + " bytes");
          return;
        }
        if (lineLen == line.length) {
          byte[] bigger = new byte[Math.min(maxLine, line.length * 2)];
          System.arraycopy(line, 0, bigger, 0, lineLen);
          line = bigger;
        }
        line[lineLen++] = b;
      }
    }
  }

  public void handle(byte[] bytes) {
    handle(Buffer.buffer(bytes));
  }

  private void endOfLine() {
    int len = lineLen;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    messageBytes += lineLen + 1;
    lineLen = 0;
    if (messageBytes > maxMessage) {
      fail("message larger than " + maxMessage + " bytes");
      return;
    }
    String text = new String(line, 0, len, StandardCharsets.UTF_8);
    if (expectBanner) {
      expectBanner = false;
      messageBytes = 0;
      bannerHandler.handle(text);
      return;
    }
    if (text.isEmpty()) {
      messageBytes = 0;
      if (current != null) {
        AmiMessage done = current;
        current = null;
        messageHandler.handle(done);
      }
      return;
    }
    if (current == null) {
      current = new AmiMessage();
    } else if (current.size() >= maxHeaders) {
      fail("message with more than " + maxHeaders + " headers");
      return;
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      // Asterisk keeps such a line as a header it never matches; we do the same under an empty name
      // so that a message made only of junk is still answered ("Missing action in request").
      current.add("", text);
      return;
    }
    String name = text.substring(0, colon).trim();
    int v = colon + 1;
    if (v < text.length() && text.charAt(v) == ' ') {
      v++;
    }
    current.add(name, text.substring(v));
  }

  private void fail(String why) {
    failed = true;
    current = null;
    errorHandler.handle(why);
  }
}
