package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.report.DealerMonth.Checks;
import io.huifang.report.DealerMonth.VolumeCheck;
import io.huifang.report.ScoringRules.AuditFinding;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deductions' sentences: the PDF's templates are the page's strings (web/assets/i18n/reports.js), and every
 * deduction DealerScoring produces reads as a sentence with no raw input key in it, in both languages.
 */
class DeductionTextTest {

  @Test
  void thePdfSaysWhatThePageSays() throws IOException {
    String text = Files.readString(Path.of("web/assets/i18n/reports.js"), StandardCharsets.UTF_8);
    String json = text.substring(text.indexOf("export default ") + "export default ".length(), text.lastIndexOf('}') + 1);
    JsonObject root = new JsonObject(json);
    List<String> differ = new ArrayList<>();
    DeductionText.TEMPLATES.forEach((key, both) -> {
      if (!both[0].equals(root.getJsonObject("zh-CN").getString(key))) {
        differ.add("zh-CN " + key);
      }
      if (!both[1].equals(root.getJsonObject("en").getString(key))) {
        differ.add("en " + key);
      }
    });
    assertEquals(List.of(), differ);
    for (AuditFinding f : AuditFinding.values()) {
      assertTrue(DeductionText.TEMPLATES.containsKey("rep.audit." + f.id), f.id);
    }
  }

  @Test
  void everyRuleOfDealerScoringReadsAsASentence() {
    ScoringRules rules = ScoringRules.DEFAULT;
    DealerScoring scoring = new DealerScoring(DealerScoringTest.Q, rules);
    DealerMonth month = new DealerMonth(1, DealerScoringTest.MONTH, DealerScoringTest.samples(8, 1), true,
        new Checks(java.util.Set.of(AuditFinding.REFUSALS, AuditFinding.MISSING_NUMBERS), VolumeCheck.NOT_SHOWN,
            List.of("P-7", "P-9")));
    var ds = scoring.score(month).deductions();
    assertEquals(List.of("success_rate", "too_few_samples", "data_audit", "volume_check", "plan_late"),
        ds.stream().map(DealerScore.Deduction::rule).toList());
    Map<String, String> zh = new java.util.LinkedHashMap<>();
    Map<String, String> en = new java.util.LinkedHashMap<>();
    for (var d : ds) {
      JsonObject api = ScoreJson.deduction(d);
      zh.put(d.rule(), DeductionText.sentence(api, false));
      en.put(d.rule(), DeductionText.sentence(api, true));
    }
    assertEquals("样本成功率 88.9%（成功 8，错误样本 1），低于 90% 每 1% 扣 5 分", zh.get("success_rate"));
    assertEquals("Success rate 88.9% (8 successful, 1 error samples), 5 points per 1% below 90%", en.get("success_rate"));
    assertEquals("名单已拨完，成功样本 8 个，少于 10 个，每少 1 个扣 100 分", zh.get("too_few_samples"));
    assertTrue(zh.get("data_audit").contains("拒访客户") && zh.get("data_audit").contains("电话号码缺失"), zh.toString());
    assertEquals("现场台次核查：未能出示台次数据，扣 50 分", zh.get("volume_check"));
    assertEquals("2 improvement plans late (P-7, P-9), " + rules.latePlanPoints() + " points each", en.get("plan_late"));
    for (String s : zh.values()) {
      assertFalse(s.matches(".*[a-z][A-Z].*|.*_.*|.*\\{.*"), "a raw key or placeholder in: " + s);
    }
    for (String s : en.values()) {
      assertFalse(s.matches(".*[a-z][A-Z].*|.*_.*|.*\\{.*"), "a raw key or placeholder in: " + s);
    }
  }
}
