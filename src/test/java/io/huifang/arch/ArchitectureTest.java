package io.huifang.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules of the code's layout, read off the compiled product classes and the sources: modules use only
 * modules below them ({@link Layers#ORDER}), no package cycles, every table written by its one owner, and the
 * product jar holds no benchmarks.
 */
class ArchitectureTest {
  static final Path CLASSES = Path.of("target/classes");
  static final Path SOURCES = Path.of("src/main/java");
  static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

  /** Every table and the one module that writes it; the others read it, or ask the owner's store. */
  static final Map<String, String> TABLE_OWNERS = Map.ofEntries(
      Map.entry("app_user", "auth"), Map.entry("user_session", "auth"), Map.entry("audit_log", "auth"),
      Map.entry("login_throttle", "auth"),
      Map.entry("dealer", "dealer"), Map.entry("dealer_column_mapping", "dealer"),
      Map.entry("dealer_volume", "dealer"), Map.entry("node_lease", "db"),
      Map.entry("campaign", "campaign"), Map.entry("campaign_dealer", "campaign"), Map.entry("customer", "campaign"),
      Map.entry("dnc", "campaign"), Map.entry("import_batch", "campaign"), Map.entry("special_filing", "campaign"),
      Map.entry("call_task", "campaign"), Map.entry("task_event", "campaign"),
      Map.entry("call_attempt", "telephony"), Map.entry("agent_campaign_skill", "telephony"),
      Map.entry("agent_line", "telephony"),
      Map.entry("questionnaire", "survey"), Map.entry("survey_response", "survey"),
      Map.entry("agent_state_log", "desk"),
      Map.entry("recording", "recording"), Map.entry("recording_archive", "recording"),
      Map.entry("qa_skill_level", "qa"), Map.entry("qa_agent_skill", "qa"), Map.entry("qa_rules", "qa"),
      Map.entry("qa_month", "qa"), Map.entry("qa_call_check", "qa"), Map.entry("qa_sample", "qa"),
      Map.entry("qa_scorecard", "qa"), Map.entry("qa_evaluation", "qa"), Map.entry("qa_comment", "qa"),
      Map.entry("qa_dispute", "qa"), Map.entry("qa_calibration", "qa"), Map.entry("qa_finding", "qa"),
      Map.entry("supervisor_settings", "supervisor"),
      Map.entry("supervisor_listen", "supervisor"),
      Map.entry("report_month", "report"), Map.entry("report_dealer_score", "report"),
      Map.entry("report_deduction", "report"), Map.entry("report_check_input", "report"),
      Map.entry("report_suggestion", "report"),
      Map.entry("appeal", "casework"), Map.entry("appeal_event", "casework"),
      Map.entry("improvement_plan", "casework"), Map.entry("plan_event", "casework"),
      Map.entry("case_file", "casework"), Map.entry("case_event", "casework"),
      Map.entry("case_callback", "casework"), Map.entry("notification", "casework"),
      Map.entry("casework_settings", "casework"));

  @Test
  void everyModuleUsesOnlyModulesBelowIt() throws IOException {
    assertTrue(Files.isDirectory(CLASSES.resolve("io/huifang/app")), "compiled classes missing: " + CLASSES);
    List<String> violations = Layers.violations(Layers.packageGraph(CLASSES, SOURCES));
    assertEquals(List.of(), violations, "imports against the declared order (Layers.ORDER):\n"
        + String.join("\n", violations));
  }

  @Test
  void noPackageCycles() throws IOException {
    var cycles = Layers.cycles(Layers.packageGraph(CLASSES, SOURCES));
    assertEquals(List.of(), cycles, "packages that depend on each other in a ring");
  }

  /** The checker itself: it must catch what the old layout did (db importing app, a ring through three packages). */
  @Test
  void theCheckerCatchesAnUpwardImportAPeerImportAndARing() {
    Map<String, Map<String, String>> g = new TreeMap<>();
    g.put("db", new TreeMap<>(Map.of("app", "Database -> Config")));
    g.put("app", new TreeMap<>(Map.of("db", "Server -> Database")));
    g.put("dialer", new TreeMap<>(Map.of("recording", "DialerService -> RecordingService")));
    g.put("http", new TreeMap<>());
    List<String> v = Layers.violations(g);
    assertTrue(v.stream().anyMatch(s -> s.startsWith("db -> app") && s.contains("it is above")), v.toString());
    assertTrue(v.stream().anyMatch(s -> s.startsWith("dialer -> recording") && s.contains("peers")), v.toString());
    assertTrue(v.stream().anyMatch(s -> s.startsWith("http: package belongs to no declared module")), v.toString());
    assertFalse(v.stream().anyMatch(s -> s.startsWith("app -> db")), v.toString());
    assertEquals(List.of(Set.of("app", "db")), Layers.cycles(g));
    assertEquals("campaign", Layers.moduleOf("campaign.list").orElseThrow());
    assertEquals("pbx.emulator", Layers.moduleOf("pbx.emulator").orElseThrow());
  }

  @Test
  void everyTableIsWrittenOnlyByItsOwner() throws IOException {
    Pattern write = Pattern.compile("(?i)\\b(insert\\s+into|update|delete\\s+from)\\s+([a-z_]+)\\b");
    List<String> wrong = new ArrayList<>();
    Set<String> written = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String pkg = SOURCES.resolve("io/huifang").relativize(f.getParent()).toString().replace('/', '.');
        String module = Layers.moduleOf(pkg).orElse(pkg);
        Matcher m = write.matcher(stringLiterals(Files.readString(f)));
        while (m.find()) {
          String table = m.group(2).toLowerCase();
          if (!TABLE_OWNERS.containsKey(table)) {
            continue; // "update set", a column named like a verb, ...: only known tables count
          }
          written.add(table);
          if (!TABLE_OWNERS.get(table).equals(module)) {
            wrong.add(f.getFileName() + " (" + module + ") writes " + table + ", owned by " + TABLE_OWNERS.get(table));
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(written.containsAll(Set.of("call_task", "call_attempt", "survey_response", "recording")), written::toString);
  }

  /**
   * A module's SQL reads its own tables and those of modules below it, as its Java may use only those modules: a read
   * across or up the order is a dependency the import check cannot see. Peers ask each other's owner through an
   * interface the wiring supplies (survey asks campaign which questionnaire a campaign names).
   */
  @Test
  void everyTableIsReadOnlyByItsOwnerOrAModuleAboveIt() throws IOException {
    Pattern read = Pattern.compile("(?i)\\b(from|join)\\s+([a-z_]+)\\b");
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String pkg = SOURCES.resolve("io/huifang").relativize(f.getParent()).toString().replace('/', '.');
        String module = Layers.moduleOf(pkg).orElse(pkg);
        Matcher m = read.matcher(stringLiterals(Files.readString(f)));
        while (m.find()) {
          String owner = TABLE_OWNERS.get(m.group(2).toLowerCase());
          if (owner != null && !owner.equals(module) && Layers.layerOf(owner) <= Layers.layerOf(module)) {
            wrong.add(f.getFileName() + " (" + module + ") reads " + m.group(2) + ", owned by " + owner
                + (Layers.layerOf(owner) == Layers.layerOf(module) ? " (a peer)" : " (above it)"));
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void everyTableTheMigrationsCreateHasAnOwnerAndNewMigrationsNameIt() throws IOException {
    Pattern create = Pattern.compile("(?i)create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?([a-z_]+)");
    Pattern version = Pattern.compile("V(\\d+)__.*\\.sql");
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        Matcher v = version.matcher(f.getFileName().toString());
        if (!v.matches()) {
          continue;
        }
        String sql = Files.readString(f);
        Matcher m = create.matcher(sql);
        while (m.find()) {
          String table = m.group(1).toLowerCase();
          String owner = TABLE_OWNERS.get(table);
          if (owner == null) {
            problems.add(f.getFileName() + " creates " + table + ", which has no owner in TABLE_OWNERS");
          } else if (Integer.parseInt(v.group(1)) > 40 && !sql.contains("-- owner: " + owner)) {
            // V1..V40 are checksummed by Flyway on every existing database; their owners are listed in the README.
            problems.add(f.getFileName() + " creates " + table + " without the header line '-- owner: " + owner + "'");
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theProductHoldsNoBenchmarksOrSimulator() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CLASSES)) {
      files.map(p -> CLASSES.relativize(p).toString())
          .filter(p -> p.endsWith("Benchmark.class") || p.contains("/pacing/sim/"))
          .forEach(found::add);
    }
    assertEquals(List.of(), found);
  }

  /** Only what is inside Java string literals: SQL lives there, and comments naming a table do not count. */
  static String stringLiterals(String java) {
    StringBuilder out = new StringBuilder();
    Matcher m = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"").matcher(java.replaceAll("(?s)/\\*.*?\\*/", "")
        .replaceAll("//[^\\n]*", ""));
    while (m.find()) {
      out.append(m.group()).append(' ');
    }
    // Statements are split over concatenated literals ("update " + "call_task"): joining keeps them readable.
    return out.toString().replace("\" \"", "");
  }
}
