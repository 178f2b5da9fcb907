package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.pbx.ami.AmiParser;
import io.huifang.pbx.ami.AmiWriter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The AMI side: a NetServer speaking Asterisk's manager protocol, one {@link Session} per connection. */
final class AmiServer implements World.EventSink {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AmiServer.class);
  private static final DateTimeFormatter TV = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
      .withZone(ZoneOffset.UTC);
  /** A client that stops reading is cut off rather than letting its backlog grow without bound. */
  private static final int MAX_WRITE_BACKLOG = 32 * 1024 * 1024;
  /**
   * -Dhuifang.emulator.log-originates=true: one log line per Originate received (the AMI session it came on, its
   * HF_EPOCH and HF_ATTEMPT, accepted or not), for the cluster benchmark (.ci/bench-cluster3) to count the
   * originates each lease grant placed, stale owners' among them. Off by default: one line per call is noise.
   */
  private static final boolean LOG_ORIGINATES = Boolean.getBoolean("huifang.emulator.log-originates");
  static final List<String> COMMANDS = List.of("Bridge", "Challenge", "Command", "CoreSettings",
      "CoreShowChannels", "CoreStatus", "Events", "Getvar", "Hangup", "ListCommands", "Login", "Logoff",
      "MixMonitor", "MixMonitorMute", "Originate", "Ping", "Redirect", "Setvar", "Status", "StopMixMonitor", "UserEvent");

  private final PbxEmulator emu;
  private World world;
  private NetServer server;
  private final Set<Session> sessions = new LinkedHashSet<>();
  private final long startedAtMillis = System.currentTimeMillis();
  private long sessionIds = 0x7f1cf8000f10L;

  AmiServer(PbxEmulator emu) {
    this.emu = emu;
  }

  void world(World w) {
    this.world = w;
  }

  Future<Integer> listen(String host, int port) {
    server = emu.vertx().createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
        .setReuseAddress(true));
    server.connectHandler(this::accept);
    return server.listen().map(NetServer::actualPort);
  }

  int sessionCount() {
    return sessions.size();
  }

  private void accept(NetSocket so) {
    Session s = new Session(so);
    sessions.add(s);
    so.write(AmiWriter.BANNER);
  }

  @Override
  public void event(String eventClass, AmiMessage event) {
    if (sessions.isEmpty()) {
      return;
    }
    Buffer encoded = null;
    for (Session s : sessions) {
      if (s.wants(eventClass)) {
        if (encoded == null) {
          encoded = AmiWriter.toBuffer(event);
        }
        s.send(encoded);
      }
    }
  }

  /** Event: Shutdown to every logged-in client, then close everything. */
  Future<Void> shutdown() {
    AmiMessage m = AmiMessage.event("Shutdown", "system").add("Shutdown", "Cleanly").add("Restart", "False");
    event("system", m);
    List<Future<Void>> closes = new ArrayList<>();
    for (Session s : new ArrayList<>(sessions)) {
      s.flushQueued();
      closes.add(s.so.end());
    }
    sessions.clear();
    return Future.join(closes).transform(x -> server == null ? Future.succeededFuture() : server.close());
  }

  /** Every session dropped at once, nothing said (the PBX crashed), and the listener closed. */
  Future<Void> kill() {
    for (Session s : new ArrayList<>(sessions)) {
      s.so.close();
    }
    sessions.clear();
    return server == null ? Future.succeededFuture() : server.close();
  }

  private static String md5(String s) {
    try {
      byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
      return String.format(Locale.ROOT, "%032x", new BigInteger(1, d));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  final class Session {
    final NetSocket so;
    final AmiParser parser;
    final String id = "0x" + Long.toHexString(sessionIds += 0x90);
    boolean authed;
    boolean closing;
    /** null = all classes; empty = events off. */
    Set<String> classes;
    String challenge;
    String tv;
    /** While a synchronous Originate runs, this session's actions and events wait (03i, 03j). */
    boolean blocked;
    final ArrayDeque<Buffer> heldEvents = new ArrayDeque<>();
    final ArrayDeque<AmiMessage> heldActions = new ArrayDeque<>();

    Session(NetSocket so) {
      this.so = so;
      so.setWriteQueueMaxSize(MAX_WRITE_BACKLOG);
      this.parser = new AmiParser(AmiParser.DEFAULT_MAX_LINE, AmiParser.DEFAULT_MAX_MESSAGE, this::onMessage);
      parser.errorHandler(err -> close());
      so.handler(parser);
      so.closeHandler(v -> gone());
      so.exceptionHandler(e -> close());
    }

    boolean wants(String cls) {
      if (!authed || closing) {
        return false;
      }
      return classes == null || classes.contains(cls);
    }

    void send(Buffer b) {
      if (closing) {
        return;
      }
      if (blocked) {
        heldEvents.add(b);
        return;
      }
      write(b);
    }

    private void write(Buffer b) {
      // The queue limit is MAX_WRITE_BACKLOG (set at accept): past it the client is not reading.
      if (so.writeQueueFull()) {
        LOG.warn("AMI client {} stopped reading; closing it", so.remoteAddress());
        close();
        return;
      }
      so.write(b);
    }

    void respond(AmiMessage m) {
      if (!closing) {
        so.write(AmiWriter.toBuffer(m));
      }
    }

    void flushQueued() {
      blocked = false;
      while (!heldEvents.isEmpty()) {
        so.write(heldEvents.poll());
      }
    }

    void close() {
      if (closing) {
        return;
      }
      closing = true;
      sessions.remove(this);
      so.close();
    }

    private void gone() {
      closing = true;
      sessions.remove(this);
      heldEvents.clear();
      heldActions.clear();
    }

    private AmiMessage response(AmiMessage action, String status) {
      AmiMessage r = new AmiMessage().add("Response", status);
      String aid = action.get("ActionID");
      if (aid != null) {
        r.add("ActionID", aid);
      }
      return r;
    }

    private void error(AmiMessage action, String message) {
      respond(response(action, "Error").add("Message", message));
    }

    private void success(AmiMessage action, String message) {
      AmiMessage r = response(action, "Success");
      if (message != null) {
        r.add("Message", message);
      }
      respond(r);
    }

    private void onMessage(AmiMessage m) {
      if (closing) {
        return;
      }
      if (blocked) {
        heldActions.add(m);
        return;
      }
      try {
        handle(m);
      } catch (RuntimeException e) {
        // One bad request must not take the session (or the event loop) down with it.
        LOG.warn("AMI action failed: {}", e.toString());
        error(m, "Internal error");
      }
    }

    private void handle(AmiMessage m) {
      String action = m.get("Action");
      if (action == null || action.isBlank()) {
        error(m, "Missing action in request");
        return;
      }
      String a = action.trim().toLowerCase(Locale.ROOT);
      if (!authed && !a.equals("login") && !a.equals("challenge") && !a.equals("logoff")) {
        error(m, "Permission denied");
        return;
      }
      switch (a) {
        case "login" -> login(m);
        case "challenge" -> challenge(m);
        case "logoff" -> {
          respond(response(m, "Goodbye").add("Message", "Thanks for all the fish."));
          closing = true;
          sessions.remove(this);
          so.end();
        }
        case "ping" -> respond(response(m, "Success").add("Ping", "Pong").add("Timestamp", timestamp()));
        case "events" -> events(m);
        case "coresettings" -> respond(response(m, "Success").add("AMIversion", "11.0.0")
            .add("AsteriskVersion", World.VERSION).add("SystemName", "").add("CoreMaxCalls", "1000")
            .add("CoreMaxLoadAvg", "0.000000").add("CoreRunUser", "").add("CoreRunGroup", "")
            .add("CoreMaxFilehandles", "0").add("CoreRealTimeEnabled", "No").add("CoreCDRenabled", "Yes")
            .add("CoreHTTPenabled", "No").add("SoundsSearchCustomDir", "No"));
        case "corestatus" -> coreStatus(m);
        case "command" -> command(m);
        case "listcommands" -> {
          AmiMessage r = response(m, "Success");
          for (String c : COMMANDS) {
            r.add(c, c + ".  (Priv: <none>)");
          }
          respond(r);
        }
        case "originate" -> originate(m);
        case "hangup" -> hangup(m);
        case "getvar" -> getvar(m);
        case "setvar" -> setvar(m);
        case "coreshowchannels" -> coreShowChannels(m);
        case "status" -> status(m);
        case "redirect" -> redirect(m);
        case "bridge" -> bridge(m);
        case "mixmonitor" -> mixMonitor(m);
        case "mixmonitormute" -> mixMonitorMute(m);
        case "stopmixmonitor" -> stopMixMonitor(m);
        case "userevent" -> userEvent(m);
        default -> {
          error(m, "Invalid/unknown command: " + action.trim()
              + ". Use Action: ListCommands to show available commands.");
          AmiMessage ev = AmiMessage.event("RequestBadFormat", "security").add("EventTV", eventTv())
              .add("Severity", "Error").add("Service", "AMI").add("EventVersion", "1").add("SessionID", id)
              .add("LocalAddress", addr(so.localAddress())).add("RemoteAddress", addr(so.remoteAddress()))
              .add("RequestType", "Action: " + action.trim()).add("SessionTV", tv).add("AccountID",
                  emu.options().amiUser());
          event("security", ev);
        }
      }
    }

    private void login(AmiMessage m) {
      String user = m.get("Username", "");
      boolean ok;
      if ("md5".equalsIgnoreCase(m.get("AuthType", "")) && challenge != null) {
        ok = user.equals(emu.options().amiUser())
            && md5(challenge + emu.options().amiSecret()).equalsIgnoreCase(m.get("Key", ""));
      } else {
        ok = user.equals(emu.options().amiUser()) && emu.options().amiSecret().equals(m.get("Secret"));
      }
      if (!ok) {
        // Asterisk slows down password guessing: 1 s, then the error, then it hangs up (01c).
        blocked = true;
        emu.clock().after(1.0, t -> {
          respond(response(m, "Error").add("Message", "Authentication failed"));
          closing = true;
          sessions.remove(this);
          so.end();
        });
        return;
      }
      authed = true;
      tv = eventTv();
      String ev = m.get("Events");
      classes = ev == null ? null : parseMask(ev);
      success(m, "Authentication accepted");
      if (wants("system")) {
        long up = (System.currentTimeMillis() - startedAtMillis) / 1000;
        so.write(AmiWriter.toBuffer(AmiMessage.event("FullyBooted", "system").add("Uptime", up)
            .add("LastReload", up).add("Status", "Fully Booted")));
      }
      AmiMessage sa = AmiMessage.event("SuccessfulAuth", "security").add("EventTV", tv)
          .add("Severity", "Informational").add("Service", "AMI").add("EventVersion", "1")
          .add("AccountID", user).add("SessionID", id).add("LocalAddress", addr(so.localAddress()))
          .add("RemoteAddress", addr(so.remoteAddress())).add("UsingPassword", "0").add("SessionTV", tv);
      event("security", sa);
    }

    private void challenge(AmiMessage m) {
      if (!"md5".equalsIgnoreCase(m.get("AuthType", ""))) {
        error(m, "Must specify AuthType");
        return;
      }
      if (challenge == null) {
        challenge = Long.toString(100000000L + (long) (Math.random() * 899999999L));
      }
      respond(response(m, "Success").add("Challenge", challenge));
    }

    private void events(AmiMessage m) {
      String mask = m.get("EventMask");
      if (mask == null) {
        error(m, "Missing EventMask");
        return;
      }
      classes = parseMask(mask);
      respond(response(m, "Success").add("Events", classes != null && classes.isEmpty() ? "Off" : "On"));
    }

    private Set<String> parseMask(String mask) {
      String v = mask.trim().toLowerCase(Locale.ROOT);
      if (v.equals("on") || v.equals("yes") || v.equals("true") || v.equals("all") || v.equals("1")) {
        return null;
      }
      if (v.equals("off") || v.equals("no") || v.equals("false") || v.equals("0") || v.isEmpty()) {
        return new HashSet<>();
      }
      Set<String> s = new HashSet<>();
      for (String p : v.split(",")) {
        s.add(p.trim());
      }
      if (s.contains("all")) {
        return null;
      }
      return s;
    }

    private void coreStatus(AmiMessage m) {
      java.time.LocalDateTime st = java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(startedAtMillis),
          ZoneOffset.UTC);
      respond(response(m, "Success").add("CoreStartupDate", st.toLocalDate().toString())
          .add("CoreStartupTime", st.toLocalTime().withNano(0).toString())
          .add("CoreReloadDate", st.toLocalDate().toString())
          .add("CoreReloadTime", st.toLocalTime().withNano(0).toString())
          .add("CoreCurrentCalls", Integer.toString(world.liveChannels()))
          .add("CoreProcessedCalls", Long.toString(world.processedCalls())));
    }

    private void command(AmiMessage m) {
      String c = m.get("Command", "").trim();
      AmiMessage r = response(m, "Success").add("Message", "Command output follows");
      if (c.equals("core show version")) {
        r.add("Output", "Asterisk " + World.VERSION + " (Huifang PBX emulator)");
      } else if (c.equals("core show channels count")) {
        int n = world.liveChannels();
        r.add("Output", n + " active channels");
        r.add("Output", n / 2 + " of 1000 max active calls ( " + String.format(Locale.ROOT, "%.2f", n / 20.0)
            + "% of capacity)");
        r.add("Output", world.processedCalls() + " calls processed");
      } else {
        r.add("Output", "No such command '" + c + "' (type 'core show help " + c + "' for other possible commands)");
      }
      respond(r);
    }

    private void originate(AmiMessage m) {
      String why = world.originator.validateOriginate(m);
      if (LOG_ORIGINATES) {
        logOriginate(m, why);
      }
      if (why != null) {
        error(m, why);
        return;
      }
      String async = m.get("Async", "false").trim().toLowerCase(Locale.ROOT);
      if (async.equals("true") || async.equals("yes") || async.equals("1")) {
        success(m, "Originate successfully queued");
        world.originator.originate(m, null);
        return;
      }
      blocked = true;
      world.originator.originate(m, answered -> {
        if (answered) {
          respond(response(m, "Success").add("Message", "Originate successfully queued"));
        } else {
          respond(response(m, "Error").add("Message", "Originate failed"));
        }
        flushQueued();
        emu.vertx().runOnContext(v -> drainActions());
      });
    }

    private void logOriginate(AmiMessage m, String refused) {
      String epoch = "";
      String attempt = "";
      for (String v : m.getAll("Variable")) {
        for (String part : v.split(",")) {
          if (part.startsWith("HF_EPOCH=")) {
            epoch = part.substring(9);
          } else if (part.startsWith("HF_ATTEMPT=")) {
            attempt = part.substring(11);
          }
        }
      }
      LOG.atInfo().setMessage("originate received").addKeyValue("session", id)
          .addKeyValue("peer", String.valueOf(so.remoteAddress())).addKeyValue("epoch", epoch)
          .addKeyValue("attempt", attempt).addKeyValue("channel", m.get("Channel", ""))
          .addKeyValue("accepted", refused == null).log();
    }

    private void drainActions() {
      while (!blocked && !closing && !heldActions.isEmpty()) {
        handle(heldActions.poll());
      }
    }

    private Channel channelArg(AmiMessage m, String header) {
      return world.find(m.get(header) == null ? null : m.get(header).trim());
    }

    private void hangup(AmiMessage m) {
      String name = m.get("Channel");
      if (name == null || name.isBlank()) {
        error(m, "No channel specified");
        return;
      }
      int cause = World.parseInt(m.get("Cause", "16"), 16);
      List<Channel> targets = new ArrayList<>();
      String n = name.trim();
      if (n.length() > 2 && n.startsWith("/") && n.endsWith("/")) {
        java.util.regex.Pattern re;
        try {
          re = java.util.regex.Pattern.compile(n.substring(1, n.length() - 1));
        } catch (java.util.regex.PatternSyntaxException e) {
          error(m, "Regex compile failed on: " + n.substring(1, n.length() - 1));
          return;
        }
        for (Channel c : world.channels()) {
          if (re.matcher(c.name).find()) {
            targets.add(c);
          }
        }
      } else {
        Channel c = world.find(n);
        if (c != null) {
          targets.add(c);
        }
      }
      if (targets.isEmpty()) {
        error(m, "No such channel");
        return;
      }
      success(m, "Channel Hungup");
      for (Channel c : targets) {
        world.hangups.requestHangup(c, cause);
      }
    }

    private void getvar(AmiMessage m) {
      String var = m.get("Variable");
      if (var == null || var.isBlank()) {
        error(m, "No variable specified");
        return;
      }
      String chName = m.get("Channel");
      String value;
      if (chName == null || chName.isBlank()) {
        String v = var.trim();
        if (v.startsWith("GLOBAL(") && v.endsWith(")")) {
          v = v.substring(7, v.length() - 1);
        }
        value = world.globals.getOrDefault(v, "");
      } else {
        Channel c = world.find(chName.trim());
        if (c == null) {
          error(m, "No such channel");
          return;
        }
        value = world.variable(c, var.trim());
      }
      respond(response(m, "Success").add("Variable", var).add("Value", value));
    }

    private void setvar(AmiMessage m) {
      String var = m.get("Variable");
      if (var == null || var.isBlank()) {
        error(m, "No variable specified");
        return;
      }
      String chName = m.get("Channel");
      if (chName == null || chName.isBlank()) {
        world.globals.put(var.trim(), m.get("Value", ""));
        success(m, "Variable Set");
        return;
      }
      Channel c = world.find(chName.trim());
      if (c == null) {
        error(m, "No such channel");
        return;
      }
      world.varSet(c, var.trim(), m.get("Value", ""));
      success(m, "Variable Set");
    }

    private AmiMessage listStart(AmiMessage m, String message) {
      return response(m, "Success").add("EventList", "start").add("Message", message);
    }

    private void coreShowChannels(AmiMessage m) {
      respond(listStart(m, "Channels will follow"));
      String aid = m.get("ActionID");
      List<Channel> list = new ArrayList<>(world.channels());
      java.util.Collections.reverse(list);
      for (Channel c : list) {
        AmiMessage ev = new AmiMessage(24).add("Event", "CoreShowChannel");
        if (aid != null) {
          ev.add("ActionID", aid);
        }
        c.block(ev).add("Application", c.app).add("ApplicationData", c.appData)
            .add("Duration", duration(world.clock.elapsed() - c.createdAt))
            .add("BridgeId", c.bridge == null ? "" : c.bridge.id);
        respond(ev);
      }
      AmiMessage done = new AmiMessage().add("Event", "CoreShowChannelsComplete");
      if (aid != null) {
        done.add("ActionID", aid);
      }
      respond(done.add("EventList", "Complete").add("ListItems", Integer.toString(list.size())));
    }

    private void status(AmiMessage m) {
      String chName = m.get("Channel");
      List<Channel> list = new ArrayList<>();
      if (chName != null && !chName.isBlank()) {
        Channel c = world.find(chName.trim());
        if (c == null) {
          error(m, "No such channel");
          return;
        }
        list.add(c);
      } else {
        list.addAll(world.channels());
      }
      respond(listStart(m, "Channel status will follow"));
      String aid = m.get("ActionID");
      for (Channel c : list) {
        // Asterisk's quirk: Status items carry "Privilege: Call" and the ActionID last.
        AmiMessage ev = new AmiMessage(40).add("Event", "Status").add("Privilege", "Call");
        c.block(ev).add("Type", c.type).add("DNID", "").add("EffectiveConnectedLineNum", c.connNum)
            .add("EffectiveConnectedLineName", c.connName).add("TimeToHangup", "0")
            .add("BridgeID", c.bridge == null ? "" : c.bridge.id).add("Application", c.app).add("Data", c.appData)
            .add("Nativeformats", "(slin)").add("Readformat", "slin").add("Readtrans", "")
            .add("Writeformat", "slin").add("Writetrans", "").add("Callgroup", "0").add("Pickupgroup", "0")
            .add("Seconds", Long.toString((long) (world.clock.elapsed() - c.createdAt)));
        if (aid != null) {
          ev.add("ActionID", aid);
        }
        respond(ev);
      }
      AmiMessage done = new AmiMessage().add("Event", "StatusComplete");
      if (aid != null) {
        done.add("ActionID", aid);
      }
      respond(done.add("EventList", "Complete").add("ListItems", Integer.toString(list.size()))
          .add("Items", Integer.toString(list.size())));
    }

    private void redirect(AmiMessage m) {
      String name = m.get("Channel");
      if (name == null || name.isBlank()) {
        error(m, "Channel not specified");
        return;
      }
      Channel c = world.find(name.trim());
      if (c == null) {
        error(m, "Channel does not exist: " + name.trim());
        return;
      }
      String ctx = m.get("Context", c.context);
      String exten = m.get("Exten", "s");
      Program p = world.programFor(ctx, exten);
      if (p == null) {
        error(m, "Extension does not exist.");
        return;
      }
      p.pc = Math.max(0, World.parseInt(m.get("Priority", "1"), 1) - 1);
      success(m, "Redirect successful");
      world.redirect(c, p);
    }

    private void bridge(AmiMessage m) {
      String a = m.get("Channel1");
      String b = m.get("Channel2");
      if (a == null || a.isBlank() || b == null || b.isBlank()) {
        error(m, "Missing channel parameter in request");
        return;
      }
      Channel ca = world.find(a.trim());
      if (ca == null) {
        error(m, "Channel1 does not exist: " + a.trim());
        return;
      }
      Channel cb = world.find(b.trim());
      if (cb == null) {
        error(m, "Channel2 does not exist: " + b.trim());
        return;
      }
      if (ca == cb) {
        error(m, "Unable to bridge channel to itself");
        return;
      }
      success(m, "Channels have been bridged");
      for (Channel c : new Channel[] {ca, cb}) {
        if (c.bridge == null) {
          // ast_bridge_add_channel yanks a channel that is in no bridge (ast_channel_yank): a new channel takes its
          // place by masquerade, and the absolute timeout (whentohangup) stays with the old one, which is hung up.
          world.interpreter.clearAbsoluteTimeout(c);
          c.timedOut = false;
        }
      }
      world.bridges.bridge(ca, cb);
    }

    private void mixMonitor(AmiMessage m) {
      Channel c = channelArg(m, "Channel");
      if (m.get("Channel") == null || m.get("Channel").isBlank()) {
        error(m, "No channel specified");
        return;
      }
      if (c == null) {
        error(m, "No such channel");
        return;
      }
      String file = m.get("File", "");
      if (file.isBlank()) {
        file = c.uniqueid + ".wav";
      }
      respond(response(m, "Success"));
      world.mixMonitors.start(c, file + "," + m.get("Options", ""));
    }

    /**
     * app_mixmonitor's manager_mute_mixmonitor: the checks in its order and its texts; on success a bare
     * {@code Response: Success} and the MixMonitorMute event (Asterisk 18+) with the Direction as given.
     */
    private void mixMonitorMute(AmiMessage m) {
      String direction = m.get("Direction", "").trim();
      if (direction.isEmpty()) {
        error(m, "No direction specified. Must be read, write or both");
        return;
      }
      String d = direction.toLowerCase(Locale.ROOT);
      boolean read = d.equals("read") || d.equals("both");
      boolean write = d.equals("write") || d.equals("both");
      if (!read && !write) {
        error(m, "Invalid direction specified. Must be read, write or both");
        return;
      }
      if (m.get("Channel") == null || m.get("Channel").isBlank()) {
        error(m, "No channel specified");
        return;
      }
      String state = m.get("State", "").trim();
      if (state.isEmpty()) {
        error(m, "No state specified");
        return;
      }
      Channel c = channelArg(m, "Channel");
      if (c == null) {
        error(m, "No such channel");
        return;
      }
      if (c.recording == null) {
        error(m, "Cannot set mute flag");
        return;
      }
      // ast_false() clears the flag, anything else sets it; the event says ast_true() as 1 or 0.
      boolean on = !isFalse(state);
      respond(response(m, "Success"));
      world.mixMonitors.mute(c, read, write, on, direction, isTrue(state));
    }

    private void stopMixMonitor(AmiMessage m) {
      if (m.get("Channel") == null || m.get("Channel").isBlank()) {
        error(m, "No channel specified");
        return;
      }
      Channel c = channelArg(m, "Channel");
      if (c == null) {
        error(m, "No such channel");
        return;
      }
      if (c.recording == null) {
        error(m, "Could not stop MixMonitor");
        return;
      }
      respond(response(m, "Success"));
      world.mixMonitors.stop(c);
    }

    private void userEvent(AmiMessage m) {
      String name = m.get("UserEvent");
      if (name == null || name.isBlank()) {
        error(m, "UserEvent: Missing UserEvent header");
        return;
      }
      AmiMessage ev = AmiMessage.event("UserEvent", "user").add("UserEvent", name);
      for (int i = 0; i < m.size(); i++) {
        String h = m.name(i);
        if (!h.equalsIgnoreCase("Action") && !h.equalsIgnoreCase("UserEvent") && !h.equalsIgnoreCase("ActionID")
            && !h.isEmpty()) {
          ev.add(h, m.value(i));
        }
      }
      success(m, "Event Sent");
      world.emitUserEvent(ev);
    }
  }

  /** Asterisk's ast_true(). */
  static boolean isTrue(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "yes", "true", "y", "t", "1", "on" -> true;
      default -> false;
    };
  }

  /** Asterisk's ast_false(). */
  static boolean isFalse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "no", "false", "n", "f", "0", "off" -> true;
      default -> false;
    };
  }

  private static String duration(double secs) {
    long s = (long) secs;
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  private static String addr(io.vertx.core.net.SocketAddress a) {
    return a == null ? "IPV4/TCP/0.0.0.0/0" : "IPV4/TCP/" + a.hostAddress() + "/" + a.port();
  }

  private String eventTv() {
    return TV.format(Instant.ofEpochMilli(world.clock.nowMillis()));
  }

  private String timestamp() {
    long ms = world.clock.nowMillis();
    return String.format(Locale.ROOT, "%d.%06d", ms / 1000, (ms % 1000) * 1000);
  }
}
