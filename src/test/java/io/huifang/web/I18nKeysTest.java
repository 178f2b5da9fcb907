package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI strings in {@code web/assets/i18n/*.js} (one common file, one per page): both languages hold the same keys
 * with the same {placeholders}, no key is defined twice, and every key a page uses (its HTML's data-i18n*
 * attributes, the key literals of every script its module script reaches through imports) is in a strings file
 * that page loads. A key that is missing shows as the key itself on the page, in one language or in both.
 */
class I18nKeysTest {

  private static final Path WEB = Path.of("web");
  private static final List<String> LANGUAGES = List.of("zh-CN", "en");

  @Test
  void bothLanguagesHoldTheSameKeysInEveryStringsFile() {
    Map<String, Strings> files = Strings.readAll(WEB);
    assertTrue(files.containsKey("common.js") && files.size() > 1, "strings files found: " + files.keySet());
    List<String> problems = new ArrayList<>();
    files.values().forEach(f -> problems.addAll(f.languageProblems()));
    assertEquals(List.of(), problems);
  }

  @Test
  void noKeyIsDefinedInTwoFiles() {
    Map<String, String> owner = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Strings f : Strings.readAll(WEB).values()) {
      for (String key : f.keys()) {
        String first = owner.putIfAbsent(key, f.name);
        if (first != null) {
          problems.add(key + " in " + first + " and " + f.name);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyKeyAPageUsesIsInTheStringsItLoads() {
    List<Path> pages = Pages.of(WEB);
    assertTrue(pages.size() >= 8, "pages found: " + pages);
    List<String> problems = Pages.missingKeys(WEB);
    assertEquals(List.of(), problems);
  }

  @Test
  void everyStringsFileIsLoadedBySomePage() {
    Set<String> loaded = new TreeSet<>();
    for (Path page : Pages.of(WEB)) {
      loaded.addAll(new Pages.Page(WEB, page).stringsFiles());
    }
    assertEquals(Strings.readAll(WEB).keySet(), loaded);
  }

  @Test
  void theRealPagesLoadTheCommonStringsAndTheirOwn() {
    Pages.Page agent = new Pages.Page(WEB, WEB.resolve("agent.html"));
    assertEquals(Set.of("common.js", "bell.js", "casework.js", "agent.js"), agent.stringsFiles());
    assertTrue(agent.scripts().contains("assets/shell.js"), agent.scripts().toString());
    assertFalse(agent.stringsFiles().contains("admin.js"));
  }

  // The checks above catch what they are meant to: a page of a little web folder made up here.

  @Test
  void aKeyMissingInOneLanguageIsReported(@TempDir Path web) throws IOException {
    write(web.resolve("assets/i18n/common.js"), strings("{\"a.one\": \"一\", \"a.two\": \"二 {n}\"}",
        "{\"a.one\": \"One\", \"a.two\": \"Two {count}\", \"a.three\": \"Three\"}"));
    List<String> problems = Strings.readAll(web).get("common.js").languageProblems();
    assertEquals(List.of("common.js: zh-CN lacks a.three", "common.js: a.two has {n} in zh-CN but {count} in en"),
        problems);
  }

  @Test
  void aKeyAPageUsesButDoesNotLoadIsReported(@TempDir Path web) throws IOException {
    write(web.resolve("assets/i18n/common.js"), strings("{\"common.ok\": \"好\"}", "{\"common.ok\": \"OK\"}"));
    write(web.resolve("assets/i18n/desk.js"), strings("{\"desk.title\": \"工作台\", \"desk.state.ready\": \"就绪\"}",
        "{\"desk.title\": \"Desk\", \"desk.state.ready\": \"Ready\"}"));
    write(web.resolve("assets/i18n/other.js"), strings("{\"other.x\": \"别的\"}", "{\"other.x\": \"Other\"}"));
    write(web.resolve("assets/i18n.js"), "import common from './i18n/common.js';\naddStrings(common);\n");
    write(web.resolve("assets/desk.js"), """
        import { addStrings, t } from './i18n.js';
        import strings from './i18n/desk.js';
        addStrings(strings);
        t('desk.title'); t('desk.titel'); t('common.ok'); t(`desk.state.${s}`); t(`desk.mood.${m}`);
        const notAKey = 'hf.desk.draft';
        """);
    write(web.resolve("desk.html"), """
        <html><head><script type="module" src="/assets/desk.js"></script></head>
        <body data-page="desk"><h1 data-i18n="desk.title"></h1><p data-i18n-title="other.x"></p></body></html>
        """);
    assertEquals(List.of(
        "desk.html: other.x is not in common.js, desk.js",
        "desk.html (assets/desk.js): desk.titel is not in common.js, desk.js",
        "desk.html (assets/desk.js): no key desk.mood.… in common.js, desk.js"), Pages.missingKeys(web));
  }

  @Test
  void aStringsFileImportedButNotAddedIsNotLoaded(@TempDir Path web) throws IOException {
    write(web.resolve("assets/i18n/common.js"), strings("{}", "{}"));
    write(web.resolve("assets/i18n/desk.js"), strings("{\"desk.title\": \"工作台\"}", "{\"desk.title\": \"Desk\"}"));
    write(web.resolve("assets/i18n.js"), "import common from './i18n/common.js';\naddStrings(common);\n");
    write(web.resolve("assets/desk.js"), "import { t } from './i18n.js';\nimport strings from './i18n/desk.js';\n");
    write(web.resolve("desk.html"), "<script type=\"module\" src=\"/assets/desk.js\"></script>"
        + "<h1 data-i18n=\"desk.title\"></h1>");
    assertEquals(List.of("desk.html: desk.title is not in common.js"), Pages.missingKeys(web));
  }

  private static String strings(String zh, String en) {
    return "// test\nexport default {\"zh-CN\": " + zh + ", \"en\": " + en + "};\n";
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One strings file: {@code export default {"zh-CN": {key: text}, "en": {key: text}};}, the object being JSON. */
  record Strings(String name, Map<String, Map<String, String>> byLanguage) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final String EXPORT = "export default ";

    static Map<String, Strings> readAll(Path web) {
      Path dir = web.resolve("assets/i18n");
      try (Stream<Path> files = Files.list(dir)) {
        Map<String, Strings> all = new java.util.TreeMap<>();
        files.filter(f -> f.toString().endsWith(".js")).forEach(f -> all.put(f.getFileName().toString(), read(f)));
        return all;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Strings read(Path file) {
      String name = file.getFileName().toString();
      String text = I18nKeysTest.read(file);
      int start = text.indexOf(EXPORT);
      int end = text.lastIndexOf('}');
      if (start < 0 || end < start) {
        throw new AssertionError(name + ": no \"export default {…}\"");
      }
      String json = text.substring(start + EXPORT.length(), end + 1);
      rejectDuplicateKeys(name, json);
      JsonObject root = new JsonObject(json);
      assertEquals(Set.copyOf(LANGUAGES), root.fieldNames(), name + ": the languages");
      Map<String, Map<String, String>> byLanguage = new LinkedHashMap<>();
      for (String lang : LANGUAGES) {
        Map<String, String> texts = new LinkedHashMap<>();
        root.getJsonObject(lang).forEach(e -> texts.put(e.getKey(), (String) e.getValue()));
        byLanguage.put(lang, texts);
      }
      return new Strings(name, byLanguage);
    }

    /** JSON lets a later key silently win over an earlier one: in a strings file that is a lost translation. */
    private static void rejectDuplicateKeys(String name, String json) {
      JsonFactory factory = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
      try (JsonParser p = factory.createParser(json)) {
        while (p.nextToken() != null) {
          p.skipChildren();
        }
      } catch (IOException e) {
        throw new AssertionError(name + ": " + e.getMessage(), e);
      }
    }

    Set<String> keys() {
      Set<String> all = new LinkedHashSet<>();
      byLanguage.values().forEach(m -> all.addAll(m.keySet()));
      return all;
    }

    List<String> languageProblems() {
      List<String> problems = new ArrayList<>();
      for (String lang : LANGUAGES) {
        for (String key : keys()) {
          String text = byLanguage.get(lang).get(key);
          if (text == null) {
            problems.add(name + ": " + lang + " lacks " + key);
          } else if (text.isBlank()) {
            problems.add(name + ": " + key + " is empty in " + lang);
          }
        }
      }
      Map<String, String> zh = byLanguage.get("zh-CN");
      Map<String, String> en = byLanguage.get("en");
      for (String key : keys()) {
        if (zh.containsKey(key) && en.containsKey(key)) {
          Set<String> a = placeholders(zh.get(key));
          Set<String> b = placeholders(en.get(key));
          if (!a.equals(b)) {
            problems.add(name + ": " + key + " has " + braces(a) + " in zh-CN but " + braces(b) + " in en");
          }
        }
      }
      return problems;
    }

    private static Set<String> placeholders(String text) {
      Set<String> names = new TreeSet<>();
      Matcher m = PLACEHOLDER.matcher(text);
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    }

    private static String braces(Set<String> names) {
      return names.stream().map(n -> "{" + n + "}").collect(Collectors.joining(" "));
    }
  }

  /** The pages in web/ and the keys they use. */
  static final class Pages {
    private static final Pattern MODULE_SCRIPT = Pattern.compile("<script type=\"module\" src=\"/assets/([^\"]+)\"");
    private static final Pattern HTML_KEY = Pattern.compile("data-i18n(?:-placeholder|-title|-aria-label)?=\"([^\"]+)\"");
    private static final Pattern IMPORT = Pattern.compile(
        "^\\s*(?:import|export)\\s+(?:([\\w$]+)\\s+from\\s+|[^;]*?\\sfrom\\s+)?'(\\./[^']+)'", Pattern.MULTILINE);
    /** A key: lower-case namespace, then dot-separated parts ("agent.state.onCall"). */
    private static final Pattern KEY = Pattern.compile("[a-z][A-Za-z0-9]*(?:\\.[A-Za-z0-9_]+)+");
    private static final Pattern QUOTED = Pattern.compile("'([^'\\\\\\n]*)'|\"([^\"\\\\\\n]*)\"|`([^`$\\\\]*)`");
    /** A template literal starting with a key prefix: `agent.state.${state}`. */
    private static final Pattern KEY_TEMPLATE = Pattern.compile("`([a-z][A-Za-z0-9]*(?:\\.[A-Za-z0-9_]+)*\\.)\\$\\{");
    /** Where a literal can only be a key (it is then checked whatever its namespace). */
    private static final Pattern KEY_ARGUMENT = Pattern.compile(
        "(?:(?<![.\\w])(?:t|has)\\(|\\bsetText\\([^,()]+,\\s*|\\b(?:i18n|nav|[a-z]+Key)\\s*:\\s*)'([^']+)'");

    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|(?:^|(?<=\\s))//[^\\n]*", Pattern.DOTALL | Pattern.MULTILINE);

    static List<Path> of(Path web) {
      try (Stream<Path> files = Files.list(web)) {
        return files.filter(f -> f.toString().endsWith(".html")).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static List<String> missingKeys(Path web) {
      Map<String, Strings> all = Strings.readAll(web);
      Set<String> namespaces = all.values().stream().flatMap(s -> s.keys().stream())
          .map(k -> k.substring(0, k.indexOf('.'))).collect(Collectors.toSet());
      List<String> problems = new ArrayList<>();
      for (Path html : of(web)) {
        problems.addAll(new Page(web, html).missingKeys(all, namespaces));
      }
      return problems;
    }

    /** One page: its HTML and the scripts its module script reaches through static imports. */
    record Page(Path web, Path html) {
      String name() {
        return html.getFileName().toString();
      }

      /** Scripts reached from the page's module script (paths relative to web/), in the order found. */
      Set<String> scripts() {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        Matcher m = MODULE_SCRIPT.matcher(I18nKeysTest.read(html));
        while (m.find()) {
          pending.add("assets/" + m.group(1));
        }
        while (!pending.isEmpty()) {
          String script = pending.poll();
          if (!seen.add(script)) {
            continue;
          }
          Matcher imp = IMPORT.matcher(I18nKeysTest.read(web.resolve(script)));
          while (imp.find()) {
            pending.add(web.relativize(web.resolve(script).getParent().resolve(imp.group(2)).normalize()).toString());
          }
        }
        return seen;
      }

      /**
       * The strings files the page loads: those some reached script imports as a binding and hands to addStrings
       * (an imported file that is never added gives t() nothing).
       */
      Set<String> stringsFiles() {
        Set<String> files = new TreeSet<>();
        for (String script : scripts()) {
          String text = I18nKeysTest.read(web.resolve(script));
          Matcher imp = IMPORT.matcher(text);
          while (imp.find()) {
            String binding = imp.group(1);
            Path target = Path.of(imp.group(2));
            if (binding != null && target.getParent() != null && target.getParent().endsWith("i18n")
                && Pattern.compile("\\baddStrings\\(\\s*" + Pattern.quote(binding) + "\\s*\\)").matcher(text).find()) {
              files.add(target.getFileName().toString());
            }
          }
        }
        return files;
      }

      List<String> missingKeys(Map<String, Strings> all, Set<String> namespaces) {
        Set<String> files = stringsFiles();
        Set<String> loaded = new TreeSet<>();
        files.forEach(f -> loaded.addAll(all.get(f).keys()));
        String where = files.stream().sorted((a, b) -> a.equals("common.js") ? -1 : b.equals("common.js") ? 1
            : a.compareTo(b)).collect(Collectors.joining(", "));
        List<String> problems = new ArrayList<>();
        Matcher h = HTML_KEY.matcher(I18nKeysTest.read(html));
        Set<String> htmlKeys = new LinkedHashSet<>();
        while (h.find()) {
          htmlKeys.add(h.group(1));
        }
        htmlKeys.stream().filter(k -> !loaded.contains(k))
            .forEach(k -> problems.add(name() + ": " + k + " is not in " + where));
        for (String script : scripts()) {
          if (script.startsWith("assets/i18n/")) {
            continue;
          }
          String text = I18nKeysTest.read(web.resolve(script));
          String at = name() + " (" + script + "): ";
          for (String key : keysIn(text, namespaces)) {
            if (!loaded.contains(key)) {
              problems.add(at + key + " is not in " + where);
            }
          }
          Matcher tpl = KEY_TEMPLATE.matcher(text);
          Set<String> prefixes = new LinkedHashSet<>();
          while (tpl.find()) {
            prefixes.add(tpl.group(1));
          }
          for (String prefix : prefixes) {
            boolean known = namespaces.contains(prefix.substring(0, prefix.indexOf('.')));
            if (known && loaded.stream().noneMatch(k -> k.startsWith(prefix))) {
              problems.add(at + "no key " + prefix + "… in " + where);
            }
          }
        }
        return problems;
      }

      /**
       * The key literals of a script: every literal in a place only a key can be (t('…'), setText(el, '…'),
       * i18n: '…', labelKey: '…'), and every other literal that looks like a key of a namespace the strings
       * files have ('agent.state.none' in a table of states; not 'hf.desk.draft', a storage name).
       */
      private static Set<String> keysIn(String source, Set<String> namespaces) {
        // An apostrophe in a comment ("the page's") would pair with the next quote.
        String script = COMMENT.matcher(source).replaceAll("");
        Set<String> keys = new LinkedHashSet<>();
        Matcher a = KEY_ARGUMENT.matcher(script);
        while (a.find()) {
          keys.add(a.group(1));
        }
        Matcher q = QUOTED.matcher(script);
        while (q.find()) {
          String s = q.group(1) != null ? q.group(1) : q.group(2) != null ? q.group(2) : q.group(3);
          if (KEY.matcher(s).matches() && namespaces.contains(s.substring(0, s.indexOf('.')))) {
            keys.add(s);
          }
        }
        return keys;
      }
    }
  }

}
