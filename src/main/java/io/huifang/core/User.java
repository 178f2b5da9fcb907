package io.huifang.core;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A person who logs in. Never carries the password hash out of the user store. */
public record User(long id, String username, String displayName, Role role, boolean active,
                   boolean mustChangePassword, OffsetDateTime createdAt, String softphone, Long dealerId) {

  /** A user who is not tied to a dealer (everyone but a dealer user). */
  public User(long id, String username, String displayName, Role role, boolean active, boolean mustChangePassword,
              OffsetDateTime createdAt, String softphone) {
    this(id, username, displayName, role, active, mustChangePassword, createdAt, softphone, null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("username", username)
        .put("displayName", displayName)
        .put("role", role.id())
        .put("active", active)
        .put("mustChangePassword", mustChangePassword)
        .put("createdAt", createdAt == null ? null : createdAt.toInstant().toString())
        .put("softphone", softphone)
        .put("dealerId", dealerId);
  }
}
