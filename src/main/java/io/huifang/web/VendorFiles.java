package io.huifang.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser libraries served from the jars on our class path, never from a CDN: call centres often have no way out to
 * the internet, and a page must not depend on a third party's uptime. Today one: Apache ECharts (the supervisors'
 * charts), its self-contained ES-module bundle from the {@code org.mvnpm:echarts} jar.
 *
 * <p>The path names the version, so the file never changes under its name: browsers keep it for a year without
 * asking again (the page assets, which have no versions in their names, are revalidated on every load instead).
 */
final class VendorFiles {
  private static final Logger log = LoggerFactory.getLogger(VendorFiles.class);

  /** Must equal {@code echarts.version} in pom.xml (VendorFilesTest reads the bundle through this). */
  static final String ECHARTS_VERSION = "6.0.0";
  static final String ECHARTS_PATH = "/vendor/echarts-" + ECHARTS_VERSION + ".esm.min.js";
  static final String ECHARTS_RESOURCE = "META-INF/resources/_static/echarts/" + ECHARTS_VERSION
      + "/dist/echarts.esm.min.js";

  private final Vertx vertx;
  /** The bundle (1.1 MB), read from the jar once, on a worker, at the first request. */
  private Future<Buffer> echarts;

  private VendorFiles(Vertx vertx) {
    this.vertx = vertx;
  }

  static void register(Router router, Vertx vertx) {
    VendorFiles files = new VendorFiles(vertx);
    router.get(ECHARTS_PATH).handler(files::echarts);
  }

  private void echarts(RoutingContext ctx) {
    if (echarts == null) {
      echarts = vertx.executeBlocking(() -> read(ECHARTS_RESOURCE), false);
    }
    echarts.onSuccess(bytes -> ctx.response()
            .putHeader("Content-Type", "text/javascript; charset=utf-8")
            .putHeader("Cache-Control", "public, max-age=31536000, immutable")
            .end(bytes))
        .onFailure(e -> {
          log.atError().setMessage("vendor file missing from the class path").addKeyValue("resource",
              ECHARTS_RESOURCE).setCause(e).log();
          echarts = null;
          ctx.response().setStatusCode(404).end();
        });
  }

  /** The resource's bytes; blocking (class path reads go to a jar on disk). */
  static Buffer read(String resource) {
    try (InputStream in = VendorFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no " + resource + " on the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
