package io.huifang.casework;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

/**
 * The appeals' SQL (appeal, appeal_event), together, and the judged calls they are about (survey_response of the
 * dealer's customers, from the modules below). Every method takes the client to run on.
 */
public final class AppealStore {
  /** The report kind of a campaign: SSI sales as ssi, CSI after-sales and "other" as csi (as report scores them). */
  static final String KIND_OF = "(case when k.kind = 'ssi' then 'ssi' else 'csi' end)";

  /** A submitted call as far as an appeal needs it. */
  public record Call(String attemptId, long dealerId, long customerId, String kind, String group, String disposition,
                     BigDecimal rawScore, boolean complaint, Instant submittedAt, String customerName,
                     String vehicle, String plate, boolean appealed) {
  }

  private static final String CALL = "select r.attempt_id, cu.dealer_id, cu.id as customer_id, " + KIND_OF
      + " as kind, r.disposition_group, r.disposition, r.raw_score, r.submitted_at, cu.name, cu.phone,"
      + " cu.vehicle_model, cu.plate, k.name as campaign_name, d.code as dealer_code, d.name as dealer_name,"
      + " exists (select 1 from case_file cf where cf.attempt_id = r.attempt_id and cf.kind = 'complaint')"
      + " as complaint"
      + " from survey_response r join customer cu on cu.id = r.customer_id join campaign k on k.id = r.campaign_id"
      + " join dealer d on d.id = cu.dealer_id";

  /** One submitted call of a survey campaign (second callbacks are no judged calls); null when there is none. */
  public Future<Call> call(SqlClient c, String attemptId) {
    return c.preparedQuery(CALL.replace(" from survey_response", ", exists (select 1 from appeal a where a.attempt_id"
            + " = r.attempt_id) as appealed from survey_response")
            + " where r.attempt_id = $1 and r.status = 'submitted' and k.purpose = 'survey'")
        .execute(Tuple.of(attemptId)).map(rs -> {
          if (rs.size() == 0) {
            return null;
          }
          Row r = rs.iterator().next();
          return new Call(r.getString("attempt_id"), r.getLong("dealer_id"), r.getLong("customer_id"),
              r.getString("kind"), r.getString("disposition_group"), r.getString("disposition"),
              r.getBigDecimal("raw_score"), r.getBoolean("complaint"),
              r.getOffsetDateTime("submitted_at").toInstant(), r.getString("name"), r.getString("vehicle_model"),
              r.getString("plate"), r.getBoolean("appealed"));
        });
  }

  public record CallFilter(Long dealerId, String kind, Instant from, Instant to, int limit) {
  }

  /**
   * The judged calls (error samples; successes scored below {@code lowBelow} or that opened a complaint case),
   * newest first, each with its appeal if any. {@code mask}: the customer's phone masked (dealer users).
   */
  public Future<JsonArray> judgedCalls(SqlClient c, CallFilter f, AppealRules rules, Instant now, boolean mask) {
    return c.preparedQuery("select x.*, a.id as appeal_id, a.status as appeal_status, a.result as appeal_result,"
            + " a.filed_at as appeal_filed_at from (" + CALL + " where r.status = 'submitted' and k.purpose = 'survey'"
            + " and ($1::bigint is null or cu.dealer_id = $1) and ($2::text is null or " + KIND_OF + " = $2)"
            + " and ($3::timestamptz is null or r.submitted_at >= $3) and ($4::timestamptz is null"
            + " or r.submitted_at < $4)) x left join appeal a on a.attempt_id = x.attempt_id"
            + " where x.disposition_group = 'error_sample' or (x.disposition_group = 'success'"
            + " and (x.raw_score < $5 or x.complaint)) order by x.submitted_at desc, x.attempt_id limit $6")
        .execute(Tuple.of(f.dealerId(), f.kind(), utc(f.from()), utc(f.to()), rules.lowSurveyBelow(), f.limit()))
        .map(rs -> {
          JsonArray out = new JsonArray();
          for (Row r : rs) {
            Instant published = r.getOffsetDateTime("submitted_at").toInstant();
            Long appeal = r.getLong("appeal_id");
            BigDecimal raw = r.getBigDecimal("raw_score");
            out.add(new JsonObject().put("attemptId", r.getString("attempt_id"))
                .put("dealer", new JsonObject().put("id", r.getLong("dealer_id")).put("code", r.getString("dealer_code"))
                    .put("name", r.getString("dealer_name")))
                .put("kind", r.getString("kind")).put("campaign", r.getString("campaign_name"))
                .put("judged", rules.judged(r.getString("disposition_group"), raw, r.getBoolean("complaint")))
                .put("group", r.getString("disposition_group")).put("disposition", r.getString("disposition"))
                .put("rawScore", raw == null ? null : raw.doubleValue()).put("complaint", r.getBoolean("complaint"))
                .put("customer", new JsonObject().put("name", r.getString("name"))
                    .put("phone", mask ? Portal.mask(r.getString("phone")) : r.getString("phone"))
                    .put("vehicle", r.getString("vehicle_model")).put("plate", r.getString("plate")))
                .put("customerName", r.getString("name"))
                .put("phone", mask ? Portal.mask(r.getString("phone")) : r.getString("phone"))
                .put("publishedAt", published.toString())
                .put("appealUntil", rules.closesAt(published).toString())
                .put("appealable", appeal == null && rules.open(published, now))
                .put("refusal", refusal(rules.refusal("judged", appeal != null, published, now), published, rules))
                .put("appeal", appeal == null ? null : new JsonObject().put("id", appeal)
                    .put("status", r.getString("appeal_status")).put("result", r.getString("appeal_result"))
                    .put("filedAt", r.getOffsetDateTime("appeal_filed_at").toInstant().toString())));
          }
          return out;
        });
  }

