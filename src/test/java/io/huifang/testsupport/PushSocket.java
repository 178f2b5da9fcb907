package io.huifang.testsupport;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A page's push socket (/ws) as a signed-in user: keeps every text frame and how the socket closed. */
public final class PushSocket {
  public final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  public volatile Integer closedWith;
  public final WebSocket ws;

  public PushSocket(Http user, URI wsUri) throws Exception {
    ws = user.client().newWebSocketBuilder().buildAsync(wsUri, new WebSocket.Listener() {
      final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          frames.add(new JsonObject(partial.toString()));
          partial.setLength(0);
        }
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
        closedWith = code;
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
  }

  /** The frames whose type starts with {@code prefix}. */
  public List<JsonObject> ofType(String prefix) {
    return frames.stream().filter(m -> m.getString("type", "").startsWith(prefix)).toList();
  }

  /** The first frame matching {@code p} within {@code within}, else a failure naming {@code what} and the frames. */
  public JsonObject await(String what, Duration within, Predicate<JsonObject> p) {
    return Await.atMost(within).every(Duration.ofMillis(20)).until(() -> "a " + what + " frame; got " + frames,
        () -> frames.stream().filter(p).findFirst().orElse(null), m -> m != null);
  }

  public void close() throws Exception {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }
}
