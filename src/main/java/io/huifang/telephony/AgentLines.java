package io.huifang.telephony;

import io.huifang.pbx.ami.AmiClient;
import io.huifang.pbx.ami.AmiMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents' open lines on one PBX ("nailed-up" agents): at login the agent's softphone is dialled once into
 * [huifang-agent] and stays up between calls, so an answered customer is joined to a line that is already open —
 * no ringing, no lost seconds. Confined to the PBX connection's context.
 */
public final class AgentLines {
  private static final Logger log = LoggerFactory.getLogger(AgentLines.class);

  /**
   * An agent's state on their line. Logged out is "no line". PAUSED carries a reason; WRAP_UP follows every call
   * until the agent desk ends it (survey submitted, timer run out).
   */
  public enum LineState {
    OPENING, READY, PAUSED, RESERVED, ON_CALL, WRAP_UP, DOWN
  }

  /** One agent's line. */
  public static final class Line {
    final long agentId;
    final String endpoint;
    final String lineId;
    String channel;
    LineState state = LineState.OPENING;
    boolean wantsReady;
    Instant idleSince;
    /** When the current state began (the pacer estimates who is soon free from it). */
    Instant since;
    String attemptId;
    /** The campaign the agent chose to work, or null for any of their skills. */
    Long campaignId;
    /** The campaigns the agent is skilled for; empty: every campaign (as before skills existed). */
    java.util.Set<Long> skills = java.util.Set.of();
    /** Why the agent is paused (or will pause after the current call); null when not paused. */
    String pauseReason;
    /** The call the agent is wrapping up. */
    String wrapUpAttemptId;
    /** The last write of this line's wish ({@link AgentLineStore}): the next waits for it, so they land in order. */
    Future<?> wishWritten = Future.succeededFuture();

    Line(long agentId, String endpoint, String lineId) {
      this.agentId = agentId;
      this.endpoint = endpoint;
      this.lineId = lineId;
    }

    public long agentId() {
      return agentId;
    }

    public String channel() {
      return channel;
    }

    public LineState state() {
      return state;
    }

    public String attemptId() {
      return attemptId;
    }

    public Instant since() {
      return since;
    }

    public Long campaignId() {
      return campaignId;
    }

    public String pauseReason() {
      return pauseReason;
    }

    public boolean wantsReady() {
      return wantsReady;
    }

    public String wrapUpAttemptId() {
      return wrapUpAttemptId;
    }

    /** The campaigns the agent is skilled for; empty: every campaign. */
    public java.util.Set<Long> skills() {
      return skills;
    }

    /** Skilled for this campaign (an agent with no skills listed takes every campaign). */
    public boolean skilledFor(Long campaign) {
      return campaign == null || skills.isEmpty() || skills.contains(campaign);
    }

    /**
     * Takes this campaign's customers: skilled for it, and it is the campaign the agent chose if they chose one (the
     * choice narrows within the skills; agents who chose none serve every campaign of their skills).
     */
    public boolean serves(Long campaign) {
      return skilledFor(campaign) && (campaignId == null || campaign == null || campaignId.equals(campaign));
    }

    /**
     * How many of the current campaigns this agent takes: one when they chose a campaign; with no skills listed,
     * every current campaign (more than any list when none is known); else their skills among the current ones (all
     * their skills when none is known).
     */
    int campaignsServed(java.util.Set<Long> current) {
      if (campaignId != null) {
        return 1;
      }
      if (skills.isEmpty()) {
        return current.isEmpty() ? Integer.MAX_VALUE : current.size();
      }
      if (current.isEmpty()) {
        return skills.size();
      }
      int n = 0;
      for (Long c : skills) {
        if (current.contains(c)) {
          n++;
        }
      }
      return n;
    }
  }

