package io.huifang.arch;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The declared order of Huifang's modules, top (wiring) to bottom (codecs, db, core), and a reader of what the
 * compiled classes and the sources really reference. A module may use modules in lower layers only; modules in the
 * same layer are peers and do not use each other. A module is a package and its sub-packages (campaign.list is part
 * of campaign); its sub-packages must not form cycles either.
 */
public final class Layers {
  /** Top first. Each inner list is one layer of peers. */
  public static final List<List<String>> ORDER = List.of(
      List.of("app"),
      List.of("supervisor", "report"),
      List.of("casework"),
      List.of("desk", "qa"),
      List.of("dialer", "recording"),
      List.of("campaign", "survey", "telephony"),
      List.of("dealer"),
      List.of("auth"),
      List.of("web"),
      List.of("pbx.emulator"),
      List.of("pbx.ami", "pbx.agi"),
      List.of("db"),
      List.of("core"));

  static final String ROOT = "io.huifang.";

  private Layers() {
  }

  /** The module a package belongs to: the longest declared name that is the package or a parent of it. */
  public static Optional<String> moduleOf(String pkg) {
    String best = null;
    for (List<String> layer : ORDER) {
      for (String m : layer) {
        if ((pkg.equals(m) || pkg.startsWith(m + ".")) && (best == null || m.length() > best.length())) {
          best = m;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  public static int layerOf(String module) {
    for (int i = 0; i < ORDER.size(); i++) {
      if (ORDER.get(i).contains(module)) {
        return i;
      }
    }
    throw new IllegalArgumentException(module);
  }

  /** Package (below io.huifang) to the packages it references, with one example class pair per edge. */
  public static Map<String, Map<String, String>> packageGraph(Path classesDir, Path sourcesDir) throws IOException {
    Map<String, Map<String, String>> graph = new TreeMap<>();
    if (Files.isDirectory(classesDir)) {
      try (Stream<Path> files = Files.walk(classesDir)) {
        for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
          String self = classesDir.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
          if (!self.startsWith(ROOT)) {
            continue;
          }
          try (InputStream in = Files.newInputStream(f)) {
            for (String ref : classReferences(in)) {
              addEdge(graph, self, ref);
            }
          }
        }
      }
    }
    if (sourcesDir != null && Files.isDirectory(sourcesDir)) {
      // Constants (static final String) are inlined by javac and vanish from the class files: read the sources too.
      Pattern pkgDecl = Pattern.compile("^package (io\\.huifang\\.[\\w.]+);", Pattern.MULTILINE);
      Pattern ref = Pattern.compile("\\b(io\\.huifang\\.(?:[a-z]\\w*\\.)+[A-Z]\\w*)");
      try (Stream<Path> files = Files.walk(sourcesDir)) {
        for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
          String src = Files.readString(f);
          Matcher pm = pkgDecl.matcher(src);
          if (!pm.find()) {
            continue;
          }
          String self = pm.group(1) + "." + f.getFileName().toString().replace(".java", "");
          Matcher m = ref.matcher(src);
          while (m.find()) {
            addEdge(graph, self, m.group(1));
          }
        }
      }
    }
    return graph;
  }

  private static void addEdge(Map<String, Map<String, String>> graph, String fromClass, String toClass) {
    String from = packageOf(fromClass);
    String to = packageOf(toClass);
    if (from == null || to == null) {
      return;
    }
    graph.computeIfAbsent(from, k -> new TreeMap<>());
    if (!from.equals(to)) {
      graph.get(from).putIfAbsent(to, simple(fromClass) + " -> " + simple(toClass));
    }
  }

  private static String simple(String cls) {
    return cls.substring(cls.lastIndexOf('.') + 1);
  }

  private static String packageOf(String cls) {
    if (!cls.startsWith(ROOT)) {
      return null;
    }
    int dot = cls.lastIndexOf('.');
    return dot < ROOT.length() ? null : cls.substring(ROOT.length(), dot);
  }

  /** Classes named in a class file's constant pool: class entries and the types inside descriptors and signatures. */
  static Set<String> classReferences(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    d.readUnsignedShort();
    d.readUnsignedShort();
    int count = d.readUnsignedShort();
    String[] utf8 = new String[count];
    List<Integer> classNameIndexes = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      int tag = d.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = d.readUTF();
        case 3, 4 -> d.readInt();
        case 5, 6 -> {
          d.readLong();
          i++;
        }
        case 7 -> classNameIndexes.add(d.readUnsignedShort());
        case 8, 16, 19, 20 -> d.readUnsignedShort();
        case 9, 10, 11, 12, 17, 18 -> d.readInt();
        case 15 -> {
          d.readUnsignedByte();
          d.readUnsignedShort();
        }
        default -> throw new IOException("constant pool tag " + tag);
      }
    }
    Set<String> refs = new TreeSet<>();
    for (int idx : classNameIndexes) {
      String n = utf8[idx];
      if (n != null && !n.startsWith("[")) {
        refs.add(n.replace('/', '.').replaceAll("\\$.*", ""));
      }
    }
    Pattern inDescriptor = Pattern.compile("L(io/huifang/[\\w/$]+)[;<]");
    for (String s : utf8) {
      if (s != null && s.contains("io/huifang/")) {
        Matcher m = inDescriptor.matcher(s);
        while (m.find()) {
          refs.add(m.group(1).replace('/', '.').replaceAll("\\$.*", ""));
        }
      }
    }
    return refs;
  }

