package io.huifang.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  @Test
  void blocksAfterTheLimitUntilTheWindowPasses() {
    LoginThrottle t = new LoginThrottle(3, Duration.ofMinutes(10), 100);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, t.retryAfterSeconds("Agent1", "10.0.0.1", 1_000));
      t.failed("agent1", "10.0.0.1", 1_000);
    }
    assertTrue(t.retryAfterSeconds("AGENT1", "10.0.0.1", 2_000) > 500, "usernames compare case-insensitively");
    assertEquals(0, t.retryAfterSeconds("agent1", "10.0.0.2", 2_000), "another address is not blocked");
    assertEquals(0, t.retryAfterSeconds("agent1", "10.0.0.1", 1_000 + 600_001));
  }

  @Test
  void successClearsAndMemoryIsBounded() {
    LoginThrottle t = new LoginThrottle(1, Duration.ofMinutes(10), 2);
    t.failed("a", "ip", 0);
    assertTrue(t.retryAfterSeconds("a", "ip", 1) > 0);
    t.succeeded("a", "ip");
    assertEquals(0, t.retryAfterSeconds("a", "ip", 1));
    t.failed("a", "ip", 0);
    t.failed("b", "ip", 0);
    t.failed("c", "ip", 0);
    assertEquals(0, t.retryAfterSeconds("a", "ip", 1), "oldest entry evicted beyond the bound");
  }
}
