package io.huifang.supervisor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Daily and weekly reports per agent or per campaign (GET /api/supervisor/reports): calls, dialled, answered,
 * connection rate, talk minutes, talk minutes per logged-in hour, successes, success rate, QA score of the period's
 * month, pause minutes by reason. Days are the centre's (its time zone); a week runs Monday to Sunday. Dialling is
 * a campaign's doing, so an agent's row has no dialled / answered; logged-in time and pauses are an agent's, so a
 * campaign's row has none.
 */
final class Reports {
  enum Period { DAY, WEEK }

  enum By { AGENT, CAMPAIGN }

  private final FiguresStore store;
  private final ZoneId zone;

  Reports(Pool pool, ZoneId zone) {
    this.store = new FiguresStore(pool);
    this.zone = zone;
  }

  /** The first and last day of the period holding {@code date}. */
  static LocalDate[] days(Period period, LocalDate date) {
    if (period == Period.DAY) {
      return new LocalDate[] {date, date};
    }
    LocalDate monday = date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    return new LocalDate[] {monday, monday.plusDays(6)};
  }

  Future<JsonObject> of(Period period, LocalDate date, By by, Instant now) {
    LocalDate[] days = days(period, date);
    Instant from = days[0].atStartOfDay(zone).toInstant();
    Instant periodEnd = days[1].plusDays(1).atStartOfDay(zone).toInstant();
    Instant to = now.isBefore(periodEnd) ? now : periodEnd;
    String month = YearMonth.from(date).toString();
    JsonObject head = new JsonObject().put("period", period.name().toLowerCase()).put("from", days[0].toString())
        .put("to", days[1].toString()).put("by", by.name().toLowerCase()).put("timeZone", zone.getId())
        .put("qaMonth", month);
    if (!to.isAfter(from)) {
      return Future.succeededFuture(head.put("pauseReasons", new JsonArray()).put("rows", new JsonArray()));
    }
    if (by == By.AGENT) {
      Future<RowSet<Row>> calls = store.query(FiguresStore.REPORT_AGENTS, from, to);
      Future<RowSet<Row>> states = store.query(FiguresStore.STATE_CHANGES, from, to);
      Future<RowSet<Row>> qa = store.query(FiguresStore.QA_MONTH, month);
      return Future.all(calls, states, qa).compose(v -> {
        Map<Long, StateIntervals.AgentTime> time = StateIntervals.perAgent(
            StateIntervals.intervals(Charts.changes(states.result()), from, to));
        return rows(head, by, calls.result(), time, qa.result());
      });
    }
    Future<RowSet<Row>> calls = store.query(FiguresStore.REPORT_CAMPAIGNS, from, to);
    Future<RowSet<Row>> qa = store.query(FiguresStore.QA_MONTH_CAMPAIGNS, month);
    return Future.all(calls, qa).compose(v -> rows(head, by, calls.result(), Map.of(), qa.result()));
  }

  private Future<JsonObject> rows(JsonObject head, By by, RowSet<Row> calls, Map<Long, StateIntervals.AgentTime> time,
                                  RowSet<Row> qa) {
    Map<Long, JsonObject> rows = new TreeMap<>();
    for (Row r : calls) {
      JsonObject row = blank(by);
      long successes = r.getLong("successes");
      long errors = r.getLong("errors");
      double talk = r.getDouble("talk");
      row.put("calls", r.getLong("calls")).put("talkMinutes", Math.round(talk / 6.0) / 10.0)
          .put("successes", successes).put("successRate", DbFigures.ratio(successes, successes + errors));
      if (by == By.CAMPAIGN) {
        row.put("dialled", r.getLong("dialled")).put("answered", r.getLong("answered"))
            .put("connectionRate", DbFigures.ratio(r.getLong("answered"), r.getLong("dialled")));
      }
      rows.put(r.getLong("id"), row);
    }
    TreeSet<String> reasons = new TreeSet<>();
    time.forEach((agent, t) -> {
      if (t.loggedInMs > 0) {
        rows.computeIfAbsent(agent, k -> blank(by));
      }
      reasons.addAll(t.pausedByReason.keySet());
    });
    for (Row r : qa) {
      JsonObject row = rows.get(r.getLong(0)); // the agent's or the campaign's id
      if (row != null) {
        row.put("qaScore", r.getDouble("score")).put("qaEvaluations", r.getLong("evaluations"));
      }
    }
    rows.forEach((id, row) -> {
      StateIntervals.AgentTime t = time.get(id);
      if (by == By.AGENT) {
        JsonObject pauses = new JsonObject();
        reasons.forEach(reason -> pauses.put(reason, 0.0));
        double hours = t == null ? 0 : t.loggedInHours();
        if (t != null) {
          t.pausedByReason.forEach((reason, ms) -> pauses.put(reason, StateIntervals.minutes(ms)));
        }
        row.put("loggedInMinutes", t == null ? 0.0 : StateIntervals.minutes(t.loggedInMs))
            .put("pauseMinutes", pauses)
            .put("talkMinutesPerLoggedInHour", hours == 0 ? null
                : Math.round(row.getDouble("talkMinutes") / hours * 10.0) / 10.0);
      }
    });
    List<Long> ids = new ArrayList<>(rows.keySet());
    String names = by == By.AGENT ? FiguresStore.AGENT_NAMES : FiguresStore.CAMPAIGN_NAMES;
    return store.query(names, (Object) ids.toArray(new Long[0])).map(rs -> {
      Map<Long, Row> byId = new TreeMap<>();
      rs.forEach(r -> byId.put(r.getLong("id"), r));
      JsonArray out = new JsonArray();
      rows.forEach((id, row) -> {
        Row n = byId.get(id);
        String key = by == By.AGENT ? "agentId" : "campaignId";
        JsonObject full = new JsonObject().put(key, id).put("name", n == null ? null : n.getString("name"));
        if (by == By.AGENT) {
          full.put("username", n == null ? null : n.getString("username"));
        }
        out.add(full.mergeIn(row));
      });
      return head.put("pauseReasons", new JsonArray(new ArrayList<>(reasons))).put("rows", out);
    });
  }

  /** A row with nothing counted yet: every column present, so pages and the workbook need no special case. */
  private static JsonObject blank(By by) {
    JsonObject row = new JsonObject().put("calls", 0L).put("dialled", null).put("answered", null)
        .put("connectionRate", null).put("talkMinutes", 0.0).put("talkMinutesPerLoggedInHour", null)
        .put("successes", 0L).put("successRate", null).put("qaScore", null).put("qaEvaluations", 0L);
    if (by == By.AGENT) {
      row.put("loggedInMinutes", 0.0).put("pauseMinutes", new JsonObject());
    } else {
      row.put("loggedInMinutes", null).put("pauseMinutes", null);
    }
    return row;
  }
}
