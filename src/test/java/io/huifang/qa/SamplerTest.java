package io.huifang.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.qa.Sampler.Call;
import io.huifang.qa.Sampler.Decision;
import io.huifang.qa.Sampler.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties of the month's draw, over many random months and seeds. */
class SamplerTest {
  static final int MONTHS = 300;

  /** A random month: agents with 0–120 calls over random days, several campaigns, random flags. */
  static List<Call> randomMonth(SplittableRandom r, int days) {
    int agents = 1 + r.nextInt(25);
    int campaigns = 1 + r.nextInt(4);
    int[] campaignStart = new int[campaigns];
    int[] campaignQuota = new int[campaigns];
    for (int c = 0; c < campaigns; c++) {
      campaignStart[c] = r.nextInt(4) == 0 ? 1 + r.nextInt(days) : -5; // most started before the month
      campaignQuota[c] = r.nextInt(5) == 0 ? 3 + r.nextInt(3) : 2;
    }
    double[] levels = {0.30, 0.10, 0.05, 0.0};
    List<Call> calls = new ArrayList<>();
    List<Integer> order = new ArrayList<>();
    for (int a = 1; a <= agents; a++) {
      int n = r.nextInt(6) == 0 ? r.nextInt(3) : r.nextInt(121);
      double share = levels[r.nextInt(levels.length)];
      // some agents work the whole month, some only a few days of it
      int from = r.nextInt(3) == 0 ? 1 + r.nextInt(days) : 1;
      int to = r.nextInt(3) == 0 ? from + r.nextInt(days - from + 1) : days;
      for (int i = 0; i < n; i++) {
        int c = r.nextInt(campaigns);
        int day = from + r.nextInt(to - from + 1);
        boolean success = r.nextInt(10) < 8;
        boolean first = day >= campaignStart[c] && day < campaignStart[c] + 2;
        calls.add(new Call("A" + a + "-" + i + "-" + r.nextInt(1_000_000), a, c + 1, day, success,
            success && r.nextInt(40) == 0, success && r.nextInt(30) == 0, success && r.nextInt(50) == 0,
            r.nextInt(60) == 0, first, share, campaignQuota[c]));
        order.add(r.nextInt());
      }
    }
    // eligible in the order of their day, shuffled within a day
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      idx.add(i);
    }
    idx.sort(Comparator.<Integer>comparingInt(i -> calls.get(i).day()).thenComparing(order::get));
    return idx.stream().map(calls::get).toList();
  }

  static List<Decision> run(long seed, int days, List<Call> calls) {
    Sampler s = new Sampler(seed, days);
    calls.forEach(s::decide);
    s.close();
    return List.copyOf(s.decisions());
  }

  @Test
  void everyAgentWithEnoughEligibleCallsGetsTheirQuotaAndTheRulesAlwaysPull() {
    SplittableRandom r = new SplittableRandom(16);
    for (int m = 0; m < MONTHS; m++) {
      int days = 28 + r.nextInt(4);
      long seed = r.nextLong();
      List<Call> calls = randomMonth(r, days);
      List<Decision> d = run(seed, days, calls);
      assertEquals(calls.size(), d.size());
      Map<Long, int[]> perAgent = new HashMap<>(); // eligible, sampled eligible, quota
      for (int i = 0; i < calls.size(); i++) {
        Call c = calls.get(i);
        Decision x = d.get(i);
        assertEquals(c.attemptId(), x.attemptId());
        int month = m;
        java.util.function.Supplier<String> where = () -> "month " + month + " seed " + seed + " call " + c;
        if (c.voidSurvey()) {
          assertEquals(0, x.reasons(), "a void survey is never sampled: " + where);
          continue;
        }
        if (c.firstDays()) {
          assertTrue(x.sampled() && x.reasonIds().contains("first_days"), () -> "first days: every call, " + where.get());
        }
        if (c.needsReview()) {
          assertTrue(x.reasonIds().contains("needs_review"), where);
        }
        if (c.complaint()) {
          assertTrue(x.reasonIds().contains("complaint"), where);
        }
        if (c.suspicious()) {
          assertTrue(x.reasonIds().contains("suspicious"), where);
        }
        if (x.reasonIds().contains("skill_share")) {
          assertTrue(c.success() && !c.firstDays(), where);
        }
        if (c.success()) {
          int[] t = perAgent.computeIfAbsent(c.agentId(), k -> new int[3]);
          t[0]++;
          t[1] += x.sampled() ? 1 : 0;
          t[2] = Math.max(t[2], c.quota());
        }
      }
      for (var e : perAgent.entrySet()) {
        int[] t = e.getValue();
        assertTrue(t[1] >= Math.min(t[0], t[2]), "agent " + e.getKey() + " in month " + m + ": " + t[1]
            + " sampled of " + t[0] + " eligible, quota " + t[2]);
      }
    }
  }

  @Test
  void theSameSeedAndCallsDrawTheSameSamples() {
    SplittableRandom r = new SplittableRandom(7);
    for (int m = 0; m < MONTHS; m++) {
      int days = 28 + r.nextInt(4);
      long seed = r.nextLong();
      List<Call> calls = randomMonth(r, days);
      assertEquals(run(seed, days, calls), run(seed, days, calls), "month " + m);
    }
    // and another seed draws differently (a month large enough for the quota to be a real draw)
    SplittableRandom big = new SplittableRandom(99);
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      calls.add(new Call("X" + i, 1 + i % 10, 1, 1 + i * 30 / 3000, true, false, false, false, false, false, 0.1, 2));
    }
    assertNotEquals(run(big.nextLong(), 30, calls), run(big.nextLong(), 30, calls));
  }

  @Test
  void theQuotaIsSpreadOverTheMonthNotLeftToItsEnd() {
    // agents working every day of the month, several calls a day: their quota samples fall all over the month
    int lastDay = 0;
    int atClose = 0;
    int total = 0;
    int[] thirds = new int[3];
    SplittableRandom r = new SplittableRandom(3);
    for (int m = 0; m < 200; m++) {
      long seed = r.nextLong();
      List<Call> calls = new ArrayList<>();
      for (int day = 1; day <= 30; day++) {
        for (int agent = 1; agent <= 20; agent++) {
          for (int k = 0; k < 4; k++) {
            calls.add(new Call(m + "-" + day + "-" + agent + "-" + k, agent, 1, day, true, false, false, false, false,
                false, 0, 2));
          }
        }
      }
      Sampler s = new Sampler(seed, 30);
      List<Decision> live = new ArrayList<>();
      calls.forEach(c -> live.add(s.decide(c)));
      List<Decision> topUps = s.close();
      atClose += topUps.size();
      for (int i = 0; i < calls.size(); i++) {
        if (live.get(i).sampled()) {
          total++;
          int day = calls.get(i).day();
          lastDay += day == 30 ? 1 : 0;
          thirds[(day - 1) / 10]++;
        }
      }
      total += topUps.size();
      for (var a : s.agents().values()) {
        assertEquals(2, a.byReason(Reason.QUOTA), "exactly the quota, no more, when no rule pulls");
      }
    }
    assertEquals(200 * 20 * 2, total);
    assertTrue(atClose < total * 0.10, "left to the month's close: " + atClose + " of " + total);
    assertTrue(lastDay < total * 0.10, "on the last day: " + lastDay + " of " + total);
    for (int t : thirds) {
      assertTrue(t > total * 0.15, "samples per third of the month: " + java.util.Arrays.toString(thirds));
    }
  }

  @Test
  void theSkillShareIsDrawnAtTheLevelsRate() {
    SplittableRandom r = new SplittableRandom(5);
    for (double share : new double[] {0.30, 0.10, 0.05}) {
      int pulled = 0;
      int n = 40_000;
      Sampler s = new Sampler(r.nextLong(), 30);
      for (int i = 0; i < n; i++) {
        Decision d = s.decide(new Call("S" + i, i % 50, 1, 1 + i * 30 / n, true, false, false, false, false, false,
            share, 0));
        pulled += d.reasonIds().contains("skill_share") ? 1 : 0;
      }
      assertEquals(share, (double) pulled / n, 0.01, "share " + share);
    }
  }

  @Test
  void anAgentShortOfEligibleCallsHasAllOfThemAndIsOwedTheRest() {
    Sampler s = new Sampler(1, 31);
    s.decide(new Call("a1", 9, 1, 3, true, false, false, false, false, false, 0, 2));
    s.decide(new Call("a2", 9, 1, 4, true, false, true, false, false, false, 0, 2)); // void
    s.decide(new Call("a3", 9, 1, 5, false, false, false, false, false, false, 0, 2)); // not a success
    s.close();
    Sampler.AgentTally t = s.agents().get(9L);
    assertEquals(1, t.eligible());
    assertEquals(1, t.voids());
    assertEquals(1, t.owed());
    assertEquals(List.of("quota"), s.decisions().get(0).reasonIds());
    assertEquals(0, s.decisions().get(1).reasons());
    assertEquals(0, s.decisions().get(2).reasons());
    assertEquals(1, t.sampled());
  }

  @Test
  void aCallPulledByTwoRulesIsOneSample() {
    Sampler s = new Sampler(1, 30);
    s.decide(new Call("b1", 3, 1, 1, true, true, false, true, false, true, 0, 2));
    assertEquals(List.of("needs_review", "complaint", "first_days"), s.decisions().get(0).reasonIds());
    assertEquals(1, s.agents().get(3L).sampled());
    assertEquals(1, s.agents().get(3L).byReason(Reason.COMPLAINT));
    assertEquals(1, s.agents().get(3L).owed());
  }

  @Test
  void theDrawIsFixedForASeedAndAttempt() {
    // the stored draws must mean the same on every machine and in every later version
    assertEquals(Sampler.draw(42, "att-1", 0), Sampler.draw(42, "att-1", 0));
    assertNotEquals(Sampler.draw(42, "att-1", 0), Sampler.draw(42, "att-1", 1));
    assertNotEquals(Sampler.draw(42, "att-1", 0), Sampler.draw(43, "att-1", 0));
    double sum = 0;
    for (int i = 0; i < 100_000; i++) {
      double u = Sampler.draw(7, "c" + i, 0);
      assertTrue(u >= 0 && u < 1);
      sum += u;
    }
    assertEquals(0.5, sum / 100_000, 0.005);
  }
}
