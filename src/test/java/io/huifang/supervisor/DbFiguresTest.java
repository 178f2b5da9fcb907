package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.huifang.campaign.CallingRules;
import io.huifang.campaign.TimeRange;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of DbFigures: the settled mark, hang-up classes, rates, idling outside calling hours. */
class DbFiguresTest {
  @Test
  void theSettledMarkMovesInWholeStepsAtLeast65MinutesBehind() {
    Instant now = Instant.parse("2026-12-07T06:00:00Z");
    assertEquals(Instant.parse("2026-12-07T04:55:00Z"), DbFigures.settledMark(now));
    assertEquals(Instant.parse("2026-12-07T04:55:00Z"), DbFigures.settledMark(now.plusSeconds(299)));
    assertEquals(Instant.parse("2026-12-07T05:00:00Z"), DbFigures.settledMark(now.plusSeconds(300)));
    assertEquals(Instant.parse("2026-12-07T04:50:00Z"), DbFigures.settledMark(now.minusMillis(1)));
  }

  @Test
  void outcomesFoldIntoClasses() {
    assertEquals("answered", DbFigures.hangupClass("answered_human"));
    assertEquals("machine", DbFigures.hangupClass("answered_machine"));
    assertEquals("no_answer", DbFigures.hangupClass("no_answer"));
    assertEquals("unknown", DbFigures.hangupClass(null));
  }

  @Test
  void ratesAreRoundedAndNullWithNothingToDivideBy() {
    assertEquals(0.4286, DbFigures.ratio(3, 7));
    assertEquals(0.9, DbFigures.ratio(9, 10));
    assertNull(DbFigures.ratio(0, 0));
  }

  @Test
  void aCampaignOutsideItsHoursSaysWhenItDialsNext() {
    ZoneId sh = ZoneId.of("Asia/Shanghai");
    CallingRules rules = new CallingRules(sh, Map.of(DayOfWeek.MONDAY, List.of(TimeRange.parse("09:00-12:00")),
        DayOfWeek.TUESDAY, List.of(TimeRange.parse("09:00-12:00"))), Set.of(LocalDate.parse("2026-12-08")), List.of());
    JsonObject list = new JsonObject();
    DbFigures.idle(rules, Instant.parse("2026-12-07T02:00:00Z"), list); // Monday 10:00
    assertNull(list.getString("idleReason"));
    DbFigures.idle(rules, Instant.parse("2026-12-07T05:00:00Z"), list); // Monday 13:00; Tuesday is a holiday
    assertEquals("outside_hours", list.getString("idleReason"));
    assertEquals("2026-12-14T09:00:00+08:00", list.getString("nextDialAt"));
  }
}
