package dev.s3proc.handlers.runtime;

/**
 * A file that will never process, however often it is retried: corrupt, empty, unsupported, too
 * large, a type that does not match its name. Recorded FAILED with the reason, sent to the DLQ at
 * once, never retried.
 */
public class PermanentFailure extends Exception {
  private final String type;

  public PermanentFailure(String type, String message) {
    super(message);
    this.type = type;
  }

  public PermanentFailure(String type, String message, Throwable cause) {
    super(message, cause);
    this.type = type;
  }

  /** A short machine-readable reason: CORRUPT, EMPTY, UNSUPPORTED, TOO_LARGE, TYPE_MISMATCH, ... */
  public String type() {
    return type;
  }

  public static PermanentFailure empty() {
    return new PermanentFailure("EMPTY", "the object is empty (0 bytes)");
  }

  public static PermanentFailure tooLarge(long size, long limit) {
    return new PermanentFailure(
        "TOO_LARGE", "the object is " + size + " bytes, over the limit of " + limit);
  }
}
