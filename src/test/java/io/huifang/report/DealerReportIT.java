package io.huifang.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.DeskFixture;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.net.http.HttpResponse;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/**
 * The dealer role (网点) and the report's PDF over the real server: an admin ties a dealer user to its dealer; that
 * user reads its own dealer's report (JSON and PDF) once the month is approved, and is refused a draft month,
 * another dealer's report and every route not made for dealers; supervisors get the PDF in both languages.
 */
class DealerReportIT {

  @Test
  @WithServer(scenario = DeskFixture.SCENARIO)
  void aDealerUserReadsItsOwnApprovedReportAndNothingElse(TestServer server) throws Exception {
    DeskFixture f = DeskFixture.prepare(server, 4, 0);
    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
    String base = "/api/reports/months/csi/" + month;
    Http.Response otherDealer = f.admin.send("POST", "/api/dealers", new JsonObject().put("code", "SH09")
        .put("name", "上海另一家4S店").encode());
    assertEquals(201, otherDealer.status(), otherDealer.body());
    long other = otherDealer.json().getJsonObject("dealer").getLong("id");

    // The admin ties the dealer user to its dealer; only a dealer user belongs to one, and only to a real dealer.
    Http.Response created = f.admin.send("POST", "/api/users", new JsonObject().put("username", "dealer.bj07")
        .put("displayName", "北京东方").put("role", "dealer").put("password", "dealer-password-1")
        .put("dealerId", f.dealer).encode());
    assertEquals(201, created.status(), created.body());
    assertEquals(f.dealer, created.json().getJsonObject("user").getLong("dealerId"));
    long dealerUserId = created.json().getJsonObject("user").getLong("id");
    assertEquals(f.dealer, f.row("select dealer_id from app_user where id = $1", dealerUserId).getLong(0));
    Http.Response agentWithDealer = f.admin.send("POST", "/api/users", new JsonObject().put("username", "agent.d")
        .put("displayName", "a").put("role", "agent").put("password", "agent-password-1").put("dealerId", f.dealer)
        .encode());
    assertEquals(400, agentWithDealer.status());
    assertEquals("dealerId", agentWithDealer.json().getString("field"));
    Http.Response createdWithoutDealer = f.admin.send("POST", "/api/users", new JsonObject().put("username", "dealer.x")
        .put("displayName", "x").put("role", "dealer").put("password", "dealer-password-1").put("dealerId", 999_999)
        .encode());
    assertEquals(400, createdWithoutDealer.status(), createdWithoutDealer.body());
    assertEquals("dealerId", createdWithoutDealer.json().getString("field"));
    assertEquals(0, f.row("select count(*) from app_user where username = 'dealer.x'").getLong(0),
        "no dealer user is left without its dealer");
    Http.Response noSuchDealer = f.admin.send("PATCH", "/api/users/" + dealerUserId,
        new JsonObject().put("dealerId", 999_999).encode());
    assertEquals(400, noSuchDealer.status(), noSuchDealer.body());
    assertEquals("dealerId", noSuchDealer.json().getString("field"));
    assertEquals(f.dealer, f.row("select dealer_id from app_user where id = $1", dealerUserId).getLong(0));

    Http dealer = new Http(server);
    assertEquals(200, dealer.firstLogin("dealer.bj07", "dealer-password-1").status());
    JsonObject me = dealer.get("/api/me").json();
    assertEquals("dealer", me.getJsonObject("user", me).getString("role"), me.encode());

    // A draft month: not for the dealer yet.
    Http sup1 = Http.userWithRole(server, f.admin, "dr.sup1", "supervisor");
    Http sup2 = Http.userWithRole(server, f.admin, "dr.sup2", "supervisor");
    Http.Response computed = sup1.send("POST", "/api/reports/months", new JsonObject().put("kind", "csi")
        .put("month", month).encode());
    assertEquals(200, computed.status(), computed.body());
    String own = base + "/dealers/" + f.dealer;
    assertEquals(200, sup1.get(own).status(), "the staff read a draft");
    assertEquals(403, dealer.get(own).status(), "a draft month");
    assertEquals(403, ReportMonthIT.bytes(dealer, own + "/report.pdf").statusCode(), "a draft month's PDF");

    assertEquals(200, sup2.send("POST", base + "/review", "{}").status());
    assertEquals(403, dealer.get(own).status(), "a reviewed month");
    assertEquals(200, f.admin.send("POST", base + "/approve", "{}").status());
    assertEquals("approved", f.row("select state from report_month where kind = 'csi' and month = $1",
        YearMonth.parse(month).atDay(1)).getString(0));

    // Approved: its own report, JSON and PDF.
    Http.Response voc = dealer.get(own);
    assertEquals(200, voc.status(), voc.body());
    assertEquals(f.dealer, voc.json().getJsonObject("dealer").getLong("id"));
    assertEquals("approved", voc.json().getString("state"));
    HttpResponse<byte[]> pdf = ReportMonthIT.bytes(dealer, own + "/report.pdf?lang=zh");
    assertEquals(200, pdf.statusCode());
    assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElse(""));
    String zh = text(pdf.body());
    assertTrue(zh.contains("北京东方4S店") && zh.contains("客户之声报告"), zh);
    assertTrue(zh.contains(month), zh);

