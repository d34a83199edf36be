package dev.s3proc.cli;

/** The process exit codes, as DESIGN.md defines them; the only place they are numbered. */
public final class ExitCode {
  public static final int OK = 0;
  public static final int RUNTIME = 1;
  public static final int USAGE = 2;
  public static final int INVALID_CONFIG = 3;
  public static final int CHANGES_PENDING = 4;
  public static final int OVER_BUDGET = 5;

  private ExitCode() {}
}
