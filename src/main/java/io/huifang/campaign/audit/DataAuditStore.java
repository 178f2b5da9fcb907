package io.huifang.campaign.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The per-dealer data-quality audit of DOMAIN.md §3: duplicate phone numbers across different customers, refusals,
 * records without a usable number, work orders not closed, special records by kind, and whether the dealer's own
 * workshop volume matches what it uploaded. Optionally narrowed to one campaign and one month (by the DMS date).
 */
public final class DataAuditStore {
  private final Pool pool;

  public DataAuditStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonArray> audit(Long campaignId, LocalDate month) {
    String scope = " and ($1::bigint is null or c.campaign_id = $1)"
        + " and ($2::date is null or (c.event_date >= $2 and c.event_date < $2 + interval '1 month'))";
    String sql = "select d.id, d.code, d.name,"
        + " (select count(*) from customer c where c.dealer_id = d.id" + scope + ") as customers,"
        + " (select count(*) from (select c.phone from customer c where c.dealer_id = d.id and c.phone is not null"
        + scope + " group by c.phone having count(distinct c.name) > 1) x) as duplicate_phones,"
        + " (select coalesce(json_agg(x order by x.customers desc), '[]') from (select c.phone,"
        + " count(distinct c.name) as customers, array_agg(distinct c.name) as names from customer c"
        + " where c.dealer_id = d.id and c.phone is not null" + scope
        + " group by c.phone having count(distinct c.name) > 1 order by 2 desc limit 20) x) as duplicate_list,"
        + " (select count(*) from customer c where c.dealer_id = d.id"
        + " and c.special_kind in ('refused_callback', 'refused_phone')" + scope + ") as refusals_in_data,"
        + " (select count(*) from call_task t join customer c on c.id = t.customer_id where c.dealer_id = d.id"
        + " and t.status = 'refused'" + scope + ") as refusals_in_calls,"
        + " (select coalesce(sum(b.unusable_phones), 0) from import_batch b where b.dealer_id = d.id"
        + " and b.status = 'loaded' and ($1::bigint is null or b.campaign_id = $1)) as unusable_phones,"
        + " (select count(*) from customer c where c.dealer_id = d.id and c.work_order_closed = false" + scope
        + ") as work_orders_open,"
        + " (select coalesce(json_object_agg(k, n), '{}') from (select c.special_kind as k, count(*) as n"
        + " from customer c where c.dealer_id = d.id and c.special_kind is not null" + scope
        + " group by c.special_kind) s) as special,"
        + " (select v.volume from dealer_volume v where v.dealer_id = d.id and v.month = $2) as declared_volume,"
        + " (select count(*) from customer c where c.dealer_id = d.id and c.special_kind is null" + scope
        + ") as uploaded_volume"
        + " from dealer d where $1::bigint is null or exists (select 1 from campaign_dealer cd"
        + " where cd.dealer_id = d.id and cd.campaign_id = $1) order by d.code";
    return pool.preparedQuery(sql).execute(Tuple.tuple(Arrays.asList(campaignId, month))).map(rs -> {
      JsonArray out = new JsonArray();
      rs.forEach(r -> {
        Integer declared = r.getInteger("declared_volume");
        long uploaded = r.getLong("uploaded_volume");
        long dups = r.getLong("duplicate_phones");
        long refusals = r.getLong("refusals_in_data") + r.getLong("refusals_in_calls");
        long unusable = r.getLong("unusable_phones");
        long open = r.getLong("work_orders_open");
        Boolean matches = month == null || declared == null ? null : declared == uploaded;
        JsonArray problems = new JsonArray();
        if (dups > 0) {
          problems.add("duplicate_phones");
        }
        if (unusable > 0) {
          problems.add("unusable_phones");
        }
        if (open > 0) {
          problems.add("work_orders_open");
        }
        if (Boolean.FALSE.equals(matches)) {
          problems.add("volume_mismatch");
        }
        if (month != null && declared == null) {
          problems.add("volume_not_declared");
        }
        out.add(new JsonObject().put("dealerId", r.getLong("id")).put("code", r.getString("code"))
            .put("name", r.getString("name")).put("customers", r.getLong("customers"))
            .put("duplicatePhones", dups).put("duplicates", r.getValue("duplicate_list"))
            .put("refusals", refusals).put("unusablePhones", unusable).put("workOrdersOpen", open)
            .put("special", r.getValue("special")).put("declaredVolume", declared).put("uploadedVolume", uploaded)
            .put("volumeMatches", matches).put("problems", problems));
      });
      return out;
    });
  }
}
