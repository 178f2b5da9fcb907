package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/** The dealer's PDF, read back with PDFBox: the Chinese name, the scores and the customers' words are in its text. */
class VocPdfTest {

  static JsonObject fixture() throws IOException {
    try (InputStream in = VocPdfTest.class.getResourceAsStream("voc-fixture.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The page text with all white space removed (PDFBox may break or space CJK runs where lines wrap). */
  private static String text(byte[] pdf) throws IOException {
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      return new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
    }
  }

  @Test
  void chineseReportCarriesTheDealerTheScoresAndTheVerbatims() throws IOException {
    byte[] pdf = VocPdf.render(fixture(), false);
    assertEquals("%PDF-", new String(pdf, 0, 5, StandardCharsets.US_ASCII));
    String t = text(pdf);
    assertTrue(t.contains("上海浦东宝顺汽车销售服务有限公司"), t);
    assertTrue(t.contains("客户之声报告"), t);
    assertTrue(t.contains("8.52"), "raw score");
    assertTrue(t.contains("847.00"), "assessment score");
    assertTrue(t.contains("89.4%"), "success rate");
    assertTrue(t.contains("3/120"), "rank of all");
    assertTrue(t.contains("样本成功率低于90%"), "the deduction's rule");
    assertTrue(t.contains("3.19") && t.contains("20.00"), "the deductions' points");
    assertTrue(t.contains("样本成功率89.4%（成功42，错误样本5），低于90%每1%扣5分"), "the success rate deduction's sentence");
    assertTrue(t.contains("DMS抽查发现：客户电话重复（10分）、工单未结算（20分）；按最严重的一项扣分"),
        "the spot check's sentence names the kinds found");
    assertFalse(t.contains("errorSamples") || t.contains("duplicate_phones"), "no raw input keys");
    assertTrue(t.contains("解释所做的工作") && t.contains("7.61"), "a level-3 indicator and its score");
    assertFalse(t.contains("服务顾问8.40"), "level-2 indicators are not charted");
    assertTrue(t.contains("交车前由技术经理终检，返修车辆单独登记。"), "a suggested improvement");
    assertTrue(t.contains("空调异响修了两次还没好，希望尽快处理。"), "a complaint verbatim");
    assertTrue(t.contains("休息区可以提供充电插座&<Wi-Fi>。"), "markup in a verbatim is text");
    assertTrue(t.contains("96.0%"), "execution rate");
    assertTrue(t.contains("+54.8%"), "leading index");
    assertTrue(t.contains("851.0"), "trend");
  }

  @Test
  void englishReportKeepsTheChineseNamesAndSpeaksEnglish() throws IOException {
    byte[] pdf = VocPdf.render(fixture(), true);
    String t = text(pdf);
    assertTrue(t.contains("Voiceofthecustomer"), t);
    assertTrue(t.contains("上海浦东宝顺汽车销售服务有限公司"), t);
    assertTrue(t.contains("Assessment(of1000)") && t.contains("847.00"), t);
    assertTrue(t.contains("Successratebelow90%"), t);
    assertTrue(t.contains("Successrate89.4%(42successful,5errorsamples),5pointsper1%below90%"),
        "the success rate deduction's sentence");
    assertTrue(t.contains("DMSspotcheckfound:duplicatecustomerphones(10points),workordersleftopen(20points)"), t);
    assertFalse(t.contains("errorSamples") || t.contains("duplicate_phones"), "no raw input keys");
    assertTrue(t.contains("维修后请给我打个电话说明情况。"), "a suggestion verbatim");
    assertFalse(t.contains("样本成功率低于"), "no Chinese labels in the English report");
  }

  @Test
  void onlyNotoSansScIsEmbeddedAsASubset() throws IOException {
    byte[] pdf = VocPdf.render(fixture(), false);
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      for (var page : doc.getPages()) {
        for (var name : page.getResources().getFontNames()) {
          PDFont f = page.getResources().getFont(name);
          assertTrue(f.getName().contains("NotoSansSC"), f.getName());
          assertTrue(f.isEmbedded(), f.getName());
        }
      }
    }
    // The glyphs used, not the 10 MB font: a one-dealer report stays small.
    assertTrue(pdf.length < 400_000, "PDF of " + pdf.length + " bytes");
  }

  @Test
  void anEmptyMonthStillRenders() throws IOException {
    JsonObject empty = new JsonObject().put("dealer", new JsonObject().put("name", "空网点").put("code", "D9"))
        .put("kind", "ssi").put("month", "2026-11").put("state", "draft");
    String t = text(VocPdf.render(empty, false));
    assertTrue(t.contains("空网点"), t);
    assertTrue(t.contains("本月无指标得分") && t.contains("无扣分") && t.contains("尚无历史得分"), t);
  }
}
