package io.huifang.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.remote.Command;
import org.openqa.selenium.remote.DriverCommand;
import org.openqa.selenium.remote.Response;

/**
 * The one browser driver of the tests: Selenium driving Debian's chromium through Debian's chromedriver. Both paths
 * are given, so Selenium Manager never looks for (or downloads) a browser or a driver.
 *
 * <p>Two ways in: Selenium's own ({@link #driver}, {@link #js} with a function body, real keystrokes through
 * {@code Actions}), and the page-level helpers below, which evaluate JavaScript expressions through the DevTools
 * protocol (chromedriver's {@code executeCdpCommand}): {@link #evaluate} awaits promises and returns JSON values,
 * {@link #type} sets a field's value as typing would, {@link #click}, {@link #text}, {@link #waitFor}. The page's
 * console messages and uncaught exceptions are kept for assertion messages ({@link #pageLog}).
 *
 * <pre>{@code
 * Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver");
 * try (Browser b = Browser.launch()) {
 *   b.navigate(server.url("/"));
 *   b.type("#username", "alice");
 *   b.click("#login-submit");
 *   b.waitFor("location.pathname === '/agent.html'", Duration.ofSeconds(15));
 *   b.screenshot(Path.of("target/screenshots/agent.png"));
 * }
 * }</pre>
 *
 * <p>The browser is {@code $HUIFANG_CHROMIUM} if set, else {@code /usr/bin/chromium} (then
 * {@code /usr/bin/chromium-browser}); the driver {@code $HUIFANG_CHROMEDRIVER}, else {@code /usr/bin/chromedriver}.
 * Not thread-safe: drive it from one test thread.
 */
