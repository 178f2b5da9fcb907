package io.huifang.dialer;

import io.huifang.app.Config;
import io.huifang.app.ConfigLoader;
import io.huifang.db.Database;
import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.dealer.DealerStore;
import io.huifang.campaign.list.ImportService;
import io.huifang.campaign.list.ImportStore;
import io.huifang.campaign.schedule.DueTask;
import io.huifang.campaign.schedule.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * Benchmarks for BENCHMARKS.md, against an embedded PostgreSQL in a temporary directory:
 * (1) validate and load a generated 100,000-row XLSX (goal ≤ 10 s), with the peak heap of each run;
 * (2) pick the next 500 due tasks out of 1,000,000 open ones (goal ≤ 50 ms).
 * Run: {@code java -cp target/huifang-bench.jar io.huifang.dialer.DialerBenchmark [importRuns] [pickRuns]}.
 */
public final class DialerBenchmark {
  private DialerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int importRuns = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int pickRuns = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    Path dir = Files.createTempDirectory("huifang-bench");
    Config config = ConfigLoader.load(List.of("--data.dir=" + dir, "--db.pool-size=4"), Map.of(), dir);
    Vertx vertx = Vertx.vertx();
    Database db = await(Database.start(vertx, config.database()));
    try {
      Pool pool = db.pool();
      DealerStore dealers = new DealerStore(pool);
      CampaignStore campaigns = new CampaignStore(pool);
      ImportStore imports = new ImportStore(pool);
      long dealerId = await(dealers.create("BENCH", "Benchmark 4S")).getLong("id");
      Path xlsx = dir.resolve("dms-100k.xlsx");
      long g0 = System.nanoTime();
      writeWorkbook(xlsx, 100_000);
      System.out.printf("generated %s: %,d bytes in %d ms%n", xlsx.getFileName(), Files.size(xlsx),
          (System.nanoTime() - g0) / 1_000_000);

      System.out.println();
      System.out.println("| run | rows read | accepted | validate ms | load ms | total ms | peak heap MiB |");
      System.out.println("|-----|-----------|----------|-------------|---------|----------|---------------|");
      List<Long> totals = new ArrayList<>();
      List<Long> heaps = new ArrayList<>();
      for (int run = 1; run <= importRuns; run++) {
        Campaign c = await(campaigns.create(Campaign.fromJson(new JsonObject().put("name", "bench " + run)
            .put("kind", "csi").put("dealerIds", new JsonArray().add(dealerId)), null)));
        System.gc();
        resetPeaks();
        long t0 = System.nanoTime();
        ImportService.Checked checked = ImportService.check(c, xlsx, null, new ImportService.Progress());
        long t1 = System.nanoTime();
        long batch = await(imports.createBatch(c.id(), dealerId, "dms-100k.xlsx", null, false));
        await(imports.load(batch, c.id(), dealerId, c.deadlineHours(), checked.rows(), checked.sha256(),
            checked.report(), n -> { }));
        long t2 = System.nanoTime();
        long heap = peakHeap();
        totals.add((t2 - t0) / 1_000_000);
        heaps.add(heap);
        System.out.printf("| %d | %,d | %,d | %,d | %,d | %,d | %d |%n", run, checked.report().getInteger("rowsRead"),
            checked.report().getInteger("accepted"), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
            (t2 - t0) / 1_000_000, heap >> 20);
      }
      System.out.printf("import median: %,d ms; peak heap max: %d MiB (max heap %d MiB)%n", median(totals),
          Collections.max(heaps) >> 20, Runtime.getRuntime().maxMemory() >> 20);

      // (2) 1,000,000 open tasks in one campaign, due at various deadlines.
      Campaign big = await(campaigns.create(Campaign.fromJson(new JsonObject().put("name", "bench 1M").put("kind", "csi")
          .put("dealerIds", new JsonArray().add(dealerId)), null)));
      long f0 = System.nanoTime();
      long batch = await(imports.createBatch(big.id(), dealerId, "generated", null, false));
      await(pool.preparedQuery("insert into customer (campaign_id, dealer_id, import_batch_id, row_no, row_key, name,"
          + " phone, event_date, event_at) select $1, $2, $3, g, 'g' || g, '客户' || g, (13000000000 + g)::text,"
          + " date '2025-03-17', timestamptz '2025-03-17 00:00+08' from generate_series(1, 1000000) g")
          .execute(Tuple.of(big.id(), dealerId, batch)));
      await(pool.preparedQuery("insert into call_task (campaign_id, customer_id, phone, status, deadline, next_try_at)"
          + " select campaign_id, id, phone, 'open', timestamptz '2025-03-18 00:00+08' + (id % 5000) * interval '1 minute',"
          + " timestamptz '2025-03-17 00:00+08' from customer where campaign_id = $1").execute(Tuple.of(big.id())));
      await(pool.query("analyze").execute());
      System.out.printf("%nfilled 1,000,000 open tasks in %,d ms%n", (System.nanoTime() - f0) / 1_000_000);
      Scheduler scheduler = new Scheduler(pool, campaigns);
      Instant now = Instant.parse("2025-03-17T02:30:00Z"); // Monday 10:30 in Shanghai
      List<Long> picks = new ArrayList<>();
      System.out.println();
      System.out.println("| pick | tasks | ms |");
      System.out.println("|------|-------|----|");
      for (int run = 1; run <= pickRuns; run++) {
        long t0 = System.nanoTime();
        List<DueTask> due = await(scheduler.nextDue(big.id(), now, 500));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        picks.add(ms);
        System.out.printf("| %d | %d | %d |%n", run, due.size(), ms);
      }
      System.out.printf("nextDue(500 of 1,000,000) median: %d ms%n", median(picks));
    } finally {
      await(db.close());
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** A DMS-like workbook: title row, header, then rows with numbers stored as numbers and dates as text. */
  static void writeWorkbook(Path file, int rows) throws Exception {
    try (OutputStream o = Files.newOutputStream(file)) {
      Workbook wb = new Workbook(o, "huifang-bench", "1.0");
      Worksheet ws = wb.newWorksheet("进厂明细");
      ws.value(0, 0, "2025年3月 售后进厂客户明细");
      String[] header = {"客户姓名", "联系电话", "车型", "车牌号", "VIN", "出厂日期", "工单号", "工单状态"};
      for (int i = 0; i < header.length; i++) {
        ws.value(1, i, header[i]);
      }
      LocalDate day = LocalDate.of(2025, 3, 1);
      for (int r = 0; r < rows; r++) {
        int row = r + 2;
        ws.value(row, 0, (r % 50 == 0 ? "00PDI" : "") + "客户" + r);
        ws.value(row, 1, 13000000000L + r);
        ws.value(row, 2, "速腾 1.4T");
        ws.value(row, 3, String.format("京A%05d", r % 100000));
        ws.value(row, 4, String.format("LFV2A21K%09d", r));
        ws.value(row, 5, day.plusDays(r % 28).toString());
        ws.value(row, 6, "WO" + r);
        ws.value(row, 7, r % 10 == 0 ? "未结算" : "已结算");
        if (r % 10_000 == 0) {
          ws.flush();
        }
      }
      wb.finish();
    }
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
