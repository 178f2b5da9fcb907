package io.huifang.fault;

import io.huifang.dialer.DialerCampaigns;
import io.huifang.testsupport.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The fault suite's campaign: progressive, dialled all day (UTC) in four parts, not recorded, no wrap-up wait. */
final class RigCampaign {
  private RigCampaign() {
  }

  /** Creates it with {@code customers} customers (mobiles 139…), imported from a DMS list; answers its id. */
  static long create(Http admin, Path dir, int customers) throws Exception {
    return create(admin, dir, customers, "故障回访", DialerCampaigns.dealer(admin, "FT01", "故障测试4S店"), "139",
        "progressive");
  }

  /**
   * Creates one named {@code name} for {@code dealer}, dialled in {@code mode}, with {@code customers} customers whose
   * mobiles start with {@code prefix} (three digits), so that several campaigns call different people.
   */
  static long create(Http admin, Path dir, int customers, String name, long dealer, String prefix, String mode)
      throws Exception {
    JsonArray allDay = new JsonArray().add("00:00-24:00");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, allDay);
    }
    Http.Response created = admin.send("POST", "/api/campaigns", new JsonObject().put("name", name)
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).put("timeZone", "UTC")
        .put("callingHours", hours).put("dayParts", DialerCampaigns.FOUR_DAY_PARTS).put("dialMode", mode)
        .put("recordingPolicy", "none").put("wrapUpSeconds", 0).encode());
    if (created.status() != 201) {
      throw new IllegalStateException("campaign not created: " + created);
    }
    long campaign = created.json().getJsonObject("campaign").getLong("id");
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,出厂日期,工单号\n");
    for (int i = 0; i < customers; i++) {
      csv.append("客户").append(i).append(',').append(prefix).append(String.format("%08d", 10_000 + i)).append(',')
          .append(visit).append(",F").append(i).append('\n');
    }
    Path lists = java.nio.file.Files.createDirectories(dir.resolve("list-" + campaign));
    DialerCampaigns.importList(admin, campaign, dealer, lists, csv.toString());
    return campaign;
  }
}