  private final Vertx vertx;
  private final String pbx;
  private final AmiClient ami;
  private final Clock clock;
  private final Map<Long, Line> byAgent = new HashMap<>();
  private final Map<String, Line> byLineId = new HashMap<>();
  private final List<Consumer<Line>> readyListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Line>> stateListeners = new CopyOnWriteArrayList<>();
  /** Each agent's skills (the wiring: telephony's cache of agent_campaign_skill). */
  private java.util.function.Function<Long, java.util.Set<Long>> skillsOf = agent -> java.util.Set.of();
  /** Lines whose Originate is out, by ActionID. */
  private final Map<String, Opening> opening = new HashMap<>();

  private record Opening(Line line, Promise<Line> promise) {
  }
  private long seq;
  /** Where each line's wish is kept for a node taking the PBX over; null: nowhere (tools and tests). */
  private volatile AgentLineStore wishes;
  /** The wishes read for the take-over under way ({@link #readWishes}), by line id; consumed by {@link #adopt}. */
  private Map<String, AgentLineStore.Wish> wishesRead = Map.of();

  public AgentLines(Vertx vertx, String pbx, AmiClient ami, Clock clock) {
    this.vertx = vertx;
    this.pbx = pbx;
    this.ami = ami;
    this.clock = clock;
    ami.onEvent(this::onEvent);
  }

  /**
   * Keeps every line's wish (ready for which campaign, or paused and why, and the call being written up) in
   * {@code store} as it changes, so that a node taking the PBX over after this one died brings each agent back as
   * they were rather than paused (issue 22).
   */
  public AgentLines keepWishesIn(AgentLineStore store) {
    this.wishes = store;
    return this;
  }

  /**
   * Before a take-over ({@link CallTracker#beforeTakeOver}): the wishes the previous owner wrote for the lines of this
   * PBX. A failed read leaves none known: those lines come back paused ({@code technical}), as when nothing is kept.
   */
  public Future<Void> readWishes() {
    AgentLineStore store = wishes;
    if (store == null) {
      return Future.succeededFuture();
    }
    return store.onPbx(pbx).transform(ar -> {
      Promise<Void> done = Promise.promise();
      ami.context().runOnContext(v -> {
        if (ar.succeeded()) {
          wishesRead = ar.result();
        } else {
          wishesRead = Map.of();
          log.atWarn().setMessage("agents' line wishes not read at the take-over: their lines come back paused")
              .addKeyValue("pbx", pbx).addKeyValue("error", ar.cause().getMessage()).log();
        }
        done.complete();
      });
      return done.future();
    });
  }

  /** Writes the line's wish as it is now, after the line's earlier writes, in the name of the PBX's lease. */
  private void remember(Line line) {
    AgentLineStore store = wishes;
    if (store == null) {
      return;
    }
    io.huifang.db.lease.Leases.Fence grant = null;
    CallTracker t = owner;
    if (t != null && t.leased()) {
      grant = t.grant();
      if (grant == null) {
        return; // not this node's PBX now: its owner keeps the wishes
      }
    }
    io.huifang.db.lease.Leases.Fence g = grant;
    AgentLineStore.Wish w = new AgentLineStore.Wish(line.agentId, line.lineId, line.wantsReady, line.campaignId,
        line.wantsReady ? null : line.pauseReason, line.wrapUpAttemptId);
    line.wishWritten = line.wishWritten.transform(x -> store.write(pbx, w, g)).onFailure(e -> log.atWarn()
        .setMessage("agent line wish not kept").addKeyValue("agent", line.agentId).addKeyValue("pbx", pbx)
        .addKeyValue("error", e.getMessage()).log());
  }

  /** The line closed: its wish goes with it. */
  private void forget(Line line) {
    AgentLineStore store = wishes;
    if (store == null) {
      return;
    }
    CallTracker t = owner;
    io.huifang.db.lease.Leases.Fence g = t != null && t.leased() ? t.grant() : null;
    if (t != null && t.leased() && g == null) {
      return;
    }
    line.wishWritten = line.wishWritten.transform(x -> store.closed(line.agentId, line.lineId, g)).onFailure(e -> log
        .atWarn().setMessage("agent line wish not deleted").addKeyValue("agent", line.agentId)
        .addKeyValue("error", e.getMessage()).log());
  }

