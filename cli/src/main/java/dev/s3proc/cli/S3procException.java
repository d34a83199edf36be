package dev.s3proc.cli;

/**
 * The one domain exception: a plain sentence for the user and the exit code it maps to. The
 * execution-exception handler is the only place that prints it.
 */
public class S3procException extends RuntimeException {
  private final int exitCode;

  public S3procException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public S3procException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static S3procException runtime(String message) {
    return new S3procException(ExitCode.RUNTIME, message);
  }

  public static S3procException usage(String message) {
    return new S3procException(ExitCode.USAGE, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
