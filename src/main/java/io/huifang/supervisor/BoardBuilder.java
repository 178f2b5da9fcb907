package io.huifang.supervisor;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.core.User;
import io.huifang.dialer.DialerStatus;
import io.huifang.dialer.pacing.AbandonStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code <Board>} (docs/supervisor-api.md) from what the live board gathered: the active campaigns and
 * their pauses, what the dialer does, the agents' lines, the database's figures (a part missing is {@code null},
 * never made up) and the users' names. Pure: the same inputs give an equal board.
 */
final class BoardBuilder {
  /** Everything a board is built from, read at {@code now}. */
  record Inputs(long now, List<Campaign> campaigns, Map<Long, CampaignStore.Pause> pauses, DialerStatus.Live dialer,
                List<LiveAgent> agents, JsonObject figures, Map<Long, User> users, JsonObject thresholds) {
  }

  private static final String[] AGENT_STATES = {"ready", "reserved", "on_call", "wrap_up", "paused"};
  private static final String[] AGENT_KEYS = {"ready", "reserved", "onCall", "wrapUp", "paused"};

  private BoardBuilder() {
  }

  /** The board's sections and rows; its alerts are added by {@link Alerts}. */
  static BoardState build(Inputs in) {
    return build(in, null);
  }

  /**
   * The same, with the rows of the agents whose line did not change since the last build taken from {@code rows}
   * (the same objects, which {@link BoardDiff} then passes over without comparing): building a row costs what a
   * changed agent costs, not the board's size.
   */
  static BoardState build(Inputs in, Rows rows) {
    Map<String, Object> sections = new LinkedHashMap<>();
    sections.put("timeZone", in.campaigns().isEmpty() ? Campaign.DEFAULT_ZONE
        : in.campaigns().get(0).rules().zone().getId());
    // The zone whose days the charts and reports count (SupervisorReportRoutes: the centre's), for the pages' "today":
    // the first campaign's zone above may differ (a campaign in UTC: from 16:00 UTC the page asked for the wrong day).
    sections.put("dayZone", Campaign.DEFAULT_ZONE);
    sections.put("thresholds", in.thresholds());
    JsonObject figures = in.figures() == null ? new JsonObject() : in.figures();
    JsonObject campaignFigures = figures.getJsonObject("campaigns", new JsonObject());
    Map<Long, int[]> agentCounts = agentCounts(in);
    Map<Long, Integer> talking = talking(in);
    JsonArray campaigns = new JsonArray();
    int[] calls = new int[3];
    for (Campaign c : in.campaigns()) {
      DialerStatus.CampaignLive live = in.dialer() == null ? null : in.dialer().campaigns().get(c.id());
      JsonObject f = campaignFigures.getJsonObject(Long.toString(c.id()), new JsonObject());
      JsonObject campaign = campaign(c, in.pauses().get(c.id()), live, f, agentCounts.get(c.id()),
          talking.getOrDefault(c.id(), 0));
      campaigns.add(campaign);
      if (live != null) {
        calls[0] += live.placing();
        calls[1] += live.ringing();
        calls[2] += live.answeredWaiting();
      }
    }
    sections.put("campaigns", campaigns);
    JsonObject totalsFigures = figures.getJsonObject("totals", new JsonObject());
    sections.put("totals", new JsonObject()
        .put("calls", new JsonObject().put("placing", calls[0]).put("ringing", calls[1])
            .put("answeredWaiting", calls[2]).put("talking", talking.getOrDefault(null, 0)))
        .put("agents", agents(agentCounts.get(null)))
        .put("abandon", totalAbandon(in))
        .put("connection", totalsFigures.getValue("connection"))
        .put("machines", totalsFigures.getValue("machines"))
        .put("hangupCauses", totalsFigures.getValue("hangupCauses")));
    JsonArray pbxes = new JsonArray();
    if (in.dialer() != null) {
      for (DialerStatus.PbxLive p : in.dialer().pbxes()) {
        pbxes.add(new JsonObject().put("pbx", p.pbx()).put("up", p.up()).put("ringing", p.ringing())
            .put("talking", p.talking()).put("dialled", p.dialled()).put("agentsWorking", p.agentsWorking()));
      }
    }
    sections.put("pbxes", pbxes);
    sections.put("dealers", figures.getJsonArray("dealers", new JsonArray()));
    // casework's counts (issue 20): null until the figures have answered
    sections.put("casework", figures.getValue("casework"));
    JsonObject agentFigures = figures.getJsonObject("agents", new JsonObject());
    return new BoardState(in.now(), sections, rows == null ? rows(in, agentFigures) : rows.rows(in, agentFigures));
  }

