package io.huifang.casework;

import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.huifang.web.Push;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Notifications inside the product (the bell): one row per recipient in {@code notification}, pushed at once to the
 * recipient's open pages ({@code {"type":"notification","unread":N,"item":{…}}}). Casework's classes address them
 * by user, by role, or to every user of a dealer.
 */
public final class Notifications {
  /** The staff: supervisors and admins see and do everything in casework. */
  public static final Set<Role> STAFF = Set.of(Role.SUPERVISOR, Role.ADMIN);

  /** What a notification says: its kind ({@code case.opened} …), the text in both languages and a page link. */
  public record Note(String kind, String zh, String en, String link) {
  }

  private final Vertx vertx;
  private final Pool pool;

  public Notifications(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/notifications", Role.EVERYONE, this::list);
    api.route(HttpMethod.POST, "/notifications/read", Role.EVERYONE, this::read);
  }

  /** To these users (active ones); the number written. */
  public Future<Integer> toUsers(Collection<Long> userIds, Note n) {
    return insert("u.id = any($5)", Tuple.of(n.kind(), n.zh(), n.en(), n.link())
        .addArrayOfLong(userIds.toArray(new Long[0])));
  }

  /** To every active user holding one of the roles (dealer users included when DEALER is named). */
  public Future<Integer> toRoles(Set<Role> roles, Note n) {
    return insert("u.role = any($5)", Tuple.of(n.kind(), n.zh(), n.en(), n.link())
        .addArrayOfString(roles.stream().map(Role::id).toArray(String[]::new)));
  }

  /** To the staff (supervisors and admins). */
  public Future<Integer> toStaff(Note n) {
    return toRoles(STAFF, n);
  }

  /** To every active user of the dealer (app_user.dealer_id). */
  public Future<Integer> toDealer(long dealerId, Note n) {
    return insert("u.dealer_id = $5", Tuple.of(n.kind(), n.zh(), n.en(), n.link()).addLong(dealerId));
  }

  private Future<Integer> insert(String who, Tuple args) {
    return pool.preparedQuery("insert into notification (user_id, kind, text_zh, text_en, link)"
            + " select u.id, $1, $2, $3, $4 from app_user u where u.active and " + who
            + " returning id, user_id, kind, text_zh, text_en, link, created_at, read_at")
        .execute(args)
        .compose(rs -> {
          List<Row> rows = new ArrayList<>();
          rs.forEach(rows::add);
          if (rows.isEmpty()) {
            return Future.succeededFuture(0);
          }
          Long[] users = rows.stream().map(r -> r.getLong("user_id")).distinct().toArray(Long[]::new);
          return unread(users).map(counts -> {
            for (Row r : rows) {
              long user = r.getLong("user_id");
              Push.toUser(vertx.eventBus(), user, new JsonObject().put("type", "notification")
                  .put("unread", counts.getOrDefault(user, 0)).put("item", item(r)));
            }
            return rows.size();
          });
        });
  }

  private Future<Map<Long, Integer>> unread(Long[] users) {
    return pool.preparedQuery("select user_id, count(*) as n from notification where read_at is null"
            + " and user_id = any($1) group by user_id")
        .execute(Tuple.of(users)).map(rs -> {
          Map<Long, Integer> out = new HashMap<>();
          rs.forEach(r -> out.put(r.getLong("user_id"), r.getLong("n").intValue()));
          return out;
        });
  }

  private static JsonObject item(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind"))
        .put("text", new JsonObject().put("zh", r.getString("text_zh")).put("en", r.getString("text_en")))
        .put("link", r.getString("link"))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("readAt", r.getOffsetDateTime("read_at") == null ? null
            : r.getOffsetDateTime("read_at").toInstant().toString());
  }

  /** GET /api/notifications?unread=true&limit=: the user's newest first, with the unread count. */
  private void list(RoutingContext ctx) {
    User u = Api.user(ctx);
    String unreadParam = ctx.request().getParam("unread");
    if (unreadParam != null && !unreadParam.equals("true") && !unreadParam.equals("false")) {
      Api.invalid(ctx, "unread", "unread must be true or false", "unread 必须是 true 或 false");
      return;
    }
    Integer limit = Limits.param(ctx, "limit", 50, 1, 200);
    if (limit == null) {
      return;
    }
    boolean onlyUnread = "true".equals(unreadParam);
    pool.preparedQuery("select id, user_id, kind, text_zh, text_en, link, created_at, read_at from notification"
            + " where user_id = $1 and (not $2 or read_at is null) order by id desc limit $3")
        .execute(Tuple.of(u.id(), onlyUnread, limit))
        .compose(rs -> {
          JsonArray items = new JsonArray();
          rs.forEach(r -> items.add(item(r)));
          return unread(new Long[] {u.id()}).map(c -> new JsonObject().put("items", items)
              .put("unread", c.getOrDefault(u.id(), 0)));
        })
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(body -> Api.json(ctx, 200, body));
  }

  /** POST /api/notifications/read {"ids":[…]} or {"all":true}: marks the user's own as read. */
  private void read(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    User u = Api.user(ctx);
    boolean all = Boolean.TRUE.equals(b.getValue("all"));
    Long[] ids;
    if (all) {
      ids = new Long[0];
    } else if (b.getValue("ids") instanceof JsonArray a && a.size() <= 1000
        && a.stream().allMatch(x -> x instanceof Number)) {
      ids = a.stream().map(x -> ((Number) x).longValue()).toArray(Long[]::new);
    } else {
      Api.invalid(ctx, "ids", "ids must be a list of at most 1000 notification ids, or send {\"all\":true}",
          "ids 必须是通知编号列表（最多 1000 个），或发送 {\"all\":true}");
      return;
    }
    pool.preparedQuery("update notification set read_at = now() where user_id = $1 and read_at is null"
            + " and ($2 or id = any($3))")
        .execute(Tuple.of(u.id(), all, ids))
        .compose(rs -> unread(new Long[] {u.id()}).map(c -> {
          int unread = c.getOrDefault(u.id(), 0);
          Push.toUser(vertx.eventBus(), u.id(), new JsonObject().put("type", "notification").put("unread", unread)
              .putNull("item"));
          return new JsonObject().put("marked", rs.rowCount()).put("unread", unread);
        }))
        .onFailure(e -> Api.fail(ctx, e)).onSuccess(body -> Api.json(ctx, 200, body));
  }
}
