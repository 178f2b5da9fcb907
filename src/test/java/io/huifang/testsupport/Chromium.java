package io.huifang.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Minimal Chrome DevTools Protocol driver for integration tests.
 *
 * <p>Starts the locally installed Chromium (never downloads one) headless with a fresh
 * profile, opens one page target and offers blocking helpers with timeouts. Only
 * vertx-core is used: its WebSocket client speaks CDP, {@code io.vertx.core.json} the JSON.
 *
 * <pre>{@code
 * Assumptions.assumeTrue(Chromium.binary().isPresent(), "no chromium");
 * try (Chromium browser = Chromium.launch()) {
 *   browser.navigate("http://127.0.0.1:" + port + "/");
 *   browser.type("#username", "alice");
 *   browser.click("button[type=submit]");
 *   browser.waitFor("location.pathname === '/agent.html'", Duration.ofSeconds(5));
 *   browser.screenshot(Path.of("target/agent.png"));
 * }
 * }</pre>
 *
 * <p>The binary is {@code $HUIFANG_CHROMIUM} if set, else {@code /usr/bin/chromium}
 * (then {@code /usr/bin/chromium-browser}). Not thread-safe: drive it from one test thread.
 */
public final class Chromium implements AutoCloseable {

  /** Environment variable naming the Chromium binary to use. */
  public static final String ENV_BINARY = "HUIFANG_CHROMIUM";

  private static final List<String> DEFAULT_BINARIES =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final Pattern DEVTOOLS_LINE = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_MESSAGE = 256 * 1024 * 1024;

  /** Thrown for every failure of the browser or the page (timeouts, JS exceptions, no element). */
  public static final class ChromiumException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChromiumException(String message) {
      super(message);
    }

    public ChromiumException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Waiter(String sessionId, String method, Predicate<JsonObject> filter,
                        CompletableFuture<JsonObject> future) {
  }

  private final Process process;
  private final Path userDataDir;
  private final Vertx vertx;
  private final WebSocket socket;
  private final String sessionId;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> loadedLoaders = ConcurrentHashMap.newKeySet();
  private final List<String> consoleAndErrors = new CopyOnWriteArrayList<>();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private volatile boolean closed;

  // ---------------------------------------------------------------- launching

