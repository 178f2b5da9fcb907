package io.huifang.supervisor;

import io.huifang.dialer.DialerStatus;
import io.huifang.dialer.pacing.AbandonStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The supervisors' board across nodes (docs/cluster.md, "The board across nodes"): each node's part is what its own
 * PBXes hold (the agents' lines on them, what the dialer does on them); every node publishes its part, keeps the
 * part of every node it hears from, and builds its board from them all merged. A part travels as the rows that
 * changed since the node's last message ({@link #outgoing}), numbered: a receiver that misses a number, or hears a
 * node for the first time, asks for the whole part ({@link Heard#GAP}) and takes nothing of that node until it comes.
 * The merged rows are kept up to date row by row, so a message costs what it carries, not the board's size. A node
 * not heard from for {@link #STALE_MS} drops out: its agents leave the board (and come back under the PBX's new
 * owner). Pure, with the time given, so that the rule is tested without a cluster.
 */
final class BoardParts {
  /** A node's part counts this long after it was last heard; each node publishes at least every {@link #REPEAT_MS}. */
  static final long STALE_MS = 5_000;
  static final long REPEAT_MS = 2_000;

  /** What a message from another node did. */
  enum Heard {
    /** Taken, and the merged board changed. */
    CHANGED,
    /** Taken (the node is alive), nothing on the board changed. */
    SAME,
    /** Not taken: this node's own, malformed, or older than (or as old as) what is held. */
    IGNORED,
    /** Not taken: numbers were missed, or the node is new here; its whole part is needed ({@link LiveBoard#BOARD_RESEND}). */
    GAP
  }

  /** One node's part: the number of its last message taken, when (this node's clock) and what. */
  private static final class Part {
    long seq;
    long receivedAt;
    final Map<Long, LiveAgent> agents = new LinkedHashMap<>();
    DialerStatus.Live live;
  }

  private final String self;
  private final TreeMap<String, Part> parts = new TreeMap<>();
  /** Every node's agents merged, one row per agent, kept up to date row by row. */
  private final Map<Long, LiveAgent> merged = new LinkedHashMap<>();
  private DialerStatus.Live mergedLive;
  private boolean liveChanged = true;
  /** This node's own rows changed (or gone) since its last message, and whether its dialer's part changed. */
  private final Set<Long> unsent = new LinkedHashSet<>();
  private boolean liveUnsent = true;
  private boolean wholeNext = true;

  BoardParts(String self) {
    this.self = self;
    parts.put(self, new Part());
  }

  /** This node's own part, read now: the rows that differ from the last read are merged and wait to be sent. */
  void own(List<LiveAgent> agents, DialerStatus.Live live, long now) {
    Part mine = parts.get(self);
    mine.receivedAt = now;
    Map<Long, LiveAgent> read = new HashMap<>(agents.size() * 2);
    for (LiveAgent a : agents) {
      read.put(a.agentId(), a);
    }
    for (Long id : List.copyOf(mine.agents.keySet())) {
      if (!read.containsKey(id)) {
        mine.agents.remove(id);
        unsent.add(id);
        remerge(id);
      }
    }
    for (LiveAgent a : agents) {
      LiveAgent was = mine.agents.put(a.agentId(), a);
      if (!a.equals(was)) {
        unsent.add(a.agentId());
        remerge(a.agentId());
      }
    }
    if (!java.util.Objects.equals(mine.live, live)) {
      mine.live = live;
      liveUnsent = true;
      liveChanged = true;
    }
  }

  /** Whether this node's part changed since its last message (or another node asked for the whole part). */
  boolean ownChanged() {
    return wholeNext || liveUnsent || !unsent.isEmpty();
  }

  /** Another node asked for the whole part (it missed a message, or has just joined): the next message carries it. */
  void wholeWanted() {
    wholeNext = true;
  }

  /**
   * The next message of this node's part, numbered {@code seq} (one more than the last): the whole part when it was
   * asked for (or first), else the rows changed since the last message, the gone rows' ids, and the dialer's part
   * when it changed; with nothing changed, a message that only says the node is alive.
   */
  JsonObject outgoing(long seq) {
    Part mine = parts.get(self);
    JsonObject out;
    if (wholeNext) {
      out = toJson(self, seq, List.copyOf(mine.agents.values()), mine.live);
    } else {
      JsonArray rows = new JsonArray();
      JsonArray gone = new JsonArray();
      for (Long id : unsent) {
        LiveAgent a = mine.agents.get(id);
        if (a == null) {
          gone.add(id);
        } else {
          rows.add(row(a));
        }
      }
      out = new JsonObject().put("node", self).put("seq", seq).put("whole", false).put("agents", rows)
          .put("gone", gone);
      if (liveUnsent) {
        out.put("live", mine.live == null ? null : liveJson(mine.live));
      }
    }
    wholeNext = false;
    unsent.clear();
    liveUnsent = false;
    return out;
  }

  /** Another node's message ({@link #outgoing}, {@link #toJson}): what it did. */
  Heard received(JsonObject part, long now) {
    String node = part.getString("node");
    Long seq = part.getLong("seq");
    if (node == null || seq == null || node.equals(self)) {
      return Heard.IGNORED;
    }
    Part held = parts.get(node);
    boolean whole = part.getBoolean("whole", true);
    if (held != null && seq <= held.seq && (!whole || now - held.receivedAt < STALE_MS)) {
      return Heard.IGNORED;
    }
    if (!whole && (held == null || seq != held.seq + 1)) {
      return Heard.GAP;
    }
    if (held == null) {
      held = new Part();
      parts.put(node, held);
    }
    held.seq = seq;
    held.receivedAt = now;
    boolean changed = false;
    JsonArray rows = part.getJsonArray("agents", new JsonArray());
    if (whole) {
      Set<Long> before = new HashSet<>(held.agents.keySet());
      for (int i = 0; i < rows.size(); i++) {
        before.remove(rows.getJsonArray(i).getLong(0));
      }
      for (Long id : before) {
        held.agents.remove(id);
        remerge(id);
        changed = true;
      }
    } else {
      JsonArray gone = part.getJsonArray("gone", new JsonArray());
      for (int i = 0; i < gone.size(); i++) {
        Long id = gone.getLong(i);
        if (held.agents.remove(id) != null) {
          remerge(id);
          changed = true;
        }
      }
    }
    for (int i = 0; i < rows.size(); i++) {
      LiveAgent a = agent(rows.getJsonArray(i));
      if (!a.equals(held.agents.put(a.agentId(), a))) {
        remerge(a.agentId());
        changed = true;
      }
    }
    if (whole || part.containsKey("live")) {
      DialerStatus.Live live = live(part.getJsonObject("live"));
      if (!java.util.Objects.equals(held.live, live)) {
        held.live = live;
        liveChanged = true;
        changed = true;
      }
    }
    return changed ? Heard.CHANGED : Heard.SAME;
  }

  /** Drops the parts not heard from within {@link #STALE_MS}, their agents with them; answers whether any was. */
  boolean dropStale(long now) {
    List<String> stale = new ArrayList<>();
    parts.forEach((node, p) -> {
      if (!node.equals(self) && now - p.receivedAt >= STALE_MS) {
        stale.add(node);
      }
    });
    for (String node : stale) {
      Part p = parts.remove(node);
      p.agents.keySet().forEach(this::remerge);
      liveChanged = true;
    }
    return !stale.isEmpty();
  }

  /** The agent's merged row again, from every part holding one: an open line wins over one left closed elsewhere. */
  private void remerge(Long id) {
    LiveAgent pick = null;
    for (Part p : parts.values()) {
      LiveAgent a = p.agents.get(id);
      if (a != null && (pick == null || !pick.loggedIn())) {
        pick = a;
      }
    }
    if (pick == null) {
      merged.remove(id);
    } else {
      merged.put(id, pick);
    }
  }

  /** The nodes whose parts count now, this one included (sorted). */
  Set<String> nodes() {
    return parts.keySet();
  }

  /** Whether this node is the one, among those heard from, that records what every node sees (the board's alerts). */
  boolean recordsForAll() {
    return parts.firstKey().equals(self);
  }

  /** Every node's agents: one row per agent (an open line wins over one left closed elsewhere). */
  List<LiveAgent> agents() {
    return List.copyOf(merged.values());
  }

  /**
   * What every node's dialer does: per campaign its calls summed and its PBX shares together, the reason of the
   * share with the most working agents, lines per agent over all; per PBX each owner's line. A campaign's abandonment
   * figures: the node's with the most live-answered calls per window (each node reads the campaign's history back at
   * its start and adds its own calls, so a sum would count that history twice). Merged again only when a part's
   * dialer changed.
   */
  DialerStatus.Live live() {
    if (!liveChanged) {
      return mergedLive;
    }
    Map<Long, List<DialerStatus.CampaignLive>> byCampaign = new LinkedHashMap<>();
    List<DialerStatus.PbxLive> pbxes = new ArrayList<>();
    for (Part p : parts.values()) {
      if (p.live == null) {
        continue;
      }
      p.live.campaigns().values().forEach(c -> byCampaign.computeIfAbsent(c.campaignId(), k -> new ArrayList<>())
          .add(c));
      pbxes.addAll(p.live.pbxes());
    }
    Map<Long, DialerStatus.CampaignLive> campaigns = new LinkedHashMap<>();
    byCampaign.forEach((id, list) -> campaigns.put(id, list.size() == 1 ? list.get(0) : merged(list)));
    pbxes.sort(java.util.Comparator.comparing(DialerStatus.PbxLive::pbx));
    mergedLive = new DialerStatus.Live(campaigns, List.copyOf(pbxes));
    liveChanged = false;
    return mergedLive;
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

  /** A node's whole part as published: its name, its sequence, all its agents and its dialer. */
  static JsonObject toJson(String node, long seq, List<LiveAgent> agents, DialerStatus.Live live) {
    JsonArray a = new JsonArray();
    for (LiveAgent x : agents) {
      a.add(row(x));
    }
    return new JsonObject().put("node", node).put("seq", seq).put("whole", true).put("agents", a)
        .put("live", live == null ? null : liveJson(live));
  }

  /** An agent as a compact array (~80 bytes). */
  private static JsonArray row(LiveAgent x) {
    return new JsonArray().add(x.agentId()).add(x.pbx()).add(x.state()).add(x.since()).add(x.pauseReason())
        .add(x.campaignId()).add(x.callCampaignId()).add(x.customer());
  }

  private static LiveAgent agent(JsonArray x) {
    return new LiveAgent(x.getLong(0), x.getString(1), x.getString(2), x.getLong(3), x.getString(4),
        x.getLong(5), x.getLong(6), x.getString(7));
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
