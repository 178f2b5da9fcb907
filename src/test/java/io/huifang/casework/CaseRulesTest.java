package io.huifang.casework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.survey.Questionnaire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules of cases: the recording templates, which surveys open a case, the state machine, phone masking. */
class CaseRulesTest {
  static JsonObject consultation() {
    return new JsonObject().put("region", "北京").put("brand", "途观L").put("date", "2025-03-01")
        .put("mileage", "12000").put("part", "变速箱").put("policy", "三年或十万公里保修");
  }

  @Test
  void aNoteMissingAPartOfItsTemplateIsRefusedNamingThePart() {
    assertEquals(consultation(), CaseTemplates.check("consultation", consultation()));
    Invalid missing = assertThrows(Invalid.class,
        () -> CaseTemplates.check("consultation", consultation().put("mileage", "  ")));
    assertEquals("template.mileage", missing.field());
    assertTrue(missing.chinese().contains("行驶里程"), missing.chinese());
    JsonObject rescue = new JsonObject().put("region", "天津").put("brand", "帕萨特").put("place", "京津高速")
        .put("symptom", "发动机熄火").put("plate", "津A12345");
    assertEquals("template.contact", assertThrows(Invalid.class, () -> CaseTemplates.check("rescue", rescue)).field());
    JsonObject complaint = new JsonObject().put("region", "北京").put("brand", "途观L").put("dealer", "北京东方4S店")
        .put("date", "2026-12-01").put("repair", "更换刹车片").put("issue", "等待时间太长").put("request", "道歉");
    assertEquals("template.vin", assertThrows(Invalid.class, () -> CaseTemplates.check("complaint", complaint))
        .field(), "a complaint needs the VIN or the plate");
    assertEquals("京A10000", CaseTemplates.check("complaint", complaint.copy().put("plate", "京A10000"))
        .getString("plate"));
    assertEquals("template.request", assertThrows(Invalid.class, () -> CaseTemplates.check("complaint",
        complaint.copy().put("plate", "京A1").putNull("request"))).field());
    assertEquals("template.color", assertThrows(Invalid.class,
        () -> CaseTemplates.check("consultation", consultation().put("color", "红"))).field(), "no such part");
    assertEquals("template.part", assertThrows(Invalid.class,
        () -> CaseTemplates.check("consultation", consultation().put("part", 5))).field(), "a part is a text");
    assertEquals("kind", assertThrows(Invalid.class, () -> CaseTemplates.check("praise", consultation())).field());
    String summary = CaseTemplates.summary("consultation", consultation());
    assertEquals("北京客户于2025-03-01购买途观L，行驶12000公里，咨询变速箱的保修；已告知：三年或十万公里保修。", summary);
  }

  static Questionnaire csi() {
    return Questionnaire.builtIn(Questionnaire.CSI_DEFAULT);
  }

  /** Every item answered as a satisfied customer does, who has nothing to complain about. */
  static JsonObject satisfied(Questionnaire q) {
    JsonObject a = new JsonObject();
    for (Questionnaire.Item item : q.items()) {
      switch (item.type()) {
        case SCALE10 -> a.put(item.id(), 9);
        case LOYALTY -> a.put(item.id(), "surely");
        case YESNO -> a.put(item.id(), true);
        case CHOICE -> a.put(item.id(), item.options().get(0).id());
        case TEXT -> a.put(item.id(), "无");
        default -> throw new AssertionError(item.type());
      }
    }
    return a;
  }

