package io.huifang.supervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * A report (see {@link Reports}) as an XLSX workbook, one sheet, Chinese headers unless English is asked for; the
 * pause reasons seen in the period become one column each. Blocking: run it on a worker.
 */
final class ReportXlsx {
  private ReportXlsx() {
  }

  /** A column: the row's key, its Chinese and English header. */
  record Column(String key, String zh, String en) {
  }

  static final List<Column> AGENT = List.of(new Column("name", "回访员", "Agent"),
      new Column("username", "用户名", "Username"), new Column("calls", "通话数", "Calls"),
      new Column("talkMinutes", "通话分钟", "Talk minutes"),
      new Column("loggedInMinutes", "登录分钟", "Logged-in minutes"),
      new Column("talkMinutesPerLoggedInHour", "每登录小时通话分钟", "Talk minutes per logged-in hour"),
      new Column("successes", "成功样本", "Successes"), new Column("successRate", "成功率", "Success rate"),
      new Column("qaScore", "质检分（当月）", "QA score (month)"));

  static final List<Column> CAMPAIGN = List.of(new Column("name", "调研项目", "Campaign"),
      new Column("dialled", "拨打数", "Dialled"), new Column("answered", "接通数", "Answered"),
      new Column("connectionRate", "接通率", "Connection rate"), new Column("calls", "坐席通话数", "Calls"),
      new Column("talkMinutes", "通话分钟", "Talk minutes"), new Column("successes", "成功样本", "Successes"),
      new Column("successRate", "成功率", "Success rate"), new Column("qaScore", "质检分（当月）", "QA score (month)"));

  /** The desk's pause reasons in the users' words. */
  static final Map<String, String> REASONS_ZH = Map.of("break", "休息", "meal", "用餐", "training", "培训",
      "meeting", "会议", "coaching", "辅导", "technical", "技术故障", "other", "其他", "supervisor", "主管暂停");

  static List<String> headers(JsonObject report, boolean english) {
    boolean agents = "agent".equals(report.getString("by"));
    List<String> out = new ArrayList<>();
    (agents ? AGENT : CAMPAIGN).forEach(c -> out.add(english ? c.en() : c.zh()));
    if (agents) {
      for (Object r : report.getJsonArray("pauseReasons")) {
        String reason = (String) r;
        out.add(english ? "Paused: " + reason + " (min)" : "暂停·" + REASONS_ZH.getOrDefault(reason, reason) + "（分钟）");
      }
    }
    return out;
  }

  static void write(JsonObject report, boolean english, OutputStream out) throws IOException {
    boolean agents = "agent".equals(report.getString("by"));
    Workbook wb = new Workbook(out, "Huifang", "1.0");
    // The period is in the file's name; a sheet name holds at most 31 characters.
    Worksheet ws = wb.newWorksheet(english ? (agents ? "Agents" : "Campaigns") : (agents ? "回访员" : "调研项目"));
    List<String> headers = headers(report, english);
    for (int c = 0; c < headers.size(); c++) {
      ws.value(0, c, headers.get(c));
      ws.style(0, c).bold().set();
    }
    List<Column> columns = agents ? AGENT : CAMPAIGN;
    JsonArray rows = report.getJsonArray("rows");
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.getJsonObject(i);
      int row = i + 1;
      int c = 0;
      for (Column col : columns) {
        cell(ws, row, c, r.getValue(col.key()));
        if (col.key().endsWith("Rate") && r.getValue(col.key()) != null) {
          ws.style(row, c).format("0.0%").set();
        }
        c++;
      }
      if (agents) {
        JsonObject pauses = r.getJsonObject("pauseMinutes");
        for (Object reason : report.getJsonArray("pauseReasons")) {
          cell(ws, row, c++, pauses.getValue((String) reason));
        }
      }
    }
    wb.finish();
  }

  private static void cell(Worksheet ws, int row, int col, Object v) {
    if (v instanceof Number n) {
      ws.value(row, col, n);
    } else if (v != null) {
      ws.value(row, col, v.toString());
    }
  }
}
