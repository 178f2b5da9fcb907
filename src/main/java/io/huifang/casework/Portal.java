package io.huifang.casework;

import io.huifang.auth.AuditLog;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;

/**
 * Who sees what of casework: the staff (supervisor, admin) everything; a dealer user only its own dealer's objects,
 * every view audited ({@code casework.view}), another dealer's object refused 403 {@code other_dealer} and audited
 * ({@code casework.denied}). Customer phones are masked for dealer users.
 */
final class Portal {
  static final EnumSet<Role> STAFF = EnumSet.of(Role.SUPERVISOR, Role.ADMIN);
  static final EnumSet<Role> STAFF_AND_DEALER = EnumSet.of(Role.SUPERVISOR, Role.ADMIN, Role.DEALER);

  private final AuditLog audit;

  Portal(AuditLog audit) {
    this.audit = audit;
  }

  static boolean dealer(User u) {
    return u.role() == Role.DEALER;
  }

  /**
   * Succeeds when {@code u} may act on an object of {@code dealerId} (staff always; a dealer user on its own dealer's
   * only, the view then audited); else fails 403 {@code other_dealer}, the attempt audited.
   */
  Future<Void> own(User u, long dealerId, String subject, String ip) {
    if (!dealer(u)) {
      return Future.succeededFuture();
    }
    if (u.dealerId() == null || u.dealerId() != dealerId) {
      return audit.record(u, u.username(), "casework.denied", subject, "denied", ip,
              new JsonObject().put("dealerId", dealerId).put("userDealerId", u.dealerId()))
          .transform(ar -> Future.failedFuture(new Problem(403, "other_dealer",
              "a dealer user sees its own dealer's casework only")));
    }
    return viewed(u, subject, ip);
  }

  /** Audits a dealer user's view ({@code casework.view}); nothing for the staff. */
  Future<Void> viewed(User u, String subject, String ip) {
    return dealer(u) ? audit.record(u, u.username(), "casework.view", subject, "ok", ip, null)
        : Future.succeededFuture();
  }

  /**
   * The dealer a list is restricted to: a dealer user's own (asking for another is refused as {@link #own}), else the
   * asked one (null: all).
   */
  Future<Long> scope(User u, Long asked, String subject, String ip) {
    if (!dealer(u)) {
      return Future.succeededFuture(asked);
    }
    if (u.dealerId() == null) {
      return own(u, asked == null ? -1 : asked, subject, ip).map(v -> null);
    }
    long d = asked == null ? u.dealerId() : asked;
    return own(u, d, subject, ip).map(d);
  }

  /** {@code 13812345678} → {@code 138****5678}: enough for the dealer to recognise, not to dial. */
  static String mask(String phone) {
    if (phone == null) {
      return null;
    }
    String p = phone.strip();
    if (p.length() <= 4) {
      return "****";
    }
    if (p.length() < 8) {
      return "****" + p.substring(p.length() - 2);
    }
    return p.substring(0, 3) + "****" + p.substring(p.length() - 4);
  }
}
