package dev.s3proc.cli.rules;

import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.Output;
import dev.s3proc.cli.S3procException;
import dev.s3proc.core.config.Diagnostic;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.config.PipelineLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -f FILE} option of the rules verbs, and loading it with its diagnostics printed. */
public class PipelineFile {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      defaultValue = "config/pipeline.yaml",
      description = "Pipeline file (default: ${DEFAULT-VALUE}).")
  Path file;

  private static final Path DEFAULT = Path.of("config", "pipeline.yaml");

  /**
   * The file to read. The default, {@code config/pipeline.yaml}, is looked up in the working
   * directory and then in the s3proc checkout the launcher runs from ({@code S3PROC_HOME}).
   */
  public Path path() {
    return file;
  }

  private Path resolve(java.util.Map<String, String> env) {
    String home = env.get("S3PROC_HOME");
    if (file.equals(DEFAULT) && !java.nio.file.Files.exists(file) && home != null) {
      Path candidate = Path.of(home).resolve(DEFAULT);
      if (java.nio.file.Files.exists(candidate)) {
        file = candidate;
      }
    }
    return file;
  }

  /**
   * Loads and validates the file, printing every warning and error on stderr.
   *
   * @throws S3procException with exit code 3 when the file has errors
   */
  public PipelineConfig load(dev.s3proc.cli.Context ctx) {
    Output out = ctx.out();
    PipelineLoader.Result result = PipelineLoader.load(resolve(ctx.env()));
    report(result, out);
    if (result.hasErrors()) {
      int n = result.errors().size();
      throw new S3procException(
          ExitCode.INVALID_CONFIG,
          file
              + " has "
              + n
              + " error"
              + (n == 1 ? "" : "s")
              + ": fix "
              + (n == 1 ? "it" : "them")
              + " and run again; nothing was changed");
    }
    return result.config();
  }

  /** Loads without throwing, for validate, which reports rather than fails. */
  PipelineLoader.Result loadResult(dev.s3proc.cli.Context ctx) {
    return PipelineLoader.load(resolve(ctx.env()));
  }

  static void report(PipelineLoader.Result result, Output out) {
    for (Diagnostic d : result.diagnostics()) {
      if (d.isError()) {
        out.err().println(out.style("@|red " + Output.escape(d.format()) + "|@"));
      } else if (!out.quiet()) {
        out.err().println(out.style("@|yellow " + Output.escape(d.format()) + "|@"));
      }
    }
    out.err().flush();
  }
}
