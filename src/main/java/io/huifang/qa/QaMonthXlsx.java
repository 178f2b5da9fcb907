package io.huifang.qa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * The month summary as an XLSX workbook with Chinese headers (FastExcel): 回访员 (per agent), 质检员 (per QA user),
 * 作废 (voids). Blocking: run it on a worker.
 */
public final class QaMonthXlsx {
  private QaMonthXlsx() {
  }

  public static void write(JsonObject summary, OutputStream out) throws IOException {
    Workbook wb = new Workbook(out, "Huifang", "1.0");
    Worksheet agents = wb.newWorksheet("回访员");
    header(agents, "回访员", "抽检数", "已质检", "合格", "不合格", "平均质检分", "配额", "距配额差", "作废", "虚假提报", "信息有误");
    JsonArray a = summary.getJsonArray("agents");
    for (int i = 0; i < a.size(); i++) {
      JsonObject r = a.getJsonObject(i);
      JsonObject f = r.getJsonObject("findings");
      int row = i + 1;
      agents.value(row, 0, r.getString("agentName"));
      agents.value(row, 1, r.getLong("drawn"));
      agents.value(row, 2, r.getLong("done"));
      agents.value(row, 3, r.getLong("passed"));
      agents.value(row, 4, r.getLong("failed"));
      if (r.getDouble("meanScore") != null) {
        agents.value(row, 5, r.getDouble("meanScore"));
      }
      agents.value(row, 6, r.getInteger("quota"));
      agents.value(row, 7, r.getLong("shortOfQuota"));
      agents.value(row, 8, f.getLong("void"));
      agents.value(row, 9, f.getLong("falsified"));
      agents.value(row, 10, f.getLong("wrongInfo"));
    }
    Worksheet qa = wb.newWorksheet("质检员");
    header(qa, "质检员", "完成质检", "首次评分", "复核评分", "校准", "草稿");
    JsonArray q = summary.getJsonArray("qaUsers");
    for (int i = 0; i < q.size(); i++) {
      JsonObject r = q.getJsonObject(i);
      int row = i + 1;
      qa.value(row, 0, r.getString("name"));
      qa.value(row, 1, r.getLong("done"));
      qa.value(row, 2, r.getLong("standard"));
      qa.value(row, 3, r.getLong("rescores"));
      qa.value(row, 4, r.getLong("calibrations"));
      qa.value(row, 5, r.getLong("drafts"));
    }
    Worksheet voids = wb.newWorksheet("作废");
    header(voids, "通话", "回访员", "调研项目", "提交时间", "未调查题数", "来源");
    JsonArray v = summary.getJsonArray("voids");
    for (int i = 0; i < v.size(); i++) {
      JsonObject r = v.getJsonObject(i);
      int row = i + 1;
      voids.value(row, 0, r.getString("attemptId"));
      voids.value(row, 1, r.getString("agentName"));
      voids.value(row, 2, r.getString("campaignName"));
      voids.value(row, 3, r.getString("submittedAt"));
      if (r.getInteger("notSurveyed") != null) {
        voids.value(row, 4, r.getInteger("notSurveyed"));
      }
      voids.value(row, 5, "qa".equals(r.getString("source")) ? "质检作废" : "未调查过多");
    }
    wb.finish();
  }

  private static void header(Worksheet ws, String... names) {
    for (int c = 0; c < names.length; c++) {
      ws.value(0, c, names[c]);
      ws.style(0, c).bold().set();
    }
  }
}