public final class Browser implements AutoCloseable {
  /** Environment variable naming the Chromium binary to use. */
  public static final String ENV_BINARY = "HUIFANG_CHROMIUM";
  public static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("HUIFANG_CHROMEDRIVER",
      "/usr/bin/chromedriver"));
  private static final List<String> DEFAULT_BINARIES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(15);

  /** A JavaScript error in the page, or an element that is not there. */
  public static final class PageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PageException(String message) {
      super(message);
    }
  }

  public final ChromeDriver driver;
  private final Path profile;
  /** Console messages and uncaught exceptions read from chromedriver so far (it hands each out once). */
  private final List<String> pageLog = new ArrayList<>();

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** The Chromium binary {@link #launch} would use, if one exists and is executable. */
  public static Optional<Path> binary() {
    String env = System.getenv(ENV_BINARY);
    if (env != null && !env.isBlank()) {
      Path p = Paths.get(env.trim());
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    return DEFAULT_BINARIES.stream().map(Paths::get).filter(Files::isExecutable).findFirst();
  }

  /** Present when both chromium and chromedriver are installed (.ci/run installs Debian's). */
  public static boolean available() {
    return binary().isPresent() && Files.isExecutable(CHROMEDRIVER);
  }

  /** Headless at 1366x850. */
  public static Browser launch() {
    return launch(1366, 850);
  }

  public static Browser launch(int width, int height) {
    Path chromium = binary().orElseThrow(() -> new IllegalStateException(
        "no Chromium binary: set " + ENV_BINARY + " or install /usr/bin/chromium"));
    Path profile;
    try {
      profile = Files.createTempDirectory("hf-browser-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars", "--mute-audio",
        "--window-size=" + width + "," + height, "--user-data-dir=" + profile, "--lang=zh-CN");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      return new Browser(driver, profile);
    } catch (RuntimeException e) {
      ScopedExtension.deleteRecursively(profile);
      throw e;
    }
  }

  /** Opens {@code url} and waits for its load event. */
  public void navigate(String url) {
    driver.get(url);
  }

  /** Runs {@code script} as a function body (Selenium's executeScript: say {@code return} to get a value). */
  public Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Sends one DevTools command to the page (e.g. {@code Input.dispatchKeyEvent}) and returns its result. */
  public JsonObject cdp(String method, JsonObject params) {
    return new JsonObject(driver.executeCdpCommand(method, params.getMap()));
  }

  /**
   * Evaluates a JavaScript expression in the page (a promise is awaited) and returns its value as JSON:
   * {@code null}, {@link String}, {@link Number}, {@link Boolean}, {@link JsonObject} or {@link JsonArray}. A thrown
   * exception becomes a {@link PageException} with the JavaScript message.
   */
  public Object evaluate(String expression) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("expression", expression);
    params.put("awaitPromise", true);
    params.put("returnByValue", true);
    params.put("userGesture", true);
    JsonObject result = new JsonObject(driver.executeCdpCommand("Runtime.evaluate", params));
    JsonObject details = result.getJsonObject("exceptionDetails");
    if (details != null) {
      throw new PageException("JS error in `" + abbreviate(expression) + "`: " + describe(details));
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

  /** {@link #evaluate} as a string ({@code null} stays {@code null}). */
  public String evaluateString(String expression) {
    Object v = evaluate(expression);
    return v == null ? null : v.toString();
  }

  /**
   * Waits until the JavaScript expression is truthy. An expression that throws counts as "not yet" (e.g. while a
   * navigation replaces the document); the failure names the last error and the page's log.
   */
  public void waitFor(String expression, Duration limit) {
    Await.atMost(limit).until("`" + expression + "` in the page", () -> probe(expression), Probe::truthy);
  }

  /** {@link #waitFor(String, Duration)} for 15 s. */
  public void waitFor(String expression) {
    waitFor(expression, DEFAULT_WAIT);
  }

  /** One reading of a {@link #waitFor} expression; says, when printed, what the page answered. */
  private record Probe(boolean truthy, String error, List<String> pageLog) {
    @Override
    public String toString() {
      return (error == null ? "false" : "error " + error) + "; page log: " + pageLog;
    }
  }

  private Probe probe(String expression) {
    try {
      return new Probe(Boolean.TRUE.equals(evaluate("!!(" + expression + ")")), null, List.of());
    } catch (PageException | WebDriverException e) {
      return new Probe(false, e.getMessage().lines().findFirst().orElse(""), pageLog());
    }
  }

  /**
   * Sets the value of the input, textarea or select matching {@code selector} (replacing what was there) and fires
   * {@code input} and {@code change}, as typing would.
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

  /** Clicks the first element matching {@code selector} (scrolled into view, then {@code element.click()}). */
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
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /**
   * The page's console messages ({@code console.error: ...}) and uncaught exceptions ({@code exception: ...}) so
   * far, for assertion messages. Network messages (a 404 for a favicon) are not in it.
   */
  public List<String> pageLog() {
    Response r = readBrowserLog();
    if (r != null && r.getValue() instanceof List<?> entries) {
      for (Object o : entries) {
        if (o instanceof Map<?, ?> entry) {
          String line = logLine(entry);
          if (line != null) {
            pageLog.add(line);
          }
        }
      }
    }
    return List.copyOf(pageLog);
  }

  private Response readBrowserLog() {
    try {
      // Raw, because Selenium's LogEntry drops the entry's source (console, javascript, network).
      return driver.getCommandExecutor().execute(new Command(driver.getSessionId(), DriverCommand.GET_LOG,
          Map.of("type", LogType.BROWSER)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String logLine(Map<?, ?> entry) {
    String source = String.valueOf(entry.get("source"));
    String message = String.valueOf(entry.get("message"));
    String level = String.valueOf(entry.get("level"));
    if ("javascript".equals(source)) {
      return "exception: " + message;
    }
    if ("console-api".equals(source)) {
      String kind = switch (level) {
        case "SEVERE" -> "error";
        case "WARNING" -> "warning";
        case "DEBUG", "FINE" -> "debug";
        default -> "log";
      };
      return "console." + kind + ": " + message;
    }
    return null;
  }

  /** The temporary profile folder ({@code --user-data-dir}); deleted by {@link #close()}. */
  public Path userDataDir() {
    return profile;
  }

  /** Quits the browser and deletes its temporary profile. */
  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      ScopedExtension.deleteRecursively(profile);
    }
  }

  /** {@code s} as a JavaScript string literal (JSON encoding is valid JavaScript). */
  public static String jsString(String s) {
    return new JsonArray().add(s).encode().replaceAll("^\\[|\\]$", "");
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
