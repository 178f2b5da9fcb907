package io.huifang.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Selenium driving Debian's chromium through Debian's chromedriver: both paths are given, so Selenium Manager never
 * looks for (or downloads) a browser or a driver.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("HUIFANG_CHROMEDRIVER",
      "/usr/bin/chromedriver"));

  public final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Present when both chromium and chromedriver are installed (.ci/run installs Debian's). */
  public static boolean available() {
    return Chromium.binary().isPresent() && Files.isExecutable(CHROMEDRIVER);
  }

  public static Browser launch(int width, int height) throws Exception {
    Optional<Path> chromium = Chromium.binary();
    Path profile = Files.createTempDirectory("hf-selenium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.orElseThrow().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--window-size=" + width + "," + height, "--user-data-dir=" + profile,
        "--lang=zh-CN");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return new Browser(driver, profile);
  }

  /** Waits until the JavaScript expression is true. */
  public void waitFor(String js, Duration d) {
    long until = System.nanoTime() + d.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < until) {
      try {
        if (Boolean.TRUE.equals(driver.executeScript("return !!(" + js + ")"))) {
          return;
        }
      } catch (org.openqa.selenium.JavascriptException e) {
        last = e; // the page is between documents (a reload)
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + js, e);
      }
    }
    throw new AssertionError("timed out waiting for " + js, last);
  }

  public Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  public Path screenshot(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() throws Exception {
    try {
      driver.quit();
    } finally {
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
