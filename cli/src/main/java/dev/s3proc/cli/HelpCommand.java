package dev.s3proc.cli;

import dev.s3proc.core.config.DidYouMean;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "help",
    helpCommand = true,
    description = {
      "A command's manual page: s3proc help rules plan.",
      "In man's pager on a terminal, as plain text when piped (as aws help does); the usage help "
          + "when man or the page is not installed. The pages are in completions/man/ "
          + "(MANPATH=completions/man man s3proc-rules-plan works too)."
    })
public class HelpCommand implements Callable<Integer> {
  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, e.g. rules plan.")
  List<String> names = new ArrayList<>();

  @Spec CommandSpec spec;

  private final Context ctx;

  public HelpCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    CommandLine target = spec.root().commandLine();
    for (String name : names) {
      CommandLine sub = target.getSubcommands().get(name);
      if (sub == null) {
        String of = target.getCommandSpec().qualifiedName();
        throw S3procException.usage(
            "'"
                + name
                + "' is not a command of "
                + of
                + DidYouMean.suggest(name, target.getSubcommands().keySet())
                    .map(x -> " (did you mean " + x + "?)")
                    .orElse("")
                + "; run "
                + of
                + " --help for its commands");
      }
      target = sub;
    }
    Path page = page(target.getCommandSpec().qualifiedName("-"));
    Path man = onPath("man");
    if (page == null || man == null) {
      target.usage(ctx.out().out(), ctx.out().ansi());
      ctx.out().out().flush();
      return 0;
    }
    ProcessBuilder pb = new ProcessBuilder(man.toString(), "-l", page.toString());
    if (ctx.out().terminal()) {
      return pb.inheritIO().start().waitFor();
    }
    pb.environment().put("MANPAGER", "cat");
    pb.environment().put("MANWIDTH", "80");
    pb.environment().remove("MAN_KEEP_FORMATTING");
    Process p = pb.redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    ctx.out().out().print(text);
    ctx.out().out().flush();
    return code;
  }

  /** The installed page: completions/man/man1/NAME.1 in the s3proc checkout, or null. */
  private Path page(String name) {
    String home = ctx.env().get("S3PROC_HOME");
    Path f =
        Path.of(home == null ? "." : home)
            .resolve("completions")
            .resolve("man")
            .resolve("man1")
            .resolve(name + ".1");
    return Files.isRegularFile(f) ? f : null;
  }

  private Path onPath(String tool) {
    String path = ctx.env().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path p = dir.isEmpty() ? null : Path.of(dir, tool);
      if (p != null && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