  /** Told whenever a line becomes READY, so a waiting answered call can take it at once. */
  public AgentLines onReady(Consumer<Line> listener) {
    readyListeners.add(listener);
    return this;
  }

  /** Told of every state change of every line (the agent desk pushes it to the agent's page and logs it). */
  public AgentLines onState(Consumer<Line> listener) {
    stateListeners.add(listener);
    return this;
  }

  /** Where the agents' skills come from: read when a line opens and whenever it becomes ready. */
  public AgentLines skillsFrom(java.util.function.Function<Long, java.util.Set<Long>> skills) {
    this.skillsOf = skills;
    return this;
  }

  /**
   * An admin changed the agent's skills: the open line takes them now. A ready agent is offered again (a waiting
   * customer of a campaign now theirs takes them; the dialer plans with them).
   */
  public void skillsChanged(long agentId) {
    ami.context().runOnContext(v -> {
      Line line = byAgent.get(agentId);
      if (line == null) {
        return;
      }
      line.skills = skillsOf.apply(agentId);
      if (line.state == LineState.READY) {
        for (Consumer<Line> l : readyListeners) {
          l.accept(line);
        }
      }
    });
  }

  public Line line(long agentId) {
    return byAgent.get(agentId);
  }

  public Collection<Line> lines() {
    return byAgent.values();
  }

  /**
   * Dials the agent's softphone into [huifang-agent]. Completes when the line is up (the agent answered the
   * softphone, or it auto-answers), or fails.
   */
  public Future<Line> open(long agentId, String endpoint, Duration ringTimeout) {
    return open(agentId, endpoint, ringTimeout, null, null);
  }

  /**
   * As {@link #open(long, String, Duration)}; a line reopened after a PBX loss carries the agent's wishes over from
   * {@code lost} and comes up in wrap-up for {@code unfinished}, the call cut under the agent, until the desk ends it.
   */
  private Future<Line> open(long agentId, String endpoint, Duration ringTimeout, Line lost, String unfinished) {
    Promise<Line> p = Promise.promise();
    CallTracker fence = owner;
    (fence == null ? Future.succeededFuture(true) : fence.stillOwned()).onComplete(owned -> ami.context()
        .runOnContext(v -> {
      Line existing = byAgent.get(agentId);
      if (existing != null && existing.state != LineState.DOWN) {
        p.complete(existing);
        return;
      }
      if (!owned.result()) {
        // Only the PBX's lease holder opens lines on it: the answered calls come to the holder, and a line opened by
        // another node would be an agent no call can reach (issue 22, docs/cluster.md).
        log.atWarn().setMessage("agent line not opened: this node does not own the PBX").addKeyValue("agent", agentId)
            .addKeyValue("pbx", pbx).log();
        p.fail(new NotOwner(pbx));
        return;
      }
      if (lost != null && existing != lost) {
        p.fail(new IllegalStateException("the agent's line was closed meanwhile"));
        return;
      }
      Line line = new Line(agentId, endpoint, "agent-" + agentId + "-" + (++seq));
      line.skills = skillsOf.apply(agentId);
      if (lost != null) {
        line.wantsReady = lost.wantsReady;
        line.campaignId = lost.campaignId;
        line.pauseReason = lost.pauseReason;
        line.wrapUpAttemptId = unfinished;
      }
      byAgent.put(agentId, line);
      byLineId.put(line.lineId, line);
      remember(line);
      AmiMessage o = AmiMessage.action("Originate")
          .add("ActionID", "line-" + line.lineId)
          .add("Channel", endpoint)
          .add("Context", "huifang-agent").add("Exten", "s").add("Priority", "1")
          .add("Timeout", Long.toString(ringTimeout.toMillis()))
          .add("CallerID", "\"Huifang\" <huifang>")
          .add("ChannelId", line.lineId)
          .add("Variable", "HF_AGENT=" + agentId)
          .add("Async", "true");
      // Async: a synchronous Originate would hold this AMI session's events until the softphone answers
      // (trace 03i). The OriginateResponse, matched by ActionID, says whether the line came up.
      opening.put("line-" + line.lineId, new Opening(line, p));
      vertx.setTimer(ringTimeout.toMillis() + 10_000, t -> ami.context().runOnContext(x -> {
        if (opening.remove("line-" + line.lineId) != null) {
          lineFailed(line, p, "no OriginateResponse within the ring timeout");
        }
      }));
      ami.send(o).onComplete(ar -> {
        if (ar.failed() || !"Success".equalsIgnoreCase(ar.result().get("Response"))) {
          opening.remove("line-" + line.lineId);
          String why = ar.succeeded() ? ar.result().get("Message", "refused") : ar.cause().getMessage();
          lineFailed(line, p, why);
        }
      });
    }));
    return p.future();
  }

