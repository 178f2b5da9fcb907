package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.report.DealerMonth.Outcome;
import io.huifang.report.DealerMonth.Sample;
import io.huifang.report.ReportStore.DealerRow;
import io.huifang.report.ReportStore.SampleRow;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the database's rows become the scoring core's samples, the month's bounds and the valid-volume check. */
class MonthSamplesTest {
  static SampleRow row(String attempt, long dealer, String outcome, boolean voided, boolean qaVoid, boolean falsified) {
    return new SampleRow(attempt, dealer, 1, "c", 2, "agent", outcome, outcome, "{\"s1\": 9}",
        voided, qaVoid, falsified, false, "csi-default", 1, OffsetDateTime.of(2026, 11, 3, 1, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void rowsBecomeSamples() {
    Sample ok = MonthService.sample(0, row("a", 1, "success", false, false, false), Set.of());
    assertEquals(Outcome.SUCCESS, ok.outcome());
    assertEquals(9, ok.answers().getInteger("s1"));
    assertFalse(ok.voided() || ok.falsified() || ok.appealedAway());
    assertTrue(MonthService.sample(1, row("b", 1, "success", false, true, false), Set.of()).voided(),
        "a QA void finding voids the sample");
    assertTrue(MonthService.sample(1, row("b", 1, "success", true, false, false), Set.of()).voided());
    assertTrue(MonthService.sample(1, row("b", 1, "success", false, false, true), Set.of()).falsified());
    assertTrue(MonthService.sample(1, row("b", 1, "success", false, false, false), Set.of("b")).appealedAway());
    Sample error = MonthService.sample(2, row("c", 1, "error_sample", false, false, false), Set.of());
    assertEquals(Outcome.ERROR_SAMPLE, error.outcome());
    assertEquals(new JsonObject(), error.answers(), "an error sample's answers are not read");
    SampleRow text = row("d", 1, "success", false, false, false);
    assertEquals("{\"s1\": 9}", text.answersJson(), "the row keeps the database's text");
    assertEquals(new JsonObject().put("s1", 9), text.answers(), "decoded when asked (on the scoring worker)");
    SampleRow none = new SampleRow("e", 1, 1, "c", 2, "agent", "success", "success", null, false, false, false, false,
        "csi-default", 1, text.submittedAt());
    assertEquals(new JsonObject(), none.answers(), "no answers: an empty object");
  }

  @Test
  void monthsAreCalendarMonthsInChinaStandardTime() {
    assertEquals(OffsetDateTime.of(2026, 10, 31, 16, 0, 0, 0, ZoneOffset.UTC).toInstant(),
        MonthService.start(YearMonth.of(2026, 11)).toInstant());
    assertEquals(OffsetDateTime.of(2026, 11, 30, 16, 0, 0, 0, ZoneOffset.UTC).toInstant(),
        MonthService.end(YearMonth.of(2026, 11)).toInstant());
    assertEquals(YearMonth.of(2026, 12), MonthService.monthOf(OffsetDateTime.of(2026, 11, 30, 16, 0, 0, 0,
        ZoneOffset.UTC).toInstant()), "midnight in Beijing is already December");
  }

  @Test
  void validVolumeCountsSuccessfulSamplesNeitherVoidNorFalsified() {
    Map<Long, DealerRow> dealers = new LinkedHashMap<>();
    dealers.put(1L, new DealerRow(1, "D1", "一", null, null, 10, 8, 0));
    dealers.put(2L, new DealerRow(2, "D2", "二", null, null, 3, 0, 3));
    List<SampleRow> samples = List.of(row("a", 1, "success", false, false, false),
        row("b", 1, "success", false, true, false), row("c", 1, "success", false, false, true),
        row("d", 1, "error_sample", false, false, false), row("e", 1, "success", false, false, false));
    JsonObject v = MonthService.volume(samples, dealers, Map.of(1L, 120));
    assertEquals(2, v.getLong("count"));
    JsonObject d1 = v.getJsonArray("rows").getJsonObject(0);
    assertEquals(new JsonObject().put("dealerId", 1L).put("code", "D1").put("name", "一").put("samples", 5)
        .put("valid", 2).put("errorSamples", 1).put("voided", 1).put("falsified", 1).put("due", 10).put("called", 8)
        .put("declaredVolume", 120), d1);
    JsonObject d2 = v.getJsonArray("rows").getJsonObject(1);
    assertEquals(0, d2.getInteger("samples"));
    assertNull(d2.getInteger("declaredVolume"));
    assertFalse(dealers.get(2L).listExhausted());
    assertTrue(dealers.get(1L).listExhausted());
  }
}
