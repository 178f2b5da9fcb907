package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  static final String DAYPART = """
      {"utcOffset": "+08:00", "sounds": {"sim/hello": 0.9},
       "populations": [{"name": "p", "match": {"prefix": "138"},
         "answer": {"default": 0.0, "byHour": [{"from": 11, "to": 14, "p": 1.0}]},
         "ring": {"dist": "uniform", "min": 2, "max": 4}, "talk": {"dist": "lognormal", "mean": 60, "sigma": 0.5},
         "customerHangsUp": 1.0}]}
      """;

  @Test
  void answerRateFollowsTheTimeOfDay() {
    Scenario s = Scenario.parse(DAYPART);
    Scenario.Plan morning = s.plan("13800138000", new SplittableRandom(1), 9);
    Scenario.Plan noon = s.plan("13800138000", new SplittableRandom(1), 12);
    assertTrue(morning.steps().contains("Hangup(19)"), morning.steps().toString());
    assertTrue(noon.steps().contains("Answer()"), noon.steps().toString());
  }

  @Test
  void sameSeedSameWorld() {
    Scenario s = Scenario.builtIn();
    List<List<String>> a = new ArrayList<>();
    List<List<String>> b = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      a.add(s.plan("1390000" + String.format("%04d", i), new SplittableRandom(42 + i), 15).steps());
      b.add(s.plan("1390000" + String.format("%04d", i), new SplittableRandom(42 + i), 15).steps());
    }
    assertEquals(a, b);
    List<List<String>> c = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      c.add(s.plan("1390000" + String.format("%04d", i), new SplittableRandom(7 + i), 15).steps());
    }
    assertNotEquals(a, c);
  }

  @Test
  void populationMixIsRoughlyAsConfigured() {
    Scenario s = Scenario.builtIn();
    int invalid = 0;
    int busy = 0;
    int answered = 0;
    int n = 5000;
    for (int i = 0; i < n; i++) {
      Scenario.Plan p = s.plan("13912345678", new SplittableRandom(i), 12);
      if (p.steps() == null) {
        invalid++;
      } else if (p.steps().contains("Busy(10)")) {
        busy++;
      } else if (p.steps().contains("Answer()")) {
        answered++;
      }
    }
    assertEquals(0.03, invalid / (double) n, 0.01);
    assertEquals(0.06, busy / (double) n, 0.015);
    // 0.70 answer rate at noon applies to what is left after invalid/busy/congestion.
    assertEquals(0.89 * 0.70, answered / (double) n, 0.03);
  }

  @Test
  void traceNumbersAreFixed() {
    Scenario s = Scenario.builtIn();
    assertEquals("Busy(10)", s.plan("3001", new SplittableRandom(1), 0).steps().get(1));
    assertNull(s.plan("9999", new SplittableRandom(1), 0).steps());
    assertTrue(s.plan("agent-101", new SplittableRandom(1), 0).steps().contains("Answer()"));
  }

  @Test
  void distributionsHaveTheirMeans() {
    SplittableRandom r = new SplittableRandom(3);
    double sumE = 0;
    double sumL = 0;
    int n = 20000;
    io.vertx.core.json.JsonObject exp = new io.vertx.core.json.JsonObject().put("dist", "exponential").put("mean", 90);
    io.vertx.core.json.JsonObject ln = new io.vertx.core.json.JsonObject().put("dist", "lognormal").put("mean", 120)
        .put("sigma", 0.6);
    for (int i = 0; i < n; i++) {
      sumE += Scenario.sample(exp, r);
      sumL += Scenario.sample(ln, r);
    }
    assertEquals(90, sumE / n, 4);
    assertEquals(120, sumL / n, 5);
  }

  @Test
  void patternsMatchLikeAsterisk() {
    assertTrue(Dialplan.matches("_1XXX", "1001"));
    assertTrue(!Dialplan.matches("_1XXX", "10012"));
    assertTrue(Dialplan.matches("_X.", "13800138000"));
    assertTrue(Dialplan.matches("_[3-4]XXX", "4001"));
    assertTrue(!Dialplan.matches("_NXX", "123"));
  }

  @Test
  void commandRejectsBadFlagsNamingThem() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = EmulatorCommand.run(new String[] {"--ami-port", "99999"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err), new java.util.concurrent.CountDownLatch(0));
    assertNotEquals(0, rc);
    assertTrue(err.toString().contains("--ami-port"), err.toString());
    assertEquals(1, err.toString().strip().lines().count());
    err.reset();
    rc = EmulatorCommand.run(new String[] {"--bogus", "1"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err), new java.util.concurrent.CountDownLatch(0));
    assertNotEquals(0, rc);
    assertTrue(err.toString().contains("--bogus"));
    assertThrows(IllegalArgumentException.class, () -> EmulatorCommand.parse(new String[] {"--speed", "0"}));
    assertEquals(20.0, EmulatorCommand.parse(new String[] {"--speed=20", "--agi-url", "none"}).speed());
    assertNull(EmulatorCommand.parse(new String[] {"--agi-url", "none"}).agiUrl());
  }
}