  /** A line refused because this node does not hold the PBX's lease (another node owns the PBX). */
  public static final class NotOwner extends RuntimeException {
    NotOwner(String pbx) {
      super("this node does not own PBX " + pbx + " now; its lines are opened by the node that does");
    }
  }

  private volatile CallTracker owner;

  /**
   * Opens lines only while {@code tracker} says this node owns the PBX ({@link CallTracker#stillOwned()}: it holds
   * the lease, has taken the PBX over, and the database knows its grant as the current one).
   */
  public void ownedBy(CallTracker tracker) {
    this.owner = tracker;
  }

  /** The Uniqueid of a line's channel: {@code agent-<agent id>-<n>} (the ChannelId of its Originate). */
  private static final java.util.regex.Pattern LINE_ID = java.util.regex.Pattern.compile("agent-(\\d{1,18})-(\\d{1,18})");

  /**
   * This node took the PBX over (issue 22): the lines the previous owner opened are still up at the PBX, their agents
   * at their desks, some talking to a customer. Each becomes this node's line, on its channel, with what its agent
   * wanted as the previous owner kept it ({@link #keepWishesIn}: ready for a campaign, or paused and why): ON_CALL
   * for the call its agent has (joined to it before the take-over), or had until its customer hung up while no node
   * watched ({@code endedUnseen}: its end, told next, puts the line in wrap-up and reaches the page as any call's);
   * WRAP_UP for the call the agent was writing up; otherwise READY or PAUSED as the agent wanted. A line whose wish
   * is not known (none kept for that very line) comes back PAUSED with the reason {@code technical}. A line this node
   * already has is left as it is. Answers the lines adopted.
   */
  public List<Line> adopt(Map<String, String> channels, List<Attempt> live, List<Attempt> endedUnseen) {
    Map<String, AgentLineStore.Wish> known = wishesRead;
    wishesRead = Map.of();
    Map<Long, Attempt> callOf = new HashMap<>();
    for (Attempt a : endedUnseen) {
      if (a.agentId != null) {
        callOf.put(a.agentId, a);
      }
    }
    for (Attempt a : live) {
      if (a.agentId != null && a.answeredAt != null) {
        callOf.put(a.agentId, a);
      }
    }
    List<Line> adopted = new ArrayList<>();
    for (Map.Entry<String, String> ch : channels.entrySet()) {
      java.util.regex.Matcher m = LINE_ID.matcher(ch.getKey());
      if (!m.matches() || byLineId.containsKey(ch.getKey()) || ch.getValue() == null) {
        continue;
      }
      long agentId = Long.parseLong(m.group(1));
      Line mine = byAgent.get(agentId);
      if (mine != null && mine.state != LineState.DOWN) {
        continue;
      }
      seq = Math.max(seq, Long.parseLong(m.group(2)));
      Line line = new Line(agentId, endpointOf(ch.getValue()), ch.getKey());
      line.channel = ch.getValue();
      AgentLineStore.Wish wish = known.get(ch.getKey());
      if (wish != null && wish.agentId() == agentId) {
        line.wantsReady = wish.wantsReady();
        line.campaignId = wish.campaignId();
        line.pauseReason = wish.wantsReady() ? null : wish.pauseReason();
      } else {
        wish = null;
        line.pauseReason = "technical"; // whether the agent wanted calls is not known: they say so again
      }
      line.skills = skillsOf.apply(agentId);
      Attempt call = callOf.get(agentId);
      byAgent.put(agentId, line);
      byLineId.put(line.lineId, line);
      if (call != null) {
        line.attemptId = call.id;
        state(line, LineState.ON_CALL);
      } else if (wish != null && wish.wrapUpAttempt() != null) {
        line.wrapUpAttemptId = wish.wrapUpAttempt();
        state(line, LineState.WRAP_UP);
      } else if (line.wantsReady) {
        setReady(line, true);
      } else {
        state(line, LineState.PAUSED);
      }
      remember(line);
      adopted.add(line);
      log.atInfo().setMessage("agent line taken over").addKeyValue("agent", agentId).addKeyValue("pbx", pbx)
          .addKeyValue("channel", line.channel).addKeyValue("call", line.attemptId)
          .addKeyValue("state", line.state).addKeyValue("wishKnown", wish != null)
          .addKeyValue("pauseReason", line.pauseReason).log();
    }
    return adopted;
  }

