package dev.s3proc.cli.cost;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.GlobalOptions.Format;
import dev.s3proc.cli.Output;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.audit.AuditOptions;
import dev.s3proc.cli.audit.AuditReader;
import dev.s3proc.cli.audit.TimeWindow;
import dev.s3proc.cli.audit.WindowOptions;
import dev.s3proc.cli.render.Tabular;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.cost.CostModel;
import dev.s3proc.core.cost.CostReport;
import dev.s3proc.core.cost.Pricing;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Cost per file from the audit trail and a price list.",
      "Mean, p50, p95, max; by service; by group; the most expensive files; totals and "
          + "a monthly projection. Free tiers are not applied. Exits 5 when the mean cost per "
          + "file is over --budget."
    })
public class ReportCommand implements Callable<Integer> {
  @Mixin WindowOptions time;

  @Option(
      names = "--by",
      paramLabel = "G",
      defaultValue = "workflow",
      description = "Group by ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  CostReport.By by;

  @Option(
      names = "--pricing",
      paramLabel = "FILE",
      description = "Price list (default: config/pricing.yaml, us-east-1).")
  Path pricing;

  @Option(
      names = "--budget",
      paramLabel = "USD",
      description = "Budget per file in dollars (default: the pipeline's budget.costPerFile).")
  BigDecimal budget;

  @Option(
      names = "--function",
      paramLabel = "NAME",
      description =
          "Lambda functions for the CloudWatch cross-check (default: every function with metrics).")
  List<String> functions = new ArrayList<>();

  @Mixin AuditOptions audit;

  private final Context ctx;

  public ReportCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** The report and what it is set against: the JSON contract of {@code cost report -o json}. */
  public record Result(
      CostReport report,
      BigDecimal budgetPerFile,
      boolean overBudget,
      LambdaCrossCheck.Result crossCheck,
      String note) {}

  @Override
  public Integer call() {
    Output out = ctx.out();
    TimeWindow w = time.window("30d", audit.retention(ctx), ctx.out());
    var pipeline = audit.pipeline(ctx);
    pipeline.ifPresent(c -> ctx.clients().defaultRegion(c.region()));
    Pricing prices = PricingFile.load(ctx, pricing);
    BigDecimal limit =
        budget != null ? budget : pipeline.map(c -> c.budget().costPerFile()).orElse(null);
    if (limit != null && limit.signum() <= 0) {
      throw S3procException.usage("--budget must be above zero, in dollars per file (e.g. 0.01)");
    }
    List<AuditRecord> attempts =
        new AuditReader(ctx.clients(), audit.table(ctx)).window(w.since(), w.until(), n -> {});
    CostReport report =
        CostReport.build(
            attempts, new CostModel(prices), w.since(), w.until(), by, prices.region());
    long trailInvocations =
        attempts.stream()
            .mapToLong(a -> a.requests() == null ? 0 : a.requests().getOrDefault("lambda", 0L))
            .sum();
    double trailSeconds =
        attempts.stream().mapToDouble(a -> a.billedMs() == null ? 0 : a.billedMs() / 1000.0).sum();
    LambdaCrossCheck.Result check =
        new LambdaCrossCheck(ctx.clients())
            .check(w.since(), w.until(), functions, trailInvocations, trailSeconds);
    boolean over =
        limit != null && report.files() > 0 && report.meanCostPerFile().compareTo(limit) > 0;
    Result result =
        new Result(
            report,
            limit,
            over,
            check,
            "free tiers are not applied; prices for " + prices.region());

    if (out.format() == Format.json || out.format() == Format.yaml) {
      out.result(result);
    } else {
      print(result, out);
    }
    if (over) {
      BigDecimal by = report.meanCostPerFile().subtract(limit);
      throw new S3procException(
          ExitCode.OVER_BUDGET,
          "mean cost per file $"
              + report.meanCostPerFile().toPlainString()
              + " is over the budget of $"
              + limit.toPlainString()
              + " by $"
              + by.toPlainString()
              + " ("
              + by.multiply(BigDecimal.valueOf(100))
                  .divide(limit, MathContext.DECIMAL32)
                  .setScale(1, java.math.RoundingMode.HALF_UP)
              + "%)");
    }
    return ExitCode.OK;
  }

  private static void print(Result r, Output out) {
    CostReport c = r.report();
    out.line(
        "@|bold Cost per file|@, "
            + c.files()
            + " files ("
            + c.attempts()
            + " attempts) "
            + TimeWindow.describe(c.since(), c.until()));
    out.result(
        new Tabular() {
          @Override
          public List<String> columns() {
            return List.of(
                "MEAN", "P50", "P95", "MAX", "TOTAL", "MONTHLY (PROJECTED)", "BUDGET/FILE");
          }

          @Override
          public List<List<String>> rows() {
            return List.of(
                List.of(
                    usd(c.meanCostPerFile()),
                    usd(c.p50CostPerFile()),
                    usd(c.p95CostPerFile()),
                    usd(c.maxCostPerFile()),
                    usd(c.totalCost()),
                    usd(c.monthlyProjection()),
                    r.budgetPerFile() == null ? "-" : usd(r.budgetPerFile())));
          }
        });
    out.line("");
    out.line("@|bold By service|@");
    out.result(
        Tabular.of(
            List.of("SERVICE", "COST"),
            c.byService().entrySet().stream()
                .map(e -> List.of(e.getKey(), usd(e.getValue())))
                .toList()));
    out.line("");
    out.line("@|bold By " + c.groupedBy() + "|@");
    out.result(
        Tabular.of(
            List.of(c.groupedBy().toUpperCase(), "FILES", "TOTAL", "MEAN/FILE"),
            c.groups().stream()
                .map(
                    g ->
                        List.of(
                            g.name(),
                            Long.toString(g.files()),
                            usd(g.totalCost()),
                            usd(g.meanCostPerFile())))
                .toList()));
    out.line("");
    out.line("@|bold Most expensive files|@");
    out.result(
        Tabular.of(
            List.of("OBJECT", "ATTEMPTS", "COST"),
            c.mostExpensive().stream()
                .map(
                    f ->
                        List.of(
                            "s3://" + f.bucket() + "/" + f.key(),
                            Integer.toString(f.attempts()),
                            usd(f.cost())))
                .toList()));
    LambdaCrossCheck.Result x = r.crossCheck();
    if (!x.available()) {
      out.info(x.note());
    } else {
      out.line(
          String.format(
              "CloudWatch: %d invocations, %.1f s; the trail explains %d and %.1f s; unexplained: %d invocations, %.1f s",
              x.cloudWatchInvocations(),
              x.cloudWatchSeconds(),
              x.trailInvocations(),
              x.trailSeconds(),
              x.unexplainedInvocations(),
              x.unexplainedSeconds()));
    }
    out.info(r.note());
    if (r.budgetPerFile() != null && !r.overBudget()) {
      out.line(
          "@|green within budget|@: mean "
              + usd(c.meanCostPerFile())
              + " per file against "
              + usd(r.budgetPerFile()));
    }
  }

  static String usd(BigDecimal v) {
    return "$" + v.round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
