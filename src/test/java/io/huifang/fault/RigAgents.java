package io.huifang.fault;

import io.huifang.survey.Questionnaire;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.Invariants;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agents at their desks, over HTTP as the agent page is: each one opens a line and goes ready for the campaign
 * (again whenever the server has none for them, as after a restart: the page signs in again and opens it), saves
 * an answer as soon as a customer is on screen (what must never be lost), and submits the survey when the call has
 * ended — mostly a success with every required item, sometimes "someone else answered". A restored call whose end
 * the server did not see (adopted after a crash) is submitted after {@code submitAfterMillis} on screen. Errors
 * while the server is away are ignored: the next round tries again.
 */
final class RigAgents implements AutoCloseable {
  /** One agent and what it has seen. */
  private static final class Agent {
    final String name;
    final long id;
    final Http http;
    String onScreen;
    long onScreenSince;

    Agent(String name, long id, Http http) {
      this.name = name;
      this.id = id;
      this.http = http;
    }
  }

  private final FaultRig rig;
  /** The campaign the agents go ready for; null: every campaign of their skills. */
  private final Long campaign;
  private final long submitAfterMillis;
  private final List<Agent> agents = new ArrayList<>();
  /** The answers each agent saved during a call, by attempt: the survey must keep them. */
  private final Map<String, JsonObject> saved = new ConcurrentHashMap<>();
  private final AtomicLong submitted = new AtomicLong();
  private final Random random = new Random(7);
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rig-agents");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean working = true;

  RigAgents(FaultRig rig, Http admin, long campaign, int count, long submitAfterMillis) {
    this(rig, admin, campaign, List.of(), "agent", count, submitAfterMillis);
  }

  /**
   * {@code count} agents named {@code prefix}1…, skilled for {@code skills} (none listed: every campaign), who go
   * ready for {@code campaign} (null: for every campaign of their skills, the shared pool's way).
   */
  RigAgents(FaultRig rig, Http admin, Long campaign, List<Long> skills, String prefix, int count,
            long submitAfterMillis) {
    this.rig = rig;
    this.campaign = campaign;
    this.submitAfterMillis = submitAfterMillis;
    for (int i = 1; i <= count; i++) {
      String name = prefix + i;
      String password = name + "-password-1";
      Http.Response created = admin.send("POST", "/api/users", new JsonObject().put("username", name)
          .put("displayName", "坐席" + i).put("role", "agent").put("password", password).encode());
      if (created.status() != 201) {
        throw new IllegalStateException("agent not created: " + created);
      }
      long id = created.json().getJsonObject("user").getLong("id");
      // The emulator's softphones: PJSIP/agent-<id> answers at once and stays up.
      Http.Response phone = admin.send("PATCH", "/api/users/" + id, new JsonObject()
          .put("softphone", "PJSIP/agent-" + id).encode());
      if (phone.status() != 200) {
        throw new IllegalStateException("softphone not set: " + phone);
      }
      if (!skills.isEmpty()) {
        Http.Response skilled = admin.send("PUT", "/api/agents/" + id + "/skills", new JsonObject()
            .put("campaignIds", new io.vertx.core.json.JsonArray(new ArrayList<>(skills))).encode());
        if (skilled.status() != 200) {
          throw new IllegalStateException("skills not set: " + skilled);
        }
      }
      Http h = rig.http();
      if (h.firstLogin(name, password).status() != 200) {
        throw new IllegalStateException("agent cannot sign in: " + name);
      }
      agents.add(new Agent(name, id, h));
    }
  }

  void start() {
    loop.scheduleWithFixedDelay(() -> {
      for (Agent a : agents) {
        try {
          step(a);
        } catch (RuntimeException serverAway) {
          // the server is down or restarting: try again next round
        }
      }
    }, 0, 300, TimeUnit.MILLISECONDS);
  }

  /** No more customers: every agent pauses (after the current call). */
  void stopWorking() {
    working = false;
    for (Agent a : agents) {
      try {
        a.http.send("PUT", "/api/agent/ready", new JsonObject().put("ready", false).encode());
      } catch (RuntimeException ignored) {
        // the loop pauses them too
      }
    }
  }

