package io.huifang.supervisor;

import io.huifang.campaign.CallingRules;
import io.huifang.campaign.Campaign;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The board's work on one node of a cluster per agent-state event (docs/cluster.md, "The board across nodes"):
 * {@code agents} agents (default 1,000) split over {@code nodes} nodes' parts (default 3), 10 campaigns, database
 * figures for every agent; a stream of {@code events} events, each one agent of a random node changing state, each
 * read alone (events far enough apart that nothing coalesces: what every node did after every agent-state and
 * attempt-end event of every node). Measured on one node (the observer), the CPU time of this thread per event: the
 * sending node's work on its part and the observer's on receiving it and on its board. Three ways, in turn in each
 * run, each from a fresh state with a warm-up:
 *
 * <ul>
 *   <li>{@code whole}: as main did before session 13: the sender encodes its whole part (and compares it with the
 *   last one sent), the observer decodes and merges it, reads its own part the same way, then builds the board of
 *   every agent (every row built), works out the alerts and diffs it against the last one (every row compared);</li>
 *   <li>{@code rows, page open}: the sender sends the rows changed since its last message, the observer merges them,
 *   builds the board with the unchanged agents' rows kept, the alerts, the diff;</li>
 *   <li>{@code rows, no page}: the same with no supervisor page on the observer: the part merged, no board built
 *   (the node that records the alerts builds one a second: printed apart).</li>
 * </ul>
 *
 * <p>Not in it: the hop onto the telephony context that copies the lines (the same in all three), and the
 * event bus's own work beyond encoding and decoding the message.
 *
 * <p>{@code java -cp target/huifang-bench.jar io.huifang.supervisor.BoardAcrossNodesBenchmark [agents] [nodes]
 * [events] [runs]}
 */
public final class BoardAcrossNodesBenchmark {
  private static final String[] STATES = {"ready", "reserved", "on_call", "wrap_up", "paused"};
  private static final int OBSERVER = 1;

  private enum Way { WHOLE, ROWS_PAGE, ROWS_NO_PAGE }

  private BoardAcrossNodesBenchmark() {
  }

