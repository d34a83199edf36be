package dev.s3proc.cli.audit;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.cost.AuditStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Success rate and upload-to-done latency, by workflow, against the targets.",
      "Files, success rate, latency p50/p95/p99/max and attempts per file; the targets "
          + "are done within 30 s (p99) and over 99.5 %% success."
    })
public class StatsCommand implements Callable<Integer> {
  @Mixin WindowOptions time;

  @Mixin AuditOptions audit;

  private final Context ctx;

  public StatsCommand(Context ctx) {
    this.ctx = ctx;
  }

  public record View(AuditStats stats) implements Tabular {
    @Override
    public List<String> columns() {
      return List.of(
          "WORKFLOW",
          "FILES",
          "SUCCEEDED",
          "FAILED",
          "IN PROGRESS",
          "SUCCESS",
          "P50",
          "P95",
          "P99",
          "MAX",
          "ATTEMPTS/FILE");
    }

    @Override
    public List<List<String>> rows() {
      List<List<String>> rows = new ArrayList<>();
      for (AuditStats.Summary s : stats.byWorkflow()) {
        rows.add(row(s));
      }
      rows.add(row(stats.overall()));
      return rows;
    }

    private static List<String> row(AuditStats.Summary s) {
      return List.of(
          s.workflow(),
          Long.toString(s.files()),
          Long.toString(s.succeeded()),
          Long.toString(s.failed()),
          Long.toString(s.inProgress()),
          String.format("%.2f%%", s.successRate()),
          ms(s.latencyP50Ms()),
          ms(s.latencyP95Ms()),
          ms(s.latencyP99Ms()),
          ms(s.latencyMaxMs()),
          String.format("%.2f (max %d)", s.attemptsPerFile(), s.maxAttempts()));
    }

    public static String ms(Long ms) {
      return ms == null ? "-" : ms < 10_000 ? ms + "ms" : String.format("%.1fs", ms / 1000.0);
    }
  }

  @Override
  public Integer call() {
    TimeWindow w = time.window("24h", audit.retention(ctx), ctx.out());
    audit.pipeline(ctx).ifPresent(c -> ctx.clients().defaultRegion(c.region()));
    List<AuditRecord> attempts;
    try (Progress p =
        Progress.start(ctx.out(), "stats", AuditReader.partitions(w.since(), w.until()))) {
      attempts =
          new AuditReader(ctx.clients(), audit.table(ctx))
              .window(w.since(), w.until(), p::partitionDone);
    }
    AuditStats stats = AuditStats.of(attempts, w.since(), w.until());
    if (ctx.out().format() == Format.json || ctx.out().format() == Format.yaml) {
      ctx.out().result(stats);
      return 0;
    }
    ctx.out().result(new View(stats));
    AuditStats.Targets t = stats.targets();
    ctx.out()
        .line(
            "latency p99 "
                + View.ms(stats.overall().latencyP99Ms())
                + " against the 30 s target: "
                + (t.latencyMet() ? "@|green met|@" : "@|red,bold not met|@"));
    ctx.out()
        .line(
            String.format(
                    "success %.2f%% against the 99.5%% target: ", stats.overall().successRate())
                + (t.successMet() ? "@|green met|@" : "@|red,bold not met|@"));
    AuditStats.Compliance c = stats.compliance();
    if (c.reports() > 0) {
      ctx.out()
          .line(
              "compliance reports: "
                  + c.reports()
                  + " upload(s): "
                  + c.compliant()
                  + " COMPLIANT, "
                  + (c.nonCompliant() > 0
                      ? "@|red,bold " + c.nonCompliant() + " NON_COMPLIANT|@"
                      : "0 NON_COMPLIANT")
                  + ", "
                  + c.incomplete()
                  + " INCOMPLETE");
    }
    return 0;
  }
}
