package io.huifang.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a user does here; every API route names the roles it serves. */
public enum Role {
  AGENT, QA, SUPERVISOR, ADMIN;

  public static final Set<Role> ALL = EnumSet.allOf(Role.class);

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
