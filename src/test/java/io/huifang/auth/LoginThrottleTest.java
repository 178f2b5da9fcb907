package io.huifang.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.auth.LoginThrottle.Limit;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  static final long T0 = 1_000_000;

  @Test
  void fiveFreeAttemptsThenDoublingWaitsNotAHardLock() {
    LoginThrottle t = new LoginThrottle(1000);
    for (int i = 0; i < 5; i++) {
      assertEquals(0, t.reserve("Agent1", "10.0.0.1", T0), "attempt " + (i + 1) + " is free");
    }
    assertEquals(10, t.reserve("AGENT1", "10.0.0.1", T0), "usernames compare case-insensitively");
    assertEquals(0, t.reserve("agent1", "10.0.0.1", T0 + 10_000), "after the wait, one more attempt");
    assertEquals(20, t.reserve("agent1", "10.0.0.1", T0 + 10_000), "the next wait is twice as long");
    assertEquals(0, t.reserve("agent1", "10.0.0.1", T0 + 30_000));
    assertEquals(40, t.reserve("agent1", "10.0.0.1", T0 + 30_000));
    long now = T0 + 30_000;
    for (int i = 0; i < 20; i++) { // however long it goes on, a wait never exceeds the cap
      now += 300_000;
      assertEquals(0, t.reserve("agent1", "10.0.0.1", now));
      assertTrue(t.reserve("agent1", "10.0.0.1", now) <= Limit.PAIR.maxDelaySeconds());
    }
    assertEquals(0, t.reserve("agent1", "10.0.0.1", now + LoginThrottle.WINDOW.toMillis() + 1),
        "the free attempts are back a window after the last attempt");
    for (int i = 0; i < 2; i++) {
      assertEquals(0, t.reserve("agent1", "10.0.0.1", now + LoginThrottle.WINDOW.toMillis() + 1));
    }
  }

  @Test
  void aBusyOfficeBehindOneAddressNeverFillsItsBucket() {
    // 500 sign-ins over a day from one proxy address, a minute apart; every fifth person mistypes once first.
    LoginThrottle t = new LoginThrottle(10_000);
    long now = T0;
    for (int i = 0; i < 500; i++) {
      String agent = "agent" + i;
      if (i % 5 == 0) {
        assertEquals(0, t.reserve(agent, "10.9.9.9", now), "sign-in " + i + " (a typo)");
        now += 5_000;
      }
      assertEquals(0, t.reserve(agent, "10.9.9.9", now), "sign-in " + i);
      t.succeeded(agent, "10.9.9.9");
      now += 60_000;
    }
  }

  @Test
  void parallelGuessesAreCountedBeforeAnyPasswordIsChecked() throws Exception {
    // 60 guesses arrive together; none has finished its hash check when the others ask.
    LoginThrottle t = new LoginThrottle(1000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger allowed = new AtomicInteger();
    for (int i = 0; i < 60; i++) {
      pool.execute(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (t.reserve("victim", "10.0.0.9", T0) == 0) {
          allowed.incrementAndGet();
        }
      });
    }
    start.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(Limit.PAIR.free(), allowed.get(), "only the free attempts are checked");
  }

  @Test
  void sprayingManyUsernamesFromOneAddressIsSlowedDown() {
    LoginThrottle t = new LoginThrottle(1000);
    int allowed = 0;
    long wait = 0;
    for (int i = 0; i < 100; i++) {
      wait = t.reserve("user" + i, "10.0.0.66", T0);
      if (wait == 0) {
        allowed++;
      }
    }
    assertEquals(Limit.ADDRESS.free(), allowed, "the address's free attempts, then waits");
    assertEquals(10, wait);
    assertEquals(0, t.reserve("user1", "10.0.0.67", T0), "another address is not held back by this one");
  }

  @Test
  void someoneElsesFailuresHoldTheRealUserBackAtMostTheUserCap() {
    LoginThrottle t = new LoginThrottle(10_000);
    // Guesses at one user from 200 addresses (a botnet, or many people behind many proxies).
    long now = T0;
    for (int i = 0; i < 200; i++) {
      long wait = t.reserve("boss", "10.1." + (i / 250) + "." + (i % 250), now);
      now += wait * 1000; // each address waits as told, then guesses
      if (wait > 0) {
        assertEquals(0, t.reserve("boss", "10.1." + (i / 250) + "." + (i % 250), now));
      }
    }
    long realUserWait = t.reserve("boss", "192.168.1.5", now);
    assertTrue(realUserWait <= Limit.USER.maxDelaySeconds(), "the real user waits at most the cap: " + realUserWait);
    assertEquals(0, t.reserve("boss", "192.168.1.5", now + realUserWait * 1000));
    // ... and the real user's own address and pair counters were untouched: the right password signs in.
    t.succeeded("boss", "192.168.1.5");
  }

  @Test
  void theRightPasswordTakesItsAttemptBackAndClearsThePair() {
    LoginThrottle t = new LoginThrottle(1000);
    for (int i = 0; i < 4; i++) {
      assertEquals(0, t.reserve("a", "ip", T0));
    }
    assertEquals(0, t.reserve("a", "ip", T0));
    t.succeeded("a", "ip");
    for (int i = 0; i < 5; i++) {
      assertEquals(0, t.reserve("a", "ip", T0), "the pair starts again after a success");
    }
    t.release("a", "ip");
    assertEquals(0, t.reserve("a", "ip", T0), "an attempt that could not be checked does not count");
    assertTrue(t.reserve("a", "ip", T0) > 0);
  }

  @Test
  void memoryIsBounded() {
    LoginThrottle t = new LoginThrottle(Limit.PAIR, new Limit(1000, 1), new Limit(1000, 1), Duration.ofMinutes(10), 6);
    // (no time passes here: nothing leaks)
    for (int i = 0; i < 5; i++) {
      t.reserve("a", "ip", T0);
    }
    assertTrue(t.reserve("a", "ip", T0) > 0);
    t.reserve("b", "ip2", T0);
    t.reserve("c", "ip3", T0);
    assertEquals(0, t.reserve("a", "ip", T0), "oldest entries evicted beyond the bound");
  }
}
