package dev.s3proc.cli.audit;

import dev.s3proc.cli.Context;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.config.PipelineLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which audit table to read: --table, else the pipeline file's audit.table, else s3proc-audit. */
public class AuditOptions {
  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "Audit table (default: the pipeline file's audit.table, else s3proc-audit).")
  String table;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      defaultValue = "config/pipeline.yaml",
      description =
          "Pipeline file for the table name, region and budget, when it exists (default: ${DEFAULT-VALUE}).")
  Path file;

  /** The pipeline, when the file exists and is valid; the audit commands work without one. */
  public Optional<PipelineConfig> pipeline(Context ctx) {
    Path f = file;
    String home = ctx.env().get("S3PROC_HOME");
    if (!Files.exists(f)
        && !f.isAbsolute()
        && home != null
        && Files.exists(Path.of(home).resolve(f))) {
      f = Path.of(home).resolve(f);
    }
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    PipelineLoader.Result r = PipelineLoader.load(f);
    return Optional.ofNullable(r.config());
  }

  /** How long the trail keeps attempts: the pipeline's audit.ttl, else the default 90 days. */
  public java.time.Duration retention(Context ctx) {
    return pipeline(ctx).map(c -> c.audit().ttl()).orElse(java.time.Duration.ofDays(90));
  }

  public String table(Context ctx) {
    if (table != null) {
      return table;
    }
    return pipeline(ctx).map(c -> c.audit().table()).orElse(PipelineLoader.DEFAULT_AUDIT_TABLE);
  }
}
