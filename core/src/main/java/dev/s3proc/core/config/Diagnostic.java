package dev.s3proc.core.config;

/**
 * One problem found in a pipeline file: where it is, which rule or queue it concerns, and what to
 * do about it.
 *
 * @param subject the rule, queue or bucket at fault, e.g. {@code rule process-images-jpg}; may be
 *     null for file-level problems
 */
public record Diagnostic(
    Severity severity, String file, Position position, String subject, String message) {

  public enum Severity {
    ERROR,
    WARNING
  }

  public static Diagnostic error(String file, Position pos, String subject, String message) {
    return new Diagnostic(Severity.ERROR, file, pos, subject, message);
  }

  public static Diagnostic warning(String file, Position pos, String subject, String message) {
    return new Diagnostic(Severity.WARNING, file, pos, subject, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line:col: error: rule x: message}, the format compilers and editors understand. */
  public String format() {
    StringBuilder sb = new StringBuilder(file);
    if (position.line() > 0) {
      sb.append(':').append(position.line()).append(':').append(position.column());
    }
    sb.append(": ").append(severity == Severity.ERROR ? "error" : "warning").append(": ");
    if (subject != null) {
      sb.append(subject).append(": ");
    }
    return sb.append(message).toString();
  }
}
