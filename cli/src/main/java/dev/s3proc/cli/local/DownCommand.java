package dev.s3proc.cli.local;

import dev.s3proc.cli.Context;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description =
        "Stop exactly what `local up` started and forget it, and any runner an earlier stack left behind. Its data is gone with it.")
public class DownCommand implements Callable<Integer> {
  private final Context ctx;

  public DownCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    LocalStack.Stopped stopped = new LocalStack(ctx.localState(), ctx.clients(), ctx.env()).down();
    stopped
        .stack()
        .ifPresentOrElse(
            s ->
                ctx.out()
                    .info(
                        "stopped the local stack at "
                            + s.endpoint()
                            + " (pid "
                            + s.emulatorPid()
                            + ")"),
            () -> {
              if (stopped.orphans().isEmpty()) {
                ctx.out().info("no local stack is running");
              }
            });
    for (LocalState.Started p : stopped.orphans()) {
      ctx.out()
          .info("stopped a " + p.role() + " (pid " + p.pid() + ") left behind by an earlier stack");
    }
    return 0;
  }
}
