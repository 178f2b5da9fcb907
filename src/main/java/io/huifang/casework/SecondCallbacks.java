package io.huifang.casework;

import io.huifang.campaign.FollowUps;
import io.huifang.desk.DeskEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second callbacks (二次回访) on behalf of casework's owners: {@link #create} asks campaign ({@link FollowUps}) for a
 * task in the second-callback campaign and records it in {@code case_callback} with its purpose and the object it
 * verifies ({@code "case"} 12, {@code "appeal"} 7). When the task's survey is submitted with group success, the
 * {@code verdict} answer ({@code qualified | unqualified | untrue}) goes to the handler registered for the purpose
 * ({@link #onResult}), once per callback (a redelivered event finds it answered).
 */
public final class SecondCallbacks {
  private static final Logger log = LoggerFactory.getLogger(SecondCallbacks.class);

  /** What a callback's answered survey means to its owner. */
  @FunctionalInterface
  public interface ResultHandler {
    /**
     * The callback of {@code refId} was answered: {@code verdict} is qualified, unqualified or untrue;
     * {@code answers} the whole verification survey (resolved, satisfied, verdict, remark).
     */
    Future<Void> handle(long refId, String verdict, String attemptId, JsonObject answers);
  }

  /** A callback as recorded: its task and where it stands ({@code calling}, {@code answered}, {@code overdue}). */
  public record Callback(long id, String purpose, long refId, long campaignId, long customerId, long taskId,
                         Instant deadline, String status, String verdict, String attemptId, Instant createdAt,
                         Instant answeredAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("purpose", purpose).put("refId", refId).put("campaignId", campaignId)
          .put("taskId", taskId).put("deadline", deadline.toString()).put("status", status).put("verdict", verdict)
          .put("attemptId", attemptId).put("createdAt", createdAt.toString())
          .put("answeredAt", answeredAt == null ? null : answeredAt.toString());
    }
  }

  /** A callback that passed its deadline unanswered (the task's own deadline: it is no longer dialled). */
  public record Overdue(long id, String purpose, long refId) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final FollowUps followUps;
  private final Map<String, ResultHandler> handlers = new ConcurrentHashMap<>();
  private final Map<String, java.util.function.Consumer<Overdue>> overdueHandlers = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;

  public SecondCallbacks(Vertx vertx, Pool pool, FollowUps followUps) {
    this.vertx = vertx;
    this.pool = pool;
    this.followUps = followUps;
  }

  /** The owner of a purpose ("case", "appeal") hears its callbacks' verdicts here; one handler per purpose. */
  public void onResult(String purpose, ResultHandler h) {
    handlers.put(purpose, h);
  }

  /** The owner of a purpose hears here of its callbacks that passed their deadline unanswered (once each). */
  public void onOverdue(String purpose, java.util.function.Consumer<Overdue> h) {
    overdueHandlers.put(purpose, h);
  }

  /** {@link #markOverdue} and hands each to the owner of its purpose; how many. */
  public Future<Integer> flagOverdue(Instant now) {
    return markOverdue(now).map(list -> {
      for (Overdue o : list) {
        java.util.function.Consumer<Overdue> h = overdueHandlers.get(o.purpose());
        if (h != null) {
          h.accept(o);
        }
      }
      return list.size();
    });
  }

  /** Starts listening to submitted surveys. */
  public void start() {
    // Once per cluster: on the node where the survey was submitted (docs/cluster.md).
    consumer = vertx.eventBus().localConsumer(DeskEvents.SURVEY_SUBMITTED, m -> submitted(m.body()));
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * A second callback about {@code refId} of {@code purpose}, to the source customer (copied into the second-call
   * campaign), due by {@code deadline}; {@code context} is what the agent's screen shows
   * ({@code {"title":{"zh","en"},"lines":[…]}}).
   */
  public Future<Callback> create(String purpose, long refId, long sourceCustomerId, JsonObject context,
                                 Instant deadline) {
    return followUps.add(sourceCustomerId, purpose, context, deadline)
        .compose(f -> pool.preparedQuery("insert into case_callback (purpose, ref_id, campaign_id, customer_id,"
                + " task_id, deadline) values ($1, $2, $3, $4, $5, $6) returning *")
            .execute(Tuple.of(purpose, refId, f.campaignId(), f.customerId(), f.taskId(),
                deadline.atOffset(ZoneOffset.UTC))))
        .map(rs -> callback(rs.iterator().next()));
  }

  /** The callbacks of one object, oldest first. */
  public Future<List<Callback>> of(String purpose, long refId) {
    return pool.preparedQuery("select * from case_callback where purpose = $1 and ref_id = $2 order by id")
        .execute(Tuple.of(purpose, refId)).map(rs -> {
          List<Callback> out = new ArrayList<>();
          rs.forEach(r -> out.add(callback(r)));
          return out;
        });
  }

  /**
   * Marks the callbacks still calling whose deadline has passed as {@code overdue} (the scheduler no longer dials
   * them); those marked now, for their owners to flag and notify.
   */
  public Future<List<Overdue>> markOverdue(Instant now) {
    return pool.preparedQuery("update case_callback set status = 'overdue' where status = 'calling'"
            + " and deadline <= $1 returning id, purpose, ref_id")
        .execute(Tuple.of(now.atOffset(ZoneOffset.UTC))).map(rs -> {
          List<Overdue> out = new ArrayList<>();
          rs.forEach(r -> out.add(new Overdue(r.getLong("id"), r.getString("purpose"), r.getLong("ref_id"))));
          return out;
        });
  }

  static Callback callback(Row r) {
    return new Callback(r.getLong("id"), r.getString("purpose"), r.getLong("ref_id"), r.getLong("campaign_id"),
        r.getLong("customer_id"), r.getLong("task_id"), r.getOffsetDateTime("deadline").toInstant(),
        r.getString("status"), r.getString("verdict"), r.getString("attempt_id"),
        r.getOffsetDateTime("created_at").toInstant(),
        r.getOffsetDateTime("answered_at") == null ? null : r.getOffsetDateTime("answered_at").toInstant());
  }

  /** A survey was submitted: if it answers one of our callbacks (group success), its verdict goes to the owner. */
  private void submitted(JsonObject e) {
    Long taskId = e.getLong("taskId");
    String attemptId = e.getString("attemptId");
    if (taskId == null || attemptId == null || !"success".equals(e.getString("group"))) {
      return;
    }
    answer(taskId, attemptId).onFailure(x -> log.atError().setMessage("second callback result not recorded")
        .addKeyValue("task", taskId).addKeyValue("attempt", attemptId).addKeyValue("error", String.valueOf(x)).log());
  }

  /**
   * Records the answer on the callback of the task (once: a callback already answered by this or another attempt is
   * left alone) and hands the verdict to the owner.
   */
  Future<Void> answer(long taskId, String attemptId) {
    return pool.preparedQuery("update case_callback c set status = 'answered', verdict = s.answers ->> 'verdict',"
            + " attempt_id = s.attempt_id, answers = s.answers, answered_at = now() from survey_response s"
            + " where c.task_id = $1 and c.attempt_id is null and s.attempt_id = $2 and s.status = 'submitted'"
            + " and s.answers ->> 'verdict' in ('qualified', 'unqualified', 'untrue')"
            + " returning c.*")
        .execute(Tuple.of(taskId, attemptId)).compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture(); // not a callback of ours, or already answered
          }
          Row r = rs.iterator().next();
          Callback c = callback(r);
          JsonObject answers = r.getValue("answers") instanceof JsonObject a ? a : new JsonObject();
          ResultHandler h = handlers.get(c.purpose());
          if (h == null) {
            log.atWarn().setMessage("second callback answered, nobody handles its purpose")
                .addKeyValue("purpose", c.purpose()).addKeyValue("ref", c.refId()).log();
            return Future.succeededFuture();
          }
          log.atInfo().setMessage("second callback answered").addKeyValue("purpose", c.purpose())
              .addKeyValue("ref", c.refId()).addKeyValue("verdict", c.verdict()).log();
          return h.handle(c.refId(), c.verdict(), attemptId, answers);
        });
  }
}
