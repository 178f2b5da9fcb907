package io.huifang.supervisor;

import io.huifang.campaign.CampaignStore;
import io.huifang.testsupport.WithDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One DbFigures read at the scale: 500 agents, 100k attempts a day for 10 days (1M attempts, a third of them
 * reaching an agent, with their surveys), 4 active campaigns and 20 finished ones, about 400k tasks. Prints the read's
 * time (20 reads after 5 warm-ups) and each statement's plan with its actual time. Not part of the suite (its name
 * ends in neither Test nor IT):
 * {@code mvn -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FiguresBenchmark
 * -Dfailsafe.failIfNoSpecifiedTests=false}
 *
 * <p>Measured 2026-12-06 on the shared 2-core machine (load average 6 to 15, so times are inflated several-fold):
 * a read p50 326 to 434 ms, of which the live part ~200 ms; alone, windows 9 to 77 ms, dealers 18 to 23 ms, agents 49
 * to 96 ms, list 44 to 152 ms (list progress walks every task of the active campaigns, 52k here: the one part that
 * grows with the list rather than with the hour); the settled part 0.5 to 1.6 s once per 5 minutes. Before the
 * settled mark a read walked today's attempts and the month's surveys: 1.2 s.
 */
@WithDatabase
class FiguresBenchmark {
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z"); // 14:00 in Shanghai

