package dev.s3proc.cli.audit;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.S3procException;
import dev.s3proc.core.audit.AuditRecord;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "An object's timeline, newest attempt first, from one Query: status, workflow, processor, timings, outputs, error.")
public class ShowCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "s3://BUCKET/KEY",
      description = "The object, its key as uploaded (spaces and unicode as typed).")
  String uri;

  @Option(names = "--version", paramLabel = "V", description = "Only this version of the object.")
  String version;

  @Mixin AuditOptions audit;

  private final Context ctx;

  public ShowCommand(Context ctx) {
    this.ctx = ctx;
  }

  private static void fail(String message) {
    throw S3procException.usage(message);
  }

  @Override
  public Integer call() {
    if (!uri.startsWith("s3://")
        || uri.indexOf('/', 5) < 0
        || uri.indexOf('/', 5) == uri.length() - 1) {
      throw S3procException.usage("'" + uri + "' is not s3://BUCKET/KEY");
    }
    String bucket = uri.substring(5, uri.indexOf('/', 5));
    String key = uri.substring(uri.indexOf('/', 5) + 1);
    dev.s3proc.core.config.BucketNames.problem(bucket)
        .ifPresent(why -> fail("'" + bucket + "' in " + uri + " is not a bucket name: it " + why));
    audit.pipeline(ctx).ifPresent(c -> ctx.clients().defaultRegion(c.region()));
    List<AuditRecord> attempts =
        new AuditReader(ctx.clients(), audit.table(ctx)).history(bucket, key, version);
    if (ctx.out().format() == Format.json || ctx.out().format() == Format.yaml) {
      ctx.out().result(attempts);
    } else {
      ctx.out().result(new AuditTable(attempts, false));
    }
    if (attempts.isEmpty()) {
      ctx.out()
          .info(
              "no attempt recorded for "
                  + uri
                  + (version == null ? "" : " version " + version)
                  + ": the key must match exactly (case, spaces, unicode), and the trail keeps attempts for audit.ttl");
    }
    return 0;
  }
}
