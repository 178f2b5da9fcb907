package io.huifang.app;

import io.huifang.core.CachedCheck;
import io.huifang.core.HealthCheck;

import io.huifang.auth.AdminBootstrap;
import io.huifang.auth.AuditLog;
import io.huifang.auth.PasswordHasher;
import io.huifang.auth.SessionStore;
import io.huifang.auth.UserStore;
import io.huifang.db.Database;
import io.huifang.telephony.AgentLineRoutes;
import io.huifang.campaign.CampaignRoutes;
import io.huifang.campaign.CampaignStore;
import io.huifang.dealer.DealerRoutes;
import io.huifang.dealer.DealerStore;
import io.huifang.campaign.list.ImportRoutes;
import io.huifang.campaign.list.ImportService;
import io.huifang.campaign.list.ImportStore;
import io.huifang.campaign.audit.DataAuditRoutes;
import io.huifang.campaign.audit.DataAuditStore;
import io.huifang.campaign.schedule.ScheduleRoutes;
import io.huifang.campaign.schedule.Scheduler;
import io.huifang.web.Api;
import io.huifang.auth.AuditRoutes;
import io.huifang.auth.SessionRoutes;
import io.huifang.auth.UserRoutes;
import io.huifang.web.WebServer;
import io.huifang.dialer.DialerService;
import io.huifang.telephony.AttemptStore;
import io.huifang.telephony.Telephony;
import io.huifang.pbx.emulator.EmulatorOptions;
import io.huifang.pbx.emulator.PbxEmulator;
import io.huifang.recording.RecordingRoutes;
import io.huifang.recording.RecordingPolicies;
import io.huifang.recording.RecordingService;
import io.huifang.recording.RecordingStore;
import io.huifang.recording.RetentionJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Huifang: database (embedded or configured), PBX connection, web server. Starts in dependency order
 * and stops in reverse: first stop taking requests and calls, then finish writes, then close the pool, then stop
 * the embedded database.
 */
public final class Server {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final Config config;
  private final Vertx vertx;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile io.huifang.casework.Casework casework;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private Database db;
  private WebServer web;
  private Telephony telephony;
  private AttemptStore attempts;
  private DialerService dialer;
  private CampaignStore campaignStore;
  /** The in-process emulated PBXes by name (emulator.pbxes), in their order; none with Asterisk. */
  private final java.util.Map<String, PbxEmulator> emulators = new java.util.concurrent.ConcurrentHashMap<>();
  private Long purgeTimer;
  private Long expiryTimer;
  private Scheduler scheduler;
  private RecordingService recordings;
  private io.huifang.desk.AgentDesk desk;
  private RetentionJob retention;
  private Long recordingRetryTimer;
  private io.huifang.qa.QaService qa;
  private io.huifang.supervisor.LiveBoard board;
  private io.huifang.supervisor.Listening listening;
  private io.huifang.casework.Plans plans;
  private io.huifang.casework.Appeals appeals;
  /** Who owns each PBX and each singleton job (issue 22); on one node, this node owns them all. */
  private io.huifang.db.lease.Leases leases;
  static final String TASK_EXPIRY = io.huifang.db.lease.Leases.JOB + "task-expiry";
  static final String RECORDING_RETRY = io.huifang.db.lease.Leases.JOB + "recording-retry";
  static final String RETENTION = io.huifang.db.lease.Leases.JOB + "recording-retention";
  static final String CASE_DEADLINES = io.huifang.db.lease.Leases.JOB + "case-deadlines";
  static final String PLAN_DEADLINES = io.huifang.db.lease.Leases.JOB + "plan-deadlines";
  static final String QA_HOUSEKEEPING = io.huifang.db.lease.Leases.JOB + "qa-housekeeping";

  private Server(Config config, Vertx vertx) {
    this.config = config;
    this.vertx = vertx;
  }

