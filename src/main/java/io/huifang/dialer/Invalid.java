package io.huifang.dialer;

import io.huifang.http.Api;
import io.vertx.ext.web.RoutingContext;

/** Bad input, naming the field, in both languages of the pages; becomes a 400 through {@link #answer}. */
public final class Invalid extends RuntimeException {
  private final String field;
  private final String chinese;

  public Invalid(String field, String english, String chinese) {
    super(english, null, false, false);
    this.field = field;
    this.chinese = chinese;
  }

  public String field() {
    return field;
  }

  public String english() {
    return getMessage();
  }

  public String chinese() {
    return chinese;
  }

  public void answer(RoutingContext ctx) {
    Api.invalid(ctx, field, english(), chinese);
  }
}
