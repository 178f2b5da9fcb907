package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The improvement plan's deadlines (DOMAIN.md "Casework") and which steps are late at a given moment. */
class PlanDeadlinesTest {
  // 2026-12-01 10:00 in Shanghai
  static final Instant APPROVED = Instant.parse("2026-12-01T02:00:00Z");

  @Test
  void theMeetingIsDueThreeDaysAfterApprovalTheMinutesTwoDaysAfterTheMeetingsDay() {
    assertEquals(Instant.parse("2026-12-04T02:00:00Z"), PlanDeadlines.meetingDue(APPROVED));
    assertEquals(Instant.parse("2026-12-06T02:00:00Z"),
        PlanDeadlines.minutesDueBefore(PlanDeadlines.meetingDue(APPROVED)));
    // held on 12-03: the day ends at 12-04 00:00 Shanghai (12-03 16:00 UTC), plus two days
    assertEquals(Instant.parse("2026-12-05T16:00:00Z"), PlanDeadlines.minutesDue(LocalDate.of(2026, 12, 3)));
  }

  @Test
  void thePeriodIsAtMostAMonthAndTheResultIsDueThreeDaysAfterIt() {
    assertEquals(LocalDate.of(2027, 1, 3), PlanDeadlines.latestPeriodEnd(LocalDate.of(2026, 12, 3)));
    assertEquals(LocalDate.of(2027, 2, 28), PlanDeadlines.latestPeriodEnd(LocalDate.of(2027, 1, 31)));
    assertEquals(Instant.parse("2027-01-06T16:00:00Z"), PlanDeadlines.resultDue(LocalDate.of(2027, 1, 3)));
  }

  @Test
  void aStepNotDoneIsLateAndMissingOnlyOnceItsDueTimeHasPassed() {
    Instant due = PlanDeadlines.meetingDue(APPROVED);
    PlanDeadlines.Steps s = new PlanDeadlines.Steps(due, null, PlanDeadlines.minutesDueBefore(due), null, null, null);
    assertEquals(List.of(), s.late(due), "at the due time itself it is not late yet");
    assertEquals(List.of("meeting"), s.late(due.plusSeconds(1)));
    assertEquals(List.of("meeting"), s.missing(due.plusSeconds(1)));
    assertEquals(List.of("meeting", "minutes"), s.missing(due.plus(java.time.Duration.ofDays(2)).plusSeconds(1)));
  }

  @Test
  void aStepDoneAfterItsDueTimeStaysLateButIsNotMissing() {
    Instant due = PlanDeadlines.meetingDue(APPROVED);
    Instant held = due.plusSeconds(3600);
    LocalDate heldOn = PlanDeadlines.dayOf(held);
    PlanDeadlines.Steps s = new PlanDeadlines.Steps(due, held, PlanDeadlines.minutesDue(heldOn),
        PlanDeadlines.minutesDue(heldOn).minusSeconds(60), PlanDeadlines.resultDue(heldOn.plusDays(20)), null);
    Instant later = held.plus(java.time.Duration.ofDays(5));
    assertEquals(List.of("meeting"), s.late(later));
    assertEquals(List.of(), s.missing(later));
  }

  @Test
  void aPlanCountsInTheMonthItsLateStepFellDue() {
    Instant due = Instant.parse("2026-12-31T15:00:00Z"); // 2026-12-31 23:00 Shanghai: December
    PlanDeadlines.Steps s = new PlanDeadlines.Steps(due, null, due.plus(java.time.Duration.ofDays(2)), null, null,
        null);
    Instant dec = Instant.parse("2026-11-30T16:00:00Z");
    Instant jan = Instant.parse("2026-12-31T16:00:00Z");
    Instant feb = Instant.parse("2027-01-31T16:00:00Z");
    Instant now = Instant.parse("2027-02-10T00:00:00Z");
    assertEquals(List.of("meeting"), s.lateIn(dec, jan, now));
    assertEquals(List.of("minutes"), s.lateIn(jan, feb, now));
    // computed before the due time passed: nothing late yet
    assertEquals(List.of(), s.lateIn(dec, jan, due.minusSeconds(1)));
  }

  @Test
  void theMinutesAreKnownByTheirFirstBytes() {
    assertEquals("application/pdf", Plans.typeOf("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), 9));
    assertEquals("image/jpeg", Plans.typeOf(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00}, 4));
    assertEquals("image/png", Plans.typeOf(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 8));
    assertNull(Plans.typeOf("GIF89a..".getBytes(StandardCharsets.US_ASCII), 8));
    assertNull(Plans.typeOf("%PD".getBytes(StandardCharsets.US_ASCII), 3));
    assertNull(Plans.typeOf("<html>%PDF-".getBytes(StandardCharsets.US_ASCII), 11));
  }

  @Test
  void phonesAreMaskedForDealers() {
    assertEquals("138****5678", Portal.mask("13812345678"));
    assertEquals("****", Portal.mask("110"));
    assertNull(Portal.mask(null));
  }
}
