package io.huifang.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Injected;
import io.huifang.testsupport.WithDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sign-in throttle's counters in the database (docs/cluster.md, "Sign-in throttle per cluster"): two nodes
 * counting on the same rows answer, step by step, what one node's memory answers; guesses sent at once to both are
 * counted as they arrive.
 */
@WithDatabase(poolSize = 8)
class SharedLoginThrottleIT {
  @Injected
  Pool pool;

  <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void twoNodesAnswerWhatOneNodesMemoryAnswers() throws Exception {
    LoginThrottle oneNode = new LoginThrottle(1000);
    SharedLoginThrottle[] nodes = {new SharedLoginThrottle(pool), new SharedLoginThrottle(pool)};
    long t = System.currentTimeMillis();
    List<Long> expected = new ArrayList<>();
    List<Long> got = new ArrayList<>();
    // Wrong passwords every second, from one address, then from a second one; alternately on either node.
    for (int i = 0; i < 14; i++) {
      String ip = i < 9 ? "10.1.0.1" : "10.1.0.2";
      long now = t + i * 1000L;
      expected.add(oneNode.reserve("Amy", ip, now));
      got.add(await(nodes[i % 2].reserveAsync("amy", ip, now)));
    }
    // Five minutes on (past the longest wait): one more try, a right password, and a check that could not run.
    long later = t + 400_000;
    expected.add(oneNode.reserve("amy", "10.1.0.1", later));
    got.add(await(nodes[0].reserveAsync("amy", "10.1.0.1", later)));
    oneNode.succeeded("amy", "10.1.0.1");
    await(nodes[1].cleared("amy", "10.1.0.1"));
    for (int i = 1; i <= 3; i++) {
      expected.add(oneNode.reserve("amy", "10.1.0.1", later + i));
      got.add(await(nodes[i % 2].reserveAsync("amy", "10.1.0.1", later + i)));
    }
    oneNode.release("amy", "10.1.0.3");
    await(nodes[0].released("amy", "10.1.0.3"));
    expected.add(oneNode.reserve("amy", "10.1.0.3", later + 10));
    got.add(await(nodes[1].reserveAsync("amy", "10.1.0.3", later + 10)));
    assertEquals(expected, got);
    assertTrue(expected.stream().filter(w -> w > 0).count() >= 4, "the script reaches the waits: " + expected);
  }

  @Test
  void guessesSentAtOnceToBothNodesAreCountedAsTheyArrive() throws Exception {
    SharedLoginThrottle[] nodes = {new SharedLoginThrottle(pool), new SharedLoginThrottle(pool)};
    long now = System.currentTimeMillis();
    List<Future<Long>> guesses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      guesses.add(nodes[i % 2].reserveAsync("bob", "10.2.0.1", now));
    }
    int let = 0;
    for (Future<Long> g : guesses) {
      let += await(g) == 0 ? 1 : 0;
    }
    assertEquals(LoginThrottle.Limit.PAIR.free(), let, "the free attempts of one username at one address, no more");
  }

  @Test
  void countersLeakedEmptyArePurged() throws Exception {
    SharedLoginThrottle node = new SharedLoginThrottle(pool);
    long now = System.currentTimeMillis();
    await(node.reserveAsync("cat", "10.3.0.1", now));
    await(node.purge(now));
    assertEquals(3L, count("%cat%", "%10.3.0.1%"), "just counted: its three counters kept");
    assertTrue(await(node.purge(now + LoginThrottle.WINDOW.toMillis())) >= 3, "leaked empty a window later");
    assertEquals(0L, count("%cat%", "%10.3.0.1%"));
  }

  private long count(String user, String ip) throws Exception {
    return await(pool.preparedQuery("select count(*) from login_throttle where key like $1 or key like $2")
        .execute(Tuple.of(user, ip))).iterator().next().getLong(0);
  }
}
