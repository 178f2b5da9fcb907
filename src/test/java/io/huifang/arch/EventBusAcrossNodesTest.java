package io.huifang.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule of docs/cluster.md ("Event bus across nodes"), enforced: every consumer on the event bus is listed here
 * with the way it must be registered. {@code consumer}: it runs on every node (it delivers to the sockets its node
 * holds, or only re-reads, or acts only on what its node holds). {@code localConsumer}: it writes (the database, a
 * PBX) and must run once per event, so it runs only on the node that produced the event. A new consumer fails this
 * test until it is sorted into one of the two here and in docs/cluster.md.
 */
class EventBusAcrossNodesTest {
  private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
      Map.entry("PushHub TO_USER", "consumer"),
      Map.entry("PushHub TO_ROLE", "consumer"),
      Map.entry("PushHub SESSIONS_ENDED", "consumer"),
      Map.entry("AgentDesk SIGNED_OUT", "consumer"),
      Map.entry("AgentDesk SOCKET_OPENED", "consumer"),
      Map.entry("AgentDesk LAST_SOCKET_CLOSED", "consumer"),
      Map.entry("LiveBoard SOCKET_OPENED", "localConsumer"),
      Map.entry("LiveBoard AGENT_STATE", "consumer"),
      Map.entry("LiveBoard ATTEMPT_ENDED", "consumer"),
      Map.entry("LiveBoard SURVEY_SUBMITTED", "consumer"),
      Map.entry("LiveBoard BOARD_PART", "consumer"),
      Map.entry("LiveBoard BOARD_RESEND", "consumer"),
      Map.entry("LiveBoard LAST_SOCKET_CLOSED", "localConsumer"),
      Map.entry("HeldElsewhere address", "consumer"),
      Map.entry("Listening ATTEMPT_ENDED", "consumer"),
      Map.entry("QaService SURVEY_SUBMITTED", "localConsumer"),
      Map.entry("QaService huifang.recording.ready", "localConsumer"),
      Map.entry("Cases SURVEY_SUBMITTED", "localConsumer"),
      Map.entry("SecondCallbacks SURVEY_SUBMITTED", "localConsumer"),
      Map.entry("Plans MONTH_APPROVED", "localConsumer")));

  /** {@code .consumer(ADDRESS,} or {@code .<T>localConsumer("address",}. */
  private static final Pattern REGISTRATION = Pattern.compile(
      "\\.(?:<[\\w.]+>)?(consumer|localConsumer)\\(\\s*([\\w.]+|\"[^\"]+\")\\s*,");

  @Test
  void everyConsumerIsSortedIntoCrossingOrOncePerCluster() throws IOException {
    Map<String, String> found = new TreeMap<>();
    try (Stream<Path> files = Files.walk(ArchitectureTest.SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String src = Files.readString(f);
        Matcher m = REGISTRATION.matcher(src);
        while (m.find()) {
          String address = m.group(2).replace("\"", "");
          String key = f.getFileName().toString().replace(".java", "") + " "
              + (address.startsWith("huifang.") ? address : address.substring(address.lastIndexOf('.') + 1));
          String before = found.put(key, m.group(1));
          assertTrue(before == null || before.equals(m.group(1)), key + " is registered both ways");
        }
      }
    }
    assertEquals(EXPECTED, found, "every event bus consumer must be sorted here and in docs/cluster.md");
  }

  @Test
  void theDocumentListsEveryAddress() throws IOException {
    String doc = Files.readString(Path.of("docs/cluster.md"));
    for (String address : new String[] {"huifang.push.user", "huifang.push.role", "huifang.push.sessionsEnded",
        "huifang.push.opened", "huifang.push.lastClosed", "huifang.session.signed-out",
        "huifang.telephony.attempt.ended", "huifang.telephony.agent.state", "huifang.survey.submitted",
        "huifang.recording.ready", "huifang.report.month.approved", "huifang.supervisor.board.part",
        "huifang.supervisor.board.resend",
        "huifang.held.pbx:<name>"}) {
      assertTrue(doc.contains("`" + address + "`"), "docs/cluster.md names " + address);
    }
  }
}