  /** The endpoint a channel was dialled at: its name without the PBX's {@code -<sequence>} suffix. */
  static String endpointOf(String channel) {
    int dash = channel.lastIndexOf('-');
    int slash = channel.indexOf('/');
    return dash > slash && slash > 0 ? channel.substring(0, dash) : channel;
  }

  /** Ready for calls (or not). A line still opening becomes ready as soon as it is up. */
  public void ready(long agentId, boolean ready) {
    ready(agentId, ready, null);
  }

  /** Ready for one campaign's calls ({@code campaignId} null: any campaign). */
  public void ready(long agentId, boolean ready, Long campaignId) {
    ready(agentId, ready, campaignId, ready ? null : "other");
  }

  /**
   * Ready for one campaign's calls, or paused with a reason. During a call or its wrap-up the wish is kept and
   * applies when the wrap-up ends.
   */
  public Future<Line> ready(long agentId, boolean ready, Long campaignId, String pauseReason) {
    Promise<Line> p = Promise.promise();
    ami.context().runOnContext(v -> {
      Line line = byAgent.get(agentId);
      if (line != null) {
        line.wantsReady = ready;
        line.campaignId = campaignId;
        line.pauseReason = ready ? null : pauseReason;
        remember(line);
        if (line.state == LineState.READY || line.state == LineState.PAUSED) {
          setReady(line, ready);
        } else {
          notifyState(line); // the wish changed: pages show "pause after this call"
        }
      }
      p.complete(line);
    });
    return p.future();
  }

  private void setReady(Line line, boolean ready) {
    state(line, ready ? LineState.READY : LineState.PAUSED);
    if (ready) {
      line.skills = skillsOf.apply(line.agentId);
      line.idleSince = clock.instant();
      for (Consumer<Line> l : readyListeners) {
        l.accept(line);
      }
    }
  }

  /**
   * The agent who takes an answered customer of the campaign, now RESERVED for {@code attemptId}; null when nobody
   * is ready for it. The {@code preferred} agent takes the call if READY (a callback the agent booked for themself);
   * otherwise {@link #whoTakes} chooses among the ready agents, since the customer is already on the line.
   *
   * @param current the campaigns being dialled now (an agent with no skills listed counts as serving all of them)
   */
  public Line claim(String attemptId, Long campaignId, Long preferred, java.util.Set<Long> current) {
    if (preferred != null) {
      Line p = byAgent.get(preferred);
      if (p != null && p.state == LineState.READY && p.channel != null && p.serves(campaignId)) {
        state(p, LineState.RESERVED);
        p.attemptId = attemptId;
        return p;
      }
    }
    Line best = whoTakes(byAgent.values(), campaignId, current);
    if (best != null) {
      state(best, LineState.RESERVED);
      best.attemptId = attemptId;
    }
    return best;
  }

