package io.huifang.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Http;
import io.huifang.testsupport.Injected;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * QA evaluations through the API on a real server: a sampled call (a submitted survey and its sample, put in with
 * SQL as the draw would leave them), QA claims it (the queue's claim route), opens an evaluation, comments at a time, scores and submits with a
 * wrong-information finding; the agent sees it, signs it off and disputes it; another QA user rescores and the
 * dispute resolves; another agent sees nothing of it; a calibration is blind; the month adds up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@WithServer
class QaEvaluationIT {
  @Injected
  TestServer server;
  Http admin;
  Http agentA;
  Http agentB;
  Http agentC;
  Http qa1;
  Http qa2;
  Http qa3;
  Http supervisor;
  long agentAId;
  long agentCId;
  long qa1Id;
  long qa2Id;
  long qa3Id;
  long campaign;
  long otherCampaign;
  final String month = YearMonth.now(ZoneOffset.UTC).toString();

  @BeforeAll
  void users() {
    admin = new Http(server);
    assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
    agentA = Http.userWithRole(server, admin, "qa-agent-a", "agent");
    agentB = Http.userWithRole(server, admin, "qa-agent-b", "agent");
    agentC = Http.userWithRole(server, admin, "qa-agent-c", "agent");
    qa1 = Http.userWithRole(server, admin, "qa-one", "qa");
    qa2 = Http.userWithRole(server, admin, "qa-two", "qa");
    qa3 = Http.userWithRole(server, admin, "qa-three", "qa");
    supervisor = Http.userWithRole(server, admin, "qa-sup", "supervisor");
    agentAId = id(agentA);
    agentCId = id(agentC);
    qa1Id = id(qa1);
    qa2Id = id(qa2);
    qa3Id = id(qa3);
    long dealer = admin.send("POST", "/api/dealers", new JsonObject().put("code", "QA01").put("name", "质检测试4S店")
        .encode()).json().getJsonObject("dealer").getLong("id");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, new JsonArray().add("09:00-18:00"));
    }
    campaign = campaign(dealer, hours, "质检回访");
    otherCampaign = campaign(dealer, hours, "质检回访（申诉）");
  }

  long campaign(long dealer, JsonObject hours, String name) {
    Http.Response c = admin.send("POST", "/api/campaigns", new JsonObject().put("name", name).put("kind", "csi")
        .put("dealerIds", new JsonArray().add(dealer)).put("timeZone", "UTC").put("callingHours", hours)
        .put("dialMode", "preview").encode());
    assertEquals(201, c.status(), c.body());
    return c.json().getJsonObject("campaign").getLong("id");
  }

  static long id(Http h) {
    return h.get("/api/me").json().getJsonObject("user").getLong("id");
  }

  List<Row> sql(String q, Object... args) {
    List<Row> out = new ArrayList<>();
    server.server().database().pool().preparedQuery(q).execute(Tuple.wrap(args)).await().forEach(out::add);
    return out;
  }

  /** A submitted survey of {@code agent} and its sample, claimed by {@code claimer} (null: open); returns the sample id. */
  long sampledCall(String attempt, long agent, Long claimer) {
    return sampledCall(attempt, campaign, agent, claimer);
  }

  long sampledCall(String attempt, long campaign, long agent, Long claimer) {
    JsonObject answers = new JsonObject().put("owner", true).put("convenient", true);
    for (String s : new String[] {"s1", "s2", "s3", "q1", "q2", "q3", "d1", "f1", "o1"}) {
      answers.put(s, 9);
    }
    sql("insert into survey_response (attempt_id, campaign_id, agent_id, questionnaire_key, questionnaire_version,"
        + " status, answers, disposition, disposition_group, submitted_at) values ($1, $2, $3, 'csi-default', 1,"
        + " 'submitted', $4, 'success', 'success', now())", attempt, campaign, agent, answers);
    return sql("insert into qa_sample (month, attempt_id, recording_id, campaign_id, agent_id, call_at, reason, reasons,"
        + " status, claimed_by, claimed_at, claim_expires_at) values ($1, $2, $3, $4, $5, now(), 'quota', '{quota}',"
        + " $6, $7, case when $7::bigint is null then null else now() end,"
        + " case when $7::bigint is null then null else now() + interval '3 days' end) returning id",
        month, attempt, "rec-" + attempt, campaign, agent, claimer == null ? "open" : "claimed", claimer)
        .get(0).getLong(0);
  }

  /** Every item of the default scorecard passed, but those named failed or N/A. */
  static JsonObject marks(String failed, String na) {
    JsonObject items = new JsonObject();
    for (String id : Scorecard.builtIn(Scorecard.DEFAULT).items().keySet()) {
      items.put(id, new JsonObject().put("result", id.equals(failed) ? "fail" : id.equals(na) ? "na" : "pass"));
    }
    return items;
  }

  long auditRows(String action, String subject, String result) {
    return sql("select count(*) from audit_log where action = $1 and subject = $2 and result = $3", action, subject,
        result).get(0).getLong(0);
  }

  @Test
  void evaluateSignOffDisputeAndRescore() throws Exception {
    long sample = sampledCall("qa-it-A1", agentAId, null);
    String rec = "recording:rec-qa-it-A1";
    assertEquals(409, qa1.send("POST", "/api/qa/samples/" + sample + "/evaluations", "{}").status(),
        "an evaluation starts on a claimed sample");
    Http.Response claimed = qa1.send("POST", "/api/qa/samples/" + sample + "/claim", "{}");
    assertEquals(200, claimed.status(), claimed.body());

    Http.Response notMine = qa2.send("POST", "/api/qa/samples/" + sample + "/evaluations", "{}");
    assertEquals(409, notMine.status(), notMine.body());
    assertEquals("not_claimed", notMine.json().getString("error"));

    Http.Response opened = qa1.send("POST", "/api/qa/samples/" + sample + "/evaluations", "{}");
    assertEquals(200, opened.status(), opened.body());
    JsonObject ev = opened.json();
    long evId = ev.getLong("id");
    assertEquals("draft", ev.getString("status"));
    assertEquals("standard", ev.getString("kind"));
    assertEquals("qa-default", ev.getJsonObject("scorecard").getString("key"));
    assertEquals(agentAId, ev.getLong("agentId"));
    assertEquals(evId, qa1.send("POST", "/api/qa/samples/" + sample + "/evaluations", "{}").json().getLong("id"),
        "opening again returns the open draft");
    assertEquals(2, auditRows("qa.evaluation.open", rec, "ok"));

    Http.Response comment = qa1.send("POST", "/api/qa/evaluations/" + evId + "/comments",
        new JsonObject().put("atMs", 12_500).put("text", "开始提问前未核实车主身份").encode());
    assertEquals(201, comment.status(), comment.body());
    assertEquals(12_500, comment.json().getLong("atMs"));
    assertEquals("atMs", qa1.send("POST", "/api/qa/evaluations/" + evId + "/comments",
        new JsonObject().put("atMs", -1).put("text", "x").encode()).json().getString("field"));
    assertEquals(403, qa2.send("POST", "/api/qa/evaluations/" + evId + "/comments",
        new JsonObject().put("atMs", 1).put("text", "x").encode()).status(), "only the evaluator comments");

    // Submitting before every item is marked names the first item missing.
    Http.Response early = qa1.send("POST", "/api/qa/evaluations/" + evId + "/submit", "{}");
    assertEquals(400, early.status(), early.body());
    assertEquals("items.greeting", early.json().getString("field"));

    Http.Response badNa = qa1.send("PUT", "/api/qa/evaluations/" + evId, new JsonObject()
        .put("items", marks(null, "greeting")).encode());
    assertEquals("items.greeting.result", badNa.json().getString("field"), "greeting cannot be N/A");
    Http.Response badItem = qa1.send("PUT", "/api/qa/evaluations/" + evId, new JsonObject()
        .put("findings", new JsonObject().put("wrongInfo", new JsonArray().add("q2").add("nope"))).encode());
    assertEquals("findings.wrongInfo[1]", badItem.json().getString("field"), "findings name the survey's items");

    Http.Response saved = qa1.send("PUT", "/api/qa/evaluations/" + evId, new JsonObject()
        .put("items", marks("verbatim", "scale"))
        .put("findings", new JsonObject().put("void", false).put("wrongInfo", new JsonArray().add("q2")))
        .put("summary", "q2 记录与录音不符").encode());
    assertEquals(200, saved.status(), saved.body());
    assertEquals("fail", saved.json().getJsonObject("items").getJsonObject("verbatim").getString("result"));

    Http.Response submitted = qa1.send("POST", "/api/qa/evaluations/" + evId + "/submit", "{}");
    assertEquals(200, submitted.status(), submitted.body());
    JsonObject done = submitted.json();
    // script: verbatim (10) failed, scale N/A → 15 of 25 = 0.6 × 30 = 18; the other sections full: 70 → 88.0
    assertEquals(88.0, done.getDouble("score"));
    assertTrue(done.getBoolean("passed"));
    assertFalse(done.getBoolean("fatalFailed"));
    assertNotNull(done.getString("disputeDeadline"));
    assertEquals("evaluated", sql("select status from qa_sample where id = $1", sample).get(0).getString(0));
    List<Row> findings = sql("select kind, items, evaluation_id from qa_finding where attempt_id = 'qa-it-A1'");
    assertEquals(1, findings.size());
    assertEquals("wrong_info", findings.get(0).getString("kind"));
    assertEquals(new JsonArray().add("q2"), findings.get(0).getValue("items"));
    assertEquals(evId, findings.get(0).getLong("evaluation_id"));
    assertEquals(1, auditRows("qa.evaluation.submit", rec, "ok"));
    assertEquals(409, qa1.send("PUT", "/api/qa/evaluations/" + evId, "{\"summary\":\"x\"}").status(),
        "a submitted evaluation is not changed");

    // The agent sees it, with its comment; another agent sees nothing of it.
    JsonArray mine = agentA.get("/api/qa/mine").json().getJsonArray("evaluations");
    assertEquals(1, mine.size());
    JsonObject seen = mine.getJsonObject(0);
    assertEquals(evId, seen.getLong("id"));
    assertTrue(seen.getBoolean("canDispute"));
    assertTrue(seen.getBoolean("canAcknowledge"));
    assertEquals("开始提问前未核实车主身份", seen.getJsonArray("comments").getJsonObject(0).getString("text"));
    assertEquals(0, agentB.get("/api/qa/mine").json().getJsonArray("evaluations").size());
    Http.Response other = agentB.get("/api/qa/evaluations/" + evId);
    assertEquals(403, other.status(), other.body());
    assertEquals(1, auditRows("qa.evaluation.view", rec, "denied"), "the refusal is in the access log");
    assertEquals(403, agentB.send("POST", "/api/qa/evaluations/" + evId + "/dispute",
        new JsonObject().put("reason", "不是我的").encode()).status());
    assertEquals(200, agentA.get("/api/qa/evaluations/" + evId).status());
    assertEquals(1, auditRows("qa.evaluation.view", rec, "ok"));
    assertEquals(401, new Http(server).get("/api/qa/evaluations/" + evId).status());
    assertEquals(1, auditRows("qa.evaluation.view", rec, "unauthenticated"),
        "a signed-out read is logged against the recording too");

    Http.Response ack = agentA.send("POST", "/api/qa/evaluations/" + evId + "/acknowledge", "{}");
    assertEquals(200, ack.status(), ack.body());
    assertNotNull(ack.json().getString("acknowledgedAt"));

    assertEquals("reason", agentA.send("POST", "/api/qa/evaluations/" + evId + "/dispute", "{}").json()
        .getString("field"));
    Http.Response disputed = agentA.send("POST", "/api/qa/evaluations/" + evId + "/dispute",
        new JsonObject().put("reason", "q2 是客户原话，录音 01:10 可听").encode());
    assertEquals(201, disputed.status(), disputed.body());
    JsonObject dispute = disputed.json().getJsonObject("dispute");
    long assignee = dispute.getJsonObject("assignee").getLong("id");
    assertNotEquals(qa1Id, assignee, "a dispute goes to someone other than the evaluator");
    assertTrue(assignee == qa2Id || assignee == qa3Id, "another QA user: " + assignee);
    Http.Response again = agentA.send("POST", "/api/qa/evaluations/" + evId + "/dispute",
        new JsonObject().put("reason", "再申诉").encode());
    assertEquals(409, again.status());
    assertEquals("already_disputed", again.json().getString("error"));

    long disputeId = dispute.getLong("id");
    Http reviewer = assignee == qa2Id ? qa2 : qa3;
    JsonArray queue = reviewer.get("/api/qa/disputes?status=open").json().getJsonArray("disputes");
    assertEquals(assignee, queue.getJsonObject(0).getJsonObject("assignee").getLong("id"),
        "the assignee's disputes come first");
    assertTrue(queue.stream().map(JsonObject.class::cast).anyMatch(d -> d.getLong("id") == disputeId));
    assertEquals(403, qa1.send("POST", "/api/qa/disputes/" + disputeId + "/rescore", "{}").status(),
        "the evaluator does not rescore their own evaluation");
    Http.Response rescore = reviewer.send("POST", "/api/qa/disputes/" + disputeId + "/rescore", "{}");
    assertEquals(200, rescore.status(), rescore.body());
    long reId = rescore.json().getLong("id");
    assertEquals("rescore", rescore.json().getString("kind"));
    assertEquals(evId, rescore.json().getLong("supersedes"));
    assertEquals(200, reviewer.send("PUT", "/api/qa/evaluations/" + reId, new JsonObject().put("items", marks(null, null))
        .put("findings", new JsonObject()).encode()).status());
    Http.Response resolved = reviewer.send("POST", "/api/qa/evaluations/" + reId + "/submit", "{}");
    assertEquals(200, resolved.status(), resolved.body());
    assertEquals(100.0, resolved.json().getDouble("score"));
    JsonObject settled = resolved.json().getJsonObject("dispute");
    assertEquals("resolved", settled.getString("status"));
    assertEquals("changed", settled.getString("outcome"));
    assertEquals(0, sql("select count(*) from qa_finding where attempt_id = 'qa-it-A1'").get(0).getLong(0),
        "the rescore stands: its findings (none) replace the first's");

    JsonArray history = agentA.get("/api/qa/mine").json().getJsonArray("evaluations");
    assertEquals(2, history.size(), "the whole history is kept");
    assertEquals(reId, history.getJsonObject(0).getLong("id"));
    assertEquals("submitted", history.getJsonObject(0).getString("status"));
    assertFalse(history.getJsonObject(0).getBoolean("canDispute"), "a rescore stands");
    assertEquals("superseded", history.getJsonObject(1).getString("status"));
    assertFalse(history.getJsonObject(1).getBoolean("canDispute"));

    // The month: the rescore is the score that counts.
    Http.Response sum = supervisor.get("/api/qa/months/" + month + "/summary?campaignId=" + campaign);
    assertEquals(200, sum.status(), sum.body());
    JsonObject a = sum.json().getJsonArray("agents").stream().map(JsonObject.class::cast)
        .filter(o -> o.getLong("agentId") == agentAId).findFirst().orElseThrow();
    assertEquals(1, a.getLong("done"));
    assertEquals(1, a.getLong("passed"));
    assertEquals(100.0, a.getDouble("meanScore"));
    assertEquals(2, a.getInteger("quota"));
    assertEquals(1, a.getLong("shortOfQuota"));
    JsonObject q1 = sum.json().getJsonArray("qaUsers").stream().map(JsonObject.class::cast)
        .filter(o -> o.getLong("userId") == qa1Id).findFirst().orElseThrow();
    assertEquals(1, q1.getLong("done"));
    assertEquals(400, supervisor.get("/api/qa/months/2026-13/summary").status());
    assertEquals(403, agentA.get("/api/qa/months/" + month + "/summary").status());

    HttpResponse<byte[]> xlsx = supervisor.client().send(HttpRequest.newBuilder(URI.create(supervisor.url(
        "/api/qa/months/" + month + "/summary.xlsx?campaignId=" + campaign))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, xlsx.statusCode());
    assertTrue(xlsx.headers().firstValue("content-type").orElse("").contains("spreadsheetml"));
    try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(xlsx.body()))) {
      var sheet = wb.getFirstSheet();
      assertEquals("回访员", sheet.getName());
      try (Stream<org.dhatim.fastexcel.reader.Row> rows = sheet.openStream()) {
        List<org.dhatim.fastexcel.reader.Row> list = rows.toList();
        assertEquals("回访员", list.get(0).getCellText(0));
        assertEquals("平均质检分", list.get(0).getCellText(5));
        assertEquals("qa-agent-a", list.get(1).getCellText(0));
        assertEquals("100", list.get(1).getCellText(5).replace(".0", ""));
      }
    }
  }

  /** A sample of agent C claimed by qa1, evaluated with every item passed and submitted; returns the evaluation. */
  long evaluated(String attempt) {
    long sample = sampledCall(attempt, otherCampaign, agentCId, qa1Id);
    long ev = qa1.send("POST", "/api/qa/samples/" + sample + "/evaluations", "{}").json().getLong("id");
    assertEquals(200, qa1.send("PUT", "/api/qa/evaluations/" + ev, new JsonObject().put("items", marks(null, null))
        .encode()).status());
    assertEquals(200, qa1.send("POST", "/api/qa/evaluations/" + ev + "/submit", "{}").status());
    return ev;
  }

  @Test
  void disputesGoToTheLeastLoadedOtherQaUserWithinTheirWindow() {
    long first = evaluated("qa-it-D1");
    long second = evaluated("qa-it-D2");
    long late = evaluated("qa-it-D3");
    Http.Response d1 = agentC.send("POST", "/api/qa/evaluations/" + first + "/dispute",
        new JsonObject().put("reason", "第一次").encode());
    Http.Response d2 = agentC.send("POST", "/api/qa/evaluations/" + second + "/dispute",
        new JsonObject().put("reason", "第二次").encode());
    assertEquals(201, d1.status(), d1.body());
    assertEquals(201, d2.status(), d2.body());
    long a1 = d1.json().getJsonObject("dispute").getJsonObject("assignee").getLong("id");
    long a2 = d2.json().getJsonObject("dispute").getJsonObject("assignee").getLong("id");
    assertTrue(List.of(qa2Id, qa3Id).contains(a1) && List.of(qa2Id, qa3Id).contains(a2), a1 + ", " + a2);
    assertNotEquals(a1, a2, "the second goes to the one without an open dispute");

    sql("update qa_evaluation set dispute_deadline = now() - interval '1 minute' where id = $1", late);
    JsonObject seen = agentC.get("/api/qa/mine").json().getJsonArray("evaluations").stream()
        .map(JsonObject.class::cast).filter(e -> e.getLong("id") == late).findFirst().orElseThrow();
    assertFalse(seen.getBoolean("canDispute"));
    Http.Response closed = agentC.send("POST", "/api/qa/evaluations/" + late + "/dispute",
        new JsonObject().put("reason", "晚了").encode());
    assertEquals(409, closed.status(), closed.body());
    assertEquals("dispute_window_closed", closed.json().getString("error"));
  }

  @Test
  void calibrationIsBlindUntilOneSubmits() {
    long sample = sampledCall("qa-it-C1", agentAId, null);
    Http.Response bad = supervisor.send("POST", "/api/qa/calibrations", new JsonObject().put("sampleId", sample)
        .put("userIds", new JsonArray().add(qa1Id).add(agentAId)).encode());
    assertEquals(400, bad.status());
    assertEquals("userIds[1]", bad.json().getString("field"), "members are QA users");
    Http.Response created = supervisor.send("POST", "/api/qa/calibrations", new JsonObject().put("sampleId", sample)
        .put("userIds", new JsonArray().add(qa1Id).add(qa2Id).add(qa3Id)).put("expertId", qa3Id).encode());
    assertEquals(201, created.status(), created.body());
    long calId = created.json().getJsonObject("calibration").getLong("id");

    JsonObject seenBy1 = qa1.get("/api/qa/calibrations/" + calId).json().getJsonObject("calibration");
    assertTrue(seenBy1.getBoolean("blind"));
    long ev1 = seenBy1.getLong("myEvaluationId");
    long ev2 = qa2.get("/api/qa/calibrations/" + calId).json().getJsonObject("calibration").getLong("myEvaluationId");
    long ev3 = qa3.get("/api/qa/calibrations/" + calId).json().getJsonObject("calibration").getLong("myEvaluationId");

    assertEquals(200, qa1.send("PUT", "/api/qa/evaluations/" + ev1, new JsonObject().put("items", marks(null, null))
        .encode()).status());
    assertEquals(200, qa1.send("POST", "/api/qa/evaluations/" + ev1 + "/submit", "{}").status());

    // qa2 has not submitted: nobody else's score, neither in the calibration nor through the evaluation itself.
    JsonObject seenBy2 = qa2.get("/api/qa/calibrations/" + calId).json().getJsonObject("calibration");
    assertTrue(seenBy2.getBoolean("blind"));
    assertNull(seenBy2.getValue("spread"));
    for (Object o : seenBy2.getJsonArray("members")) {
      JsonObject m = (JsonObject) o;
      if (m.getLong("userId") != qa2Id) {
        assertFalse(m.containsKey("score"), "blind: " + m);
      }
    }
    assertEquals("submitted", seenBy2.getJsonArray("members").stream().map(JsonObject.class::cast)
        .filter(m -> m.getLong("userId") == qa1Id).findFirst().orElseThrow().getString("status"),
        "who has submitted is shown");
    assertEquals(403, qa2.get("/api/qa/evaluations/" + ev1).status());

    // qa1 has submitted: sees its own and others' submitted scores (qa2's draft stays hidden).
    JsonObject after = qa1.get("/api/qa/calibrations/" + calId).json().getJsonObject("calibration");
    assertFalse(after.getBoolean("blind"));
    assertEquals(403, qa1.get("/api/qa/evaluations/" + ev2).status(), "a draft is nobody else's to read");

    assertEquals(200, qa2.send("PUT", "/api/qa/evaluations/" + ev2, new JsonObject()
        .put("items", marks("verbatim", null)).encode()).status());
    assertEquals(400, qa2.send("PUT", "/api/qa/evaluations/" + ev2, new JsonObject()
        .put("findings", new JsonObject().put("void", true)).encode()).status(), "a calibration finds nothing");
    assertEquals(200, qa2.send("POST", "/api/qa/evaluations/" + ev2 + "/submit", "{}").status());
    assertEquals(200, qa3.send("PUT", "/api/qa/evaluations/" + ev3, new JsonObject().put("items", marks(null, null))
        .encode()).status());
    assertEquals(200, qa3.send("POST", "/api/qa/evaluations/" + ev3 + "/submit", "{}").status());

    JsonObject full = supervisor.get("/api/qa/calibrations/" + calId).json().getJsonObject("calibration");
    JsonObject spread = full.getJsonObject("spread");
    JsonObject verbatim = spread.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> i.getString("itemId").equals("verbatim")).findFirst().orElseThrow();
    assertEquals(3, verbatim.getInteger("n"));
    assertEquals(0.0, verbatim.getDouble("min"));
    assertEquals(10.0, verbatim.getDouble("max"));
    assertEquals(4.71, verbatim.getDouble("stdev")); // 10, 0, 10: population stdev √(200/9)
    JsonObject vsExpert = spread.getJsonArray("againstExpert").stream().map(JsonObject.class::cast)
        .filter(o -> o.getLong("userId") == qa2Id).findFirst().orElseThrow();
    assertEquals(-10.0, vsExpert.getDouble("scoreDiff")); // 90.0 against the expert's 100.0
    assertEquals(new JsonArray().add("verbatim"), vsExpert.getJsonArray("differingItems"));

    // Practice only: the sample is not evaluated, the agent sees nothing of it.
    assertEquals("open", sql("select status from qa_sample where id = $1", sample).get(0).getString(0));
    assertTrue(agentA.get("/api/qa/mine").json().getJsonArray("evaluations").stream().map(JsonObject.class::cast)
        .noneMatch(e -> e.getLong("sampleId") == sample));
    assertEquals(404, agentA.get("/api/qa/evaluations/" + ev1).status());
  }

  @Test
  void scorecardsAreVersionedAndQuestionnairesStayAdminOnly() {
    JsonObject form = qa1.get("/api/qa/scorecards/qa-default").json().getJsonObject("scorecard");
    assertEquals(1, form.getInteger("version"));
    JsonObject bad = form.copy();
    bad.getJsonArray("sections").getJsonObject(0).getJsonArray("items").getJsonObject(1).put("points", 0);
    Http.Response refused = qa1.send("PUT", "/api/qa/scorecards/qa-custom", bad.put("key", "qa-custom").encode());
    assertEquals(400, refused.status());
    assertEquals("sections[0].items[1].points", refused.json().getString("field"));
    JsonObject good = form.copy().put("key", "qa-custom").put("passScore", 85);
    Http.Response v1 = qa1.send("PUT", "/api/qa/scorecards/qa-custom", good.encode());
    assertEquals(200, v1.status(), v1.body());
    assertEquals(1, v1.json().getJsonObject("scorecard").getInteger("version"));
    assertEquals(2, qa1.send("PUT", "/api/qa/scorecards/qa-custom", good.put("passScore", 90).encode()).json()
        .getJsonObject("scorecard").getInteger("version"));
    assertEquals(85, qa1.get("/api/qa/scorecards/qa-custom?version=1").json().getJsonObject("scorecard")
        .getInteger("passScore"), "old versions stay as they were");
    assertEquals(403, agentA.send("PUT", "/api/qa/scorecards/qa-custom", good.encode()).status());
    assertEquals(403, supervisor.send("PUT", "/api/qa/scorecards/qa-custom", good.encode()).status());
    assertTrue(qa1.get("/api/qa/scorecards").json().getJsonArray("scorecards").stream().map(JsonObject.class::cast)
        .anyMatch(s -> s.getString("key").equals("qa-custom") && s.getInteger("version") == 2));
    assertEquals(403, qa1.send("PUT", "/api/questionnaires/csi-default", "{}").status(),
        "QA does not edit questionnaires");
  }
}
