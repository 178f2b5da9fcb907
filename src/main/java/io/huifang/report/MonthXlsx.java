package io.huifang.report;

import io.huifang.report.ReportStore.SampleRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * The month's exports as XLSX with Chinese headers (FastExcel): the ranking (排名, with 扣分明细: every deduction's
 * rule, points and inputs) and the raw samples (样本). Blocking: run on a worker.
 */
public final class MonthXlsx {
  private MonthXlsx() {
  }

  /** The ranking as {@link MonthService#ranking} answers it. */
  public static void ranking(JsonObject ranking, OutputStream out) throws IOException {
    Workbook wb = new Workbook(out, "Huifang", "1.0");
    Worksheet ws = wb.newWorksheet("排名");
    header(ws, "排名", "区域排名", "网点编号", "网点名称", "区域", "集团", "原始得分", "考核得分", "成功率", "样本数", "成功样本",
        "错误样本", "作废", "虚假提报", "申诉成功", "扣分合计", "环比");
    Worksheet ded = wb.newWorksheet("扣分明细");
    header(ded, "网点编号", "网点名称", "扣分项", "扣分", "依据");
    JsonArray dealers = ranking.getJsonArray("dealers");
    int dr = 1;
    for (int i = 0; i < dealers.size(); i++) {
      JsonObject d = dealers.getJsonObject(i);
      int row = i + 1;
      put(ws, row, 0, d.getInteger("rank"));
      put(ws, row, 1, d.getInteger("regionRank"));
      ws.value(row, 2, d.getString("code"));
      ws.value(row, 3, d.getString("name"));
      ws.value(row, 4, d.getString("region"));
      ws.value(row, 5, d.getString("group"));
      put(ws, row, 6, d.getDouble("raw"));
      put(ws, row, 7, d.getDouble("assessment"));
      put(ws, row, 8, d.getDouble("successRate"));
      put(ws, row, 9, d.getInteger("samples"));
      put(ws, row, 10, d.getInteger("successful"));
      put(ws, row, 11, d.getInteger("errorSamples"));
      put(ws, row, 12, d.getInteger("voided"));
      put(ws, row, 13, d.getInteger("falsified"));
      put(ws, row, 14, d.getInteger("appealedAway"));
      double sum = 0;
      for (Object o : d.getJsonArray("deductions")) {
        JsonObject x = (JsonObject) o;
        sum += x.getDouble("points");
        ded.value(dr, 0, d.getString("code"));
        ded.value(dr, 1, d.getString("name"));
        ded.value(dr, 2, x.getString("rule"));
        ded.value(dr, 3, x.getDouble("points"));
        ded.value(dr, 4, x.getJsonObject("inputs").encode());
        dr++;
      }
      ws.value(row, 15, Math.round(sum * 100) / 100.0);
      put(ws, row, 16, d.getDouble("monthOnMonth"));
    }
    wb.finish();
  }

  /** Every sample of the month: the call, its dealer, what it came to and what QA found, its answers. */
  public static void samples(List<SampleRow> samples, Map<Long, JsonObject> dealers, OutputStream out)
      throws IOException {
    Workbook wb = new Workbook(out, "Huifang", "1.0");
    Worksheet ws = wb.newWorksheet("样本");
    header(ws, "通话", "网点编号", "网点名称", "调研项目", "回访员", "提交时间", "结果", "处理结果", "作废", "质检作废", "虚假提报",
        "信息有误", "问卷", "答案");
    for (int i = 0; i < samples.size(); i++) {
      SampleRow s = samples.get(i);
      JsonObject d = dealers.getOrDefault(s.dealerId(), new JsonObject());
      int row = i + 1;
      ws.value(row, 0, s.attemptId());
      ws.value(row, 1, d.getString("code"));
      ws.value(row, 2, d.getString("name"));
      ws.value(row, 3, s.campaignName());
      ws.value(row, 4, s.agentName());
      ws.value(row, 5, s.submittedAt().atZoneSameInstant(MonthService.ZONE).toLocalDateTime().toString());
      ws.value(row, 6, "success".equals(s.outcome()) ? "成功" : "错误样本");
      ws.value(row, 7, s.disposition());
      ws.value(row, 8, s.voided() ? "是" : "否");
      ws.value(row, 9, s.qaVoid() ? "是" : "否");
      ws.value(row, 10, s.falsified() ? "是" : "否");
      ws.value(row, 11, s.wrongInfo() ? "是" : "否");
      ws.value(row, 12, s.questionnaireKey() + " v" + s.questionnaireVersion());
      ws.value(row, 13, s.answersJson() == null ? "{}" : s.answersJson());
    }
    wb.finish();
  }

  private static void put(Worksheet ws, int r, int c, Number v) {
    if (v != null) {
      ws.value(r, c, v);
    }
  }

  private static void header(Worksheet ws, String... names) {
    for (int c = 0; c < names.length; c++) {
      ws.value(0, c, names[c]);
      ws.style(0, c).bold().set();
    }
  }
}
