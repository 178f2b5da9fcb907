package io.huifang.supervisor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The day's charts by minute (GET /api/supervisor/charts): connection rate, abandonment against the limit, agents by
 * state and busy share, computed from call_attempt and agent_state_log whenever asked, so a crash loses nothing.
 * The minutes run from the day's first activity (an attempt ending or an agent logged in) to its end, or to now.
 */
final class Charts {
  /** Abandonment is judged over a rolling hour, as the dialer and the regulators judge it. */
  static final int ABANDON_WINDOW_MINUTES = 60;

  private final FiguresStore store;
  private final ZoneId zone;

  Charts(Pool pool, ZoneId zone) {
    this.store = new FiguresStore(pool);
    this.zone = zone;
  }

  Future<JsonObject> of(LocalDate day, Long campaignId, Instant now) {
    Instant start = day.atStartOfDay(zone).toInstant();
    Instant dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
    Instant end = now.isBefore(dayEnd) ? now : dayEnd;
    if (!end.isAfter(start)) {
      return store.query(FiguresStore.ABANDON_LIMIT, campaignId)
          .map(l -> empty(day, campaignId, limit(l)));
    }
    Future<RowSet<Row>> attempts = store.query(FiguresStore.ATTEMPTS_BY_MINUTE,
        start.minusSeconds(ABANDON_WINDOW_MINUTES * 60L), end, campaignId, start);
    Future<RowSet<Row>> states = store.query(FiguresStore.STATE_CHANGES, start, end);
    Future<RowSet<Row>> limit = store.query(FiguresStore.ABANDON_LIMIT, campaignId);
    return Future.all(attempts, states, limit).map(v -> build(day, campaignId, start, end, attempts.result(),
        changes(states.result()), limit(limit.result())));
  }

  static List<StateIntervals.Change> changes(RowSet<Row> rows) {
    List<StateIntervals.Change> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new StateIntervals.Change(r.getLong("agent_id"), r.getString("state"), r.getString("reason"),
          r.getOffsetDateTime("at").toInstant()));
    }
    return out;
  }

  private static Double limit(RowSet<Row> rows) {
    return rows.iterator().next().getDouble("limit_share");
  }

  private JsonObject empty(LocalDate day, Long campaignId, Double limit) {
    return header(day, campaignId, limit).put("minutes", new JsonArray()).put("connectionRate", new JsonArray())
        .put("abandonRate", new JsonArray()).put("agents", new JsonObject().put("ready", new JsonArray())
            .put("reserved", new JsonArray()).put("onCall", new JsonArray()).put("wrapUp", new JsonArray())
            .put("paused", new JsonArray())).put("busyShare", new JsonArray())
        .put("dialled", new JsonArray()).put("answered", new JsonArray());
  }

  private JsonObject header(LocalDate day, Long campaignId, Double limit) {
    return new JsonObject().put("day", day.toString()).put("campaignId", campaignId).put("timeZone", zone.getId())
        .put("abandonLimit", limit);
  }

  /** upTo[i] = the sum of the first i values. */
  static long[] prefix(long[] values) {
    long[] upTo = new long[values.length + 1];
    for (int i = 0; i < values.length; i++) {
      upTo[i + 1] = upTo[i] + values[i];
    }
    return upTo;
  }

  private JsonObject build(LocalDate day, Long campaignId, Instant start, Instant end, RowSet<Row> attemptRows,
                           List<StateIntervals.Change> changes, Double limit) {
    int total = (int) ((end.toEpochMilli() - start.toEpochMilli() + 59_999) / 60_000);
    long[] dialled = new long[total];
    long[] answered = new long[total];
    // the hour before the day too, for the rolling abandonment of the day's first hour
    long[] abandoned = new long[total + ABANDON_WINDOW_MINUTES];
    long[] live = new long[total + ABANDON_WINDOW_MINUTES];
    int first = total;
    for (Row r : attemptRows) {
      int m = r.getInteger("m");
      if (m >= total) {
        continue;
      }
      abandoned[m + ABANDON_WINDOW_MINUTES] = r.getLong("abandoned");
      live[m + ABANDON_WINDOW_MINUTES] = r.getLong("live");
      if (m >= 0) {
        dialled[m] = r.getLong("dialled");
        answered[m] = r.getLong("answered");
        first = Math.min(first, m);
      }
    }
    List<StateIntervals.Interval> intervals = StateIntervals.intervals(changes, start, end);
    Map<String, double[]> agents = StateIntervals.agentsByMinute(intervals, start, total);
    for (StateIntervals.Interval iv : intervals) {
      if (StateIntervals.SERIES.contains(iv.state())) {
        first = Math.min(first, (int) ((iv.from().toEpochMilli() - start.toEpochMilli()) / 60_000));
      }
    }
    if (first >= total) {
      return empty(day, campaignId, limit);
    }
    JsonArray minutes = new JsonArray();
    JsonArray connection = new JsonArray();
    JsonArray abandon = new JsonArray();
    JsonArray busy = new JsonArray();
    JsonArray d = new JsonArray();
    JsonArray a = new JsonArray();
    JsonObject byState = new JsonObject();
    String[] keys = {"ready", "reserved", "onCall", "wrapUp", "paused"};
    for (String k : keys) {
      byState.put(k, new JsonArray());
    }
    long[] abandonedUpTo = prefix(abandoned);
    long[] liveUpTo = prefix(live);
    for (int m = first; m < total; m++) {
      // the rolling hour ending with minute m: minutes m-59 .. m, at indices m+1 .. m+60 (shifted by the hour before)
      long hourAbandoned = abandonedUpTo[m + ABANDON_WINDOW_MINUTES + 1] - abandonedUpTo[m + 1];
      long hourLive = liveUpTo[m + ABANDON_WINDOW_MINUTES + 1] - liveUpTo[m + 1];
      minutes.add(start.plusSeconds(m * 60L).atZone(zone).toLocalTime().toString());
      connection.add(DbFigures.ratio(answered[m], dialled[m]));
      abandon.add(DbFigures.ratio(hourAbandoned, hourLive));
      d.add(dialled[m]);
      a.add(answered[m]);
      double loggedIn = 0;
      for (int s = 0; s < keys.length; s++) {
        double v = agents.get(StateIntervals.SERIES.get(s))[m];
        byState.getJsonArray(keys[s]).add(v);
        loggedIn += v;
      }
      double working = agents.get("on_call")[m] + agents.get("wrap_up")[m];
      busy.add(loggedIn == 0 ? null : Math.round(working / loggedIn * 10000.0) / 10000.0);
    }
    return header(day, campaignId, limit).put("minutes", minutes).put("connectionRate", connection)
        .put("abandonRate", abandon).put("agents", byState).put("busyShare", busy).put("dialled", d)
        .put("answered", a);
  }
}
