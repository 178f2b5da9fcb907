package io.huifang.campaign;

import io.huifang.core.Invalid;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Campaigns and the dealers they cover: all the SQL of the campaign module. */
public final class CampaignStore {
  private static final String SELECT = "select c.*, coalesce((select array_agg(dealer_id order by dealer_id)"
      + " from campaign_dealer cd where cd.campaign_id = c.id), '{}') as dealer_ids from campaign c";

  private final Pool pool;

  public CampaignStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Campaign>> list() {
    return pool.query(SELECT + " order by c.active desc, c.id desc").execute().map(rs -> {
      List<Campaign> out = new ArrayList<>();
      rs.forEach(r -> out.add(fromRow(r)));
      return out;
    });
  }

  /** A supervisor's pause of a campaign: when and by whom (username). */
  public record Pause(long campaignId, java.time.Instant at, String by) {
  }

  /** The paused campaigns, by id. */
  public Future<java.util.Map<Long, Pause>> pauses() {
    return pool.query("select id, paused_at, paused_by from campaign where paused_at is not null").execute()
        .map(rs -> {
          java.util.Map<Long, Pause> out = new java.util.HashMap<>();
          rs.forEach(r -> out.put(r.getLong("id"), new Pause(r.getLong("id"),
              r.getOffsetDateTime("paused_at").toInstant(), r.getString("paused_by"))));
          return out;
        });
  }

  /** Pauses the campaign (kept if already paused: the first pause's time and author stand); false when unknown. */
  public Future<Boolean> pause(long id, String by) {
    return pool.preparedQuery("update campaign set paused_at = coalesce(paused_at, now()),"
            + " paused_by = case when paused_at is null then $2 else paused_by end where id = $1")
        .execute(Tuple.of(id, by)).map(rs -> rs.rowCount() > 0);
  }

  /** Ends a supervisor's pause; false when unknown. */
  public Future<Boolean> resume(long id) {
    return pool.preparedQuery("update campaign set paused_at = null, paused_by = null where id = $1")
        .execute(Tuple.of(id)).map(rs -> rs.rowCount() > 0);
  }

  /**
   * The ids of the second-callback campaigns (二次回访, {@link FollowUps}); every other campaign is a survey campaign.
   * The purpose stays out of {@link Campaign}: only FollowUps sets it, and only the API shows it.
   */
  public Future<Set<Long>> secondCallbackIds() {
    return pool.query("select id from campaign where purpose = 'second_callback'").execute().map(rs -> {
      Set<Long> out = new TreeSet<>();
      rs.forEach(r -> out.add(r.getLong(0)));
      return out;
    });
  }

