package io.huifang.qa;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The QA module's SQL (tables qa_rules, qa_skill_level, qa_agent_skill, qa_month, qa_call_check, qa_sample; V50),
 * and its reads of the tables below it (call_attempt, survey_response, recording, customer, campaign, dealer,
 * app_user).
 */
public final class QaStore {
  private final Pool pool;

  public QaStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  // ---- rules and skills

  public Future<QaRules> rules() {
    Future<List<QaRules.Level>> levels = pool.query("select key, rank, name_zh, name_en, share from qa_skill_level"
        + " order by rank").execute().map(rs -> {
          List<QaRules.Level> out = new ArrayList<>();
          rs.forEach(r -> out.add(new QaRules.Level(r.getString("key"), r.getInteger("rank"), r.getString("name_zh"),
              r.getString("name_en"), r.getBigDecimal("share").doubleValue())));
          return out;
        });
    return levels.compose(ls -> pool.query("select * from qa_rules").execute().map(rs -> {
      Row r = rs.iterator().next();
      Map<Long, Integer> quotas = new LinkedHashMap<>();
      JsonObject q = (JsonObject) jsonValue(r.getValue("campaign_quotas"));
      for (String k : q.fieldNames()) {
        quotas.put(Long.parseLong(k), q.getInteger(k));
      }
      return new QaRules(r.getInteger("quota_per_agent"), quotas, r.getInteger("first_days"),
          r.getString("uncertified_level"), ls, r.getInteger("claim_limit"), r.getInteger("claim_expiry_hours"),
          r.getInteger("dispute_window_days"), r.getBigDecimal("seconds_per_item").doubleValue());
    }));
  }

  public Future<Void> saveRules(QaRules rules, long by) {
    JsonObject quotas = new JsonObject();
    rules.campaignQuotas().forEach((k, v) -> quotas.put(String.valueOf(k), v));
    return pool.withTransaction(c -> {
      Future<?> f = c.preparedQuery("update qa_rules set quota_per_agent = $1, campaign_quotas = $2::jsonb,"
              + " first_days = $3, uncertified_level = $4, claim_limit = $5, claim_expiry_hours = $6,"
              + " dispute_window_days = $7, seconds_per_item = $8, updated_by = $9, updated_at = now()")
          .execute(Tuple.from(new Object[] {rules.quotaPerAgent(), quotas, rules.firstDays(),
              rules.uncertifiedLevel(), rules.claimLimit(), rules.claimExpiryHours(), rules.disputeWindowDays(),
              java.math.BigDecimal.valueOf(rules.secondsPerItem()), by}));
      for (QaRules.Level l : rules.levels()) {
        f = f.compose(v -> c.preparedQuery("update qa_skill_level set name_zh = $2, name_en = $3, share = $4"
            + " where key = $1").execute(Tuple.of(l.key(), l.nameZh(), l.nameEn(),
            java.math.BigDecimal.valueOf(l.share()))));
      }
      return f.mapEmpty();
    });
  }