  /** Why a listed call cannot be appealed: {code, publishedAt, closedAt}; null when it can. */
  static JsonObject refusal(String code, Instant published, AppealRules rules) {
    return code == null ? null : new JsonObject().put("code", code).put("publishedAt", published.toString())
        .put("closedAt", rules.closesAt(published).toString());
  }

  /** Files the appeal; null when the call was appealed already (once only: unique attempt_id). */
  public Future<Long> file(SqlClient c, Call call, String judged, String reason, long userId) {
    return c.preparedQuery("insert into appeal (attempt_id, dealer_id, kind, judged, published_at, reason, filed_by)"
            + " values ($1, $2, $3, $4, $5, $6, $7) on conflict (attempt_id) do nothing returning id")
        .execute(Tuple.of(call.attemptId(), call.dealerId(), call.kind(), judged, utc(call.submittedAt()), reason,
            userId))
        .map(rs -> rs.size() == 0 ? null : rs.iterator().next().getLong(0));
  }

  /** The appeal's row as JSON, null when there is none; {@code lock} takes it for this transaction. */
  public Future<JsonObject> get(SqlClient c, long id, boolean lock, boolean mask) {
    return c.preparedQuery(SELECT + " where a.id = $1" + (lock ? " for update of a" : ""))
        .execute(Tuple.of(id)).map(rs -> rs.size() == 0 ? null : json(rs.iterator().next(), mask));
  }

  public record Filter(String status, Long dealerId, int limit) {
  }