  /**
   * The rows of the last build by agent, kept by the live board: a row is built again only for an agent whose line
   * changed, or for all when what every row shows besides the line changed (the figures, the thresholds, the names:
   * {@link #namesChanged}).
   */
  static final class Rows {
    private Map<Long, LiveAgent> agents = Map.of();
    private Map<Long, JsonObject> rows = Map.of();
    private Object figures;
    private Object thresholds;
    private boolean namesChanged = true;

    /** A user's name was learnt or changed: every row is built again at the next build. */
    void namesChanged() {
      namesChanged = true;
    }

    private Map<Long, JsonObject> rows(Inputs in, JsonObject agentFigures) {
      boolean all = namesChanged || figures != in.figures() || thresholds != in.thresholds();
      namesChanged = false;
      figures = in.figures();
      thresholds = in.thresholds();
      Map<Long, LiveAgent> nextAgents = new LinkedHashMap<>(in.agents().size() * 2);
      Map<Long, JsonObject> next = new LinkedHashMap<>(in.agents().size() * 2);
      for (LiveAgent a : in.agents()) {
        LiveAgent was = agents.get(a.agentId());
        JsonObject row = all || (was != a && !a.equals(was)) ? null : rows.get(a.agentId());
        next.put(a.agentId(), row != null ? row : row(in, a, agentFigures));
        nextAgents.put(a.agentId(), a);
      }
      agents = nextAgents;
      rows = next;
      return next;
    }
  }

  private static JsonObject campaign(Campaign c, CampaignStore.Pause pause, DialerStatus.CampaignLive live,
                                     JsonObject f, int[] agents, int talking) {
    double limit = c.abandonTarget().doubleValue() / 100.0;
    JsonArray shares = new JsonArray();
    if (live != null) {
      for (DialerStatus.PbxShare s : live.pbxes()) {
        shares.add(new JsonObject().put("pbx", s.pbx()).put("up", s.up()).put("ringing", s.ringing())
            .put("dialled", s.dialled()).put("agentsWorking", s.agentsWorking()));
      }
    }
    AbandonStats.Figures a = live == null ? null : live.abandon();
    return new JsonObject().put("campaignId", c.id()).put("name", c.name()).put("kind", Campaign.id(c.kind()))
        .put("mode", Campaign.id(c.dialMode())).put("abandonTarget", limit)
        .put("paused", pause != null).put("pausedBy", pause == null ? null : pause.by())
        .put("pausedAt", pause == null ? null : pause.at().toEpochMilli())
        .put("linesPerAgent", live == null ? 0.0 : live.linesPerAgent())
        .put("why", why(c, pause, live))
        .put("whyCode", pause != null ? "paused" : c.dialMode() == Campaign.DialMode.PREVIEW ? "preview"
            : live == null ? "starting" : live.whyCode())
        .put("calls", new JsonObject().put("placing", live == null ? 0 : live.placing())
            .put("ringing", live == null ? 0 : live.ringing())
            .put("answeredWaiting", live == null ? 0 : live.answeredWaiting()).put("talking", talking))
        .put("agents", agents(agents))
        .put("connection", f.getValue("connection"))
        .put("abandon", new JsonObject().put("hour", figure(a == null ? null : a.hour()))
            .put("day24h", figure(a == null ? null : a.day())).put("days30", figure(a == null ? null : a.month()))
            .put("limit", limit))
        .put("machines", f.getValue("machines"))
        .put("list", f.getValue("list"))
        .put("callbackRate", f.getValue("callbackRate"))
        .put("hangupCauses", f.getValue("hangupCauses"))
        .put("pbxes", shares);
  }

  /** Why the campaign dials as it does: the pacer's reason, or why it does not dial at all. */
  private static String why(Campaign c, CampaignStore.Pause pause, DialerStatus.CampaignLive live) {
    if (pause != null) {
      return "paused by " + pause.by();
    }
    if (c.dialMode() == Campaign.DialMode.PREVIEW) {
      return "preview: agents dial";
    }
    if (live == null) {
      return "starting";
    }
    return live.why();
  }

