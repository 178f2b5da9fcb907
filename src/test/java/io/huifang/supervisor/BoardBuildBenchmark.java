package io.huifang.supervisor;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CallingRules;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.dialer.DialerStatus;
import io.huifang.dialer.pacing.AbandonStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The live board's own cost per push on its event loop, at the size: {@code agents} agents (default 500) of
 * whom {@code changes} change state each second (default 50), 10 campaigns, ~1,500 calls up, database figures for
 * every agent. Each cycle builds the board, works out the alerts, diffs it against the last pushed one and encodes the
 * update, as the board does at most once a second (plus a leading-edge read). CPU time of this thread, after warm-up.
 * The hop onto the telephony context (copying the lines) is not in it.
 *
 * <p>{@code java -cp target/huifang-bench.jar io.huifang.supervisor.BoardBuildBenchmark [agents] [changes] [cycles]}
 */
public final class BoardBuildBenchmark {
  private static final String[] STATES = {"ready", "reserved", "on_call", "wrap_up", "paused"};

  private BoardBuildBenchmark() {
  }

  public static void main(String[] args) {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    SplittableRandom r = new SplittableRandom(17);
    List<Campaign> campaigns = new ArrayList<>();
    CallingRules rules = new CallingRules(ZoneId.of("Asia/Shanghai"), Map.of(), java.util.Set.of(), List.of());
    for (long c = 1; c <= 10; c++) {
      campaigns.add(new Campaign(c, "CSI " + c, Campaign.Kind.CSI, "csi-default", List.of(), rules,
          Campaign.DeadlineBasis.SERVICE_DATE, 72, 5, Campaign.DialMode.PREDICTIVE, new BigDecimal("3.00"), null,
          Campaign.RecordingPolicy.ALL, true, 15, false));
    }
    Map<Long, User> users = new HashMap<>();
    List<LiveAgent> live = new ArrayList<>();
    JsonObject agentFigures = new JsonObject();
    for (long a = 1; a <= agents; a++) {
      users.put(a, new User(a, "agent" + a, "坐席" + a, Role.AGENT, true, false, null, null));
      live.add(agent(r, a, 0));
      agentFigures.put(Long.toString(a), new JsonObject().put("today", new JsonObject().put("calls", 31)
          .put("successes", 12).put("meanHandleSeconds", 240).put("talkSeconds", 5400))
          .put("qaMonth", new JsonObject().put("score", 91.5).put("evaluations", 2)));
    }
    JsonObject figures = new JsonObject().put("campaigns", new JsonObject()).put("totals", new JsonObject())
        .put("dealers", new JsonArray()).put("agents", agentFigures);
    Alerts alerts = new Alerts((what, a) -> { });
    BoardState published = BoardState.EMPTY;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long measuredCpu = 0;
    long bytes = 0;
    int measured = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      long now = 1_800_000_000_000L + cycle * 1000L;
      for (int i = 0; i < changes; i++) {
        int k = r.nextInt(agents);
        live.set(k, agent(r, k + 1, now));
      }
      Map<Long, DialerStatus.CampaignLive> byCampaign = new LinkedHashMap<>();
      for (Campaign c : campaigns) {
        byCampaign.put(c.id(), new DialerStatus.CampaignLive(c.id(), 1.8, "predictive: within the abandon budget", "predictive",
            r.nextInt(5), 100 + r.nextInt(10), r.nextInt(3), 40, new AbandonStats().figures(now), List.of()));
      }
      DialerStatus.Live dialer = new DialerStatus.Live(byCampaign, List.of(
          new DialerStatus.PbxLive("pbx-1", true, 1000, 400, 90_000, 450)));
      long t0 = cpu.getCurrentThreadCpuTime();
      BoardState b = BoardBuilder.build(new BoardBuilder.Inputs(now, campaigns, Map.of(), dialer, List.copyOf(live),
          figures, users, Thresholds.defaults()));
      Map<String, Object> sections = new LinkedHashMap<>(b.sections());
      sections.put("alerts", alerts.update(b, now));
      b = new BoardState(b.at(), sections, b.rows());
      JsonObject changed = BoardDiff.changed(published, b);
      String encoded = new JsonObject().put("type", "sup.update").put("seq", cycle).put("at", now)
          .put("changed", changed).encode();
      published = b;
      long spent = cpu.getCurrentThreadCpuTime() - t0;
      if (cycle >= cycles / 4) {
        measuredCpu += spent;
        bytes += encoded.length();
        measured++;
      }
    }
    double msPerCycle = measuredCpu / 1e6 / measured;
    System.out.printf("agents %d, changes/s %d: %.3f ms CPU per board cycle (%.2f %% of a core at one cycle a"
        + " second, %.2f %% at two), update %.1f kB%n", agents, changes, msPerCycle, msPerCycle / 10,
        msPerCycle / 5, bytes / 1024.0 / measured);
  }

  private static LiveAgent agent(SplittableRandom r, long id, long now) {
    String state = STATES[r.nextInt(STATES.length)];
    boolean call = state.equals("on_call") || state.equals("reserved");
    return new LiveAgent(id, "pbx-1", state, now - r.nextInt(600_000), state.equals("paused") ? "break" : null,
        1L + r.nextInt(10), call ? 1L + r.nextInt(10) : null, call ? "138****" + (1000 + r.nextInt(9000)) : null);
  }
}
