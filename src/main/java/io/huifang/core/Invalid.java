package io.huifang.core;


/** Bad input, naming the field, in both languages of the pages; the web layer answers it with a 400 naming the field. */
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

}
