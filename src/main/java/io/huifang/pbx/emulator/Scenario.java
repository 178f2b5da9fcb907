package io.huifang.pbx.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * The simulated world's population, read from a JSON scenario file (format in
 * src/main/resources/pbx/SCENARIO.md). For every dialled number it yields the far end's behaviour as
 * a list of dialplan steps: fixed numbers give their steps verbatim (the trace extensions), populations
 * are drawn from distributions with the call's own random generator.
 */
public final class Scenario {
  /** What the far end of one call does; {@code steps == null} means the number does not exist. */
  record Plan(List<String> steps, Double agentHangsUpAfter) {}

  private record NumberRule(Matcher match, List<String> steps, String behavior) {}

  private record Population(String name, Matcher match, JsonObject base, List<JsonObject> segments,
      double totalWeight) {}

  interface Matcher {
    boolean test(String number);
  }

  private final List<String> customerContexts = new ArrayList<>();
  private final List<NumberRule> numbers = new ArrayList<>();
  private final List<Population> populations = new ArrayList<>();
  private final Map<String, Double> sounds = new HashMap<>();
  private final long startEpochMillis;
  private final ZoneOffset zone;

  private Scenario(JsonObject json) {
    String start = json.getString("startTime");
    if (start != null) {
      OffsetDateTime t = OffsetDateTime.parse(start);
      startEpochMillis = t.toInstant().toEpochMilli();
      zone = t.getOffset();
    } else {
      startEpochMillis = System.currentTimeMillis();
      zone = ZoneOffset.of(json.getString("utcOffset", "+08:00"));
    }
    JsonArray ctx = json.getJsonArray("customerContexts", new JsonArray().add("sim-customers"));
    ctx.forEach(c -> customerContexts.add(String.valueOf(c)));
    JsonObject snd = json.getJsonObject("sounds", new JsonObject());
    snd.forEach(e -> sounds.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    for (Object o : json.getJsonArray("numbers", new JsonArray())) {
      JsonObject n = (JsonObject) o;
      List<String> steps = null;
      if (n.containsKey("steps")) {
        steps = new ArrayList<>();
        for (Object s : n.getJsonArray("steps")) {
          steps.add(String.valueOf(s));
        }
      }
      numbers.add(new NumberRule(matcher(n.getValue("match")), steps, n.getString("behavior")));
    }
    for (Object o : json.getJsonArray("populations", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      List<JsonObject> segs = new ArrayList<>();
      double total = 0;
      for (Object s : p.getJsonArray("segments", new JsonArray())) {
        JsonObject seg = (JsonObject) s;
        segs.add(seg);
        total += seg.getDouble("weight", 1.0);
      }
      populations.add(new Population(p.getString("name", "population"), matcher(p.getValue("match", "_X.")), p,
          segs, total));
    }
  }

  public static Scenario parse(String json) {
    return new Scenario(new JsonObject(json));
  }

  public static Scenario load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  public static Scenario builtIn() {
    try (InputStream in = Scenario.class.getResourceAsStream("/pbx/default-scenario.json")) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("default scenario missing from the classpath", e);
    }
  }

  long startEpochMillis() {
    return startEpochMillis;
  }

  boolean isCustomerContext(String ctx) {
    return customerContexts.contains(ctx);
  }

  /** Length of a sound file in seconds, or -1 if it does not exist. */
  double soundLength(String name) {
    Double d = sounds.get(name);
    return d == null ? -1 : d;
  }

  int hourOfDay(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atOffset(zone).getHour();
  }

  Plan plan(String number, SplittableRandom rng, int hour) {
    for (NumberRule r : numbers) {
      if (r.match().test(number)) {
        if ("invalid".equals(r.behavior())) {
          return new Plan(null, null);
        }
        if ("agent".equals(r.behavior())) {
          return new Plan(List.of("NoOp(SIM agent line " + number + ")", "Answer()", "Wait(86400)", "Hangup(16)"),
              null);
        }
        return new Plan(r.steps(), null);
      }
    }
    for (Population p : populations) {
      if (p.match().test(number)) {
        return draw(p, number, rng, hour);
      }
    }
    return new Plan(null, null);
  }

  private Plan draw(Population p, String number, SplittableRandom rng, int hour) {
    JsonObject cfg = p.base();
    if (!p.segments().isEmpty()) {
      double x = rng.nextDouble() * p.totalWeight();
      for (JsonObject seg : p.segments()) {
        x -= seg.getDouble("weight", 1.0);
        if (x < 0) {
          cfg = p.base().copy().mergeIn(seg);
          break;
        }
      }
    }
    String who = "SIM " + p.name() + " " + number;
    double u = rng.nextDouble();
    double invalid = cfg.getDouble("invalid", 0.0);
    double busy = cfg.getDouble("busy", 0.0);
    double congestion = cfg.getDouble("congestion", 0.0);
    if (u < invalid) {
      return new Plan(null, null);
    }
    if (u < invalid + busy) {
      return new Plan(List.of("NoOp(" + who + ": busy)", "Busy(10)"), null);
    }
    if (u < invalid + busy + congestion) {
      return new Plan(List.of("NoOp(" + who + ": congestion)", "Congestion(10)"), null);
    }
    double answer = answerProbability(cfg.getValue("answer", 0.6), hour);
    if (rng.nextDouble() >= answer) {
      double giveUp = sample(cfg.getValue("noAnswerAfter", 45.0), rng);
      return new Plan(List.of("NoOp(" + who + ": no answer)", "Ringing()", "Wait(" + fmt(giveUp) + ")",
          "Hangup(19)"), null);
    }
    double ring = sample(cfg.getValue("ring", new JsonObject().put("dist", "uniform").put("min", 3).put("max", 12)),
        rng);
    List<String> steps = new ArrayList<>();
    steps.add("NoOp(" + who + ": answers after " + fmt(ring) + "s)");
    steps.add("Ringing()");
    steps.add("Wait(" + fmt(ring) + ")");
    steps.add("Answer()");
    if (rng.nextDouble() < cfg.getDouble("machine", 0.0)) {
      String greeting = cfg.getString("machineGreeting", "sim/machine");
      steps.add("Playback(" + greeting + ")");
      steps.add("Wait(" + fmt(sample(cfg.getValue("machineTail", 5.0), rng)) + ")");
      steps.add("Hangup(16)");
      return new Plan(steps, null);
    }
    double talk = Math.max(1.0, sample(cfg.getValue("talk", new JsonObject().put("dist", "exponential")
        .put("mean", 90)), rng));
    String greeting = cfg.getString("greeting", "sim/hello");
    steps.add("Playback(" + greeting + ")");
    double greetLen = Math.max(0, soundLength(greeting));
    if (rng.nextDouble() < cfg.getDouble("customerHangsUp", 0.7)) {
      steps.add("Wait(" + fmt(Math.max(0.1, talk - greetLen)) + ")");
      steps.add("Hangup(16)");
      return new Plan(steps, null);
    }
    steps.add("Wait(86400)");
    steps.add("Hangup(16)");
    return new Plan(steps, talk);
  }

  private static double answerProbability(Object spec, int hour) {
    if (spec instanceof Number n) {
      return n.doubleValue();
    }
    JsonObject o = (JsonObject) spec;
    for (Object r : o.getJsonArray("byHour", new JsonArray())) {
      JsonObject range = (JsonObject) r;
      int from = range.getInteger("from");
      int to = range.getInteger("to");
      boolean in = from <= to ? hour >= from && hour < to : hour >= from || hour < to;
      if (in) {
        return range.getDouble("p");
      }
    }
    return o.getDouble("default", 0.6);
  }

  /** Draws from a distribution spec: a number (fixed) or {dist, value|mean|min|max|sigma}. */
  static double sample(Object spec, SplittableRandom rng) {
    if (spec instanceof Number n) {
      return n.doubleValue();
    }
    JsonObject o = (JsonObject) spec;
    String dist = o.getString("dist", "fixed").toLowerCase(Locale.ROOT);
    double v = switch (dist) {
      case "fixed" -> o.getDouble("value", 0.0);
      case "uniform" -> o.getDouble("min", 0.0) + rng.nextDouble() * (o.getDouble("max", 1.0) - o.getDouble("min", 0.0));
      case "exponential" -> -o.getDouble("mean", 1.0) * Math.log(1.0 - rng.nextDouble());
      case "lognormal" -> {
        double sigma = o.getDouble("sigma", 0.5);
        double mu = Math.log(o.getDouble("mean", 1.0)) - sigma * sigma / 2;
        yield Math.exp(mu + sigma * gaussian(rng));
      }
      default -> throw new IllegalArgumentException("unknown distribution: " + dist);
    };
    if (o.containsKey("min") && !"uniform".equals(dist)) {
      v = Math.max(v, o.getDouble("min"));
    }
    if (o.containsKey("max") && !"uniform".equals(dist)) {
      v = Math.min(v, o.getDouble("max"));
    }
    return v;
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.3f", d).replaceAll("\\.?0+$", "");
  }

  static Matcher matcher(Object spec) {
    if (spec instanceof JsonObject o) {
      if (o.containsKey("prefix")) {
        String pre = o.getString("prefix");
        return n -> n.startsWith(pre);
      }
      if (o.containsKey("regex")) {
        Pattern re = Pattern.compile(o.getString("regex"));
        return n -> re.matcher(n).matches();
      }
      return matcher(o.getString("pattern", "_X."));
    }
    String s = String.valueOf(spec);
    if (s.startsWith("re:")) {
      Pattern re = Pattern.compile(s.substring(3));
      return n -> re.matcher(n).matches();
    }
    if (s.startsWith("prefix:")) {
      String pre = s.substring(7);
      return n -> n.startsWith(pre);
    }
    return n -> Dialplan.matches(s, n);
  }
}
