package dev.s3proc.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.fusesource.jansi.AnsiConsole;

/** The {@code s3proc} entry point. */
public final class S3proc {
  private S3proc() {}

  public static void main(String[] args) {
    boolean terminal = System.console() != null;
    if (terminal) {
      AnsiConsole.systemInstall();
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    BufferedReader in =
        terminal
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : null;
    int code = CliFactory.execute(new CliFactory.Io(out, err, in, System.getenv(), terminal), args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
