package io.huifang.qa;

/**
 * A QA request that cannot be done as asked, other than bad input ({@link io.huifang.core.Invalid}): 403 (not
 * yours), 404 (no such thing, or not visible to you), 409 (the state does not allow it). Answered as
 * {@code {"error": code, "message": …}}.
 */
public final class QaProblem extends RuntimeException {
  private final int status;
  private final String code;

  public QaProblem(int status, String code, String message) {
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

  static QaProblem notFound(String what) {
    return new QaProblem(404, "not_found", "no such " + what);
  }

  static QaProblem forbidden(String why) {
    return new QaProblem(403, "forbidden", why);
  }

  static QaProblem conflict(String code, String why) {
    return new QaProblem(409, code, why);
  }
}
