package io.huifang.supervisor;

import io.huifang.auth.AuditLog;
import io.huifang.auth.UserStore;
import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.desk.DeskEvents;
import io.huifang.dialer.DialerService;
import io.huifang.dialer.DialerStatus;
import io.huifang.telephony.Telephony;
import io.huifang.telephony.TelephonyEvents;
import io.huifang.web.Push;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisors' live board (docs/supervisor-api.md): holds the {@code <Board>}, built from the live state (the
 * dialer and every PBX's agents' lines, read in one hop onto the telephony context), the active campaigns and their
 * pauses, the users' names and the database's figures ({@link FigureSource}: asked at most every 2 s when an attempt
 * ended, a survey was submitted or an agent's state changed, and every 15 s anyway). A supervisor's or admin's page
 * gets the board when its socket opens; then only what changed is pushed to both roles, at most once a second
 * ({@link Coalescer}), each update built and encoded once. A verticle: all its state is confined to its own context.
 */
public final class LiveBoard extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LiveBoard.class);
  /**
   * Pushes go out at most this often. Under a steady stream of changes a change waits for the next push, uniformly
   * up to one interval, so a change's p99 wait is 0.99 of it: at 1,000 ms the "event to page p99 ≤ 1 s" was
   * missed by the ~20 ms a read, build and delivery take (SupervisorBenchmark: p99 1,010 ms). 900 ms keeps about
   * one push a second and leaves the second for the work.
   */
  static final long PUSH_INTERVAL_MS = 900;
  /** The live state is read this often even when no event said so (lines ring and are answered unannounced). */
  static final long TICK_MS = 1000;
  static final long FIGURES_MIN_MS = 2000;
  /**
   * The database's figures may take at most this share of the time between reads: a read that took 180 ms (a busy
   * day, 500 agents: SupervisorBenchmark measured ~9 % of a core of PostgreSQL at one read every 2 s) is next asked
   * 9 s later; a quick one (a small centre) every 2 s. They count over 15-minute to month windows, where seconds
   * change nothing a supervisor can see; the live state (lines, calls, the pacer) is read every push regardless.
   */
  static final double FIGURES_DUTY = 0.02;
  static final long FIGURES_EVERY_MS = 15_000;
  static final long CAMPAIGNS_EVERY_MS = 5_000;
  static final long USERS_EVERY_MS = 60_000;
  /**
   * Event-bus address of every node's part of the board on a cluster (docs/cluster.md): {node, seq, agents, live},
   * what that node's own PBXes hold. Every node's board merges the latest part of every node it hears from.
   */
  public static final String BOARD_PART = "huifang.supervisor.board.part";
  /**
   * Event-bus address where a node asks another for its whole part ({node: the one asked, from}): it missed a
   * numbered message of that node's part, or has just joined (docs/cluster.md, "The board across nodes").
   */
  public static final String BOARD_RESEND = "huifang.supervisor.board.resend";
  /** A node's part goes out at most this often (a change within waits for the gap's end, as the pushes do). */
  static final long PART_GAP_MS = 250;
  /** A node asks another for its whole part at most this often (the messages missed meanwhile ask again). */
  static final long RESEND_GAP_MS = 1_000;

  private final Telephony telephony;
  private final DialerService dialer;
  private final CampaignStore campaignStore;
  private final UserStore users;
  private final AuditLog audit;
  private final SupervisorStore store;
  private final FigureSource figures;
  private final Clock clock;
  private final Coalescer coalescer;
  private final Alerts alerts;
  private final BoardBuilder.Rows rows = new BoardBuilder.Rows();
  /**
   * The supervisors and admins with a page (a push socket) on this node. With none, the board is not built after
   * every event: only the node recording the alerts builds it, once a {@link #TICK_MS}, for them; the first page to
   * open has it built for it (docs/cluster.md, "Where no page is open").
   */
  private final Set<Long> pagesHere = new HashSet<>();
  /** Whether {@link #published} is what the pages here were last sent (kept so while a page is open). */
  private boolean current;
  private long builtAt = Long.MIN_VALUE / 2;
  /** Boards built since the start (read from any thread: ClusterIT counts a node's with no page open). */
  private final java.util.concurrent.atomic.AtomicLong built = new java.util.concurrent.atomic.AtomicLong();

  private List<Campaign> campaigns = List.of();
  private Map<Long, CampaignStore.Pause> pauses = Map.of();
  private final Map<Long, User> names = new HashMap<>();
  private final Set<Long> namesAsked = new HashSet<>();
  private JsonObject thresholds = Thresholds.defaults();
  private JsonObject figuresNow = new JsonObject();
  private boolean figuresWanted;
  private boolean figuresAsking;
  private long figuresTimer = -1;
  private long figuresAskedAt = Long.MIN_VALUE / 2;
  /** How long the last read of the figures took, which sets the gap before the next (FIGURES_DUTY). */
  private long figuresTookMs;

  private BoardState published = BoardState.EMPTY;
  private long seq;
  private JsonObject snapshot;
  private boolean reading;
  private boolean readAgain;
  private long pushTimer = -1;
  /** Reads are at least this far apart. */
  static final long MIN_READ_GAP_MS = 100;
  private long lastReadAt = Long.MIN_VALUE / 2;
  private long readTimer = -1;
  /** GETs of the board waiting for the read (and push) under way. */
  private final List<Promise<JsonObject>> waiting = new ArrayList<>();

  /** On a cluster: this node's name and every node's part of the board; null on one node. */
  private String node;
  private BoardParts parts;
  private long partSeq;
  private long partSentAt = Long.MIN_VALUE / 2;
  private long partTimer = -1;
  /** The PBXes this node owned at its last read. */
  private Set<String> ownedHere = Set.of();
  /** When this node last asked each node for its whole part. */
  private final Map<String, Long> resendAskedAt = new HashMap<>();

  public LiveBoard(Telephony telephony, DialerService dialer, CampaignStore campaigns, UserStore users, AuditLog audit,
                   SupervisorStore store, FigureSource figures, Clock clock) {
    this.telephony = telephony;
    this.dialer = dialer;
    this.campaignStore = campaigns;
    this.users = users;
    this.audit = audit;
    this.store = store;
    this.figures = figures;
    this.clock = clock;
    this.coalescer = new Coalescer(PUSH_INTERVAL_MS, clock::millis);
    this.alerts = new Alerts(this::alertChanged);
  }

  /**
   * On a cluster (before deploying): the board shows every node's PBXes, each node publishing its own part under
   * {@code nodeName} (docs/cluster.md, "The board across nodes").
   */
  public LiveBoard acrossNodes(String nodeName) {
    this.node = nodeName;
    return this;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    if (vertx.isClustered()) {
      if (node == null) {
        node = java.util.UUID.randomUUID().toString();
      }
      parts = new BoardParts(node);
      // Numbered from the clock, so that a node restarted under its name is not taken for an old one.
      partSeq = clock.millis();
      bus.<JsonObject>consumer(BOARD_PART, m -> partHeard(m.body()));
      bus.<JsonObject>consumer(BOARD_RESEND, m -> {
        if (node.equals(m.body().getString("node"))) {
          parts.wholeWanted();
          changeSuggested();
        }
      });
    }
    // This node's board goes to the pages connected to this node only (docs/cluster.md): it is read from this
    // node's PBXes and numbered by this node's seq, which a page on another node must not mix with its own board's.
    bus.<JsonObject>localConsumer(Push.SOCKET_OPENED, m -> socketOpened(m.body()));
    bus.<JsonObject>localConsumer(Push.LAST_SOCKET_CLOSED, m -> lastSocketClosed(m.body()));
    bus.<JsonObject>consumer(TelephonyEvents.AGENT_STATE, m -> {
      eventHeard(m.body());
      figuresSuggested();
    });
    bus.<JsonObject>consumer(TelephonyEvents.ATTEMPT_ENDED, m -> {
      eventHeard(m.body());
      figuresSuggested();
    });
    bus.<JsonObject>consumer(DeskEvents.SURVEY_SUBMITTED, m -> figuresSuggested());
    vertx.setPeriodic(TICK_MS, t -> changeSuggested());
    vertx.setPeriodic(FIGURES_EVERY_MS, t -> figuresSuggested());
    vertx.setPeriodic(CAMPAIGNS_EVERY_MS, t -> reloadCampaigns());
    vertx.setPeriodic(USERS_EVERY_MS, t -> reloadNames());
    // Whatever is missing at the start (the database slow) comes with the next reload; the board starts anyway.
    return Future.join(reloadCampaigns(), reloadNames(), reloadThresholds(), askFigures())
        .recover(e -> Future.succeededFuture())
        .compose(v -> firstBoard());
  }

  // ---- what the routes ask (from any context) ---------------------------------------------------------------

  /**
   * The current board (seq and all): the live state is read now and, when it changed, the board waits for the push
   * that carries the change (at most a second), so that the answer is always a board some {@code seq} stands for and
   * the updates after it apply to it exactly.
   */
  public Future<JsonObject> board() {
    return onBoard(() -> {
      Promise<JsonObject> p = Promise.promise();
      waiting.add(p);
      changeSuggested();
      return p.future();
    });
  }

  /** How many boards this node has built since it started (from any thread). */
  public long boardsBuilt() {
    return built.get();
  }

  /** A campaign was paused or resumed: the board shows it at once. */
  public Future<Void> campaignsChanged() {
    return onBoard(() -> reloadCampaigns().onComplete(ar -> changeSuggested()));
  }

  /** New thresholds (checked and stored by the caller): the board's rows and alerts use them at once. */
  public Future<Void> thresholdsChanged(JsonObject t) {
    return onBoard(() -> {
      thresholds = t.copy();
      changeSuggested();
      return Future.succeededFuture();
    });
  }

  private <T> Future<T> onBoard(java.util.function.Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  // ---- pushing ----------------------------------------------------------------------------------------------

  private void socketOpened(JsonObject opened) {
    Long userId = opened.getLong("userId");
    String role = opened.getString("role");
    if (userId == null || !(Role.SUPERVISOR.name().equals(role) || Role.ADMIN.name().equals(role))) {
      return;
    }
    pagesHere.add(userId);
    if (current) {
      Push.toUserHere(vertx.eventBus(), userId, new JsonObject().put("type", "sup.snapshot")
          .put("board", snapshotJson()));
      return;
    }
    // The first page here: the board was not kept (no page needed it); built now, with the figures asked again.
    figuresSuggested();
    board().onSuccess(b -> Push.toUserHere(vertx.eventBus(), userId, new JsonObject().put("type", "sup.snapshot")
        .put("board", b)));
  }

  private void lastSocketClosed(JsonObject closed) {
    Long userId = closed.getLong("userId");
    if (userId != null && pagesHere.remove(userId) && pagesHere.isEmpty()) {
      current = false;
    }
  }

  /** Another node's part: taken, or its whole part asked for when numbers were missed (or the node is new here). */
  private void partHeard(JsonObject part) {
    long now = clock.millis();
    switch (parts.received(part, now)) {
      case CHANGED -> {
        if (!pagesHere.isEmpty() || !waiting.isEmpty()) {
          changeSuggested(); // else merged row by row, nothing built: the alerts' recorder builds at its tick
        }
      }
      case GAP -> {
        String from = part.getString("node");
        Long asked = resendAskedAt.get(from);
        if (asked == null || now - asked >= RESEND_GAP_MS) {
          resendAskedAt.put(from, now);
          vertx.eventBus().publish(BOARD_RESEND, new JsonObject().put("node", from).put("from", node));
        }
      }
      default -> { }
    }
  }

  /**
   * Whether a read now builds the board: while a page is open here (or a GET waits), after every read as ever;
   * otherwise only on the node recording the alerts, once a {@link #TICK_MS}.
   */
  private boolean boardWanted(long now) {
    return !pagesHere.isEmpty() || !waiting.isEmpty()
        || (now - builtAt >= TICK_MS - MIN_READ_GAP_MS && (parts == null || parts.recordsForAll()));
  }

  private JsonObject snapshotJson() {
    if (snapshot == null) {
      snapshot = published.toJson(seq);
    }
    return snapshot;
  }

  /** Something may have changed: read the live state now, unless a push is already due (it reads then). */
  private void changeSuggested() {
    if (pushTimer != -1) {
      return;
    }
    if (parts == null && !boardWanted(clock.millis())) {
      return; // one node, no page: the live state is read for nothing but the alerts, at the tick
    }
    read();
  }

  /** One hop onto the telephony context for the dialer and the lines, back here to build the board. */
  private void read() {
    if (reading) {
      readAgain = true;
      return;
    }
    long sinceLast = clock.millis() - lastReadAt;
    if (sinceLast < MIN_READ_GAP_MS) {
      // Attempts end many times a second at full size, most of them changing nothing a page shows yet: one read
      // per gap at most, so that the board's cost does not follow the call rate.
      if (readTimer == -1) {
        readTimer = vertx.setTimer(MIN_READ_GAP_MS - sinceLast, t -> {
          readTimer = -1;
          read();
        });
      }
      return;
    }
    lastReadAt = clock.millis();
    reading = true;
    telephony.telephonyContext().runOnContext(v -> {
      DialerStatus.Live live = null;
      List<LiveAgent> agents = List.of();
      Set<String> owned = Set.of();
      try {
        live = dialer == null ? null : dialer.liveNow();
        agents = LiveAgent.read(telephony.all(), dialer);
        owned = parts == null ? owned : ownedPbxes();
      } catch (RuntimeException e) {
        log.atWarn().setMessage("live state not read").addKeyValue("error", String.valueOf(e)).log();
      }
      DialerStatus.Live l = live;
      List<LiveAgent> a = agents;
      Set<String> o = owned;
      context.runOnContext(x -> liveRead(l, a, o));
    });
  }

  private void liveRead(DialerStatus.Live live, List<LiveAgent> agents, Set<String> owned) {
    reading = false;
    long now = clock.millis();
    if (parts != null) {
      ownPart(live, agents, owned, now);
    }
    if (!boardWanted(now)) {
      // No page here and the alerts are another node's (or not due): nothing is merged, built or diffed.
    } else if (pagesHere.isEmpty() || !current) {
      // Nobody here holds a board to update: the new one replaces it, numbered on, without a diff or a push.
      BoardState board = parts == null ? build(live, agents) : build(parts.live(), parts.agents());
      published = board;
      snapshot = null;
      seq++;
      current = !pagesHere.isEmpty();
    } else {
      BoardState board = parts == null ? build(live, agents) : build(parts.live(), parts.agents());
      JsonObject changed = BoardDiff.changed(published, board);
      if (changed != null) {
        long wait = coalescer.changed();
        if (wait == Coalescer.NOW) {
          push(board, changed);
        } else if (wait > 0) {
          pushTimer = vertx.setTimer(wait, t -> {
            pushTimer = -1;
            coalescer.dueNow();
            read();
          });
        }
      }
    }
    if (readAgain) {
      readAgain = false;
      changeSuggested();
    } else if (pushTimer == -1 && !waiting.isEmpty()) {
      JsonObject board = snapshotJson();
      List<Promise<JsonObject>> answered = List.copyOf(waiting);
      waiting.clear();
      answered.forEach(p -> p.complete(board));
    }
  }

  private BoardState build(DialerStatus.Live live, List<LiveAgent> agents) {
    long now = clock.millis();
    builtAt = now;
    built.incrementAndGet();
    askNames(agents);
    BoardState board = BoardBuilder.build(new BoardBuilder.Inputs(now, campaigns, pauses, live, agents, figuresNow,
        names, thresholds), rows);
    Map<String, Object> sections = new java.util.LinkedHashMap<>(board.sections());
    sections.put("alerts", alerts.update(board, now));
    return new BoardState(board.at(), sections, board.rows());
  }

  /** The PBXes this node owns now (their lease); on the telephony context. */
  private Set<String> ownedPbxes() {
    Set<String> owned = new HashSet<>();
    for (var p : telephony.all()) {
      if (p.tracker().owned()) {
        owned.add(p.name());
      }
    }
    return owned;
  }

  /**
   * On a cluster: this node's part taken (merged row by row into every node's) and published, the parts not heard
   * from dropped.
   */
  private void ownPart(DialerStatus.Live live, List<LiveAgent> agents, Set<String> owned, long now) {
    ownedHere = owned;
    parts.own(BoardParts.owned(agents, owned), BoardParts.owned(live, owned), now);
    publishPart(now);
    parts.dropStale(now);
  }

  /**
   * Publishes what changed in this node's part (at most every {@link #PART_GAP_MS}: a change within the gap goes out
   * at its end), and every {@link BoardParts#REPEAT_MS} regardless, so that the other nodes know it is alive.
   */
  private void publishPart(long now) {
    if (!parts.ownChanged() && now - partSentAt < BoardParts.REPEAT_MS) {
      return;
    }
    long wait = partSentAt + PART_GAP_MS - now;
    if (wait > 0) {
      if (partTimer == -1) {
        partTimer = vertx.setTimer(wait, t -> {
          partTimer = -1;
          changeSuggested();
        });
      }
      return;
    }
    partSentAt = now;
    vertx.eventBus().publish(BOARD_PART, parts.outgoing(++partSeq));
  }

  private void push(BoardState board, JsonObject changed) {
    published = board;
    snapshot = null;
    coalescer.pushed();
    if (changed == null) {
      return;
    }
    seq++;
    JsonObject update = new JsonObject().put("type", "sup.update").put("seq", seq).put("at", board.at())
        .put("changed", changed);
    Push.toRoleHere(vertx.eventBus(), Role.SUPERVISOR, update);
    Push.toRoleHere(vertx.eventBus(), Role.ADMIN, update);
  }

  /**
   * An agent's or a call's event, from any node. With no page here, an event of a PBX another node owns changes
   * nothing this node needs now: that node's part brings it (and the tick reads this node's own lines anyway).
   */
  private void eventHeard(JsonObject event) {
    if (parts != null && pagesHere.isEmpty() && waiting.isEmpty() && !ownedHere.contains(event.getString("pbx"))) {
      return;
    }
    changeSuggested();
  }

  /** The first board, pushed to nobody: the pages that open get it as their snapshot. */
  private Future<Void> firstBoard() {
    Promise<Void> p = Promise.promise();
    telephony.telephonyContext().runOnContext(v -> {
      DialerStatus.Live live = dialer == null ? null : dialer.liveNow();
      List<LiveAgent> agents = LiveAgent.read(telephony.all(), dialer);
      Set<String> owned = parts == null ? Set.of() : ownedPbxes();
      context.runOnContext(x -> {
        if (parts != null) {
          ownPart(live, agents, owned, clock.millis());
        }
        published = parts == null ? build(live, agents) : build(parts.live(), parts.agents());
        snapshot = null;
        p.complete();
      });
    });
    return p.future();
  }

  // ---- what the database knows ------------------------------------------------------------------------------

  private void figuresSuggested() {
    figuresWanted = true;
    maybeAskFigures();
  }

  /** The gap between two reads of the figures after one that took {@code tookMs}: 2 s to 15 s. */
  /**
   * The database's figures are read for the pages here and for the alerts (the list nearly exhausted): a node with
   * no page that does not record the alerts leaves them (the first page to open asks them again).
   */
  private boolean figuresNeeded() {
    return !pagesHere.isEmpty() || !waiting.isEmpty() || parts == null || parts.recordsForAll();
  }

  static long figuresGapMs(long tookMs) {
    return Math.min(FIGURES_EVERY_MS, Math.max(FIGURES_MIN_MS, (long) (tookMs / FIGURES_DUTY)));
  }

  private void maybeAskFigures() {
    if (!figuresWanted || figuresAsking || figuresTimer != -1 || !figuresNeeded()) {
      return;
    }
    long wait = figuresAskedAt + figuresGapMs(figuresTookMs) - clock.millis();
    if (wait > 0) {
      figuresTimer = vertx.setTimer(wait, t -> {
        figuresTimer = -1;
        maybeAskFigures();
      });
      return;
    }
    askFigures();
  }

  private Future<Void> askFigures() {
    figuresWanted = false;
    figuresAsking = true;
    figuresAskedAt = clock.millis();
    Promise<Void> done = Promise.promise();
    Future<JsonObject> read;
    try {
      read = figures.read(Instant.ofEpochMilli(figuresAskedAt));
    } catch (RuntimeException e) {
      read = Future.failedFuture(e);
    }
    read.onComplete(ar -> context.runOnContext(v -> {
      figuresAsking = false;
      figuresTookMs = clock.millis() - figuresAskedAt;
      if (ar.succeeded() && ar.result() != null) {
        figuresNow = ar.result();
      } else if (ar.failed()) {
        log.atWarn().setMessage("board figures not read").addKeyValue("error", String.valueOf(ar.cause())).log();
      }
      done.complete();
      changeSuggested();
      maybeAskFigures();
    }));
    return done.future();
  }

  private Future<Void> reloadCampaigns() {
    return campaignStore.list().compose(list -> campaignStore.pauses().map(p -> {
      List<Campaign> active = new ArrayList<>();
      for (Campaign c : list) {
        if (c.active()) {
          active.add(c);
        }
      }
      active.sort(java.util.Comparator.comparingLong(Campaign::id));
      return Map.entry(List.copyOf(active), p);
    })).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        campaigns = ar.result().getKey();
        pauses = Map.copyOf(ar.result().getValue());
      } else {
        log.atWarn().setMessage("board campaigns not read").addKeyValue("error", String.valueOf(ar.cause())).log();
      }
    })).mapEmpty();
  }

  private Future<Void> reloadNames() {
    return users.list().onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        ar.result().forEach(u -> names.put(u.id(), u));
        rows.namesChanged();
      }
    })).mapEmpty();
  }

  /** An agent not yet known by name (created since the last reload) is looked up once. */
  private void askNames(List<LiveAgent> agents) {
    for (LiveAgent a : agents) {
      if (!names.containsKey(a.agentId()) && namesAsked.add(a.agentId())) {
        users.byId(a.agentId()).onComplete(ar -> context.runOnContext(v -> {
          if (ar.succeeded() && ar.result().isPresent()) {
            names.put(a.agentId(), ar.result().get());
            rows.namesChanged();
            changeSuggested();
          }
        }));
      }
    }
  }

  private Future<Void> reloadThresholds() {
    return store.thresholds().onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        thresholds = ar.result();
      }
    })).mapEmpty();
  }

  private void alertChanged(String what, JsonObject alert) {
    if (parts != null && !parts.recordsForAll()) {
      return; // every node sees the same alerts on a cluster: the first node by name records them, once
    }
    audit.record(null, "supervisor-board", "supervisor.alert", alert.getString("id"), what, null,
            new JsonObject().put("kind", alert.getString("kind")).put("severity", alert.getString("severity"))
                .put("campaignId", alert.getValue("campaignId")).put("agentId", alert.getValue("agentId"))
                .put("pbx", alert.getValue("pbx")).put("detail", alert.getJsonObject("detail")))
        .onFailure(e -> log.atWarn().setMessage("alert not audited").addKeyValue("alert", alert.getString("id"))
            .addKeyValue("error", e.getMessage()).log());
  }
}
