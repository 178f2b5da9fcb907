package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.pbx.ami.AmiParser;
import io.huifang.pbx.ami.AmiWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A blocking AMI client for tests: a reader thread feeds the codec, messages land in a queue. */
final class TestAmiClient implements AutoCloseable {
  final Socket socket;
  final OutputStream out;
  final LinkedBlockingQueue<AmiMessage> inbox = new LinkedBlockingQueue<>();
  final List<AmiMessage> all = new ArrayList<>();
  volatile String banner;
  volatile boolean closedByServer;
  private final Thread reader;

  TestAmiClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    AmiParser parser = new AmiParser(inbox::add).bannerHandler(b -> banner = b);
    InputStream in = socket.getInputStream();
    reader = new Thread(() -> {
      byte[] buf = new byte[65536];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          byte[] copy = java.util.Arrays.copyOf(buf, n);
          parser.handle(copy);
        }
      } catch (IOException ignored) {
        // socket closed
      }
      closedByServer = true;
    }, "test-ami-reader");
    reader.setDaemon(true);
    reader.start();
  }

  void send(AmiMessage m) throws IOException {
    out.write(AmiWriter.toBytes(m));
    out.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  AmiMessage next(long millis) throws InterruptedException {
    AmiMessage m = inbox.poll(millis, TimeUnit.MILLISECONDS);
    if (m != null) {
      all.add(m);
    }
    return m;
  }

  /** Waits for the first message matching {@code p}, keeping everything read in {@link #all}. */
  AmiMessage await(Predicate<AmiMessage> p, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      AmiMessage m = next(Math.max(1, end - System.currentTimeMillis()));
      if (m != null && p.test(m)) {
        return m;
      }
    }
    StringBuilder tail = new StringBuilder();
    for (int i = Math.max(0, all.size() - 25); i < all.size(); i++) {
      AmiMessage m = all.get(i);
      tail.append("\n    ").append(m.kind()).append(' ').append(m.get("Channel", ""))
          .append(' ').append(m.get("Application", "")).append(m.get("Variable", "")).append(' ')
          .append(m.get("Cause", ""));
    }
    throw new AssertionError("timed out waiting; got " + all.size() + " messages, last:" + tail);
  }

  /** Like {@link #await} but also accepts a matching message that was already read. */
  AmiMessage seen(Predicate<AmiMessage> p, long millis) throws InterruptedException {
    for (AmiMessage m : all) {
      if (p.test(m)) {
        return m;
      }
    }
    return await(p, millis);
  }

  AmiMessage login() throws Exception {
    send(AmiMessage.action("Login").add("ActionID", "login-1").add("Username", "dialer").add("Secret", "secret"));
    return await(m -> m.isResponse(), 5000);
  }

  boolean waitClosed(long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (!closedByServer && System.currentTimeMillis() < end) {
      Thread.sleep(5);
    }
    return closedByServer;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