  /**
   * Of the READY agents with an open line who serve the campaign (skilled for it, and it is their chosen campaign if
   * any), the one serving the fewest of the current campaigns, the longest idle among equals; null when there is
   * none. A specialist takes the call so that the agents who can take the other campaigns stay free for them (the
   * rule the pacing simulator routes by, {@code PooledSimulation}).
   */
  static Line whoTakes(Collection<Line> lines, Long campaignId, java.util.Set<Long> current) {
    Line best = null;
    int bestServed = Integer.MAX_VALUE;
    for (Line l : lines) {
      if (l.state != LineState.READY || l.channel == null || !l.serves(campaignId)) {
        continue;
      }
      int served = l.campaignsServed(current);
      if (best == null || served < bestServed || served == bestServed && l.idleSince.isBefore(best.idleSince)) {
        best = l;
        bestServed = served;
      }
    }
    return best;
  }

  public void onCall(Line line) {
    state(line, LineState.ON_CALL);
  }

  private void state(Line line, LineState s) {
    line.state = s;
    line.since = clock.instant();
    notifyState(line);
  }

  private void notifyState(Line line) {
    for (Consumer<Line> l : stateListeners) {
      try {
        l.accept(line);
      } catch (RuntimeException e) {
        log.atWarn().setMessage("agent state listener failed").addKeyValue("agent", line.agentId)
            .addKeyValue("error", String.valueOf(e)).log();
      }
    }
  }

  /** The bridge failed: back to ready if the agent still wants calls, no wrap-up (there was no call). */
  public void release(Line line) {
    if (line.state == LineState.DOWN) {
      return;
    }
    line.attemptId = null;
    setReady(line, line.wantsReady);
  }

  /** The customer's call on this line ended: the agent wraps it up (the agent desk ends the wrap-up). */
  public void wrapUp(Line line) {
    if (line.state == LineState.DOWN) {
      return;
    }
    line.wrapUpAttemptId = line.attemptId;
    line.attemptId = null;
    remember(line);
    state(line, LineState.WRAP_UP);
  }

  /** Wrap-up over: ready, or paused if the agent asked to pause after the call. */
  public void endWrapUp(long agentId) {
    ami.context().runOnContext(v -> {
      Line line = byAgent.get(agentId);
      if (line != null && line.state == LineState.WRAP_UP) {
        line.wrapUpAttemptId = null;
        remember(line);
        setReady(line, line.wantsReady);
      } else if (line != null && (line.state == LineState.OPENING || line.state == LineState.DOWN)) {
        line.wrapUpAttemptId = null; // written up while the line was reopening: it opens ready (or paused)
        remember(line);
      }
    });
  }

  /** Hangs up an agent's line (logout). */
  public Future<Void> close(long agentId) {
    Promise<Void> p = Promise.promise();
    ami.context().runOnContext(v -> {
      Line line = byAgent.remove(agentId);
      if (line != null) {
        forget(line);
      }
      if (line == null || line.channel == null) {
        p.complete();
        return;
      }
      line.wantsReady = false;
      if (line.state != LineState.DOWN) {
        byLineId.remove(line.lineId);
        state(line, LineState.DOWN); // logged out
      }
      ami.send(AmiMessage.action("Hangup").add("Channel", line.channel).add("Cause", "16"))
          .onComplete(ar -> p.complete());
    });
    return p.future();
  }

  private void lineFailed(Line line, Promise<Line> p, String why) {
    state(line, LineState.DOWN);
    byLineId.remove(line.lineId);
    p.tryFail(new IllegalStateException("agent line to " + line.endpoint + " did not open: " + why));
  }

