package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.supervisor.StateIntervals.Change;
import io.huifang.supervisor.StateIntervals.Interval;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Agent state log rows → intervals → minutes, by hand. */
class StateIntervalsTest {
  static Instant t(String hhmmss) {
    return Instant.parse("2026-11-10T" + hhmmss + "Z");
  }

  @Test
  void eachChangeLastsUntilTheAgentsNextAndIsClippedToThePeriod() {
    List<Change> log = List.of(
        new Change(1, "ready", null, t("09:00:00")),        // before the period: starts it
        new Change(1, "paused", "break", t("10:00:00")),
        new Change(1, "ready", null, t("10:15:00")),
        new Change(1, "down", null, t("10:30:00")),
        new Change(2, "paused", "meal", t("09:45:00")));     // no next row: lasts to the period's end
    List<Interval> iv = StateIntervals.intervals(log, t("09:30:00"), t("11:00:00"));
    assertEquals(List.of(
        new Interval(1, "ready", null, t("09:30:00"), t("10:00:00")),
        new Interval(1, "paused", "break", t("10:00:00"), t("10:15:00")),
        new Interval(1, "ready", null, t("10:15:00"), t("10:30:00")),
        new Interval(1, "down", null, t("10:30:00"), t("11:00:00")),
        new Interval(2, "paused", "meal", t("09:45:00"), t("11:00:00"))), iv);

    Map<Long, StateIntervals.AgentTime> per = StateIntervals.perAgent(iv);
    assertEquals(60 * 60_000L, per.get(1L).loggedInMs, "down is not logged in");
    assertEquals(Map.of("break", 15 * 60_000L), per.get(1L).pausedByReason);
    assertEquals(Map.of("ready", 45 * 60_000L, "paused", 15 * 60_000L), per.get(1L).byState);
    assertEquals(Map.of("meal", 75 * 60_000L), per.get(2L).pausedByReason);
    assertEquals(1.25, per.get(2L).loggedInHours());
  }

  @Test
  void changesAfterThePeriodAndEmptyIntervalsAreLeftOut() {
    List<Change> log = List.of(new Change(1, "ready", null, t("09:00:00")),
        new Change(1, "on_call", null, t("09:00:00")), new Change(1, "paused", null, t("12:00:00")));
    List<Interval> iv = StateIntervals.intervals(log, t("09:00:00"), t("10:00:00"));
    assertEquals(List.of(new Interval(1, "on_call", null, t("09:00:00"), t("10:00:00"))), iv);
    assertEquals(Map.of(), StateIntervals.perAgent(StateIntervals.intervals(
        List.of(new Change(1, "paused", null, t("11:00:00"))), t("09:00:00"), t("10:00:00"))));
  }

  @Test
  void aPauseWithoutAReasonCountsAsOther() {
    var per = StateIntervals.perAgent(List.of(new Interval(3, "paused", null, t("09:00:00"), t("09:06:00"))));
    assertEquals(Map.of("other", 6 * 60_000L), per.get(3L).pausedByReason);
    assertEquals(6.0, StateIntervals.minutes(per.get(3L).pausedByReason.get("other")));
  }

  @Test
  void agentsByMinuteAreAgentSecondsOverSixty() {
    List<Interval> iv = List.of(
        new Interval(1, "on_call", null, t("09:00:30"), t("09:01:30")),  // half of minute 0 and half of minute 1
        new Interval(1, "wrap_up", null, t("09:01:30"), t("09:03:00")),
        new Interval(2, "ready", null, t("09:00:00"), t("09:04:00")),
        new Interval(3, "down", null, t("09:00:00"), t("09:04:00")),     // not drawn
        new Interval(4, "paused", "break", t("09:02:00"), t("09:10:00"))); // past the last minute: cut
    Map<String, double[]> m = StateIntervals.agentsByMinute(iv, t("09:00:00"), 4);
    assertEquals(List.of("ready", "reserved", "on_call", "wrap_up", "paused"), List.copyOf(m.keySet()));
    assertArrayEquals(new double[] {1, 1, 1, 1}, m.get("ready"));
    assertArrayEquals(new double[] {0.5, 0.5, 0, 0}, m.get("on_call"));
    assertArrayEquals(new double[] {0, 0.5, 1, 0}, m.get("wrap_up"));
    assertArrayEquals(new double[] {0, 0, 1, 1}, m.get("paused"));
    assertArrayEquals(new double[] {0, 0, 0, 0}, m.get("reserved"));
  }

  @Test
  void minutesAreRoundedToATenth() {
    assertEquals(9.98, Math.round(599_000 / 600.0) / 100.0);
    assertEquals(10.0, StateIntervals.minutes(599_000));
    assertEquals(0.1, StateIntervals.minutes(3_000));
    assertEquals(0.0, StateIntervals.minutes(2_999));
  }

  @Test
  void prefixSums() {
    assertArrayEquals(new long[] {0, 1, 3, 6}, Charts.prefix(new long[] {1, 2, 3}));
  }
}