  /**
   * Abandonment over every campaign the dialer dials, per window (the sums of abandoned and live-answered), against
   * the strictest limit of the active campaigns; windows null when none is dialled.
   */
  private static JsonObject totalAbandon(Inputs in) {
    long[] sums = new long[6];
    boolean any = false;
    if (in.dialer() != null) {
      for (DialerStatus.CampaignLive live : in.dialer().campaigns().values()) {
        AbandonStats.Figures f = live.abandon();
        any = true;
        sums[0] += f.hour().liveAnswered();
        sums[1] += f.hour().abandoned();
        sums[2] += f.day().liveAnswered();
        sums[3] += f.day().abandoned();
        sums[4] += f.month().liveAnswered();
        sums[5] += f.month().abandoned();
      }
    }
    Double limit = null;
    for (Campaign c : in.campaigns()) {
      double l = c.abandonTarget().doubleValue() / 100.0;
      limit = limit == null ? l : Math.min(limit, l);
    }
    return new JsonObject()
        .put("hour", any ? figure(new AbandonStats.Figure(sums[0], sums[1])) : null)
        .put("day24h", any ? figure(new AbandonStats.Figure(sums[2], sums[3])) : null)
        .put("days30", any ? figure(new AbandonStats.Figure(sums[4], sums[5])) : null)
        .put("limit", limit);
  }

  private static JsonObject figure(AbandonStats.Figure f) {
    return f == null ? null : new JsonObject().put("rate", f.rate()).put("abandoned", f.abandoned())
        .put("liveAnswered", f.liveAnswered());
  }

  private static JsonObject agents(int[] n) {
    int[] counts = n == null ? new int[AGENT_KEYS.length + 1] : n;
    JsonObject o = new JsonObject().put("loggedIn", counts[0]);
    for (int i = 0; i < AGENT_KEYS.length; i++) {
      o.put(AGENT_KEYS[i], counts[i + 1]);
    }
    return o;
  }

  /**
   * Agents by state per campaign (key null: the totals, each agent once). An agent on a call counts for the call's
   * campaign; otherwise for the campaign they chose, or for every campaign when they chose none. One pass over the
   * agents: those who chose none are counted once and added to every campaign at the end.
   */
  private static Map<Long, int[]> agentCounts(Inputs in) {
    Map<Long, int[]> out = new HashMap<>();
    java.util.Set<Long> active = new java.util.HashSet<>();
    for (Campaign c : in.campaigns()) {
      active.add(c.id());
    }
    int[] any = null;
    for (LiveAgent a : in.agents()) {
      if (!a.loggedIn()) {
        continue;
      }
      count(out.computeIfAbsent(null, k -> new int[AGENT_KEYS.length + 1]), a.state());
      Long only = a.callCampaignId() != null ? a.callCampaignId() : a.campaignId();
      if (only == null) {
        any = any == null ? new int[AGENT_KEYS.length + 1] : any;
        count(any, a.state());
      } else if (active.contains(only)) {
        count(out.computeIfAbsent(only, k -> new int[AGENT_KEYS.length + 1]), a.state());
      }
    }
    if (any != null) {
      for (Campaign c : in.campaigns()) {
        int[] counts = out.computeIfAbsent(c.id(), k -> new int[AGENT_KEYS.length + 1]);
        for (int i = 0; i < counts.length; i++) {
          counts[i] += any[i];
        }
      }
    }
    return out;
  }

  private static void count(int[] counts, String state) {
    counts[0]++;
    for (int i = 0; i < AGENT_STATES.length; i++) {
      if (AGENT_STATES[i].equals(state)) {
        counts[i + 1]++;
      }
    }
  }

  /** Agents talking, per campaign of their call (key null: on any call), in one pass. */
  private static Map<Long, Integer> talking(Inputs in) {
    Map<Long, Integer> out = new HashMap<>();
    for (LiveAgent a : in.agents()) {
      if ("on_call".equals(a.state())) {
        out.merge(null, 1, Integer::sum);
        if (a.callCampaignId() != null) {
          out.merge(a.callCampaignId(), 1, Integer::sum);
        }
      }
    }
    return out;
  }

  private static Map<Long, JsonObject> rows(Inputs in, JsonObject agentFigures) {
    Map<Long, JsonObject> rows = new LinkedHashMap<>();
    for (LiveAgent a : in.agents()) {
      rows.put(a.agentId(), row(in, a, agentFigures));
    }
    return rows;
  }

  private static JsonObject row(Inputs in, LiveAgent a, JsonObject agentFigures) {
    User u = in.users().get(a.agentId());
    JsonObject f = agentFigures.getJsonObject(Long.toString(a.agentId()), new JsonObject());
    return new JsonObject().put("agentId", a.agentId())
        .put("name", u == null ? null : u.displayName()).put("username", u == null ? null : u.username())
        .put("state", a.state()).put("since", a.since())
        .put("pauseReason", a.pauseReason())
        .put("pauseLimitSeconds", a.pauseReason() == null ? null
            : Thresholds.pauseLimit(in.thresholds(), a.pauseReason()))
        .put("campaignId", a.callCampaignId() != null ? a.callCampaignId() : a.campaignId())
        .put("customer", a.customer())
        .put("today", f.getValue("today")).put("qaMonth", f.getValue("qaMonth"));
  }
}
