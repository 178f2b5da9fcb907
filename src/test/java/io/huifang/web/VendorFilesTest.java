package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The ECharts bundle the supervisors' page imports is on the class path at the version the path names. */
class VendorFilesTest {

  @Test
  void theEchartsBundleIsOnTheClassPathAsAnEsModule() {
    String js = VendorFiles.read(VendorFiles.ECHARTS_RESOURCE).toString(StandardCharsets.UTF_8);
    assertTrue(js.length() > 500_000, "the full bundle, not a stub: " + js.length());
    assertTrue(js.contains("export{") || js.contains("export {"), "an ES module the page can import");
    assertTrue(js.contains("\"" + VendorFiles.ECHARTS_VERSION + "\""), "the version the path names");
  }
}
