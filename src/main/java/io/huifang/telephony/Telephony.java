package io.huifang.telephony;

import io.huifang.core.HealthCheck;
import io.huifang.pbx.agi.FastAgiServer;
import io.huifang.pbx.ami.AmiClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's side of the call: one verticle whose single event loop runs the FastAGI server and, per PBX, the
 * AMI connection, the call tracker and the agents' lines. One context for all of them means an answered call,
 * its AGI session and the agent it is joined to are always looked at in one consistent order.
 */
public final class Telephony extends VerticleBase {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Telephony.class);
  /** One PBX to connect to. */
  public record PbxEndpoint(String name, String host, int port, String user, String secret) {
  }

  private final String agiHost;
  private final int agiPort;
  private final Clock clock;
  private final AmiClient.Limits amiLimits;
  private final FastAgiServer.Limits agiLimits;
  private final Map<String, AnsweredCalls.Pbx> pbxes = new LinkedHashMap<>();
  /** Supervisors' spy calls, per PBX. */
  private final Map<String, SpyCalls> spies = new java.util.concurrent.ConcurrentHashMap<>();
  private AttemptStore store;
  private FastAgiServer agi;
  private AnsweredCalls answered;
  private int boundAgiPort;
  /** Where the agents' skills are kept; null: no skills, every agent takes every campaign. */
  private AgentSkillStore skillStore;
  /** The agents' skills as last read (agents not listed take every campaign); on the telephony context. */
  private volatile Map<Long, java.util.Set<Long>> skills = Map.of();
  /** Other nodes' admins change skills too: read again this often. */
  static final long SKILLS_RELOAD_MS = 10_000;

  public Telephony(AttemptStore store, String agiHost, int agiPort, Clock clock) {
    this(store, agiHost, agiPort, clock, AmiClient.Limits.DEFAULT, FastAgiServer.Limits.DEFAULT);
  }

  /** With the limits a hostile or broken PBX meets (configuration keys pbx.ami-*, pbx.agi-*). */
  public Telephony(AttemptStore store, String agiHost, int agiPort, Clock clock, AmiClient.Limits amiLimits,
                   FastAgiServer.Limits agiLimits) {
    this.store = store;
    this.agiHost = agiHost;
    this.agiPort = agiPort;
    this.clock = clock;
    this.amiLimits = amiLimits;
    this.agiLimits = agiLimits;
  }

  /** Routes answered calls by the agents' skills kept there; call before the verticle is deployed. */
  public Telephony useSkills(AgentSkillStore store) {
    this.skillStore = store;
    return this;
  }

  /** Where the agents' line wishes are kept for a take-over; null: nowhere (tools and tests). */
  private AgentLineStore lineStore;

  /**
   * Keeps each agent's line wish (ready, paused and why, the call being written up) in {@code store}, and reads it
   * back when this node takes a PBX over, so that adopted lines come back as their agents had them (issue 22). Call
   * before {@link #connect}.
   */
  public Telephony keepLineWishes(AgentLineStore store) {
    this.lineStore = store;
    return this;
  }

  /** Each PBX's lease fence, by the PBX's name; null: no leases (tools and tests dial unfenced). */
  private java.util.function.Function<String, java.util.function.Supplier<io.huifang.db.lease.Leases.Fence>> fences;

  /**
   * Fences every PBX connected from now on with the lease {@code fences} gives for its name ({@link
   * CallTracker#fenceWith}), set before its AMI session starts. A tracker that connected unfenced would resync as an
   * owner: it would read the database's calls in progress and end those whose channels it does not see (a booting
   * node ending another node's calls not yet rung, or a restarted node its own before it holds the PBX again).
   * Call before {@link #connect}.
   */
  public Telephony fenceWith(
      java.util.function.Function<String, java.util.function.Supplier<io.huifang.db.lease.Leases.Fence>> fences) {
    this.fences = fences;
    return this;
  }

  @Override
  public Future<?> start() {
    if (skillStore != null) {
      vertx.setPeriodic(SKILLS_RELOAD_MS, t -> reloadSkills());
    }
    answered = new AnsweredCalls(vertx, clock);
    agi = new FastAgiServer(vertx, Map.of(AnsweredCalls.SCRIPT, answered::run), agiLimits);
    // The skills before the first line opens; if the database cannot tell, every agent takes every campaign until
    // the next reload.
    return reloadSkills().compose(v -> agi.listen(agiHost, agiPort)).onSuccess(p -> boundAgiPort = p);
  }

  /** Reads every agent's skills again; the open lines of the agents whose skills changed take them now. */
  private Future<Void> reloadSkills() {
    if (skillStore == null) {
      return Future.succeededFuture();
    }
    return skillStore.all().onSuccess(all -> context.runOnContext(v -> {
      java.util.Set<Long> changed = new java.util.HashSet<>(all.keySet());
      changed.addAll(skills.keySet());
      changed.removeIf(agent -> java.util.Objects.equals(all.get(agent), skills.get(agent)));
      skills = all;
      changed.forEach(this::skillsChanged);
    })).otherwise(e -> {
      log.atWarn().setMessage("agents' skills not read").addKeyValue("error", e.getMessage()).log();
      return null;
    }).mapEmpty();
  }

  /** The campaigns the agent is skilled for; empty: every campaign. Read on the telephony context. */
  public java.util.Set<Long> skillsOf(long agentId) {
    return skills.getOrDefault(agentId, java.util.Set.of());
  }

  /**
   * An admin set the agent's skills (stored already): this node routes by them at once, and the agent's open line
   * takes them.
   */
  public void skillsSet(long agentId, java.util.Set<Long> campaigns) {
    context.runOnContext(v -> {
      Map<Long, java.util.Set<Long>> next = new java.util.HashMap<>(skills);
      if (campaigns.isEmpty()) {
        next.remove(agentId);
      } else {
        next.put(agentId, java.util.Set.copyOf(campaigns));
      }
      skills = next;
      skillsChanged(agentId);
    });
  }

  private void skillsChanged(long agentId) {
    for (AnsweredCalls.Pbx p : pbxes.values()) {
      p.lines().skillsChanged(agentId);
    }
  }

  public int agiPort() {
    return boundAgiPort;
  }

  private volatile String answeredCallsUrl;

  /**
   * Several nodes (issue 22): every call this node dials carries its own FastAGI address ({@code agi://host:port}),
   * so that the call's answer comes back to the node that dialled it. Call before {@link #connect}.
   */
  public void answeredCallsTo(String agiUrl) {
    this.answeredCallsUrl = agiUrl;
  }

  public Context telephonyContext() {
    return context;
  }

  /** Connects to a PBX (retrying in the background until it answers). */
  public Future<AnsweredCalls.Pbx> connect(PbxEndpoint endpoint) {
    Promise<AnsweredCalls.Pbx> p = Promise.promise();
    context.runOnContext(v -> {
      AmiClient ami = new AmiClient(vertx, AmiClient.Options.of(endpoint.name(), endpoint.host(), endpoint.port(),
          endpoint.user(), endpoint.secret()).withLimits(amiLimits));
      CallTracker tracker = new CallTracker(vertx, endpoint.name(), ami, store, clock);
      AgentLines lines = new AgentLines(vertx, endpoint.name(), ami, clock).skillsFrom(this::skillsOf);
      SpyCalls spyCalls = new SpyCalls(vertx, endpoint.name(), ami, clock);
      spies.put(endpoint.name(), spyCalls);
      lines.ownedBy(tracker);
      if (lineStore != null) {
        lines.keepWishesIn(lineStore);
        tracker.beforeTakeOver(lines::readWishes);
      }
      if (answeredCallsUrl != null) {
        tracker.answeredCallsTo(answeredCallsUrl);
      }
      tracker.subscribe(e -> {
        if (e instanceof CallEvent.Resynced r) {
          lines.reconcile(r.liveChannels());
          spyCalls.reconcile(r.liveChannels());
        } else if (e instanceof CallEvent.TakenOver t) {
          // The previous owner's agents' lines become this node's, with the calls their agents are on.
          for (AgentLines.Line line : lines.adopt(t.channels(), t.live(), t.endedUnseen())) {
            if (line.attemptId() != null) {
              answered.adoptedOnCall(line.attemptId(), line);
            }
          }
        } else if (e instanceof CallEvent.Ended ended) {
          TelephonyEvents.attemptEnded(vertx.eventBus(), endpoint.name(), ended.attempt());
        }
      });
      lines.onState(line -> TelephonyEvents.agentState(vertx.eventBus(), endpoint.name(), line));
      if (fences != null) {
        tracker.fenceWith(fences.apply(endpoint.name()));
      }
      AnsweredCalls.Pbx pbx = new AnsweredCalls.Pbx(tracker, lines);
      pbxes.put(endpoint.name(), pbx);
      answered.add(pbx);
      ami.start();
      p.complete(pbx);
    });
    return p.future();
  }

  public AnsweredCalls.Pbx pbx(String name) {
    return pbxes.get(name);
  }

  /** The supervisors' spy calls on the PBX of that name, or null. */
  public SpyCalls spies(String pbx) {
    return spies.get(pbx);
  }

  public List<AnsweredCalls.Pbx> all() {
    return new ArrayList<>(pbxes.values());
  }

  /**
   * The PBX a softphone lives on: the one it names, or the first configured when it names none (every softphone
   * before there were several PBXes); null when it names a PBX that is not configured, or there is none.
   */
  public AnsweredCalls.Pbx pbxOf(Softphone softphone) {
    if (softphone.onDefaultPbx()) {
      return pbxes.isEmpty() ? null : pbxes.values().iterator().next();
    }
    return pbxes.get(softphone.pbx());
  }

  /**
   * The PBX holding the agent's line: the one where it is open (or opening), else one where it went down, else null.
   * An agent has one line at a time; a line left down on another PBX (the softphone moved) does not hide the open one.
   */
  public AnsweredCalls.Pbx pbxOfAgent(long agentId) {
    AnsweredCalls.Pbx down = null;
    for (AnsweredCalls.Pbx p : pbxes.values()) {
      AgentLines.Line l = p.lines().line(agentId);
      if (l != null && l.state() != AgentLines.LineState.DOWN) {
        return p;
      }
      if (l != null && down == null) {
        down = p;
      }
    }
    return down;
  }

  /** The agent's line on whichever PBX holds it (see {@link #pbxOfAgent}), or null. */
  public AgentLines.Line lineOf(long agentId) {
    AnsweredCalls.Pbx p = pbxOfAgent(agentId);
    return p == null ? null : p.lines().line(agentId);
  }

  public AnsweredCalls answered() {
    return answered;
  }

  /** UP when every configured PBX is connected; the detail names each. */
  public HealthCheck health() {
    if (pbxes.isEmpty()) {
      return HealthCheck.down("no PBX configured");
    }
    boolean allUp = true;
    StringBuilder detail = new StringBuilder();
    for (AnsweredCalls.Pbx p : pbxes.values()) {
      HealthCheck h = p.tracker().ami().health();
      allUp &= h.up();
      if (detail.length() > 0) {
        detail.append("; ");
      }
      detail.append(h.detail());
    }
    return new HealthCheck(allUp, detail.toString());
  }

  /** Each PBX's own health, for /health. */
  public JsonArray healthByPbx() {
    JsonArray arr = new JsonArray();
    for (Map.Entry<String, AnsweredCalls.Pbx> e : pbxes.entrySet()) {
      arr.add(e.getValue().tracker().ami().health().toJson().put("name", e.getKey()));
    }
    return arr;
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    for (AnsweredCalls.Pbx p : pbxes.values()) {
      closing.add(p.tracker().ami().close());
    }
    closing.add(agi.close());
    return Future.join(closing);
  }

  /** Plain JSON of the AGI figures (for the supervisor later, and for the benchmark). */
  public JsonObject stats() {
    return new JsonObject(new LinkedHashMap<>(answered.stats()));
  }
}
