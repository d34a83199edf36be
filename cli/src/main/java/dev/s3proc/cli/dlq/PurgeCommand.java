package dev.s3proc.cli.dlq;

import dev.s3proc.cli.Context;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = {
      "Delete every message of a queue, for good.",
      "Shows the count and asks unless --yes. Keep a copy first with `s3proc dlq export "
          + "QUEUE -f FILE.jsonl`."
    })
public class PurgeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "QUEUE", description = "Queue name, URL or ARN.")
  String queue;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask.")
  boolean yes;

  @Option(names = "--dry-run", description = "Show the count and delete nothing.")
  boolean dryRun;

  private final Context ctx;

  public PurgeCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    QueueRef q = new QueueDirectory(ctx.clients()).resolve(queue);
    String count = q.visible() + " visible and " + q.inFlight() + " in-flight messages";
    if (dryRun) {
      ctx.out().info("dry run: would purge " + count + " from " + q.name());
      return 0;
    }
    if (!yes
        && !ctx.out()
            .confirm("Purge " + count + " from " + q.name() + "? They cannot be recovered.")) {
      ctx.out().info("nothing was purged");
      return 0;
    }
    ctx.clients().sqs().purgeQueue(r -> r.queueUrl(q.url()));
    ctx.out()
        .info("purged " + q.name() + " (" + count + "; SQS may take up to 60 seconds to finish)");
    return 0;
  }
}