  public Future<JsonArray> list(SqlClient c, Filter f, boolean mask) {
    return c.preparedQuery(SELECT + " where ($1::text is null or a.status = $1) and ($2::bigint is null"
            + " or a.dealer_id = $2) order by a.filed_at desc, a.id desc limit $3")
        .execute(Tuple.of(f.status(), f.dealerId(), f.limit())).map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(json(r, mask)));
          return out;
        });
  }

  private static final String SELECT = "select a.*, d.code as dealer_code, d.name as dealer_name, cu.name as"
      + " customer_name, cu.phone, r.disposition, r.raw_score, coalesce(f.display_name, f.username) as filed_name,"
      + " coalesce(b.display_name, b.username) as decided_name"
      + " from appeal a join dealer d on d.id = a.dealer_id join survey_response r on r.attempt_id = a.attempt_id"
      + " left join customer cu on cu.id = r.customer_id left join app_user f on f.id = a.filed_by"
      + " left join app_user b on b.id = a.decided_by";

  static JsonObject json(Row r, boolean mask) {
    BigDecimal raw = r.getBigDecimal("raw_score");
    return new JsonObject().put("id", r.getLong("id")).put("attemptId", r.getString("attempt_id"))
        .put("dealer", new JsonObject().put("id", r.getLong("dealer_id")).put("code", r.getString("dealer_code"))
            .put("name", r.getString("dealer_name")))
        .put("kind", r.getString("kind")).put("judged", r.getString("judged"))
        .put("disposition", r.getString("disposition")).put("rawScore", raw == null ? null : raw.doubleValue())
        .put("customer", new JsonObject().put("name", r.getString("customer_name"))
            .put("phone", mask ? Portal.mask(r.getString("phone")) : r.getString("phone")))
        .put("publishedAt", str(r.getOffsetDateTime("published_at"))).put("reason", r.getString("reason"))
        .put("status", r.getString("status")).put("result", r.getString("result"))
        .put("filedAt", str(r.getOffsetDateTime("filed_at"))).put("filedBy", r.getString("filed_name"))
        .put("taskId", r.getLong("task_id"))
        .put("decidedAt", str(r.getOffsetDateTime("decided_at"))).put("decidedBy", r.getString("decided_name"))
        .put("note", r.getString("decision_note"));
  }

  public Future<Void> calling(SqlClient c, long id, long taskId) {
    return c.preparedQuery("update appeal set status = 'calling', task_id = $2 where id = $1 and status = 'filed'")
        .execute(Tuple.of(id, taskId)).mapEmpty();
  }

  /** Decides the appeal (final); false when it was decided already. */
  public Future<Boolean> decide(SqlClient c, long id, String result, Long userId, String note) {
    return c.preparedQuery("update appeal set status = 'decided', result = $2, decided_by = $3, decided_at = now(),"
            + " decision_note = $4 where id = $1 and status <> 'decided'")
        .execute(Tuple.of(id, result, userId, note)).map(rs -> rs.rowCount() > 0);
  }

  public Future<Void> event(SqlClient c, long appealId, Long userId, String byName, String action, JsonObject detail) {
    return c.preparedQuery("insert into appeal_event (appeal_id, by_user, by_name, action, detail)"
            + " values ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(appealId, userId, byName, action, detail == null ? new JsonObject() : detail)).mapEmpty();
  }

  public Future<JsonArray> events(SqlClient c, long appealId) {
    return c.preparedQuery("select at, by_user, by_name, action, detail from appeal_event where appeal_id = $1"
            + " order by at, id").execute(Tuple.of(appealId)).map(rs -> {
              JsonArray out = new JsonArray();
              rs.forEach(r -> out.add(new JsonObject().put("at", r.getOffsetDateTime("at").toInstant().toString())
                  .put("by", r.getLong("by_user")).put("byName", r.getString("by_name"))
                  .put("action", r.getString("action")).put("detail", r.getValue("detail"))));
              return out;
            });
  }

  /** The appeal's second callbacks (case_callback, purpose appeal), oldest first. */
  public Future<JsonArray> callbacks(SqlClient c, long appealId) {
    return c.preparedQuery("select * from case_callback where purpose = 'appeal' and ref_id = $1 order by id")
        .execute(Tuple.of(appealId)).map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(SecondCallbacks.callback(r).toJson()));
          return out;
        });
  }

  /** The calls of {@code kind} submitted in [from, to) whose appeal was upheld: qualified or untrue. */
  public Future<Set<String>> upheld(SqlClient c, String kind, OffsetDateTime from, OffsetDateTime to) {
    return c.preparedQuery("select a.attempt_id from appeal a join survey_response r on r.attempt_id = a.attempt_id"
            + " where a.kind = $1 and a.result in ('qualified', 'untrue') and r.submitted_at >= $2"
            + " and r.submitted_at < $3")
        .execute(Tuple.of(kind, from, to)).map(rs -> {
          Set<String> out = new HashSet<>();
          rs.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** appealDays and lowSurveyBelow from the casework settings; the defaults where they say nothing. */
  public Future<AppealRules> rules(SqlClient c) {
    return c.preparedQuery("select settings from casework_settings where id = 1").execute().map(rs -> {
      JsonObject s = rs.size() == 0 ? new JsonObject() : (JsonObject) rs.iterator().next().getValue(0);
      Number days = s.getValue("appealDays") instanceof Number n ? n : AppealRules.DEFAULT.appealDays();
      Number below = s.getValue("lowSurveyBelow") instanceof Number n ? n : AppealRules.DEFAULT.lowSurveyBelow();
      try {
        return new AppealRules(days.intValue(), below.doubleValue());
      } catch (IllegalArgumentException e) {
        return AppealRules.DEFAULT;
      }
    });
  }

  private static String str(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
