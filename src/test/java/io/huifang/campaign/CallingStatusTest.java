package io.huifang.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** "Outside calling hours, next dial at …" on the campaigns page: {@link Campaign#callingJson}. */
class CallingStatusTest {
  private static final Campaign WEEKDAYS = Campaign.fromJson(new JsonObject().put("name", "售后回访").put("kind", "csi")
      .put("dealerIds", new JsonArray().add(1)).put("timeZone", "Asia/Shanghai")
      .put("callingHours", new JsonObject().put("mon", new JsonArray().add("09:00-12:00").add("13:00-20:00"))
          .put("fri", new JsonArray().add("09:00-20:00")))
      .put("holidays", new JsonArray().add("2026-12-07")), null);

  @Test
  void insideTheHoursSaysSoAndNamesNoNextTime() {
    JsonObject c = WEEKDAYS.callingJson(Instant.parse("2026-12-04T02:00:00Z")); // Friday 10:00 in Shanghai
    assertTrue(c.getBoolean("now"));
    assertFalse(c.containsKey("nextAt"));
  }

  @Test
  void outsideTheHoursNamesTheNextOpeningPastWeekendAndHoliday() {
    // Friday 20:30 in Shanghai; Monday 7 December is a holiday: the next dial is Friday 11 December at 09:00.
    JsonObject c = WEEKDAYS.callingJson(Instant.parse("2026-12-04T12:30:00Z"));
    assertFalse(c.getBoolean("now"));
    assertEquals("2026-12-11T01:00:00Z", c.getString("nextAt"));
    assertEquals("Asia/Shanghai", c.getString("timeZone"));
  }

  @Test
  void theLunchBreakIsOutsideTooUntilOne() {
    JsonObject c = WEEKDAYS.callingJson(Instant.parse("2026-11-30T04:30:00Z")); // Monday 12:30
    assertFalse(c.getBoolean("now"));
    assertEquals("2026-11-30T05:00:00Z", c.getString("nextAt"));
  }
}
