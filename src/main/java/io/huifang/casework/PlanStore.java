package io.huifang.casework;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The improvement plans' SQL (improvement_plan, plan_event), together. Every method takes the client to run on. */
public final class PlanStore {
  /** A plan with a late step at $now: done after its due time, or not done with the due time passed. */
  static final String LATE = "(coalesce(p.meeting_at, $now) > p.meeting_due"
      + " or coalesce(p.minutes_at, $now) > p.minutes_due or coalesce(p.result_at, $now) > p.result_due)";

  private static final String SELECT = "select p.*, d.code as dealer_code, d.name as dealer_name"
      + " from improvement_plan p join dealer d on d.id = p.dealer_id";

  /** Opens one plan per dealer of an approved month; a month approved again (after a reopen) opens none anew. */
  public Future<List<Long>> open(SqlClient c, String kind, YearMonth month, List<Long> dealerIds, Instant approvedAt) {
    Instant meetingDue = PlanDeadlines.meetingDue(approvedAt);
    return c.preparedQuery("insert into improvement_plan (kind, month, dealer_id, opened_at, meeting_due, minutes_due)"
            + " select $1, $2, d, $3, $4, $5 from unnest($6::bigint[]) as d"
            + " on conflict (kind, month, dealer_id) do nothing returning id")
        .execute(Tuple.of(kind, month.atDay(1), utc(approvedAt), utc(meetingDue),
            utc(PlanDeadlines.minutesDueBefore(meetingDue)), dealerIds.toArray(new Long[0])))
        .map(rs -> {
          List<Long> ids = new ArrayList<>();
          rs.forEach(r -> ids.add(r.getLong(0)));
          return ids;
        });
  }

  public record Filter(String kind, YearMonth month, Long dealerId, Boolean late, int limit) {
  }