  public Future<Optional<Campaign>> get(long id) {
    return pool.preparedQuery(SELECT + " where c.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(fromRow(rs.iterator().next())));
  }

  public Future<Campaign> create(Campaign c) {
    return pool.withTransaction(tx -> tx.preparedQuery("insert into campaign (name, kind, questionnaire, time_zone,"
                + " calling_hours, holidays, deadline_basis, deadline_hours, max_attempts, day_parts, dial_mode,"
                + " abandon_target, caller_id, recording_policy, active, wrap_up_seconds, amd, ring_cut, priority)"
                + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
                + " returning id")
            .execute(values(c))
            .compose(rs -> {
              long id = rs.iterator().next().getLong(0);
              return setDealers(tx, id, c.dealerIds()).map(id);
            }))
        .recover(CampaignStore::explain)
        .compose(id -> get(id).map(Optional::orElseThrow));
  }

  /** Replaces everything but the id; empty when there is no such campaign. */
  public Future<Optional<Campaign>> update(Campaign c) {
    Tuple t = values(c).addLong(c.id());
    return pool.withTransaction(tx -> tx.preparedQuery("update campaign set name = $1, kind = $2, questionnaire = $3,"
                + " time_zone = $4, calling_hours = $5, holidays = $6, deadline_basis = $7, deadline_hours = $8,"
                + " max_attempts = $9, day_parts = $10, dial_mode = $11, abandon_target = $12, caller_id = $13,"
                + " recording_policy = $14, active = $15, wrap_up_seconds = $16, amd = $17, ring_cut = $18,"
                + " priority = $19,"
                + " updated_at = now() where id = $20")
            .execute(t)
            .compose(rs -> rs.rowCount() == 0 ? Future.succeededFuture(false)
                : tx.preparedQuery("delete from campaign_dealer where campaign_id = $1").execute(Tuple.of(c.id()))
                .compose(x -> setDealers(tx, c.id(), c.dealerIds())).map(true)))
        .recover(CampaignStore::explain)
        .compose(found -> found ? get(c.id()) : Future.succeededFuture(Optional.empty()));
  }

  private static Future<Void> setDealers(SqlClient tx, long campaignId, List<Long> dealerIds) {
    if (dealerIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("insert into campaign_dealer (campaign_id, dealer_id) select $1, unnest($2::bigint[])")
        .execute(Tuple.of(campaignId).addArrayOfLong(dealerIds.toArray(new Long[0]))).mapEmpty();
  }

  private static <T> Future<T> explain(Throwable e) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(new Invalid("name", "a campaign with this name already exists", "已有同名活动"));
    }
    if (e instanceof PgException pg && "23503".equals(pg.getSqlState())) {
      return Future.failedFuture(new Invalid("dealerIds", "unknown dealer in dealerIds", "经销商列表中有不存在的经销商"));
    }
    return Future.failedFuture(e);
  }

  private static Tuple values(Campaign c) {
    JsonArray holidays = new JsonArray();
    new TreeSet<>(c.rules().holidays()).forEach(d -> holidays.add(d.toString()));
    JsonArray parts = new JsonArray();
    c.rules().dayParts().forEach(p -> parts.add(p.toString()));
    return Tuple.tuple(Arrays.asList(c.name(), Campaign.id(c.kind()), c.questionnaire(), c.rules().zone().getId(),
        c.hoursJson(), holidays, Campaign.id(c.deadlineBasis()), c.deadlineHours(), c.maxAttempts(), parts,
        Campaign.id(c.dialMode()), c.abandonTarget(), c.callerId(), Campaign.id(c.recordingPolicy()), c.active(),
        c.wrapUpSeconds(), c.amd(), c.ringCut(), c.priority()));
  }

  static Campaign fromRow(Row r) {
    JsonArray partsJson = (JsonArray) r.getValue("day_parts");
    List<TimeRange> parts = new ArrayList<>();
    partsJson.forEach(p -> parts.add(TimeRange.parse((String) p)));
    Set<LocalDate> holidays = new TreeSet<>();
    ((JsonArray) r.getValue("holidays")).forEach(h -> holidays.add(LocalDate.parse((String) h)));
    CallingRules rules = new CallingRules(ZoneId.of(r.getString("time_zone")),
        Campaign.parseHours(r.getValue("calling_hours")), holidays, parts);
    Long[] dealers = r.getArrayOfLongs("dealer_ids");
    return new Campaign(r.getLong("id"), r.getString("name"),
        Campaign.Kind.valueOf(r.getString("kind").toUpperCase()), r.getString("questionnaire"),
        dealers == null ? List.of() : List.of(dealers), rules,
        Campaign.DeadlineBasis.valueOf(r.getString("deadline_basis").toUpperCase()), r.getInteger("deadline_hours"),
        r.getInteger("max_attempts"), Campaign.DialMode.valueOf(r.getString("dial_mode").toUpperCase()),
        r.getBigDecimal("abandon_target"), r.getString("caller_id"),
        Campaign.RecordingPolicy.valueOf(r.getString("recording_policy").toUpperCase()), r.getBoolean("active"),
        r.getInteger("wrap_up_seconds"), r.getBoolean("amd"), r.getBoolean("ring_cut"), r.getInteger("priority"));
  }
}
