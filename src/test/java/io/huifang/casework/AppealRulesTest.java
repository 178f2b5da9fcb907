package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What a dealer may appeal, once, and until when (DOMAIN.md "Appeals": once, within 3 days). */
class AppealRulesTest {
  static final AppealRules RULES = AppealRules.DEFAULT;
  static final Instant PUBLISHED = Instant.parse("2026-12-01T06:30:00Z");

  @Test
  void theWindowIsThreeDaysFromPublicationItsLastInstantIncluded() {
    Clock clock = Clock.fixed(PUBLISHED.plus(Duration.ofDays(3)), ZoneOffset.UTC);
    assertEquals(PUBLISHED.plus(Duration.ofDays(3)), RULES.closesAt(PUBLISHED));
    assertTrue(RULES.open(PUBLISHED, clock.instant()));
    assertTrue(RULES.open(PUBLISHED, PUBLISHED));
    Clock later = Clock.offset(clock, Duration.ofMillis(1));
    assertFalse(RULES.open(PUBLISHED, later.instant()));
    assertEquals(PUBLISHED.plus(Duration.ofDays(5)), new AppealRules(5, 8.0).closesAt(PUBLISHED));
  }

  @Test
  void errorSamplesLowSurveysAndComplaintsAreJudgedCalls() {
    assertEquals("error_sample", RULES.judged("error_sample", null, false));
    assertEquals("low_survey", RULES.judged("success", new BigDecimal("7.999"), false));
    assertNull(RULES.judged("success", new BigDecimal("8.000"), false), "8.0 is not below 8.0");
    assertEquals("low_survey", RULES.judged("success", new BigDecimal("9.5"), true), "it opened a complaint case");
    assertNull(RULES.judged("success", null, false));
    assertNull(RULES.judged("not_reached", null, true));
    assertEquals("low_survey", new AppealRules(3, 9.0).judged("success", new BigDecimal("8.5"), false));
  }

  @Test
  void aCallIsAppealedOnceWithinItsWindowAndTheRefusalsComeInOrder() {
    Instant inside = PUBLISHED.plus(Duration.ofDays(1));
    Instant after = PUBLISHED.plus(Duration.ofDays(4));
    assertNull(RULES.refusal("error_sample", false, PUBLISHED, inside));
    assertEquals("already_appealed", RULES.refusal("error_sample", true, PUBLISHED, inside));
    assertEquals("already_appealed", RULES.refusal("low_survey", true, PUBLISHED, after), "once is once");
    assertEquals("window_closed", RULES.refusal("low_survey", false, PUBLISHED, after));
    assertEquals("not_judged", RULES.refusal(null, true, PUBLISHED, after));
  }
}