  @Test
  void aComplaintTextOrAConfiguredLowScoreOpensACaseNothingElseDoes() {
    Questionnaire q = csi();
    JsonObject settings = CaseworkSettings.defaults();
    assertEquals(Optional.empty(), AutoOpen.decide(q, satisfied(q), settings), "无 is no complaint");
    assertTrue(AutoOpen.isNothing(" 没有。"));
    assertFalse(AutoOpen.isNothing("等了两个小时"));

    Optional<AutoOpen.Trigger> t = AutoOpen.decide(q, satisfied(q).put("complaint", "等了两个小时"), settings);
    assertTrue(t.isPresent());
    assertEquals("等了两个小时", t.get().complaint());
    assertEquals("service", t.get().department(), "CSI's default department");
    assertEquals("complaint", t.get().firstItem());

    // not when complaint texts are switched off
    JsonObject off = settings.copy().put("autoOpen", new JsonObject().put("complaintText", false)
        .put("items", new JsonArray()));
    assertEquals(Optional.empty(), AutoOpen.decide(q, satisfied(q).put("complaint", "等了两个小时"), off));

    // a configured item below its threshold, with the department configured for its section
    Questionnaire.Item s3 = q.items().stream().filter(i -> i.type() == Questionnaire.Type.SCALE10).toList().get(2);
    JsonObject rules = off.copy().put("autoOpen", new JsonObject().put("complaintText", false).put("items",
            new JsonArray().add(new JsonObject().put("questionnaire", q.key()).put("item", s3.id()).put("below", 6))))
        .put("departments", new JsonObject().put(q.key(), new JsonObject().put(s3.sectionId(), "parts")));
    CaseworkSettings.check(rules);
    assertEquals(Optional.empty(), AutoOpen.decide(q, satisfied(q).put(s3.id(), 6), rules), "6 is not below 6");
    assertEquals(Optional.empty(), AutoOpen.decide(q, satisfied(q).put(s3.id(), Questionnaire.NOT_SURVEYED), rules));
    AutoOpen.Trigger low = AutoOpen.decide(q, satisfied(q).put(s3.id(), 5), rules).orElseThrow();
    assertEquals("parts", low.department());
    assertEquals(s3.id(), low.firstItem());
    assertTrue(low.reasons().get(0).contains("5 分"), low.reasons().toString());
    // a rule for another questionnaire does not apply
    JsonObject otherQ = rules.copy();
    otherQ.getJsonObject("autoOpen").getJsonArray("items").getJsonObject(0).put("questionnaire", "ssi-default");
    assertEquals(Optional.empty(), AutoOpen.decide(q, satisfied(q).put(s3.id(), 2), otherQ));
    // SSI's default department is sales
    Questionnaire ssi = Questionnaire.builtIn(Questionnaire.SSI_DEFAULT);
    assertEquals("sales", AutoOpen.department(ssi, "whatever", settings));
  }

  @Test
  void settingsAreCheckedNamingTheField() {
    CaseworkSettings.check(CaseworkSettings.defaults());
    assertEquals("dueDays", assertThrows(Invalid.class,
        () -> CaseworkSettings.check(CaseworkSettings.defaults().put("dueDays", 0))).field());
    assertEquals("autoOpen.items[0].below", assertThrows(Invalid.class, () -> CaseworkSettings.check(
        CaseworkSettings.defaults().put("autoOpen", new JsonObject().put("complaintText", true).put("items",
            new JsonArray().add(new JsonObject().put("questionnaire", "csi-default").put("item", "s3")
                .put("below", 11)))))).field());
    assertEquals("departments.csi-default.start", assertThrows(Invalid.class, () -> CaseworkSettings.check(
        CaseworkSettings.defaults().put("departments", new JsonObject().put("csi-default",
            new JsonObject().put("start", "marketing"))))).field());
    assertEquals("severity", assertThrows(Invalid.class, () -> CaseworkSettings.check(
        CaseworkSettings.defaults().put("severity", new JsonObject()))).field());
  }

  @Test
  void aCaseIsHandledThenVerifiedClosedOrReopened() {
    assertEquals("handled", CaseStates.next("open", CaseStates.Step.HANDLE));
    assertEquals("closed", CaseStates.next("handled", CaseStates.ofVerdict("qualified")));
    assertEquals("closed", CaseStates.next("handled", CaseStates.ofVerdict("untrue")));
    assertEquals("open", CaseStates.next("handled", CaseStates.ofVerdict("unqualified")));
    assertTrue(CaseStates.reopens(CaseStates.ofVerdict("unqualified")));
    assertFalse(CaseStates.reopens(CaseStates.ofVerdict("qualified")));
    assertEquals("closed", CaseStates.next("open", CaseStates.Step.CLOSE));
    assertEquals("open", CaseStates.next("closed", CaseStates.Step.REOPEN));
    for (var wrong : List.of(List.of("handled", CaseStates.Step.HANDLE), List.of("closed", CaseStates.Step.HANDLE),
        List.of("open", CaseStates.Step.VERIFIED), List.of("closed", CaseStates.Step.NOT_RESOLVED),
        List.of("closed", CaseStates.Step.CLOSE), List.of("open", CaseStates.Step.REOPEN))) {
      Problem p = assertThrows(Problem.class, () -> CaseStates.next((String) wrong.get(0),
          (CaseStates.Step) wrong.get(1)), wrong.toString());
      assertEquals(409, p.status());
      assertEquals("wrong_state", p.code());
    }
  }

  @Test
  void dealersSeePhonesMasked() {
    assertEquals("138****5678", Portal.mask("13812345678"));
    assertEquals("010****5678", Portal.mask("01087655678"));
    assertEquals("****", Portal.mask("1234"));
    assertEquals(null, Portal.mask(null));
  }
}