  /** The Chromium binary that {@link #launch()} would use, if one exists and is executable. */
  public static Optional<Path> binary() {
    String env = System.getenv(ENV_BINARY);
    if (env != null && !env.isBlank()) {
      Path p = Paths.get(env.trim());
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    return DEFAULT_BINARIES.stream().map(Paths::get).filter(Files::isExecutable).findFirst();
  }

  /** Starts headless Chromium at 1366x850 with a default per-call timeout of 15 s. */
  public static Chromium launch() {
    return launch(1366, 850, DEFAULT_TIMEOUT);
  }

  /** Starts headless Chromium with the given window size and default per-call timeout. */
  public static Chromium launch(int width, int height, Duration timeout) {
    Path bin = binary().orElseThrow(() -> new ChromiumException(
        "No Chromium binary: set " + ENV_BINARY + " or install /usr/bin/chromium"));
    Path dir;
    try {
      dir = Files.createTempDirectory("huifang-chromium-");
    } catch (IOException e) {
      throw new ChromiumException("Cannot create a temp user-data-dir", e);
    }
    List<String> cmd = new ArrayList<>(List.of(
        bin.toString(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--mute-audio",
        "--user-data-dir=" + dir,
        "--window-size=" + width + "," + height,
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank"));
    Process proc;
    try {
      proc = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      deleteRecursively(dir);
      throw new ChromiumException("Cannot start " + bin, e);
    }
    try {
      return new Chromium(proc, dir, timeout);
    } catch (RuntimeException e) {
      killTree(proc);
      deleteRecursively(dir);
      throw e;
    }
  }

  private Chromium(Process process, Path userDataDir, Duration timeout) {
    this.process = process;
    this.userDataDir = userDataDir;
    this.timeout = timeout;

    String browserWs = readDevToolsUrl();
    this.vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxFrameSize(MAX_MESSAGE)
          .setMaxMessageSize(MAX_MESSAGE));
      WebSocketConnectOptions options = new WebSocketConnectOptions()
          .setAbsoluteURI(browserWs)
          // Chrome refuses DevTools WebSockets carrying an Origin header it does not allow.
          .setAllowOriginHeader(false);
      this.socket = await(client.connect(options).toCompletionStage().toCompletableFuture(),
          STARTUP_TIMEOUT, "connect to " + browserWs);
      socket.textMessageHandler(this::onMessage);
      socket.closeHandler(v -> failAll(new ChromiumException("DevTools connection closed")));
      socket.exceptionHandler(e -> failAll(new ChromiumException("DevTools connection failed", e)));

      String targetId = send(null, "Target.createTarget", new JsonObject().put("url", "about:blank"))
          .getString("targetId");
      this.sessionId = send(null, "Target.attachToTarget",
          new JsonObject().put("targetId", targetId).put("flatten", true)).getString("sessionId");
      send(sessionId, "Page.enable", new JsonObject());
      send(sessionId, "Page.setLifecycleEventsEnabled", new JsonObject().put("enabled", true));
      send(sessionId, "Runtime.enable", new JsonObject());
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  private String readDevToolsUrl() {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (stderrTail) {
            stderrTail.addLast(line);
            if (stderrTail.size() > 40) {
              stderrTail.removeFirst();
            }
          }
          Matcher m = DEVTOOLS_LINE.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          }
        }
      } catch (IOException ignored) {
        // process gone
      }
      url.completeExceptionally(new ChromiumException("Chromium exited before DevTools was ready"));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      return url.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChromiumException("Interrupted while starting Chromium", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new ChromiumException("Chromium did not announce DevTools; stderr:\n" + stderrTail(), e);
    }
  }

  // ---------------------------------------------------------------- protocol

  private void onMessage(String text) {
    try {
      dispatch(new JsonObject(text));
    } catch (RuntimeException e) {
      // Never let a surprising message kill the event loop handler; keep it for diagnostics.
      consoleAndErrors.add("driver: cannot handle CDP message (" + e + "): " + abbreviate(text));
    }
  }

  private void dispatch(JsonObject msg) {
    Long id = msg.getLong("id");
    if (id != null) {
      CompletableFuture<JsonObject> f = pending.remove(id);
      if (f != null) {
        JsonObject error = msg.getJsonObject("error");
        if (error != null) {
          f.completeExceptionally(new ChromiumException("CDP error: " + error.encode()));
        } else {
          f.complete(msg.getJsonObject("result", new JsonObject()));
        }
      }
      return;
    }
    String method = msg.getString("method");
    String sid = msg.getString("sessionId");
    JsonObject params = msg.getJsonObject("params", new JsonObject());
    if ("Runtime.exceptionThrown".equals(method)) {
      JsonObject details = params.getJsonObject("exceptionDetails", new JsonObject());
      consoleAndErrors.add("exception: " + describe(details));
    } else if ("Runtime.consoleAPICalled".equals(method)) {
      StringBuilder sb = new StringBuilder("console.").append(params.getString("type")).append(':');
      params.getJsonArray("args", new io.vertx.core.json.JsonArray()).forEach(a -> {
        JsonObject arg = (JsonObject) a;
        sb.append(' ').append(arg.containsKey("value") ? arg.getValue("value") : arg.getString("description"));
      });
      consoleAndErrors.add(sb.toString());
    }
    if ("Page.lifecycleEvent".equals(method) && "load".equals(params.getString("name"))) {
      loadedLoaders.add(params.getString("loaderId"));
    }
    for (Waiter w : waiters) {
      if (w.method.equals(method) && (w.sessionId == null || w.sessionId.equals(sid)) && w.filter.test(params)) {
        waiters.remove(w);
        w.future.complete(params);
      }
    }
  }

  private void failAll(ChromiumException e) {
    pending.values().forEach(f -> f.completeExceptionally(e));
    pending.clear();
    waiters.forEach(w -> w.future.completeExceptionally(e));
    waiters.clear();
  }

  /**
   * Sends one raw CDP command to the page session and waits for its result. For anything the
   * helpers do not cover (e.g. {@code Network.setCookie}, {@code Input.dispatchKeyEvent}).
   */
  public JsonObject send(String method, JsonObject params) {
    return send(sessionId, method, params);
  }

  private JsonObject send(String session, String method, JsonObject params) {
    return await(sendAsync(session, method, params), timeout, method);
  }

  private CompletableFuture<JsonObject> sendAsync(String session, String method, JsonObject params) {
    if (closed) {
      throw new ChromiumException("Chromium is closed");
    }
    long id = ids.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    JsonObject msg = new JsonObject().put("id", id).put("method", method).put("params", params);
    if (session != null) {
      msg.put("sessionId", session);
    }
    socket.writeTextMessage(msg.encode()).onFailure(e -> {
      pending.remove(id);
      f.completeExceptionally(new ChromiumException("Cannot send " + method, e));
    });
    return f;
  }

  private CompletableFuture<JsonObject> expectEvent(String method, Predicate<JsonObject> filter) {
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    waiters.add(new Waiter(sessionId, method, filter, f));
    return f;
  }

  private <T> T await(CompletableFuture<T> f, Duration limit, String what) {
    try {
      return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChromiumException("Interrupted: " + what, e);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new ChromiumException("Timed out after " + limit.toMillis() + " ms: " + what, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof ChromiumException ce) {
        throw new ChromiumException(ce.getMessage() + " (" + what + ")", ce);
      }
      throw new ChromiumException("Failed: " + what, c);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Navigates and waits for the page's load event. */
  public void navigate(String url) {
    navigate(url, timeout);
  }

  /**
   * Navigates and waits up to {@code limit} for the load event of exactly this navigation (a load
   * event of an earlier, still running navigation does not count).
   */
  public void navigate(String url, Duration limit) {
    JsonObject result = send("Page.navigate", new JsonObject().put("url", url));
    String errorText = result.getString("errorText");
    if (errorText != null && !errorText.isEmpty()) {
      throw new ChromiumException("Navigation to " + url + " failed: " + errorText);
    }
    String loaderId = result.getString("loaderId");
    if (loaderId == null) {
      return; // same-document navigation (only the fragment changed): nothing to load
    }
    CompletableFuture<JsonObject> loaded = expectEvent("Page.lifecycleEvent",
        p -> "load".equals(p.getString("name")) && loaderId.equals(p.getString("loaderId")));
    if (loadedLoaders.contains(loaderId)) {
      loaded.complete(new JsonObject());
    }
    try {
      await(loaded, limit, "load of " + url);
    } finally {
      waiters.removeIf(w -> w.future == loaded);
    }
  }

  /**
   * Evaluates a JS expression in the page (promises are awaited) and returns its value as
   * JSON: {@code null}, {@link String}, {@link Number}, {@link Boolean},
   * {@link JsonObject} or {@link io.vertx.core.json.JsonArray}. A thrown exception becomes a
   * {@link ChromiumException} with the JS message.
   */
  public Object evaluate(String expression) {
    JsonObject result = send("Runtime.evaluate", new JsonObject()
        .put("expression", expression)
        .put("awaitPromise", true)
        .put("returnByValue", true)
        .put("userGesture", true));
    JsonObject details = result.getJsonObject("exceptionDetails");
    if (details != null) {
      throw new ChromiumException("JS error in `" + abbreviate(expression) + "`: " + describe(details));
    }
    JsonObject remote = result.getJsonObject("result", new JsonObject());
    if ("undefined".equals(remote.getString("type"))) {
      return null;
    }
    Object value = remote.getValue("value");
    if (value == null && remote.containsKey("unserializableValue")) {
      return remote.getString("unserializableValue");
    }
    return value;
  }

  /** {@link #evaluate} converted to a string ({@code null} stays {@code null}). */
  public String evaluateString(String expression) {
    Object v = evaluate(expression);
    return v == null ? null : v.toString();
  }

  /**
   * Polls {@code jsBooleanExpression} every 50 ms until it is truthy. Evaluation errors count
   * as "not yet" (e.g. while a navigation replaces the document). Fails after {@code limit}
   * with the last error and the page's console output.
   */
  public void waitFor(String jsBooleanExpression, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    String lastError = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(evaluate("!!(" + jsBooleanExpression + ")"))) {
          return;
        }
        lastError = null;
      } catch (ChromiumException e) {
        lastError = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new ChromiumException("Timed out after " + limit.toMillis() + " ms waiting for `"
            + jsBooleanExpression + "`" + (lastError == null ? "" : "; last error: " + lastError)
            + "; page log: " + consoleAndErrors);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChromiumException("Interrupted waiting for " + jsBooleanExpression, e);
      }
    }
  }

