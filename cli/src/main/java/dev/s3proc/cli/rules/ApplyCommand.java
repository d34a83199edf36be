package dev.s3proc.cli.rules;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.Output;
import dev.s3proc.cli.S3procException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Make the account match the pipeline file.",
      "Queues and DLQs, delivery permissions, the audit table, alarms, the workflows' state "
          + "machines and EventBridge rules, then the bucket "
          + "notifications merged with those s3proc does not own, read back to verify. Shows "
          + "the plan and asks first unless --yes."
    })
public class ApplyCommand implements Callable<Integer> {
  @Mixin PipelineFile file;

  @Option(
      names = {"-y", "--yes"},
      description = "Apply without asking.")
  boolean yes;

  @Option(names = "--dry-run", description = "Show the plan and change nothing.")
  boolean dryRun;

  private final Context ctx;

  public ApplyCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Output out = ctx.out();
    var config = file.load(ctx);
    PipelineDeployer deployer = new PipelineDeployer(ctx.clients());
    Plan plan = deployer.plan(config);
    PlanPrinter.print(plan, out);
    if (!plan.problems().isEmpty()) {
      throw S3procException.runtime(
          "nothing was changed: "
              + plan.problems().get(0)
              + (plan.problems().size() > 1
                  ? " (and " + (plan.problems().size() - 1) + " more above)"
                  : ""));
    }
    if (!plan.hasChanges()) {
      return ExitCode.OK;
    }
    if (dryRun) {
      out.info("dry run: nothing was changed");
      return ExitCode.OK;
    }
    if (!yes && !out.confirm("Apply these changes to " + config.region() + "?")) {
      out.info("nothing was changed");
      return ExitCode.OK;
    }
    deployer.apply(
        config,
        plan,
        c ->
            out.info(
                "@|green ✓|@ "
                    + c.action().verb
                    + " "
                    + c.resource()
                    + " "
                    + Output.escape(c.name())));
    out.info(
        "@|bold Apply complete:|@ "
            + plan.count(Plan.Action.CREATE)
            + " created, "
            + plan.count(Plan.Action.UPDATE)
            + " updated, "
            + plan.count(Plan.Action.DELETE)
            + " deleted; bucket notifications read back and verified.");
    return ExitCode.OK;
  }
}
