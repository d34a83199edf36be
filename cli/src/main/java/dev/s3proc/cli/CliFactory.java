package dev.s3proc.cli;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.local.LocalState;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Builds the one {@link CommandLine}: commands get their {@link Context} through the constructor,
 * and exceptions become one line on stderr and an exit code here and nowhere else. {@code main} and
 * every test go through it.
 */
public final class CliFactory {
  private CliFactory() {}

  /** Where the CLI reads and writes, and what it knows of its environment. */
  public record Io(
      PrintWriter out,
      PrintWriter err,
      BufferedReader in,
      Map<String, String> env,
      boolean terminal) {}

  /** Every command: for completions, man pages and anything that walks the whole tree. */
  public static CommandLine create(Io io) {
    return create(io, null);
  }

  /**
   * The commands {@code args} can reach, which is all a run needs and, on a cold JVM, a third of a
   * second less than the whole tree. {@code main} and the tests' harness run through this.
   */
  public static int execute(Io io, String... args) {
    return create(io, args).execute(args);
  }

  static CommandLine create(Io io, String[] branch) {
    GlobalOptions options = new GlobalOptions();
    LocalState state = LocalState.fromEnvironment(io.env());
    ClientFactory clients = new ClientFactory(options, state);
    Output output = new Output(io.out(), io.err(), io.in(), options, io.env(), io.terminal());
    Context context = new Context(options, output, clients, state, io.env());
    clients.addInterceptor(new RequestLogger(output));
    if (branch != null) {
      clients.prepare();
    }
    ContextFactory factory = new ContextFactory(context);
    CommandLine cmd =
        branch == null ? CommandTree.build(factory) : CommandTree.branch(factory, branch);
    cmd.setOut(io.out());
    cmd.setErr(io.err());
    cmd.setColorScheme(CommandLine.Help.defaultColorScheme(output.ansi()));
    // picocli's own message for a bad number quotes Java's NumberFormatException
    cmd.registerConverter(
        java.math.BigDecimal.class,
        text -> {
          try {
            return new java.math.BigDecimal(text.trim());
          } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException(
                "'" + text + "' is not a number (e.g. 0.01)");
          }
        });
    cmd.setExecutionStrategy(
        parseResult -> {
          try {
            return new CommandLine.RunLast().execute(parseResult);
          } finally {
            clients.close();
          }
        });
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          Throwable cause = ex;
          int code;
          String message;
          if (cause instanceof S3procException e) {
            code = e.exitCode();
            message = e.getMessage();
          } else if (cause instanceof SdkException e) {
            code = ExitCode.RUNTIME;
            message = AwsErrors.describe(e);
          } else if (cause instanceof UncheckedIOException e) {
            code = ExitCode.RUNTIME;
            message = e.getMessage();
          } else {
            code = ExitCode.RUNTIME;
            message =
                "unexpected "
                    + cause.getClass().getSimpleName()
                    + ": "
                    + cause.getMessage()
                    + (options.verbose() ? "" : " (run again with --verbose for details)");
          }
          io.err().println(output.style("@|red,bold error:|@ ") + message);
          if (options.verbose()) {
            cause.printStackTrace(io.err());
          }
          io.err().flush();
          return code;
        });
    cmd.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          io.err().println(output.style("@|red,bold error:|@ ") + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, io.err());
          io.err().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
          io.err().flush();
          return ExitCode.USAGE;
        });
    return cmd;
  }

  /** Instantiates commands with the shared context: the whole of s3proc's dependency injection. */
  private record ContextFactory(Context context) implements IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      for (Constructor<?> c : cls.getDeclaredConstructors()) {
        if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Context.class) {
          return cls.cast(c.newInstance(context));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