  private void step(Agent a) {
    JsonObject desk = a.http.get("/api/agent/desk").json();
    String state = desk.getJsonObject("agent", new JsonObject()).getString("state", "logged_out");
    JsonObject call = desk.getJsonObject("call");
    if (call != null && !call.getBoolean("submitted", false)) {
      work(a, call);
    }
    if (working && ("logged_out".equals(state) || "none".equals(state))) {
      a.http.send("POST", "/api/agent/line", null);
      a.http.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true).put("campaignId", campaign).encode());
    } else if (working && "paused".equals(state)) {
      a.http.send("PUT", "/api/agent/ready", new JsonObject().put("ready", true).put("campaignId", campaign).encode());
    } else if (!working && "ready".equals(state)) {
      a.http.send("PUT", "/api/agent/ready", new JsonObject().put("ready", false).encode());
    }
  }

  private void work(Agent a, JsonObject call) {
    String attempt = call.getString("attemptId");
    long now = System.currentTimeMillis();
    if (!attempt.equals(a.onScreen)) {
      a.onScreen = attempt;
      a.onScreenSince = now;
    }
    boolean callUp = call.getBoolean("callUp", false);
    if (callUp && !saved.containsKey(attempt) && call.getJsonObject("answers", new JsonObject()).isEmpty()) {
      JsonObject answers = new JsonObject().put("owner", true);
      Http.Response r = a.http.send("PUT", "/api/agent/calls/" + attempt + "/answers",
          new JsonObject().put("answers", answers).encode());
      if (r.status() == 200) {
        saved.put(attempt, answers);
      }
      return;
    }
    if (!callUp || now - a.onScreenSince > submitAfterMillis) {
      submit(a.http, attempt, call);
    }
  }

  private void submit(Http h, String attempt, JsonObject call) {
    JsonObject body;
    synchronized (random) {
      body = random.nextInt(10) == 0 ? new JsonObject().put("disposition", "not_present")
          : new JsonObject().put("disposition", "success").put("answers", fullAnswers(call));
    }
    Http.Response r = h.send("POST", "/api/agent/calls/" + attempt + "/submit", body.encode());
    if (r.status() == 200) {
      submitted.incrementAndGet();
    }
  }

  /** Every item the skip rules show, answered as a mostly satisfied customer would. */
  private JsonObject fullAnswers(JsonObject call) {
    JsonObject def = call.getJsonObject("questionnaire", new JsonObject()).getJsonObject("definition");
    JsonObject answers = new JsonObject();
    if (def == null) {
      return answers;
    }
    for (Questionnaire.Item item : Questionnaire.parse(def).items()) {
      if (item.showIf() != null && !item.showIf().matches(answers.getValue(item.showIf().item()))) {
        continue;
      }
      Object v = switch (item.type()) {
        case SCALE10 -> 6 + random.nextInt(5);
        case LOYALTY -> "surely";
        case YESNO -> true;
        case CHOICE -> item.options().isEmpty() ? null : item.options().get(0).id();
        case TEXT -> item.required() ? "无" : null;
      };
      if (v != null) {
        answers.put(item.id(), v);
      }
    }
    return answers;
  }

  /**
   * After the calls have ended: every agent submits every draft still open (the screens a crash left, including
   * ones a newer call took the place of). Answers how many were submitted.
   */
  int submitLeftDrafts() {
    int n = 0;
    for (Agent a : agents) {
      for (var row : rig.pool().preparedQuery("select attempt_id from survey_response where agent_id = $1"
          + " and status = 'draft'").execute(io.vertx.sqlclient.Tuple.of(a.id)).await()) {
        String attempt = row.getString(0);
        Http.Response r = a.http.send("POST", "/api/agent/calls/" + attempt + "/submit",
            new JsonObject().put("disposition", "not_present").encode());
        if (r.status() == 200) {
          n++;
          submitted.incrementAndGet();
        }
      }
    }
    return n;
  }

  /** Saved answers missing from their surveys or stored otherwise ({@link Invariants#answersNotAsSent}). */
  long answersLost() {
    return Invariants.answersNotAsSent(rig.pool(), saved).size();
  }

  int answersSaved() {
    return saved.size();
  }

  long submitted() {
    return submitted.get();
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
