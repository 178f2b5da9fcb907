package io.huifang.casework;

import io.huifang.auth.AuditLog;
import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Improvement plans (整改, docs/casework-api.md): one per dealer when a month is approved (report publishes
 * {@link #MONTH_APPROVED}; casework is below report and knows it by the address only), the dealer's steps (meeting,
 * signed minutes, result report) against {@link PlanDeadlines}, the staff's acceptance, and a periodic job that
 * flags every step that fell due without being done (once each, a plan_event and a notice).
 */
public final class Plans {
  private static final Logger log = LoggerFactory.getLogger(Plans.class);
  public static final String MONTH_APPROVED = "huifang.report.month.approved";
  /** The signed minutes: a scan or a PDF, at most 10 MB. */
  public static final long MINUTES_LIMIT = 10L * 1024 * 1024;
  static final Duration FLAG_EVERY = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final Pool pool;
  private final AuditLog audit;
  private final Portal portal;
  private final Path filesDir;
  private final Clock clock;
  private final Notices notices;
  private final PlanStore store = new PlanStore();
  private MessageConsumer<JsonObject> consumer;
  private Long timer;

  /** {@code filesDir}: where the signed minutes are kept (under the data directory). */
  public Plans(Vertx vertx, Pool pool, AuditLog audit, Path filesDir, Clock clock, Notices notices) {
    this.vertx = vertx;
    this.pool = pool;
    this.audit = audit;
    this.portal = new Portal(audit);
    this.filesDir = filesDir;
    this.clock = clock;
    this.notices = notices;
  }

  /** Runs its periodic job only while {@code held} says so (the wiring: this node holds the job's lease). */
  public void onlyWhile(java.util.function.BooleanSupplier held) {
    this.held = held;
  }

  private volatile java.util.function.BooleanSupplier held = () -> true;

  public Future<Void> start() {
    // Once per cluster: on the node where the month was approved (docs/cluster.md).
    consumer = vertx.eventBus().localConsumer(MONTH_APPROVED, m -> approved(m.body())
        .onFailure(e -> log.atError().setMessage("improvement plans not opened").addKeyValue("month", m.body())
            .addKeyValue("error", String.valueOf(e)).log()));
    timer = vertx.setPeriodic(FLAG_EVERY.toMillis(), id -> (held.getAsBoolean() ? flagLate()
        : Future.succeededFuture())
        .onFailure(e -> log.atWarn().setMessage("flagging late plans failed").addKeyValue("error", e.getMessage())
            .log()));
    return consumer.completion();
  }

  public void stop() {
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    if (consumer != null) {
      consumer.unregister();
    }
  }

  /** {kind, month, dealerIds, at}: one plan per dealer, each notified. */
  Future<List<Long>> approved(JsonObject m) {
    String kind = m.getString("kind");
    YearMonth month = YearMonth.parse(m.getString("month"));
    List<Long> dealers = new ArrayList<>();
    m.getJsonArray("dealerIds", new JsonArray()).forEach(o -> dealers.add(((Number) o).longValue()));
    Instant at = Instant.parse(m.getString("at"));
    return pool.withTransaction(c -> store.open(c, kind, month, dealers, at).compose(ids -> {
      Future<Void> f = Future.succeededFuture();
      for (Long id : ids) {
        f = f.compose(v -> store.event(c, id, null, "Huifang", "opened",
            new JsonObject().put("kind", kind).put("month", month.toString())));
      }
      return f.map(ids);
    })).compose(ids -> {
      log.atInfo().setMessage("improvement plans opened").addKeyValue("kind", kind).addKeyValue("month", month)
          .addKeyValue("plans", ids.size()).log();
      return pool.preparedQuery("select id, dealer_id from improvement_plan where id = any($1)")
          .execute(io.vertx.sqlclient.Tuple.of(ids.toArray(new Long[0])))
          .compose(rs -> {
            List<Future<Void>> sent = new ArrayList<>();
            rs.forEach(r -> sent.add(notices.send("plan.opened", r.getLong(0), r.getLong(1), kind + " " + month)));
            return Future.join(sent);
          })
          .map(ids);
    });
  }

  /** Flags the steps that fell due undone since the last run; answers how many. */
  public Future<Integer> flagLate() {
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.flagLate(c, now)).compose(found -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (PlanStore.Late l : found) {
        sent.add(notices.send("plan.late", l.planId(), l.dealerId(), l.step()));
      }
      if (!found.isEmpty()) {
        log.atInfo().setMessage("improvement plan steps late").addKeyValue("count", found.size()).log();
      }
      return Future.join(sent).map(found.size());
    });
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  public Future<JsonArray> list(User u, PlanStore.Filter f, String ip) {
    return portal.scope(u, f.dealerId(), "plans:dealer:" + (f.dealerId() == null ? u.dealerId() : f.dealerId()), ip)
        .compose(dealer -> store.list(pool, new PlanStore.Filter(f.kind(), f.month(), dealer, f.late(), f.limit()),
            clock.instant()));
  }

  public Future<JsonObject> get(User u, long id, String ip) {
    return pool.withConnection(c -> plan(c, u, id, ip, false)
        .compose(p -> store.history(c, id).map(h -> p.put("history", h))));
  }

  /** The plan if {@code u} may see it (404 / 403 other_dealer otherwise). */
  private Future<JsonObject> plan(SqlConnection c, User u, long id, String ip, boolean lock) {
    return store.get(c, id, clock.instant(), lock).compose(p -> {
      if (p == null) {
        return Future.failedFuture(Problem.notFound("plan " + id));
      }
      return portal.own(u, p.getJsonObject("dealer").getLong("id"), "plan:" + id, ip).map(p);
    });
  }

  // ---- the dealer's steps -----------------------------------------------------------------------------------------

  /** The meeting as the dealer recorded it, checked. */
  public record Meeting(LocalDate heldOn, String attendees, JsonArray items, LocalDate periodEnd) {
  }

  public Future<JsonObject> meeting(User u, long id, Meeting m, String ip) {
    Instant now = clock.instant();
    LocalDate today = PlanDeadlines.dayOf(now);
    return step(u, id, ip, "meeting", p -> {
      if (p.getString("meetingAt") != null) {
        throw Problem.conflict("already_done", "the meeting of plan " + id + " was recorded already");
      }
      LocalDate opened = PlanDeadlines.dayOf(Instant.parse(p.getString("openedAt")));
      if (m.heldOn().isAfter(today) || m.heldOn().isBefore(opened)) {
        throw new Invalid("heldOn", "heldOn must be a day from the plan's opening (" + opened + ") to today",
            "会议日期应在整改开始（" + opened + "）至今天之间");
      }
      if (m.periodEnd().isBefore(m.heldOn()) || m.periodEnd().isAfter(PlanDeadlines.latestPeriodEnd(m.heldOn()))) {
        throw new Invalid("periodEnd", "periodEnd must be from the meeting's day to one month after it ("
            + PlanDeadlines.latestPeriodEnd(m.heldOn()) + ")", "整改期限最长为会议后一个月（"
            + PlanDeadlines.latestPeriodEnd(m.heldOn()) + "）");
      }
      return c -> store.meeting(c, id, now, m.heldOn(), m.attendees(), m.items(), m.periodEnd())
          .map(new JsonObject().put("heldOn", m.heldOn().toString()).put("periodEnd", m.periodEnd().toString())
              .put("items", m.items().size()));
    });
  }

  /** The uploaded signed minutes ({@code uploaded}, removed after the response) as the dealer sent them. */
  public record Minutes(String uploaded, String fileName, long size, String signedBy) {
  }

  public Future<JsonObject> minutes(User u, long id, Minutes m, String ip) {
    Instant now = clock.instant();
    if (m.size() > MINUTES_LIMIT) {
      return Future.failedFuture(new Invalid("file", "the minutes may be at most 10 MB", "会议纪要文件不能超过 10 MB"));
    }
    // the type by the file's first bytes, whatever its name or the browser says; then kept under the data directory
    return vertx.executeBlocking(() -> {
      String type = typeOf(Path.of(m.uploaded()));
      if (type == null) {
        throw new Invalid("file", "the minutes must be a PDF, JPEG or PNG file", "会议纪要须为 PDF、JPEG 或 PNG 文件");
      }
      Files.createDirectories(filesDir);
      Path kept = filesDir.resolve("plan-" + id + "-" + System.nanoTime() + extension(type));
      Files.move(Path.of(m.uploaded()), kept, StandardCopyOption.REPLACE_EXISTING);
      return new String[] {kept.getFileName().toString(), type};
    }, false).compose(kept -> step(u, id, ip, "minutes", p -> {
      if (p.getString("meetingAt") == null) {
        throw Problem.conflict("wrong_state", "record the meeting before its minutes");
      }
      if (p.getString("minutesAt") != null) {
        throw Problem.conflict("already_done", "the minutes of plan " + id + " were returned already");
      }
      String name = m.fileName() == null || m.fileName().isBlank() ? "minutes" + extension(kept[1])
          : m.fileName().strip();
      return c -> store.minutes(c, id, now, kept[0], kept[1], m.size(), name.length() > 200 ? name.substring(0, 200)
              : name, m.signedBy())
          .map(new JsonObject().put("name", name).put("type", kept[1]).put("bytes", m.size())
              .put("signedBy", m.signedBy()));
    }).onFailure(e -> vertx.fileSystem().delete(filesDir.resolve(kept[0]).toString())));
  }

  public Future<JsonObject> result(User u, long id, String text, String ip) {
    Instant now = clock.instant();
    return step(u, id, ip, "result", p -> {
      if (p.getString("meetingAt") == null) {
        throw Problem.conflict("wrong_state", "record the meeting before the result report");
      }
      if (p.getString("resultAt") != null) {
        throw Problem.conflict("already_done", "the result report of plan " + id + " was returned already");
      }
      return c -> store.result(c, id, now, text).map(new JsonObject().put("chars", text.length()));
    });
  }

  public Future<JsonObject> accept(User u, long id, String note, String ip) {
    Instant now = clock.instant();
    return step(u, id, ip, "accepted", p -> {
      if (!"result_returned".equals(p.getString("status"))) {
        throw Problem.conflict("wrong_state", "a plan is accepted once its result report is returned (it is "
            + p.getString("status") + ")");
      }
      return c -> store.accept(c, id, now, u.id()).map(new JsonObject().put("note", note));
    });
  }

  /** The minutes' file of a plan {@code u} may see: {path, type, name}; 404 without one. Audited. */
  public Future<JsonObject> minutesFile(User u, long id, String ip) {
    return pool.withConnection(c -> plan(c, u, id, ip, false).compose(p -> store.minutesFile(c, id)))
        .compose(f -> {
          if (f == null || f.getString("file") == null) {
            return Future.failedFuture(Problem.notFound("minutes of plan " + id));
          }
          return audit.record(u, u.username(), "casework.minutes.download", "plan:" + id, "ok", ip,
                  new JsonObject().put("name", f.getString("name")))
              .map(v -> f.put("path", filesDir.resolve(f.getString("file")).toString()));
        });
  }

  /**
   * One step of a plan in one transaction: the plan locked and checked ({@code check} throws {@link Problem} or
   * {@link Invalid}, else answers the write), a plan_event, audited; answers the plan as it is then.
   */
  private Future<JsonObject> step(User u, long id, String ip, String action,
                                  Function<JsonObject, Function<SqlConnection, Future<JsonObject>>> check) {
    return pool.withTransaction(c -> plan(c, u, id, ip, true).compose(p -> {
      Function<SqlConnection, Future<JsonObject>> write;
      try {
        write = check.apply(p);
      } catch (Problem | Invalid e) {
        return Future.failedFuture(e);
      }
      return write.apply(c).compose(detail -> store.event(c, id, u.id(), name(u), action, detail).map(detail));
    })).compose(detail -> audit.record(u, u.username(), "casework.plan." + action, "plan:" + id, "ok", ip, detail))
        .compose(v -> pool.withConnection(c -> store.get(c, id, clock.instant(), false)));
  }

  static String name(User u) {
    return u.displayName() == null || u.displayName().isBlank() ? u.username() : u.displayName();
  }

  /** PDF, JPEG or PNG by the file's magic bytes; null for anything else. */
  static String typeOf(Path file) throws IOException {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return typeOf(head, n);
  }

  static String typeOf(byte[] b, int n) {
    if (n >= 5 && b[0] == '%' && b[1] == 'P' && b[2] == 'D' && b[3] == 'F' && b[4] == '-') {
      return "application/pdf";
    }
    if (n >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "image/jpeg";
    }
    if (n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D && b[5] == 0x0A
        && b[6] == 0x1A && b[7] == 0x0A) {
      return "image/png";
    }
    return null;
  }

  static String extension(String type) {
    return switch (type) {
      case "application/pdf" -> ".pdf";
      case "image/jpeg" -> ".jpg";
      default -> ".png";
    };
  }
}
