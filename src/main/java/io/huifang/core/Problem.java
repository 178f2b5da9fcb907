package io.huifang.core;

/**
 * A request that cannot be done as asked, other than bad input ({@link Invalid}): 403 (not yours), 404 (no such
 * thing, or not visible to you), 409 (the state does not allow it). Any module's service throws it; the web layer
 * answers {@code {"error": code, "message": …}} with its status ({@code web.Api.fail}).
 */
public final class Problem extends RuntimeException {
  private final int status;
  private final String code;

  public Problem(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static Problem notFound(String what) {
    return new Problem(404, "not_found", "no such " + what);
  }

  public static Problem forbidden(String why) {
    return new Problem(403, "forbidden", why);
  }

  public static Problem conflict(String code, String why) {
    return new Problem(409, code, why);
  }
}