  @Test
  void oneReadAtScale(Pool pool) {
    long t0 = System.nanoTime();
    exec(pool, "insert into app_user (username, display_name, role, password_hash)"
        + " select 'agent' || i, '坐席' || i, 'agent', 'x' from generate_series(1, 500) i");
    exec(pool, "insert into dealer (code, name) select 'D' || i, '店' || i from generate_series(1, 200) i");
    exec(pool, "insert into campaign (name, kind, time_zone, calling_hours, deadline_basis, deadline_hours,"
        + " max_attempts, day_parts, dial_mode, recording_policy, active)"
        + " select 'C' || i, 'csi', 'Asia/Shanghai', '{\"mon\": [\"09:00-20:00\"]}', 'service_date', 72, 5, '[]',"
        + " 'predictive', 'all', i <= 4 from generate_series(1, 24) i");
    exec(pool, "insert into campaign_dealer (campaign_id, dealer_id) select c.id, d.id from campaign c"
        + " join dealer d on d.id % 24 = c.id % 24");
    exec(pool, "insert into import_batch (campaign_id, dealer_id, file_name, file_sha256, status)"
        + " select campaign_id, dealer_id, 'f', 'sha', 'validated' from campaign_dealer");
    // 400k customers and tasks: 100k in the active campaigns, the rest in finished ones
    exec(pool, "insert into customer (campaign_id, dealer_id, import_batch_id, row_no, row_key, name, phone)"
        + " select b.campaign_id, b.dealer_id, b.id, i, 'r' || i, '客户', '138' || lpad(i::text, 8, '0')"
        + " from import_batch b, generate_series(1, case when b.campaign_id <= 4 then 3000 else 1800 end) i");
    exec(pool, "insert into call_task (campaign_id, customer_id, phone, status, deadline, next_try_at, attempts,"
        + " callback_at, created_at)"
        + " select c.campaign_id, c.id, c.phone, (array['open','callback','done','unreached','wrong_number','refused',"
        + "   'expired','filed','error_sample','invalid_number'])[1 + c.id % 10], $1::timestamptz + interval '1 day',"
        + "   $1::timestamptz, c.id % 4, $1::timestamptz - interval '1 hour' + (c.id % 7200) * interval '1 second',"
        + "   $1::timestamptz - interval '20 days' + (c.id % 1000) * interval '1 hour' from customer c",
        NOW.atOffset(ZoneOffset.UTC));
    // 1M attempts over the 10 days before now (100k a day), spread over the active campaigns and some finished ones
    exec(pool, "insert into call_attempt (id, pbx, campaign_id, task_id, dial_string, state, outcome, originated_at,"
        + " answered_at, bridged_at, ended_at, agent_id)"
        + " select 'x' || i, 'pbx-1', 1 + i % 6, null, 'x', 'ended',"
        + "   (array['answered_human','answered_human','answered_human','no_answer','no_answer','busy',"
        + "     'answered_machine','abandoned','congestion','failed'])[1 + i % 10],"
        + "   e - interval '60 seconds', case when i % 10 in (0, 1, 2, 6, 7) then e - interval '50 seconds' end,"
        + "   case when i % 10 in (0, 1, 2) then e - interval '45 seconds' end, e,"
        + "   case when i % 10 in (0, 1, 2) then 1 + i % 500 end"
        + " from generate_series(1, 1000000) i,"
        + "   lateral (select $1::timestamptz - (i * interval '864 milliseconds') as e) t",
        NOW.atOffset(ZoneOffset.UTC));
    // a survey for every call that reached an agent, of a customer of the campaign
    exec(pool, "insert into survey_response (attempt_id, campaign_id, customer_id, agent_id, questionnaire_key,"
        + " questionnaire_version, status, disposition_group, disposition, submitted_at)"
        + " with k as (select campaign_id, min(id) as id,"
        + "   row_number() over (partition by campaign_id order by dealer_id) - 1 as n,"
        + "   count(*) over (partition by campaign_id) as dealers from customer group by campaign_id, dealer_id)"
        + " select a.id, a.campaign_id, k.id, a.agent_id, 'csi', 1, 'submitted',"
        + "   case when a.agent_id % 9 = 0 then 'error_sample' else 'success' end,"
        + "   case when a.agent_id % 9 = 0 then 'wrong_number' else 'success' end, a.ended_at + interval '20 seconds'"
        + " from call_attempt a join k on k.campaign_id = a.campaign_id and k.n = a.agent_id % k.dealers"
        + " where a.agent_id is not null");
    exec(pool, "analyze");
    System.out.printf("fixture: %.1f s; attempts %d, tasks %d, surveys %d%n", (System.nanoTime() - t0) / 1e9,
        count(pool, "select count(*) from call_attempt"), count(pool, "select count(*) from call_task"),
        count(pool, "select count(*) from survey_response"));

    DbFigures figures = new DbFigures(pool, new CampaignStore(pool), ZoneId.of("Asia/Shanghai"));
    for (int i = 0; i < 5; i++) {
      figures.read(NOW).await();
    }
    List<Double> ms = new ArrayList<>();
    JsonObject last = null;
    for (int i = 0; i < 20; i++) {
      long s = System.nanoTime();
      last = figures.read(NOW).await();
      ms.add((System.nanoTime() - s) / 1e6);
    }
    Collections.sort(ms);
    System.out.printf("DbFigures.read: p50 %.1f ms, max %.1f ms; today's dialled (all campaigns) %d, agents %d,"
            + " dealers %d%n", ms.get(10), ms.get(19),
        last.getJsonObject("totals").getJsonObject("connection").getJsonObject("today").getLong("dialled"),
        last.getJsonObject("agents").size(), last.getJsonArray("dealers").size());
    FiguresStore store = new FiguresStore(pool);
    Instant dayStart = Instant.parse("2026-12-06T16:00:00Z");
    for (boolean live : new boolean[] {true, false}) {
      List<Double> part = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        long s = System.nanoTime();
        if (live) {
          store.figureRows(NOW, DbFigures.settledMark(NOW), NOW, dayStart, "2026-12", true).await();
        } else {
          store.figureRows(NOW, Instant.EPOCH, DbFigures.settledMark(NOW), dayStart, "2026-12", false).await();
        }
        part.add((System.nanoTime() - s) / 1e6);
      }
      Collections.sort(part);
      System.out.printf("%s part alone: p50 %.1f ms%n", live ? "live" : "settled", part.get(4));
    }
    List<Double> list = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      long s = System.nanoTime();
      new CampaignStore(pool).list().await();
      list.add((System.nanoTime() - s) / 1e6);
    }
    Collections.sort(list);
    System.out.printf("campaigns alone: p50 %.1f ms%n", list.get(4));
    String month = "2026-12";
    for (String[] q : new String[][] {{"windows", FiguresStore.WINDOWS}, {"list", FiguresStore.LIST},
        {"dealers", FiguresStore.DEALERS}, {"agents", FiguresStore.AGENTS_TODAY}, {"qa", FiguresStore.QA_MONTH}}) {
      // the live part: from the settled mark to now
      var mark = DbFigures.settledMark(NOW).atOffset(ZoneOffset.UTC);
      var now = NOW.atOffset(ZoneOffset.UTC);
      Tuple args = switch (q[0]) {
        case "agents" -> Tuple.of(mark, now);
        case "qa" -> Tuple.of(month);
        case "list" -> Tuple.of(now);
        default -> Tuple.of(now, mark, now);
      };
      List<Double> each = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        long s = System.nanoTime();
        pool.preparedQuery(q[1]).execute(args).await();
        each.add((System.nanoTime() - s) / 1e6);
      }
      Collections.sort(each);
      System.out.printf("%s alone: p50 %.1f ms%n", q[0], each.get(4));
      StringBuilder plan = new StringBuilder();
      for (Row r : pool.preparedQuery("explain (analyze, buffers) " + q[1]).execute(args).await()) {
        plan.append("  ").append(r.getString(0)).append('\n');
      }
      System.out.println("--- " + q[0] + "\n" + plan);
    }
  }

  private static void exec(Pool pool, String sql, Object... args) {
    pool.preparedQuery(sql).execute(Tuple.from(List.of(args))).await();
  }

  private static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
