package dev.s3proc.cli.audit;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.S3procException;
import dev.s3proc.core.audit.AuditRecord;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Attempts in a time window, newest first, through the time index: one Query per day and shard, never a Scan.")
public class AuditListCommand implements Callable<Integer> {
  @Option(
      names = "--status",
      paramLabel = "S",
      description = "Only this status: ${COMPLETION-CANDIDATES}.")
  AuditRecord.Status status;

  @Mixin WindowOptions time;

  @Option(names = "--workflow", paramLabel = "W", description = "Only this workflow (rule).")
  String workflow;

  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N attempts (default: ${DEFAULT-VALUE}).")
  int limit;

  @Mixin AuditOptions audit;

  private final Context ctx;

  public AuditListCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (limit < 1) {
      throw S3procException.usage("--limit must be 1 or more");
    }
    TimeWindow w = time.window("24h", audit.retention(ctx), ctx.out());
    audit.pipeline(ctx).ifPresent(c -> ctx.clients().defaultRegion(c.region()));
    List<AuditRecord> found;
    try (Progress p =
        Progress.start(ctx.out(), "audit", AuditReader.partitions(w.since(), w.until()))) {
      found =
          new AuditReader(ctx.clients(), audit.table(ctx))
              .window(w.since(), w.until(), p::partitionDone);
    }
    List<AuditRecord> matching =
        found.stream()
            .filter(r -> status == null || r.status() == status)
            .filter(r -> workflow == null || workflow.equals(r.workflow()))
            .filter(r -> prefix == null || r.key().startsWith(prefix))
            .sorted(Comparator.comparing(AuditRecord::startedAt).reversed())
            .limit(limit)
            .toList();
    if (ctx.out().format() == Format.json || ctx.out().format() == Format.yaml) {
      ctx.out().result(matching);
    } else {
      ctx.out().result(new AuditTable(matching, true));
      ctx.out()
          .info(
              matching.size()
                  + " attempt(s) "
                  + TimeWindow.describe(w.since(), w.until())
                  + (matching.size() == limit ? " (limit reached: --limit)" : ""));
    }
    return 0;
  }
}
