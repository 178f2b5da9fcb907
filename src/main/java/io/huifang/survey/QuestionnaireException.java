package io.huifang.survey;

/**
 * A questionnaire definition that cannot be used. {@link #path()} names the exact place in the JSON
 * ({@code sections[1].items[3].type}); the message is {@code path: problem}.
 */
public final class QuestionnaireException extends RuntimeException {
  private final String path;
  private final String problem;
  private final String chinese;

  public QuestionnaireException(String path, String problem, String chinese) {
    super(path.isEmpty() ? problem : path + ": " + problem, null, false, false);
    this.path = path;
    this.problem = problem;
    this.chinese = chinese;
  }

  /** Where in the definition, e.g. {@code sections[1].items[3].type}; empty for the document itself. */
  public String path() {
    return path;
  }

  /** The problem in English, without the path. */
  public String problem() {
    return problem;
  }

  /** The whole message in Chinese: {@code path: 问题}. */
  public String chinese() {
    return path.isEmpty() ? chinese : path + ": " + chinese;
  }
}
