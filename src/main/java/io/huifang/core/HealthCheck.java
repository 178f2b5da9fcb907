package io.huifang.core;

import io.vertx.core.json.JsonObject;

/** One component's health as /health reports it. */
public record HealthCheck(boolean up, String detail) {
  public static HealthCheck up(String detail) {
    return new HealthCheck(true, detail);
  }

  public static HealthCheck down(String detail) {
    return new HealthCheck(false, detail);
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", up ? "UP" : "DOWN").put("detail", detail);
  }
}
