package dev.s3proc.cli.testing;

import dev.s3proc.cli.CliFactory;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs s3proc in-process through the same {@link CliFactory} as {@code main}, with colors off,
 * capturing stdout and stderr.
 */
public final class Cli {
  public record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> env = new HashMap<>();
  private String stdin;

  public Cli() {
    env.put("PATH", System.getenv("PATH"));
  }

  public Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Text typed at the prompt; without it there is no terminal to ask on. */
  public Cli stdin(String text) {
    this.stdin = text;
    return this;
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    BufferedReader in = stdin == null ? null : new BufferedReader(new StringReader(stdin));
    int code =
        CliFactory.execute(
            new CliFactory.Io(
                new PrintWriter(out, true), new PrintWriter(err, true), in, Map.copyOf(env), false),
            args);
    return new Result(code, out.toString(), err.toString());
  }
}
