package dev.s3proc.cli.rules;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.render.Renderer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Print a bucket's live notification configuration as pipeline YAML.",
      "To adopt an existing bucket: rules s3proc owns lose their id prefix; queues in "
          + "this account come with their settings and DLQ; with EventBridge on, the "
          + "EventBridge rules that start a state machine on the bucket's events come as "
          + "workflow rules, their workflows with the queues their steps use."
    })
public class ExportCommand implements Callable<Integer> {
  @Option(
      names = "--bucket",
      required = true,
      paramLabel = "BUCKET",
      description = "Bucket to export.")
  String bucket;

  @Option(
      names = "--pipeline",
      paramLabel = "NAME",
      description =
          "Pipeline name to write (default: the one whose rules are on the bucket, else the bucket name).")
  String pipeline;

  private final Context ctx;

  public ExportCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    var exported = new BucketExporter(ctx.clients()).export(bucket, pipeline);
    if (!exported.exists()) {
      throw S3procException.runtime(
          "bucket "
              + bucket
              + " does not exist in "
              + ctx.clients().region()
              + " or is not visible to these credentials");
    }
    Format format = ctx.options().outputGiven() ? ctx.out().format() : Format.yaml;
    if (format == Format.table || format == Format.csv) {
      format = Format.yaml;
    }
    ctx.out().out().print(Renderer.render(exported.document(), format));
    ctx.out().out().flush();
    exported.notes().forEach(ctx.out()::info);
    return 0;
  }
}
