package dev.s3proc.cli.rules;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.config.Diagnostic;
import dev.s3proc.core.config.PipelineLoader;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a pipeline file offline, without calling AWS.",
      "Every problem at once, with FILE:LINE:COL. Exits 3 when there is an error; "
          + "warnings alone exit 0."
    })
public class ValidateCommand implements Callable<Integer> {
  @Mixin PipelineFile file;
  private final Context ctx;

  public ValidateCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** The machine-readable form: every diagnostic with its place. */
  public record Report(String file, boolean valid, List<Diagnostic> diagnostics)
      implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("LOCATION", "SEVERITY", "SUBJECT", "MESSAGE");
    }

    @Override
    public List<List<String>> rows() {
      return diagnostics.stream()
          .map(
              d ->
                  List.of(
                      d.file() + ":" + d.position(),
                      d.severity().name().toLowerCase(),
                      d.subject() == null ? "" : d.subject(),
                      d.message()))
          .toList();
    }
  }

  @Override
  public Integer call() {
    PipelineLoader.Result result = file.loadResult(ctx);
    var out = ctx.out();
    if (ctx.options().outputGiven() && out.format() != dev.s3proc.cli.GlobalOptions.Format.table) {
      out.result(new Report(file.path().toString(), !result.hasErrors(), result.diagnostics()));
    } else {
      PipelineFile.report(result, out);
      if (!result.hasErrors()) {
        var config = result.config();
        int rules = config.buckets().stream().mapToInt(b -> b.rules().size()).sum();
        int starting = config.buckets().stream().mapToInt(b -> b.workflowRules().size()).sum();
        out.line(
            "@|green ok|@ "
                + file.path()
                + ": pipeline "
                + config.pipeline()
                + ", "
                + config.buckets().size()
                + " bucket(s), "
                + (rules + starting)
                + " rule(s)"
                + (starting == 0 ? "" : " (" + starting + " starting a workflow)")
                + ", "
                + config.queues().size()
                + " queue(s)"
                + (config.workflows().isEmpty()
                    ? ""
                    : ", " + config.workflows().size() + " workflow(s)")
                + (config.topics().isEmpty()
                    ? ""
                    : ", " + config.topics().size() + " fan-out topic(s)")
                + (result.warnings().isEmpty()
                    ? ""
                    : ", " + result.warnings().size() + " warning(s)"));
      } else {
        out.err()
            .println(
                result.errors().size() + " error(s), " + result.warnings().size() + " warning(s)");
      }
    }
    return result.hasErrors() ? ExitCode.INVALID_CONFIG : ExitCode.OK;
  }
}
