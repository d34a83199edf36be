package dev.s3proc.cli.status;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.Output;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.audit.StatsCommand;
import dev.s3proc.cli.audit.TimeWindow;
import dev.s3proc.cli.audit.WindowOptions;
import dev.s3proc.cli.cost.PricingFile;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.cli.rules.PipelineFile;
import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.cost.PipelineHealth;
import dev.s3proc.core.cost.Pricing;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Is the pipeline healthy? One screen: per workflow the files, success rate, upload-to-done "
          + "p50/p99 and cost per file; per queue its depth, oldest message and DLQ; the alarms "
          + "in ALARM.",
      "Exits 1 when a target is missed (p99 over 30 s, success under 99.5 %%, cost over the "
          + "budget, an alarm firing, a queue missing), so it can gate a deploy. Reads the trail's "
          + "time index, GetQueueAttributes and DescribeAlarms: never a Scan."
    })
public class StatusCommand implements Callable<Integer> {
  @Mixin PipelineFile file;

  @Mixin WindowOptions time;

  @Option(
      names = "--watch",
      description = "Refresh every --interval until interrupted (in place on a terminal).")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "D",
      defaultValue = "5s",
      description = "How often --watch refreshes (default: ${DEFAULT-VALUE}).")
  String interval;

  @Option(
      names = "--pricing",
      paramLabel = "FILE",
      description =
          "Price list for cost per file (default: pricing.yaml beside the pipeline file, else config/pricing.yaml).")
  Path pricing;

  private final Context ctx;

  public StatusCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    Duration every = every();
    PipelineConfig config = file.load(ctx);
    ctx.clients().defaultRegion(config.region());
    Path beside = file.path().toAbsolutePath().resolveSibling("pricing.yaml");
    Pricing prices =
        PricingFile.load(
            ctx, pricing == null && java.nio.file.Files.exists(beside) ? beside : pricing);
    HealthReader reader = new HealthReader(ctx.clients());
    while (true) {
      TimeWindow w = time.window("1h");
      PipelineHealth health = reader.read(config, prices, w.since(), w.until());
      if (watch && ctx.out().terminal() && ctx.out().format() == Format.table) {
        ctx.out().out().print("\u001b[H\u001b[2J"); // home and clear: the screen refreshes in place
      }
      if (ctx.out().format() == Format.table) {
        print(health, ctx.out(), time);
      } else {
        ctx.out().result(health);
      }
      if (!watch) {
        return health.healthy() ? ExitCode.OK : ExitCode.RUNTIME;
      }
      Thread.sleep(every.toMillis());
    }
  }

  private Duration every() {
    Duration d;
    try {
      d = Durations.parse(interval);
    } catch (IllegalArgumentException e) {
      throw S3procException.usage("--interval " + interval + ": " + e.getMessage());
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw S3procException.usage(
          "--interval " + interval + " is under 1s: each refresh reads the trail and the queues");
    }
    return d;
  }

  static void print(PipelineHealth h, Output out, WindowOptions time) {
    out.line(
        "@|bold "
            + h.pipeline()
            + "|@ from "
            + h.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + " to "
            + h.until().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + ": "
            + (h.healthy()
                ? "@|green,bold healthy|@"
                : "@|red,bold "
                    + h.missed().size()
                    + " target"
                    + (h.missed().size() == 1 ? "" : "s")
                    + " missed|@"));
    out.line("");
    out.result(
        Tabular.of(
            List.of("WORKFLOW", "TARGET", "FILES", "FAILED", "SUCCESS", "P50", "P99", "COST/FILE"),
            java.util.stream.Stream.concat(
                    h.workflows().stream(), java.util.stream.Stream.of(h.overall()))
                .map(
                    w ->
                        List.<String>of(
                            w.name(),
                            w.target() == null ? "" : w.target(),
                            Long.toString(w.files()),
                            Long.toString(w.failed()),
                            w.succeeded() + w.failed() == 0
                                ? "-"
                                : String.format("%.2f%%", w.successRate()),
                            StatsCommand.View.ms(w.latencyP50Ms()),
                            StatsCommand.View.ms(w.latencyP99Ms()),
                            usd(w.costPerFile())))
                .toList()));
    out.line("");
    out.result(
        Tabular.of(
            List.of("QUEUE", "DEPTH", "IN FLIGHT", "OLDEST", "DLQ", "DLQ DEPTH"),
            h.queues().stream()
                .map(
                    q ->
                        List.of(
                            q.name(),
                            q.exists() ? Long.toString(q.visible()) : "missing",
                            q.exists() ? Long.toString(q.inFlight()) : "-",
                            q.oldestAgeSeconds() == null ? "-" : q.oldestAgeSeconds() + "s",
                            q.dlq() == null ? "(none)" : q.dlq(),
                            q.dlqDepth() == null ? "-" : Long.toString(q.dlqDepth())))
                .toList()));
    out.line("");
    out.line(
        "alarms in ALARM: "
            + (h.alarmsInAlarm().isEmpty()
                ? "@|green none|@"
                : "@|red,bold " + Output.escape(String.join(", ", h.alarmsInAlarm())) + "|@"));
    out.line(
        "targets: p99 within 30 s, success over 99.5 %"
            + (h.budgetPerFile() == null
                ? ""
                : ", cost per file within " + usd(h.budgetPerFile())));
    for (String m : h.missed()) {
      out.line("  @|red ✗ " + Output.escape(m) + "|@");
    }
    for (String n : h.notes()) {
      out.info("note: " + Output.escape(n));
    }
  }

  static String usd(BigDecimal v) {
    return v == null ? "-" : "$" + v.round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