  /** Every active agent with their certified level (null: none). */
  public Future<JsonArray> skills() {
    return pool.query("select u.id, u.display_name, s.level, s.certified_at, c.display_name as certified_by"
            + " from app_user u left join qa_agent_skill s on s.agent_id = u.id"
            + " left join app_user c on c.id = s.certified_by where u.role = 'agent' and u.active order by u.id")
        .execute().map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(new JsonObject().put("agentId", r.getLong("id"))
              .put("agentName", r.getString("display_name")).put("level", r.getString("level"))
              .put("certifiedAt", iso(r.getOffsetDateTime("certified_at")))
              .put("certifiedBy", r.getString("certified_by"))));
          return out;
        });
  }

  /** Certifies an agent at a level (null removes the certification). False when no such agent. */
  public Future<Boolean> setSkill(long agentId, String level, Long by) {
    return pool.preparedQuery("select 1 from app_user where id = $1 and role = 'agent'").execute(Tuple.of(agentId))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(false);
          }
          Future<?> f = level == null
              ? pool.preparedQuery("delete from qa_agent_skill where agent_id = $1").execute(Tuple.of(agentId))
              : pool.preparedQuery("insert into qa_agent_skill (agent_id, level, certified_by) values ($1, $2, $3)"
                  + " on conflict (agent_id) do update set level = excluded.level, certified_at = now(),"
                  + " certified_by = excluded.certified_by").execute(Tuple.of(agentId, level, by));
          return f.map(x -> true);
        });
  }

  public Future<Optional<String>> skillOf(long agentId) {
    return pool.preparedQuery("select level from qa_agent_skill where agent_id = $1").execute(Tuple.of(agentId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next().getString("level")));
  }

  // ---- the draw

  /** What the draw needs to know of a call: its survey, its recording, its times and its questionnaire. */
  public record CallFacts(String attemptId, long campaignId, long agentId, String surveyStatus, String group,
                          boolean needsReview, boolean voidSurvey, JsonObject answers, JsonObject questionnaire,
                          String recordingId, String recordingStatus, Long durationMs, JsonObject activity,
                          java.time.Instant callAt, java.time.Instant bridgedAt, java.time.Instant endedAt) {
    /** A submitted survey and a ready recording: the call can be decided. */
    public boolean eligible() {
      return "submitted".equals(surveyStatus) && "ready".equals(recordingStatus) && callAt != null;
    }
  }

  /**
   * The survey {@code s} is of a survey campaign: second callbacks (二次回访, purpose second_callback) verify cases and
   * appeals and are never drawn, counted towards an agent's quota or scored.
   */
  static final String SURVEY_CAMPAIGN = "not exists (select 1 from campaign sc where sc.id = s.campaign_id"
      + " and sc.purpose = 'second_callback')";

  /** The call's facts for the draw; empty for no survey, or one of a second-callback campaign. */
  public Future<Optional<CallFacts>> callFacts(String attemptId) {
    return pool.preparedQuery("select s.attempt_id, s.campaign_id, s.agent_id, s.status, s.disposition_group,"
            + " s.needs_review, s.void, s.answers, q.definition, r.id as recording_id, r.status as recording_status,"
            + " r.duration_ms, r.activity, coalesce(a.originated_at, r.started_at, s.started_at) as call_at,"
            + " coalesce(a.bridged_at, r.bridged_at) as bridged_at, coalesce(a.ended_at, r.ended_at) as ended_at"
            + " from survey_response s left join recording r on r.attempt_id = s.attempt_id"
            + " left join call_attempt a on a.id = s.attempt_id"
            + " left join questionnaire q on q.key = s.questionnaire_key and q.version = s.questionnaire_version"
            + " where s.attempt_id = $1 and " + SURVEY_CAMPAIGN + " order by (r.status = 'ready') desc nulls last limit 1")
        .execute(Tuple.of(attemptId)).map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          Row r = rs.iterator().next();
          return Optional.of(new CallFacts(r.getString("attempt_id"), r.getLong("campaign_id"), r.getLong("agent_id"),
              r.getString("status"), r.getString("disposition_group"), Boolean.TRUE.equals(r.getBoolean("needs_review")),
              Boolean.TRUE.equals(r.getBoolean("void")), (JsonObject) jsonValue(r.getValue("answers")),
              (JsonObject) jsonValue(r.getValue("definition")), r.getString("recording_id"),
              r.getString("recording_status"), r.getLong("duration_ms"), (JsonObject) jsonValue(r.getValue("activity")),
              instant(r.getOffsetDateTime("call_at")), instant(r.getOffsetDateTime("bridged_at")),
              instant(r.getOffsetDateTime("ended_at"))));
        });
  }

  /** When a campaign's first call was made (its first days are sampled whole); null before any. */
  public Future<java.time.Instant> campaignFirstCall(long campaignId) {
    return pool.preparedQuery("select min(originated_at) as first from call_attempt where campaign_id = $1")
        .execute(Tuple.of(campaignId)).map(rs -> instant(rs.iterator().next().getOffsetDateTime("first")));
  }

  /** A month's seed and where it was closed (null: open); the seed is {@code newSeed} if the month is new. */
  public record Month(String month, long seed, Long closedAfterSeq) {
  }

  public Future<Month> month(String month, long newSeed) {
    return pool.preparedQuery("insert into qa_month (month, seed) values ($1, $2) on conflict (month) do nothing")
        .execute(Tuple.of(month, newSeed))
        .compose(v -> existingMonth(month)).map(Optional::orElseThrow);
  }

  public Future<Optional<Month>> existingMonth(String month) {
    return pool.preparedQuery("select seed, closed_after_seq from qa_month where month = $1").execute(Tuple.of(month))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(new Month(month,
            rs.iterator().next().getLong("seed"), rs.iterator().next().getLong("closed_after_seq"))));
  }

  /** Months before {@code current} not closed yet. */
  public Future<List<String>> openMonthsBefore(String current) {
    return pool.preparedQuery("select month from qa_month where closed_at is null and month < $1 order by month")
        .execute(Tuple.of(current)).map(rs -> {
          List<String> out = new ArrayList<>();
          rs.forEach(r -> out.add(r.getString("month")));
          return out;
        });
  }

  /** A decided call as kept: the sampler's inputs, its draw and reasons, in decision order. */
  public record Decided(long seq, Sampler.Call call, double draw, List<String> reasons, String recordingId,
                        java.time.Instant callAt) {
  }

  public Future<List<Decided>> decided(String month) {
    return pool.preparedQuery("select attempt_id, seq, inputs, draw, reasons, recording_id, call_at from qa_call_check"
            + " where month = $1 order by seq").execute(Tuple.of(month)).map(rs -> {
              List<Decided> out = new ArrayList<>();
              for (Row r : rs) {
                JsonObject in = (JsonObject) jsonValue(r.getValue("inputs"));
                out.add(new Decided(r.getLong("seq"), call(r.getString("attempt_id"), in), r.getDouble("draw"),
                    List.of(r.getArrayOfStrings("reasons")), r.getString("recording_id"),
                    instant(r.getOffsetDateTime("call_at"))));
              }
              return out;
            });
  }

  static JsonObject inputs(Sampler.Call c) {
    return new JsonObject().put("agentId", c.agentId()).put("campaignId", c.campaignId()).put("day", c.day())
        .put("success", c.success()).put("needsReview", c.needsReview()).put("void", c.voidSurvey())
        .put("complaint", c.complaint()).put("suspicious", c.suspicious()).put("firstDays", c.firstDays())
        .put("skillShare", c.skillShare()).put("quota", c.quota());
  }

  static Sampler.Call call(String attemptId, JsonObject in) {
    return new Sampler.Call(attemptId, in.getLong("agentId"), in.getLong("campaignId"), in.getInteger("day"),
        in.getBoolean("success"), in.getBoolean("needsReview"), in.getBoolean("void"), in.getBoolean("complaint"),
        in.getBoolean("suspicious"), in.getBoolean("firstDays"), in.getDouble("skillShare"), in.getInteger("quota"));
  }

  /**
   * Keeps a decision: the call's check row and, when sampled, its sample (a call pulled by hand before keeps its
   * row and gains the drawn reasons in front of "manual"). One transaction. False when the call was decided already.
   */
  public Future<Boolean> insertDecision(String month, long seed, Sampler.Call call, Sampler.Decision d,
                                        CallFacts facts, Long talkMs, int itemsAnswered, JsonArray suspicious) {
    return pool.withTransaction(c -> c.preparedQuery("insert into qa_call_check (attempt_id, month, agent_id,"
            + " campaign_id, recording_id, call_at, talk_ms, items_answered, suspicious, inputs, draw, reasons)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12) on conflict do nothing")
        .execute(Tuple.from(new Object[] {call.attemptId(), month, call.agentId(), call.campaignId(),
            facts.recordingId(), odt(facts.callAt()), talkMs, itemsAnswered, suspicious, inputs(call), d.draw(),
            d.reasonIds().toArray(String[]::new)}))
        .compose(rs -> {
          if (rs.rowCount() == 0) {
            return Future.succeededFuture(false);
          }
          if (!d.sampled()) {
            return Future.succeededFuture(true);
          }
          return upsertDrawnSample(c, month, seed, call.attemptId(), facts.recordingId(), call.campaignId(),
              call.agentId(), facts.callAt(), d).map(true);
        }));
  }

  private static Future<Void> upsertDrawnSample(io.vertx.sqlclient.SqlConnection c, String month, long seed,
                                                String attemptId, String recordingId, long campaignId, long agentId,
                                                java.time.Instant callAt, Sampler.Decision d) {
    String[] reasons = d.reasonIds().toArray(String[]::new);
    return c.preparedQuery("insert into qa_sample (month, attempt_id, recording_id, campaign_id, agent_id, call_at,"
            + " reason, reasons, seed, draw) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            + " on conflict (attempt_id) do update set reasons = excluded.reasons || array(select x from"
            + " unnest(qa_sample.reasons) x where x <> all(excluded.reasons)), reason = excluded.reason,"
            + " seed = excluded.seed, draw = excluded.draw, recording_id = coalesce(qa_sample.recording_id,"
            + " excluded.recording_id)")
        .execute(Tuple.from(new Object[] {month, attemptId, recordingId, campaignId, agentId, odt(callAt), reasons[0],
            reasons, seed, d.draw()}))
        .mapEmpty();
  }

  /** The month's close: the top-ups become samples, and the month records after which decision it was closed. */
  public Future<Void> close(String month, long seed, List<Sampler.Decision> topUps,
                            Map<String, Decided> byAttempt) {
    return pool.withTransaction(c -> {
      Future<Void> f = Future.succeededFuture();
      for (Sampler.Decision d : topUps) {
        Decided k = byAttempt.get(d.attemptId());
        f = f.compose(v -> c.preparedQuery("update qa_call_check set reasons = $2 where attempt_id = $1")
                .execute(Tuple.of(d.attemptId(), d.reasonIds().toArray(String[]::new))))
            .compose(v -> upsertDrawnSample(c, month, seed, d.attemptId(), k.recordingId(), k.call().campaignId(),
                k.call().agentId(), k.callAt(), d));
      }
      return f.compose(v -> c.preparedQuery("update qa_month set closed_at = now(), closed_after_seq ="
          + " (select coalesce(max(seq), 0) from qa_call_check where month = $1) where month = $1"
          + " and closed_at is null").execute(Tuple.of(month))).mapEmpty();
    });
  }

  /** Calls with a submitted survey and a ready recording since {@code since} that the draw has not decided. */
  public Future<List<String>> undecided(java.time.Instant since) {
    return pool.preparedQuery("select s.attempt_id from survey_response s join recording r on r.attempt_id ="
            + " s.attempt_id and r.status = 'ready' left join qa_call_check k on k.attempt_id = s.attempt_id"
            + " where s.status = 'submitted' and k.attempt_id is null and s.submitted_at >= $1 and " + SURVEY_CAMPAIGN
            + " order by greatest(s.submitted_at, r.processed_at), s.attempt_id limit 100000")
        .execute(Tuple.of(odt(since))).map(rs -> {
          List<String> out = new ArrayList<>();
          rs.forEach(r -> out.add(r.getString("attempt_id")));
          return out;
        });
  }

  /** The drawn reasons (manual left out) of every sample of the month, by attempt. */
  public Future<Map<String, List<String>>> drawnReasons(String month) {
    return pool.preparedQuery("select attempt_id, reasons from qa_sample where month = $1").execute(Tuple.of(month))
        .map(rs -> {
          Map<String, List<String>> out = new LinkedHashMap<>();
          for (Row r : rs) {
            List<String> drawn = new ArrayList<>(List.of(r.getArrayOfStrings("reasons")));
            drawn.remove("manual");
            if (!drawn.isEmpty()) {
              out.put(r.getString("attempt_id"), drawn);
            }
          }
          return out;
        });
  }

  /**
   * Per agent (every active agent, and anyone with calls in the span): connected calls, submitted surveys,
   * successes, void successes, and successes with a ready recording (not void), for [from, to).
   */
  public Future<Map<Long, JsonObject>> agentMonth(java.time.Instant from, java.time.Instant to) {
    return pool.preparedQuery("with calls as (select agent_id, count(*) as connected from call_attempt"
            + " where agent_id is not null and answered_at is not null and originated_at >= $1 and originated_at < $2"
            + " group by agent_id), surveys as (select s.agent_id,"
            + " count(*) filter (where s.status = 'submitted') as submitted,"
            + " count(*) filter (where s.status = 'submitted' and s.disposition_group = 'success') as success,"
            + " count(*) filter (where s.status = 'submitted' and s.disposition_group = 'success' and s.void) as voids,"
            + " count(*) filter (where s.status = 'submitted' and s.disposition_group = 'success'"
            + " and not coalesce(s.void, false) and exists (select 1 from recording r where r.attempt_id ="
            + " s.attempt_id and r.status = 'ready')) as recorded"
            + " from survey_response s left join call_attempt a on a.id = s.attempt_id"
            + " where coalesce(a.originated_at, s.started_at) >= $1 and coalesce(a.originated_at, s.started_at) < $2"
            + " and " + SURVEY_CAMPAIGN + " group by s.agent_id)"
            + " select u.id, u.display_name, coalesce(c.connected, 0) as connected, coalesce(v.submitted, 0) as submitted,"
            + " coalesce(v.success, 0) as success, coalesce(v.voids, 0) as voids, coalesce(v.recorded, 0) as recorded"
            + " from app_user u left join calls c on c.agent_id = u.id left join surveys v on v.agent_id = u.id"
            + " where (u.role = 'agent' and u.active) or c.agent_id is not null or v.agent_id is not null order by u.id")
        .execute(Tuple.of(odt(from), odt(to))).map(rs -> {
          Map<Long, JsonObject> out = new LinkedHashMap<>();
          for (Row r : rs) {
            out.put(r.getLong("id"), new JsonObject().put("agentId", r.getLong("id"))
                .put("agentName", r.getString("display_name")).put("connected", r.getLong("connected").intValue())
                .put("submitted", r.getLong("submitted").intValue()).put("success", r.getLong("success").intValue())
                .put("void", r.getLong("voids").intValue()).put("successRecorded", r.getLong("recorded").intValue()));
          }
          return out;
        });
  }

  /** Void surveys (≥5 CSI / ≥4 SSI items 未调查) of calls in [from, to): kept, listed, never scored. */
  public Future<JsonArray> voids(java.time.Instant from, java.time.Instant to) {
    return pool.preparedQuery("select s.attempt_id, s.agent_id, u.display_name, s.campaign_id, c.name,"
            + " s.not_surveyed, s.submitted_at, coalesce(a.originated_at, s.started_at) as call_at"
            + " from survey_response s join app_user u on u.id = s.agent_id join campaign c on c.id = s.campaign_id"
            + " left join call_attempt a on a.id = s.attempt_id where s.status = 'submitted' and s.void"
            + " and coalesce(a.originated_at, s.started_at) >= $1 and coalesce(a.originated_at, s.started_at) < $2"
            + " order by call_at limit 1000").execute(Tuple.of(odt(from), odt(to))).map(rs -> {
              JsonArray out = new JsonArray();
              for (Row r : rs) {
                out.add(new JsonObject().put("attemptId", r.getString("attempt_id")).put("agentId", r.getLong("agent_id"))
                    .put("agentName", r.getString("display_name")).put("campaignId", r.getLong("campaign_id"))
                    .put("campaignName", r.getString("name")).put("notSurveyed", r.getInteger("not_surveyed"))
                    .put("callStartedAt", iso(r.getOffsetDateTime("call_at")))
                    .put("submittedAt", iso(r.getOffsetDateTime("submitted_at"))));
              }
              return out;
            });
  }

  // ---- the queue

  /** Claims past their expiry go back to the queue. */
  public Future<Integer> expireClaims(java.time.Instant now) {
    return pool.preparedQuery("update qa_sample set status = 'open', claimed_by = null, claimed_at = null,"
            + " claim_expires_at = null where status = 'claimed' and claim_expires_at <= $1")
        .execute(Tuple.of(odt(now))).map(rs -> rs.rowCount());
  }

  /** The queue's filters; null means any. */
  public record Filter(String month, Long campaignId, Long agentId, Long dealerId, String reason, String status,
                       Long claimedBy, java.time.LocalDate date, int limit, int offset) {
  }

  private static final String SAMPLE_SELECT = "select s.id, s.month, s.attempt_id, s.recording_id, s.campaign_id,"
      + " c.name as campaign_name, s.agent_id, u.display_name as agent_name, d.id as dealer_id, d.name as dealer_name,"
      + " cu.name as customer_name, cu.phone as customer_phone, s.reason, s.reasons, s.drawn_at, s.call_at,"
      + " r.duration_ms, s.status, s.claimed_by, cb.display_name as claimed_by_name, s.claim_expires_at, s.note,"
      + " s.seed, s.draw, k.suspicious, sr.needs_review, s.created_by, mb.display_name as created_by_name"
      + " from qa_sample s join campaign c on c.id = s.campaign_id join app_user u on u.id = s.agent_id"
      + " left join call_attempt a on a.id = s.attempt_id left join survey_response sr on sr.attempt_id = s.attempt_id"
      + " left join customer cu on cu.id = coalesce(sr.customer_id, a.customer_id)"
      + " left join dealer d on d.id = cu.dealer_id left join recording r on r.id = s.recording_id"
      + " left join app_user cb on cb.id = s.claimed_by left join app_user mb on mb.id = s.created_by"
      + " left join qa_call_check k on k.attempt_id = s.attempt_id";

  public Future<JsonObject> list(Filter f) {
    String where = " where ($1::text is null or s.month = $1) and ($2::bigint is null or s.campaign_id = $2)"
        + " and ($3::bigint is null or s.agent_id = $3) and ($4::bigint is null or d.id = $4)"
        + " and ($5::text is null or $5 = any(s.reasons)) and ($6::text is null or s.status = $6)"
        + " and ($7::bigint is null or (s.claimed_by = $7 and s.status = 'claimed'))"
        + " and ($8::date is null or (s.call_at at time zone 'Asia/Shanghai')::date = $8)";
    Tuple args = Tuple.from(new Object[] {f.month(), f.campaignId(), f.agentId(), f.dealerId(), f.reason(),
        f.status(), f.claimedBy(), f.date()});
    Future<Long> total = pool.preparedQuery("select count(*) as n from (" + SAMPLE_SELECT + where + ") x")
        .execute(args).map(rs -> rs.iterator().next().getLong("n"));
    Future<JsonArray> page = pool.preparedQuery(SAMPLE_SELECT + where
            + " order by s.call_at desc nulls last, s.id desc limit " + f.limit() + " offset " + f.offset())
        .execute(args).map(rs -> {
          JsonArray out = new JsonArray();
          rs.forEach(r -> out.add(sample(r)));
          return out;
        });
    return Future.all(total, page).map(v -> new JsonObject().put("samples", page.result())
        .put("total", total.result()));
  }

  public Future<Optional<JsonObject>> sample(long id) {
    return pool.preparedQuery(SAMPLE_SELECT + " where s.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(sample(rs.iterator().next())));
  }

  public Future<Optional<JsonObject>> sampleByAttempt(String attemptId) {
    return pool.preparedQuery(SAMPLE_SELECT + " where s.attempt_id = $1").execute(Tuple.of(attemptId))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(sample(rs.iterator().next())));
  }

  private static JsonObject sample(Row r) {
    Long claimedBy = r.getLong("claimed_by");
    return new JsonObject().put("id", r.getLong("id")).put("month", r.getString("month"))
        .put("attemptId", r.getString("attempt_id")).put("recordingId", r.getString("recording_id"))
        .put("campaignId", r.getLong("campaign_id")).put("campaignName", r.getString("campaign_name"))
        .put("agentId", r.getLong("agent_id")).put("agentName", r.getString("agent_name"))
        .put("dealerId", r.getLong("dealer_id")).put("dealerName", r.getString("dealer_name"))
        .put("customer", maskedCustomer(r.getString("customer_name"), r.getString("customer_phone")))
        .put("reason", r.getString("reason")).put("reasons", new JsonArray(List.of(r.getArrayOfStrings("reasons"))))
        .put("drawnAt", iso(r.getOffsetDateTime("drawn_at"))).put("callStartedAt", iso(r.getOffsetDateTime("call_at")))
        .put("durationMs", r.getLong("duration_ms")).put("status", r.getString("status"))
        .put("claimedBy", claimedBy == null || !"claimed".equals(r.getString("status")) ? null
            : new JsonObject().put("id", claimedBy).put("name", r.getString("claimed_by_name")))
        .put("claimExpiresAt", "claimed".equals(r.getString("status")) ? iso(r.getOffsetDateTime("claim_expires_at"))
            : null)
        .put("suspicious", suspicious(r.getValue("suspicious")))
        .put("needsReview", Boolean.TRUE.equals(r.getBoolean("needs_review")))
        .put("seed", r.getLong("seed") == null ? null : String.valueOf(r.getLong("seed")))
        .put("draw", r.getDouble("draw")).put("note", r.getString("note"))
        .put("pulledBy", r.getLong("created_by") == null ? null : new JsonObject().put("id", r.getLong("created_by"))
            .put("name", r.getString("created_by_name")))
        .put("evaluation", null);
  }

  private static JsonArray suspicious(Object v) {
    JsonArray out = new JsonArray();
    if (jsonValue(v) instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof JsonObject j) {
          out.add(new JsonObject().put("kind", j.getString("kind")).put("detail", j.getString("detail")));
        }
      }
    }
    return out;
  }

  /** "张** (…1234)": the family name and the phone's last four digits, enough to recognise, not to call. */
  static String maskedCustomer(String name, String phone) {
    if (name == null && phone == null) {
      return null;
    }
    String n = name == null || name.isBlank() ? "*" : name.strip();
    int first = n.offsetByCodePoints(0, 1);
    String masked = n.substring(0, first) + "*".repeat(Math.max(1, n.codePointCount(first, n.length())));
    if (phone == null || phone.isBlank()) {
      return masked;
    }
    String digits = phone.replaceAll("\\D", "");
    return masked + " (…" + (digits.length() <= 4 ? digits : digits.substring(digits.length() - 4)) + ")";
  }

  /** A sample's call, recording, survey and questionnaire, for the player and the scorer. */
  public Future<JsonObject> detail(JsonObject sample) {
    String attempt = sample.getString("attemptId");
    Future<JsonObject> call = pool.preparedQuery("select originated_at, answered_at, bridged_at, ended_at from"
            + " call_attempt where id = $1").execute(Tuple.of(attempt)).map(rs -> {
              if (rs.size() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              OffsetDateTime b = r.getOffsetDateTime("bridged_at");
              OffsetDateTime e = r.getOffsetDateTime("ended_at");
              return new JsonObject().put("originatedAt", iso(r.getOffsetDateTime("originated_at")))
                  .put("answeredAt", iso(r.getOffsetDateTime("answered_at"))).put("bridgedAt", iso(b))
                  .put("endedAt", iso(e)).put("talkMs", b == null || e == null ? null
                      : Math.max(0, e.toInstant().toEpochMilli() - b.toInstant().toEpochMilli()));
            });
    Future<JsonObject> recording = sample.getString("recordingId") == null ? Future.succeededFuture(null)
        : pool.preparedQuery("select id, status, duration_ms, legs, activity from recording where id = $1")
            .execute(Tuple.of(sample.getString("recordingId"))).map(rs -> {
              if (rs.size() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              return new JsonObject().put("id", r.getString("id")).put("status", r.getString("status"))
                  .put("durationMs", r.getLong("duration_ms")).put("legs", jsonValue(r.getValue("legs")))
                  .put("activity", jsonValue(r.getValue("activity")));
            });
    Future<JsonObject[]> survey = pool.preparedQuery("select s.questionnaire_key, s.questionnaire_version, s.answers,"
            + " s.note, s.disposition, s.raw_score, s.needs_review, s.void, s.submitted_at, s.status, q.definition"
            + " from survey_response s left join questionnaire q on q.key = s.questionnaire_key"
            + " and q.version = s.questionnaire_version where s.attempt_id = $1").execute(Tuple.of(attempt))
        .map(rs -> {
          if (rs.size() == 0) {
            return new JsonObject[] {null, null};
          }
          Row r = rs.iterator().next();
          JsonObject s = new JsonObject().put("questionnaireKey", r.getString("questionnaire_key"))
              .put("questionnaireVersion", r.getInteger("questionnaire_version"))
              .put("answers", jsonValue(r.getValue("answers"))).put("note", r.getString("note"))
              .put("disposition", r.getString("disposition")).put("status", r.getString("status"))
              .put("rawScore", r.getBigDecimal("raw_score") == null ? null : r.getBigDecimal("raw_score").doubleValue())
              .put("needsReview", Boolean.TRUE.equals(r.getBoolean("needs_review")))
              .put("void", Boolean.TRUE.equals(r.getBoolean("void")))
              .put("submittedAt", iso(r.getOffsetDateTime("submitted_at")));
          return new JsonObject[] {s, (JsonObject) jsonValue(r.getValue("definition"))};
        });
    Future<JsonArray> checks = pool.preparedQuery("select suspicious, talk_ms, items_answered from qa_call_check"
            + " where attempt_id = $1").execute(Tuple.of(attempt)).map(rs -> rs.size() == 0 ? new JsonArray()
        : (JsonArray) jsonValue(rs.iterator().next().getValue("suspicious")));
    return Future.all(call, recording, survey, checks).map(v -> sample.copy().put("call", call.result())
        .put("recording", recording.result()).put("survey", survey.result()[0])
        .put("questionnaire", survey.result()[1]).put("suspiciousFigures", checks.result()));
  }

  /** Why a claim was refused; null when it was granted (or the sample was already the claimer's). */
  public record ClaimResult(Optional<JsonObject> sample, String refusal, String holder) {
  }

  /**
   * Claims a sample for a QA user, within their limit of open claims; expired claims go back first. One transaction,
   * the sample row locked.
   */
  public Future<ClaimResult> claim(long sampleId, long userId, int limit, java.time.Instant now,
                                   java.time.Instant expires) {
    return expireClaims(now).compose(n -> pool.withTransaction(c -> c.preparedQuery("select s.status, s.claimed_by,"
            + " u.display_name from qa_sample s left join app_user u on u.id = s.claimed_by where s.id = $1 for update"
            + " of s").execute(Tuple.of(sampleId))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(new ClaimResult(Optional.empty(), "not_found", null));
          }
          Row r = rs.iterator().next();
          String status = r.getString("status");
          if ("claimed".equals(status) && Long.valueOf(userId).equals(r.getLong("claimed_by"))) {
            return Future.succeededFuture(new ClaimResult(Optional.empty(), null, null));
          }
          if ("claimed".equals(status)) {
            return Future.succeededFuture(new ClaimResult(Optional.empty(), "claimed", r.getString("display_name")));
          }
          if (!"open".equals(status)) {
            return Future.succeededFuture(new ClaimResult(Optional.empty(), status, null));
          }
          // Serialise one user's claims so that two at once cannot both pass the limit.
          return c.preparedQuery("select pg_advisory_xact_lock(7716, $1::int)").execute(Tuple.of((int) userId))
              .compose(x -> c.preparedQuery("select count(*) as n from qa_sample where status = 'claimed'"
                  + " and claimed_by = $1").execute(Tuple.of(userId)))
              .compose(cnt -> {
                if (cnt.iterator().next().getLong("n") >= limit) {
                  return Future.succeededFuture(new ClaimResult(Optional.empty(), "claim_limit", null));
                }
                return c.preparedQuery("update qa_sample set status = 'claimed', claimed_by = $2, claimed_at = $3,"
                        + " claim_expires_at = $4 where id = $1")
                    .execute(Tuple.of(sampleId, userId, odt(now), odt(expires)))
                    .map(x -> new ClaimResult(Optional.empty(), null, null));
              });
        })))
        .compose(res -> res.refusal() != null ? Future.succeededFuture(res)
            : sample(sampleId).map(s -> new ClaimResult(s, null, null)));
  }

  /**
   * Releases a claim: by the claimer, or by anyone {@code anyone} (a supervisor). The refusal code, or null; the
   * sample as it is afterwards.
   */
  public Future<ClaimResult> release(long sampleId, long userId, boolean anyone) {
    return pool.preparedQuery("update qa_sample set status = 'open', claimed_by = null, claimed_at = null,"
            + " claim_expires_at = null where id = $1 and status = 'claimed' and ($3 or claimed_by = $2)")
        .execute(Tuple.of(sampleId, userId, anyone))
        .compose(rs -> sample(sampleId).map(s -> {
          if (s.isEmpty()) {
            return new ClaimResult(s, "not_found", null);
          }
          if (rs.rowCount() == 0 && "claimed".equals(s.get().getString("status"))) {
            return new ClaimResult(s, "not_claimer", s.get().getJsonObject("claimedBy").getString("name"));
          }
          return new ClaimResult(s, null, null);
        }));
  }

  /**
   * A manual pull: the call must have a ready recording (QA listens to it) and an agent. A call already sampled keeps
   * its row and gains "manual". Empty when there is no such recording; the flag says whether the row is new.
   */
  public Future<Optional<Map.Entry<JsonObject, Boolean>>> pull(String attemptId, String note, long by) {
    return pool.preparedQuery("select r.id, coalesce(s.campaign_id, r.campaign_id) as campaign_id,"
            + " coalesce(s.agent_id, r.agent_id) as agent_id, coalesce(a.originated_at, r.started_at) as call_at"
            + " from recording r left join survey_response s on s.attempt_id = r.attempt_id"
            + " left join call_attempt a on a.id = r.attempt_id where r.attempt_id = $1 and r.status = 'ready'"
            + " limit 1").execute(Tuple.of(attemptId))
        .compose(rs -> {
          if (rs.size() == 0 || rs.iterator().next().getLong("agent_id") == null
              || rs.iterator().next().getLong("campaign_id") == null) {
            return Future.succeededFuture(Optional.empty());
          }
          Row r = rs.iterator().next();
          java.time.Instant at = instant(r.getOffsetDateTime("call_at"));
          return pool.preparedQuery("insert into qa_sample (month, attempt_id, recording_id, campaign_id, agent_id,"
                  + " call_at, reason, reasons, created_by, note) values ($1, $2, $3, $4, $5, $6, 'manual',"
                  + " '{manual}', $7, $8) on conflict (attempt_id) do update set reasons = case when 'manual' ="
                  + " any(qa_sample.reasons) then qa_sample.reasons else qa_sample.reasons || '{manual}'::text[] end,"
                  + " created_by = coalesce(qa_sample.created_by, excluded.created_by),"
                  + " note = coalesce(excluded.note, qa_sample.note) returning id, (xmax = 0) as inserted")
              .execute(Tuple.from(new Object[] {QaService.monthOf(at), attemptId, r.getString("id"),
                  r.getLong("campaign_id"), r.getLong("agent_id"), odt(at), by, note}))
              .compose(ins -> {
                Row x = ins.iterator().next();
                boolean inserted = x.getBoolean("inserted");
                return sample(x.getLong("id")).map(s -> s.map(j -> Map.entry(j, inserted)));
              });
        });
  }

  /**
   * The queue's view of the evaluations (table qa_evaluation, the evaluation side's): a sample's latest standard or
   * rescore evaluation that is not superseded, and its list. Calibration evaluations stay out: they are blind until
   * their members submit, and have their own routes.
   */
  QaService.Evaluations evaluations() {
    return new QaService.Evaluations() {
      @Override
      public Future<Map<Long, JsonObject>> latestBySample(List<Long> sampleIds) {
        return pool.preparedQuery("select distinct on (sample_id) sample_id, id, score::float8 as score, passed, status"
                + " from qa_evaluation where sample_id = any($1) and kind <> 'calibration' and status <> 'superseded'"
                + " order by sample_id, (status = 'submitted') desc, id desc")
            .execute(Tuple.of(sampleIds.toArray(Long[]::new))).map(rs -> {
              Map<Long, JsonObject> out = new java.util.HashMap<>();
              for (Row r : rs) {
                out.put(r.getLong("sample_id"), new JsonObject().put("id", r.getLong("id"))
                    .put("score", r.getDouble("score")).put("passed", r.getBoolean("passed"))
                    .put("status", r.getString("status")));
              }
              return out;
            });
      }

      @Override
      public Future<JsonArray> ofSample(long sampleId) {
        return pool.preparedQuery("select e.id, e.kind, u.display_name, e.status, e.score::float8 as score, e.passed"
                + " from qa_evaluation e join app_user u on u.id = e.evaluator_id where e.sample_id = $1"
                + " and e.kind <> 'calibration' order by e.id").execute(Tuple.of(sampleId)).map(rs -> {
                  JsonArray out = new JsonArray();
                  for (Row r : rs) {
                    out.add(new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind"))
                        .put("evaluatorName", r.getString("display_name")).put("status", r.getString("status"))
                        .put("score", r.getDouble("score")).put("passed", r.getBoolean("passed")));
                  }
                  return out;
                });
      }
    };
  }

  static Object jsonValue(Object v) {
    if (v instanceof String s) {
      return s.startsWith("[") ? new JsonArray(s) : new JsonObject(s);
    }
    return v;
  }

  static java.time.Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  static OffsetDateTime odt(java.time.Instant i) {
    return i == null ? null : i.atOffset(java.time.ZoneOffset.UTC);
  }

  static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
