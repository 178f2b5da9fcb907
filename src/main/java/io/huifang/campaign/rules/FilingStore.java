package io.huifang.campaign.rules;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;

/**
 * Special-case filings (特殊情况备案): one per task, with the reason and the period it holds for; a task whose deadline
 * falls in its filing's period closes as "filed", not "expired, not called" (Scheduler.expireOverdue).
 */
public final class FilingStore {
  private static final String COLUMNS = "f.id, f.task_id, f.reason, f.period_from, f.period_to, f.filed_at,"
      + " u.username as filed_by, t.status, t.deadline, t.phone, c.name as customer, c.campaign_id,"
      + " k.name as campaign, d.code as dealer_code, d.name as dealer_name";
  private static final String FROM = " from special_filing f join call_task t on t.id = f.task_id"
      + " join customer c on c.id = t.customer_id join campaign k on k.id = t.campaign_id"
      + " join dealer d on d.id = c.dealer_id left join app_user u on u.id = f.filed_by";
  /** A customer by any part of the number or the name. */
  private static final String MATCH = " ($1::bigint is null or t.campaign_id = $1)"
      + " and ($2::text = '' or t.phone like '%' || $2 || '%' or c.name like '%' || $2 || '%')";

  private final Pool pool;

  public FilingStore(Pool pool) {
    this.pool = pool;
  }

  /** One page of filings, newest first. */
  public Future<JsonObject> list(Long campaignId, String q, int limit, int offset) {
    return pool.preparedQuery("select " + COLUMNS + ", count(*) over () as total" + FROM + " where" + MATCH
            + " order by f.filed_at desc, f.id desc limit $3 offset $4")
        .execute(Tuple.tuple(Arrays.asList(campaignId, q, limit, offset))).map(rs -> {
          JsonArray out = new JsonArray();
          long total = 0;
          for (Row r : rs) {
            total = r.getLong("total");
            out.add(filing(r));
          }
          return new JsonObject().put("filings", out).put("total", total);
        });
  }

  /** Tasks a filing could be made for: the customers matching {@code q}, at most 20, with whether one is filed. */
  public Future<JsonArray> candidates(Long campaignId, String q) {
    return pool.preparedQuery("select t.id, t.status, t.deadline, t.phone, c.name as customer, c.event_date,"
            + " k.name as campaign, d.code as dealer_code, d.name as dealer_name,"
            + " (select f.id from special_filing f where f.task_id = t.id) as filing_id"
            + " from call_task t join customer c on c.id = t.customer_id join campaign k on k.id = t.campaign_id"
            + " join dealer d on d.id = c.dealer_id where" + MATCH + " order by t.deadline desc, t.id limit 20")
        .execute(Tuple.tuple(Arrays.asList(campaignId, q))).map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("taskId", r.getLong("id")).put("status", r.getString("status"))
              .put("deadline", r.getOffsetDateTime("deadline").toInstant().toString())
              .put("phone", r.getString("phone")).put("customer", r.getString("customer"))
              .put("eventDate", r.getLocalDate("event_date") == null ? null : r.getLocalDate("event_date").toString())
              .put("campaign", r.getString("campaign"))
              .put("dealer", r.getString("dealer_code") + " " + r.getString("dealer_name"))
              .put("filingId", r.getLong("filing_id"))));
          return out;
        });
  }

  /** What came of an attempt to file. */
  public enum Added { ADDED, NO_TASK, ALREADY_FILED }

  public record AddResult(Added outcome, JsonObject filing) {
  }

  public Future<AddResult> add(long taskId, String reason, LocalDate from, LocalDate to, long userId) {
    return pool.withTransaction(conn -> conn.preparedQuery("select id from call_task where id = $1 for update")
        .execute(Tuple.of(taskId)).compose(task -> {
          if (task.size() == 0) {
            return Future.succeededFuture(new AddResult(Added.NO_TASK, null));
          }
          return conn.preparedQuery("insert into special_filing (task_id, reason, filed_by, period_from, period_to)"
                  + " values ($1, $2, $3, $4, $5) on conflict (task_id) do nothing returning id")
              .execute(Tuple.of(taskId, reason, userId, from, to)).compose(ins -> {
                if (ins.size() == 0) {
                  return Future.succeededFuture(new AddResult(Added.ALREADY_FILED, null));
                }
                long id = ins.iterator().next().getLong(0);
                // Filed after the fact (the dealer's paper came late): a task that expired with its deadline in the
                // period is covered after all.
                return conn.preparedQuery("with covered as (update call_task t set status = 'filed'"
                        + " from campaign k where t.id = $1 and k.id = t.campaign_id and t.status = 'expired'"
                        + " and (t.deadline at time zone k.time_zone)::date between $2 and $3 returning t.id)"
                        + " insert into task_event (task_id, at, kind, detail) select id, now(), 'filed',"
                        + " jsonb_build_object('filingId', $4::bigint) from covered")
                    .execute(Tuple.of(taskId, from, to, id))
                    .compose(v -> conn.preparedQuery("select " + COLUMNS + FROM + " where f.id = $1")
                        .execute(Tuple.of(id)))
                    .map(rs -> new AddResult(Added.ADDED, filing(rs.iterator().next())));
              });
        }));
  }

  /**
   * Removes a filing; a task it had closed as "filed" becomes "expired, not called" again (with an event saying
   * why). The removed filing, empty when there was none.
   */
  public Future<Optional<JsonObject>> remove(long filingId) {
    return pool.withTransaction(conn -> conn.preparedQuery("select " + COLUMNS + FROM + " where f.id = $1 for update of f")
        .execute(Tuple.of(filingId)).compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(Optional.<JsonObject>empty());
          }
          JsonObject filing = filing(rs.iterator().next());
          long taskId = filing.getLong("taskId");
          return conn.preparedQuery("delete from special_filing where id = $1").execute(Tuple.of(filingId))
              .compose(v -> conn.preparedQuery("with reopened as (update call_task set status = 'expired'"
                      + " where id = $1 and status = 'filed' returning id)"
                      + " insert into task_event (task_id, at, kind, detail) select id, now(), 'filing_removed',"
                      + " jsonb_build_object('filingId', $2::bigint) from reopened")
                  .execute(Tuple.of(taskId, filingId)))
              .map(v -> Optional.of(filing));
        }));
  }

  private static JsonObject filing(Row r) {
    LocalDate from = r.getLocalDate("period_from");
    LocalDate to = r.getLocalDate("period_to");
    return new JsonObject().put("id", r.getLong("id")).put("taskId", r.getLong("task_id"))
        .put("reason", r.getString("reason"))
        .put("from", from == null ? null : from.toString()).put("to", to == null ? null : to.toString())
        .put("filedAt", r.getOffsetDateTime("filed_at").toInstant().toString()).put("filedBy", r.getString("filed_by"))
        .put("taskStatus", r.getString("status"))
        .put("deadline", r.getOffsetDateTime("deadline").toInstant().toString())
        .put("phone", r.getString("phone")).put("customer", r.getString("customer"))
        .put("campaignId", r.getLong("campaign_id")).put("campaign", r.getString("campaign"))
        .put("dealer", r.getString("dealer_code") + " " + r.getString("dealer_name"));
  }
}