  /** {@link #waitFor(String, Duration)} with the default timeout. */
  public void waitFor(String jsBooleanExpression) {
    waitFor(jsBooleanExpression, timeout);
  }

  /**
   * Sets the value of the input/textarea/select matching {@code selector} (replacing what was
   * there) and fires {@code input} and {@code change} events, as typing would.
   */
  public void type(String selector, String text) {
    evaluate("(() => {"
        + "const el = document.querySelector(" + jsString(selector) + ");"
        + "if (!el) throw new Error('no element for ' + " + jsString(selector) + ");"
        + "el.focus();"
        + "const proto = Object.getPrototypeOf(el);"
        + "const desc = Object.getOwnPropertyDescriptor(proto, 'value');"
        + "if (desc && desc.set) desc.set.call(el, " + jsString(text) + "); else el.value = " + jsString(text) + ";"
        + "el.dispatchEvent(new Event('input', {bubbles: true}));"
        + "el.dispatchEvent(new Event('change', {bubbles: true}));"
        + "})()");
  }

  /** Clicks the first element matching {@code selector} (via {@code element.click()}). */
  public void click(String selector) {
    evaluate("(() => {"
        + "const el = document.querySelector(" + jsString(selector) + ");"
        + "if (!el) throw new Error('no element for ' + " + jsString(selector) + ");"
        + "el.scrollIntoView({block: 'center'});"
        + "el.click();"
        + "})()");
  }

