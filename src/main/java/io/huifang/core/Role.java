package io.huifang.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a user does here; every API route names the roles it serves. */
public enum Role {
  AGENT, QA, SUPERVISOR, ADMIN,
  /**
   * A dealer (网点), outside the call centre: reads its own dealer's approved reports and nothing else. Not in
   * {@link #ALL}, so no route made for "everyone in the centre" lets it in by accident.
   */
  DEALER;

  /** Everyone working in the call centre (the dealer is not). */
  public static final Set<Role> ALL = EnumSet.of(AGENT, QA, SUPERVISOR, ADMIN);

  /** Every signed-in user, dealers included: only for the session itself (who am I, sign out, password). */
  public static final Set<Role> EVERYONE = EnumSet.allOf(Role.class);

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    for (Role r : values()) {
      if (r.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
