package io.huifang.pbx;

import io.huifang.app.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells whether a PBX answers on AMI: connect, read the banner, log in with events off, log off. Used by /health
 * until the dialer's long-lived AMI connection reports its own state.
 */
public final class AmiProbe {
  private static final int MAX_LINE = 8192;

  private final NetClient client;
  private final String host;
  private final int port;
  private final String user;
  private final String secret;

  public AmiProbe(Vertx vertx, String host, int port, String user, String secret) {
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000).setIdleTimeout(5));
    this.host = host;
    this.port = port;
    this.user = user;
    this.secret = secret;
  }

  public String target() {
    return host + ":" + port;
  }

  public Future<HealthCheck> check() {
    long t0 = System.nanoTime();
    Promise<HealthCheck> result = Promise.promise();
    client.connect(port, host).onFailure(e -> result.tryComplete(HealthCheck.down("AMI " + target() + ": "
        + e.getMessage()))).onSuccess(socket -> talk(socket, t0, result));
    return result.future().timeout(4, java.util.concurrent.TimeUnit.SECONDS)
        .recover(e -> Future.succeededFuture(HealthCheck.down("AMI " + target() + ": " + e.getMessage())));
  }

  private void talk(NetSocket socket, long t0, Promise<HealthCheck> result) {
    List<String> lines = new ArrayList<>();
    String[] banner = new String[1];
    RecordParser parser = RecordParser.newDelimited("\r\n").maxRecordSize(MAX_LINE);
    parser.exceptionHandler(e -> {
      result.tryComplete(HealthCheck.down("AMI " + target() + ": " + e.getMessage()));
      socket.close();
    });
    parser.handler(line -> {
      String s = line.toString(java.nio.charset.StandardCharsets.UTF_8);
      if (banner[0] == null) {
        banner[0] = s;
        if (!s.startsWith("Asterisk Call Manager/")) {
          result.tryComplete(HealthCheck.down("AMI " + target() + ": not an AMI server (banner '" + abbreviate(s)
              + "')"));
          socket.close();
          return;
        }
        socket.write(Buffer.buffer("Action: Login\r\nActionID: probe-1\r\nUsername: " + user + "\r\nSecret: "
            + secret + "\r\nEvents: off\r\n\r\n"));
        return;
      }
      if (!s.isEmpty()) {
        lines.add(s);
        return;
      }
      if (lines.stream().noneMatch(l -> l.startsWith("Response:"))) {
        lines.clear(); // an event, not our answer
        return;
      }
      boolean ok = lines.contains("Response: Success");
      String message = lines.stream().filter(l -> l.startsWith("Message: ")).map(l -> l.substring(9)).findFirst()
          .orElse("");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      result.tryComplete(ok ? HealthCheck.up("AMI " + target() + " login ok (" + banner[0] + ", " + ms + " ms)")
          : HealthCheck.down("AMI " + target() + " login refused: " + message));
      socket.write(Buffer.buffer("Action: Logoff\r\n\r\n"));
      socket.close();
    });
    socket.handler(parser);
    socket.closeHandler(v -> result.tryComplete(HealthCheck.down("AMI " + target() + ": connection closed")));
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  public Future<Void> close() {
    return client.close();
  }
}
