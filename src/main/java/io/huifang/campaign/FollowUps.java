package io.huifang.campaign;

import io.huifang.core.Invalid;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.NoSuchElementException;

/**
 * Second callbacks (二次回访) for the modules above campaign (casework): a customer already called is called again
 * about something (a handled complaint, an appeal), in the second-callback campaign of the source campaign's kind.
 * That campaign ({@code purpose = 'second_callback'}) is created on first use, copying the source campaign's calling
 * hours, holidays, day parts and time zone, dialled progressively with the {@code verify-default} questionnaire;
 * reports and QA sampling leave it out. Each follow-up is a new customer row (a task belongs to one customer) with
 * the row key {@code followup:<purpose>:<source customer>:<n>} and the {@code context} the agent's screen shows.
 */
public final class FollowUps {
  /** The questionnaire of second callbacks (built in, src/main/resources/survey/verify-default.json). */
  public static final String QUESTIONNAIRE = "verify-default";

  /** Where the follow-up lives: the second-callback campaign, the customer copied into it, its call task. */
  public record FollowUp(long campaignId, long customerId, long taskId) {
  }

  private final Pool pool;

  public FollowUps(Pool pool) {
    this.pool = pool;
  }

  /** The name of the second-callback campaign of a kind (campaign names are unique). */
  static String campaignName(String kind) {
    return switch (kind) {
      case "csi" -> "二次回访（售后）";
      case "ssi" -> "二次回访（销售）";
      default -> "二次回访（其他）";
    };
  }

  /**
   * Copies the source customer into the second-callback campaign of its campaign's kind and opens a task there due
   * by {@code deadline}. Fails with {@link Invalid} ("customerId") for an unknown customer or one without a phone.
   */
  public Future<FollowUp> add(long sourceCustomerId, String purpose, JsonObject context, Instant deadline) {
    if (purpose == null || !purpose.matches("[a-z_]{1,32}")) {
      return Future.failedFuture(new IllegalArgumentException("purpose must be a short lower-case word"));
    }
    return pool.withTransaction(tx -> source(tx, sourceCustomerId)
        .compose(src -> campaignOf(tx, src.getString("kind"), src.getLong("campaign_id"))
            .compose(campaignId -> batchOf(tx, campaignId, src.getLong("dealer_id"))
                .compose(batchId -> copy(tx, src, campaignId, batchId, purpose, context))
                .compose(customerId -> tx.preparedQuery("insert into call_task (campaign_id, customer_id, phone,"
                        + " status, deadline, next_try_at) select campaign_id, id, phone, 'open', $2, now()"
                        + " from customer where id = $1 returning id")
                    .execute(Tuple.of(customerId, deadline.atOffset(ZoneOffset.UTC)))
                    .map(rs -> new FollowUp(campaignId, customerId, rs.iterator().next().getLong(0)))))));
  }

  /** The source customer with its campaign's kind, locked so that its follow-ups are numbered one at a time. */
  private static Future<Row> source(SqlConnection tx, long customerId) {
    return tx.preparedQuery("select cu.*, k.kind from customer cu join campaign k on k.id = cu.campaign_id"
            + " where cu.id = $1 for update of cu")
        .execute(Tuple.of(customerId)).compose(rs -> {
          if (rs.size() == 0) {
            return Future.failedFuture(new Invalid("customerId", "no customer " + customerId, "没有该客户"));
          }
          Row r = rs.iterator().next();
          if (r.getString("phone") == null) {
            return Future.failedFuture(new Invalid("customerId", "the customer has no phone number to call",
                "该客户没有可拨打的电话"));
          }
          return Future.succeededFuture(r);
        });
  }

  /**
   * The second-callback campaign of the kind, created from the source campaign's rules on first use. Two first uses
   * at once meet at the unique index on (kind) for second-callback campaigns: the loser's insert does nothing and it
   * reads the winner's.
   */
  private static Future<Long> campaignOf(SqlConnection tx, String kind, long sourceCampaignId) {
    return tx.preparedQuery("insert into campaign (name, kind, questionnaire, time_zone, calling_hours, holidays,"
            + " deadline_basis, deadline_hours, max_attempts, day_parts, dial_mode, abandon_target, caller_id,"
            + " recording_policy, active, wrap_up_seconds, purpose) select $2, s.kind, $3, s.time_zone,"
            + " s.calling_hours, s.holidays, s.deadline_basis, s.deadline_hours, s.max_attempts, s.day_parts,"
            + " 'progressive', s.abandon_target, s.caller_id, s.recording_policy, true, s.wrap_up_seconds,"
            + " 'second_callback' from campaign s where s.id = $1"
            + " on conflict (kind) where purpose = 'second_callback' do nothing")
        .execute(Tuple.of(sourceCampaignId, campaignName(kind), QUESTIONNAIRE))
        .compose(x -> tx.preparedQuery("select id from campaign where kind = $1 and purpose = 'second_callback'")
            .execute(Tuple.of(kind)))
        .map(rs -> {
          if (rs.size() == 0) {
            throw new NoSuchElementException("no second-callback campaign of kind " + kind);
          }
          return rs.iterator().next().getLong(0);
        });
  }

  /** The file hash of the standing batch follow-ups hang on: no upload, so the import history leaves it out. */
  public static final String STANDING_BATCH_HASH = "followups";

  /**
   * The campaign covers the dealer, and the dealer's follow-ups hang on one standing "import" of the campaign
   * (customer rows need a batch): made once, found again by its fixed file hash.
   */
  private static Future<Long> batchOf(SqlConnection tx, long campaignId, long dealerId) {
    Tuple t = Tuple.of(campaignId, dealerId);
    return tx.preparedQuery("insert into campaign_dealer (campaign_id, dealer_id) values ($1, $2)"
            + " on conflict do nothing").execute(t)
        .compose(x -> tx.preparedQuery("insert into import_batch (campaign_id, dealer_id, file_name, file_sha256,"
                + " status, finished_at) values ($1, $2, '二次回访', '" + STANDING_BATCH_HASH + "', 'loaded', now())"
                + " on conflict (campaign_id, dealer_id, file_sha256) where status = 'loaded' do nothing").execute(t))
        .compose(x -> tx.preparedQuery("select id from import_batch where campaign_id = $1 and dealer_id = $2"
            + " and file_sha256 = '" + STANDING_BATCH_HASH + "' and status = 'loaded'").execute(t))
        .map(rs -> rs.iterator().next().getLong(0));
  }

  private static Future<Long> copy(SqlConnection tx, Row src, long campaignId, long batchId, String purpose,
                                   JsonObject context) {
    String prefix = "followup:" + purpose + ":" + src.getLong("id") + ":";
    return tx.preparedQuery("insert into customer (campaign_id, dealer_id, import_batch_id, row_no, row_key, name,"
            + " phone_raw, phone, phone_ext, vehicle_model, plate, vin, event_date, event_at, work_order_no,"
            + " work_order_closed, context) select $1, s.dealer_id, $2, n.n, $3 || n.n, s.name, s.phone_raw, s.phone,"
            + " s.phone_ext, s.vehicle_model,"
            + " s.plate, s.vin, s.event_date, s.event_at, s.work_order_no, s.work_order_closed, $5"
            + " from customer s, (select count(*)::int + 1 as n from customer where campaign_id = $1"
            + " and dealer_id = $6 and row_key like $3 || '%') n where s.id = $4 returning id")
        .execute(Tuple.of(campaignId, batchId, prefix, src.getLong("id"), context == null ? null : context.copy(),
            src.getLong("dealer_id")))
        .map(rs -> rs.iterator().next().getLong(0));
  }
}