  /** Every edge that breaks the declared order, one line each, naming an example class pair. */
  public static List<String> violations(Map<String, Map<String, String>> graph) {
    List<String> out = new ArrayList<>();
    for (var e : graph.entrySet()) {
      Optional<String> from = moduleOf(e.getKey());
      if (from.isEmpty()) {
        out.add(e.getKey() + ": package belongs to no declared module");
        continue;
      }
      for (var to : e.getValue().entrySet()) {
        Optional<String> target = moduleOf(to.getKey());
        if (target.isEmpty()) {
          out.add(e.getKey() + " -> " + to.getKey() + " (" + to.getValue() + "): target belongs to no declared module");
        } else if (!target.get().equals(from.get()) && layerOf(target.get()) <= layerOf(from.get())) {
          out.add(e.getKey() + " -> " + to.getKey() + " (" + to.getValue() + "): " + from.get() + " may not use "
              + target.get() + (layerOf(target.get()) == layerOf(from.get()) ? " (peers)" : " (it is above)"));
        }
      }
    }
    return out;
  }

  /** Strongly connected components of more than one package (Tarjan). */
  public static List<Set<String>> cycles(Map<String, Map<String, String>> graph) {
    Map<String, Integer> index = new TreeMap<>();
    Map<String, Integer> low = new TreeMap<>();
    List<String> stack = new ArrayList<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        strongConnect(v, graph, index, low, stack, onStack, out, next);
      }
    }
    return out;
  }

  private static void strongConnect(String v, Map<String, Map<String, String>> g, Map<String, Integer> index,
      Map<String, Integer> low, List<String> stack, Set<String> onStack, List<Set<String>> out, int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.add(v);
    onStack.add(v);
    for (String w : g.getOrDefault(v, Map.of()).keySet()) {
      if (!index.containsKey(w)) {
        strongConnect(w, g, index, low, stack, onStack, out, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.remove(stack.size() - 1);
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }

  /** Prints the graph's violations and cycles for a classes and a sources directory (to check any tree). */
  public static void main(String[] args) throws IOException {
    var graph = packageGraph(Path.of(args[0]), args.length > 1 ? Path.of(args[1]) : null);
    violations(graph).forEach(System.out::println);
    cycles(graph).forEach(c -> System.out.println("cycle: " + c));
  }
}
