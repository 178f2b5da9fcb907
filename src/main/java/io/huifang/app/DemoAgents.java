package io.huifang.app;

import io.huifang.desk.AgentDesk;
import io.huifang.survey.Questionnaire;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's simulated agents at their desks: a few seconds after each call they submit it through the same desk
 * code a person's page uses — mostly successful surveys with plausible answers, sometimes an error sample, a
 * callback or a not-reached disposition — and go ready again.
 */
final class DemoAgents {
  private static final Logger log = LoggerFactory.getLogger(DemoAgents.class);

  private final Vertx vertx;
  private final AgentDesk desk;
  private final Set<Long> agents = ConcurrentHashMap.newKeySet();
  private final Random random = new Random();

  DemoAgents(Vertx vertx, AgentDesk desk) {
    this.vertx = vertx;
    this.desk = desk;
    desk.onWrapUp(this::wrapUp);
  }

  void add(long agentId) {
    agents.add(agentId);
  }

  private void wrapUp(long agentId, String attemptId) {
    if (!agents.contains(agentId)) {
      return;
    }
    submitLater(agentId, attemptId, 1500 + random.nextInt(3000));
  }

  /** Like a person at the page, a simulated agent whose submit finds the database away tries again a bit later. */
  private void submitLater(long agentId, String attemptId, long delay) {
    vertx.setTimer(delay, t -> desk.desk(agentId).compose(d -> {
      JsonObject call = d.getJsonObject("call");
      if (call == null || !attemptId.equals(call.getString("attemptId")) || call.getBoolean("submitted", false)) {
        return io.vertx.core.Future.succeededFuture();
      }
      return desk.submit(agentId, attemptId, submission(call));
    }).onFailure(e -> {
      boolean away = io.huifang.db.Database.unavailable(e);
      log.atWarn().setMessage(away ? "demo: simulated agent will submit when the database is back"
              : "demo: simulated agent could not submit").addKeyValue("agent", agentId)
          .addKeyValue("attempt", attemptId).addKeyValue("error", e.getMessage()).log();
      if (away) {
        submitLater(agentId, attemptId, 3000);
      }
    }));
  }

  private JsonObject submission(JsonObject call) {
    int roll = random.nextInt(100);
    if (roll < 6) {
      return new JsonObject().put("disposition", random.nextBoolean() ? "not_present" : "refused");
    }
    if (roll < 9) {
      return new JsonObject().put("disposition", "callback").put("callbackMine", false)
          .put("callbackAt", java.time.Instant.now().plusSeconds(3600 * (2 + random.nextInt(20))).toString())
          .put("note", "客户正在开车，约稍后回访");
    }
    JsonObject def = call.getJsonObject("questionnaire", new JsonObject()).getJsonObject("definition");
    JsonObject answers = new JsonObject();
    if (def != null) {
      Questionnaire q = Questionnaire.parse(def);
      for (Questionnaire.Item item : q.items()) {
        if (item.showIf() != null && !item.showIf().matches(answers.getValue(item.showIf().item()))) {
          continue;
        }
        Object a = answer(item);
        if (a != null) {
          answers.put(item.id(), a);
        }
      }
    }
    return new JsonObject().put("disposition", "success").put("answers", answers);
  }

  /** A mostly satisfied customer: scores 7–10, now and then lower or "not surveyed". */
  private Object answer(Questionnaire.Item item) {
    return switch (item.type()) {
      case SCALE10 -> {
        int r = random.nextInt(100);
        yield r < 3 ? Questionnaire.NOT_SURVEYED : r < 12 ? (Object) (3 + random.nextInt(4)) : 7 + random.nextInt(4);
      }
      case LOYALTY -> random.nextInt(10) < 7 ? "surely" : "probably";
      case YESNO -> true;
      case CHOICE -> item.options().isEmpty() ? null : item.options().get(random.nextInt(item.options().size())).id();
      case TEXT -> item.category() == Questionnaire.Category.COMPLAINT && random.nextInt(100) < COMPLAINT_PERCENT
          ? COMPLAINTS[random.nextInt(COMPLAINTS.length)] : item.required() ? "无" : null;
    };
  }

  /**
   * Now and then a customer complains, so that a fresh demo opens cases for the demo dealer (the cases page and the
   * dealer portal have something to show); the rest say "无", which opens nothing.
   */
  static final int COMPLAINT_PERCENT = 8;
  private static final String[] COMPLAINTS = {
      "保养等了三个多小时，没人告诉进度", "洗车没洗干净，车内还有脚印", "结算时多收了一项费用，解释不清楚",
      "预约好的时间到店还要排队", "维修后异响还在，需要再跑一趟"};
}