  public static Future<Server> start(Config config) {
    VertxOptions options = new VertxOptions().setWorkerPoolSize(8)
        .setMaxWorkerExecuteTime(5).setMaxWorkerExecuteTimeUnit(java.util.concurrent.TimeUnit.MINUTES);
    // Several nodes (cluster.members): the clustered event bus over Hazelcast (docs/cluster.md); else plain Vert.x,
    // and no Hazelcast class is loaded at all.
    return config.cluster().isEmpty() ? start(config, Vertx.vertx(options))
        : ClusterNode.start(options, config.cluster().get()).compose(vertx -> start(config, vertx));
  }

  private static Future<Server> start(Config config, Vertx vertx) {
    Server s = new Server(config, vertx);
    io.vertx.core.Promise<Server> started = io.vertx.core.Promise.promise();
    s.boot().onSuccess(v -> started.complete(s)).onFailure(e -> {
      log.atError().setMessage("start-up failed; stopping what was started").addKeyValue("error", String.valueOf(e))
          .setCause(e).log();
      // Completed from the closing thread: Vert.x itself is gone by then.
      s.stop().whenComplete((v, x) -> started.fail(e));
    });
    return started.future();
  }

  private Future<Void> boot() {
    log.atInfo().setMessage("starting Huifang").addKeyValue("version", Version.get())
        .addKeyValue("db", config.embeddedDb() ? "embedded" : "external")
        .addKeyValue("pbx", config.pbxMode().name().toLowerCase()).log();
    return Database.start(vertx, config.database()).compose(database -> {
      db = database;
      leases = new io.huifang.db.lease.Leases(vertx, new io.huifang.db.lease.LeaseStore(db.pool()), leaseHolder());
      for (String job : List.of(TASK_EXPIRY, RECORDING_RETRY, RETENTION, CASE_DEADLINES, PLAN_DEADLINES,
          QA_HOUSEKEEPING)) {
        leases.want(job);
      }
      UserStore users = new UserStore(db.pool());
      SessionStore sessions = new SessionStore(db.pool(), Duration.ofMinutes(config.sessionIdleMinutes()));
      PasswordHasher hasher = new PasswordHasher(vertx);
      AuditLog audit = new AuditLog(db.pool());
      io.huifang.supervisor.SupervisorStore supervisorStore = new io.huifang.supervisor.SupervisorStore(db.pool());
      DealerStore dealers = new DealerStore(db.pool());
      CampaignStore campaigns = new CampaignStore(db.pool());
      campaignStore = campaigns;
      io.huifang.survey.QuestionnaireStore questionnaires = new io.huifang.survey.QuestionnaireStore(db.pool(),
          questionnaireOfCampaign(campaigns));
      ImportStore importStore = new ImportStore(db.pool());
      ImportService imports = new ImportService(vertx, importStore, dealers);
      scheduler = new Scheduler(db.pool(), campaigns, Duration.ofSeconds(config.taskLeaseSeconds()));
      scheduler.keepWritesIn(db.journal());
      // ffmpeg runs are CPU-bound: at most half the cores, so calls and the web stay responsive.
      recordings = new RecordingService(vertx, new RecordingStore(db.pool()), config.recordingsDir(),
          new io.huifang.recording.LocalArchive(config.recordingsDir(), config.recordingArchive().shared()),
          config.dataDir().resolve("cache"), Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
          Clock.systemUTC());
      // Recordings in a cluster (docs/cluster.md): each names the node that archived it; each PBX's own spool.
      recordings.setNode(leaseHolder());
      recordings.setRawDirs(config.recordingArchive().rawDirs());
      recordings.keepWritesIn(db.journal());
      // Recordings whose processing found the database away are taken up again when it is back.
      db.onBack(() -> recordings.resumePending());
      retention = new RetentionJob(vertx, recordings, audit, Clock.systemUTC());
      retention.onlyWhile(() -> leases.held(RETENTION));
      if (config.cluster().isPresent() && !config.recordingArchive().shared()) {
        retention.perNode(leaseHolder()); // each node's archive is out of the others' reach
      }
      qa = new io.huifang.qa.QaService(vertx, new io.huifang.qa.QaStore(db.pool()), Clock.systemUTC());
      qa.onlyWhile(() -> leases.held(QA_HOUSEKEEPING));
      // Casework (issue 20): cases, second callbacks (二次回访), notifications.
      casework = new io.huifang.casework.Casework(vertx, db.pool(), audit, questionnaires);
      casework.onlyWhile(() -> leases.held(CASE_DEADLINES));
      // Improvement plans and appeals (issue 20): plans opened when report approves a month (their minutes kept under
      // the data dir); an appeal's second callback through casework's SecondCallbacks, its verdict handed back here.
      io.huifang.casework.Notices notices = io.huifang.casework.Notices.of(casework.notifications());
      plans = new io.huifang.casework.Plans(vertx, db.pool(), audit, config.dataDir().resolve("plans"),
          Clock.systemUTC(), notices);
      plans.onlyWhile(() -> leases.held(PLAN_DEADLINES));
      io.huifang.casework.SecondCallbacks callbacks = casework.secondCallbacks();
      appeals = new io.huifang.casework.Appeals(db.pool(), audit, Clock.systemUTC(),
          () -> new io.huifang.casework.AppealStore().rules(db.pool()),
          (id, customer, context, deadline) -> callbacks.create(io.huifang.casework.Appeals.PURPOSE, id, customer,
              context, deadline).map(io.huifang.casework.SecondCallbacks.Callback::taskId),
          notices);
      callbacks.onResult(io.huifang.casework.Appeals.PURPOSE, appeals::verdict);
      // Dealer scores by month (issue 19): the calls appealed away (qualified or untrue) leave the dealer's samples.
      var monthService = new io.huifang.report.MonthService(vertx, db.pool(), questionnaires, audit,
          appeals::upheld, io.huifang.report.ScoringRules.DEFAULT);
      // Agents' requests served by the node holding their line, whichever node the page is on (docs/cluster.md).
      io.huifang.telephony.LineHolders lineHolders = new io.huifang.telephony.LineHolders(vertx, () -> telephony,
          config.pbxMode() == Config.PbxMode.EMULATOR);
      WebServer.Probes probes = new WebServer.Probes(new CachedCheck(this::dbHealth, 1000), this::pbxHealth,
          () -> telephony == null ? new io.vertx.core.json.JsonArray() : telephony.healthByPbx(), Version.get());
      web = new WebServer(vertx, router -> new Api(router, sessions, config.allowedOrigins()), config.webDir(), probes, List.of(
          // Failed sign-ins counted per cluster (the database's rows) when there are several nodes (docs/cluster.md).
          new SessionRoutes(users, sessions, hasher, audit, config.cookieSecure(), vertx.isClustered()
              ? new io.huifang.auth.SharedLoginThrottle(db.pool()) : new io.huifang.auth.LoginThrottle(100_000))::register,
          new UserRoutes(users, sessions, hasher, audit)::register,
          new AuditRoutes(audit)::register,
          new AgentLineRoutes(() -> telephony, lineHolders)::register,
          new io.huifang.desk.AgentDeskRoutes(() -> desk, lineHolders)::register,
          // Agents shared across campaigns (issue 23): the campaigns each agent takes.
          new io.huifang.telephony.AgentSkillRoutes(new io.huifang.telephony.AgentSkillStore(db.pool()),
              () -> telephony, audit)::register,
          new DealerRoutes(dealers, audit)::register,
          new CampaignRoutes(campaigns, audit, key -> questionnaires.current(key).map(q -> true)
              .recover(e -> e instanceof java.util.NoSuchElementException ? Future.succeededFuture(false)
                  : Future.failedFuture(e)))::register,
          new ImportRoutes(vertx, imports, importStore, campaigns, config.dataDir().resolve("uploads"))::register,
          new ScheduleRoutes(scheduler)::register,
          // The do-not-call list and special-case filings with their pages (issue 21).
          new io.huifang.campaign.rules.DoNotCallRoutes(new io.huifang.campaign.rules.DoNotCallStore(db.pool()),
              audit)::register,
          new io.huifang.campaign.rules.FilingRoutes(new io.huifang.campaign.rules.FilingStore(db.pool()),
              audit)::register,
          new io.huifang.dialer.DialerRoutes(() -> dialer)::register,
          new DataAuditRoutes(new DataAuditStore(db.pool()))::register,
          new io.huifang.survey.QuestionnaireRoutes(questionnaires, audit)::register,
          new io.huifang.qa.QaRoutes(() -> qa)::register,
          io.huifang.qa.EvaluationRoutes.create(vertx, db.pool(), questionnaires, audit)::register,
          new io.huifang.supervisor.SupervisorReportRoutes(vertx, db.pool(),
              java.time.ZoneId.of(io.huifang.campaign.Campaign.DEFAULT_ZONE), Clock.systemUTC())::register,
          new io.huifang.supervisor.SupervisorRoutes(() -> board, campaigns, () -> dialer, lineHolders, users, sessions,
              supervisorStore, audit)::register,
          new io.huifang.supervisor.SupervisorListenRoutes(() -> listening, lineHolders, users)::register,
          new io.huifang.report.ReportRoutes(vertx, monthService)::register,
          // The dealer's report as PDF, for the staff and the dealer's own users.
          new io.huifang.report.ReportPdfRoutes(vertx, monthService::voc)::register,
          new io.huifang.casework.AppealRoutes(() -> appeals)::register,
          new io.huifang.casework.PlanRoutes(() -> plans,
              config.dataDir().resolve("uploads").resolve("plans").toString())::register,
          new RecordingRoutes(recordings, audit)::register,
          casework::register));
      purgeTimer = vertx.setPeriodic(Duration.ofHours(1).toMillis(), id -> sessions.purgeExpired());
      // Deadlines pass by the minute; a task past its deadline must not wait long to show as expired.
      expiryTimer = vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), id -> (leases.held(TASK_EXPIRY)
          ? scheduler.expireOverdue(java.time.Instant.now()) : Future.succeededFuture(0))
          .onSuccess(n -> {
            if (n > 0) {
              log.atInfo().setMessage("tasks expired, not called").addKeyValue("count", n).log();
            }
          })
          .onFailure(e -> log.atWarn().setMessage("expiring overdue tasks failed").addKeyValue("error", e.getMessage())
              .log()));
      return AdminBootstrap.ensureAdmin(users, hasher, config.adminPassword())
          .compose(created -> startPbx())
          .compose(v -> takeLeases())
          .map(v -> {
            dialer = new DialerService(vertx, telephony, campaigns, scheduler, attempts, config.dialTemplate(),
                config.originatesPerSecond(), Clock.systemUTC());
            // No dialling while the database is away, nor before what it missed is written (the outcomes of the
            // calls that ended meanwhile decide when their customers may be called again).
            dialer.dialOnlyWhen(() -> db.available() && db.journal().pending() == 0);
            dialer.start();
            desk = new io.huifang.desk.AgentDesk(vertx, telephony, new io.huifang.desk.DeskStore(db.pool()),
                new io.huifang.survey.SurveyResponses(db.pool()),
                questionnaires, campaigns, scheduler, Clock.systemUTC());
            desk.start();
            return v;
          })
          .compose(v -> {
            // The supervisors' live board, on its own event loop, with the figures only the database knows (windows,
            // list progress, dealers, agents' day and QA month) in the centre's time zone.
            io.huifang.supervisor.FigureSource figures = new io.huifang.supervisor.DbFigures(db.pool(), campaigns,
                java.time.ZoneId.of(io.huifang.campaign.Campaign.DEFAULT_ZONE));
            board = new io.huifang.supervisor.LiveBoard(telephony, dialer, campaigns, users, audit, supervisorStore,
                figures, Clock.systemUTC());
            if (vertx.isClustered()) {
              board.acrossNodes(leases.holder()); // every node's PBXes on every board (docs/cluster.md)
            }
            return vertx.deployVerticle(board).<Void>mapEmpty();
          })
          .compose(v -> startRecordings())
          .compose(v -> qa.start())
          .compose(v -> plans.start())
          .compose(v -> casework.start())
          .compose(v -> {
            // Supervisors listening in (ChanSpy on the PBX of the agent's call), once every PBX is connected.
            listening = new io.huifang.supervisor.Listening(vertx, () -> telephony,
                new io.huifang.supervisor.ListenStore(db.pool()), audit,
                config.pbxMode() == Config.PbxMode.EMULATOR, Clock.systemUTC());
            return listening.start();
          })
          .onSuccess(v -> {
            if (config.demo()) {
              // After start-up, in the background: the server is usable while the demo list is imported.
              DemoData.start(vertx, config, users, hasher, dealers, campaigns, imports, telephony, desk, qa)
                  .onFailure(e -> log.atWarn().setMessage("demo data not set up").addKeyValue("error", String.valueOf(e))
                      .log());
            }
          })
          .compose(v -> web.listen(config.httpHost(), config.httpPort()))
          .<Void>mapEmpty()
          .onSuccess(v -> log.atInfo().setMessage("Huifang is ready")
              .addKeyValue("url", "http://" + displayHost() + ":" + web.port() + "/")
              .addKeyValue("db", db.description()).log());
    });
  }

  /**
   * Takes the leases wanted (the jobs', and every PBX's, wanted as it connected: startPbx): on one node (or the first
   * of several) every lease is granted at once, before anything dials or runs a job.
   */
  private Future<Void> takeLeases() {
    return leases.start();
  }

  /**
   * This node's name as a lease holder: the same after a restart (host and data directory), so that a node restarted
   * after a crash takes its PBXes back at once (with a new epoch) instead of waiting for its old grants to run out.
   */
  private String leaseHolder() {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "node";
      }
    }
    String holder = host + ":" + config.dataDir().toAbsolutePath().normalize();
    return holder.length() <= 200 ? holder : holder.substring(holder.length() - 200);
  }

  /** The leases this node wants and holds (issue 22). */
  public io.huifang.db.lease.Leases leases() {
    return leases;
  }

  /**
   * Starts the telephony verticle (FastAGI first, so its port is known), then the PBXes: with the emulator, starts
   * each emulated PBX (emulator.pbxes) in this process (AMI on loopback, its FastAGI client pointed at our AGI port)
   * and connects to it; with Asterisk, connects to every configured server. Connections retry in the background: a PBX that is down at
   * start-up shows as DOWN in /health and is picked up when it appears.
   */
  private Future<Void> startPbx() {
    attempts = new AttemptStore(db.pool(), db.journal());
    Config.PbxLimits limits = config.pbxLimits();
    telephony = new Telephony(attempts, config.agiHost(), config.agiPort(), Clock.systemUTC(),
        new io.huifang.pbx.ami.AmiClient.Limits(Duration.ofSeconds(limits.amiLoginTimeoutSeconds()),
            Duration.ofSeconds(limits.amiListTimeoutSeconds()), limits.amiListMaxItems(),
            io.huifang.pbx.ami.AmiClient.Limits.DEFAULT.healthyAfter()),
        new io.huifang.pbx.agi.FastAgiServer.Limits(Duration.ofSeconds(limits.agiIdleTimeoutSeconds()),
            limits.agiMaxSessions(), limits.agiMaxSessionsPerPeer()));
    telephony.useSkills(new io.huifang.telephony.AgentSkillStore(db.pool()));
    // Each agent's line wish kept for the node that takes a PBX over (issue 22, docs/cluster.md).
    telephony.keepLineWishes(new io.huifang.telephony.AgentLineStore(db.pool()));
    // Every PBX's lease wanted, and its originates fenced with it, before its AMI session starts (takeLeases).
    telephony.fenceWith(pbx -> {
      String lease = io.huifang.db.lease.Leases.PBX + pbx;
      leases.want(lease);
      return () -> leases.fence(lease);
    });
    return vertx.deployVerticle(telephony).compose(id -> {
      config.cluster().ifPresent(c -> telephony.answeredCallsTo(agiUrl(c)));
      if (config.pbxMode() == Config.PbxMode.ASTERISK) {
        List<Future<?>> connecting = new java.util.ArrayList<>();
        for (Config.PbxServer p : config.pbxServers()) {
          connecting.add(telephony.connect(new Telephony.PbxEndpoint(p.name(), p.host(), p.port(), config.amiUser(),
              config.amiSecret())));
        }
        return Future.all(connecting).<Void>mapEmpty();
      }
      String secret = config.amiSecret().isEmpty() ? AdminBootstrap.randomSecret(24) : config.amiSecret();
      // One after the other: telephony keeps the PBXes in the order they connect, and the first is where a
      // softphone that names no PBX lives.
      List<String> names = config.emulatorPbxes();
      Future<Void> started = Future.succeededFuture();
      for (int i = 0; i < names.size(); i++) {
        int index = i;
        started = started.compose(v -> startEmulator(names.get(index), index, secret));
      }
      return started;
    });
  }

  /**
   * Several nodes: this node's FastAGI address as the PBX reaches it, set on every call it dials (docs/cluster.md):
   * pbx.agi-host, or cluster.host when the FastAGI server listens on every address.
   */
  private String agiUrl(Config.Cluster c) {
    String host = config.agiHost();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = c.host();
    }
    return "agi://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
        + telephony.agiPort();
  }

  /**
   * Starts the {@code index}th emulated PBX (its own AMI port and seed, its FastAGI client pointed at our AGI port)
   * and connects to it. The emulator is local: being "ready" includes being logged in to it.
   */
  private Future<Void> startEmulator(String name, int index, String secret) {
    int port = config.emulatorAmiPort(index);
    EmulatorOptions options = new EmulatorOptions("127.0.0.1", port, config.amiUser(), secret,
        "agi://127.0.0.1:" + telephony.agiPort(), config.emulatorScenario().orElse(null),
        // a seed of its own, so two emulated PBXes do not answer in lockstep; the first keeps emulator.seed
        config.emulatorSpeed(), config.emulatorSeed() + index, config.recordingsRawDir(name));
    String which = config.emulatorPbxes().size() > 1 ? " " + name : "";
    String portKey = index == 0 ? "pbx.ami-port" : "pbx.ami-port + " + index;
    return PbxEmulator.start(vertx, options)
        .recover(e -> Future.failedFuture(new IllegalStateException("PBX emulator" + which + " cannot listen on"
            + " 127.0.0.1:" + port + " (" + portKey + "): " + e.getMessage(), e)))
        .compose(emu -> {
          emulators.put(name, emu);
          log.atInfo().setMessage("PBX emulator started").addKeyValue("pbx", name)
              .addKeyValue("ami", "127.0.0.1:" + emu.amiPort()).addKeyValue("agi", "127.0.0.1:" + telephony.agiPort())
              .addKeyValue("speed", config.emulatorSpeed()).addKeyValue("seed", options.seed()).log();
          return telephony.connect(new Telephony.PbxEndpoint(name, "127.0.0.1", emu.amiPort(), config.amiUser(),
              secret));
        })
        .compose(pbx -> pbx.tracker().ami().connected().timeout(10, TimeUnit.SECONDS))
        .<Void>mapEmpty();
  }

  public io.huifang.desk.AgentDesk desk() {
    return desk;
  }

  /** Recordings follow every PBX's attempts; leftovers of a stop are picked up; failed ones retried. */
  private Future<Void> startRecordings() {
    recordings.setPbxDirs(config::recordingsPbxDir);
    // The campaign decides: record all connected calls, none, or on demand.
    recordings.setPolicies(id -> id == null ? Future.succeededFuture(RecordingPolicies.DEFAULT_RULES)
        : campaignStore.get(id).map(c -> c.map(cc -> new RecordingPolicies.Rules(switch (cc.recordingPolicy()) {
          case NONE -> RecordingPolicies.Capture.NONE;
          case ON_DEMAND -> RecordingPolicies.Capture.ON_DEMAND;
          case ALL -> RecordingPolicies.Capture.ALL;
        }, RecordingPolicies.DEFAULT_RULES.agentsMayListen(), RecordingPolicies.DEFAULT_RULES.retentionDays()))
            .orElse(RecordingPolicies.DEFAULT_RULES)));
    telephony.all().forEach(p -> recordings.attach(p.tracker()));
    retention.start(Duration.ofHours(6).toMillis());
    recordingRetryTimer = vertx.setPeriodic(Duration.ofMinutes(10).toMillis(), id -> {
      if (leases.held(RECORDING_RETRY)) {
        recordings.retryFailed().compose(n -> recordings.takeOverStalePending());
      }
    });
    return recordings.checkArchive(config.cluster().isPresent())
        .compose(v -> recordings.resumePending()).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** The recordings pipeline. */
  public RecordingService recordings() {
    return recordings;
  }

  /** Improvement plans (casework). */
  public io.huifang.casework.Plans plans() {
    return plans;
  }

  /** Casework: cases, second callbacks, notifications. */
  public io.huifang.casework.Casework casework() {
    return casework;
  }

  /** QA: the live draw of samples, the queue. */
  public io.huifang.qa.QaService qa() {
    return qa;
  }

  public RetentionJob retention() {
    return retention;
  }

  private Future<HealthCheck> pbxHealth() {
    return Future.succeededFuture(telephony == null ? HealthCheck.down("not started") : telephony.health());
  }

  /** The supervisors' live board. */
  public io.huifang.supervisor.LiveBoard board() {
    return board;
  }

  public DialerService dialer() {
    return dialer;
  }

  /** The calls side: AMI connections, trackers, agents' lines, FastAGI. */
  public Telephony telephony() {
    return telephony;
  }

  /** The (first) in-process PBX emulator, or null when running against Asterisk. */
  public PbxEmulator emulator() {
    return config.emulatorPbxes().isEmpty() ? null : emulators.get(config.emulatorPbxes().get(0));
  }

  /** The in-process emulated PBX of that name (emulator.pbxes), or null. */
  public PbxEmulator emulator(String name) {
    return emulators.get(name);
  }

  /**
   * Kills the in-process emulated PBX of that name as a crash would (calls gone, connections dropped without a word);
   * {@link #reviveEmulator} brings a fresh one up on the same port, and the AMI client finds it by itself. For the
   * fault tests and the soak benchmark.
   */
  public Future<Void> killEmulator(String name) {
    PbxEmulator emu = emulators.get(name);
    return emu == null ? Future.failedFuture(new IllegalArgumentException("no emulated PBX " + name)) : emu.kill();
  }

  /** After {@link #killEmulator}: the PBX is back (no calls up), on the same AMI port. */
  public Future<Void> reviveEmulator(String name) {
    PbxEmulator emu = emulators.get(name);
    if (emu == null) {
      return Future.failedFuture(new IllegalArgumentException("no emulated PBX " + name));
    }
    return emu.restart().onSuccess(fresh -> emulators.put(name, fresh)).mapEmpty();
  }

  private Future<HealthCheck> dbHealth() {
    return db.ping().map(v -> HealthCheck.up("PostgreSQL " + db.description() + ": " + v.split(" on ")[0]))
        .recover(e -> Future.succeededFuture(HealthCheck.down("PostgreSQL " + db.description() + ": "
            + e.getMessage())));
  }

  private String displayHost() {
    return "0.0.0.0".equals(config.httpHost()) ? "localhost" : config.httpHost();
  }

  public int httpPort() {
    return web.port();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The dialer's scheduler (next due tasks, outcomes, expiry). */
  public Scheduler scheduler() {
    return scheduler;
  }

  public Database database() {
    return db;
  }

  public WebServer web() {
    return web;
  }

  /**
   * For the failover tests: the node dies as a crash would. Nothing is given back or written on the way out (no lease
   * released, no call ended, no journal flushed): Vert.x is closed, and with it every socket (AMI, FastAGI, HTTP, the
   * database pool, the cluster). Other nodes see the leases run out and take over.
   */
  java.util.concurrent.CompletableFuture<Void> crash() {
    stopping.set(true);
    log.atWarn().setMessage("crashing Huifang (test)").log();
    if (telephony != null) {
      // the AMI clients would otherwise reconnect while Vert.x closes; a dead process does not
      telephony.all().forEach(p -> p.tracker().ami().close());
    }
    new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.atWarn().setMessage("Vert.x did not close cleanly").addKeyValue("error", e.toString()).log();
      } finally {
        stopped.complete(null);
      }
    }, "huifang-crash").start();
    return stopped;
  }

  /**
   * Graceful stop; safe to call more than once and after a failed start. Completes once Vert.x itself is closed.
   * Vert.x is closed from a plain thread: closing it from one of its own contexts would leave the completion with
   * nowhere to run.
   */
  public CompletableFuture<Void> stop() {
    if (!stopping.compareAndSet(false, true)) {
      return stopped;
    }
    log.atInfo().setMessage("stopping Huifang").log();
    stopServices().onComplete(ar -> {
      Thread closer = new Thread(() -> {
        try {
          vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          log.atInfo().setMessage("Huifang stopped").log();
        } catch (Exception e) {
          log.atWarn().setMessage("Vert.x did not close cleanly").addKeyValue("error", e.toString()).log();
        } finally {
          stopped.complete(null);
        }
      }, "huifang-close");
      closer.start();
    });
    return stopped;
  }

  private Future<Void> stopServices() {
    if (purgeTimer != null) {
      vertx.cancelTimer(purgeTimer);
    }
    if (expiryTimer != null) {
      vertx.cancelTimer(expiryTimer);
    }
    if (dialer != null) {
      dialer.stop(); // no new calls from here on; calls already up finish or are picked up after a restart
    }
    if (board != null && board.deploymentID() != null) {
      // before the PBXes and the database go: a board still reading would see them go and raise alerts for it
      vertx.undeploy(board.deploymentID());
    }
    if (recordingRetryTimer != null) {
      vertx.cancelTimer(recordingRetryTimer);
    }
    if (retention != null) {
      retention.stop();
    }
    if (recordings != null) {
      recordings.close();
    }
    if (qa != null) {
      qa.stop();
    }
    if (plans != null) {
      plans.stop();
    }
    if (casework != null) {
      casework.stop();
    }
    Future<Void> f = web == null ? Future.succeededFuture() : web.shutdown(config.shutdownGraceSeconds())
        .recover(e -> Future.succeededFuture());
    return f
        .compose(v -> telephony == null || telephony.deploymentID() == null ? Future.<Void>succeededFuture()
            : vertx.undeploy(telephony.deploymentID()))
        .recover(e -> Future.succeededFuture())
        .compose(v -> Future.join(emulators.values().stream().map(PbxEmulator::close).toList()).<Void>mapEmpty())
        .recover(e -> Future.succeededFuture())
        // the leases given back before the database goes: another node takes them at once, not after they run out
        .compose(v -> leases == null ? Future.<Void>succeededFuture() : leases.stop())
        .compose(v -> db == null ? Future.<Void>succeededFuture() : db.close())
        .recover(e -> {
          log.atWarn().setMessage("database close failed").addKeyValue("error", e.getMessage()).log();
          return Future.succeededFuture();
        });
  }

  /** Survey asks the campaign module which questionnaire a campaign names (it does not read the campaign table). */
  public static io.huifang.survey.CampaignQuestionnaire questionnaireOfCampaign(CampaignStore campaigns) {
    return id -> campaigns.get(id).map(c -> c.map(found -> new io.huifang.survey.CampaignQuestionnaire.Choice(
        io.huifang.campaign.Campaign.id(found.kind()), found.questionnaire())));
  }
}
