package dev.s3proc.cli;

import dev.s3proc.cli.render.Renderer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Help.Ansi;

/**
 * Owns stdout, stderr, color and verbosity. Results go to stdout in the chosen format; progress,
 * hints and warnings go to stderr, so that piping stdout gives clean data.
 */
public final class Output {
  private final PrintWriter out;
  private final PrintWriter err;
  private final BufferedReader in;
  private final GlobalOptions options;
  private final Map<String, String> env;
  private final boolean terminal;

  public Output(
      PrintWriter out,
      PrintWriter err,
      BufferedReader in,
      GlobalOptions options,
      Map<String, String> env,
      boolean terminal) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.options = options;
    this.env = env;
    this.terminal = terminal;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /** Whether stdout is an interactive terminal (progress bars, colors and prompts need one). */
  public boolean terminal() {
    return terminal;
  }

  public boolean color() {
    return terminal && !options.noColor() && !env.containsKey("NO_COLOR");
  }

  public Ansi ansi() {
    return color() ? Ansi.ON : Ansi.OFF;
  }

  /** Applies picocli markup such as {@code @|bold,red text|@}, or strips it without color. */
  public String style(String markup) {
    return ansi().string(markup);
  }

  public GlobalOptions.Format format() {
    return options.output();
  }

  public boolean verbose() {
    return options.verbose();
  }

  public boolean quiet() {
    return options.quiet();
  }

  /** Prints a result record in the chosen output format. */
  public void result(Object result) {
    out.print(Renderer.render(result, options.output()));
    out.flush();
  }

  /**
   * A line of text for the human reader on stdout (table mode only; machine formats use result).
   */
  public void line(String markup) {
    out.println(style(markup));
    out.flush();
  }

  /** A hint or progress note on stderr; silenced by --quiet. */
  public void info(String markup) {
    if (!options.quiet()) {
      err.println(style(markup));
      err.flush();
    }
  }

  public void warn(String message) {
    if (!options.quiet()) {
      err.println(style("@|yellow warning:|@ ") + message);
      err.flush();
    }
  }

  public void verbose(String message) {
    if (options.verbose()) {
      err.println(style("@|faint " + escape(message) + "|@"));
      err.flush();
    }
  }

  /**
   * Asks a yes/no question on the terminal. Without a terminal it refuses, since nobody can answer:
   * the user passes --yes.
   */
  public boolean confirm(String question) {
    if (in == null) {
      throw S3procException.usage(
          "refusing to change anything without confirmation: no terminal to ask on; pass --yes to confirm");
    }
    err.print(style("@|bold " + escape(question) + "|@ [y/N] "));
    err.flush();
    try {
      String answer = in.readLine();
      return answer != null
          && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A progress bar (count, rate, ETA) on stderr when it is a terminal; null when piped or quiet, so
   * that nothing of it reaches a file or a script.
   */
  public me.tongfei.progressbar.ProgressBar progressBar(String task, long max, String unit) {
    if (!terminal || options.quiet()) {
      return null;
    }
    java.io.PrintStream stream =
        new java.io.PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                err.write(b); // the bar is ASCII (ProgressBarStyle.ASCII)
              }

              @Override
              public void flush() {
                err.flush();
              }
            },
            true);
    return new me.tongfei.progressbar.ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(Math.max(max, 1))
        .setUnit(unit, 1)
        .setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .showSpeed()
        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(stream))
        .build();
  }

  /** Escapes text so that picocli markup characters in data are printed as they are. */
  public static String escape(String text) {
    return text.replace("@|", "@ |").replace("|@", "| @");
  }
}
