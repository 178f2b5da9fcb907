package io.huifang.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * A server ready for agent-desk tests: an emulator whose customers answer at once and stay on the line for ten
 * minutes, a dealer, a progressive CSI campaign with customers imported through the real DMS import, and an agent.
 */
public final class DeskFixture {
  public final TestServer server;
  public final Http admin;
  public final long dealer;
  public final long campaign;

  private DeskFixture(TestServer server, Http admin, long dealer, long campaign) {
    this.server = server;
    this.admin = admin;
    this.dealer = dealer;
    this.campaign = campaign;
  }

  /** The emulator scenario the desk tests run with: {@code @WithServer(scenario = DeskFixture.SCENARIO)}. */
  public static final String SCENARIO = "/desk/long-calls-scenario.json";

  /**
   * Sets up the dealer, the campaign with {@code customers} imported customers and {@code wrapUpSeconds} of wrap-up
   * on a server started with {@link #SCENARIO}.
   */
  public static DeskFixture prepare(TestServer server, int customers, int wrapUpSeconds) throws Exception {
    Http admin = new Http(server);
    if (admin.login("admin", TestServer.ADMIN_PASSWORD).status() != 200) {
      throw new AssertionError("admin cannot sign in");
    }
    long dealer = admin.send("POST", "/api/dealers", new JsonObject().put("code", "BJ07").put("name", "北京东方4S店")
        .encode()).json().getJsonObject("dealer").getLong("id");
    JsonArray allDay = new JsonArray().add("00:00-24:00");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, allDay);
    }
    Http.Response created = admin.send("POST", "/api/campaigns", new JsonObject().put("name", "售后回访 desk")
        .put("kind", "csi").put("dealerIds", new JsonArray().add(dealer)).put("timeZone", "UTC")
        .put("callingHours", hours).put("dialMode", "progressive").put("wrapUpSeconds", wrapUpSeconds).encode());
    if (created.status() != 201) {
      throw new AssertionError("campaign not created: " + created);
    }
    long campaign = created.json().getJsonObject("campaign").getLong("id");
    String visit = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    StringBuilder csv = new StringBuilder("客户姓名,联系电话,车型,车牌号,VIN,出厂日期,工单号\n");
    for (int i = 0; i < customers; i++) {
      csv.append("张伟").append(i).append(",1380013").append(String.format("%04d", i)).append(",途观L,京A")
          .append(String.format("%05d", 10_000 + i)).append(",LSVAA2180E20").append(String.format("%05d", i))
          .append(',').append(visit).append(",WO-").append(i).append('\n');
    }
    Path file = Files.writeString(server.dataDir().resolveSibling("list.csv"), csv.toString(), StandardCharsets.UTF_8);
    Http.Response up = admin.uploadDmsFile(campaign, dealer, file, Map.of());
    if (up.status() != 202) {
      throw new AssertionError("import refused: " + up);
    }
    long importId = up.json().getJsonObject("import").getLong("id");
    Await.atMost(Duration.ofSeconds(60)).until("the import of " + customers + " customers to finish",
        () -> admin.get("/api/imports/" + importId).json().getJsonObject("import").getString("status"),
        status -> !"running".equals(status));
    return new DeskFixture(server, admin, dealer, campaign);
  }

  public Http agent(String username) {
    return Http.userWithRole(server, admin, username, "agent");
  }

  public URI wsUri() {
    return URI.create(server.url("/ws").replace("http://", "ws://"));
  }

  public List<Row> rows(String sql, Object... args) {
    List<Row> out = new java.util.ArrayList<>();
    server.server().database().pool().preparedQuery(sql).execute(Tuple.wrap(args)).await().forEach(out::add);
    return out;
  }

  public Row row(String sql, Object... args) {
    List<Row> r = rows(sql, args);
    if (r.isEmpty()) {
      throw new AssertionError("no row for " + sql);
    }
    return r.get(0);
  }
}
