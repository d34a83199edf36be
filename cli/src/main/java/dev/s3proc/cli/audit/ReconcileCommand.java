package dev.s3proc.cli.audit;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.PipelineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Did every upload get processed? Compares a bucket's objects with the audit trail.",
      "Lists the objects the pipeline's rules route to a processor (ListObjectsV2, or an S3"
          + " Inventory report with --inventory) and reads each one's history (one Query per"
          + " object, never a Scan): processed, failed (and in which DLQ), in progress, pending,"
          + " stalled past its deadline, or never seen. Exits 1 when any is unaccounted for"
          + " (stalled or never seen); --requeue sends those back to their rules' targets."
    })
public class ReconcileCommand implements Callable<Integer> {
  @Option(
      names = "--bucket",
      paramLabel = "B",
      description = "The bucket (default: the pipeline's only bucket with rules).")
  String bucket;

  @Option(
      names = "--prefix",
      paramLabel = "P",
      defaultValue = "",
      description = "Only keys starting with P.")
  String prefix;

  @Mixin WindowOptions time;

  @Option(
      names = "--grace",
      paramLabel = "D",
      defaultValue = "5m",
      description =
          "Objects uploaded this recently are PENDING, not unaccounted: S3 notifications can be late (default: ${DEFAULT-VALUE}).")
  String grace;

  @Option(
      names = "--inventory",
      paramLabel = "s3://B/K/manifest.json",
      description =
          "Read the objects from this S3 Inventory manifest (CSV) instead of listing the bucket.")
  String inventory;

  @Option(
      names = "--requeue",
      description =
          "Send each unaccounted object back to its rule's target as an S3 event (asks first).")
  boolean requeue;

  @Option(names = "--yes", description = "Requeue without asking.")
  boolean yes;

  @Option(
      names = "--dry-run",
      description = "With --requeue: show what would be sent, send nothing.")
  boolean dryRun;

  @Mixin AuditOptions audit;

  private final Context ctx;

  public ReconcileCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** The report: what is not simply processed, one row each. */
  record View(Reconciler.Result result) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of("STATE", "KEY", "SIZE", "MODIFIED", "RULE", "TARGET", "DLQ", "DETAIL");
    }

    @Override
    public List<List<String>> rows() {
      List<List<String>> rows = new ArrayList<>();
      for (Reconciler.Finding f : result.findings()) {
        rows.add(
            List.of(
                f.state().name(),
                f.key(),
                Long.toString(f.size()),
                String.valueOf(f.lastModified()),
                f.rule(),
                f.target(),
                f.deadLetterQueue() == null ? "-" : f.deadLetterQueue(),
                f.detail() == null ? "" : f.detail()));
      }
      return rows;
    }
  }

  @Override
  public Integer call() {
    Duration graceTime;
    try {
      graceTime = Durations.parse(grace);
    } catch (IllegalArgumentException e) {
      throw S3procException.usage("--grace: " + e.getMessage());
    }
    if (dryRun && !requeue) {
      throw S3procException.usage("--dry-run goes with --requeue");
    }
    PipelineConfig config =
        audit
            .pipeline(ctx)
            .orElseThrow(
                () ->
                    S3procException.usage(
                        "reconcile needs the pipeline file for its rules: pass it with -f (none valid at "
                            + audit.file
                            + ")"));
    ctx.clients().defaultRegion(config.region());
    String b = bucket != null ? bucket : onlyBucket(config);
    TimeWindow w = time.window("24h", audit.retention(ctx), ctx.out());
    Reconciler reconciler = new Reconciler(ctx.clients(), config, audit.table(ctx));
    Reconciler.Listing listing = reconciler.list(b, prefix, w.since(), w.until(), inventory);
    Reconciler.Result r;
    var bar =
        listing.routed().size() < 1000
            ? null
            : ctx.out().progressBar("reconcile", listing.routed().size(), " objects");
    try {
      r =
          reconciler.check(
              listing,
              graceTime,
              n -> {
                if (bar != null) {
                  bar.stepBy(n);
                }
              });
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
    List<Reconciler.Finding> unaccounted = Requeuer.toRequeue(r);
    List<Requeuer.Sent> sent = requeue ? requeue(config, unaccounted) : List.of();
    if (ctx.out().format() == Format.json || ctx.out().format() == Format.yaml) {
      ctx.out().result(requeue ? new WithRequeue(r, sent) : r);
    } else {
      if (!r.findings().isEmpty()) {
        ctx.out().result(new View(r));
      }
      ctx.out()
          .info(
              r.routed()
                  + " object(s) routed to a processor in s3://"
                  + b
                  + "/"
                  + prefix
                  + " "
                  + TimeWindow.describe(w.since(), w.until())
                  + ": "
                  + r.processed()
                  + " processed, "
                  + r.failed()
                  + " failed, "
                  + r.inProgress()
                  + " in progress, "
                  + r.pending()
                  + " pending, "
                  + r.unaccounted()
                  + " unaccounted for");
      if (r.unaccounted() > 0 && !requeue) {
        ctx.out().info("send the unaccounted ones back to their targets with --requeue");
      }
    }
    long failedSends = sent.stream().filter(s -> s.error() != null).count();
    boolean settled = requeue && !dryRun && failedSends == 0 && sent.size() == unaccounted.size();
    return r.unaccounted() == 0 || settled ? ExitCode.OK : ExitCode.RUNTIME;
  }

  /** The JSON of a requeue run: the reconciliation, and what was sent. */
  record WithRequeue(Reconciler.Result reconciliation, List<Requeuer.Sent> requeued) {}

  private List<Requeuer.Sent> requeue(PipelineConfig config, List<Reconciler.Finding> unaccounted) {
    if (unaccounted.isEmpty()) {
      return List.of();
    }
    for (Reconciler.Finding f : unaccounted) {
      ctx.out().info((dryRun ? "would requeue " : "requeue ") + f.key() + " -> " + f.target());
    }
    if (dryRun
        || (!yes
            && !ctx.out()
                .confirm("Send " + unaccounted.size() + " S3 event(s) to their rules' targets?"))) {
      return List.of();
    }
    Requeuer requeuer = new Requeuer(ctx.clients(), config);
    List<Requeuer.Sent> sent = new ArrayList<>();
    for (Reconciler.Finding f : unaccounted) {
      Requeuer.Sent s = requeuer.send(f);
      sent.add(s);
      if (s.error() != null) {
        ctx.out().warn("could not requeue " + f.key() + ": " + s.error());
      }
    }
    ctx.out()
        .info(
            "requeued "
                + sent.stream().filter(s -> s.error() == null).count()
                + " of "
                + unaccounted.size()
                + " object(s); follow them with s3proc audit show");
    return sent;
  }

  private static String onlyBucket(PipelineConfig config) {
    List<String> withRules =
        config.buckets().stream()
            .filter(b -> !b.rules().isEmpty() || !b.workflowRules().isEmpty())
            .map(b -> b.name())
            .toList();
    if (withRules.size() != 1) {
      throw S3procException.usage(
          "the pipeline has " + withRules.size() + " buckets with rules: choose one with --bucket");
    }
    return withRules.get(0);
  }
}