  /** The {@code textContent} of the first element matching {@code selector}, or {@code null}. */
  public String text(String selector) {
    return evaluateString("(() => { const el = document.querySelector(" + jsString(selector)
        + "); return el ? el.textContent : null; })()");
  }

  /** Writes a PNG screenshot of the viewport to {@code file} (parent folders are created). */
  public Path screenshot(Path file) {
    JsonObject result = send("Page.captureScreenshot", new JsonObject().put("format", "png"));
    byte[] png = Base64.getDecoder().decode(result.getString("data"));
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, png);
    } catch (IOException e) {
      throw new ChromiumException("Cannot write " + file, e);
    }
    return file;
  }

  /** Console messages and uncaught exceptions of the page so far (for assertion messages). */
  public List<String> pageLog() {
    return List.copyOf(consoleAndErrors);
  }

  /** The temporary profile folder ({@code --user-data-dir}); deleted by {@link #close()}. */
  public Path userDataDir() {
    return userDataDir;
  }

  /** The last lines Chromium wrote to stderr (for diagnosing start-up problems). */
  public String stderrTail() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  // ---------------------------------------------------------------- closing

  /** Closes the browser, kills the process tree and deletes the temporary profile. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      try {
        // Ask politely first; Chrome answers and then exits.
        sendAsync(null, "Browser.close", new JsonObject()).get(2, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // killed below anyway
      }
      closed = true;
      failAll(new ChromiumException("Chromium is closed"));
      try {
        process.waitFor(3, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      killTree(process);
    } finally {
      closed = true;
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort
      }
      deleteRecursively(userDataDir);
    }
  }

  private static void killTree(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(3, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteRecursively(Path dir) {
    // Child processes may still be flushing into the profile for a moment: retry a few times.
    for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.deleteIfExists(p);
          } catch (IOException ignored) {
            // retried
          }
        });
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // retried
      }
      if (Files.exists(dir)) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  // ---------------------------------------------------------------- utilities

  /** {@code s} as a JS string literal (JSON encoding is valid JS). */
  public static String jsString(String s) {
    return new io.vertx.core.json.JsonArray().add(s).encode().replaceAll("^\\[|\\]$", "");
  }

  private static String describe(JsonObject details) {
    JsonObject ex = details.getJsonObject("exception");
    if (ex != null && ex.getString("description") != null) {
      return ex.getString("description");
    }
    return details.getString("text", details.encode());
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
