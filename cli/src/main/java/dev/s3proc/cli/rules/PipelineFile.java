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
  @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "config/pipeline.yaml",
      description = "Pipeline file (default: ${DEFAULT-VALUE}).")
  Path file;

  public Path path() {
    return file;
  }

  /**
   * Loads and validates the file, printing every warning and error on stderr.
   *
   * @throws S3procException with exit code 3 when the file has errors
   */
  public PipelineConfig load(Output out) {
    PipelineLoader.Result result = PipelineLoader.load(file);
    report(result, out);
    if (result.hasErrors()) {
      int n = result.errors().size();
      throw new S3procException(ExitCode.INVALID_CONFIG,
          file + " has " + n + " error" + (n == 1 ? "" : "s") + ": fix " + (n == 1 ? "it" : "them") + " and run again; nothing was changed");
    }
    return result.config();
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