    // Never another dealer's, nor anything else.
    assertEquals(403, dealer.get(base + "/dealers/" + other).status());
    assertEquals(403, ReportMonthIT.bytes(dealer, base + "/dealers/" + other + "/report.pdf").statusCode());
    assertEquals(400, ReportMonthIT.bytes(dealer, own + "/report.pdf?lang=fr").statusCode(), "lang is checked");
    int refused = 0;
    for (Route r : server.server().web().router().getRoutes()) {
      String path = r.getPath();
      // (The fallback for unknown paths, "/api/", answers 404 to everyone signed in.)
      if (path == null || !path.startsWith(Api.PREFIX + "/") || path.equals(Api.PREFIX + "/")
          || !(r.getMetadata(Api.ROLES) instanceof Set<?> roles)
          || roles.contains("dealer")) {
        continue;
      }
      Set<HttpMethod> methods = r.methods() == null || r.methods().isEmpty() ? Set.of(HttpMethod.GET) : r.methods();
      for (HttpMethod m : methods) {
        Http.Response resp = dealer.send(m.name(), path.replaceAll(":[A-Za-z]+", "1"),
            m == HttpMethod.GET || m == HttpMethod.DELETE ? null : "{}");
        assertEquals(403, resp.status(), m + " " + path + " answered " + resp.status() + " " + resp.body());
        refused++;
      }
    }
    assertTrue(refused > 50, "routes checked: " + refused);
    assertEquals(403, dealer.get(base).status(), "the ranking");
    assertEquals(403, dealer.send("POST", base + "/reopen", "{}").status(), "the workflow");
    assertEquals(403, dealer.get("/api/recordings").status(), "recordings (open to every centre role)");

    // The staff: both languages; an agent: no.
    HttpResponse<byte[]> en = ReportMonthIT.bytes(sup1, own + "/report.pdf?lang=en");
    assertEquals(200, en.statusCode());
    String enText = text(en.body());
    assertTrue(enText.contains("Voice of the customer") && enText.contains("北京东方4S店"), enText);
    Http agent = Http.userWithRole(server, f.admin, "dr.agent", "agent");
    assertEquals(403, ReportMonthIT.bytes(agent, own + "/report.pdf").statusCode());

    // A dealer user made an agent stops belonging to the dealer.
    assertEquals(200, f.admin.send("PATCH", "/api/users/" + dealerUserId, "{\"role\":\"agent\"}").status());
    assertNull(f.row("select dealer_id from app_user where id = $1", dealerUserId).getValue(0));
  }

  private static String text(byte[] pdf) throws Exception {
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      return new PDFTextStripper().getText(doc);
    }
  }
}
