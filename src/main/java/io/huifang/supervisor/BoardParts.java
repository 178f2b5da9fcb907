package io.huifang.supervisor;

import io.huifang.dialer.DialerStatus;
import io.huifang.dialer.pacing.AbandonStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The supervisors' board across nodes (docs/cluster.md, "The board across nodes"): each node's part is what its own
 * PBXes hold (the agents' lines on them, what the dialer does on them); every node publishes its part, keeps the
 * latest part of every node it hears from, and builds its board from them all merged. A node not heard from for
 * {@link #STALE_MS} drops out: its agents leave the board (and come back under the PBX's new owner). Pure, with the
 * time given, so that the rule is tested without a cluster.
 */
final class BoardParts {
  /** A node's part counts this long after it was received; each node publishes at least every {@link #REPEAT_MS}. */
  static final long STALE_MS = 5_000;
  static final long REPEAT_MS = 2_000;

  /** One node's part as received: its sequence, when (this node's clock) and what. */
  private record Part(long seq, long receivedAt, List<LiveAgent> agents, DialerStatus.Live live) {
  }

  private final String self;
  private final Map<String, Part> parts = new TreeMap<>();

  BoardParts(String self) {
    this.self = self;
  }

  /** This node's own part, read now. */
  void own(List<LiveAgent> agents, DialerStatus.Live live, long now) {
    parts.put(self, new Part(0, now, agents, live));
  }

  /**
   * Another node's part as published ({@link #toJson}): kept unless an older one of that node than the one held.
   * Answers whether it was taken.
   */
  boolean received(JsonObject part, long now) {
    String node = part.getString("node");
    Long seq = part.getLong("seq");
    if (node == null || seq == null || node.equals(self)) {
      return false;
    }
    Part held = parts.get(node);
    if (held != null && held.seq() >= seq && now - held.receivedAt() < STALE_MS) {
      return false;
    }
    parts.put(node, new Part(seq, now, agents(part.getJsonArray("agents", new JsonArray())),
        live(part.getJsonObject("live"))));
    return true;
  }

  /** Drops the parts not heard from within {@link #STALE_MS}; answers whether any was dropped. */
  boolean dropStale(long now) {
    return parts.entrySet().removeIf(e -> !e.getKey().equals(self) && now - e.getValue().receivedAt() >= STALE_MS);
  }

  /** The nodes whose parts count now, this one included (sorted). */
  Set<String> nodes() {
    return parts.keySet();
  }

  /** Whether this node is the one, among those heard from, that records what every node sees (the board's alerts). */
  boolean recordsForAll() {
    return parts.isEmpty() || ((TreeMap<String, Part>) parts).firstKey().equals(self);
  }

  /** Every node's agents: one row per agent (an open line wins over one left closed elsewhere). */
  List<LiveAgent> agents() {
    Map<Long, LiveAgent> out = new LinkedHashMap<>();
    for (Part p : parts.values()) {
      for (LiveAgent a : p.agents()) {
        LiveAgent seen = out.get(a.agentId());
        if (seen == null || !seen.loggedIn()) {
          out.put(a.agentId(), a);
        }
      }
    }
    return List.copyOf(out.values());
  }

  /**
   * What every node's dialer does: per campaign its calls summed and its PBX shares together, the reason of the
   * share with the most working agents, lines per agent over all; per PBX each owner's line. A campaign's abandonment
   * figures: the node's with the most live-answered calls per window (each node reads the campaign's history back at
   * its start and adds its own calls, so a sum would count that history twice).
   */
  DialerStatus.Live live() {
    Map<Long, List<DialerStatus.CampaignLive>> byCampaign = new LinkedHashMap<>();
    List<DialerStatus.PbxLive> pbxes = new ArrayList<>();
    for (Part p : parts.values()) {
      if (p.live() == null) {
        continue;
      }
      p.live().campaigns().values().forEach(c -> byCampaign.computeIfAbsent(c.campaignId(), k -> new ArrayList<>())
          .add(c));
      pbxes.addAll(p.live().pbxes());
    }
    Map<Long, DialerStatus.CampaignLive> campaigns = new LinkedHashMap<>();
    byCampaign.forEach((id, list) -> campaigns.put(id, list.size() == 1 ? list.get(0) : merged(list)));
    pbxes.sort(java.util.Comparator.comparing(DialerStatus.PbxLive::pbx));
    return new DialerStatus.Live(campaigns, List.copyOf(pbxes));
  }

  private static DialerStatus.CampaignLive merged(List<DialerStatus.CampaignLive> list) {
    int placing = 0;
    int ringing = 0;
    int waiting = 0;
    int talking = 0;
    int working = 0;
    int mostWorking = -1;
    DialerStatus.CampaignLive reason = list.get(0);
    AbandonStats.Figure hour = null;
    AbandonStats.Figure day = null;
    AbandonStats.Figure month = null;
    List<DialerStatus.PbxShare> shares = new ArrayList<>();
    for (DialerStatus.CampaignLive c : list) {
      placing += c.placing();
      ringing += c.ringing();
      waiting += c.answeredWaiting();
      talking += c.talking();
      int agents = 0;
      for (DialerStatus.PbxShare s : c.pbxes()) {
        agents += s.agentsWorking();
      }
      working += agents;
      if (agents > mostWorking) {
        mostWorking = agents;
        reason = c;
      }
      if (c.abandon() != null) {
        hour = most(hour, c.abandon().hour());
        day = most(day, c.abandon().day());
        month = most(month, c.abandon().month());
      }
      shares.addAll(c.pbxes());
    }
    int lines = placing + ringing + waiting + talking;
    return new DialerStatus.CampaignLive(reason.campaignId(),
        working == 0 ? 0 : Math.round(100.0 * lines / working) / 100.0, reason.why(), reason.whyCode(), placing,
        ringing, waiting, talking, hour == null ? null : new AbandonStats.Figures(hour, day, month),
        List.copyOf(shares));
  }

  private static AbandonStats.Figure most(AbandonStats.Figure a, AbandonStats.Figure b) {
    return a == null || (b != null && b.liveAnswered() > a.liveAnswered()) ? b : a;
  }

  // ---- the part on the bus ----------------------------------------------------------------------------------

  /** This node's part as published: its name, its sequence, its agents and dialer. */
  static JsonObject toJson(String node, long seq, List<LiveAgent> agents, DialerStatus.Live live) {
    JsonArray a = new JsonArray();
    for (LiveAgent x : agents) {
      a.add(new JsonArray().add(x.agentId()).add(x.pbx()).add(x.state()).add(x.since()).add(x.pauseReason())
          .add(x.campaignId()).add(x.callCampaignId()).add(x.customer()));
    }
    return new JsonObject().put("node", node).put("seq", seq).put("agents", a).put("live", live == null ? null
        : liveJson(live));
  }

  private static List<LiveAgent> agents(JsonArray a) {
    List<LiveAgent> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonArray x = a.getJsonArray(i);
      out.add(new LiveAgent(x.getLong(0), x.getString(1), x.getString(2), x.getLong(3), x.getString(4),
          x.getLong(5), x.getLong(6), x.getString(7)));
    }
    return out;
  }

  private static JsonObject liveJson(DialerStatus.Live live) {
    JsonArray campaigns = new JsonArray();
    for (DialerStatus.CampaignLive c : live.campaigns().values()) {
      JsonArray shares = new JsonArray();
      c.pbxes().forEach(s -> shares.add(new JsonObject().put("pbx", s.pbx()).put("up", s.up())
          .put("ringing", s.ringing()).put("dialled", s.dialled()).put("agentsWorking", s.agentsWorking())));
      AbandonStats.Figures f = c.abandon();
      campaigns.add(new JsonObject().put("campaignId", c.campaignId()).put("linesPerAgent", c.linesPerAgent())
          .put("why", c.why()).put("whyCode", c.whyCode()).put("placing", c.placing()).put("ringing", c.ringing())
          .put("answeredWaiting", c.answeredWaiting()).put("talking", c.talking())
          .put("abandon", f == null ? null : new JsonArray().add(figure(f.hour())).add(figure(f.day()))
              .add(figure(f.month())))
          .put("pbxes", shares));
    }
    JsonArray pbxes = new JsonArray();
    live.pbxes().forEach(p -> pbxes.add(new JsonObject().put("pbx", p.pbx()).put("up", p.up())
        .put("ringing", p.ringing()).put("talking", p.talking()).put("dialled", p.dialled())
        .put("agentsWorking", p.agentsWorking())));
    return new JsonObject().put("campaigns", campaigns).put("pbxes", pbxes);
  }

  private static JsonArray figure(AbandonStats.Figure f) {
    return new JsonArray().add(f.liveAnswered()).add(f.abandoned());
  }

  private static AbandonStats.Figure figure(JsonArray a) {
    return new AbandonStats.Figure(a.getLong(0), a.getLong(1));
  }

  private static DialerStatus.Live live(JsonObject o) {
    if (o == null) {
      return null;
    }
    Map<Long, DialerStatus.CampaignLive> campaigns = new LinkedHashMap<>();
    JsonArray cs = o.getJsonArray("campaigns", new JsonArray());
    for (int i = 0; i < cs.size(); i++) {
      JsonObject c = cs.getJsonObject(i);
      List<DialerStatus.PbxShare> shares = new ArrayList<>();
      JsonArray ss = c.getJsonArray("pbxes", new JsonArray());
      for (int j = 0; j < ss.size(); j++) {
        JsonObject s = ss.getJsonObject(j);
        shares.add(new DialerStatus.PbxShare(s.getString("pbx"), s.getBoolean("up"), s.getInteger("ringing"),
            s.getLong("dialled"), s.getInteger("agentsWorking")));
      }
      JsonArray f = c.getJsonArray("abandon");
      campaigns.put(c.getLong("campaignId"), new DialerStatus.CampaignLive(c.getLong("campaignId"),
          c.getDouble("linesPerAgent"), c.getString("why"), c.getString("whyCode"), c.getInteger("placing"),
          c.getInteger("ringing"), c.getInteger("answeredWaiting"), c.getInteger("talking"),
          f == null ? null : new AbandonStats.Figures(figure(f.getJsonArray(0)), figure(f.getJsonArray(1)),
              figure(f.getJsonArray(2))), List.copyOf(shares)));
    }
    List<DialerStatus.PbxLive> pbxes = new ArrayList<>();
    JsonArray ps = o.getJsonArray("pbxes", new JsonArray());
    for (int i = 0; i < ps.size(); i++) {
      JsonObject p = ps.getJsonObject(i);
      pbxes.add(new DialerStatus.PbxLive(p.getString("pbx"), p.getBoolean("up"), p.getInteger("ringing"),
          p.getInteger("talking"), p.getLong("dialled"), p.getInteger("agentsWorking")));
    }
    return new DialerStatus.Live(campaigns, List.copyOf(pbxes));
  }

  /**
   * This node's own share of what it read: the agents whose lines are on the PBXes it owns, the dialer's campaigns
   * on them (with only those PBXes' shares) and those PBXes. Another node's view of a PBX it does not own is not its
   * to show: the owner's part shows it.
   */
  static DialerStatus.Live owned(DialerStatus.Live live, Set<String> ownedPbxes) {
    if (live == null) {
      return null;
    }
    Map<Long, DialerStatus.CampaignLive> campaigns = new LinkedHashMap<>();
    for (DialerStatus.CampaignLive c : live.campaigns().values()) {
      List<DialerStatus.PbxShare> shares = c.pbxes().stream().filter(s -> ownedPbxes.contains(s.pbx())).toList();
      if (!shares.isEmpty()) {
        campaigns.put(c.campaignId(), new DialerStatus.CampaignLive(c.campaignId(), c.linesPerAgent(), c.why(),
            c.whyCode(), c.placing(), c.ringing(), c.answeredWaiting(), c.talking(), c.abandon(), shares));
      }
    }
    return new DialerStatus.Live(campaigns, live.pbxes().stream().filter(p -> ownedPbxes.contains(p.pbx())).toList());
  }

  static List<LiveAgent> owned(List<LiveAgent> agents, Set<String> ownedPbxes) {
    return agents.stream().filter(a -> ownedPbxes.contains(a.pbx())).toList();
  }
}
