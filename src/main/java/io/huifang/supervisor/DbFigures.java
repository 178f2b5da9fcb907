package io.huifang.supervisor;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.campaign.CallingRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The board's figures that only the database knows exactly, read as of {@code now}. What changes all the time is
 * read live at every call: the attempts, surveys and agents' calls of roughly the last hour (from the settled mark
 * on), list progress and the QA month, in statements pipelined on one connection. What lies before the settled mark
 * (older than 65 min: the rest of today's attempts and agents' calls, the rest of the month's dealer samples) is
 * read once per 5-minute step of the mark and added, so a read walks about an hour of rows however late in the day
 * or the month it is (V54's indexes give the ranges). Exact as long as rows are written when they happen; a row
 * written late with an older time (a journal replay after a database outage) shows at the next step, within 5 min.
 */
public final class DbFigures implements FigureSource {
  /** Samples a dealer needs a month, and the success rate below which it loses points (DOMAIN, SEM-CSI rules). */
  static final int DEALER_NEED = 10;
  static final double DEALER_RATE = 0.90;
  /** 回访率: the centres' target and what good centres reach. */
  static final double CALLBACK_TARGET = 0.95;
  static final double CALLBACK_GOOD = 0.97;
  /** How far ahead "next dial at" is looked for (a campaign with no calling hours at all gets none). */
  private static final long LOOK_AHEAD_DAYS = 60;
  /** The settled mark moves in steps of this; it stays at least {@link #SETTLED_AGE} behind now. */
  static final Duration SETTLED_STEP = Duration.ofMinutes(5);
  /** Older than the hour window (so the 15-min and hour windows are wholly live) plus the longest wrap-up. */
  static final Duration SETTLED_AGE = Duration.ofMinutes(65);

  /** The hang-up classes in the contract's order; an outcome maps to one. */
  static final List<String> CLASSES = List.of("answered", "abandoned", "machine", "no_answer", "busy", "congestion",
      "invalid_number", "failed", "ring_cut");

  private final FiguresStore store;
  private final CampaignStore campaigns;
  private final ZoneId centreZone;
  /** The settled part and the mark it was read up to (one at a time: a read in flight is shared). */
  private Instant settledMark;
  private Future<FiguresStore.FigureRows> settled;

  /** {@code centreZone}: the day of the agents' figures and the month of the QA score. */
  public DbFigures(Pool pool, CampaignStore campaigns, ZoneId centreZone) {
    this.store = new FiguresStore(pool);
    this.campaigns = campaigns;
    this.centreZone = centreZone;
  }

  /** The settled mark for {@code now}: a whole step, at least {@link #SETTLED_AGE} ago. */
  static Instant settledMark(Instant now) {
    long step = SETTLED_STEP.toMillis();
    long floored = Math.floorDiv(now.toEpochMilli(), step) * step;
    return Instant.ofEpochMilli(floored).minus(SETTLED_AGE);
  }

  @Override
  public synchronized Future<JsonObject> read(Instant now) {
    ZonedDateTime local = now.atZone(centreZone);
    Instant dayStart = local.truncatedTo(ChronoUnit.DAYS).toInstant();
    String month = YearMonth.from(local).toString();
    Instant mark = settledMark(now);
    if (!mark.equals(settledMark) || settled == null || settled.failed()) {
      settledMark = mark;
      settled = store.figureRows(now, Instant.EPOCH, mark, dayStart, month, false);
    }
    Future<FiguresStore.FigureRows> old = settled;
    Future<List<Campaign>> cs = campaigns.list();
    Future<FiguresStore.FigureRows> live = store.figureRows(now, mark, now, dayStart, month, true);
    return Future.all(cs, old, live).map(v -> build(now, cs.result(), old.result(), live.result()));
  }

  static String hangupClass(String outcome) {
    if (outcome == null) {
      return "unknown";
    }
    return switch (outcome) {
      case "answered_human" -> "answered";
      case "answered_machine" -> "machine";
      default -> outcome;
    };
  }

  /** Counts of one window. */
  static final class Window {
    long dialled;
    long answered;

    JsonObject json() {
      return new JsonObject().put("dialled", dialled).put("answered", answered)
          .put("rate", ratio(answered, dialled));
    }
  }

  /** The figures of one campaign (or of all, summed) while they are being added up. */
  static final class Sums {
    final Window min15 = new Window();
    final Window hour = new Window();
    final Window today = new Window();
    long machines15;
    long machinesToday;
    final Map<String, Long> causes15 = new LinkedHashMap<>();

    Sums() {
      CLASSES.forEach(c -> causes15.put(c, 0L));
    }

    void add(String outcome, long d15, long a15, long dh, long ah, long dd, long ad) {
      min15.dialled += d15;
      min15.answered += a15;
      hour.dialled += dh;
      hour.answered += ah;
      today.dialled += dd;
      today.answered += ad;
      if ("answered_machine".equals(outcome)) {
        machines15 += d15;
        machinesToday += dd;
      }
      if (d15 > 0) {
        causes15.merge(hangupClass(outcome), d15, Long::sum);
      }
    }

    void put(JsonObject into) {
      into.put("connection", new JsonObject().put("min15", min15.json()).put("hour", hour.json())
          .put("today", today.json()));
      into.put("machines", new JsonObject().put("min15", machines15).put("today", machinesToday));
      JsonArray causes = new JsonArray();
      causes15.forEach((k, n) -> causes.add(new JsonObject().put("class", k).put("count", n)));
      into.put("hangupCauses", causes);
    }
  }

  private JsonObject build(Instant now, List<Campaign> all, FiguresStore.FigureRows settled,
                           FiguresStore.FigureRows rows) {
    Map<Long, Sums> sums = new TreeMap<>();
    Sums totals = new Sums();
    Map<Long, Campaign> active = new LinkedHashMap<>();
    for (Campaign c : all) {
      if (c.active()) {
        active.put(c.id(), c);
        sums.put(c.id(), new Sums());
      }
    }
    for (Row r : concat(settled.windows(), rows.windows())) {
      Sums s = sums.get(r.getLong("campaign_id"));
      if (s == null) {
        continue; // made active or inactive between the two reads: next read has it
      }
      long[] n = {r.getLong("d15"), r.getLong("a15"), r.getLong("dh"), r.getLong("ah"), r.getLong("dd"),
          r.getLong("ad")};
      s.add(r.getString("outcome"), n[0], n[1], n[2], n[3], n[4], n[5]);
      totals.add(r.getString("outcome"), n[0], n[1], n[2], n[3], n[4], n[5]);
    }
    Map<Long, Row> lists = new TreeMap<>();
    rows.list().forEach(r -> lists.put(r.getLong("campaign_id"), r));

    JsonObject campaignsOut = new JsonObject();
    for (Campaign c : active.values()) {
      JsonObject out = new JsonObject();
      sums.get(c.id()).put(out);
      Row l = lists.get(c.id());
      long due = l == null ? 0 : l.getLong("due");
      long called = l == null ? 0 : l.getLong("called");
      JsonObject list = new JsonObject().put("due", due).put("done", l == null ? 0 : l.getLong("done"))
          .put("callbacksDue", l == null ? 0 : l.getLong("callbacks_due"))
          .put("remaining", l == null ? 0 : l.getLong("remaining"))
          .put("expired", l == null ? 0 : l.getLong("expired"));
      idle(c.rules(), now, list);
      out.put("list", list);
      out.put("callbackRate", new JsonObject().put("called", called).put("due", due).put("rate", ratio(called, due))
          .put("target", CALLBACK_TARGET).put("good", CALLBACK_GOOD));
      campaignsOut.put(String.valueOf(c.id()), out);
    }
    JsonObject totalsOut = new JsonObject();
    totals.put(totalsOut);
    return new JsonObject().put("campaigns", campaignsOut).put("totals", totalsOut)
        .put("dealers", dealers(concat(settled.dealers(), rows.dealers())))
        .put("agents", agents(concat(settled.agents(), rows.agents()), rows.qa()))
        .put("casework", casework(rows.casework()));
  }

  /** The casework panel's counts (docs/supervisor-api.md, "casework"); null when not read. */
  static JsonObject casework(Iterable<Row> rows) {
    if (rows == null || !rows.iterator().hasNext()) {
      return null;
    }
    Row r = rows.iterator().next();
    return new JsonObject().put("overdueCases", r.getLong("overdue_cases")).put("openCases", r.getLong("open_cases"))
        .put("secondCallbacksDue", r.getLong("callbacks_due"))
        .put("secondCallbacksOverdue", r.getLong("callbacks_overdue"))
        .put("appealsOpen", r.getLong("appeals_open")).put("plansLate", r.getLong("plans_late"));
  }

  /** Outside calling hours (or on a holiday) the campaign cannot dial: why, and when it next can. */
  static void idle(CallingRules rules, Instant now, JsonObject list) {
    if (rules.isCallable(now)) {
      list.put("idleReason", null).put("nextDialAt", null);
      return;
    }
    String next = rules.nextCallable(now, part -> true, now.plus(LOOK_AHEAD_DAYS, ChronoUnit.DAYS))
        .map(t -> t.atZone(rules.zone()).toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .orElse(null);
    list.put("idleReason", "outside_hours").put("nextDialAt", next);
  }

  private static JsonArray dealers(Iterable<Row> rows) {
    Map<String, JsonObject> byKey = new LinkedHashMap<>();
    for (Row r : rows) {
      long dealer = r.getLong("dealer_id");
      long campaign = r.getLong("campaign_id");
      JsonObject d = byKey.computeIfAbsent(dealer + "/" + campaign, k -> new JsonObject().put("dealerId", dealer)
          .put("name", r.getString("name")).put("campaignId", campaign)
          .put("today", new JsonObject().put("success", 0L).put("error", 0L))
          .put("month", new JsonObject().put("success", 0L).put("error", 0L).put("need", DEALER_NEED)
              .put("errorsByKind", new JsonObject())));
      String group = r.getString("disposition_group");
      if (group == null) {
        continue;
      }
      String key = "success".equals(group) ? "success" : "error";
      JsonObject today = d.getJsonObject("today");
      JsonObject month = d.getJsonObject("month");
      today.put(key, today.getLong(key) + r.getLong("today"));
      month.put(key, month.getLong(key) + r.getLong("month"));
      if ("error".equals(key)) {
        String kind = r.getString("disposition") == null ? "unknown" : r.getString("disposition");
        JsonObject kinds = month.getJsonObject("errorsByKind");
        kinds.put(kind, kinds.getLong(kind, 0L) + r.getLong("month"));
      }
    }
    JsonArray out = new JsonArray();
    for (JsonObject d : byKey.values()) {
      JsonObject m = d.getJsonObject("month");
      long success = m.getLong("success");
      long samples = success + m.getLong("error");
      Double rate = ratio(success, samples);
      m.put("successRate", rate).put("belowRate", rate != null && rate < DEALER_RATE);
      out.add(d);
    }
    return out;
  }

  private static List<Row> concat(Iterable<Row> a, Iterable<Row> b) {
    List<Row> out = new ArrayList<>();
    a.forEach(out::add);
    b.forEach(out::add);
    return out;
  }

  private static JsonObject agents(Iterable<Row> today, Iterable<Row> qa) {
    // calls, successes, talk and handle seconds, summed over the settled and the live part
    Map<Long, double[]> sums = new TreeMap<>();
    for (Row r : today) {
      double[] s = sums.computeIfAbsent(r.getLong("agent_id"), k -> new double[4]);
      s[0] += r.getLong("calls");
      s[1] += r.getLong("successes");
      s[2] += r.getDouble("talk");
      s[3] += r.getDouble("handle");
    }
    Map<Long, JsonObject> byAgent = new TreeMap<>();
    sums.forEach((agent, s) -> byAgent.put(agent, new JsonObject().put("today", new JsonObject()
        .put("calls", (long) s[0]).put("successes", (long) s[1])
        .put("meanHandleSeconds", s[0] == 0 ? null : Math.round(s[3] / s[0]))
        .put("talkSeconds", Math.round(s[2])))));
    for (Row r : qa) {
      byAgent.computeIfAbsent(r.getLong("agent_id"), k -> new JsonObject()).put("qaMonth", new JsonObject()
          .put("score", r.getDouble("score")).put("evaluations", r.getLong("evaluations")));
    }
    JsonObject out = new JsonObject();
    byAgent.forEach((id, a) -> {
      if (!a.containsKey("today")) {
        a.put("today", new JsonObject().put("calls", 0L).put("successes", 0L).put("meanHandleSeconds", null)
            .put("talkSeconds", 0L));
      }
      if (!a.containsKey("qaMonth")) {
        a.put("qaMonth", null);
      }
      out.put(String.valueOf(id), a);
    });
    return out;
  }

  /** A share rounded to 4 places, null when there is nothing to divide by. */
  static Double ratio(long part, long whole) {
    return whole == 0 ? null : Math.round(part * 10000.0 / whole) / 10000.0;
  }
}