  private void onOriginateResponse(AmiMessage e) {
    Opening o = opening.remove(e.get("ActionID"));
    if (o == null) {
      return;
    }
    Line line = o.line();
    if ("Success".equalsIgnoreCase(e.get("Response"))) {
      line.channel = e.get("Channel");
      if (line.state == LineState.OPENING) {
        // Reopened after a PBX loss with a call still to write up: in wrap-up for it, so that no new customer
        // replaces the unfinished screen; the desk ends it once the survey is submitted.
        state(line, line.wrapUpAttemptId != null ? LineState.WRAP_UP : LineState.PAUSED);
      }
      log.atInfo().setMessage("agent line open").addKeyValue("agent", line.agentId).addKeyValue("pbx", pbx)
          .addKeyValue("channel", line.channel).log();
      if (line.wantsReady && line.state == LineState.PAUSED) {
        setReady(line, true);
      }
      o.promise().tryComplete(line);
    } else {
      lineFailed(line, o.promise(), "reason " + e.get("Reason", "?"));
    }
  }

  private void onEvent(AmiMessage e) {
    String event = e.get("Event");
    if (event == null) {
      return;
    }
    if (event.equals("OriginateResponse")) {
      onOriginateResponse(e);
      return;
    }
    Line line = byLineId.get(e.get("Uniqueid"));
    if (line == null) {
      return;
    }
    switch (event) {
      case "Newchannel", "Newstate" -> line.channel = e.get("Channel");
      case "Hangup" -> {
        state(line, LineState.DOWN);
        byLineId.remove(line.lineId);
        log.atWarn().setMessage("agent line down").addKeyValue("agent", line.agentId).addKeyValue("pbx", pbx)
            .addKeyValue("cause", e.get("Cause")).log();
      }
      default -> {
        // nothing else matters for the line
      }
    }
  }

  /**
   * After a reconnect: lines whose channels are gone are marked down, and opened again by themselves. Their agents
   * have not closed them (a closed line is forgotten), so they are still at their desks: after a PBX crash or
   * restart every agent's line went with it, and nobody should have to sign in again to get it back. The wishes
   * (ready, campaign, pause reason) carry over, and an agent whose call was cut finds the line in wrap-up for it.
   */
  public void reconcile(java.util.Set<String> liveUniqueIds) {
    for (Line l : new ArrayList<>(byAgent.values())) {
      if (l.state != LineState.DOWN && l.state != LineState.OPENING && !liveUniqueIds.contains(l.lineId)) {
        String unfinished = switch (l.state) {
          case RESERVED, ON_CALL -> l.attemptId;
          case WRAP_UP -> l.wrapUpAttemptId;
          default -> null;
        };
        state(l, LineState.DOWN);
        byLineId.remove(l.lineId);
        log.atWarn().setMessage("agent line lost with the PBX; reopening").addKeyValue("agent", l.agentId)
            .addKeyValue("pbx", pbx).addKeyValue("unfinishedCall", unfinished).log();
        reopen(l, unfinished, 0);
      }
    }
  }

  /** Reopening tries, and the pause before the next: a softphone registers again some time after a PBX restart. */
  static final int REOPEN_TRIES = 10;
  static final Duration REOPEN_RING = Duration.ofSeconds(30);

  static long reopenDelayMillis(int tries) {
    return Math.min(60_000L, 2_000L << Math.min(tries, 5));
  }

  private void reopen(Line lost, String unfinished, int tries) {
    open(lost.agentId, lost.endpoint, REOPEN_RING, lost, unfinished).onFailure(e -> {
      Line now = byAgent.get(lost.agentId);
      if (now == null || now.state != LineState.DOWN || tries + 1 >= REOPEN_TRIES) {
        log.atWarn().setMessage("agent line not reopened").addKeyValue("agent", lost.agentId).addKeyValue("pbx", pbx)
            .addKeyValue("tries", tries + 1).addKeyValue("error", e.getMessage()).log();
        return;
      }
      vertx.setTimer(reopenDelayMillis(tries), t -> ami.context().runOnContext(v -> {
        Line still = byAgent.get(lost.agentId);
        if (still == now && still.state == LineState.DOWN) {
          reopen(still, still.wrapUpAttemptId, tries + 1);
        }
      }));
    });
  }
}