  public static void main(String[] args) {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int events = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Way[] ways = Way.values();
    // A fifth argument runs one way only (to profile it): whole, page or nopage.
    String only = args.length > 4 ? args[4] : null;
    double[][] perEvent = new double[ways.length][runs];
    double[][] bytes = new double[ways.length][runs];
    double[] tick = new double[runs];
    for (int run = 0; run < runs; run++) {
      for (Way w : ways) {
        if (only != null && !only.equals(new String[] {"whole", "page", "nopage"}[w.ordinal()])) {
          continue;
        }
        Cluster c = new Cluster(agents, nodes, 17 + run);
        c.events(w, events / 2); // warm-up
        long spent = c.events(w, events);
        perEvent[w.ordinal()][run] = spent / 1e3 / events;
        bytes[w.ordinal()][run] = (double) c.wireBytes / c.messages;
        if (w == Way.ROWS_NO_PAGE) {
          tick[run] = c.recorderTick(50) / 1e3 / 50;
        }
      }
      System.out.printf("run %d: whole %.1f µs/event, rows with a page %.1f µs, rows without %.1f µs;"
              + " ratio whole/rows %.1f× (page) %.1f× (no page); part message %.0f B whole, %.0f B rows;"
              + " the recorder's build a second %.0f µs%n", run + 1, perEvent[0][run], perEvent[1][run],
          perEvent[2][run], perEvent[0][run] / perEvent[1][run], perEvent[0][run] / perEvent[2][run],
          bytes[0][run], bytes[1][run], tick[run]);
    }
    double[] ratioPage = new double[runs];
    double[] ratioNoPage = new double[runs];
    for (int run = 0; run < runs; run++) {
      ratioPage[run] = perEvent[0][run] / perEvent[1][run];
      ratioNoPage[run] = perEvent[0][run] / perEvent[2][run];
    }
    System.out.printf("medians over %d runs (%d agents, %d nodes, %d events a run): whole %.1f µs/event,"
            + " rows with a page %.1f µs, rows without %.1f µs; ratios %.1f× and %.1f×; the recorder's build a"
            + " second %.0f µs%n", runs, agents, nodes, events, median(perEvent[0]), median(perEvent[1]),
        median(perEvent[2]), median(ratioPage), median(ratioNoPage), median(tick));
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Every node's lines and dialer, the parts of the senders and the observer, and the observer's board. */
  private static final class Cluster {
    final SplittableRandom r;
    final int nodes;
    final List<List<LiveAgent>> lines = new ArrayList<>();
    final List<DialerStatus.Live> dialers = new ArrayList<>();
    final BoardParts[] parts;
    final long[] seq;
    final JsonObject[] lastWhole;
    final List<Campaign> campaigns = new ArrayList<>();
    final Map<Long, User> users = new HashMap<>();
    final JsonObject figures;
    final JsonObject thresholds = Thresholds.defaults();
    final BoardBuilder.Rows rows = new BoardBuilder.Rows();
    final Alerts alerts = new Alerts((what, a) -> { });
    BoardState published = BoardState.EMPTY;
    long now = 1_800_000_000_000L;
    long wireBytes;
    long messages;
    /** Keeps the results alive, so that no work is optimised away. */
    long sink;

    Cluster(int agents, int nodes, long seed) {
      this.r = new SplittableRandom(seed);
      this.nodes = nodes;
      this.parts = new BoardParts[nodes];
      this.seq = new long[nodes];
      this.lastWhole = new JsonObject[nodes];
      CallingRules rules = new CallingRules(ZoneId.of("Asia/Shanghai"), Map.of(), java.util.Set.of(), List.of());
      for (long c = 1; c <= 10; c++) {
        campaigns.add(new Campaign(c, "CSI " + c, Campaign.Kind.CSI, "csi-default", List.of(), rules,
            Campaign.DeadlineBasis.SERVICE_DATE, 72, 5, Campaign.DialMode.PREDICTIVE, new BigDecimal("3.00"), null,
            Campaign.RecordingPolicy.ALL, true, 15, false));
      }
      JsonObject agentFigures = new JsonObject();
      for (int n = 0; n < nodes; n++) {
        lines.add(new ArrayList<>());
        parts[n] = new BoardParts("node" + (n + 1));
        Map<Long, DialerStatus.CampaignLive> byCampaign = new LinkedHashMap<>();
        for (Campaign c : campaigns) {
          byCampaign.put(c.id(), new DialerStatus.CampaignLive(c.id(), 1.8, "predictive: within the abandon budget",
              "predictive", r.nextInt(5), 30 + r.nextInt(10), r.nextInt(3), 13, new AbandonStats().figures(now),
              List.of(new DialerStatus.PbxShare("pbx" + (n + 1), true, 35, 30_000, 15))));
        }
        dialers.add(new DialerStatus.Live(byCampaign, List.of(new DialerStatus.PbxLive("pbx" + (n + 1), true, 350,
            130, 30_000, 150))));
      }
      for (long a = 1; a <= agents; a++) {
        users.put(a, new User(a, "agent" + a, "坐席" + a, Role.AGENT, true, false, null, null));
        int n = (int) ((a - 1) % nodes);
        lines.get(n).add(agent(n, a));
        agentFigures.put(Long.toString(a), new JsonObject().put("today", new JsonObject().put("calls", 31)
            .put("successes", 12).put("meanHandleSeconds", 240).put("talkSeconds", 5400))
            .put("qaMonth", new JsonObject().put("score", 91.5).put("evaluations", 2)));
      }
      figures = new JsonObject().put("campaigns", new JsonObject()).put("totals", new JsonObject())
          .put("dealers", new JsonArray()).put("agents", agentFigures);
      // Every node's whole part once, as at the start, and a first board on the observer.
      for (int n = 0; n < nodes; n++) {
        parts[n].own(lines.get(n), dialers.get(n), now);
        JsonObject whole = parts[n].outgoing(++seq[n]);
        lastWhole[n] = whole;
        if (n != OBSERVER) {
          parts[OBSERVER].received(new JsonObject(whole.encode()), now);
        }
      }
      published = build(true);
    }

    private LiveAgent agent(int node, long id) {
      String state = STATES[r.nextInt(STATES.length)];
      boolean call = state.equals("on_call") || state.equals("reserved");
      return new LiveAgent(id, "pbx" + (node + 1), state, now - r.nextInt(600_000),
          state.equals("paused") ? "break" : null, 1L + r.nextInt(10), call ? 1L + r.nextInt(10) : null,
          call ? "138****" + (1000 + r.nextInt(9000)) : null);
    }

    /** {@code count} events the given way; answers the CPU time they took (ns). */
    long events(Way way, int count) {
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      long spent = 0;
      wireBytes = 0;
      messages = 0;
      for (int i = 0; i < count; i++) {
        now += 300;
        int n = r.nextInt(nodes);
        List<LiveAgent> its = lines.get(n);
        int k = r.nextInt(its.size());
        its.set(k, agent(n, its.get(k).agentId()));
        long t0 = cpu.getCurrentThreadCpuTime();
        if (way == Way.WHOLE) {
          wholeEvent(n);
        } else {
          rowsEvent(n, way == Way.ROWS_PAGE);
        }
        spent += cpu.getCurrentThreadCpuTime() - t0;
      }
      return spent;
    }

    /** Main before session 13: every read sends and takes whole parts and builds and diffs the whole board. */
    private void wholeEvent(int n) {
      if (n != OBSERVER) {
        JsonObject whole = wholePart(n);
        String wire = whole.encode();
        wireBytes += wire.length();
        messages++;
        parts[OBSERVER].received(new JsonObject(wire), now);
      }
      // The observer read its own part after the event too (the events are heard on every node), and compared it.
      wholePart(OBSERVER);
      BoardState board = build(false);
      sink += BoardDiff.changed(published, board) == null ? 0 : 1;
      published = board;
    }

    /** A node's whole part as main built it each read: every row, compared with the last one sent. */
    private JsonObject wholePart(int n) {
      parts[n].own(lines.get(n), dialers.get(n), now);
      parts[n].outgoing(0); // the rows since the last message are not what main sent: cleared, not counted below
      JsonObject whole = BoardParts.toJson("node" + (n + 1), ++seq[n], lines.get(n), dialers.get(n));
      sink += whole.getValue("agents").equals(lastWhole[n].getValue("agents")) ? 0 : 1;
      lastWhole[n] = whole;
      return whole;
    }

    private void rowsEvent(int n, boolean pageOpen) {
      if (n != OBSERVER) {
        parts[n].own(lines.get(n), dialers.get(n), now);
        String wire = parts[n].outgoing(++seq[n]).encode();
        wireBytes += wire.length();
        messages++;
        parts[OBSERVER].received(new JsonObject(wire), now);
      }
      parts[OBSERVER].own(lines.get(OBSERVER), dialers.get(OBSERVER), now);
      if (parts[OBSERVER].ownChanged()) {
        sink += parts[OBSERVER].outgoing(++seq[OBSERVER]).encode().length();
      }
      if (pageOpen) {
        BoardState board = build(true);
        sink += BoardDiff.changed(published, board) == null ? 0 : 1;
        published = board;
      }
    }

    /** What the node recording the alerts does once a second with no page open: build, alerts; no diff. */
    long recorderTick(int ticks) {
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      long spent = 0;
      for (int i = 0; i < ticks; i++) {
        now += 1000;
        long t0 = cpu.getCurrentThreadCpuTime();
        sink += build(true).rows().size();
        spent += cpu.getCurrentThreadCpuTime() - t0;
      }
      return spent;
    }

    /** The observer's board from every part merged, with the alerts; its rows kept or all built anew. */
    private BoardState build(boolean keepRows) {
      BoardParts mine = parts[OBSERVER];
      BoardBuilder.Inputs in = new BoardBuilder.Inputs(now, campaigns, Map.of(), mine.live(), mine.agents(), figures,
          users, thresholds);
      BoardState b = keepRows ? BoardBuilder.build(in, rows) : BoardBuilder.build(in);
      Map<String, Object> sections = new LinkedHashMap<>(b.sections());
      sections.put("alerts", alerts.update(b, now));
      return new BoardState(b.at(), sections, b.rows());
    }
  }
}
