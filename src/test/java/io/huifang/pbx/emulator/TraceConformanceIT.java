package io.huifang.pbx.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.pbx.ami.AmiMessage;
import io.huifang.testsupport.Await;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays the client side of each Asterisk transcript against the emulator and compares what comes
 * back with what real Asterisk 22.10.1 sent: the same message kinds in the same order, the same header
 * names in the same order, and the same Response/Reason/Cause/state values. Uniqueids, timestamps,
 * linkedids and the 8-hex channel counters are ignored.
 *
 * <p>Where Asterisk's own order depends on thread timing between the two halves of a call (the ;2
 * side's dialplan runs in its own thread), the comparison is per channel: each channel's events must
 * match in order, and the totals must match. Traces compared that way are marked below.
 */
class TraceConformanceIT {
  static final double SPEED = 20.0;
  static Vertx vertx;
  static PbxEmulator emu;
  static TestAgiServer agi;
  static Path recordings;

  /** Events Asterisk sent that the emulator deliberately does not produce (no queues are emulated). */
  static final Set<String> NOT_EMULATED = Set.of("QueueMemberStatus");

  /** Actions of app_queue, which the emulator does not have: not sent, and their replies not expected. */
  static final Set<String> SKIPPED_ACTIONS = Set.of("QueueSummary", "QueueStatus", "ShowDialPlan");

  static final Set<String> COMPARED_VALUES = Set.of("Event", "Response", "Message", "Reason", "Cause", "Cause-txt",
      "DialStatus", "ChannelState", "ChannelStateDesc", "DestChannelStateDesc", "Application", "Context", "Exten",
      "Priority", "EventList", "ListItems", "Status", "Shutdown", "Restart", "UserEvent", "ResultCode", "Result",
      "Command", "Channel", "DestChannel", "Variable", "Events", "Ping", "Extension", "DialString");

