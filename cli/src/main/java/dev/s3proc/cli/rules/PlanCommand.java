package dev.s3proc.cli.rules;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.ExitCode;
import dev.s3proc.cli.S3procException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Show what apply would change in the live account.",
      "Notification configurations this pipeline owns (added, changed, removed), "
          + "configurations it does not own (kept), queues, DLQs, policies, the audit table, "
          + "alarms, and the workflows' state machines and EventBridge rules."
    })
public class PlanCommand implements Callable<Integer> {
  @Mixin PipelineFile file;

  @Option(
      names = "--detailed-exitcode",
      description = "Exit 4 when something would change, 0 when nothing would.")
  boolean detailedExitCode;

  private final Context ctx;

  public PlanCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    var config = file.load(ctx);
    Plan plan = new PipelineDeployer(ctx.clients()).plan(config);
    PlanPrinter.print(plan, ctx.out());
    if (!plan.problems().isEmpty()) {
      throw S3procException.runtime(
          "the plan cannot be applied: "
              + plan.problems().get(0)
              + (plan.problems().size() > 1
                  ? " (and " + (plan.problems().size() - 1) + " more above)"
                  : ""));
    }
    return detailedExitCode && plan.hasChanges() ? ExitCode.CHANGES_PENDING : ExitCode.OK;
  }
}
