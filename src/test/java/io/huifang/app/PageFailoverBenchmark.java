package io.huifang.app;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A page behind HAProxy whose node dies (.ci/bench-cluster, BENCHMARKS.md "Cluster"): signs in through the balancer
 * until pinned to node b, opens /ws, kills node b (SIGKILL, its pid given), and times the page's socket closing and
 * reconnecting, through the balancer, to node a (its hello). JDK classes only: {@code java PageFailoverBenchmark.java
 * http://127.0.0.1:18000 PID}.
 */
public class PageFailoverBenchmark {
  static volatile CountDownLatch hello = new CountDownLatch(1);
  static volatile CountDownLatch closed = new CountDownLatch(1);

  public static void main(String[] a) throws Exception {
    String lb = a[0];
    long pidB = Long.parseLong(a[1]);
    HttpClient c = null;
    CookieManager cookies = null;
    for (int i = 0; i < 6; i++) {
      cookies = new CookieManager();
      c = HttpClient.newBuilder().cookieHandler(cookies).build();
      HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(lb + "/api/session"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"bench-password-1\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      String node = cookies.getCookieStore().getCookies().stream().filter(k -> k.getName().equals("HUIFANG_NODE"))
          .map(k -> k.getValue()).findFirst().orElse("?");
      System.out.println("sign-in " + r.statusCode() + " pinned to node " + node);
      if (node.equals("b")) break;
    }
    WebSocket ws = open(c, lb);
    if (!hello.await(5, TimeUnit.SECONDS)) throw new IllegalStateException("no hello");
    System.out.println("page connected through the balancer (node b)");
    long t0 = System.nanoTime();
    ProcessHandle.of(pidB).orElseThrow().destroyForcibly();
    closed.await(20, TimeUnit.SECONDS);
    long tClosed = System.nanoTime();
    int tries = 0;
    while (true) {
      hello = new CountDownLatch(1);
      closed = new CountDownLatch(1);
      tries++;
      try {
        open(c, lb);
        if (hello.await(3, TimeUnit.SECONDS)) break;
      } catch (Exception e) {
        Thread.sleep(200);
      }
    }
    long t1 = System.nanoTime();
    String node = cookies.getCookieStore().getCookies().stream().filter(k -> k.getName().equals("HUIFANG_NODE"))
        .map(k -> k.getValue()).findFirst().orElse("?");
    System.out.printf("kill -9 of node b: socket closed after %d ms; reconnected (hello) after %d ms, %d tries; cookie now %s%n",
        (tClosed - t0) / 1_000_000, (t1 - t0) / 1_000_000, tries, node);
  }

  static WebSocket open(HttpClient c, String lb) throws Exception {
    return c.newWebSocketBuilder().buildAsync(URI.create(lb.replace("http", "ws") + "/ws"), new WebSocket.Listener() {
      public CompletionStage<?> onText(WebSocket w, CharSequence d, boolean last) {
        if (d.toString().contains("\"hello\"")) hello.countDown();
        w.request(1);
        return null;
      }
      public CompletionStage<?> onClose(WebSocket w, int code, String reason) { closed.countDown(); return null; }
      public void onError(WebSocket w, Throwable e) { closed.countDown(); }
    }).get(5, TimeUnit.SECONDS);
  }
}