  static final Set<String> COMPARED_VARS = Set.of("CAMPAIGN", "LEADID", "AMDSTATUS", "AMDCAUSE", "PLAYBACKSTATUS",
      "AGISTATUS", "DIALSTATUS", "SURVEY_Q1", "AFTER_HANGUP", "DISPO");

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    agi = new TestAgiServer();
    recordings = Files.createTempDirectory("huifang-rec");
    EmulatorOptions o = EmulatorOptions.defaults().withAmiPort(0).withSpeed(SPEED)
        .withAgiUrl("agi://127.0.0.1:" + agi.port()).withRecordings(recordings);
    emu = PbxEmulator.start(vertx, o).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (emu != null) {
      emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    agi.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void loginPlainAndBasics() throws Exception {
    replay("01a-login-plain-basics", false);
  }

  @Test
  void loginMd5Challenge() throws Exception {
    // The key in the trace was computed from Asterisk's random challenge; recompute it for ours.
    replay("01b-login-md5-challenge", false);
  }

  @Test
  void loginBadSecret() throws Exception {
    long t0 = System.nanoTime();
    List<AmiMessage> got = replay("01c-login-bad-secret", false);
    double secs = (System.nanoTime() - t0) / 1e9;
    assertTrue(secs >= 1.0 / SPEED * 0.9, "bad secret answered too early: " + secs);
    assertEquals("Authentication failed", got.get(0).get("Message"));
  }

  @Test
  void loginEventsOff() throws Exception {
    replay("01d-login-events-off", false);
  }

  @Test
  void listCommandsAndEmptyLists() throws Exception {
    replay("01e-listcommands-and-empty-lists", false);
  }

  @Test
  void answeredWithMixMonitorAndAgi() throws Exception {
    agi.sessions.clear();
    replay("02-originate-1001-answered-agi", true);
    List<String> session = agi.sessions.poll(5, TimeUnit.SECONDS);
    assertTrue(session != null, "no FastAGI session");
    compareAgi("05a-fastagi-session-1001-customer-hangs-up", session);
  }

  @Test
  void noAnswer() throws Exception {
    replay("03a-originate-2001-noanswer", false);
  }

  @Test
  void originateTimeout() throws Exception {
    replay("03b-originate-8001-timeout", false);
  }

  @Test
  void busy() throws Exception {
    replay("03c-originate-3001-busy", true);
  }

  @Test
  void congestion() throws Exception {
    replay("03d-originate-4001-congestion", false);
  }

  @Test
  void invalidExtension() throws Exception {
    replay("03e-originate-9999-invalid-extension", false);
  }

  @Test
  void missingDialplanExtension() throws Exception {
    replay("03f-originate-1002-to-missing-dialplan-exten", false);
  }

  @Test
  void applicationOriginate() throws Exception {
    replay("03g-originate-1003-application", true);
  }

  @Test
  void channelIdDialAndBridge() throws Exception {
    replay("03h-originate-1004-channelid", true);
  }

  @Test
  void miscActionsDuringBridgedCall() throws Exception {
    // Slower than the others: the AMI Hangup lands 0.2 s (simulated) before the customer would key DTMF.
    PbxEmulator slow = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(4)
        .withRecordings(recordings).withAgiUrl(null)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      replay(slow, 4, "08-misc-actions-during-call", true);
    } finally {
      slow.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void syncAnswered() throws Exception {
    replay("03i-originate-1007-sync-answered", true);
  }

  @Test
  void syncBusy() throws Exception {
    replay("03j-originate-3002-sync-busy", false);
  }

  @Test
  void agiSurvey() throws Exception {
    agi.sessions.clear();
    replay("05-originate-6001-agi-survey", true);
    List<String> session = agi.sessions.poll(5, TimeUnit.SECONDS);
    assertTrue(session != null, "no FastAGI session");
    compareAgi("05b-fastagi-session-6001-survey", session);
  }

  @Test
  void amdHuman() throws Exception {
    replay("06a-originate-1005-amd-human", true);
  }

  @Test
  void amdMachine() throws Exception {
    replay("06b-originate-7001-amd-machine", true);
  }

  @Test
  void shutdownWhileLoggedIn() throws Exception {
    // A second emulator, so that shutting it down does not disturb the other tests.
    PbxEmulator own = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(SPEED))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<Traces.Item> trace = Traces.read("09-asterisk-shutdown-while-logged-in");
    List<AmiMessage> expected = serverMessages(trace);
    try (TestAmiClient c = new TestAmiClient(own.amiPort())) {
      c.send(trace.get(0).message());
      for (int i = 0; i < expected.size() - 1; i++) {
        c.next(5000);
      }
      own.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      c.next(5000);
      compare("09", expected, c.all, false);
      assertTrue(c.waitClosed(5000), "connection not closed after Shutdown");
    }
  }

  // ------------------------------------------------------------------ replay machinery

  static List<AmiMessage> serverMessages(List<Traces.Item> trace) {
    List<AmiMessage> out = new ArrayList<>();
    for (Traces.Item it : trace) {
      if (!it.fromClient() && expected(trace, it.message())) {
        out.add(it.message());
      }
    }
    return out;
  }

  static boolean expected(List<Traces.Item> trace, AmiMessage m) {
    if (NOT_EMULATED.contains(m.get("Event", ""))) {
      return false;
    }
    String aid = m.get("ActionID");
    if (aid != null) {
      for (Traces.Item it : trace) {
        if (it.fromClient() && aid.equals(it.message().get("ActionID"))
            && SKIPPED_ACTIONS.contains(it.message().get("Action"))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Sends each client message once as many server messages have arrived as had arrived in the trace
   * at that point, then collects the rest, and compares.
   */
  List<AmiMessage> replay(String name, boolean perChannel) throws Exception {
    return replay(emu, SPEED, name, perChannel);
  }

  /**
   * Also paces the client: an action is not sent before its trace time (scaled by the speed), so that
   * actions meet the call in the same state as in the trace.
   */
  List<AmiMessage> replay(PbxEmulator emu, double speed, String name, boolean perChannel) throws Exception {
    List<Traces.Item> trace = Traces.read(name);
    List<AmiMessage> expected = serverMessages(trace);
    int before = emu.liveChannels();
    try (TestAmiClient c = new TestAmiClient(emu.amiPort())) {
      long startNanos = System.nanoTime();
      long deadline = 20_000;
      int seen = 0;
      String challenge = null;
      for (Traces.Item it : trace) {
        if (!it.fromClient()) {
          if (expected(trace, it.message())) {
            seen++;
          }
          continue;
        }
        if (SKIPPED_ACTIONS.contains(it.message().get("Action"))) {
          continue;
        }
        while (c.all.size() < seen) {
          AmiMessage m = c.next(deadline);
          if (m == null) {
            break;
          }
          if (m.get("Challenge") != null) {
            challenge = m.get("Challenge");
          }
        }
        long due = startNanos + (long) (it.time() / speed * 1e9);
        while (System.nanoTime() < due) {
          AmiMessage m = c.next(Math.max(1, (due - System.nanoTime()) / 1_000_000));
          if (m != null && m.get("Challenge") != null) {
            challenge = m.get("Challenge");
          }
        }
        AmiMessage action = renameChannels(it.message(), c.all);
        if ("Login".equalsIgnoreCase(action.get("Action")) && action.get("Key") != null && challenge != null) {
          AmiMessage fixed = new AmiMessage();
          for (int i = 0; i < action.size(); i++) {
            fixed.add(action.name(i), action.name(i).equals("Key") ? md5(challenge + "secret") : action.value(i));
          }
          action = fixed;
        }
        c.send(action);
      }
      while (c.all.size() < expected.size()) {
        if (c.next(deadline) == null) {
          break;
        }
      }
      // Anything extra would show up shortly after.
      while (c.next(300) != null) {
        // collect
      }
      assertEquals("Asterisk Call Manager/11.0.0", c.banner);
      compare(name, expected, c.all, perChannel);
    }
    Await.atMost(Duration.ofSeconds(3)).every(Duration.ofMillis(20)).until(name + ": channels ended",
        emu::liveChannels, n -> n <= before);
    assertEquals(before, emu.liveChannels(), name + ": channels left behind");
    return expected;
  }

  /** The trace names channels by Asterisk's counter; use the emulator's channel with the same name otherwise. */
  static AmiMessage renameChannels(AmiMessage action, List<AmiMessage> seen) {
    AmiMessage out = new AmiMessage();
    for (int i = 0; i < action.size(); i++) {
      String v = action.value(i);
      if (action.name(i).startsWith("Channel") && v.matches(".*-[0-9a-f]{8};[12]")) {
        for (AmiMessage m : seen) {
          String ch = m.get("Channel");
          if (ch != null && norm(ch).equals(norm(v)) && ch.matches(".*-[0-9a-f]{8};[12]")) {
            v = ch;
            break;
          }
        }
      }
      out.add(action.name(i), v);
    }
    return out;
  }

  static String md5(String s) throws Exception {
    byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes());
    return String.format("%032x", new java.math.BigInteger(1, d));
  }

  static String norm(String v) {
    return v == null ? null : v.replaceAll("-[0-9a-f]{8}(;[12])?", "$1");
  }

  static String key(AmiMessage m) {
    String ev = m.get("Event");
    if (ev == null) {
      return "response";
    }
    if (ev.equals("OriginateResponse")) {
      return "originate";
    }
    String ch = m.get("DestChannel");
    if (ch == null) {
      ch = m.get("Channel");
    }
    if (ch == null) {
      ch = m.get("LocalOneChannel");
    }
    if (ch == null && m.get("BridgeUniqueid") != null) {
      return "bridge";
    }
    return ch == null ? "global" : norm(ch);
  }

  static void compare(String name, List<AmiMessage> expected, List<AmiMessage> actual, boolean perChannel) {
    List<String> problems = new ArrayList<>();
    if (perChannel) {
      Map<String, List<AmiMessage>> e = group(expected);
      Map<String, List<AmiMessage>> a = group(actual);
      for (String k : union(e.keySet(), a.keySet())) {
        compareSeq(name + " [" + k + "]", e.getOrDefault(k, List.of()), a.getOrDefault(k, List.of()), problems);
      }
    } else {
      compareSeq(name, expected, actual, problems);
    }
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      problems.stream().limit(15).forEach(p -> sb.append("\n  ").append(p));
      sb.append("\n  expected kinds: ").append(kinds(expected)).append("\n  actual kinds:   ").append(kinds(actual));
      throw new AssertionError(name + ": " + problems.size() + " differences" + sb);
    }
  }

  static List<String> kinds(List<AmiMessage> l) {
    List<String> out = new ArrayList<>();
    for (AmiMessage m : l) {
      out.add(m.kind());
    }
    return out;
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> s = new java.util.LinkedHashSet<>(a);
    s.addAll(b);
    return s;
  }

  static Map<String, List<AmiMessage>> group(List<AmiMessage> l) {
    Map<String, List<AmiMessage>> g = new LinkedHashMap<>();
    for (AmiMessage m : l) {
      g.computeIfAbsent(key(m), k -> new ArrayList<>()).add(m);
    }
    return g;
  }

  static void compareSeq(String where, List<AmiMessage> exp, List<AmiMessage> act, List<String> problems) {
    if (exp.size() != act.size()) {
      problems.add(where + ": expected " + exp.size() + " messages " + kinds(exp) + ", got " + act.size() + " "
          + kinds(act));
    }
    for (int i = 0; i < Math.min(exp.size(), act.size()); i++) {
      AmiMessage e = exp.get(i);
      AmiMessage a = act.get(i);
      String at = where + " #" + i + " " + e.kind();
      if (!e.kind().equals(a.kind())) {
        problems.add(at + ": got " + a.kind());
        continue;
      }
      if (!e.names().equals(a.names()) && !repeatedOutputOnly(e, a)) {
        problems.add(at + ": headers " + e.names() + " vs " + a.names());
        continue;
      }
      boolean varSet = "VarSet".equals(e.get("Event"));
      for (int h = 0; h < e.size(); h++) {
        String hn = e.name(h);
        if (!COMPARED_VALUES.contains(hn) || h >= a.size()) {
          continue;
        }
        String ev = norm(e.value(h));
        String av = norm(a.value(h));
        if (hn.equals("Channel") && "OriginateResponse".equals(e.get("Event"))) {
          ev = norm(e.value(h));
        }
        if (hn.equals("Command") && e.get("CommandId") == null) {
          continue;
        }
        if (!ev.equals(av)) {
          problems.add(at + ": " + hn + " expected '" + ev + "' got '" + av + "'");
        }
      }
      if (varSet && COMPARED_VARS.contains(e.get("Variable")) && !e.get("Value").equals(a.get("Value"))) {
        problems.add(at + ": VarSet " + e.get("Variable") + " expected '" + e.get("Value") + "' got '"
            + a.get("Value") + "'");
      }
    }
  }

  /** ListCommands and Command replies list what this PBX has; only their framing is compared. */
  static boolean repeatedOutputOnly(AmiMessage e, AmiMessage a) {
    return e.isResponse() && a.isResponse() && (e.size() > 20 || e.names().contains("Output"))
        && e.names().subList(0, 2).equals(a.names().subList(0, 2));
  }

  static void compareAgi(String trace, List<String> actual) throws Exception {
    List<String> exp = new ArrayList<>();
    for (String l : Files.readAllLines(Traces.DIR.resolve(trace + ".txt"))) {
      if (l.startsWith("<<< [") || l.startsWith(">>> [")) {
        String dir = l.startsWith("<<<") ? "<<< " : ">>> ";
        int idx = l.indexOf(l.startsWith("<<<") ? "A->S " : "S->A ");
        exp.add(dir + (idx < 0 ? "" : l.substring(idx + 5)));
      }
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < Math.max(exp.size(), actual.size()); i++) {
      String e = i < exp.size() ? exp.get(i) : "<none>";
      String a = i < actual.size() ? actual.get(i) : "<none>";
      // Per-call values: the channel's counter, uniqueid and thread id.
      String en = e.replaceAll("-[0-9a-f]{8};", ";").replaceAll("127\\.0\\.0\\.1:\\d+/", "127.0.0.1:PORT/").replaceAll("(agi_uniqueid|agi_threadid): .*", "$1");
      String an = a.replaceAll("-[0-9a-f]{8};", ";").replaceAll("127\\.0\\.0\\.1:\\d+/", "127.0.0.1:PORT/").replaceAll("(agi_uniqueid|agi_threadid): .*", "$1");
      if (!en.equals(an)) {
        problems.add("line " + i + ": expected [" + e + "] got [" + a + "]");
      }
    }
    assertTrue(problems.isEmpty(), trace + ":\n  " + String.join("\n  ", problems.subList(0, Math.min(12,
        problems.size()))) + "\n  actual: " + actual);
  }
}
