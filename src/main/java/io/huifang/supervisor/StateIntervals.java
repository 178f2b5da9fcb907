package io.huifang.supervisor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Agents' time by state, from desk's agent_state_log: each row starts a state that lasts until the agent's next row
 * (or the end of the period looked at). Pure: the rows come in, the minutes go out, so that the charts and the reports
 * are the log's arithmetic and nothing else. A state that runs past a crash ends at the agent's next row, written when
 * the line opens again after the restart.
 */
final class StateIntervals {
  private StateIntervals() {
  }

  /** One row of agent_state_log. */
  record Change(long agentId, String state, String reason, Instant at) {
  }

  /** The states the charts draw, in their order; the other states (opening, down) are not logged in. */
  static final List<String> SERIES = List.of("ready", "reserved", "on_call", "wrap_up", "paused");

  /** One interval of one state. */
  record Interval(long agentId, String state, String reason, Instant from, Instant to) {
    long millis() {
      return to.toEpochMilli() - from.toEpochMilli();
    }
  }

  /**
   * The intervals within [from, to), each change lasting until the same agent's next. {@code changes}: ordered by
   * agent then time, including each agent's last change before {@code from} (the state the period starts in).
   */
  static List<Interval> intervals(List<Change> changes, Instant from, Instant to) {
    List<Interval> out = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      Change c = changes.get(i);
      Change next = i + 1 < changes.size() && changes.get(i + 1).agentId() == c.agentId() ? changes.get(i + 1) : null;
      Instant start = c.at().isBefore(from) ? from : c.at();
      Instant end = next == null || next.at().isAfter(to) ? to : next.at();
      if (end.isAfter(start)) {
        out.add(new Interval(c.agentId(), c.state(), c.reason(), start, end));
      }
    }
    return out;
  }

  /**
   * Per minute from {@code from} ({@code minutes} of them), the mean number of agents in each of {@link #SERIES}
   * over that minute (agent-seconds / 60): an agent ready for the first half of a minute and on a call for the second
   * counts 0.5 in each. Rounded to hundredths.
   */
  static Map<String, double[]> agentsByMinute(List<Interval> intervals, Instant from, int minutes) {
    Map<String, double[]> ms = new LinkedHashMap<>();
    SERIES.forEach(s -> ms.put(s, new double[minutes]));
    long base = from.toEpochMilli();
    for (Interval iv : intervals) {
      double[] series = ms.get(iv.state());
      if (series == null) {
        continue;
      }
      long s = iv.from().toEpochMilli() - base;
      long e = Math.min(iv.to().toEpochMilli() - base, minutes * 60_000L);
      while (s < e) {
        int m = (int) (s / 60_000);
        long minuteEnd = (m + 1) * 60_000L;
        long upTo = Math.min(e, minuteEnd);
        series[m] += upTo - s;
        s = upTo;
      }
    }
    for (double[] series : ms.values()) {
      for (int m = 0; m < series.length; m++) {
        series[m] = Math.round(series[m] / 600.0) / 100.0;
      }
    }
    return ms;
  }

  /** One agent's period: milliseconds logged in, by state, and paused by reason. */
  static final class AgentTime {
    long loggedInMs;
    final Map<String, Long> byState = new TreeMap<>();
    final Map<String, Long> pausedByReason = new TreeMap<>();

    double loggedInHours() {
      return loggedInMs / 3_600_000.0;
    }
  }

  /** Per agent, the time in each state and paused by reason (a pause with no reason counts under "other"). */
  static Map<Long, AgentTime> perAgent(List<Interval> intervals) {
    Map<Long, AgentTime> out = new TreeMap<>();
    for (Interval iv : intervals) {
      if (!SERIES.contains(iv.state())) {
        continue;
      }
      AgentTime t = out.computeIfAbsent(iv.agentId(), k -> new AgentTime());
      t.loggedInMs += iv.millis();
      t.byState.merge(iv.state(), iv.millis(), Long::sum);
      if ("paused".equals(iv.state())) {
        t.pausedByReason.merge(iv.reason() == null ? "other" : iv.reason(), iv.millis(), Long::sum);
      }
    }
    return out;
  }

  /** Milliseconds as minutes, to a tenth. */
  static double minutes(long ms) {
    return Math.round(ms / 6000.0) / 10.0;
  }
}
