package io.huifang.campaign.rules;

import io.huifang.auth.AuditLog;
import io.huifang.campaign.list.ChinaPhone;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.web.Api;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;

/**
 * The do-not-call list (免打扰名单) over HTTP: supervisors and admins search it, admins add a number with the reason in
 * words and take one off; both changes go to the audit log with the entry as it was.
 */
public final class DoNotCallRoutes {
  static final int MAX_NOTE = 200;

  private final DoNotCallStore store;
  private final AuditLog audit;

  public DoNotCallRoutes(DoNotCallStore store, AuditLog audit) {
    this.store = store;
    this.audit = audit;
  }

  public void register(Api api) {
    api.route(HttpMethod.GET, "/dnc", EnumSet.of(Role.SUPERVISOR, Role.ADMIN), this::search);
    api.route(HttpMethod.POST, "/dnc", EnumSet.of(Role.ADMIN), this::add);
    api.route(HttpMethod.DELETE, "/dnc/:phone", EnumSet.of(Role.ADMIN), this::remove);
  }

  private void search(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    String digits = q == null ? "" : q.replaceAll("[\\s\\-+()]", "");
    if (digits.length() > 20 || !digits.matches("\\d*")) {
      Api.invalid(ctx, "q", "search by the digits of the number (at most 20)", "按号码数字查找（最多 20 位）");
      return;
    }
    Paging p = Paging.of(ctx);
    if (p == null) {
      return;
    }
    store.search(digits, p.limit(), p.offset()).onFailure(ctx::fail).onSuccess(page -> Api.json(ctx, 200,
        page.put("limit", p.limit()).put("offset", p.offset())));
  }

  private void add(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    if (b == null) {
      return;
    }
    ChinaPhone.Result phone = ChinaPhone.normalise(b.getValue("phone") instanceof String s ? s : null);
    if (!phone.ok()) {
      Api.invalid(ctx, "phone", phone.english(), phone.chinese());
      return;
    }
    String note = b.getValue("reason") instanceof String s ? s.strip() : "";
    if (note.isEmpty() || note.length() > MAX_NOTE) {
      Api.invalid(ctx, "reason", "say why the number may not be called (at most " + MAX_NOTE + " characters)",
          "请填写不可拨打的原因（最多 " + MAX_NOTE + " 个字符）");
      return;
    }
    User admin = Api.user(ctx);
    store.add(phone.phone(), note, admin.id(), admin.username()).onFailure(ctx::fail).onSuccess(added -> {
      if (added.isEmpty()) {
        store.get(phone.phone()).onFailure(ctx::fail).onSuccess(existing -> Api.json(ctx, 409, new JsonObject()
            .put("error", "already_listed").put("field", "phone")
            .put("message", Api.prefersChinese(ctx) ? "该号码已在免打扰名单中" : "the number is on the list already")
            .put("entry", existing.orElse(null))));
        return;
      }
      audit.record(admin, admin.username(), "dnc.add", phone.phone(), "ok", Api.clientIp(ctx),
              new JsonObject().put("reason", note))
          .onFailure(ctx::fail).onSuccess(v -> Api.json(ctx, 201, new JsonObject().put("entry", added.get())));
    });
  }

  private void remove(RoutingContext ctx) {
    String phone = ctx.pathParam("phone");
    if (phone == null || !phone.matches("\\d{5,20}")) {
      Api.invalid(ctx, "phone", "the number as listed (digits only)", "请使用名单中的号码（仅数字）");
      return;
    }
    User admin = Api.user(ctx);
    store.remove(phone).onFailure(ctx::fail).onSuccess(gone -> {
      if (gone.isEmpty()) {
        Api.error(ctx, 404, "not_found", "the number " + phone + " is not on the do-not-call list");
        return;
      }
      // The entry as it was (why it was listed, by whom): after the delete, the audit log is where it is kept.
      audit.record(admin, admin.username(), "dnc.remove", phone, "ok", Api.clientIp(ctx), gone.get())
          .onFailure(ctx::fail).onSuccess(v -> ctx.response().setStatusCode(204).end());
    });
  }
}
