package io.huifang.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoalescerTest {
  private final AtomicLong now = new AtomicLong(10_000);
  private final Coalescer c = new Coalescer(1000, now::get);

  @Test
  void aChangeAfterAQuietSecondGoesOutAtOnce() {
    assertEquals(Coalescer.NOW, c.changed(), "the first change ever");
    c.pushed();
    now.addAndGet(1000);
    assertEquals(Coalescer.NOW, c.changed(), "a second after the last push");
    c.pushed();
    now.addAndGet(5000);
    assertEquals(Coalescer.NOW, c.changed(), "long after");
  }

  @Test
  void changesWithinTheSecondWaitForItsEndTogether() {
    assertEquals(Coalescer.NOW, c.changed());
    c.pushed();
    now.addAndGet(300);
    assertEquals(700, c.changed(), "waits for the rest of the second");
    now.addAndGet(200);
    assertEquals(Coalescer.ALREADY_DUE, c.changed(), "a second change joins the first");
    now.addAndGet(500);
    c.dueNow();
    c.pushed();
    now.addAndGet(10);
    assertEquals(990, c.changed(), "the next second starts at the coalesced push");
  }

  @Test
  void neverTwoPushesWithinASecond() {
    long last = Long.MIN_VALUE;
    int pushes = 0;
    for (int ms = 0; ms < 10_000; ms += 7) {
      now.set(20_000 + ms);
      long wait = c.changed();
      if (wait == Coalescer.NOW) {
        if (last != Long.MIN_VALUE) {
          assertEquals(true, now.get() - last >= 1000, "pushed " + (now.get() - last) + " ms after the last");
        }
        c.pushed();
        last = now.get();
        pushes++;
      } else if (wait > 0) {
        // the timer fires at its time: simulate by jumping the loop there
        ms += (int) wait - 7;
        now.set(20_000 + ms + 7);
        c.dueNow();
        assertEquals(true, now.get() - last >= 1000);
        c.pushed();
        last = now.get();
        pushes++;
      }
    }
    assertEquals(true, pushes >= 9 && pushes <= 11, "about one push a second under constant change: " + pushes);
  }

  @Test
  void dueNowAllowsAFreshDecision() {
    c.changed();
    c.pushed();
    now.addAndGet(100);
    assertEquals(900, c.changed());
    now.addAndGet(900);
    c.dueNow();
    // the due read found nothing changed: no push; the next change goes out at once
    assertEquals(Coalescer.NOW, c.changed());
  }
}
