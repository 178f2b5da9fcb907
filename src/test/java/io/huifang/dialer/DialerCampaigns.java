package io.huifang.dialer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.huifang.testsupport.Await;
import io.huifang.testsupport.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The dialer tests' shared setup: a dealer, a progressive campaign dialled all day (UTC), a DMS list imported. */
public final class DialerCampaigns {
  /** Four parts of six hours, so that a retry lands in another part of the day. */
  public static final JsonArray FOUR_DAY_PARTS = new JsonArray().add("00:00-06:00").add("06:00-12:00")
      .add("12:00-18:00").add("18:00-24:00");

  private DialerCampaigns() {
  }

  public static long dealer(Http admin, String code, String name) {
    return admin.send("POST", "/api/dealers", new JsonObject().put("code", code).put("name", name).encode())
        .json().getJsonObject("dealer").getLong("id");
  }

  /** A progressive CSI campaign of one dealer, callable every hour of every day in UTC; dayParts may be null. */
  public static long allDayProgressive(Http admin, long dealer, String name, JsonArray dayParts) {
    JsonArray allDay = new JsonArray().add("00:00-24:00");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, allDay);
    }
    JsonObject body = new JsonObject().put("name", name).put("kind", "csi").put("dealerIds", new JsonArray().add(dealer))
        .put("timeZone", "UTC").put("callingHours", hours);
    if (dayParts != null) {
      body.put("dayParts", dayParts);
    }
    Http.Response created = admin.send("POST", "/api/campaigns", body.put("dialMode", "progressive").encode());
    assertEquals(201, created.status(), created.body());
    return created.json().getJsonObject("campaign").getLong("id");
  }

  /** Uploads a DMS list as CSV (written under dir) and waits until its import has finished. */
  public static void importList(Http admin, long campaign, long dealer, Path dir, String csv) throws Exception {
    Path file = Files.writeString(dir.resolve("list.csv"), csv, StandardCharsets.UTF_8);
    Http.Response up = admin.uploadDmsFile(campaign, dealer, file, Map.of());
    assertEquals(202, up.status(), up.body());
    long importId = up.json().getJsonObject("import").getLong("id");
    Await.atMost(Duration.ofSeconds(60)).until("the import to finish", () -> admin.get("/api/imports/" + importId)
        .json().getJsonObject("import").getString("status"), status -> !"running".equals(status));
  }
}