  public Future<JsonArray> list(SqlClient c, Filter f, Instant now) {
    return c.preparedQuery((SELECT + " where ($1::text is null or p.kind = $1) and ($2::date is null or p.month = $2)"
            + " and ($3::bigint is null or p.dealer_id = $3)"
            + " and ($4::boolean is null or coalesce(" + LATE + ", false) = $4)"
            + " order by p.month desc, d.code, p.id limit $6").replace("$now", "$5"))
        .execute(Tuple.of(f.kind(), f.month() == null ? null : f.month().atDay(1), f.dealerId(), f.late(), utc(now),
            f.limit()))
        .map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(json(r, now)));
          return out;
        });
  }

  /** One plan, null when there is none; {@code lock} takes it for this transaction. */
  public Future<JsonObject> get(SqlClient c, long id, Instant now, boolean lock) {
    return c.preparedQuery(SELECT + " where p.id = $1" + (lock ? " for update of p" : ""))
        .execute(Tuple.of(id)).map(rs -> rs.size() == 0 ? null : json(rs.iterator().next(), now));
  }

  /** Where the minutes' file is kept (relative to the plans' directory), its type and name; null without one. */
  public Future<JsonObject> minutesFile(SqlClient c, long id) {
    return c.preparedQuery("select minutes_file, minutes_type, minutes_name, dealer_id from improvement_plan"
            + " where id = $1").execute(Tuple.of(id))
        .map(rs -> {
          if (rs.size() == 0) {
            return null;
          }
          Row r = rs.iterator().next();
          return new JsonObject().put("file", r.getString("minutes_file")).put("type", r.getString("minutes_type"))
              .put("name", r.getString("minutes_name")).put("dealerId", r.getLong("dealer_id"));
        });
  }

  public Future<Void> meeting(SqlClient c, long id, Instant at, LocalDate heldOn, String attendees, JsonArray items,
                              LocalDate periodEnd) {
    return c.preparedQuery("update improvement_plan set status = 'meeting_held', meeting_at = $2, held_on = $3,"
            + " attendees = $4, items = $5, period_end = $6, minutes_due = $7, result_due = $8 where id = $1")
        .execute(Tuple.of(id, utc(at), heldOn, attendees, items, periodEnd,
            utc(PlanDeadlines.minutesDue(heldOn)), utc(PlanDeadlines.resultDue(periodEnd))))
        .mapEmpty();
  }

  public Future<Void> minutes(SqlClient c, long id, Instant at, String file, String type, long bytes, String name,
                              String signedBy) {
    return c.preparedQuery("update improvement_plan set status = case when status = 'meeting_held'"
            + " then 'minutes_returned' else status end, minutes_at = $2, minutes_file = $3, minutes_type = $4,"
            + " minutes_bytes = $5, minutes_name = $6, signed_by = $7 where id = $1")
        .execute(Tuple.of(id, utc(at), file, type, bytes, name, signedBy)).mapEmpty();
  }

  public Future<Void> result(SqlClient c, long id, Instant at, String text) {
    return c.preparedQuery("update improvement_plan set status = 'result_returned', result_at = $2, result_text = $3"
            + " where id = $1").execute(Tuple.of(id, utc(at), text)).mapEmpty();
  }

  public Future<Void> accept(SqlClient c, long id, Instant at, long userId) {
    return c.preparedQuery("update improvement_plan set status = 'accepted', accepted_at = $2, accepted_by = $3"
            + " where id = $1").execute(Tuple.of(id, utc(at), userId)).mapEmpty();
  }

  public Future<Void> event(SqlClient c, long planId, Long userId, String byName, String action, JsonObject detail) {
    return c.preparedQuery("insert into plan_event (plan_id, by_user, by_name, action, detail)"
            + " values ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(planId, userId, byName, action, detail == null ? new JsonObject() : detail)).mapEmpty();
  }

  public Future<JsonArray> history(SqlClient c, long planId) {
    return c.preparedQuery("select at, by_user, by_name, action, detail from plan_event where plan_id = $1"
            + " order by at, id").execute(Tuple.of(planId)).map(rs -> {
              JsonArray out = new JsonArray();
              rs.forEach(r -> out.add(new JsonObject().put("at", r.getOffsetDateTime("at").toInstant().toString())
                  .put("by", r.getLong("by_user")).put("byName", r.getString("by_name"))
                  .put("action", r.getString("action")).put("detail", r.getValue("detail"))));
              return out;
            });
  }

  /** A plan step that fell late and was not flagged yet: each is flagged once. */
  public record Late(long planId, long dealerId, String kind, YearMonth month, String step) {
  }

  /**
   * Marks the steps late at {@code now} (not done, due passed) that were not flagged yet, with a plan_event each,
   * and answers them. Accepted plans are done with: nothing is flagged on them.
   */
  public Future<List<Late>> flagLate(SqlClient c, Instant now) {
    return c.preparedQuery("select id, dealer_id, kind, month, meeting_due, meeting_at, minutes_due, minutes_at,"
            + " result_due, result_at, flagged from improvement_plan p where status <> 'accepted' and ("
            + LATE.replace("$now", "$1") + ") for update skip locked")
        .execute(Tuple.of(utc(now))).compose(rs -> {
          List<Late> found = new ArrayList<>();
          List<Tuple> flags = new ArrayList<>();
          for (Row r : rs) {
            List<String> already = List.of(r.getArrayOfStrings("flagged"));
            PlanDeadlines.Steps s = steps(r);
            for (String step : s.missing(now)) {
              if (!already.contains(step)) {
                found.add(new Late(r.getLong("id"), r.getLong("dealer_id"), r.getString("kind"),
                    YearMonth.from(r.getLocalDate("month")), step));
                flags.add(Tuple.of(r.getLong("id"), step));
              }
            }
          }
          if (flags.isEmpty()) {
            return Future.succeededFuture(found);
          }
          return c.preparedQuery("update improvement_plan set flagged = array_append(flagged, $2) where id = $1")
              .executeBatch(flags)
              .compose(v -> c.preparedQuery("insert into plan_event (plan_id, by_name, action, detail)"
                      + " values ($1, 'Huifang', 'late', jsonb_build_object('step', $2::text))")
                  .executeBatch(flags))
              .map(found);
        });
  }

  static PlanDeadlines.Steps steps(Row r) {
    return PlanDeadlines.Steps.of(r.getOffsetDateTime("meeting_due"), r.getOffsetDateTime("meeting_at"),
        r.getOffsetDateTime("minutes_due"), r.getOffsetDateTime("minutes_at"), r.getOffsetDateTime("result_due"),
        r.getOffsetDateTime("result_at"));
  }

  /** {@code <Plan>} (docs/casework-api.md). */
  static JsonObject json(Row r, Instant now) {
    PlanDeadlines.Steps s = steps(r);
    String status = r.getString("status");
    LocalDate periodEnd = r.getLocalDate("period_end");
    // minutes returned and the period still running: the plan is "in its period"
    if ("minutes_returned".equals(status) && periodEnd != null
        && !PlanDeadlines.dayOf(now).isAfter(periodEnd)) {
      status = "period";
    }
    String file = r.getString("minutes_file");
    return new JsonObject().put("id", r.getLong("id"))
        .put("dealer", new JsonObject().put("id", r.getLong("dealer_id")).put("code", r.getString("dealer_code"))
            .put("name", r.getString("dealer_name")))
        .put("kind", r.getString("kind")).put("month", YearMonth.from(r.getLocalDate("month")).toString())
        .put("status", status).put("openedAt", str(r.getOffsetDateTime("opened_at")))
        .put("meetingDue", str(r.getOffsetDateTime("meeting_due"))).put("meetingAt", str(r.getOffsetDateTime("meeting_at")))
        .put("heldOn", r.getLocalDate("held_on") == null ? null : r.getLocalDate("held_on").toString())
        .put("attendees", r.getString("attendees")).put("items", r.getValue("items"))
        .put("minutesDue", str(r.getOffsetDateTime("minutes_due"))).put("minutesAt", str(r.getOffsetDateTime("minutes_at")))
        .put("minutes", file == null ? null : new JsonObject().put("name", r.getString("minutes_name"))
            .put("type", r.getString("minutes_type")).put("bytes", r.getLong("minutes_bytes"))
            .put("signedBy", r.getString("signed_by")))
        .put("periodEnd", periodEnd == null ? null : periodEnd.toString())
        .put("resultDue", str(r.getOffsetDateTime("result_due"))).put("resultAt", str(r.getOffsetDateTime("result_at")))
        .put("resultText", r.getString("result_text"))
        .put("acceptedAt", str(r.getOffsetDateTime("accepted_at")))
        .put("late", new JsonArray(s.late(now))).put("missing", new JsonArray(s.missing(now)));
  }

  private static String str(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
