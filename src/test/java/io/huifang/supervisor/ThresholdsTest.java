package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

  private static String fieldOf(JsonObject body) {
    return assertThrows(Invalid.class, () -> Thresholds.validate(body)).field();
  }

  @Test
  void theDefaultsAreValidAndKeptAsGiven() {
    assertEquals(Thresholds.defaults(), Thresholds.validate(Thresholds.defaults()));
  }

  @Test
  void badInputNamesTheField() {
    JsonObject t = Thresholds.defaults();
    t.getJsonObject("stateSeconds").put("ready", new JsonArray().add(300).add(60));
    assertEquals("stateSeconds.ready", fieldOf(t), "amber must be below red");
    t = Thresholds.defaults();
    t.getJsonObject("stateSeconds").put("wrap_up", new JsonArray().add(60));
    assertEquals("stateSeconds.wrap_up", fieldOf(t));
    t = Thresholds.defaults();
    t.getJsonObject("stateSeconds").remove("paused");
    assertEquals("stateSeconds.paused", fieldOf(t));
    t = Thresholds.defaults();
    t.getJsonObject("pauseLimits").put("lunch", 0);
    assertEquals("pauseLimits.lunch", fieldOf(t));
    t = Thresholds.defaults();
    t.getJsonObject("pauseLimits").put("break", 90.5);
    assertEquals("pauseLimits.break", fieldOf(t));
    t = Thresholds.defaults();
    t.getJsonObject("pauseLimits").put("nap", 60);
    assertEquals("pauseLimits.nap", fieldOf(t));
    t = Thresholds.defaults().put("listLowTasks", -1);
    assertEquals("listLowTasks", fieldOf(t));
    t = Thresholds.defaults().put("listLowTasks", "20");
    assertEquals("listLowTasks", fieldOf(t));
    assertEquals("stateSeconds", fieldOf(Thresholds.defaults().put("stateSeconds", "fast")));
    assertEquals("colour", fieldOf(Thresholds.defaults().put("colour", "red")));
  }

  @Test
  void aPauseReasonWithoutItsOwnLimitReadsOthers() {
    JsonObject t = Thresholds.defaults();
    assertEquals(900, Thresholds.pauseLimit(t, "break"));
    assertEquals(3600, Thresholds.pauseLimit(t, "meal"), "the desk's meal is the thresholds' lunch");
    assertEquals(600, Thresholds.pauseLimit(t, "desk_closed"));
    assertEquals(600, Thresholds.pauseLimit(t, null));
  }

  @Test
  void customersAreMasked() {
    assertEquals("138****5678", LiveAgent.mask("13812345678"));
    assertEquals("010****4567", LiveAgent.mask("010-8123-4567"));
    assertEquals("****", LiveAgent.mask("12345"));
    assertEquals(null, LiveAgent.mask(null));
  }
}
